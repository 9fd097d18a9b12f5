"""Shared fixtures: small sites built in tmp_path, and the example site built once."""

from __future__ import annotations

import shutil
import textwrap
from pathlib import Path

import pytest

from studysite.cli import main

REPO = Path(__file__).resolve().parent.parent

TOPIC = """\
---
title: "Gradients"
summary: "How gradients flow."
tags: [Vanishing, ResNet]
tip: "Mention products."
checklist:
  - "Vanish vs explode"
---

Intro text.

## What is the vanishing gradient problem? [easy]

Gradients shrink.

## What are exploding gradients? [hard]

Gradients grow.
"""


def write_files(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text) if text.startswith("\n") else text, encoding="utf-8")


@pytest.fixture
def make_site(tmp_path):
    """make_site(files={...}) -> a project folder with those files (content/... by default one topic)."""
    def make(files: dict[str, str] | None = None, with_default: bool = True) -> Path:
        root = tmp_path / "project"
        root.mkdir(exist_ok=True)
        if with_default:
            write_files(root, {"content/nn/gradients.md": TOPIC})
        write_files(root, files or {})
        return root
    return make


def free_port() -> int:
    """A port nothing listens on right now."""
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(predicate, seconds: float = 15.0):
    """Poll `predicate` until it returns something true; connection errors count as 'not yet'."""
    import time

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            value = predicate()
            if value:
                return value
        except OSError:
            pass
        time.sleep(0.05)
    raise AssertionError("timed out")


def load_site(content_dir: Path):
    """The Site of a content folder, loaded as `check` loads it (the one pipeline, no cache, no write)."""
    from studysite.builder import Builder
    from studysite.project import Project

    project = Project(root=content_dir.parent, content=content_dir, output=content_dir.parent / "_site")
    return Builder(project, use_cache=False).load()[0]


def run_cli(root: Path, *args: str) -> int:
    """Run the CLI as a user would, against a project folder."""
    return main([*args, "--root", str(root)])


# The site the integration and browser tests read: a frozen copy of the example content, so that
# editing content/ (the example users see) never breaks a test that counts its cards.
FIXTURE_SITE = Path(__file__).resolve().parent / "fixtures" / "site"


@pytest.fixture(scope="session")
def example_site(tmp_path_factory) -> Path:
    """tests/fixtures/site built once per test session with the bundled theme; returns the output folder."""
    root = tmp_path_factory.mktemp("example")
    shutil.copytree(FIXTURE_SITE / "content", root / "content")
    shutil.copy(FIXTURE_SITE / "site.yml", root / "site.yml")
    assert main(["build", "--root", str(root)]) == 0
    return root / "_site"
