"""bench/RESULTS.md: each benchmark writes its own section, replacing the one an earlier run wrote."""

from __future__ import annotations

import re
from pathlib import Path


def write_section(path: Path, heading: str, section: str) -> None:
    """Put `section` (which starts with `heading`) into the file at `path`: in place of the section
    with that heading, or at the end."""
    old = path.read_text(encoding="utf-8") if path.exists() else ""
    if heading in old:
        start = old.index(heading)
        following = re.search(r"^## ", old[start + len(heading):], re.MULTILINE)
        end = start + len(heading) + following.start() if following else len(old)
        new = old[:start] + section + ("\n" + old[end:] if following else "")
    else:
        new = old.rstrip("\n") + "\n\n" + section if old else section
    path.write_text(new, encoding="utf-8")
    print(f"wrote {path}")
