"""Where a site's sources live, where its output goes, and the files a build reads."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from .errors import BuildFailed, ContentError, relative_to_cwd
from .theme import STATIC_PREFIX, layers

CONFIG_FILE = "site.yml"
CACHE_DIR = ".studysite-cache"
PUBLIC_DIR = "public"


@dataclass(frozen=True)
class Project:
    """Where a site's sources live and where its output goes."""

    root: Path
    content: Path
    output: Path

    @property
    def templates(self) -> tuple[Path, ...]:
        """Template folders, most specific first: the site's own templates/, then the bundled theme."""
        return layers(self.root / "templates", "templates")

    @property
    def static(self) -> tuple[Path, ...]:
        """Static folders, most specific first: the site's own static/, then the bundled theme."""
        return layers(self.root / "static", "static")

    @property
    def public(self) -> Path:
        """Files published as they are at the top of the site: CNAME, robots.txt, favicon.ico."""
        return self.root / PUBLIC_DIR

    @property
    def config_file(self) -> Path:
        return self.root / CONFIG_FILE

    @property
    def cache_dir(self) -> Path:
        return self.root / CACHE_DIR

    @property
    def sources(self) -> list[Path]:
        """Everything a build reads; the output folder may contain none of it."""
        return [self.root, self.content, *self.templates, *self.static, self.public, self.config_file, self.cache_dir]

    @property
    def source_folders(self) -> list[Path]:
        """Folders whose every file is a source: no output may sit inside one."""
        return [self.content, *self.templates, *self.static, self.public]

    @property
    def key(self) -> tuple[str, ...]:
        """The folders as absolute paths: a cache made for other folders is not this project's."""
        return (str(self.content.resolve()), str(self.output.resolve()),
                *(str(folder.resolve()) for folder in (*self.templates, *self.static)))


def file_stat(path: Path | str) -> tuple[int, int] | None:
    """(size, modification time in ns), or None when the file is not there: how an output is recognised."""
    try:
        info = os.stat(path)
    except OSError:
        return None
    return info.st_size, info.st_mtime_ns


def input_stat(path: Path | str) -> tuple[int, int, int] | None:
    """(size, modification time, change time in ns), or None: how a changed source is recognised.
    The change time catches what the modification time misses: 'cp -p', 'rsync -t' and 'tar' set a
    file's old modification time back, but no program can set its change time."""
    try:
        info = os.stat(path)
    except OSError:
        return None
    return info.st_size, info.st_mtime_ns, info.st_ctime_ns


@dataclass(frozen=True)
class ContentListing:
    """Every file under the content folder that a build reads, found by the rules every command shares."""

    names: tuple[str, ...]  # as strings: the no-op check lists every file on every run, Path objects cost
    errors: tuple[ContentError, ...]
    warnings: tuple[ContentError, ...] = ()  # special files (pipes, devices), skipped

    @property
    def files(self) -> tuple[Path, ...]:
        return tuple(map(Path, self.names))

    def checked(self) -> ContentListing:
        """The listing, or BuildFailed with its errors (a link out of the project, a loop)."""
        if self.errors:
            raise BuildFailed(self.errors)
        return self


def list_content(content_dir: Path, allowed: tuple[Path, ...] = ()) -> ContentListing:
    """The files under `content_dir`, by one set of rules for build, check, serve and the tests:

    - names that start with '.' (files and folders: drafts, editors' files, .git) are not content;
    - a symbolic link, to a file or a folder, counts only when it leads to a file or folder inside
      the content folder or one of the `allowed` folders (the project); a link that leads outside
      them, nowhere, or in a loop is an error naming the link, so nothing outside is published;
    - a folder is listed once, however many links lead to it;
    - a special file (a pipe, a socket, a device) is skipped with a warning: reading one could wait
      forever or never end.
    """
    root = content_dir.resolve()
    inside = (root, *(folder.resolve() for folder in allowed))
    shown_root = relative_to_cwd(content_dir)
    names: list[str] = []
    errors: list[ContentError] = []
    warnings: list[ContentError] = []
    seen_folders = {str(root)}

    def refuse(path: str, message: str, hint: str, into: list[ContentError] = errors) -> None:
        into.append(ContentError(shown_root / Path(path).relative_to(content_dir), None, message, hint))

    def skip_special(path: str) -> None:
        refuse(path, "this is not a regular file (a pipe, a socket or a device), so it is skipped",
               "remove it from the content folder", warnings)

    def target_of(link: str) -> Path | None:
        try:
            target = Path(link).resolve(strict=True)
        except (OSError, RuntimeError):  # dangling, or a loop of links
            refuse(link, "this link points nowhere (or in a loop)", "fix or remove the link")
            return None
        if not any(target == folder or target.is_relative_to(folder) for folder in inside):
            refuse(link, f"this link leads outside the project, to {target}",
                   "copy the file or folder into the project instead; studysite publishes only the project's files")
            return None
        return target

    def walk(folder: str, real: str) -> None:
        try:
            entries = sorted(os.scandir(folder), key=lambda entry: entry.name)
        except OSError as exc:
            refuse(folder, f"cannot read this folder: {exc.strerror or exc}", "check its permissions")
            return
        for entry in entries:
            if entry.name.startswith("."):
                continue
            if entry.is_symlink():
                target = target_of(entry.path)
                if target is None:
                    continue
                if target.is_dir():
                    if str(target) in seen_folders:  # a parent, or a folder listed already
                        refuse(entry.path, "this link leads to a folder that is already part of the content",
                               "remove the link; each folder is published once")
                        continue
                    seen_folders.add(str(target))
                    walk(entry.path, str(target))
                elif target.is_file():
                    names.append(entry.path)
                else:
                    skip_special(entry.path)
            elif entry.is_dir(follow_symlinks=False):
                inner = os.path.join(real, entry.name)
                if inner not in seen_folders:  # (reached through a link already)
                    seen_folders.add(inner)
                    walk(entry.path, inner)
            elif entry.is_file(follow_symlinks=False):
                names.append(entry.path)
            else:
                skip_special(entry.path)

    if content_dir.is_dir():
        walk(str(content_dir), str(root))
    return ContentListing(tuple(names), tuple(errors), tuple(warnings))


def scan_inputs(project: Project) -> dict[str, tuple[int, int, int]]:
    """Size and modification time of every file a build reads: cheap enough to run on every save."""
    found: dict[str, tuple[int, int, int]] = {}
    listing = list_content(project.content, (project.root,))
    for path in listing.names:
        stat = input_stat(path)
        if stat:
            found[path] = stat
    for problem in (*listing.errors, *listing.warnings):  # a link out, a pipe: not read, but the build must say so
        found[f"{problem.path}\0{problem.message}"] = (0, 0, 0)
    for path in list_public(project).values():
        stat = input_stat(path)
        if stat:
            found[str(path)] = stat
    for folder in (*project.templates, *project.static):
        for directory, subdirectories, files in os.walk(folder):
            subdirectories[:] = sorted(d for d in subdirectories if not d.startswith("."))
            for name in files:
                if not name.startswith("."):
                    path = os.path.join(directory, name)
                    stat = input_stat(path)
                    if stat:
                        found[path] = stat
    config = input_stat(project.config_file)
    if config:
        found[str(project.config_file)] = config
    return found


def list_public(project: Project) -> dict[str, Path]:
    """The files of the project's public/ folder by their place in the site, by the content folder's
    rules (hidden files and links out of the project are not published); raises BuildFailed for links."""
    folder = project.public
    if not folder.is_dir():
        return {}
    listing = list_content(folder, (project.root,)).checked()
    prefix = len(str(folder).rstrip("/")) + 1
    return {name[prefix:].replace("\\", "/"): Path(name) for name in listing.names}


def read_static(static_dirs: tuple[Path, ...]) -> dict[str, bytes]:
    """Every static file keyed by its output path (static/...); a site's file replaces the bundled one.
    Files are found by the content folder's rules (project.list_content): hidden files and links
    leading out of the project are not published."""
    files: dict[str, bytes] = {}
    errors: list[ContentError] = []
    for folder in reversed(static_dirs):  # bundled first, so the site's own files win
        listing = list_content(folder, (folder.parent,))
        errors += listing.errors
        prefix = len(str(folder).rstrip("/")) + 1
        for name in listing.names:
            try:
                data = Path(name).read_bytes()
            except OSError as exc:
                errors.append(ContentError(relative_to_cwd(Path(name)), None, f"cannot read the file: {exc.strerror or exc}",
                                           "check that you may read it"))
                continue
            files[f"{STATIC_PREFIX}/{name[prefix:].replace(chr(92), '/')}"] = data
    if errors:
        raise BuildFailed(errors)
    return dict(sorted(files.items()))
