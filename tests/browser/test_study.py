"""Study mode, marks, progress, shortcuts, filters and deep links on a topic page, in Chromium."""

from __future__ import annotations

import json
import re

from playwright.sync_api import Page, expect

TOPIC = "neural-networks/vanishing-gradients.html"
FIRST = "#q-what-is-the-vanishing-gradient-problem"
RESIDUAL = "#q-how-do-residual-connections-improve-gradient-flow"


def cards(page: Page):
    return page.locator("article.card")


def test_javascript_off_shows_every_answer(browser, base_url):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(base_url + TOPIC)
    answers = page.locator(".card__answer")
    expect(answers).to_have_count(15)
    for i in range(15):
        expect(answers.nth(i)).to_be_visible()
    expect(page.locator("[data-study-bar]")).to_be_hidden()
    expect(page.locator("[data-action=reveal]").first).to_be_hidden()
    expect(page.locator(".search")).to_be_hidden()
    context.close()


def test_study_mode_hides_answers_and_reveals_one_at_a_time(page: Page, base_url):
    page.goto(base_url + TOPIC)
    page.get_by_role("button", name="Study mode").click()
    expect(page.get_by_role("button", name="Study mode")).to_have_attribute("aria-pressed", "true")
    expect(page.locator(".card__answer:visible")).to_have_count(0)
    first = page.locator(FIRST)
    reveal = first.get_by_role("button", name="Show answer")
    expect(reveal).to_have_attribute("aria-expanded", "false")
    reveal.click()
    expect(first.locator(".card__answer")).to_be_visible()
    expect(first.get_by_role("button", name="Hide answer")).to_have_attribute("aria-expanded", "true")
    expect(page.locator(".card__answer:visible")).to_have_count(1)
    page.get_by_role("button", name="Study mode").click()
    expect(page.locator(".card__answer:visible")).to_have_count(15)


def test_marks_persist_across_reload_and_show_on_home(page: Page, base_url):
    page.goto(base_url + TOPIC)
    page.locator(FIRST).get_by_role("button", name="Got it").click()
    page.locator(RESIDUAL).get_by_role("button", name="Review again").click()
    expect(page.locator("[data-progress-text]")).to_have_text("1 of 15 known")
    expect(page.locator("[data-review-count]")).to_have_text("1")
    page.reload()
    expect(page.locator(FIRST).get_by_role("button", name="Got it")).to_have_attribute("aria-pressed", "true")
    expect(page.locator(RESIDUAL).get_by_role("button", name="Review again")).to_have_attribute("aria-pressed", "true")
    expect(page.locator("[data-progress-bar]")).to_have_attribute("aria-valuenow", "1")
    page.goto(base_url + "index.html")
    expect(page.locator(f'[data-progress-for="{TOPIC}"]')).to_have_text("1/15 known · 1 to review")
    expect(page.locator("[data-overall-progress]")).to_have_text("1 of 73 questions known")
    page.goto(base_url + "neural-networks/index.html")
    expect(page.locator(f'[data-progress-for="{TOPIC}"]')).to_have_text("1/15 known · 1 to review")


def test_study_a_topic_with_the_keyboard_only(page: Page, base_url):
    page.goto(base_url + TOPIC)
    page.keyboard.press("s")  # study mode
    expect(page.locator(".card__answer:visible")).to_have_count(0)
    page.keyboard.press("j")
    expect(page.locator(FIRST)).to_be_focused()
    page.keyboard.press(" ")
    expect(page.locator(FIRST + " .card__answer")).to_be_visible()
    page.keyboard.press("g")  # got it, then the next card
    second = cards(page).nth(1)
    expect(second).to_be_focused()
    page.keyboard.press(" ")
    expect(second.locator(".card__answer")).to_be_visible()
    page.keyboard.press("r")
    expect(cards(page).nth(2)).to_be_focused()
    page.keyboard.press("k")
    expect(second).to_be_focused()
    expect(page.locator("[data-progress-text]")).to_have_text("1 of 15 known")
    page.keyboard.press("?")
    expect(page.get_by_role("dialog", name="Keyboard shortcuts")).to_be_visible()
    page.keyboard.press("Escape")
    expect(page.get_by_role("dialog", name="Keyboard shortcuts")).to_be_hidden()


def test_shortcuts_never_fire_while_typing(page: Page, base_url):
    page.goto(base_url + TOPIC)
    page.keyboard.press("/")
    expect(page.locator("#search-input")).to_be_focused()
    page.keyboard.type("jgrs? ")
    expect(page.locator("#search-input")).to_have_value("jgrs? ")
    expect(page.get_by_role("button", name="Study mode")).to_have_attribute("aria-pressed", "false")
    expect(page.locator("[data-progress-text]")).to_have_text("0 of 15 known")


def test_only_cards_to_review(page: Page, base_url):
    page.goto(base_url + TOPIC)
    page.locator(RESIDUAL).get_by_role("button", name="Review again").click()
    page.get_by_role("button", name=re.compile("Only cards to review")).click()
    expect(cards(page).locator("visible=true")).to_have_count(1)
    expect(page.locator(RESIDUAL)).to_be_visible()
    expect(page.locator("[data-filter-count]")).to_have_text("1 of 15")


def test_reset_progress_asks_first(page: Page, base_url):
    page.goto(base_url + TOPIC)
    page.locator(FIRST).get_by_role("button", name="Got it").click()
    page.once("dialog", lambda dialog: dialog.dismiss())
    page.get_by_role("button", name="Reset progress").click()
    expect(page.locator("[data-progress-text]")).to_have_text("1 of 15 known")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Reset progress").click()
    expect(page.locator("[data-progress-text]")).to_have_text("0 of 15 known")
    page.reload()
    expect(page.locator("[data-progress-text]")).to_have_text("0 of 15 known")


def test_filters_combine_and_round_trip_through_the_url(page: Page, base_url):
    page.goto(base_url + TOPIC)
    page.locator("[data-filter-difficulty=hard]").click()
    expect(page.locator("[data-filter-count]")).to_have_text("2 of 15")
    page.locator("[data-filter-difficulty=medium]").click()
    expect(page.locator("[data-filter-count]")).to_have_text("9 of 15")
    page.locator('[data-filter-tag="ResNet"]').click()
    # Medium or hard, and tagged ResNet: questions 5, 10 and 11.
    expect(page.locator("[data-filter-count]")).to_have_text("3 of 15")
    assert "difficulty=hard,medium&tag=ResNet" in page.url  # commas kept readable on purpose
    shared = page.url
    other = page.context.new_page()
    other.goto(shared)
    expect(other.locator("[data-filter-count]")).to_have_text("3 of 15")
    expect(other.locator('[data-filter-tag="ResNet"]')).to_have_attribute("aria-pressed", "true")
    visible = other.locator("article.card:visible")
    expect(visible).to_have_count(3)
    assert [visible.nth(i).get_attribute("data-difficulty") for i in range(3)] == ["medium", "hard", "medium"]
    other.get_by_role("button", name="Clear filters").first.click()
    expect(other.locator("[data-filter-count]")).to_have_text("15 of 15")
    assert "?" not in other.url


def test_deep_link_scrolls_to_and_highlights_the_card(page: Page, base_url):
    page.goto(base_url + TOPIC + "?difficulty=easy" + RESIDUAL)  # a filter that would hide it
    card = page.locator(RESIDUAL)
    expect(card).to_be_visible()
    expect(card).to_be_in_viewport()
    expect(card).to_have_class(re.compile("is-highlighted"))
    expect(card).to_be_focused()


def test_copy_link_puts_the_card_url_on_the_clipboard(page: Page, base_url):
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.goto(base_url + TOPIC + "?difficulty=medium")
    page.locator(RESIDUAL).get_by_role("button", name="Copy link to question 5").click()
    expect(page.locator("[data-announce]")).to_have_text("Link copied")
    expect(page.locator(RESIDUAL + " .card__copied")).to_be_visible()
    assert page.evaluate("navigator.clipboard.readText()") == base_url + TOPIC + RESIDUAL


def test_nothing_breaks_without_storage(browser, base_url):
    context = browser.new_context()
    context.add_init_script("Object.defineProperty(window, 'localStorage', {get() { throw new DOMException('denied', 'SecurityError'); }});")
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(base_url + TOPIC)
    page.locator(FIRST).get_by_role("button", name="Got it").click()
    expect(page.locator("[data-progress-text]")).to_have_text("1 of 15 known")
    page.goto(base_url + "index.html")
    expect(page.locator("[data-overall-progress]")).to_have_text("0 of 73 questions known")  # forgotten
    page.get_by_role("button", name="Switch to dark theme").click()
    assert errors == []
    context.close()


def test_export_and_import_progress(page: Page, base_url, tmp_path):
    page.goto(base_url + TOPIC)
    page.locator(FIRST).get_by_role("button", name="Got it").click()
    page.goto(base_url + "index.html")
    page.get_by_text("Manage your progress").click()  # (the home page folds the tools)
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Export progress").click()
    exported = tmp_path / "progress.json"
    download_info.value.save_as(exported)
    data = json.loads(exported.read_text())
    today = page.evaluate("() => studysite.today()")
    assert data["studysite"] == 2 and data["progress"]["cards"] == {TOPIC + FIRST: [[today, 3]]}  # a Good review today

    fresh = page.context.browser.new_context()
    other = fresh.new_page()
    other.goto(base_url + "index.html")
    expect(other.locator("[data-overall-progress]")).to_have_text("0 of 73 questions known")
    (tmp_path / "bad.json").write_text("{\"not\": \"ours\"}")
    other.locator("[data-import-file]").set_input_files(tmp_path / "bad.json")
    expect(other.locator("[data-progress-status]")).to_have_text("That file is not a studysite progress export; nothing was changed.")
    other.locator("[data-import-file]").set_input_files(exported)
    expect(other.locator("[data-overall-progress]")).to_have_text("1 of 73 questions known")
    other.goto(base_url + TOPIC)
    expect(other.locator(FIRST).get_by_role("button", name="Got it")).to_have_attribute("aria-pressed", "true")
    fresh.close()


def test_jumps_land_below_the_sticky_study_bar(page: Page, base_url):
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(base_url + TOPIC + RESIDUAL)
    bar_bottom = page.locator("[data-study-bar]").bounding_box()
    card_top = page.locator(RESIDUAL).bounding_box()
    assert card_top["y"] >= bar_bottom["y"] + bar_bottom["height"], (card_top, bar_bottom)


def test_g_marks_the_card_in_view_not_the_one_under_the_bar(page: Page, base_url):
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(base_url + TOPIC)
    third, fourth = cards(page).nth(2), cards(page).nth(3)
    # Scroll so that the third card's bottom hides behind the sticky bar.
    page.evaluate("""() => {
        const bar = document.querySelector('[data-study-bar]').getBoundingClientRect();
        const card = document.querySelectorAll('article.card')[2].getBoundingClientRect();
        window.scrollBy(0, card.bottom - bar.height + 4);
    }""")
    page.keyboard.press("g")
    expect(fourth.get_by_role("button", name="Got it")).to_have_attribute("aria-pressed", "true")
    expect(third.get_by_role("button", name="Got it")).to_have_attribute("aria-pressed", "false")


def test_study_mode_key_keeps_the_readers_place(page: Page, base_url):
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(base_url + TOPIC)
    page.locator(RESIDUAL).scroll_into_view_if_needed()
    page.evaluate(f"document.querySelector('{RESIDUAL}').scrollIntoView({{block: 'start'}})")
    before = page.locator(RESIDUAL).bounding_box()["y"]
    page.keyboard.press("s")
    expect(page.get_by_role("button", name="Study mode")).to_have_attribute("aria-pressed", "true")
    assert abs(page.locator(RESIDUAL).bounding_box()["y"] - before) < 2


def test_a_pressed_button_stays_readable_under_the_pointer(page, base_url):
    page.goto(base_url + "neural-networks/vanishing-gradients.html")
    button = page.locator("[data-action=study]")
    button.click()  # the pointer stays on it
    colors = button.evaluate("e => [getComputedStyle(e).color, getComputedStyle(e).backgroundColor]")
    assert colors[0] != colors[1], colors


def overlaps(a: dict, b: dict) -> bool:
    return a["x"] < b["x"] + b["width"] and b["x"] < a["x"] + a["width"] and \
        a["y"] < b["y"] + b["height"] and b["y"] < a["y"] + a["height"]


def test_the_progress_track_keeps_its_length_when_a_card_is_to_review(browser, base_url):
    for width in (1280, 390):
        page = browser.new_page(viewport={"width": width, "height": 844})
        page.goto(base_url + TOPIC)
        page.locator(RESIDUAL).get_by_role("button", name="Review again").click()
        expect(page.locator("[data-progress-text]")).to_have_text("0 of 15 known")
        track = page.locator("[data-progress-bar]").bounding_box()
        assert track["width"] >= 90, (width, track)  # it shrank to 11 px (2 px on a phone)
        text, reset = page.locator("[data-progress-text]").bounding_box(), page.locator("[data-action=reset]").bounding_box()
        assert not overlaps(text, reset) and not overlaps(track, text), (width, text, reset)
        page.close()
