"""The only code that writes the site: guarded, only what changed, and switched in as a whole."""

from __future__ import annotations

import ctypes
import errno
import os
import posixpath
import shutil
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


def check_output_dir(output_dir: Path, protected: list[Path], source_folders: list[Path] = ()) -> None:
    """Refuse an output folder that holds sources, lies inside a source folder (each build would read
    the last one's output back in), or that studysite did not create."""
    shown = relative_to_cwd(output_dir)
    target = output_dir.resolve()
    for source in protected:
        source = source.resolve()
        if target == source or source.is_relative_to(target):
            raise BuildFailed([ContentError(shown, None, f"the output folder would overwrite {relative_to_cwd(source)}",
                                            "choose an output folder of its own, for example --output _site")])
    for folder in source_folders:
        if target.is_relative_to(folder.resolve()):
            raise BuildFailed([ContentError(shown, None, f"the output folder is inside the source folder {relative_to_cwd(folder)}",
                                            "choose an output folder outside content/, templates/ and static/, "
                                            "for example --output _site")])
    if target.exists() and not target.is_dir():
        raise BuildFailed([ContentError(shown, None, "the output path is a file, not a folder",
                                        "remove the file or choose another --output")])
    if target.is_dir() and any(target.iterdir()) and not (target / MARKER).exists():
        raise BuildFailed([ContentError(shown, None, "the output folder exists and was not made by studysite",
                                        f"empty or remove it, or choose another --output; studysite only replaces "
                                        f"folders that contain its marker file {MARKER}")])


# The spare copy of the site beside the output folder, where a build makes the new site.
SPARE_SUFFIX = ".studysite-spare"
_OLD_SUFFIX = ".studysite-old"  # (only where folders cannot be exchanged in one step)


def spare_of(output_dir: Path) -> Path:
    """The hidden folder beside `output_dir` that holds the site before last: '_site' -> '._site.studysite-spare'."""
    return output_dir.parent / f".{output_dir.name}{SPARE_SUFFIX}"


class Staging:
    """A build's new site, made in the spare folder beside the output folder and switched in whole.

    The output folder is never written while it is the site. The spare holds the site of the build
    before last; a build brings it up to date (changed files written anew, unchanged ones hard-linked
    from the output folder, the rest removed) and then exchanges the two folders in one atomic
    rename. A reader sees the old site or the new one, never a mix (not even new pages with the old
    search index); a build that fails or is killed leaves the site as it was, and the next build
    puts the spare right, whatever was left in it.
    """

    def __init__(self, output_dir: Path, token: str | None = None):
        self.live = output_dir.resolve()
        self.root = spare_of(self.live)
        self.token = token or str(os.getpid())
        self.staged: list[str] = []
        self.unchanged = 0
        self.spare_files: dict[str, int] = {}  # the spare's files before this build: path -> inode
        self.live_files: dict[str, int] = {}  # the site's files: path -> inode

    def prepare(self, current: set[str]) -> None:
        """Check the outputs' paths, make the spare ready for them, and note what both folders hold."""
        folders = set()
        for relative in current:
            if not is_inside(relative):
                raise ValueError(f"output path escapes the site folder: {relative}")
            parent = posixpath.dirname(relative)
            while parent and parent not in folders:
                folders.add(parent)
                parent = posixpath.dirname(parent)
        if self.root.is_symlink() or (self.root.exists() and not self.root.is_dir()):
            self.root.unlink()
        self.root.mkdir(parents=True, exist_ok=True)  # (an output folder inside missing ones: made, as mkdir -p)
        # Nothing in the spare is trusted: links, stray files and leftovers of a killed build go.
        self.spare_files = _tidy(self.root, "", current | {MARKER}, folders)
        self.live_files = _files(self.live) if self.live.is_dir() else {}

    def stage(self, relative: str, data: bytes) -> bool:
        """Stage `data` for `relative` unless the site's file already holds exactly it; True if staged."""
        try:
            current = self.live / relative
            if current.stat().st_size == len(data) and current.read_bytes() == data:
                self.unchanged += 1
                return False
        except OSError:
            pass
        target = self.root / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        temporary = target.with_name(f".{target.name}.{self.token}.new")
        temporary.write_bytes(data)
        os.replace(temporary, target)  # a file of its own: never the site's file it was linked to
        self.staged.append(relative)
        return True

    def commit(self, current: set[str]) -> WriteStats:
        """Complete the spare with the site's unchanged files, then switch it in: one atomic exchange."""
        staged = set(self.staged)
        for relative in sorted(current - staged - {MARKER}):
            inode = self.live_files.get(relative)
            if inode is None:
                raise FileNotFoundError(errno.ENOENT, "an unchanged file of the site is missing", str(self.live / relative))
            if self.spare_files.get(relative) != inode:
                target = self.root / relative
                target.parent.mkdir(parents=True, exist_ok=True)
                temporary = target.with_name(f".{target.name}.{self.token}.new")
                _link_or_copy(self.live / relative, temporary)
                os.replace(temporary, target)
        (self.root / MARKER).touch()
        _remove_empty_folders(self.root)
        removed = sorted(set(self.live_files) - current - {MARKER})
        if self.live.exists():
            exchange(self.root, self.live)
        else:
            os.rename(self.root, self.live)
            clone(self.live, self.root)  # the next build's spare, made now rather than on the first edit
        return WriteStats(len(self.staged), len(current) - len(self.staged), len(removed), (*self.staged, *removed))

    def discard(self) -> None:
        """Forget a failed build: the site was never touched, and the next build tidies the spare."""
        self.staged = []


def _files(root: Path, prefix: str = "") -> dict[str, int]:
    """Every regular file under `root`, by path, with its inode (read from the folder: no stat calls)."""
    found: dict[str, int] = {}
    with os.scandir(root) as entries:
        for entry in entries:
            relative = prefix + entry.name
            if entry.is_dir(follow_symlinks=False):
                found.update(_files(Path(entry.path), relative + "/"))
            elif entry.is_file(follow_symlinks=False):
                found[relative] = entry.inode()
    return found


def _tidy(folder: Path, prefix: str, keep: set[str], folders: set[str]) -> dict[str, int]:
    """Remove from the spare what the new site has no place for; returns its remaining files' inodes."""
    found: dict[str, int] = {}
    with os.scandir(folder) as entries:
        for entry in entries:
            relative = prefix + entry.name
            if entry.is_dir(follow_symlinks=False):
                if relative in folders:
                    found.update(_tidy(Path(entry.path), relative + "/", keep, folders))
                else:
                    shutil.rmtree(entry.path)
            elif entry.is_file(follow_symlinks=False) and relative in keep:
                found[relative] = entry.inode()
            else:  # a file the site no longer has, a leftover, a link, a pipe: none belongs here
                os.unlink(entry.path)
    return found


def _remove_empty_folders(root: Path) -> None:
    for directory, _, _ in os.walk(root, topdown=False):
        if directory != str(root) and not os.listdir(directory):
            os.rmdir(directory)


def _link_or_copy(source: Path, target: Path) -> None:
    """A hard link where the file system has them (no copy, the same time stamps), else a copy."""
    try:
        os.link(source, target, follow_symlinks=False)
    except OSError as exc:
        if exc.errno not in (errno.EPERM, errno.EXDEV, errno.EMLINK, errno.ENOTSUP, errno.EOPNOTSUPP):
            raise
        shutil.copy2(source, target, follow_symlinks=False)


def clone(source: Path, target: Path) -> None:
    """`target` as a copy of `source`, made of hard links."""
    for directory, _, files in os.walk(source):
        relative = os.path.relpath(directory, source)
        made = target if relative == "." else target / relative
        made.mkdir(exist_ok=True)
        for name in files:
            _link_or_copy(Path(directory, name), made / name)


_AT_CWD = -100
_RENAME_EXCHANGE = 2


def exchange(first: Path, second: Path) -> None:
    """Swap two folders' names at once (Linux's renameat2 with RENAME_EXCHANGE); elsewhere, three renames
    in a row, which leave the site's name missing for a moment but never show a mix of two sites."""
    try:
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):
        renameat2 = None
    if renameat2 is not None:
        if renameat2(_AT_CWD, os.fsencode(first), _AT_CWD, os.fsencode(second), _RENAME_EXCHANGE) == 0:
            return
        code = ctypes.get_errno()
        if code not in (errno.EINVAL, errno.ENOSYS, errno.ENOTSUP, errno.EOPNOTSUPP):
            raise OSError(code, os.strerror(code), str(second))
    parked = second.parent / f".{second.name}{_OLD_SUFFIX}"
    if parked.exists():
        shutil.rmtree(parked)
    os.rename(second, parked)
    os.rename(first, second)
    os.rename(parked, first)


def is_inside(relative: str) -> bool:
    """Whether an output path stays inside the output folder (no '..', not absolute, not empty)."""
    normal = posixpath.normpath(relative)
    return bool(relative) and not posixpath.isabs(normal) and normal != "." and not normal.startswith("../") \
        and normal != ".." and "\\" not in relative


class MemoryOutput:
    """Outputs kept in memory instead of staged for writing: what `check` renders, with the same calls."""

    def __init__(self) -> None:
        self.files: dict[str, bytes] = {}

    def stage(self, relative: str, data: bytes) -> bool:
        """Keep `data` as the output at `relative`."""
        self.files[relative] = data
        return True
