"""Spaced review in Chromium: the Review page (what is due, filters, settings, forecast, your data),
review sessions and drills, due dates on topic pages, and the site opened from file://.

Every test fixes the browser's clock at noon (UTC) on Monday 10 March 2025, so "today" is day
TODAY (days since 1970-01-01), and seeds the learner's history (format version 2) in localStorage
before opening the page under test. With FSRS-6's default parameters and 90% retention, one review
schedules the next one: Again -> 1 day, Hard -> 1 day, Good -> 2 days, Easy -> 8 days."""

from __future__ import annotations

import json
import re
from datetime import date, datetime, timezone
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

NOON = datetime(2025, 3, 10, 12, 0, tzinfo=timezone.utc)
TODAY = (date(2025, 3, 10) - date(1970, 1, 1)).days
KEY = "studysite:/studysite-demo/"  # "studysite:" + the site root's path (makeStore in core.js)
TOTAL = 73  # questions on the example site's question pages

VG = "neural-networks/vanishing-gradients.html"
BP = "neural-networks/backpropagation.html"
AF = "neural-networks/activation-functions.html"
GEN = "python/generators.html"
REG = "optimization/regularization.html"
VG1 = VG + "#q-what-is-the-vanishing-gradient-problem"
VG2 = VG + "#q-what-are-exploding-gradients"
VG3 = VG + "#q-why-do-sigmoid-and-tanh-make-vanishing-gradients-worse"
VG4 = VG + "#q-how-does-relu-help-and-what-is-one-caveat"
VG5 = VG + "#q-how-do-residual-connections-improve-gradient-flow"
VG6 = VG + "#q-how-does-an-lstm-compare-with-a-vanilla-rnn-for-vanishing"
BP1 = BP + "#q-what-is-backpropagation-and-how-does-it-use-the-chain-rule"
BP2 = BP + "#q-what-happens-in-the-forward-and-backward-pass-of-a-two-layer"  # its answer has an image
AF1 = AF + "#q-why-do-neural-networks-need-non-linear-activation-functions"
GEN1 = GEN + "#q-what-is-the-difference-between-an-iterable-and-an-iterator"
REG7 = REG + "#q-why-is-weight-decay-not-the-same-as-l2-regularization-in-adam"  # hard

# Histories and what FSRS makes of them today.
DUE_TODAY = [[TODAY - 2, 3]]           # Good 2 days ago: due today
OVERDUE_1 = [[TODAY - 3, 3]]           # due yesterday
OVERDUE_2 = [[TODAY - 4, 3]]
OVERDUE_3 = [[TODAY - 5, 3]]
DUE_TOMORROW = [[TODAY - 1, 3]]
DUE_IN_5 = [[TODAY - 3, 4]]            # Easy 3 days ago: due in 5 days
DUE_IN_7 = [[TODAY - 1, 4]]
AGAIN_TODAY = [[TODAY - 5, 3], [TODAY, 1]]  # last answered Again, due tomorrow

WCAG = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}  # as test_accessibility
axe = Axe()


def data(cards=None, **rest) -> dict:
    return {"version": 2, "cards": cards or {}, "checks": {}, "quizzes": {}, "settings": {}, **rest}


def open_site(page: Page, base_url: str, path: str, saved: dict | None = None) -> None:
    """Open `path` at noon on day TODAY, with `saved` as the learner's stored data."""
    page.clock.set_fixed_time(NOON)
    if saved is not None:
        page.goto(base_url + "static/core.js")  # any file of the site: its origin's localStorage
        page.evaluate("([key, value]) => localStorage.setItem(key, value)", [KEY, json.dumps(saved)])
    page.goto(base_url + path)
    assert page.evaluate("studysite.today()") == TODAY


def stored(page: Page, key: str = KEY) -> dict:
    """The learner's record as the browser saved it (read as text: a "__proto__" id survives)."""
    text = page.evaluate("key => localStorage.getItem(key)", key)
    return None if text is None else json.loads(text)


def start_button(page: Page):
    return page.locator("[data-action=start]")


def tab_to(page: Page, selector: str, backwards: bool = False, limit: int = 80) -> None:
    """Press Tab (or Shift+Tab) until the focused element matches `selector`."""
    for _ in range(limit):
        if page.evaluate("s => !!document.activeElement && document.activeElement.matches(s)", selector):
            return
        page.keyboard.press("Shift+Tab" if backwards else "Tab")
    raise AssertionError(f"Tab never reached {selector}")


def shown_card(page: Page) -> str:
    """The key ("<topic path>#<question id>") of the card the session shows, once it is painted."""
    expect(page.locator("[data-card-topic]")).to_have_attribute("href", re.compile("#q-"))
    expect(page.locator("[data-action=reveal]")).to_be_visible()
    expect(page.locator("[data-card-answer]")).to_be_hidden()
    href = page.locator("[data-card-topic]").get_attribute("href")
    return href.split("/studysite-demo/", 1)[1]


def topic_of(key: str) -> str:
    return key.split("#")[0]


TOPIC_TITLES = ["Vanishing & Exploding Gradients", "Activation Functions", "Backpropagation & the Chain Rule",
                "Gradient Descent & Optimizers", "Regularization", "Convolutions, Pooling & Receptive Fields",
                "Iterators & Generators"]


def expect_topics(breakdown, titles: list[str]) -> None:
    """The "Due by topic" table lists exactly these topics (category rows, if any, aside)."""
    for title in TOPIC_TITLES:
        link = breakdown.get_by_role("link", name=title, exact=True)
        if title in titles:
            expect(link).to_be_visible()
        else:
            expect(link).to_have_count(0)


def summary_counts(page: Page) -> dict[int, int]:
    expect(page.locator("[data-session-summary]")).to_be_visible()
    return {g: int(page.locator(f'[data-summary-count="{g}"]').inner_text()) for g in (1, 2, 3, 4)}


# ---- 1. The header link ----

def test_every_page_links_to_review_in_the_header(page: Page, base_url):
    for path in ["index.html", "tags/index.html", "review.html", VG]:
        page.goto(base_url + path)
        link = page.locator("nav.site-nav").get_by_role("link", name="Review", exact=True)
        expect(link, path).to_be_visible()
        assert link.evaluate("a => a.href") == base_url + "review.html", path
        if path == "review.html":
            expect(link).to_have_attribute("aria-current", "page")
            expect(page.locator("body")).to_have_attribute("data-page", "review")
        else:
            expect(link, path).not_to_have_attribute("aria-current", "page")
    link.click()  # from a page in a sub-folder
    expect(page).to_have_url(base_url + "review.html")
    expect(page.get_by_role("heading", level=1)).to_have_text("Review")


# ---- 2 and 3. Sessions, keyboard only ----

def test_review_session_with_the_keyboard_shortcuts(page: Page, base_url):
    open_site(page, base_url, "review.html", data({
        BP1: OVERDUE_3, VG2: OVERDUE_1, VG1: DUE_TODAY, GEN1: DUE_TODAY,  # due, in three topics
        AF1: DUE_IN_7,  # not due
    }, settings={"newPerDay": 2}))  # and two new cards: the first not started, in the site's order
    expect(page.locator("[data-today-text]")).to_have_text(
        f"4 cards due today (2 overdue) · 2 new cards to start ({TOTAL - 5} not started; 2 a day)")
    expect(start_button(page)).to_have_text("Start review (6)")

    tab_to(page, "[data-action=start]")
    page.keyboard.press("Enter")
    expect(page.locator("[data-session]")).to_be_visible()
    expect(page.locator("[data-review-overview]")).to_be_hidden()
    count, track = page.locator("[data-session-count]"), page.locator("[data-session-progress]")
    grades = {BP1: [1, 3], VG2: [3], GEN1: [2], VG1: [4], VG3: [3], VG4: [3]}
    seen, totals = [], []
    while page.locator("[data-session]").is_visible():
        card = shown_card(page)
        n = len(seen) + 1
        expect(count).to_have_text(re.compile(rf"^Card {n} of \d+$"))
        expect(track).to_have_attribute("aria-valuenow", str(n - 1))
        totals.append(int(count.inner_text().rsplit(" ", 1)[1]))
        expect(track).to_have_attribute("aria-valuemax", str(totals[-1]))
        seen.append(card)
        if card == VG3:  # a new card: each grade says when the card would come back
            whens = page.locator("[data-grade] [data-when]")
            expect(whens).to_have_text(["again now", "tomorrow", "in 2 days", "in 8 days"])
        expect(page.locator("[data-action=reveal]")).to_be_focused()
        if n % 2:  # Space is a shortcut anywhere on the page, not only the focused button's own key
            page.evaluate("document.activeElement.blur()")
        page.keyboard.press(" ")
        expect(page.locator("[data-card-answer]")).to_be_visible()
        expect(page.locator("[data-grades]")).to_be_visible()
        expect(page.locator("[data-card-answer]")).to_be_focused()  # read next, the grades one Tab away
        page.keyboard.press(str(grades[card].pop(0)))
        if len(seen) > 12:
            raise AssertionError(f"the session does not end: {seen}")

    # Due cards first, most overdue first, then the new ones; one topic after another; the card
    # answered "Review again" comes back three cards later, and the count grew by one then.
    assert seen == [BP1, VG2, GEN1, VG1, BP1, VG3, VG4], seen
    assert totals == [6, 7, 7, 7, 7, 7, 7], totals
    assert len({topic_of(k) for k in seen[:3]}) == 3
    for i in range(len(seen) - 1):  # two cards of one topic in a row only when no other topic is left
        if topic_of(seen[i]) == topic_of(seen[i + 1]):
            assert {topic_of(k) for k in seen[i:]} == {topic_of(seen[i])}, seen
    assert summary_counts(page) == {1: 1, 2: 1, 3: 4, 4: 1}
    expect(page.locator("[data-summary-text]")).to_have_text("You answered 6 cards (7 answers) in about 1 minute.")
    expect(page.locator("#summary-title")).to_be_focused()

    cards = stored(page)["cards"]
    assert cards[BP1] == OVERDUE_3 + [[TODAY, 1], [TODAY, 3]]
    assert cards[VG2] == OVERDUE_1 + [[TODAY, 3]]
    assert cards[GEN1] == DUE_TODAY + [[TODAY, 2]]
    assert cards[VG1] == DUE_TODAY + [[TODAY, 4]]
    assert cards[VG3] == [[TODAY, 3]] and cards[VG4] == [[TODAY, 3]]
    assert cards[AF1] == DUE_IN_7
    assert len(cards) == 7

    tab_to(page, "[data-action=back]")
    page.keyboard.press("Enter")
    expect(page.locator("[data-review-overview]")).to_be_visible()
    expect(page.locator("[data-today-text]")).to_have_text(
        f"0 cards due today · 0 new cards to start ({TOTAL - 7} not started; 2 a day)")
    expect(start_button(page)).to_be_disabled()


def test_review_session_with_tab_and_enter_when_shortcuts_are_off(page: Page, base_url):
    open_site(page, base_url, "review.html", data({BP1: OVERDUE_1, VG1: DUE_TODAY}, settings={"newPerDay": 1}))
    expect(start_button(page)).to_have_text("Start review (3)")
    shortcuts = page.locator("[data-setting=shortcuts]")
    expect(shortcuts).to_be_checked()
    tab_to(page, "[data-setting=shortcuts]")
    page.keyboard.press(" ")  # a checkbox's own key
    expect(shortcuts).not_to_be_checked()
    assert stored(page)["settings"] == {"newPerDay": 1, "shortcuts": False}
    expect(page.locator(".session__key").first).to_be_hidden()  # the key hints go too
    # ... and screen readers are no longer told about keys that do nothing (on every page)
    expect(page.locator("[data-action=reveal]")).not_to_have_attribute("aria-keyshortcuts", re.compile("."))
    page.goto(base_url + VG)
    expect(page.locator("#search-input")).not_to_have_attribute("aria-keyshortcuts", re.compile("."))
    page.go_back()

    tab_to(page, "[data-action=start]", backwards=True)
    page.keyboard.press("Enter")
    first = shown_card(page)
    assert first == BP1
    expect(page.locator("[data-session-count]")).to_have_text("Card 1 of 3")
    # Space away from any button does nothing now (with shortcuts on it shows the answer).
    page.locator("[data-card-question]").focus()
    page.keyboard.press(" ")
    page.keyboard.press("Enter")
    tab_to(page, "[data-action=reveal]")
    expect(page.locator("[data-card-answer]")).to_be_hidden()
    page.keyboard.press("Enter")
    expect(page.locator("[data-card-answer]")).to_be_visible()
    expect(page.locator("[data-card-answer]")).to_be_focused()
    page.keyboard.press("1")  # no longer "Review again"
    page.keyboard.press("4")
    expect(page.locator("[data-session-count]")).to_have_text("Card 1 of 3")
    expect(page.locator("[data-card-answer]")).to_be_visible()
    tab_to(page, '[data-grade="1"]')
    page.keyboard.press("Enter")  # Review again: the session grows by one

    seen = [first]
    for expected_total, grade in [(4, "4"), (4, "3"), (4, "2")]:
        card = shown_card(page)
        seen.append(card)
        expect(page.locator("[data-session-count]")).to_have_text(f"Card {len(seen)} of {expected_total}")
        expect(page.locator("[data-action=reveal]")).to_be_focused()
        page.keyboard.press("Enter")
        expect(page.locator("[data-card-answer]")).to_be_visible()
        tab_to(page, f'[data-grade="{grade}"]')
        page.keyboard.press("Enter")
    assert seen == [BP1, VG1, VG2, BP1], seen
    assert summary_counts(page) == {1: 1, 2: 1, 3: 1, 4: 1}
    cards = stored(page)["cards"]
    assert cards[BP1] == OVERDUE_1 + [[TODAY, 1], [TODAY, 2]]
    assert cards[VG1] == DUE_TODAY + [[TODAY, 4]]
    assert cards[VG2] == [[TODAY, 3]]

    # Off on every page: "s" no longer turns study mode on on a topic page.
    page.reload()
    expect(page.locator("[data-setting=shortcuts]")).not_to_be_checked()
    page.goto(base_url + VG)
    page.locator("body").press("s")
    expect(page.get_by_role("button", name="Study mode")).to_have_attribute("aria-pressed", "false")


def test_space_on_the_end_session_button_ends_the_session(page: Page, base_url):
    open_site(page, base_url, "review.html", data({VG1: DUE_TODAY, BP1: DUE_TODAY}))
    start_button(page).click()
    shown_card(page)
    tab_to(page, "[data-action=end]", backwards=True)
    page.keyboard.press(" ")  # the button's own key, not "Show answer"
    expect(page.locator("[data-session-summary]")).to_be_visible()
    expect(page.locator("[data-summary-text]")).to_have_text("You ended the session before answering a card.")
    assert stored(page)["cards"] == {VG1: DUE_TODAY, BP1: DUE_TODAY}


def test_a_card_cannot_be_answered_before_it_shows(page: Page, base_url):
    page.add_init_script("""(() => {  // a slow network: topics' cards arrive a second late
        const append = Node.prototype.appendChild;
        Node.prototype.appendChild = function (el) {
            if (el.tagName !== "SCRIPT" || !/\\.cards\\.js/.test(el.src)) return append.call(this, el);
            setTimeout(() => append.call(this, el), 1000);
            return el;
        };
    })()""")
    open_site(page, base_url, "review.html", data({VG1: DUE_TODAY}, settings={"newPerDay": 0}))
    start_button(page).click()
    page.keyboard.press(" ")
    page.keyboard.press("3")
    assert stored(page)["cards"][VG1] == DUE_TODAY  # not answered: it was never shown
    expect(page.locator("[data-card-question]")).to_have_text("What is the vanishing gradient problem?")
    expect(page.locator("[data-card-answer]")).to_be_hidden()


def test_back_to_the_overview_keeps_the_focus_on_the_page(page: Page, base_url):
    open_site(page, base_url, "review.html", data({VG1: DUE_TODAY}, settings={"newPerDay": 0}))
    start_button(page).click()
    shown_card(page)
    page.keyboard.press(" ")
    page.keyboard.press("3")
    page.get_by_role("button", name="Back to the overview").click()
    expect(start_button(page)).to_be_disabled()
    assert page.evaluate("document.activeElement !== document.body")


# ---- 4. The daily limit of new cards ----

def test_new_cards_a_day_limits_a_session_and_counts_todays_first_answers(page: Page, base_url):
    open_site(page, base_url, "review.html", data())
    expect(start_button(page)).to_have_text("Start review (20)")
    new_per_day = page.locator("[data-setting=newPerDay]")
    expect(new_per_day).to_have_value("20")
    new_per_day.fill("3")
    new_per_day.press("Tab")
    expect(start_button(page)).to_have_text("Start review (3)")
    expect(page.locator("[data-today-text]")).to_have_text(
        f"0 cards due today · 3 new cards to start ({TOTAL} not started; 3 a day)")
    assert stored(page)["settings"] == {"newPerDay": 3}

    start_button(page).click()
    for n in (1, 2, 3):
        shown_card(page)
        expect(page.locator("[data-session-count]")).to_have_text(f"Card {n} of 3")
        page.locator("[data-action=reveal]").click()
        page.get_by_role("button", name=re.compile("^Got it")).click()
    assert summary_counts(page) == {1: 0, 2: 0, 3: 3, 4: 0}
    page.get_by_role("button", name="Back to the overview").click()
    expect(page.locator("[data-today-text]")).to_have_text(
        f"0 cards due today · 0 new cards to start ({TOTAL - 3} not started; 3 a day)")
    expect(start_button(page)).to_have_text("Nothing due: come back tomorrow")
    expect(start_button(page)).to_be_disabled()
    assert stored(page)["cards"] == {VG1: [[TODAY, 3]], VG2: [[TODAY, 3]], VG3: [[TODAY, 3]]}

    # The three answered today count against a higher limit too, after a reload as well.
    new_per_day.fill("5")
    new_per_day.press("Tab")
    expect(start_button(page)).to_have_text("Start review (2)")
    page.reload()
    expect(start_button(page)).to_have_text("Start review (2)")


# ---- 5. Filters ----

def test_filters_update_the_counts_and_the_url_and_come_back_from_it(page: Page, base_url):
    open_site(page, base_url, "review.html", data({REG7: DUE_TODAY, VG1: OVERDUE_3}))
    today, breakdown = page.locator("[data-today-text]"), page.locator("[data-breakdown]")
    summary = page.locator("[data-filter-summary]")
    expect(start_button(page)).to_have_text("Start review (22)")
    expect(summary).to_have_text("All cards")
    for title in TOPIC_TITLES:
        expect(breakdown.get_by_role("link", name=title, exact=True)).to_be_visible()

    page.locator("select[data-filter=category]").select_option("optimization")
    expect(page).to_have_url(base_url + "review.html?category=optimization")
    expect(summary).to_have_text("20 cards chosen")
    expect(today).to_have_text("1 card due today · 19 new cards to start")
    expect_topics(breakdown, ["Gradient Descent & Optimizers", "Regularization"])
    expect(page.locator(f'select[data-filter=topic] option[value="{GEN}"]')).to_be_disabled()

    page.locator("select[data-filter=topic]").select_option(REG)
    expect(page).to_have_url(base_url + f"review.html?category=optimization&topic={REG}")
    expect(summary).to_have_text("10 cards chosen")
    expect(start_button(page)).to_have_text("Start review (10)")
    page.locator("[data-filter-difficulty=hard]").click()
    expect(page).to_have_url(base_url + f"review.html?category=optimization&topic={REG}&difficulty=hard")
    expect(summary).to_have_text("2 cards chosen")
    expect(start_button(page)).to_have_text("Start review (2)")
    expect_topics(breakdown, ["Regularization"])
    row = breakdown.locator("tr").filter(has=page.get_by_role("link", name="Regularization", exact=True))
    expect(row.locator("[data-col=due]")).to_have_text("1")
    expect(row.locator("[data-col=new]")).to_have_text("1")
    expect(row.locator("[data-col=studied]")).to_have_text("1 of 2")

    shared = page.url
    other = page.context.new_page()
    other.goto(shared)
    expect(other.locator("select[data-filter=category]")).to_have_value("optimization")
    expect(other.locator("select[data-filter=topic]")).to_have_value(REG)
    expect(other.locator("[data-filter-difficulty=hard]")).to_have_attribute("aria-pressed", "true")
    expect(other.locator("[data-filter-difficulty=easy]")).to_have_attribute("aria-pressed", "false")
    expect(other.locator("[data-filter-summary]")).to_have_text("2 cards chosen")
    expect(other.locator("[data-action=start]")).to_have_text("Start review (2)")
    # The session takes the chosen cards only: the due one first.
    other.locator("[data-action=start]").click()
    assert shown_card(other) == REG7
    expect(other.locator("[data-session-count]")).to_have_text("Card 1 of 2")
    other.close()

    page.get_by_role("button", name="Clear filters").click()
    expect(page).to_have_url(base_url + "review.html")
    expect(summary).to_have_text("All cards")
    page.locator("select[data-filter=tag]").select_option("CNN")
    expect(page).to_have_url(base_url + "review.html?tag=CNN")
    expect(summary).to_have_text("10 cards chosen")
    expect_topics(breakdown, ["Convolutions, Pooling & Receptive Fields"])
    page.locator("[data-filter-difficulty=easy]").click()
    page.locator("[data-filter-difficulty=hard]").click()
    expect(page).to_have_url(base_url + "review.html?tag=CNN&difficulty=easy,hard")
    expect(summary).to_have_text("6 cards chosen")  # 4 easy and 2 hard
    page.reload()
    expect(page.locator("select[data-filter=tag]")).to_have_value("CNN")
    expect(summary).to_have_text("6 cards chosen")
    expect(start_button(page)).to_have_text("Start review (6)")


def test_tag_filter_picks_the_questions_the_tag_page_lists(page: Page, base_url):
    page.goto(base_url + "tags/clip.html")
    listed = page.locator(".question-list li")
    expect(listed).to_have_count(3)  # of the 15 on a page whose front matter has the tag
    page.goto(base_url + "review.html?tag=Clip")
    expect(page.locator("[data-filter-summary]")).to_have_text("3 cards chosen")


# ---- 6. Drills ----

def test_drill_takes_n_cards_of_one_topic_even_when_none_is_due(page: Page, base_url):
    recent = {GEN + "#" + q: [[TODAY - 1, 4]] for q in (
        "q-what-is-the-difference-between-an-iterable-and-an-iterator",
        "q-what-is-a-generator-function-and-what-does-yield-do",
        "q-how-does-a-generator-expression-differ-from-a-list-comprehension",
        "q-why-are-generators-memory-efficient-and-when-is-that-useful-in",
        "q-what-common-pitfalls-come-with-generators",
        "q-which-itertools-functions-are-most-useful-and-how-do-you-batch",
        "q-what-does-yield-from-do",
        "q-how-does-send-work-on-a-generator",
        "q-how-do-return-close-and-throw-interact-with-stopiteration")}
    open_site(page, base_url, f"review.html?topic={GEN}", data(recent))
    expect(page.locator("[data-filter-summary]")).to_have_text("9 cards chosen")
    expect(start_button(page)).to_be_disabled()  # nothing due, nothing new in this topic
    page.locator("[data-drill-size]").fill("4")
    page.get_by_role("button", name="Start drill").click()
    expect(page.locator("[data-session-title]")).to_have_text("Drill")
    drilled = []
    for n in (1, 2, 3, 4):
        card = shown_card(page)
        expect(page.locator("[data-session-count]")).to_have_text(f"Card {n} of 4")
        drilled.append(card)
        page.keyboard.press(" ")
        page.keyboard.press("3")
    assert summary_counts(page) == {1: 0, 2: 0, 3: 4, 4: 0}
    assert len(set(drilled)) == 4 and all(k in recent for k in drilled), drilled
    cards = stored(page)["cards"]
    for key, history in recent.items():  # drill answers are reviews
        assert cards[key] == history + ([[TODAY, 3]] if key in drilled else []), key


# ---- 7. Forecast and retention ----

def test_forecast_shows_seven_days_and_retention_reschedules(page: Page, base_url):
    open_site(page, base_url, "review.html", data({VG1: DUE_TOMORROW, VG2: DUE_TOMORROW, BP1: DUE_IN_7,
                                                  AF1: DUE_IN_5, GEN1: DUE_TODAY}))
    days = page.locator("[data-forecast] li")
    expect(days).to_have_count(7)
    # Out of view, the days after tomorrow are counted (a page's first date costs a phone a long task) ...
    expect(days.locator(".forecast__label")).to_have_text(["Tomorrow"] + [f"In {n} days" for n in range(2, 8)])
    # ... and named once the forecast comes into view, and at each repaint after that.
    days.last.scroll_into_view_if_needed()
    expect(days.locator(".forecast__label").first).to_have_text("Tomorrow")
    expect(days.locator(".forecast__label").nth(1)).to_contain_text("12")  # Wednesday 12 March
    expect(days.locator(".forecast__label").nth(6)).to_contain_text("17")
    expect(days.locator(".forecast__count")).to_have_text(
        ["2 cards", "0 cards", "0 cards", "0 cards", "1 card", "0 cards", "1 card"])
    expect(start_button(page)).to_have_text("Start review (21)")
    # A lower target retention spaces reviews out: at 80% a Good answer waits 8 days, not 2.
    page.locator("[data-setting=retention]").select_option("0.8")
    expect(start_button(page)).to_have_text("Start review (20)")
    expect(days.locator(".forecast__count")).to_have_text(
        ["0 cards", "0 cards", "0 cards", "0 cards", "0 cards", "1 card", "2 cards"])
    expect(days.locator(".forecast__label").nth(1)).to_contain_text("12")
    assert stored(page)["settings"] == {"retention": 0.8}


# ---- 8. Import and export ----

def test_import_merges_and_export_round_trips(page: Page, base_url, tmp_path):
    local = data({VG1: [[TODAY - 10, 3], [TODAY - 5, 3]],
                  VG2: [[TODAY - 12, 3], [TODAY - 6, 3], [TODAY - 1, 3]],
                  VG3: [[TODAY - 30, 3], [TODAY - 20, 3], [TODAY - 4, 1]]},
                 checks={"checklist.html#one": True}, quizzes={"q.html": {"best": 7, "total": 10}})
    open_site(page, base_url, "review.html", local)
    status = page.locator("[data-progress-status]")
    file = page.locator("[data-import-file]")
    expect(start_button(page)).to_have_text("Start review (21)")  # VG3's lapse is due, and 20 new

    theirs = {"studysite": 2, "site": "/studysite-demo/", "progress": {
        "version": 2,
        "cards": {VG1: [[TODAY - 10, 3], [TODAY - 5, 3], [TODAY - 3, 3]],   # mine, continued: replaces mine
                  VG2: [[TODAY - 12, 3], [TODAY - 6, 3]],                   # mine so far: mine stays
                  VG3: [[TODAY - 30, 3], [TODAY - 20, 3], [TODAY - 6, 3], [TODAY - 2, 3]],  # both went on
                  BP1: DUE_TODAY},                                           # new here
        "checks": {"checklist.html#two": True},
        "quizzes": {"q.html": {"best": 5, "total": 10}, "r.html": {"best": 2, "total": 4}}}}
    (tmp_path / "theirs.json").write_text(json.dumps(theirs))
    file.set_input_files(tmp_path / "theirs.json")
    expect(status).to_have_text("Progress imported: 3 cards updated (1 with the reviews of both), 1 already up to "
                                "date here, 1 checklist tick, 1 quiz score.")
    after = stored(page)
    both = [[TODAY - 30, 3], [TODAY - 20, 3], [TODAY - 6, 3], [TODAY - 4, 1], [TODAY - 2, 3]]  # nothing lost
    assert after["cards"] == {VG1: theirs["progress"]["cards"][VG1], VG2: local["cards"][VG2], VG3: both, BP1: DUE_TODAY}
    # Importing the combined history back where it came from adds nothing twice.
    (tmp_path / "back.json").write_text(json.dumps({"studysite": 2, "progress": {"cards": {VG3: both}}}))
    file.set_input_files(tmp_path / "back.json")
    expect(status).to_have_text("Progress imported: 0 cards updated, 1 already up to date here.")
    # Ids that are also the names of Object's own properties are ids like any other.
    (tmp_path / "names.json").write_text(json.dumps({"studysite": 2, "progress": {
        "cards": {"hasOwnProperty": [[TODAY - 3, 3]], "constructor": [[TODAY - 3, 3]], "__proto__": [[TODAY - 3, 3]]}}}))
    file.set_input_files(tmp_path / "names.json")
    expect(status).to_have_text("Progress imported: 3 cards updated.")
    names = stored(page)["cards"]
    assert names["hasOwnProperty"] == names["constructor"] == names["__proto__"] == [[TODAY - 3, 3]]

    assert after["checks"] == {"checklist.html#one": True, "checklist.html#two": True}
    assert after["quizzes"] == {"q.html": {"best": 7, "total": 10}, "r.html": {"best": 2, "total": 4}}
    expect(page.locator("[data-today-text]")).to_contain_text("1 card due today")  # repainted

    (tmp_path / "v1.json").write_text(json.dumps({"studysite": 1, "progress": {"cards": {"x#y": "known"}}}))
    file.set_input_files(tmp_path / "v1.json")
    expect(status).to_have_text("Progress imported: 1 card updated.")
    assert stored(page)["cards"]["x#y"] == [[TODAY - 1, 3]]  # a v1 mark: one Good review, dated the day before

    before = stored(page)
    for name, text in [("other.json", '{"not": "ours"}'), ("broken.json", "{no json"),
                       ("v3.json", '{"studysite": 3, "progress": {"cards": {}}}')]:
        status.evaluate("el => el.textContent = ''")
        (tmp_path / name).write_text(text)
        file.set_input_files(tmp_path / name)
        expect(status).to_have_text("That file is not a studysite progress export; nothing was changed.")
        assert stored(page) == before

    with page.expect_download() as download_info:
        page.get_by_role("button", name="Export progress").click()
    assert download_info.value.suggested_filename == "studysite-progress.json"
    exported = tmp_path / "export.json"
    download_info.value.save_as(exported)
    payload = json.loads(exported.read_text())
    assert payload["studysite"] == 2 and payload["site"] == "/studysite-demo/"
    assert payload["progress"] == before
    # Into a browser with nothing saved: the same data.
    fresh = page.context.browser.new_context()
    other = fresh.new_page()
    other.clock.set_fixed_time(NOON)
    other.goto(base_url + "review.html")
    other.locator("[data-import-file]").set_input_files(exported)
    expect(other.locator("[data-progress-status]")).to_have_text("Progress imported: 8 cards updated, "
                                                                 "2 checklist ticks, 2 quiz scores.")
    assert stored(other) == before
    fresh.close()


# ---- 9. Reset everything ----

def test_reset_everything_asks_first_and_keeps_the_settings(page: Page, base_url):
    saved = data({VG1: DUE_TODAY, BP1: DUE_TOMORROW}, checks={"checklist.html#one": True},
                 quizzes={"q.html": {"best": 1, "total": 2}}, settings={"newPerDay": 5})
    open_site(page, base_url, "review.html", saved)
    expect(start_button(page)).to_have_text("Start review (6)")
    messages = []
    page.once("dialog", lambda dialog: (messages.append(dialog.message), dialog.dismiss()))
    page.get_by_role("button", name="Reset everything").click()
    assert messages and "2 cards" in messages[0]
    assert stored(page) == saved
    expect(start_button(page)).to_have_text("Start review (6)")

    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Reset everything").click()
    expect(page.locator("[data-progress-status]")).to_have_text("Everything was reset.")
    assert stored(page) == data(settings={"newPerDay": 5})
    expect(start_button(page)).to_have_text("Start review (5)")
    expect(page.locator("[data-overall-progress]")).to_have_text(f"0 of {TOTAL} questions known")
    page.reload()
    expect(start_button(page)).to_have_text("Start review (5)")


# ---- 10. Topic pages and the home page ----

def test_topic_page_shows_due_dates_and_only_cards_to_review(page: Page, base_url):
    open_site(page, base_url, VG, data({VG1: DUE_TODAY, VG2: OVERDUE_2, VG3: DUE_IN_5,
                                       VG4: DUE_TOMORROW, VG5: AGAIN_TODAY}))
    def due(key):
        return page.locator("#" + key.split("#")[1] + " [data-due]")
    expect(due(VG1)).to_have_text("Due today")
    expect(due(VG2)).to_have_text("Overdue by 2 days")
    expect(due(VG3)).to_have_text("Due in 5 days")
    expect(due(VG4)).to_have_text("Due tomorrow")
    expect(due(VG5)).to_have_text("Due tomorrow")
    expect(due(VG6)).to_be_hidden()  # never answered
    expect(due(VG3)).not_to_have_attribute("title", re.compile("."))  # (named on demand: dates are costly at start)
    due(VG3).hover()
    expect(due(VG3)).to_have_attribute("title", re.compile(r"^Next review: Saturday\b.*\b15\b.*2025$"))

    # Due (1, 2) and last answered "Review again" (5), not the others.
    page.get_by_role("button", name=re.compile("Only cards to review")).click()
    visible = page.locator("article.card:visible")
    expect(visible).to_have_count(3)
    assert [visible.nth(i).get_attribute("id") for i in range(3)] == [k.split("#")[1] for k in (VG1, VG2, VG5)]
    expect(page.locator("[data-filter-count]")).to_have_text("3 of 15")
    page.get_by_role("button", name=re.compile("Only cards to review")).click()

    # Got it records a Good review today; the same button again takes it back.
    card6 = page.locator("#" + VG6.split("#")[1])
    card6.get_by_role("button", name="Got it").click()
    expect(due(VG6)).to_have_text("Due in 2 days")
    assert stored(page)["cards"][VG6] == [[TODAY, 3]]
    card6.get_by_role("button", name="Got it").click()
    expect(due(VG6)).to_be_hidden()
    assert VG6 not in stored(page)["cards"]
    # Review again on a due card: a new Again review, due tomorrow; then Got it corrects it.
    card1 = page.locator("#" + VG1.split("#")[1])
    card1.get_by_role("button", name="Review again").click()
    expect(due(VG1)).to_have_text("Due tomorrow")
    assert stored(page)["cards"][VG1] == DUE_TODAY + [[TODAY, 1]]
    card1.get_by_role("button", name="Got it").click()
    assert stored(page)["cards"][VG1] == DUE_TODAY + [[TODAY, 3]]

    page.goto(base_url + "index.html")
    due_here = page.locator(f'[data-due-for="{VG}"]')
    expect(due_here).to_have_text("1 due today")  # question 2 only, now that 1 was answered
    expect(page.locator(f'[data-due-for="{BP}"]')).to_be_hidden()
    due_here.click()  # above the topic card's own link
    expect(page).to_have_url(base_url + f"review.html?topic={VG}")
    expect(page.locator("select[data-filter=topic]")).to_have_value(VG)
    expect(page.locator("[data-today-text]")).to_have_text(
        "1 card due today (1 overdue) · 10 new cards to start")


# ---- 11. Questions no longer on the site ----

def test_history_of_a_removed_question_is_kept(page: Page, base_url):
    gone = "neural-networks/removed-topic.html#q-gone"
    open_site(page, base_url, "review.html", data({gone: OVERDUE_2, VG1: DUE_TODAY}, settings={"newPerDay": 0}))
    expect(page.locator("[data-orphans]")).to_be_visible()
    expect(page.locator("[data-orphans]")).to_have_text(
        "1 card in your history is no longer on this site. Its history is kept and exported, "
        "and counts again if the question comes back.")
    expect(page.locator("[data-today-text]")).to_have_text(
        f"1 card due today · 0 new cards to start ({TOTAL - 1} not started; 0 a day)")
    start_button(page).click()
    assert shown_card(page) == VG1
    page.keyboard.press(" ")
    page.keyboard.press("3")
    assert summary_counts(page)[3] == 1
    assert stored(page)["cards"] == {gone: OVERDUE_2, VG1: DUE_TODAY + [[TODAY, 3]]}
    page.reload()
    expect(page.locator("[data-orphans]")).to_be_visible()


# ---- 12. The site opened from its folder ----

def test_review_from_file_url_rebases_answer_images(page: Page, example_site: Path):
    root = example_site.resolve().as_uri() + "/"
    page.clock.set_fixed_time(NOON)
    page.goto(root + "review.html")
    key = page.evaluate("'studysite:' + new URL(document.body.dataset.root, location.href).pathname")
    assert key == "studysite:" + root.removeprefix("file://")
    page.evaluate("([k, v]) => localStorage.setItem(k, v)",
                  [key, json.dumps(data({BP2: DUE_TODAY}, settings={"newPerDay": 0}))])
    page.reload()
    expect(start_button(page)).to_have_text("Start review (1)")
    start_button(page).click()
    assert shown_card_file(page) == root + BP2
    page.keyboard.press(" ")
    image = page.locator("[data-card-answer] img")
    expect(image).to_be_visible()
    assert image.get_attribute("src") == root + "neural-networks/img/computation-graph.svg"
    page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=image.element_handle())
    page.keyboard.press("3")
    expect(page.locator("[data-session-summary]")).to_be_visible()
    assert stored(page, key)["cards"][BP2] == DUE_TODAY + [[TODAY, 3]]


def shown_card_file(page: Page) -> str:
    expect(page.locator("[data-card-topic]")).to_have_attribute("href", re.compile("#q-"))
    expect(page.locator("[data-action=reveal]")).to_be_visible()
    return page.locator("[data-card-topic]").get_attribute("href")


# ---- 13. Accessibility ----

def violations(page: Page) -> list[str]:
    """axe-core's WCAG 2.1 A/AA violations on the page as it is now (axe injected once per page)."""
    if not page.evaluate("!!window.axe"):
        page.evaluate(axe.axe_script)
    found = page.evaluate("options => axe.run(document, options).then(r => r.violations)",
                          {**WCAG, "resultTypes": ["violations"]})
    return [f"{v['id']}: {v['help']} ({len(v['nodes'])} nodes, e.g. {v['nodes'][0]['target']})" for v in found]


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_no_axe_violations_on_the_review_page(page: Page, base_url, scheme):
    page.emulate_media(color_scheme=scheme)
    open_site(page, base_url, "review.html?difficulty=medium", data(
        {BP2: OVERDUE_2, VG3: DUE_TOMORROW, "gone.html#q": DUE_TODAY}, settings={"newPerDay": 0}))
    expect(start_button(page)).to_have_text("Start review (1)")
    expect(page.locator("[data-orphans]")).to_be_visible()
    assert violations(page) == [], "overview"
    start_button(page).click()
    shown_card(page)
    page.keyboard.press(" ")
    expect(page.locator("[data-card-answer] img")).to_be_visible()
    assert violations(page) == [], "session"
    page.keyboard.press("2")
    expect(page.locator("[data-session-summary]")).to_be_visible()
    assert violations(page) == [], "summary"


# ---- 14. The learner's guide ----

def test_the_learners_guide_is_linked_from_the_review_page(page: Page, base_url):
    page.goto(base_url + "review.html")
    page.get_by_role("link", name="How reviewing works").click()
    expect(page).to_have_url(base_url + "studying.html")
    expect(page.get_by_role("heading", level=1)).to_have_text("How reviewing works")
    expect(page.get_by_role("heading", name="A review session")).to_be_visible()
    page.get_by_role("link", name="Go to the Review page").click()
    expect(page).to_have_url(base_url + "review.html")


# ---- Version 1 data in the browser ----

def test_version_1_marks_are_read_as_one_review_each(page: Page, base_url):
    open_site(page, base_url, VG, {"cards": {VG1: "known", VG2: "review", "x": 3}})
    expect(page.locator("#" + VG1.split("#")[1] + " [data-due]")).to_have_text("Due tomorrow")
    expect(page.locator("#" + VG2.split("#")[1] + " [data-due]")).to_have_text("Due today")
    expect(page.locator("[data-progress-text]")).to_have_text("1 of 15 known")


def test_version_1_marks_keep_the_day_they_were_first_read(page: Page, base_url):
    open_site(page, base_url, VG, {"cards": {VG1: "known"}})
    expect(page.locator("#" + VG1.split("#")[1] + " [data-due]")).to_have_text("Due tomorrow")
    assert stored(page)["cards"] == {VG1: [[TODAY - 1, 3]]}  # dated the day before, saved as read: the day stays put
    page.clock.set_fixed_time(datetime(2025, 3, 13, 12, 0, tzinfo=timezone.utc))  # three days later
    page.reload()
    expect(page.locator("#" + VG1.split("#")[1] + " [data-due]")).to_have_text("Overdue by 2 days")


def test_a_footnote_in_a_session_stays_on_the_review_page(page: Page, base_url):
    """Links inside an answer to its own footnotes stay in the session; links elsewhere go to the topic."""
    reverse = BP + "#q-why-is-reverse-mode-used-to-train-neural-networks-instead-of"
    open_site(page, base_url, "review.html?topic=" + BP, data({reverse: DUE_TODAY}, settings={"newPerDay": 0}))
    start_button(page).click()
    assert shown_card(page) == reverse
    page.keyboard.press(" ")
    reference = page.locator("[data-card-answer] sup a").first
    href = reference.get_attribute("href")
    assert href.startswith("#fn"), href
    assert page.locator("[data-card-answer]").locator(f'[id="{href[1:]}"]').count() == 1
    reference.click()
    expect(page).to_have_url(re.compile(r"/review\.html"))
    expect(page.locator("[data-session]")).to_be_visible()


# ---- What goes wrong is said, and nothing is lost ----

def test_answers_that_cannot_be_saved_are_said_in_the_session_and_the_summary(page: Page, base_url):
    open_site(page, base_url, "review.html", data({VG1: DUE_TODAY}, settings={"newPerDay": 0}))
    # The storage fills up (another site on the same origin, say) after the page has loaded.
    page.evaluate("() => { Storage.prototype.setItem = function () { throw new DOMException('full', 'QuotaExceededError'); }; }")
    start_button(page).click()
    shown_card(page)
    page.keyboard.press(" ")
    page.keyboard.press("3")
    expect(page.locator("[data-session-summary]")).to_be_visible()
    expect(page.locator("[data-summary-text]")).to_contain_text("could not save 1 answer")
    assert stored(page)["cards"] == {VG1: DUE_TODAY}


def test_a_card_that_cannot_be_loaded_is_skipped_and_said(page: Page, base_url):
    page.route("**/vanishing-gradients.cards.js*", lambda route: route.abort())
    open_site(page, base_url, "review.html", data({VG1: DUE_TODAY, GEN1: DUE_TODAY}, settings={"newPerDay": 0}))
    start_button(page).click()
    assert shown_card(page) == GEN1
    note = page.locator("[data-card-error]")
    expect(note).to_have_text(re.compile(r"^1 card could not be loaded and was skipped"))
    page.keyboard.press(" ")
    page.keyboard.press("3")
    expect(page.locator("[data-summary-text]")).to_contain_text("1 card could not be loaded")
    assert stored(page)["cards"][VG1] == DUE_TODAY


def test_checklist_ticks_survive_another_tabs_save(page: Page, base_url):
    open_site(page, base_url, "checklist.html", data())
    boxes = page.locator("input[data-check]")
    boxes.nth(0).check()
    other = page.context.new_page()
    other.goto(base_url + VG)
    other.locator("article.card").first.get_by_role("button", name="Got it").click()
    expect(page.locator("input[data-check]").nth(0)).to_be_checked()  # still ticked here after the other tab saved
    page.wait_for_function("() => true")
    boxes.nth(1).check()
    boxes.nth(2).check()
    boxes.nth(0).uncheck()
    record = stored(page)
    assert len(record["checks"]) == 2 and VG1 in record["cards"], record
    page.reload()
    expect(page.locator("input[data-check]:checked")).to_have_count(2)
    other.close()


def test_a_topic_mark_stands_for_the_days_answer(page: Page, base_url):
    """After a session answered Again then Good today, "Got it" shows; pressing it takes today's answers
    back, and "Review again" replaces them with one."""
    open_site(page, base_url, VG, data({VG1: [[TODAY - 5, 3], [TODAY, 1], [TODAY, 3]]}))
    card = page.locator("article.card").first
    got, again = card.get_by_role("button", name="Got it"), card.get_by_role("button", name="Review again")
    expect(got).to_have_attribute("aria-pressed", "true")
    got.click()
    expect(got).to_have_attribute("aria-pressed", "true")  # Got it on an earlier day: still known
    assert stored(page)["cards"][VG1] == [[TODAY - 5, 3]]
    again.click()
    expect(again).to_have_attribute("aria-pressed", "true")
    assert stored(page)["cards"][VG1] == [[TODAY - 5, 3], [TODAY, 1]]


def test_filters_in_the_address_are_cleaned(page: Page, base_url):
    open_site(page, base_url, "review.html?category=cnns&topic=" + GEN + "&difficulty=easy,easy,nope&tag=no-such-tag", data())
    expect(page).to_have_url(re.compile(r"/review\.html\?category=cnns&difficulty=easy$"))
    easy = page.locator('[data-filter-difficulty="easy"]')
    expect(easy).to_have_attribute("aria-pressed", "true")
    easy.click()  # one click turns it off, however often the address named it
    expect(easy).to_have_attribute("aria-pressed", "false")
    expect(page).to_have_url(re.compile(r"/review\.html\?category=cnns$"))
