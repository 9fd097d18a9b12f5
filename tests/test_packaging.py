"""What users get: studysite built as an sdist and a wheel, installed into a fresh virtualenv (not
editable, not this checkout), starting and building sites of its own."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from conftest import REPO, write_files
from studysite import __version__
from studysite.cli import main

# What a build of the package reads from the checkout: the wheel must carry all of it.
PACKAGE_SOURCES = ("pyproject.toml", "README.md", "studysite", "templates", "static", "docs")


def _run(*command, cwd: Path, check: bool = True) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV")}
    env.update(PIP_DISABLE_PIP_VERSION_CHECK="1", PIP_NO_INPUT="1")
    result = subprocess.run([str(c) for c in command], cwd=cwd, env=env, capture_output=True, text=True)
    if check and result.returncode != 0:
        raise AssertionError(f"{command} exited {result.returncode}\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}")
    return result


def _wheel_files(wheel: Path) -> list[str]:
    with zipfile.ZipFile(wheel) as archive:
        return sorted(name for name in archive.namelist() if ".dist-info/" not in name)


@pytest.fixture(scope="module")
def studysite_bin(tmp_path_factory) -> Path:
    """The bin/ folder of a fresh virtualenv holding studysite installed from its wheel."""
    work = tmp_path_factory.mktemp("package")
    source = work / "source"
    source.mkdir()
    for name in PACKAGE_SOURCES:
        path = REPO / name
        if path.is_dir():
            shutil.copytree(path, source / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        else:
            shutil.copy(path, source / name)
    # `python -m build` makes the sdist, then the wheel from the sdist: the theme must survive both.
    _run(sys.executable, "-m", "build", "--outdir", work / "dist", source, cwd=work)
    from_sdist = next((work / "dist").glob("*.whl"))
    # `pip install .` builds straight from the tree: the same files must come out.
    _run(sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", work / "tree", source, cwd=work)
    from_tree = next((work / "tree").glob("*.whl"))
    assert _wheel_files(from_sdist) == _wheel_files(from_tree)
    _run(sys.executable, "-m", "venv", work / "venv", cwd=work)
    bin_dir = work / "venv" / "bin"
    _run(bin_dir / "python", "-m", "pip", "install", "-q", from_sdist, cwd=work)
    return bin_dir


def test_the_wheel_carries_the_whole_theme(studysite_bin):
    located = _run(studysite_bin / "python", "-c", "import studysite.theme as t; print(t.bundled('templates'))",
                   cwd=studysite_bin).stdout.strip()
    installed = Path(located)
    assert installed.is_relative_to(studysite_bin.parent) and installed.parts[-2:] == ("default_theme", "templates")
    for theme_part in ("templates", "static"):
        source = sorted(p.relative_to(REPO / theme_part).as_posix() for p in (REPO / theme_part).rglob("*")
                        if p.is_file() and "__pycache__" not in p.parts)
        packaged = sorted(p.relative_to(installed.parent / theme_part).as_posix()
                          for p in (installed.parent / theme_part).rglob("*") if p.is_file())
        assert packaged == source, theme_part
    # The learner's guide, which every site publishes as studying.html; the maintainers' docs stay out.
    assert sorted(p.name for p in (installed.parent / "docs").iterdir() if p.is_file()) == ["studying.md"]


def test_version(studysite_bin):
    result = _run(studysite_bin / "studysite", "--version", cwd=studysite_bin)
    assert result.stdout == f"studysite {__version__}\n"


def test_init_then_check_and_build(studysite_bin, tmp_path):
    result = _run(studysite_bin / "studysite", "init", "my-notes", cwd=tmp_path)
    assert "cd my-notes && studysite serve" in result.stdout
    site = tmp_path / "my-notes"
    assert _run(studysite_bin / "studysite", "check", "--strict", cwd=site).stdout.startswith("OK: 3 topics")
    _run(studysite_bin / "studysite", "build", cwd=site)
    # The packaged theme renders exactly what the checkout's theme renders.
    assert main(["build", "--root", str(site), "--output", str(tmp_path / "from-checkout")]) == 0
    installed, checkout = site / "_site", tmp_path / "from-checkout"
    names = sorted(p.relative_to(installed).as_posix() for p in installed.rglob("*") if p.is_file())
    assert "static/style.css" in names and "static/core.js" in names and "getting-started/studysite-basics.html" in names
    assert "studying.html" in names and "review.html" in names and "review-index.js" in names
    for name in names:
        if name != ".studysite-output":
            assert (installed / name).read_bytes() == (checkout / name).read_bytes(), name


def test_new_names_the_installed_command(studysite_bin, tmp_path):
    (tmp_path / "content").mkdir()
    result = _run(studysite_bin / "studysite", "new", "nn/adam", "--kind", "mcq", cwd=tmp_path)
    assert result.stdout == "Created content/nn/adam.mcq.md: edit it, then run 'studysite serve' to see it.\n"
    misuse = _run(studysite_bin / "studysite", "serve", "--port", "99999", cwd=tmp_path, check=False)
    assert misuse.returncode == 2 and misuse.stderr.count("\n") == 1 and "Traceback" not in misuse.stderr


OVERRIDES = {
    "one template": {
        "templates/topic.html": '{% extends "studysite/topic.html" %}\n'
                                '{% block after_cards %}<p class="site-note">Our note</p>{% endblock %}\n',
    },
    "one extra static file": {
        "static/extra.css": ".card { border-left-width: 9px }\n",
        "site.yml": "title: Mine\nextra_css: [extra.css]\n",
    },
    "one replaced static file": {
        "static/style.css": "body { background: #fffbe6 }\n",
    },
}


@pytest.mark.parametrize("case", OVERRIDES)
def test_overrides_with_the_installed_theme(studysite_bin, tmp_path, case):
    _run(studysite_bin / "studysite", "init", "site", cwd=tmp_path)
    site = tmp_path / "site"
    write_files(site, OVERRIDES[case])
    _run(studysite_bin / "studysite", "build", cwd=site)
    out = site / "_site"
    topic = (out / "getting-started/studysite-basics.html").read_text()
    theme = Path(_run(studysite_bin / "python", "-c", "import studysite.theme as t; print(t.bundled('static'))",
                      cwd=site).stdout.strip())
    assert 'class="cards"' in topic
    if case == "one template":
        assert '<p class="site-note">Our note</p>' in topic
        assert "site-note" not in (out / "index.html").read_text()
    if case == "one extra static file":
        assert (out / "static/extra.css").read_text() == OVERRIDES[case]["static/extra.css"]
        assert 'href="../static/extra.css?v=' in topic
    if case == "one replaced static file":
        assert (out / "static/style.css").read_text() == OVERRIDES[case]["static/style.css"]
    else:
        assert (out / "static/style.css").read_bytes() == (theme / "style.css").read_bytes()
    assert (out / "static/core.js").read_bytes() == (theme / "core.js").read_bytes()
    _run(studysite_bin / "studysite", "check", cwd=site)
