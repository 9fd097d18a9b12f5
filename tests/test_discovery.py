"""Which files are content: one set of rules, so build and check always agree."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from conftest import TOPIC, run_cli, write_files
from studysite.project import list_content


def outcome(root: Path, capsys, command: str) -> tuple[int, str]:
    """Exit code and what the command said: its 'N topics' count, or its error lines."""
    code = run_cli(root, command)
    captured = capsys.readouterr()
    if code:
        return code, "\n".join(line for line in captured.err.splitlines() if not line.startswith("  hint"))
    words = captured.out.replace(",", " ").replace("(", " ").split()
    return code, words[words.index("topic") - 1 if "topic" in words else words.index("topics") - 1]


def make_case(root: Path, outside: Path, case: str) -> None:
    content = root / "content"
    if case == "linked category inside the project":
        write_files(root, {"notes/optimization/adam.md": TOPIC.replace("Gradients", "Adam")})
        os.symlink(root / "notes/optimization", content / "optimization")
    elif case == "linked file inside the project":
        write_files(root, {"drafts/adam.md": TOPIC.replace("Gradients", "Adam")})
        os.symlink(root / "drafts/adam.md", content / "nn/adam.md")
    elif case == "linked category outside the project":
        write_files(outside, {"opt/adam.md": TOPIC.replace("Gradients", "Adam")})
        os.symlink(outside / "opt", content / "optimization")
    elif case == "linked asset outside the project":
        write_files(outside, {"secret.txt": "password"})
        os.symlink(outside / "secret.txt", content / "nn/notes.txt")
    elif case == "dangling link":
        os.symlink(root / "nowhere.md", content / "nn/gone.md")
    elif case == "looping link":
        os.symlink(content / "nn/b.md", content / "nn/a.md")
        os.symlink(content / "nn/a.md", content / "nn/b.md")
    elif case == "link back to a parent folder":
        os.symlink(content / "nn", content / "nn/again")
    elif case == "folder named like a file":
        (content / "nn/old.md").mkdir()
    elif case == "hidden files and folders":
        write_files(root, {"content/nn/.draft.md": "not even front matter",
                           "content/nn/..md": "nor this", "content/.hidden/x.md": "nor this"})


CASES = {
    "linked category inside the project": (0, "2"),
    "linked file inside the project": (0, "2"),
    "linked category outside the project": (1, "content/optimization: this link leads outside the project"),
    "linked asset outside the project": (1, "content/nn/notes.txt: this link leads outside the project"),
    "dangling link": (1, "content/nn/gone.md: this link points nowhere (or in a loop)"),
    "looping link": (1, "content/nn/a.md: this link points nowhere (or in a loop)"),
    "link back to a parent folder": (1, "content/nn/again: this link leads to a folder that is already part"),
    "folder named like a file": (0, "1"),
    "hidden files and folders": (0, "1"),
}


@pytest.mark.parametrize("case", CASES)
def test_build_and_check_agree(make_site, tmp_path, capsys, monkeypatch, case):
    root = make_site()
    make_case(root, tmp_path / "outside", case)
    monkeypatch.chdir(root)
    built, checked = outcome(root, capsys, "build"), outcome(root, capsys, "check")
    assert built[0] == checked[0] == CASES[case][0]
    assert CASES[case][1] in built[1] and CASES[case][1] in checked[1], (built, checked)
    if built[0]:
        assert built[1] == checked[1]
        assert not (root / "_site").exists()  # nothing published, not even the files that were fine


def test_a_dev_server_style_rebuild_sees_what_a_fresh_build_sees(make_site, tmp_path):
    from studysite.builder import Builder
    from studysite.project import Project

    root = make_site()
    builder = Builder(Project(root, root / "content", root / "_site"))
    assert len(builder.build().site.pages) == 1
    write_files(root, {"notes/optimization/adam.md": TOPIC.replace("Gradients", "Adam")})
    os.symlink(root / "notes/optimization", root / "content/optimization")
    assert len(builder.build().site.pages) == 2


def test_listing_follows_links_only_inside(tmp_path):
    write_files(tmp_path, {"content/a/x.md": "x", "content/a/img/p.png": "p", "content/.git/config": "c"})
    listing = list_content(tmp_path / "content")
    assert [p.relative_to(tmp_path).as_posix() for p in listing.files] == ["content/a/img/p.png", "content/a/x.md"]
    assert listing.errors == ()
