"""Search, checklist ticks, theme and print, in Chromium."""

from __future__ import annotations

import re
import shutil

import pytest
from playwright.sync_api import Page, expect

from conftest import REPO, write_files
from studysite.cli import main

from .conftest import serve_folder

TOPIC = "neural-networks/vanishing-gradients.html"
RESIDUAL = "q-how-do-residual-connections-improve-gradient-flow"


# --- Search ------------------------------------------------------------------------------

def search(page: Page, query: str):
    page.keyboard.press("/")
    page.keyboard.type(query)
    return page.locator("#search-results a")


def test_search_finds_a_question_and_lands_on_its_card(page: Page, base_url):
    page.goto(base_url + "checklist.html")
    assert page.evaluate("window.studysiteSearchIndex === undefined")  # loaded only when used
    results = search(page, "residual connections")
    expect(results.first).to_contain_text("How do residual connections improve gradient flow?")
    expect(results.first.locator(".chip")).to_have_text("Medium")
    expect(results.first).to_contain_text("Vanishing & Exploding Gradients")
    page.keyboard.press("ArrowDown")
    expect(results.first).to_be_focused()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(re.escape(TOPIC + "#" + RESIDUAL) + "$"))
    expect(page.locator("#" + RESIDUAL)).to_be_in_viewport()


def test_search_matches_answers_tags_and_topics(page: Page, base_url):
    page.goto(base_url + "index.html")
    results = search(page, "NaN")  # only in answers
    expect(results.first).to_be_visible()
    page.fill("#search-input", "")
    page.fill("#search-input", "generators memory")  # topic title + a word in answers
    expect(results.first).to_contain_text("Generators")
    page.fill("#search-input", "zzzz-no-such-thing")
    expect(page.locator("#search-status")).to_have_text("Nothing matches “zzzz-no-such-thing”.")
    expect(results).to_have_count(0)


def test_search_shows_why_each_result_came_up(page: Page, base_url):
    page.goto(base_url + "index.html")
    results = search(page, "NaN")  # a word only answers hold
    snippet = results.first.locator(".search-result__snippet")
    expect(snippet).to_contain_text("NaN")
    expect(snippet.locator("mark").first).to_have_text("NaN")
    page.fill("#search-input", "residual connections")
    first = results.first
    expect(first.locator(".search-result__title mark")).to_have_text(["residual", "connections"])
    expect(first.locator(".search-result__topic")).to_have_text("Vanishing & Exploding Gradients")  # its topic


def test_search_shows_all_results_on_request(page: Page, base_url):
    page.goto(base_url + "index.html")
    results = search(page, "gradient")
    expect(results).to_have_count(20)
    status = page.locator("#search-status")
    expect(status).to_have_text(re.compile(r"^Showing 20 of (\d+) results\.$"))
    total = int(re.search(r"of (\d+)", status.text_content()).group(1))
    more = page.get_by_role("button", name=f"Show all {total} results")
    more.click()
    expect(results).to_have_count(total)
    expect(results.nth(20)).to_be_focused()  # where the new ones start, the panel still open
    expect(status).to_have_text(f"{total} results.")
    expect(more).to_be_hidden()
    page.fill("#search-input", "gradient descent")  # a new query starts from 20 again
    expect(results).to_have_count(min(20, results.count()))


@pytest.fixture(scope="module")
def world_site(tmp_path_factory):
    """A small site with accents, Chinese and Arabic, built and served."""
    root = tmp_path_factory.mktemp("world")
    for name in ("templates", "static"):
        shutil.copytree(REPO / name, root / name)
    write_files(root, {"content/langs/world.md": (
        "---\ntitle: \"Languages\"\n---\n\n"
        "## Qu'est-ce qu'un café crème? [easy]\n\nUne boisson du matin.\n\n"
        "## 什么是梯度消失？ [medium]\n\n梯度在反向传播中变得非常小。\n\n"
        "## ما هو التدرج المتلاشي؟ [hard]\n\nتصبح التدرجات صغيرة جدا أثناء الانتشار العكسي.\n")})
    assert main(["build", "--root", str(root)]) == 0
    server, origin = serve_folder(root / "_site")
    yield root / "_site", origin + "/"
    server.shutdown()


@pytest.mark.parametrize("query, expected", [
    ("cafe creme", "café crème"),     # accents ignored in the query
    ("CAFÉ", "café crème"),
    ("梯度消失", "什么是梯度消失"),      # Chinese, no spaces between words
    ("التدرج", "ما هو التدرج المتلاشي"),  # Arabic
    ("التـــدرج", "ما هو التدرج المتلاشي"),  # with tatweel, which stretches a word and means nothing
    ("ٱلتدرج", "ما هو التدرج المتلاشي"),  # alef wasla for alef
    ("المتلاشى", "ما هو التدرج المتلاشي"),  # alef maksura for yeh, as many keyboards type it
])
def test_search_is_diacritics_insensitive_and_reads_every_script(page: Page, world_site, query, expected):
    page.goto(world_site[1] + "langs/world.html")
    expect(search(page, query).first).to_contain_text(expected)
    expect(page.locator("#search-results a").first.locator("mark").first).to_be_visible()  # marked in any script


def test_search_works_from_a_file_url(page: Page, world_site):
    page.goto((world_site[0] / "langs/world.html").as_uri())
    results = search(page, "boisson")
    expect(results.first).to_contain_text("café crème")
    results.first.click()
    expect(page).to_have_url(re.compile(r"^file://.*langs/world\.html#q-"))


# --- Review checklist ---------------------------------------------------------------------

def test_checklist_ticks_persist_with_counts_and_clear_all(page: Page, base_url):
    page.goto(base_url + "checklist.html")
    boxes = page.locator("input[data-check]")
    total = boxes.count()
    assert total == 21  # seven topics with three items each
    boxes.nth(0).check()
    boxes.nth(1).check()
    expect(page.locator("[data-check-total]")).to_have_text(f"2 of {total} ticked")
    expect(page.locator(f'[data-check-count="{TOPIC}"]')).to_have_text("2/3")
    page.reload()
    expect(boxes.nth(0)).to_be_checked()
    expect(page.locator("[data-check-total]")).to_have_text(f"2 of {total} ticked")
    page.goto(base_url + TOPIC)  # the topic's own checklist shares the ticks
    expect(page.locator(".review input[data-check]").nth(1)).to_be_checked()
    page.goto(base_url + "checklist.html")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Clear all").click()
    expect(page.locator("[data-check-total]")).to_have_text(f"0 of {total} ticked")
    page.reload()
    expect(boxes.nth(0)).not_to_be_checked()


# --- Theme -------------------------------------------------------------------------------

def background(page: Page) -> str:
    return page.evaluate("getComputedStyle(document.body).backgroundColor")


def test_dark_mode_follows_the_system(browser, base_url):
    for scheme, expected in (("light", "rgb(246, 247, 249)"), ("dark", "rgb(14, 17, 23)")):
        context = browser.new_context(color_scheme=scheme)
        page = context.new_page()
        page.goto(base_url + "index.html")
        assert background(page) == expected
        context.close()


def test_theme_toggle_persists_and_is_chosen_before_first_paint(page: Page, base_url):
    page.emulate_media(color_scheme="light")
    page.goto(base_url + "index.html")
    page.get_by_role("button", name="Switch to dark theme").click()
    assert background(page) == "rgb(14, 17, 23)"
    # On the next page the theme is set by the inline script in <head>, before the body exists.
    page.add_init_script("""document.addEventListener('readystatechange', () => {
        if (!window.__themeAtStart) window.__themeAtStart = document.documentElement.dataset.theme || 'none'; });""")
    page.goto(base_url + TOPIC)
    assert page.evaluate("window.__themeAtStart") == "dark"
    assert background(page) == "rgb(14, 17, 23)"
    page.get_by_role("button", name="Switch to light theme").click()
    page.reload()
    assert background(page) == "rgb(246, 247, 249)"


# --- Print -------------------------------------------------------------------------------

def test_topic_prints_as_a_question_and_answer_sheet(page: Page, base_url):
    page.goto(base_url + TOPIC + "?study=1")
    expect(page.locator(".card__answer:visible")).to_have_count(0)
    page.emulate_media(media="print")
    expect(page.locator(".card__answer:visible")).to_have_count(15)
    for chrome in (".site-header", ".study-bar", ".pager", ".card__reveal >> nth=0"):
        expect(page.locator(chrome)).to_be_hidden()
    assert page.evaluate("getComputedStyle(document.querySelector('.card')).breakInside") == "avoid"


def test_a_quiz_prints_with_its_right_options_and_explanations(page: Page, base_url, tmp_path):
    """On paper a quiz shows every answer, whether the learner answered it or not, and the screen
    keeps what it showed."""
    import subprocess

    page.goto(base_url + "neural-networks/vanishing-gradients-mcq.html")
    answers = page.locator("details[data-answer]")
    expect(answers.first).to_be_hidden()  # the live quiz hides them until a question is answered
    explanation = answers.first.locator(".quiz-answer__explanation").text_content().split()
    pdf = tmp_path / "quiz.pdf"
    pdf.write_bytes(page.pdf(format="A4"))
    text = " ".join(subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout.split())
    assert text.count("Answer:") == answers.count()
    assert " ".join(explanation[:6]) in text
    expect(answers.first).to_be_hidden()  # and back on the screen as it was


def test_checklist_prints_on_one_page(page: Page, base_url):
    page.goto(base_url + "checklist.html")
    pdf = page.pdf(format="A4")
    assert len(re.findall(rb"/Type\s*/Page[^s]", pdf)) == 1


def test_escape_and_tab_leave_search_and_close_its_panel(page: Page, base_url):
    page.goto(base_url + "index.html")
    search(page, "relu")
    panel = page.locator("[data-search-panel]")
    expect(panel).to_be_visible()
    page.keyboard.press("Escape")  # empties the box
    expect(page.locator("#search-input")).to_have_value("")
    expect(page.locator("#search-input")).to_be_focused()
    page.keyboard.press("Escape")  # leaves it
    expect(page.locator("#search-input")).not_to_be_focused()
    search(page, "relu")
    expect(panel).to_be_visible()
    for _ in range(page.locator("#search-results a").count() + 2):
        page.keyboard.press("Tab")
    expect(panel).to_be_hidden()


def test_search_panel_fits_a_phone_screen(browser, base_url):
    context = browser.new_context(viewport={"width": 360, "height": 740})
    page = context.new_page()
    page.goto(base_url + "index.html")
    search(page, "gradient")
    box = page.locator("[data-search-panel]").bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 360, box
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    context.close()
