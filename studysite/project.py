"""Where a site's sources live, where its output goes, and the files a build reads."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from .theme import layers

CONFIG_FILE = "site.yml"
CACHE_DIR = ".studysite-cache"


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
    def config_file(self) -> Path:
        return self.root / CONFIG_FILE

    @property
    def cache_dir(self) -> Path:
        return self.root / CACHE_DIR

    @property
    def sources(self) -> list[Path]:
        """Everything a build reads; the output folder may contain none of it."""
        return [self.root, self.content, *self.templates, *self.static, self.config_file, self.cache_dir]

    @property
    def key(self) -> tuple[str, ...]:
        """The folders as absolute paths: a cache made for other folders is not this project's."""
        return (str(self.content.resolve()), str(self.output.resolve()),
                *(str(folder.resolve()) for folder in (*self.templates, *self.static)))


def file_stat(path: Path | str) -> tuple[int, int] | None:
    """(size, modification time in ns), or None when the file is not there."""
    try:
        info = os.stat(path)
    except OSError:
        return None
    return info.st_size, info.st_mtime_ns


def scan_inputs(project: Project) -> dict[str, tuple[int, int]]:
    """Size and modification time of every file a build reads: cheap enough to run on every save."""
    found: dict[str, tuple[int, int]] = {}
    for folder in (project.content, *project.templates, *project.static):
        for directory, subdirectories, files in os.walk(folder):
            subdirectories[:] = sorted(d for d in subdirectories if not d.startswith("."))
            for name in files:
                if not name.startswith("."):
                    path = os.path.join(directory, name)
                    stat = file_stat(path)
                    if stat:
                        found[path] = stat
    config = file_stat(project.config_file)
    if config:
        found[str(project.config_file)] = config
    return found
