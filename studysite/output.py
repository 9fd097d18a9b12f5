"""The only code that writes the site: guarded, atomic per file, and only what changed."""

from __future__ import annotations

import os
import posixpath
from dataclasses import dataclass
from pathlib import Path

from .errors import BuildFailed, ContentError, relative_to_cwd

# Marks a folder as studysite's own, so a build never empties a folder it did not make.
MARKER = ".studysite-output"


@dataclass(frozen=True)
class WriteStats:
    """What a write did to the output folder."""

    written: int
    unchanged: int
    removed: int


def check_output_dir(output_dir: Path, protected: list[Path]) -> None:
    """Refuse an output folder that holds sources or that studysite did not create."""
    shown = relative_to_cwd(output_dir)
    target = output_dir.resolve()
    for source in protected:
        source = source.resolve()
        if target == source or source.is_relative_to(target):
            raise BuildFailed([ContentError(shown, None, f"the output folder would overwrite {relative_to_cwd(source)}",
                                            "choose an output folder of its own, for example --output _site")])
    if target.exists() and not target.is_dir():
        raise BuildFailed([ContentError(shown, None, "the output path is a file, not a folder",
                                        "remove the file or choose another --output")])
    if target.is_dir() and any(target.iterdir()) and not (target / MARKER).exists():
        raise BuildFailed([ContentError(shown, None, "the output folder exists and was not made by studysite",
                                        f"empty or remove it, or choose another --output; studysite only replaces "
                                        f"folders that contain its marker file {MARKER}")])


def write_site(outputs: dict[str, bytes], output_dir: Path, keep: set[str] = frozenset()) -> WriteStats:
    """Make `output_dir` hold exactly `outputs` plus the files in `keep` (known to be current).

    Only files whose bytes changed are rewritten; files that nothing produces any more are removed.
    """
    root = output_dir.resolve()
    root.mkdir(parents=True, exist_ok=True)
    if not (root / MARKER).exists():
        (root / MARKER).touch()
    written = unchanged = 0
    _refuse_escapes(root, outputs)
    for relative, data in sorted(outputs.items()):
        target = root / relative
        if target.is_file() and target.stat().st_size == len(data) and target.read_bytes() == data:
            unchanged += 1
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        _replace_atomically(target, data)
        written += 1
    removed = _remove_stale(root, {*outputs, *keep, MARKER})
    return WriteStats(written, unchanged + len(keep), removed)


def _refuse_escapes(root: Path, outputs: dict[str, bytes]) -> None:
    """No output may land outside the folder: not by '..' in its path, nor through a symlinked folder."""
    folders = set()
    for relative in outputs:
        if not is_inside(relative):
            raise ValueError(f"output path escapes the site folder: {relative}")
        folders.add(posixpath.dirname(relative))
    for folder in folders:
        existing = root / folder
        while not existing.exists() and existing != root:
            existing = existing.parent
        if not existing.resolve().is_relative_to(root):
            raise BuildFailed([ContentError(relative_to_cwd(root / folder), None,
                                            "this folder of the site is a link to somewhere outside it",
                                            "remove the link from the output folder; studysite never writes through one")])


def is_inside(relative: str) -> bool:
    """Whether an output path stays inside the output folder (no '..', not absolute, not empty)."""
    normal = posixpath.normpath(relative)
    return bool(relative) and not posixpath.isabs(normal) and normal != "." and not normal.startswith("../") \
        and normal != ".." and "\\" not in relative


def _replace_atomically(target: Path, data: bytes) -> None:
    """Write beside the target and rename over it, so no reader sees half a file."""
    temporary = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        temporary.write_bytes(data)
        os.replace(temporary, target)
    finally:
        temporary.unlink(missing_ok=True)


def _remove_stale(root: Path, keep: set[str]) -> int:
    """Delete files no output produces any more, then folders left empty."""
    removed = 0
    for directory, subdirectories, files in os.walk(root, topdown=False):
        relative_dir = os.path.relpath(directory, root)
        for name in files:
            relative = name if relative_dir == "." else f"{relative_dir}/{name}"
            if relative not in keep:
                os.unlink(os.path.join(directory, name))
                removed += 1
        if directory != str(root) and not os.listdir(directory):
            os.rmdir(directory)
    return removed
