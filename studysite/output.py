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
    changed: tuple[str, ...] = ()  # the paths written or removed, for the dev server's reload


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


class Staging:
    """Outputs written beside their targets as hidden files, put in place together once all are ready.

    Rendering (possibly in worker processes) stages; only commit() changes the site, one atomic rename
    per file, and discard() removes every trace of a build that failed half way.
    """

    def __init__(self, output_dir: Path, token: str | None = None):
        self.root = output_dir.resolve()
        self.token = token or str(os.getpid())
        self.staged: list[str] = []
        self.created: list[Path] = []  # folders this build made, so a failed build can take them back
        self.unchanged = 0
        self.root_existed = self.root.exists()

    def _temporary(self, relative: str) -> Path:
        target = self.root / relative
        return target.with_name(f".{target.name}.{self.token}.new")

    def stage(self, relative: str, data: bytes) -> bool:
        """Stage `data` for `relative` unless the file already holds exactly it; True if staged."""
        target = self.root / relative
        try:
            if target.stat().st_size == len(data) and target.read_bytes() == data:
                self.unchanged += 1
                return False
        except OSError:
            pass
        if not target.parent.is_dir():
            missing = [p for p in (target.parent, *target.parent.parents) if p != self.root and
                       p.is_relative_to(self.root) and not p.exists()]
            target.parent.mkdir(parents=True, exist_ok=True)
            self.created.extend(missing)
        self._temporary(relative).write_bytes(data)
        self.staged.append(relative)
        return True

    def commit(self, current: set[str]) -> WriteStats:
        """Put every staged file in place and remove what no output produces any more."""
        for relative in self.staged:
            os.replace(self._temporary(relative), self.root / relative)
        removed = _remove_stale(self.root, {*current, MARKER})
        return WriteStats(len(self.staged), len(current) - len(self.staged), len(removed), (*self.staged, *removed))

    def discard(self) -> None:
        """Remove everything this build staged or created: the site is as it was."""
        for relative in self.staged:
            self._temporary(relative).unlink(missing_ok=True)
        for folder in sorted(set(self.created), key=lambda p: len(p.parts), reverse=True):
            if folder.is_dir() and not any(folder.iterdir()):
                folder.rmdir()
        if not self.root_existed and self.root.is_dir():
            (self.root / MARKER).unlink(missing_ok=True)
            if not any(self.root.iterdir()):
                self.root.rmdir()
        self.staged, self.created = [], []


def prepare_output(output_dir: Path, paths) -> Path:
    """Create the output folder with its marker and refuse any path that would land outside it."""
    root = output_dir.resolve()
    root.mkdir(parents=True, exist_ok=True)
    if not (root / MARKER).exists():
        (root / MARKER).touch()
    _refuse_escapes(root, paths)
    return root


def _refuse_escapes(root: Path, outputs) -> None:
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


def _remove_stale(root: Path, keep: set[str]) -> list[str]:
    """Delete files no output produces any more, then folders left empty; returns the files' paths."""
    removed = []
    for directory, subdirectories, files in os.walk(root, topdown=False):
        relative_dir = os.path.relpath(directory, root)
        for name in files:
            relative = name if relative_dir == "." else f"{relative_dir}/{name}"
            if relative not in keep:
                os.unlink(os.path.join(directory, name))
                removed.append(relative)
        if directory != str(root) and not os.listdir(directory):
            os.rmdir(directory)
    return removed


class MemoryOutput:
    """Outputs kept in memory instead of staged for writing: what `check` renders, with the same calls."""

    def __init__(self) -> None:
        self.files: dict[str, bytes] = {}

    def stage(self, relative: str, data: bytes) -> bool:
        """Keep `data` as the output at `relative`."""
        self.files[relative] = data
        return True
