"""Printable sheets (question sheet, answer key, fold-in-half flashcards) on Chromium's own PDF, read back
with pdftotext: chosen by a button or by ?print=, with the page's filters applied."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from html import unescape
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from .test_accessibility import violations

TOPIC = "neural-networks/vanishing-gradients.html"
QUIZ = "neural-networks/vanishing-gradients-mcq.html"
SHEETS = {"questions": "Question sheet", "answers": "Answer key", "flashcards": "Flashcards"}
MARGIN = {side: "1cm" for side in ("top", "right", "bottom", "left")}  # as the print dialog's default margins

# Text of the example site: an easy and a hard question of the topic, with the start of their answers,
# and the first question of the quiz, its right option (B), a wrong one and its explanation.
EASY_Q, EASY_A = "1. What is the vanishing gradient problem?", "During backpropagation, the gradient reaching an early layer"
HARD_Q, HARD_A = "10. How do highway networks differ from ResNets?", "Highway networks"
LAST_Q = "15. What is a one-sentence fix menu for an interview?"
QUIZ_Q, QUIZ_RIGHT, QUIZ_WRONG = "1. What is the largest value the sigmoid's derivative can take?", "0.25", "It grows without bound for large inputs"
QUIZ_WHY = "The derivative is s(x) * (1 - s(x)). It peaks at x = 0"

@pytest.fixture(autouse=True)
def poppler():
    """pdftotext and pdftoppm read the PDFs back: a machine without them skips, CI (which installs them) fails."""
    if shutil.which("pdftotext") is None or shutil.which("pdftoppm") is None:
        message = "pdftotext and pdftoppm are not installed (apt-get install poppler-utils)"
        if os.environ.get("CI"):
            pytest.fail(message + ": CI must run these tests")
        pytest.skip(message)


# --- Reading a printed page back ------------------------------------------------------------

def print_pdf(page: Page, tmp_path: Path, paper: str = "A4") -> Path:
    pdf = tmp_path / f"sheet-{paper}.pdf"
    pdf.write_bytes(page.pdf(format=paper, margin=MARGIN))
    return pdf


def text_of(pdf: Path) -> str:
    """The PDF's words, one space between each."""
    return " ".join(subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout.split())


def words_of(pdf: Path) -> list[tuple[float, float, list[tuple[float, float, float, float, str]]]]:
    """Per page: its width, height and words, each (x_min, y_min, x_max, y_max, text), in points."""
    xml = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    pages = []
    for width, height, body in re.findall(r'<page width="([\d.]+)" height="([\d.]+)">(.*?)</page>', xml, re.S):
        words = [(float(a), float(b), float(c), float(d), unescape(w)) for a, b, c, d, w in
                 re.findall(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</word>', body)]
        pages.append((float(width), float(height), words))
    return pages


def find(pages, sequence: str):
    """(page number, first word, last word) of the first place the words of `sequence` follow each other."""
    wanted = sequence.split()
    for number, (_, _, words) in enumerate(pages):
        texts = [w[4] for w in words]
        for i in range(len(texts) - len(wanted) + 1):
            if texts[i:i + len(wanted)] == wanted:
                return number, words[i], words[i + len(wanted) - 1]
    raise AssertionError(f"{sequence!r} is not in the PDF")


def fold_line_column(pdf: Path, tmp_path: Path) -> tuple[int, int]:
    """(darkest pixel column in the middle of page 1, page width), at 144 dpi: the dashed fold line."""
    subprocess.run(["pdftoppm", "-gray", "-r", "144", "-f", "1", "-l", "1", str(pdf), str(tmp_path / "page")], check=True)
    data = next(tmp_path.glob("page*.pgm")).read_bytes()
    _, width, height, _, pixels = re.match(rb"(P5)\s+(\d+)\s+(\d+)\s+(\d+)\s(.*)", data, re.S).groups()
    width, height = int(width), int(height)
    dark = [sum(pixels[y * width + x] < 160 for y in range(height)) for x in range(width)]
    middle = range(width * 3 // 10, width * 7 // 10)
    return max(middle, key=lambda x: dark[x]), width


def record_prints(page: Page):
    """window.print() records the sheet it was asked for instead of opening the dialog."""
    page.add_init_script("window.printed = []; window.print = function () { window.printed.push(document.body.dataset.print || ''); };")


def sheet_of(page: Page):
    return page.evaluate("studysite.ready.then(() => document.body.dataset.print || '')")


# --- What each sheet holds -------------------------------------------------------------------

def check_topic_sheet(sheet: str, pdf: Path, tmp_path: Path, total: str = "15 of 15 questions"):
    text = text_of(pdf)
    assert f"{SHEETS[sheet]} · " in text and total in text
    assert EASY_Q in text
    for chrome in ("Study mode", "Question sheet Answer key", "Back to the normal page", "Show answer"):
        assert chrome not in text  # the page's controls, the print controls included, never print
    if sheet == "questions":
        assert EASY_A not in text and "Answer" not in text
        assert LAST_Q in text  # numbered as on the page
    elif sheet == "answers":
        assert text.index(EASY_Q) < text.index(EASY_A) < text.index("2. What are exploding gradients?")
    else:
        check_flashcards(pdf, tmp_path, EASY_Q, EASY_A)


def check_quiz_sheet(sheet: str, pdf: Path, tmp_path: Path):
    text = text_of(pdf)
    assert f"{SHEETS[sheet]} · 10 of 10 questions" in text and QUIZ_Q in text
    assert "Quiz score" not in text and "answered" not in text
    if sheet == "questions":
        assert QUIZ_WRONG in text and QUIZ_RIGHT in text  # every option, lettered, none marked
        assert re.search(r"A 1 B 0\.25 C 0\.5 D " + QUIZ_WRONG, text)
        assert "Answer:" not in text and QUIZ_WHY not in text and "Correct" not in text
        assert "Choose every correct option." in text and "then Check" not in text
    elif sheet == "answers":
        assert QUIZ_WRONG not in text  # only the right options, by their letters
        assert re.search(re.escape(QUIZ_Q) + r" B 0\.25 " + re.escape(QUIZ_WHY), text)
    else:
        assert QUIZ_WRONG in text  # the question side keeps its options
        assert "Answer: B · 0.25" in text
        check_flashcards(pdf, tmp_path, QUIZ_Q, "Answer: B · 0.25")


def check_flashcards(pdf: Path, tmp_path: Path, question: str, answer: str):
    """The answer sits on the right half of the question's row; several cards share a page; the fold is the middle."""
    pages = words_of(pdf)
    q_page, q_first, q_last = find(pages, question)
    a_page, a_first, _ = find(pages, answer)
    width = pages[q_page][0]
    assert q_page == a_page
    assert q_last[2] < width / 2 < a_first[0], (q_last, a_first, width)
    assert abs(q_first[1] - a_first[1]) < 4 * 28.35  # within one card's height (4 cm)
    numbers = [w for w in pages[0][2] if re.fullmatch(r"\d+\.", w[4]) and w[2] < width / 2]
    assert len(numbers) >= 3, numbers
    column, pixels = fold_line_column(pdf, tmp_path)
    assert abs(column - pixels / 2) <= 3, (column, pixels)


# --- Choosing a sheet ------------------------------------------------------------------------

@pytest.mark.parametrize("paper", ["A4", "Letter"])
@pytest.mark.parametrize("sheet", list(SHEETS))
def test_a_button_prints_each_sheet_of_a_topic_and_the_page_comes_back(page: Page, base_url, tmp_path, sheet, paper):
    record_prints(page)
    page.goto(base_url + TOPIC)
    tools = page.get_by_role("group", name="Print a sheet")
    tools.get_by_role("button", name=SHEETS[sheet]).click()
    assert page.evaluate("window.printed") == [sheet]
    check_topic_sheet(sheet, print_pdf(page, tmp_path, paper), tmp_path)
    page.evaluate("window.dispatchEvent(new Event('afterprint'))")
    assert sheet_of(page) == ""
    text = text_of(print_pdf(page, tmp_path))  # the ordinary print again: every answer, no sheet line
    assert EASY_A in text and "Question sheet ·" not in text and "15 of 15 questions" not in text


def test_a_question_sheet_rules_the_lines_each_card_asks_for(page: Page, base_url):
    # topic.html writes data-write-lines (3 to 8, from the answer's length); style.css rules 30px a line.
    page.goto(base_url + TOPIC + "?print=questions")
    page.emulate_media(media="print")
    cards = page.locator("article.card")
    cards.nth(1).evaluate("card => card.dataset.writeLines = '8'")
    cards.nth(2).evaluate("card => card.dataset.writeLines = '5'")
    heights = cards.evaluate_all("cards => cards.map(c => [c.dataset.writeLines, getComputedStyle(c, '::after').height])")
    assert {lines for lines, _ in heights} >= {"3", "5", "8"}
    assert all(height == f"{int(lines) * 30}px" for lines, height in heights), heights


@pytest.mark.parametrize("sheet", list(SHEETS))
def test_a_button_prints_each_sheet_of_a_quiz(page: Page, base_url, tmp_path, sheet):
    record_prints(page)
    page.goto(base_url + QUIZ)
    page.get_by_role("group", name="Print a sheet").get_by_role("button", name=SHEETS[sheet]).click()
    assert page.evaluate("window.printed") == [sheet]
    check_quiz_sheet(sheet, print_pdf(page, tmp_path, "Letter" if sheet == "flashcards" else "A4"), tmp_path)
    page.evaluate("window.dispatchEvent(new Event('afterprint'))")
    assert sheet_of(page) == ""
    expect(page.locator("details[data-answer]").first).to_be_hidden()  # quiz.js's own print restore still runs


@pytest.mark.parametrize("path", [TOPIC, QUIZ])
@pytest.mark.parametrize("sheet", list(SHEETS))
def test_the_url_chooses_the_sheet_that_every_print_prints(page: Page, base_url, tmp_path, sheet, path):
    page.goto(base_url + path + "?print=" + sheet)
    assert sheet_of(page) == sheet
    note = page.locator("[data-print-note]")
    expect(note).to_be_visible()
    expect(note).to_contain_text(SHEETS[sheet] + " chosen by the link")
    expect(page.locator("[data-print-summary]")).to_be_hidden()  # the sheet's own line is for paper
    pdf = print_pdf(page, tmp_path, "Letter" if sheet == "answers" else "A4")
    if path == TOPIC:
        check_topic_sheet(sheet, pdf, tmp_path)
    else:
        check_quiz_sheet(sheet, pdf, tmp_path)
    note.get_by_role("button", name="Back to the normal page").click()
    assert sheet_of(page) == ""
    expect(note).to_be_hidden()
    assert "print=" not in page.url
    expect(page.locator("main")).to_be_focused()
    assert (QUIZ_WHY if path == QUIZ else EASY_A) in text_of(print_pdf(page, tmp_path))  # the ordinary print


def test_a_button_print_goes_back_to_the_sheet_the_url_chose(page: Page, base_url):
    record_prints(page)
    page.goto(base_url + TOPIC + "?print=flashcards")
    page.get_by_role("button", name="Answer key").focus()  # a real button: Enter prints
    page.keyboard.press("Enter")
    assert page.evaluate("window.printed") == ["answers"]
    page.evaluate("window.dispatchEvent(new Event('afterprint'))")
    assert sheet_of(page) == "flashcards"


def test_an_unknown_sheet_is_ignored(page: Page, base_url, tmp_path):
    page.goto(base_url + TOPIC + "?print=posters")
    assert sheet_of(page) == ""
    expect(page.locator("[data-print-note]")).to_be_hidden()
    expect(page.get_by_role("group", name="Print a sheet")).to_be_visible()
    assert EASY_A in text_of(print_pdf(page, tmp_path))


# --- Filters ---------------------------------------------------------------------------------

@pytest.mark.parametrize("sheet", list(SHEETS))
def test_filters_apply_to_every_sheet_and_the_sheet_says_so(page: Page, base_url, tmp_path, sheet):
    page.goto(base_url + TOPIC + "?difficulty=easy&print=" + sheet)
    check_topic_sheet(sheet, print_pdf(page, tmp_path), tmp_path, total="Easy · 6 of 15 questions")
    text = text_of(print_pdf(page, tmp_path))
    assert f"{SHEETS[sheet]} · Easy · 6 of 15 questions" in text
    assert HARD_Q not in text and HARD_A not in text
    assert "12. How does weight initialization relate" in text  # the page's own numbers


def test_filter_changes_keep_the_sheet_in_the_url_and_on_the_sheet(page: Page, base_url, tmp_path):
    page.goto(base_url + TOPIC + "?print=answers")
    page.locator("[data-filter-difficulty=hard]").click()
    page.locator("[data-filter-tag=ResNet]").click()
    assert re.search(r"\?difficulty=hard&tag=ResNet&print=answers$", page.url), page.url
    text = text_of(print_pdf(page, tmp_path))
    assert "Answer key · Hard · #ResNet · 1 of 15 questions" in text
    assert HARD_Q in text and EASY_Q not in text
    page.reload()
    assert sheet_of(page) == "answers"
    expect(page.locator("[data-filter-tag=ResNet]")).to_have_attribute("aria-pressed", "true")


def test_the_ordinary_print_of_a_filtered_page_says_what_it_holds(page: Page, base_url, tmp_path):
    page.goto(base_url + TOPIC + "?difficulty=hard")
    text = text_of(print_pdf(page, tmp_path))
    assert "Hard · 2 of 15 questions" in text and HARD_A in text and EASY_Q not in text


def test_review_mistakes_on_a_quiz_applies_to_its_sheets(page: Page, base_url, tmp_path):
    page.goto(base_url + QUIZ + "?print=answers")
    for question in page.locator("article.quiz-question").all():
        if question.get_attribute("data-multi") == "true":
            question.locator('[data-option][data-correct="true"]').first.click()
            question.get_by_role("button", name="Check").click()
        else:
            question.locator('[data-option][data-correct="true"]').first.click()
    page.get_by_role("button", name="Review mistakes").click()
    mistakes = page.locator("article.quiz-question[data-result=wrong]").count()
    assert 0 < mistakes < 10
    text = text_of(print_pdf(page, tmp_path))
    assert f"Answer key · Review mistakes · {mistakes} of 10 questions" in text
    assert QUIZ_Q not in text  # answered right: not a mistake


# --- Without JavaScript, themes, accessibility -----------------------------------------------

def test_without_javascript_the_page_prints_as_before(browser, base_url, tmp_path):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(base_url + TOPIC + "?print=questions")
    expect(page.locator("[data-print-tools]")).to_be_hidden()
    text = text_of(print_pdf(page, tmp_path))
    assert EASY_A in text and HARD_A in text and "Question sheet" not in text and "of 15 questions" not in text
    context.close()


def test_the_print_controls_stay_hidden_when_their_script_fails(page: Page, base_url, tmp_path):
    def broken(route):  # the joined scripts, with print.js failing as it starts (core logs it; the rest work)
        script = route.fetch().text()
        start = 'studysite.feature("print", function (page) {'
        assert start in script
        route.fulfill(body=script.replace(start, start + ' throw new Error("broken");'),
                      headers={"content-type": "text/javascript"})

    page.route("**/static/studysite.js*", broken)
    page.goto(base_url + TOPIC)
    expect(page.locator("[data-study-bar]")).to_be_visible()
    expect(page.locator("[data-print-tools]")).to_be_hidden()
    assert EASY_A in text_of(print_pdf(page, tmp_path))


def test_paper_is_light_whatever_the_theme(page: Page, base_url):
    page.add_init_script("localStorage.setItem('studysite-theme', 'dark')")
    page.goto(base_url + TOPIC)
    page.emulate_media(media="print")
    muted = page.evaluate("getComputedStyle(document.querySelector('.answer-label')).color")
    assert muted == "rgb(84, 93, 110)"  # --muted's light value


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_print_controls_and_note_pass_axe(page: Page, base_url, scheme):
    page.emulate_media(color_scheme=scheme)
    page.goto(base_url + TOPIC + "?difficulty=easy&print=flashcards")
    expect(page.get_by_role("group", name="Print a sheet")).to_be_visible()
    expect(page.locator("[data-print-note]")).to_be_visible()
    assert violations(page) == []
    page.goto(base_url + QUIZ + "?print=questions")
    expect(page.locator("[data-print-note]")).to_be_visible()
    assert violations(page) == []
