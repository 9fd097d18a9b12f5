"""Rich content in whole builds: assets, links, images, warnings, escaping, real-world Markdown."""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

import pytest

from conftest import run_cli
from html_tools import PageScan
from studysite.assets import image_size

TOPIC = "---\ntitle: \"{title}\"\n---\n\n## A question? [easy]\n\n{answer}\n"


def png(width: int, height: int) -> bytes:
    """A valid PNG of the given size."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    raw = b"".join(b"\0" + b"\0\0\0" * width for _ in range(height))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def write_bytes(root: Path, name: str, data: bytes) -> None:
    (root / name).parent.mkdir(parents=True, exist_ok=True)
    (root / name).write_bytes(data)


def test_images_beside_content_are_copied_sized_and_lazy(make_site):
    root = make_site({"content/nn/pics.md": TOPIC.format(title="Pics", answer="![A diagram](img/d.png)")})
    write_bytes(root, "content/nn/img/d.png", png(30, 20))
    assert run_cli(root, "build") == 0
    assert (root / "_site/nn/img/d.png").read_bytes() == (root / "content/nn/img/d.png").read_bytes()
    [img] = PageScan((root / "_site/nn/pics.html").read_text()).find("img")
    assert img == {"alt": "A diagram", "src": "img/d.png", "loading": "lazy", "decoding": "async",
                   "width": "30", "height": "20"}


@pytest.mark.parametrize("name, data, size", [
    ("a.png", png(7, 5), (7, 5)),
    ("a.gif", b"GIF89a" + struct.pack("<HH", 9, 4) + b"\0" * 10, (9, 4)),
    ("a.svg", b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 640 240"></svg>', (640, 240)),
    ("a.svg", b'<svg width="100" height="50px"></svg>', (100, 50)),
    ("a.jpg", bytes.fromhex("ffd8ffe000104a46494600010100000100010000ffc0001108002a003803012200021101031101"), (56, 42)),
    ("a.txt", b"not an image", None),
])
def test_image_size_from_file_headers(tmp_path, name, data, size):
    (tmp_path / name).write_bytes(data)
    assert image_size(tmp_path / name) == size


def test_missing_image_and_link_targets_are_errors_with_lines(make_site, capsys, monkeypatch):
    root = make_site({"content/nn/broken.md": TOPIC.format(
        title="Broken", answer="See ![x](img/missing.png)\n\nand [the other page](nope.md).")})
    write_bytes(root, "content/nn/img/there.png", png(2, 2))
    monkeypatch.chdir(root)
    assert run_cli(root, "check") == 1
    err = capsys.readouterr().err
    assert ("content/nn/broken.md:7: image 'img/missing.png' does not exist\n"
            "  hint: paths are relative to this file's folder; files there: there.png") in err
    assert "content/nn/broken.md:9: link target 'nope.md' does not exist" in err


def test_links_to_markdown_files_become_page_urls(make_site):
    root = make_site({
        "content/nn/a.md": TOPIC.format(title="A", answer="Read [B](b.md#q-a-question) and [C](../opt/c.mcq.md)."),
        "content/nn/b.md": TOPIC.format(title="B", answer="B."),
        "content/opt/c.mcq.md": "---\ntitle: C\n---\n\n## Pick [easy]\n\n- [x] yes\n- [ ] no\n",
    })
    assert run_cli(root, "build") == 0
    hrefs = {a["href"] for a in PageScan((root / "_site/nn/a.html").read_text()).find("a")}
    assert {"b.html#q-a-question", "../opt/c-mcq.html"} <= hrefs


def test_root_absolute_links_are_errors(make_site, capsys):
    root = make_site({"content/nn/a.md": TOPIC.format(title="A", answer="[home](/index.html)")})
    assert run_cli(root, "check") == 1
    assert "link '/index.html' starts at the server's root" in capsys.readouterr().err


def test_missing_alt_text_is_a_warning_and_strict_check_fails(make_site, capsys):
    root = make_site({"content/nn/a.md": TOPIC.format(title="A", answer="![](img/d.png)")})
    write_bytes(root, "content/nn/img/d.png", png(2, 2))
    assert run_cli(root, "check") == 0
    captured = capsys.readouterr()
    assert "OK: 2 topics, 3 questions, no errors, 3 warnings." in captured.out
    assert "warning: " in captured.err and "image 'img/d.png' has no alt text" in captured.err
    assert run_cli(root, "check", "--strict") == 1
    assert "image 'img/d.png' has no alt text" in capsys.readouterr().err


def test_bad_formula_is_reported_at_its_file_line(make_site, capsys):
    root = make_site({"content/nn/m.md": TOPIC.format(title="M", answer="Fine $x$.\n\nBroken $\\nosuch{x}$ here.")})
    assert run_cli(root, "check") == 1
    err = capsys.readouterr().err
    assert "m.md:9: unsupported LaTeX command \\nosuch in $\\nosuch{x}$" in err
    assert "hint: fix the formula, or write a literal dollar sign as \\$" in err


@pytest.mark.parametrize("mode, kept", [("escape", False), ("sanitize", False), ("allow", True)])
def test_raw_html_setting(make_site, mode, kept):
    root = make_site({"site.yml": f"title: T\nraw_html: {mode}\n",
                      "content/nn/h.md": TOPIC.format(title="H", answer='<span class="x" onclick="evil()">hi</span>')})
    assert run_cli(root, "build") == 0
    html = (root / "_site/nn/h.html").read_text()
    assert ('<span class="x" onclick="evil()">' in html) is kept


def test_script_in_title_tags_and_summary_never_runs(make_site):
    nasty = "<script>alert(1)</script>"
    root = make_site({"content/nn/x.md": (f'---\ntitle: "{nasty}"\nsummary: "{nasty}"\ntags: ["{nasty}"]\n'
                                          f'tip: "{nasty}"\nchecklist: ["{nasty}"]\n---\n\n## Q? [easy]\n\nA.\n')})
    assert run_cli(root, "build") == 0
    for page in (root / "_site").rglob("*.html"):
        assert "<script>alert(1)</script>" not in page.read_text(), page


REAL_WORLD = {
    "jsx": ("Wrap it in <StrictMode> and render <App />.", "&lt;StrictMode&gt;"),
    "emoji-zero-width": ("Answer.", None),
    "rtl": ("هذا نص عربي مع `code()` في الوسط.", "<code>code()</code>"),
    "cjk": ("梯度消失是指梯度在反向传播中变得非常小。", "梯度消失"),
    "code-only": ("```js\nconsole.log(1)\n```", '<span class="code__lang">JavaScript</span>'),
    "long": ("word " * 5000, "word word"),
}


@pytest.mark.parametrize("case", list(REAL_WORLD))
def test_real_world_content_renders_sensibly(make_site, case):
    answer, expected = REAL_WORLD[case]
    heading = "What is 🚀 React\u200b StrictMode?" if case == "emoji-zero-width" else "A question?"
    root = make_site({"content/nn/real.md": f"---\ntitle: Real\n---\n\n## {heading} [medium]\n\n{answer}\n"})
    assert run_cli(root, "build") == 0
    html = (root / "_site/nn/real.html").read_text()
    if expected:
        assert expected in html
    [card] = PageScan(html).cards
    assert card["id"] == ("q-what-is-react-strictmode" if case == "emoji-zero-width" else "q-a-question")


def test_unclosed_fence_from_pasted_content_is_a_precise_error(make_site, capsys, monkeypatch):
    root = make_site({"content/nn/p.md": "---\ntitle: P\n---\n\n## Q? [easy]\n\n```js\nconst a = 1\n\n## Next? [easy]\n\nB.\n"})
    monkeypatch.chdir(root)
    assert run_cli(root, "check") == 1
    assert "content/nn/p.md:7: the code block opened here runs over the question on line 10\n" \
        "  hint: close the code block before line 10 with a line '```'" in capsys.readouterr().err


# --- A default difficulty for collections whose headings carry none ------------------------------

UNMARKED = "---\ntitle: Output\n{front}---\n\n## What's the output?\n\n```js\nconsole.log(1)\n```\n"


@pytest.mark.parametrize("where, files", [
    ("front matter", {"content/js/output.md": UNMARKED.format(front="difficulty: hard\n")}),
    ("_category.yml", {"content/js/output.md": UNMARKED.format(front=""), "content/js/_category.yml": "difficulty: hard\n"}),
    ("site.yml", {"content/js/output.md": UNMARKED.format(front=""), "site.yml": "difficulty: hard\n"}),
])
def test_a_default_difficulty_lets_unmarked_questions_build(make_site, where, files):
    root = make_site(files)
    assert run_cli(root, "build") == 0, where
    [card] = PageScan((root / "_site/js/output.html").read_text()).cards
    assert card["data-difficulty"] == "hard"


def test_the_nearest_default_wins_and_a_marker_beats_them_all(make_site, capsys):
    root = make_site({
        "site.yml": "difficulty: easy\n", "content/js/_category.yml": "difficulty: medium\n",
        "content/js/a.md": "---\ntitle: A\n---\n\n## Unmarked\n\nA.\n\n## Marked [hard]\n\nB.\n\n## Also [x] unmarked\n\nC.\n",
        "content/js/b.md": "---\ntitle: B\ndifficulty: hard\n---\n\n## Unmarked\n\nA.\n",
        "content/py/c.md": "---\ntitle: C\n---\n\n## Unmarked\n\nA.\n",
    })
    assert run_cli(root, "build") == 0, capsys.readouterr().err
    difficulties = {name: [c["data-difficulty"] for c in PageScan((root / f"_site/{name}.html").read_text()).cards]
                    for name in ("js/a", "js/b", "py/c")}
    assert difficulties == {"js/a": ["medium", "hard", "medium"], "js/b": ["hard"], "py/c": ["easy"]}


def test_changing_the_site_default_rebuilds_the_pages_it_reaches(make_site):
    root = make_site({"site.yml": "difficulty: easy\n", "content/js/output.md": UNMARKED.format(front="")})
    assert run_cli(root, "build") == 0
    (root / "site.yml").write_text("difficulty: hard\n")
    assert run_cli(root, "build") == 0
    [card] = PageScan((root / "_site/js/output.html").read_text()).cards
    assert card["data-difficulty"] == "hard"


def test_a_misspelled_default_is_an_error_with_a_suggestion(make_site, capsys):
    root = make_site({"content/js/_category.yml": "difficulty: meduim\n"})
    assert run_cli(root, "check") == 1
    assert ("content/js/_category.yml:1: unknown difficulty 'meduim' (did you mean 'medium'?)\n"
            "  hint: use difficulty: easy, difficulty: medium or difficulty: hard") in capsys.readouterr().err


def test_without_a_default_an_unmarked_question_is_still_an_error(make_site, capsys):
    root = make_site({"content/js/output.md": UNMARKED.format(front="")})
    assert run_cli(root, "check") == 1
    assert "content/js/output.md:5: question 'What's the output?' has no difficulty" in capsys.readouterr().err


# --- One card's HTML stays in its card ------------------------------------------------------------

BROKEN_ANSWERS = ["A stray </div> and </li></ol> and </article>.", "An <b>unclosed bold and <i>italic.",
                  "<div class=\"x\">\n\nOpened, never closed.", "<textarea>swallow", "<a title=\"unfinished",
                  "<!-- never closed", "<ul><li>one<li>two", "<h2>from broken JSX"]


def test_no_answer_can_close_or_restyle_other_cards(make_site):
    body = "".join(f"## Broken {n}? [easy]\n\n{answer}\n\n" for n, answer in enumerate(BROKEN_ANSWERS))
    root = make_site({"content/nn/broken.md": f"---\ntitle: Broken\n---\n\n{body}## Last? [hard]\n\nFine.\n"})
    assert run_cli(root, "build") == 0
    html = (root / "_site/nn/broken.html").read_text()
    cards = PageScan(html).cards
    assert len(cards) == len(BROKEN_ANSWERS) + 1
    assert cards[-1]["data-difficulty"] == "hard"
    # Each answer's own HTML closes inside its answer: the page's structure after the cards is intact.
    assert html.count("<article") == html.count("</article>") == len(cards)
    assert "<textarea>" not in html and "&lt;textarea>swallow" in html
    # An unfinished tag ends with its answer; a comment left open is closed there.
    assert "unfinished" not in html.split('id="q-broken-5-answer"')[1].split("</article>")[0].replace("Answer", "")
    assert "<!-- never closed-->" in html


# --- Languages and direction ----------------------------------------------------------------------

def test_a_pages_language_sets_its_lang_and_direction(make_site):
    root = make_site({"site.yml": "language: en\n",
                      "content/nn/ar.md": "---\ntitle: ما هو الناتج\nlanguage: ar\n---\n\n## سؤال؟ [easy]\n\nجواب.\n",
                      "content/nn/he.md": "---\ntitle: שאלות\nlanguage: he-IL\n---\n\n## שאלה? [easy]\n\nתשובה.\n"})
    assert run_cli(root, "build") == 0
    heads = {name: (root / f"_site/nn/{name}.html").read_text().split("\n")[1]
             for name in ("ar", "he", "gradients")}
    assert heads == {"ar": '<html lang="ar" dir="rtl">', "he": '<html lang="he-IL" dir="rtl">',
                     "gradients": '<html lang="en" dir="ltr">'}
    category = (root / "_site/nn/index.html").read_text()
    assert 'dir="auto" lang="ar">ما هو الناتج</a>' in category  # listed on an English page, marked as Arabic


def test_a_language_that_is_not_a_tag_is_an_error(make_site, capsys):
    root = make_site({"content/nn/x.md": "---\ntitle: X\nlanguage: Arabic script\n---\n\n## Q? [easy]\n\nA.\n"})
    assert run_cli(root, "check") == 1
    assert ("content/nn/x.md:3: 'Arabic script' is not a language tag\n"
            "  hint: use a code such as en, fr, pt-BR, zh-Hans or ar (as in the HTML lang attribute)") in capsys.readouterr().err


def test_footnotes_of_different_answers_get_ids_of_their_own(make_site):
    answer = "A claim[^1].\n\n[^1]: Its source."
    root = make_site({"content/nn/notes.md": f"---\ntitle: Notes\n---\n\n## One? [easy]\n\n{answer}\n\n"
                                             f"## Two? [easy]\n\n{answer}\n"})
    assert run_cli(root, "build") == 0
    ids = [a["id"] for a in PageScan((root / "_site/nn/notes.html").read_text()).find("li") if a.get("id")]
    assert ids == ["fn-q-one-1", "fn-q-two-1"]
