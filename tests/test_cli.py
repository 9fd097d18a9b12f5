"""The command line: help, check, new, and the dev server rebuilding on change."""

from __future__ import annotations

import subprocess
import sys
import urllib.error
import urllib.request

from pathlib import Path

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


def test_build_py_names_itself_in_usage_and_hints(make_site):
    result = subprocess.run([sys.executable, "build.py", "--help"], cwd=REPO, capture_output=True, text=True)
    assert result.returncode == 0 and result.stdout.startswith("usage: python build.py ")
    root = make_site()
    result = subprocess.run([sys.executable, str(REPO / "build.py"), "new", "nn/momentum", "--root", str(root)],
                            capture_output=True, text=True)
    assert result.returncode == 0
    assert result.stdout.endswith("edit it, then run 'python build.py serve' to see it.\n")


def test_python_m_studysite_runs_the_same_commands(make_site):
    root = make_site()
    result = subprocess.run([sys.executable, "-m", "studysite", "check", "--root", str(root)],
                            capture_output=True, text=True, cwd=root)
    assert (result.returncode, result.stdout) == (0, "OK: 1 topic, 2 questions, no errors, no warnings.\n")


def test_version(capsys):
    from studysite import __version__

    with pytest.raises(SystemExit) as exit_info:
        main(["--version"])
    assert exit_info.value.code == 0
    assert capsys.readouterr().out == f"studysite {__version__}\n"


def test_options_work_before_and_after_the_command(make_site, tmp_path):
    root = make_site()
    assert main(["--root", str(root), "build", "--output", str(tmp_path / "out")]) == 0
    assert (tmp_path / "out/nn/gradients.html").exists()
    assert not (root / "_site").exists()


def test_an_output_folder_inside_missing_folders_is_made_with_them(make_site, tmp_path):
    # As `mkdir -p`: a CI job's `--output build/site/docs` works on a fresh checkout.
    root = make_site()
    assert main(["--root", str(root), "build", "--output", str(tmp_path / "new/deeper/site")]) == 0
    assert (tmp_path / "new/deeper/site/nn/gradients.html").exists()


def test_check_validates_and_writes_nothing(make_site, capsys):
    root = make_site()
    assert run_cli(root, "check") == 0
    assert capsys.readouterr().out.strip() == "OK: 1 topic, 2 questions, no errors, no warnings."
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
    assert run_cli(root, "new", name) == 2
    err = capsys.readouterr().err
    assert f"{name}: the name must look like <category>/<topic>" in err
    assert err.endswith("studysite new: nothing was written\n")
    assert sorted(p.name for p in (root / "content").rglob("*")) == ["gradients.md", "nn"]


@pytest.mark.parametrize("args, created, kind", [
    (["nn/clipping", "--kind", "mcq"], "nn/clipping.mcq.md", "quiz"),
    (["nn/clipping.mcq"], "nn/clipping.mcq.md", "quiz"),
    (["nn/clipping.tutorial.md"], "nn/clipping.tutorial.md", "tutorial"),
    (["nn/clipping", "--kind", "tutorial"], "nn/clipping.tutorial.md", "tutorial"),
    (["nn/clipping", "--kind", "interview"], "nn/clipping.md", "topic"),
])
def test_new_makes_quizzes_and_tutorials_that_build(make_site, args, created, kind):
    root = make_site()
    assert run_cli(root, "new", *args) == 0
    assert run_cli(root, "check", "--strict") == 0
    assert run_cli(root, "build") == 0
    output = created.removesuffix(".md").replace(".mcq", "-mcq").replace(".tutorial", "-tutorial") + ".html"
    assert f'data-page="{kind}"' in (root / "_site" / output).read_text()


def test_new_refuses_a_name_and_kind_that_disagree(make_site, capsys):
    root = make_site()
    assert run_cli(root, "new", "nn/clipping.mcq", "--kind", "tutorial") == 2
    assert "nn/clipping.mcq: the name says mcq but --kind says tutorial" in capsys.readouterr().err
    assert not list((root / "content").rglob("clipping*"))


# --- init ---------------------------------------------------------------------------------

STARTER_FILES = [".github/workflows/pages.yml", ".gitignore", "content/getting-started/_category.yml",
                 "content/getting-started/studysite-basics.mcq.md", "content/getting-started/studysite-basics.md",
                 "content/getting-started/studysite-basics.tutorial.md", "site.yml"]


def files_of(folder: Path) -> list[str]:
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())


def test_init_creates_a_site_that_checks_strictly_and_builds(tmp_path, capsys):
    target = tmp_path / "my-notes"
    assert main(["init", str(target)]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"Created a study site in {target}/ (7 files).")
    assert f"cd {target} && studysite serve" in out
    assert files_of(target) == STARTER_FILES
    assert 'title: "My Notes"' in (target / "site.yml").read_text()
    assert main(["check", "--strict", "--root", str(target)]) == 0
    assert main(["build", "--root", str(target)]) == 0
    site = target / "_site/getting-started"
    # A topic, a quiz and a tutorial of one subject, linked to each other.
    for page in ("studysite-basics.html", "studysite-basics-mcq.html", "studysite-basics-tutorial.html"):
        assert 'class="related"' in (site / page).read_text()
    assert (target / ".gitignore").read_text().startswith("# Built by studysite")
    assert "1 subject · 3 questions · 2 quiz questions" in (target / "_site/index.html").read_text()


def test_init_writes_a_pages_workflow_with_one_install_line(tmp_path):
    assert main(["init", str(tmp_path / "site"), "--install", "studysite @ git+https://example.org/s.git@v1"]) == 0
    workflow = (tmp_path / "site/.github/workflows/pages.yml").read_text()
    installs = [line.strip() for line in workflow.splitlines() if "pip install" in line]
    assert installs == ['run: python -m pip install "studysite @ git+https://example.org/s.git@v1"']
    for step in ("run: studysite check", "run: studysite build", "actions/upload-pages-artifact@v4",
                 "actions/deploy-pages@v4", "url: ${{ steps.deployment.outputs.page_url }}\n    steps:"):
        assert step in workflow


def test_init_installs_this_studysite_by_default(tmp_path, monkeypatch, capsys):
    from studysite import scaffold

    monkeypatch.setattr(scaffold, "install_requirement", lambda: ("studysite==9.9", False))
    assert main(["init", str(tmp_path / "site")]) == 0
    assert 'pip install "studysite==9.9"' in (tmp_path / "site/.github/workflows/pages.yml").read_text()
    assert "note: this studysite was installed from a local folder" in capsys.readouterr().err


def test_install_requirement_follows_how_studysite_was_installed(monkeypatch):
    from studysite import scaffold

    class Installed:
        def __init__(self, direct):
            self.direct = direct

        def read_text(self, name):
            return self.direct

    cases = [
        (None, ("studysite==" + scaffold.__version__, True)),
        ('{"url": "https://github.com/o/studysite", "vcs_info": {"vcs": "git", "commit_id": "abc"}}',
         ("studysite @ git+https://github.com/o/studysite@abc", True)),
        ('{"url": "https://example.org/studysite-0.1.0.tar.gz", "archive_info": {}}',
         ("studysite @ https://example.org/studysite-0.1.0.tar.gz", True)),
        ('{"url": "file:///nowhere/at/all", "dir_info": {}}', ("studysite==" + scaffold.__version__, False)),
    ]
    for direct, expected in cases:
        monkeypatch.setattr(scaffold.metadata, "distribution", lambda name, d=direct: Installed(d))
        assert scaffold.install_requirement() == expected, direct


def test_install_requirement_of_a_git_checkout_is_its_remote_at_its_commit(tmp_path, monkeypatch):
    from studysite import scaffold

    def git(*args):
        subprocess.run(["git", "-C", str(tmp_path), *args], check=True, capture_output=True)
    git("init", "-q")
    git("remote", "add", "origin", "git@github.com:someone/studysite.git")
    git("-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "--allow-empty", "-m", "x")
    commit = subprocess.run(["git", "-C", str(tmp_path), "rev-parse", "HEAD"], capture_output=True,
                            text=True).stdout.strip()

    class Installed:
        def read_text(self, name):
            return f'{{"url": "file://{tmp_path}", "dir_info": {{"editable": true}}}}'
    monkeypatch.setattr(scaffold.metadata, "distribution", lambda name: Installed())
    assert scaffold.install_requirement() == (f"studysite @ git+https://github.com/someone/studysite.git@{commit}", True)


@pytest.mark.parametrize("existing", [{"notes.md": "mine"}, {"content/x/y.md": "mine"}, {"site.yml": "title: A"}])
def test_init_refuses_a_folder_with_content_and_writes_nothing(tmp_path, capsys, existing):
    for name, text in existing.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    before = {p: p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()}
    assert main(["init", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert f"{tmp_path}: the folder is not empty (it has {sorted(existing)[0].split('/')[0]})\n" in err
    assert err.endswith("studysite init: nothing was written\n") and err.count("nothing was written") == 1
    assert "hint: run init in a new or empty folder" in err
    assert {p: p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()} == before


def test_init_accepts_a_fresh_repository_clone(tmp_path):
    (tmp_path / ".git").mkdir()
    (tmp_path / "README.md").write_text("# My notes\n")
    (tmp_path / "LICENSE").write_text("MIT")
    assert main(["init", str(tmp_path)]) == 0
    assert (tmp_path / "README.md").read_text() == "# My notes\n"
    assert (tmp_path / "site.yml").exists()


def test_init_into_the_current_folder(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert main(["init"]) == 0
    assert "  See it:   studysite serve\n" in capsys.readouterr().out
    assert files_of(tmp_path) == STARTER_FILES


# --- Misuse: exit 2, one line, never a traceback ---------------------------------------------

def run_build_py(*args: str, cwd: Path = REPO) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(REPO / "build.py"), *args], capture_output=True, text=True, cwd=cwd)


@pytest.mark.parametrize("args, message", [
    (["serve", "--port", "99999"], "python build.py serve: error: argument --port: 99999 is not a port number"),
    (["serve", "--port", "http"], "python build.py serve: error: argument --port: 'http' is not a port number"),
    (["serve", "--port", "0"], "python build.py serve: error: argument --port: 0 is not a port number"),
    (["bild"], "python build.py: error: argument COMMAND: invalid choice: 'bild'"),
    (["build", "--cleen"], "python build.py: error: unrecognized arguments: --cleen"),
    (["build", "--root", "no/such/folder"], "python build.py build: error: the project folder no/such/folder does not exist"),
    (["check", "--content", "no-such-content"], "python build.py check: error: there is no content folder at "
                                                "no-such-content/"),
    (["new", "nn/x", "--kind", "essay"], "python build.py new: error: argument --kind: invalid choice: 'essay'"),
])
def test_misuse_exits_2_with_one_line(tmp_path, args, message):
    result = run_build_py(*args, cwd=tmp_path)
    assert result.returncode == 2, result.stderr
    assert result.stderr.startswith(message) and result.stderr.count("\n") == 1, result.stderr
    assert "Traceback" not in result.stderr and result.stdout == ""


def test_a_folder_without_content_is_told_how_to_start(tmp_path):
    result = run_build_py(cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr == ("python build.py build: error: there is no content folder at content/: run the command "
                             "in your site's folder, pass --root or --content, or start a site with "
                             "'python build.py init'\n")


def test_an_internal_error_is_one_message_and_exit_1(make_site, monkeypatch, capsys):
    from studysite import builder

    def broken(*args, **kwargs):
        raise RuntimeError("something unexpected")
    monkeypatch.setattr(builder, "scan_inputs", broken)
    root = make_site()
    assert run_cli(root, "build") == 1
    err = capsys.readouterr().err
    assert err.startswith("studysite build: internal error: RuntimeError: something unexpected\n"
                          "  hint: this is a bug in studysite")
    assert "--debug" in err
    with pytest.raises(RuntimeError):
        run_cli(root, "build", "--debug")




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
        assert "gradients.md:12: unknown difficulty &#39;eazy&#39;" in error
        assert "Gradients fade away." in (root / "_site/nn/gradients.html").read_text()
        topic.write_text(good)  # fixed: the page comes back by itself
        wait_for(lambda: "Gradients fade away." in _fetch(page))
    finally:
        server.terminate()
        output = server.communicate(timeout=10)[0]
    assert "unknown difficulty 'eazy'" in output


def test_an_internal_error_names_the_file_being_processed(make_site, monkeypatch, capsys):
    from studysite import pages

    def broken(text, path, *args, **kwargs):
        raise KeyError("surprise")
    monkeypatch.setattr(pages, "parse_page", broken)
    root = make_site()
    monkeypatch.chdir(root)
    assert run_cli(root, "check") == 1
    err = capsys.readouterr().err
    assert err.splitlines()[0] == ("studysite check: internal error: KeyError: 'surprise' "
                                   "(while processing content/nn/gradients.md)")
    assert "issue tracker" in err and "Traceback" not in err and len(err.splitlines()) == 2


def test_an_internal_error_while_rendering_names_the_page(make_site, monkeypatch, capsys):
    from studysite import markup, strings

    # A bug in studysite's own code that a template calls (here: t() meets None).
    monkeypatch.setattr(strings.Catalogue, "markup", lambda self, key, **values: markup.html_to_text(None))
    root = make_site()
    assert run_cli(root, "build") == 1
    assert "internal error: TypeError: expected string or bytes-like object, got 'NoneType' (while processing " \
        in capsys.readouterr().err
    assert not (root / "_site").exists()


@pytest.mark.parametrize("name, message", [
    ("tags/foo", "tags/foo: a category cannot be named 'tags'"),
    ("nn/index", "nn/index: a page cannot be named 'index'"),
    ("nn/gradients-mcq", "nn/gradients-mcq: content/nn/gradients.mcq.md already becomes nn/gradients-mcq.html"),
])
def test_new_refuses_what_the_build_would_refuse(make_site, capsys, monkeypatch, name, message):
    root = make_site({"content/nn/gradients.mcq.md": "---\ntitle: Q\n---\n\n## Pick? [easy]\n\n- [x] a\n- [ ] b\n"})
    monkeypatch.chdir(root)
    before = sorted(p.name for p in (root / "content").rglob("*"))
    assert run_cli(root, "new", name) == 2
    assert capsys.readouterr().err.startswith(message)
    assert sorted(p.name for p in (root / "content").rglob("*")) == before


def test_new_outside_a_site_says_so(tmp_path, capsys):
    assert main(["new", "a/b", "--root", str(tmp_path)]) == 2
    assert "this folder is not a study site (no content/ and no site.yml)" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []


def test_new_takes_quiz_as_another_name_for_mcq(make_site):
    root = make_site()
    assert run_cli(root, "new", "nn/adam", "--kind", "quiz") == 0
    assert (root / "content/nn/adam.mcq.md").exists()


def test_a_broken_site_yml_is_a_content_error_not_misuse(make_site, capsys):
    root = make_site({"site.yml": "title: A\ntitle: B\n"})
    assert run_cli(root, "build") == 1
    assert "site.yml:2: invalid YAML: duplicate key 'title'" in capsys.readouterr().err


def test_serve_refuses_an_address_it_cannot_use_before_building(make_site, capsys):
    root = make_site()
    assert run_cli(root, "serve", "--host", "no-such-host.invalid", "--port", "8931") == 2
    assert "cannot serve on 'no-such-host.invalid'" in capsys.readouterr().err
    assert not (root / "_site").exists()


def test_init_takes_no_site_options(tmp_path):
    result = run_build_py("init", str(tmp_path / "x"), "--root", "y", cwd=tmp_path)
    assert result.returncode == 2 and "unrecognized arguments: --root" in result.stderr
