"""The command line: help, check, new, and the dev server rebuilding on change."""

from __future__ import annotations

import subprocess
import sys
import tomllib
import urllib.error
import urllib.request

import pytest

from conftest import REPO, free_port, run_cli, wait_for
from studysite.cli import main


@pytest.mark.parametrize("command", [[], ["build"], ["check"], ["serve"], ["new"]])
def test_every_command_has_help(command, capsys):
    with pytest.raises(SystemExit) as exit_info:
        main([*command, "--help"])
    assert exit_info.value.code == 0
    out = capsys.readouterr().out
    assert "--content" in out and "--output" in out


def test_build_py_and_console_script_run_the_same_main():
    scripts = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["scripts"]
    assert scripts == {"studysite": "studysite.cli:run"}
    result = subprocess.run([sys.executable, "build.py", "--help"], cwd=REPO, capture_output=True, text=True)
    assert result.returncode == 0 and "usage: studysite" in result.stdout


def test_options_work_before_and_after_the_command(make_site, tmp_path):
    root = make_site()
    assert main(["--root", str(root), "build", "--output", str(tmp_path / "out")]) == 0
    assert (tmp_path / "out/nn/gradients.html").exists()
    assert not (root / "_site").exists()


def test_check_validates_and_writes_nothing(make_site, capsys):
    root = make_site()
    assert run_cli(root, "check") == 0
    assert capsys.readouterr().out.strip() == "OK: 1 topic, 2 questions, no errors."
    assert not (root / "_site").exists()


def test_new_creates_a_topic_that_builds(make_site, capsys):
    root = make_site()
    assert run_cli(root, "new", "optimization/adam-optimizer") == 0
    created = root / "content/optimization/adam-optimizer.md"
    assert created.read_text().startswith('---\ntitle: "Adam optimizer"\n')
    assert "Created " in capsys.readouterr().out
    assert run_cli(root, "build") == 0
    assert (root / "_site/optimization/adam-optimizer.html").exists()


def test_new_refuses_to_overwrite(make_site, capsys):
    root = make_site()
    original = (root / "content/nn/gradients.md").read_text()
    assert run_cli(root, "new", "nn/gradients") == 1
    assert "content/nn/gradients.md: this file already exists" in capsys.readouterr().err
    assert (root / "content/nn/gradients.md").read_text() == original


@pytest.mark.parametrize("name", ["gradients", "a/b/c", "../x", "Bad Name/x"])
def test_new_rejects_names_that_are_not_category_slash_topic(make_site, capsys, name):
    root = make_site()
    assert run_cli(root, "new", name) == 1
    assert "the name must look like <category>/<topic>" in capsys.readouterr().err




def _fetch(url: str) -> str:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.read().decode("utf-8")
    except urllib.error.HTTPError as error:  # the build-error page comes with status 500
        return error.read().decode("utf-8")




def test_serve_rebuilds_after_a_file_change_and_shows_build_errors(make_site):
    root = make_site()
    port = free_port()
    server = subprocess.Popen([sys.executable, str(REPO / "build.py"), "serve", "--root", str(root),
                               "--port", str(port)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        page = f"http://127.0.0.1:{port}/nn/gradients.html"
        assert "Gradients shrink." in wait_for(lambda: _fetch(page))
        topic = root / "content/nn/gradients.md"
        good = topic.read_text().replace("Gradients shrink.", "Gradients fade away.")
        topic.write_text(good)
        wait_for(lambda: "Gradients fade away." in _fetch(page))
        # A broken save: the browser gets the error with file and line; the last good site stays on disk.
        topic.write_text(good.replace("[easy]", "[eazy]"))
        error = wait_for(lambda: (text := _fetch(page)) and "did not build" in text and text)
        assert "gradients.md:12: unknown difficulty &#x27;eazy&#x27;" in error
        assert "Gradients fade away." in (root / "_site/nn/gradients.html").read_text()
        topic.write_text(good)  # fixed: the page comes back by itself
        wait_for(lambda: "Gradients fade away." in _fetch(page))
    finally:
        server.terminate()
        output = server.communicate(timeout=10)[0]
    assert "unknown difficulty 'eazy'" in output
