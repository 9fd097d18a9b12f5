"""Pages in other languages in Chromium (issue 17): the scripts speak the page's language with the
browser's plural rules (the same as the build's), Arabic mirrors right to left at 390 and 1280 px, and
axe finds nothing on any page type in Arabic, light and dark."""

from __future__ import annotations

import re
import shutil

import pytest
import yaml
from playwright.sync_api import Page, expect

from conftest import FIXTURE_SITE, main
from studysite.strings import plural_form
from tests.browser.conftest import serve_folder
from tests.browser.test_accessibility import violations
from tests.test_strings import catalogue

TOPIC = "neural-networks/vanishing-gradients.html"
PAGES = ["index.html", "neural-networks/index.html", TOPIC, "neural-networks/vanishing-gradients-mcq.html",
         "neural-networks/vanishing-gradients-tutorial.html", "checklist.html", "tags/index.html", "tags/resnet.html",
         "review.html", "studying.html", "404.html"]


def build_in(tmp_path_factory, language: str) -> str:
    """The fixture site with `language:` set, served; returns its base URL."""
    root = tmp_path_factory.mktemp(f"site-{language}")
    shutil.copytree(FIXTURE_SITE / "content", root / "content")
    settings = yaml.safe_load((FIXTURE_SITE / "site.yml").read_text(encoding="utf-8"))
    settings["language"] = language
    (root / "site.yml").write_text(yaml.safe_dump(settings, allow_unicode=True), encoding="utf-8")
    assert main(["build", "--root", str(root)]) == 0
    server, origin = serve_folder(root / "_site")
    return origin + "/"


@pytest.fixture(scope="module")
def sites(tmp_path_factory):
    """The fixture site in a language, built on first use: sites("de") -> its base URL."""
    built = {}

    def site(language: str) -> str:
        if language not in built:
            built[language] = build_in(tmp_path_factory, language)
        return built[language]
    return site


@pytest.fixture(scope="module")
def german(sites):
    return sites("de")


@pytest.fixture(scope="module")
def arabic(sites):
    return sites("ar")


@pytest.mark.parametrize("language", ["en", "de", "es", "fr", "zh-Hans", "ar", "ru"])
def test_the_browsers_plural_rules_are_the_builds(page: Page, language):
    numbers = [*range(0, 250), 1000, 1001, 1_000_000, 2_000_000]
    forms = page.evaluate("([language, numbers]) => numbers.map(n => new Intl.PluralRules(language).select(n))",
                          [language, numbers])
    assert {n: f for n, f in zip(numbers, forms)} == {n: plural_form(language, n) for n in numbers}


def test_the_scripts_speak_the_pages_language(page: Page, german):
    words = catalogue("de")
    page.goto(german + TOPIC)
    expect(page.locator("[data-progress-text]")).to_have_text(words["topic.known"].format(known=0, total=15))
    page.locator("article.card").first.get_by_role("button", name=words["topic.got_it"]).click()
    expect(page.locator("[data-progress-text]")).to_have_text(words["scripts.study.known"].format(known=1, total=15))
    page.get_by_role("button", name=words["topic.study_mode"]).click()
    expect(page.locator("[data-action=reveal]").first).to_have_text(words["scripts.study.show"])
    expect(page.locator("[data-theme-toggle]")).to_have_attribute("aria-label", re.compile(
        "^(" + re.escape(words["scripts.theme.to_dark"]) + "|" + re.escape(words["scripts.theme.to_light"]) + ")$"))
    # Search says it in German too, with German plurals and the German names of kinds and difficulties.
    page.locator("#search-input").fill("gradient")
    status = page.locator("#search-status")
    expect(status).to_have_text(re.compile(r"\d"))
    said = {words["scripts.search.all"]["one" if n == 1 else "other"].format(count=n) for n in range(1, 21)}
    said |= {words["scripts.search.some"].format(shown=20, total=n) for n in range(21, 500)}
    assert status.text_content() in said
    chips = page.locator(".search-result .chip")
    assert set(chips.all_text_contents()) <= {words["difficulty.easy"], words["difficulty.medium"], words["difficulty.hard"]}
    page.locator("#search-input").fill("zzzqqq")
    expect(status).to_have_text(words["scripts.search.nothing"].format(query="zzzqqq"))
    # A date in the learner's calendar, in German.
    due = page.locator("article.card").first.locator("[data-due]")
    expect(due).to_have_text(words["scripts.due.later"]["other"].format(count=2))
    due.hover()
    assert re.search(r"(Montag|Dienstag|Mittwoch|Donnerstag|Freitag|Samstag|Sonntag)", due.get_attribute("title"))


def test_arabic_plurals_on_the_review_page(page: Page, arabic):
    words = catalogue("ar")
    page.goto(arabic + "review.html")
    summary = page.locator("[data-filter-summary]")
    expect(summary).to_have_text(words["scripts.review.all"])
    chosen = words["scripts.review.chosen"]
    said = {chosen[plural_form("ar", n)].format(count=n): n for n in range(0, 300)}
    for difficulty in ("hard", "medium"):
        page.locator(f"[data-filter-difficulty={difficulty}]").click()
        expect(summary).not_to_have_text(words["scripts.review.all"])
        assert summary.text_content() in said, summary.text_content()
    page.locator("[data-filter=topic]").select_option(TOPIC)
    assert said[summary.text_content()] == 9  # 7 medium and 2 hard: the "few" form
    assert plural_form("ar", 9) == "few"


@pytest.mark.parametrize("width", [390, 1280])
def test_arabic_pages_mirror(browser, arabic, width, tmp_path):
    context = browser.new_context(viewport={"width": width, "height": 844}, has_touch=width < 500, is_mobile=width < 500)
    page = context.new_page()
    page.goto(arabic + TOPIC)
    page.wait_for_load_state("load")
    assert page.evaluate("document.documentElement.dir") == "rtl"
    card = page.locator("article.card").first
    style = card.evaluate("el => [getComputedStyle(el).borderRightWidth, getComputedStyle(el).borderLeftWidth]")
    assert style == ["5px", "1px"], style  # the difficulty's colour on the reading side
    number, title = card.locator(".card__number").bounding_box(), card.locator(".card__question").bounding_box()
    assert number["x"] > title["x"], (number, title)  # the number first, on the right
    brand, toggle = page.locator(".brand").bounding_box(), page.locator("[data-theme-toggle]").bounding_box()
    assert brand["x"] > toggle["x"]
    pager = page.locator(".pager__link--next .pager__dir")
    if pager.count():
        assert pager.evaluate("el => getComputedStyle(el, '::after').content") == '" ←"'
    if width == 1280:
        crumbs = page.locator(".breadcrumb li").all()
        assert crumbs[0].bounding_box()["x"] > crumbs[1].bounding_box()["x"]  # Home on the right
        assert crumbs[1].evaluate("el => getComputedStyle(el, '::before').content") == '"‹"'
    else:
        badges = page.locator(".related__pages a").all()
        assert badges[0].bounding_box()["x"] > badges[-1].bounding_box()["x"]
    assert page.evaluate("document.documentElement.scrollWidth <= innerWidth")  # nothing sticks out sideways
    page.screenshot(path=str(tmp_path / f"arabic-{width}.png"), full_page=False)
    context.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axe_finds_nothing_in_arabic(page: Page, arabic, scheme):
    page.emulate_media(color_scheme=scheme)
    found = {}
    for path in PAGES:
        page.goto(arabic + path)
        page.wait_for_load_state("load")
        if found_here := violations(page):
            found[path] = found_here
    assert found == {}


@pytest.mark.parametrize("language", ["de", "es", "fr", "zh-Hans", "ar"])
def test_a_phone_page_holds_each_languages_longer_words(browser, sites, language):
    """The header keeps two rows, its links on one line (they scroll sideways rather than wrap), and no
    page is wider than the phone, however long the language's words."""
    base = sites(language)
    context = browser.new_context(viewport={"width": 390, "height": 844}, has_touch=True, is_mobile=True)
    page = context.new_page()
    for path in PAGES:
        page.goto(base + path)
        assert page.evaluate("document.documentElement.scrollWidth") <= 390, path
        assert page.locator(".site-header").bounding_box()["height"] < 110, path
        links = page.locator(".site-nav a").all()
        assert len({round(link.bounding_box()["y"]) for link in links}) == 1, path
        lines = page.evaluate("""() => [...document.querySelectorAll('.site-nav a')].map(a => {
          const range = document.createRange(); range.selectNodeContents(a);
          return new Set([...range.getClientRects()].map(r => Math.round(r.top))).size; })""")
        assert lines == [1] * len(links), (path, lines)  # one line each
    context.close()
