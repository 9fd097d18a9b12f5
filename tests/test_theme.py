"""The bundled theme and its lookup order: a site overrides one template or static file, keeps the rest."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pytest

from conftest import REPO, run_cli
from studysite.render import make_environment
from studysite.project import read_static
from studysite.theme import bundled, layers

THEME_SCRIPTS = ["core.js", "fsrs.js", "theme.js", "search.js", "code.js", "checklist.js", "progress.js", "print.js",
                 "quiz.js", "study.js", "review.js", "session.js"]
EXTENDS_TOPIC = """\
{% extends "studysite/topic.html" %}
{% block after_cards %}<p class="site-note">Spotted a mistake? Tell us.</p>{% endblock %}
"""


def built(root: Path, path: str) -> str:
    return (root / "_site" / path).read_text(encoding="utf-8")


# --- Lookup order, unit by unit ------------------------------------------------------------

def test_the_bundled_theme_is_the_repository_theme_in_a_checkout():
    assert bundled("templates") == REPO / "templates"
    assert bundled("static") == REPO / "static"


def test_layers_put_the_site_first_and_skip_what_it_lacks(tmp_path):
    assert layers(tmp_path / "templates", "templates") == (bundled("templates"),)
    (tmp_path / "templates").mkdir()
    assert layers(tmp_path / "templates", "templates") == (tmp_path / "templates", bundled("templates"))
    # The repository's own folder is the theme itself, not a second layer.
    assert layers(REPO / "templates", "templates") == (bundled("templates"),)


def test_a_site_template_replaces_only_that_template(tmp_path):
    own = tmp_path / "templates"
    own.mkdir()
    (own / "tags.html").write_text("site's own tags page")
    env = make_environment(layers(own, "templates"))
    assert env.get_template("tags.html").render() == "site's own tags page"
    assert env.get_template("topic.html").filename == str(bundled("templates") / "topic.html")
    # The bundled one stays reachable under the prefix, for {% extends %}.
    assert env.get_template("studysite/tags.html").filename == str(bundled("templates") / "tags.html")


def test_site_static_files_are_added_to_the_bundled_ones_and_replace_same_paths(tmp_path):
    own = tmp_path / "static"
    (own / "img").mkdir(parents=True)
    (own / "style.css").write_text("body { color: red }")
    (own / "img/logo.svg").write_text("<svg/>")
    (own / ".hidden.css").write_text("not published")
    files = read_static(layers(own, "static"))
    assert files["static/style.css"] == b"body { color: red }"
    assert files["static/core.js"] == (bundled("static") / "core.js").read_bytes()
    assert files["static/img/logo.svg"] == b"<svg/>"
    assert "static/.hidden.css" not in files


# --- Overrides in real builds --------------------------------------------------------------

def test_a_site_with_only_content_gets_the_whole_theme(make_site):
    root = make_site()
    assert run_cli(root, "build") == 0
    for name in ("style.css", "core.js"):
        assert (root / "_site/static" / name).read_bytes() == (bundled("static") / name).read_bytes()
    assert 'class="cards"' in built(root, "nn/gradients.html")


def test_one_template_extends_the_bundled_one_and_overrides_its_blocks(make_site):
    root = make_site({"templates/topic.html": EXTENDS_TOPIC})
    assert run_cli(root, "build") == 0
    page = built(root, "nn/gradients.html")
    assert '<p class="site-note">Spotted a mistake? Tell us.</p>' in page
    assert page.count('class="card card--') == 2 and 'class="site-header"' in page  # the rest is the theme's
    assert "site-note" not in built(root, "index.html")


def test_a_site_base_template_reaches_every_bundled_page(make_site):
    root = make_site({"templates/base.html": '{% extends "studysite/base.html" %}'
                                             '{% block footer %}<p class="own-footer">Our footer</p>{% endblock %}'})
    assert run_cli(root, "build") == 0
    for path in ("index.html", "nn/gradients.html", "tags/index.html", "checklist.html", "404.html"):
        page = built(root, path)
        assert '<p class="own-footer">Our footer</p>' in page and "Built with studysite" not in page, path


def test_one_extra_static_file_keeps_the_theme_styles_and_scripts(make_site):
    root = make_site({"static/extra.css": ".card { border-width: 8px }"})
    assert run_cli(root, "build") == 0
    site = root / "_site/static"
    assert (site / "extra.css").read_text() == ".card { border-width: 8px }"
    assert (site / "style.css").read_bytes() == (bundled("static") / "style.css").read_bytes()
    assert (site / "core.js").read_bytes() == (bundled("static") / "core.js").read_bytes()
    assert run_cli(root, "check") == 0


def test_one_replaced_static_file_replaces_just_that_file(make_site):
    root = make_site({"static/style.css": "body { background: #fffbe6 }"})
    assert run_cli(root, "build") == 0
    assert (root / "_site/static/style.css").read_text() == "body { background: #fffbe6 }"
    assert (root / "_site/static/core.js").read_bytes() == (bundled("static") / "core.js").read_bytes()
    assert "body { background: #fffbe6 }" in built(root, "404.html")  # inlined where it must stand alone


def test_extra_css_and_js_are_linked_on_every_page_after_the_theme(make_site):
    root = make_site({
        "site.yml": "title: Notes\nextra_css: [extra.css, static/print/more.css]\nextra_js: [analytics.js]\n",
        "static/extra.css": ".x { color: red }",
        "static/print/more.css": ".y { color: blue }",
        "static/analytics.js": "console.log('hi');",
    })
    assert run_cli(root, "build") == 0
    for path, prefix in (("index.html", ""), ("nn/gradients.html", "../"), ("tags/index.html", "../")):
        page = built(root, path)
        links = re.findall(r'<link rel="stylesheet" href="([^"]+)">', page)
        assert [link.split("?v=")[0] for link in links] == [
            f"{prefix}static/style.css", f"{prefix}static/extra.css", f"{prefix}static/print/more.css"], path
        assert all(re.search(r"\?v=[0-9a-f]{10}$", link) for link in links)
        assert re.findall(r'<link rel="stylesheet" href="([^"?]+)[^"]*" media="print">', page) == [f"{prefix}static/print.css"]
        scripts = re.findall(r'<script src="([^"?]+)', page)
        assert scripts == [f"{prefix}static/studysite.js", f"{prefix}static/analytics.js"], path
    assert ".x { color: red }" in built(root, "404.html")
    assert run_cli(root, "check") == 0


def test_pages_load_the_feature_scripts_joined_in_one_file_with_a_sites_own_copy_of_one(make_site):
    root = make_site({"static/study.js": "/* our study mode */\n"})
    assert run_cli(root, "build") == 0
    joined = built(root, "static/studysite.js")
    starts = [joined.index(f"/* {name} */\n") for name in THEME_SCRIPTS]
    assert starts == sorted(starts) and starts[0] == 0  # every feature script, in order, core first
    for name in THEME_SCRIPTS:
        own = root / "static" / name
        text = own.read_text() if own.exists() else (bundled("static") / name).read_text(encoding="utf-8")
        assert f"/* {name} */\n{text.rstrip()}\n" in joined, name
    assert "/* our study mode */" in joined
    page = built(root, "nn/gradients.html")
    version = re.search(r'src="../static/studysite.js\?v=([0-9a-f]{10})"', page)[1]
    assert version == hashlib.sha256(joined.encode()).hexdigest()[:10]  # a changed script is never a stale copy


def test_a_site_file_named_like_the_joined_scripts_is_an_error(make_site, capsys, monkeypatch):
    root = make_site({"static/studysite.js": "console.log('mine');"})
    monkeypatch.chdir(root)
    assert run_cli(root, "build") == 1
    err = capsys.readouterr().err
    assert "static/studysite.js: this file would replace static/studysite.js, the theme's scripts joined in one file" in err
    assert "rename the file" in err and "Traceback" not in err
    assert not (root / "_site").exists()


def test_paper_has_its_own_stylesheet_so_the_screen_never_waits_for_it():
    screen = (bundled("static") / "style.css").read_text(encoding="utf-8")
    paper = (bundled("static") / "print.css").read_text(encoding="utf-8")
    assert "@media print" not in screen and "@media print" in paper and "body[data-print" in paper


@pytest.mark.parametrize("value, message", [
    ("[missing.css]", "site.yml:2: 'extra_css' names static/missing.css, which does not exist"),
    ("[https://cdn.example.org/x.css]", "site.yml:2: 'extra_css' item 'https://cdn.example.org/x.css' is not a "
                                        "file of the site's static/ folder"),
    ("[../secret.css]", "site.yml:2: 'extra_css' item '../secret.css' is not a file of the site's static/ folder"),
    ("[extra.js]", "site.yml:2: 'extra_css' item 'extra.js' is not a .css file"),
    ("extra.css", "site.yml:2: 'extra_css' must be a list, not text"),
])
def test_bad_extra_css_is_an_error_at_its_line(make_site, capsys, monkeypatch, value, message):
    root = make_site({"site.yml": f"title: Notes\nextra_css: {value}\n", "static/extra.css": "", "static/extra.js": ""})
    monkeypatch.chdir(root)
    assert run_cli(root, "build") == 1
    err = capsys.readouterr().err
    assert message in err and "hint: " in err
    assert not (root / "_site").exists()


def test_a_misspelt_extra_file_gets_a_suggestion(make_site, capsys, monkeypatch):
    root = make_site({"site.yml": "extra_js: [analytcs.js]\n", "static/analytics.js": ""})
    monkeypatch.chdir(root)
    assert run_cli(root, "check") == 1
    assert "(did you mean 'analytics.js'?)" in capsys.readouterr().err


def test_an_error_in_a_site_template_names_that_file_and_line(make_site, capsys, monkeypatch):
    root = make_site({"templates/topic.html": '{% extends "studysite/topic.html" %}\n'
                                              '{% block after_cards %}\n{{ page.no_such_field }}\n{% endblock %}\n'})
    monkeypatch.chdir(root)
    assert run_cli(root, "build") == 1
    err = capsys.readouterr().err
    assert "templates/topic.html:3: 'studysite.model.Page object' has no attribute 'no_such_field'" in err


def test_adding_and_removing_an_override_rebuilds_what_it_changes(make_site):
    root = make_site()
    assert run_cli(root, "build") == 0
    original = built(root, "nn/gradients.html")
    (root / "templates").mkdir()
    (root / "templates/topic.html").write_text(EXTENDS_TOPIC)
    assert run_cli(root, "build") == 0
    assert "site-note" in built(root, "nn/gradients.html")
    (root / "templates/topic.html").unlink()
    (root / "static").mkdir()
    (root / "static/style.css").write_text("body { color: red }")
    assert run_cli(root, "build") == 0
    assert built(root, "nn/gradients.html") != original  # the stylesheet's version changed
    (root / "static/style.css").unlink()
    assert run_cli(root, "build") == 0
    assert built(root, "nn/gradients.html") == original
    assert (root / "_site/static/style.css").read_bytes() == (bundled("static") / "style.css").read_bytes()


@pytest.mark.parametrize("template, expected", [
    ('{% extends "topic.html" %}\n', "templates/topic.html:1: RecursionError: maximum recursion depth exceeded"),
    ('{% extends "studysite/topic.html" %}{% block after_cards %}\n{{ 1 / 0 }}{% endblock %}\n',
     "templates/topic.html:2: ZeroDivisionError: division by zero (while rendering nn/gradients.html)"),
])
def test_errors_in_a_site_templates_code_name_its_file_and_line(make_site, capsys, monkeypatch, template, expected):
    root = make_site({"templates/topic.html": template})
    monkeypatch.chdir(root)
    assert run_cli(root, "build") == 1
    err = capsys.readouterr().err
    assert err.startswith(expected) and "internal error" not in err


def test_a_template_that_is_not_utf8_is_named(make_site, capsys, monkeypatch):
    root = make_site()
    (root / "templates").mkdir()
    (root / "templates/topic.html").write_bytes(b"\xff\xfe{{ x }}")
    monkeypatch.chdir(root)
    assert run_cli(root, "build") == 1
    assert "templates: a template is not UTF-8 text (while loading topic.html)" in capsys.readouterr().err


def test_the_theme_keeps_to_its_type_scale():
    # Every size off the scale is one more font for a phone to set up before its first paint.
    screen = (bundled("static") / "style.css").read_text(encoding="utf-8")
    sizes = set(re.findall(r"font-size:\s*([^;}]+)", screen)) | set(re.findall(r"(?<![-\w])font:\s*(?:\d+\s+)?([^\s/;]+)", screen))
    off_scale = {size for size in sizes if not re.fullmatch(r"var\(--text-[a-z0-9]+\)|inherit|[\d.]+em", size.strip())}
    assert off_scale == set()
    weights = set(re.findall(r"font-weight:\s*([^;}]+)", screen)) | set(re.findall(r"(?<![-\w])font:\s*(\d+)\s", screen))
    assert weights <= {"400", "600", "700"}
