"""Every kind of bad input: a clear 'path:line: message' with a hint, exit 1, no traceback, nothing written."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from conftest import REPO, TOPIC, run_cli
from studysite.cli import main

GOOD = TOPIC


def snapshot(folder: Path) -> dict[str, tuple[bytes, int]]:
    return {p.relative_to(folder).as_posix(): (p.read_bytes(), p.stat().st_mtime_ns)
            for p in sorted(folder.rglob("*")) if p.is_file()}


CASES = {
    "empty file": (b"", "bad.md:1: the file is empty"),
    "no front matter": (b"Just text.\n\n## Q? [easy]\n\nA.\n", "bad.md:1: the file does not start with front matter"),
    "questions before front matter": (b"## Q? [easy]\n\nA.\n---\ntitle: X\n---\n",
                                      "bad.md:1: the file does not start with front matter"),
    "front matter not closed": (b"---\ntitle: X\n\n## Q? [easy]\n\nA.\n", "bad.md:1: the front matter is not closed"),
    "tab in YAML": (b"---\ntitle: X\n\ttags: [a]\n---\n\n## Q? [easy]\n\nA.\n", "bad.md:3: invalid YAML"),
    "unbalanced quotes": (b'---\ntitle: "X\n---\n\n## Q? [easy]\n\nA.\n', "bad.md:2: invalid YAML"),
    "duplicate keys": (b"---\ntitle: X\ntitle: Y\n---\n\n## Q? [easy]\n\nA.\n", "bad.md:3: invalid YAML: duplicate key 'title'"),
    "yes/no tags": (b"---\ntitle: X\ntags: [no, yes]\n---\n\n## Q? [easy]\n\nA.\n",
                    "bad.md:3: 'tags' has an item that is not text: YAML read it as False"),
    "title 3.10": (b"---\ntitle: 3.10\n---\n\n## Q? [easy]\n\nA.\n",
                   "bad.md:2: 'title' must be text, but YAML read '3.10' as a number"),
    "unquoted colon": (b"---\ntitle: Q: A\n---\n\n## Q? [easy]\n\nA.\n",
                       "hint: a value that contains ': ' must be quoted"),
    "unknown key": (b"---\ntitle: X\nchecklsit: [a]\n---\n\n## Q? [easy]\n\nA.\n",
                    "bad.md:3: unknown key 'checklsit' (did you mean 'checklist'?)"),
    "non-UTF-8": ("---\ntitle: X\n---\n\n## Q? [easy]\n\nCaf\xe9.\n".encode("latin-1"), "bad.md:7: the file is not valid UTF-8"),
    "binary": (b"\x89PNG\r\n\x1a\n\0\0\0", "bad.md: this is not a text file"),
    "missing difficulty": (b"---\ntitle: X\n---\n\n## What is X?\n\nA.\n", "bad.md:5: question 'What is X?' has no difficulty"),
    "misspelled difficulty": (b"---\ntitle: X\n---\n\n## What is X? [meduim]\n\nA.\n",
                              "bad.md:5: unknown difficulty 'meduim'\n  hint: use easy, medium or hard (did you mean 'medium'?)"),
    "empty answer": (b"---\ntitle: X\n---\n\n## What is X? [easy]\n\n## Next? [easy]\n\nB.\n",
                     "bad.md:5: question 'What is X?' has no answer"),
    "same question twice": (b"---\ntitle: X\n---\n\n## Q? [easy]\n\nA.\n\n## Q? [hard]\n\nA.\n",
                            "bad.md:9: question 'Q?' already appears on line 5 with the same answer"),
    "slug escaping the site": (b"---\ntitle: X\nslug: ../../x\n---\n\n## Q? [easy]\n\nA.\n",
                               "bad.md:3: 'slug' '../../x' is not a valid file name"),
    "a slug longer than a file name may be": (b"---\ntitle: X\nslug: " + b"a" * 250 + b"\n---\n\n## Q? [easy]\n\nA.\n",
                                              "bad.md:3: 'slug' is 250 characters long; the longest a page's file name "
                                              "may be is 64"),
    "five megabytes": (b"---\ntitle: X\n---\n\n## Q? [easy]\n\n" + b"word " * (1024 * 1024),
                       "bad.md: the file is 5.0 MB, more than a topic file should be"),
}


@pytest.mark.parametrize("case", list(CASES))
def test_bad_input_is_reported_and_nothing_is_written(make_site, capsys, monkeypatch, case):
    data, expected = CASES[case]
    root = make_site()
    monkeypatch.chdir(root)
    assert run_cli(root, "build") == 0
    before = snapshot(root / "_site")
    (root / "content/nn/bad.md").write_bytes(data)
    capsys.readouterr()
    assert main(["build", "--root", str(root)]) == 1
    err = capsys.readouterr().err
    assert expected in err, err
    assert "internal error" not in err and "hint: " in err
    assert err.rstrip().endswith("nothing was written.")
    assert snapshot(root / "_site") == before


@pytest.mark.parametrize("data", [b"\xef\xbb\xbf" + GOOD.encode(), GOOD.replace("\n", "\r\n").encode()])
def test_bom_and_crlf_files_work(make_site, data):
    root = make_site()
    (root / "content/nn/gradients.md").write_bytes(data)
    assert run_cli(root, "build") == 0
    assert "Gradients shrink." in (root / "_site/nn/gradients.html").read_text()


def test_comma_separated_tags_are_split_on_commas_not_characters(make_site):
    root = make_site({"content/nn/t.md": '---\ntitle: T\ntags: "alpha, beta"\n---\n\n## Q? [easy]\n\nA.\n'})
    assert run_cli(root, "build") == 0
    assert (root / "_site/tags/alpha.html").exists() and (root / "_site/tags/beta.html").exists()
    assert not (root / "_site/tags/a.html").exists()


def test_two_files_with_the_same_url(make_site, capsys, monkeypatch):
    root = make_site({"content/nn/other.md": GOOD.replace("---\n\nIntro", "slug: gradients\n---\n\nIntro")})
    monkeypatch.chdir(root)
    assert run_cli(root, "check") == 1
    assert "both become nn/gradients.html" in capsys.readouterr().err


def test_symlink_loop_in_content_is_an_error_naming_the_link(make_site, capsys, monkeypatch):
    root = make_site()
    monkeypatch.chdir(root)
    os.symlink("..", root / "content/nn/loop")
    assert run_cli(root, "build") == 1
    assert capsys.readouterr().err.startswith(
        "content/nn/loop: this link leads to a folder that is already part of the content\n")


@pytest.mark.parametrize("template, expected", [
    ("{% extends 'base.html' %}{% block main %}{% for x in %}{% endblock %}", "topic.html:1: template syntax error"),
    ("{% extends 'base.html' %}{% block main %}\n\n{{ no_such_thing }}{% endblock %}",
     "topic.html:3: 'no_such_thing' is undefined (while rendering nn/gradients.html)"),
])
def test_template_errors_name_the_template_and_line(make_site, capsys, template, expected):
    root = make_site()
    shutil.copytree(REPO / "templates", root / "templates")
    shutil.copytree(REPO / "static", root / "static")
    (root / "templates/topic.html").write_text(template)
    assert run_cli(root, "build") == 1
    err = capsys.readouterr().err
    assert expected in err and "internal error" not in err


def test_strict_check_turns_warnings_into_errors(make_site, capsys, monkeypatch):
    root = make_site({"content/nn/plain.md": "---\ntitle: Plain\n---\n\n## Q? [easy]\n\nA.\n"})
    monkeypatch.chdir(root)
    assert run_cli(root, "check") == 0
    out = capsys.readouterr()
    assert "2 warnings" in out.out
    assert "warning: content/nn/plain.md:2: the page has no summary" in out.err
    assert "warning: content/nn/plain.md:2: the page has no review checklist" in out.err
    assert run_cli(root, "check", "--strict") == 1
    assert "2 errors, no warnings; nothing was written." in capsys.readouterr().err


@pytest.mark.parametrize("folder", ["_site", "._site.studysite-spare"])
def test_nothing_is_written_through_a_symlinked_folder_of_the_output(make_site, tmp_path, folder):
    """A build makes the new site in the spare folder and never writes into the site itself: a link
    planted in either is dropped, and nothing is written where it leads."""
    root = make_site()
    assert run_cli(root, "build") == 0
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    shutil.rmtree(root / folder / "nn")
    (root / folder / "nn").symlink_to(outside)
    topic = root / "content/nn/gradients.md"
    topic.write_text(topic.read_text().replace("Gradients shrink.", "Gradients shrink a lot."))
    assert run_cli(root, "build") == 0
    assert list(outside.iterdir()) == []
    assert "shrink a lot" in (root / "_site/nn/gradients.html").read_text()
    assert not any(path.is_symlink() for path in (root / "_site").rglob("*"))


def test_check_finds_broken_internal_links_and_anchors(make_site, capsys):
    import shutil as sh
    root = make_site()
    sh.copytree(REPO / "templates", root / "templates")
    sh.copytree(REPO / "static", root / "static")
    footer = root / "templates/base.html"
    footer.write_text(footer.read_text().replace("{{ t('site.built_with') }}",
                                                 '{{ t(\'site.built_with\') }} <a href="{{ url(\'nn/gradients.html#q-nope\') }}">x</a>'
                                                 ' <a href="/index.html">root</a>'))
    assert run_cli(root, "check") == 1
    err = capsys.readouterr().err
    assert "index.html:" in err and "broken anchor '" in err and "has no id 'q-nope'" in err
    assert "link '/index.html' leaves the site when it is served under a sub-path" in err


def test_the_example_site_has_no_broken_links_or_warnings(capsys):
    assert main(["check", "--strict", "--root", str(REPO)]) == 0
    assert capsys.readouterr().out.startswith("OK: ")


def test_a_broken_copy_of_the_example_site_reports_everything_and_keeps_the_old_site(tmp_path, capsys, monkeypatch):
    root = tmp_path / "example"
    for name in ("content", "templates", "static"):
        shutil.copytree(REPO / name, root / name)
    shutil.copy(REPO / "site.yml", root / "site.yml")
    monkeypatch.chdir(root)
    assert main(["build"]) == 0
    before = snapshot(root / "_site")
    breakages = {
        "content/neural-networks/vanishing-gradients.md": ("[medium]", "[meduim]"),
        "content/optimization/gradient-descent.md": ("title:", "titel:"),
        "content/neural-networks/backpropagation.md": ("img/computation-graph.svg", "img/missing.svg"),
        "content/neural-networks/vanishing-gradients.mcq.md": ("- [x]", "- [ ]"),
        "content/cnns/convolutions.md": ("## ", "## An unmarked question\n\nText.\n\n## ", ),
    }
    for name, (old, new) in breakages.items():
        path = root / name
        path.write_text(path.read_text().replace(old, new, 1))
    (root / "content/python/generators.md").write_text("no front matter at all\n")
    capsys.readouterr()
    assert main(["build"]) == 1
    err = capsys.readouterr().err
    for expected in ("vanishing-gradients.md:", "unknown difficulty 'meduim'",
                     "gradient-descent.md:2: unknown key 'titel' (did you mean 'title'?)",
                     "image 'img/missing.svg' does not exist", "no option is marked correct",
                     "question 'An unmarked question' has no difficulty",
                     "generators.md:1: the file does not start with front matter"):
        assert expected in err, expected
    assert "internal error" not in err
    assert snapshot(root / "_site") == before
    assert main(["check"]) == 1


@pytest.mark.parametrize("folder", ["templates", "static", "public"])
def test_a_link_out_of_the_project_in_any_source_folder_is_an_error(make_site, capsys, folder):
    root = make_site()
    (root / folder).mkdir()
    (root / folder / "leak.html").symlink_to("/etc/passwd")
    assert run_cli(root, "build") == 1
    assert f"{folder}/leak.html: this link leads outside the project, to /etc/passwd" in capsys.readouterr().err
    assert not (root / "_site").exists()
