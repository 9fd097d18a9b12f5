"""axe-core (WCAG 2.1 A and AA) on every page type, light and dark, study mode on and off."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

WCAG = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}
PAGES = {
    "home": "index.html",
    "category": "neural-networks/index.html",
    "topic": "neural-networks/vanishing-gradients.html",
    "topic-study": "neural-networks/vanishing-gradients.html?study=1",
    "checklist": "checklist.html",
    "tags": "tags/index.html",
    "tag": "tags/resnet.html",
    "not-found": "404.html",
    "quiz": "neural-networks/vanishing-gradients-mcq.html",
    "quiz-answered": "neural-networks/vanishing-gradients-mcq.html",
    "tutorial": "neural-networks/vanishing-gradients-tutorial.html",
    "rich": "neural-networks/backpropagation.html",
}
axe = Axe()


def violations(page: Page) -> list[str]:
    result = axe.run(page, options=WCAG)
    return [f"{v['id']}: {v['help']} ({len(v['nodes'])} nodes, e.g. {v['nodes'][0]['target']})"
            for v in result.response["violations"]]


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("name", list(PAGES))
def test_no_axe_violations(page: Page, base_url, name, scheme):
    page.emulate_media(color_scheme=scheme)
    page.goto(base_url + PAGES[name])
    if name == "topic-study":
        page.locator("article.card").first.get_by_role("button", name="Show answer").click()
        page.locator("article.card").first.get_by_role("button", name="Got it").click()
    if name == "quiz-answered":  # right, wrong and missed options, and the score card
        for question in page.locator("article.quiz-question").all():
            if question.get_attribute("data-multi") == "true":
                question.locator('[data-option][data-correct="true"]').first.click()
                question.get_by_role("button", name="Check").click()
            else:
                question.locator('[data-option][data-correct="false"]').first.click()
        expect(page.locator("[data-score-card]")).to_be_visible()
    assert violations(page) == []


def test_no_axe_violations_with_search_open_and_shortcuts_dialog(page: Page, base_url):
    page.goto(base_url + PAGES["topic"])
    page.keyboard.press("/")
    page.keyboard.type("gradient")
    expect(page.locator("#search-results a").first).to_be_visible()
    assert violations(page) == []
    page.keyboard.press("Escape")
    page.keyboard.press("Escape")
    page.locator("body").click(position={"x": 5, "y": 300})
    page.keyboard.press("?")
    expect(page.get_by_role("dialog")).to_be_visible()
    assert violations(page) == []


def test_focus_is_visible_on_keyboard_navigation(page: Page, base_url):
    page.goto(base_url + PAGES["topic"])
    page.keyboard.press("Tab")  # skip link
    expect(page.get_by_role("link", name="Skip to content")).to_be_focused()
    assert page.evaluate("getComputedStyle(document.activeElement).outlineStyle") != "none"
    page.keyboard.press("Tab")
    assert page.evaluate("getComputedStyle(document.activeElement).outlineStyle") != "none"
