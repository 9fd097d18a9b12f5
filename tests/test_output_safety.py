"""The site as a whole, under real processes: a killed build, two builds at once, a full or read-only disk.

A reader must see the old site or the new one, never a mix, and a failed build leaves the site as it was.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import REPO, write_files

TOPICS = 60


def topic(index: int, version: str) -> str:
    questions = "\n".join(f"## Question {q} of topic {index}? [medium]\n\nAnswer {q}, {version}, with `code` and "
                          f"*emphasis*.\n" for q in range(8))
    return f"---\ntitle: Topic {index}\nsummary: Version {version}.\n---\n\n{questions}"


def write_site(root: Path, version: str) -> None:
    write_files(root, {f"content/c{index % 4}/t{index}.md": topic(index, version) for index in range(TOPICS)})


def build(root: Path, *args: str, **options) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(REPO / "build.py"), "build", "--root", str(root), *args],
                          capture_output=True, text=True, **options)


def contents(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture
def versions(tmp_path):
    """A project built at version 'old', and the sites that versions 'old' and 'new' make."""
    sites = {}
    for version in ("old", "new"):
        reference = tmp_path / f"reference-{version}"
        write_site(reference, version)
        assert build(reference).returncode == 0
        sites[version] = contents(reference / "_site")
    root = tmp_path / "project"
    write_site(root, "old")
    assert build(root).returncode == 0
    return root, sites


def test_a_killed_build_leaves_the_old_site_or_the_new_one(versions):
    root, sites = versions
    assert sites["old"] != sites["new"] and contents(root / "_site") == sites["old"]
    write_site(root, "new")
    started = time.monotonic()
    assert build(root, "--clean").returncode == 0  # how long a whole build of the new version takes
    duration = time.monotonic() - started
    seen = set()
    for step in range(8):
        write_site(root, "old" if step % 2 else "new")  # every build has the whole site to change
        process = subprocess.Popen([sys.executable, str(REPO / "build.py"), "build", "--clean", "--root", str(root)],
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(duration * (0.35 + 0.09 * step))  # through parsing, rendering and the switch-over
        process.send_signal(signal.SIGKILL)
        process.wait()
        site = contents(root / "_site")
        assert site in (sites["old"], sites["new"]), "a killed build left a mix of two sites"
        seen.add("old" if site == sites["old"] else "new")
    write_site(root, "new")
    result = build(root)
    assert result.returncode == 0, result.stderr
    assert contents(root / "_site") == sites["new"]
    assert not [p for p in (root / "_site").rglob(".*") if p.name != ".nojekyll" and p.name != ".studysite-output"]


def test_two_builds_at_once_take_turns(versions):
    root, sites = versions
    write_site(root, "new")
    command = [sys.executable, str(REPO / "build.py"), "build", "--clean", "--root", str(root)]
    first = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    time.sleep(0.3)
    second = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    results = [process.communicate(timeout=120) for process in (first, second)]
    assert [first.returncode, second.returncode] == [0, 0], results
    assert any("waiting for another build" in err for _, err in results), results
    assert not any("Traceback" in err for _, err in results)
    assert contents(root / "_site") == sites["new"]


@pytest.fixture
def small_disk(tmp_path):
    """A 3 MB file system of its own (tmpfs), where this machine lets us mount one."""
    mount = tmp_path / "disk"
    mount.mkdir()
    if shutil.which("mount") is None or subprocess.run(["mount", "-t", "tmpfs", "-o", "size=3m", "tmpfs", str(mount)],
                                                       capture_output=True).returncode != 0:
        pytest.skip("cannot mount a small file system here (needs root, or a container allowed to mount)")
    yield mount
    subprocess.run(["umount", "-l", str(mount)], capture_output=True)


def test_a_full_disk_fails_the_build_and_leaves_the_site_as_it_was(make_site, small_disk):
    root = make_site()
    output = small_disk / "site"
    assert build(root, "--output", str(output)).returncode == 0
    before = contents(output)
    (root / "content/nn/img").mkdir()
    (root / "content/nn/img/big.png").write_bytes(os.urandom(4 * 1024 * 1024))  # more than the disk holds
    result = build(root, "--output", str(output))
    assert result.returncode == 1, result.stdout
    assert "cannot write the site: No space left on device" in result.stderr and "hint: free some space" in result.stderr
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr
    assert contents(output) == before
    (root / "content/nn/img/big.png").unlink()
    topic = root / "content/nn/gradients.md"
    topic.write_text(topic.read_text().replace("Gradients shrink.", "Gradients shrink (after the disk was full)."))
    assert build(root, "--output", str(output)).returncode == 0
    assert "(after the disk was full)" in (output / "nn/gradients.html").read_text()


def test_a_read_only_disk_fails_the_build_and_leaves_the_site_as_it_was(make_site, small_disk):
    root = make_site()
    output = small_disk / "site"
    assert build(root, "--output", str(output)).returncode == 0
    before = contents(output)
    assert subprocess.run(["mount", "-o", "remount,ro", str(small_disk)], capture_output=True).returncode == 0
    topic = root / "content/nn/gradients.md"
    topic.write_text(topic.read_text().replace("Gradients shrink.", "Gradients shrink (read-only)."))
    result = build(root, "--output", str(output))
    assert result.returncode == 1
    assert "cannot write the site: Read-only file system" in result.stderr and "hint: " in result.stderr
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr
    assert contents(output) == before
