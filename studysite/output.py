"""The only code that writes the site: guarded, atomic per file, and only what changed."""

from __future__ import annotations

import os
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


def write_site(outputs: dict[str, bytes], output_dir: Path) -> WriteStats:
    """Make `output_dir` hold exactly `outputs`, rewriting only files whose bytes changed."""
    root = output_dir.resolve()
    root.mkdir(parents=True, exist_ok=True)
    if not (root / MARKER).exists():
        (root / MARKER).touch()
    written = unchanged = 0
    for relative, data in sorted(outputs.items()):
        target = (root / relative).resolve()
        if not target.is_relative_to(root) or target == root:
            raise ValueError(f"output path escapes the site folder: {relative}")
        if target.is_file() and target.stat().st_size == len(data) and target.read_bytes() == data:
            unchanged += 1
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        _replace_atomically(target, data)
        written += 1
    removed = _remove_stale(root, {(root / r).resolve() for r in outputs} | {root / MARKER})
    return WriteStats(written, unchanged, removed)


def _replace_atomically(target: Path, data: bytes) -> None:
    """Write beside the target and rename over it, so no reader sees half a file."""
    temporary = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        temporary.write_bytes(data)
        os.replace(temporary, target)
    finally:
        temporary.unlink(missing_ok=True)


def _remove_stale(root: Path, keep: set[Path]) -> int:
    """Delete files no output produces any more, then folders left empty."""
    removed = 0
    for path in sorted(root.rglob("*"), key=lambda p: len(p.parts), reverse=True):
        if path.is_symlink() or path.is_file():
            if path.resolve() not in keep and path not in keep:
                path.unlink()
                removed += 1
        elif path.is_dir() and not any(path.iterdir()):
            path.rmdir()
    return removed
