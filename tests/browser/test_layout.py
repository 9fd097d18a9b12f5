"""Phone-first pages and a still first paint (issue 17): on a 390 x 844 phone the first question is on
the first screen, the header keeps search and the theme toggle in view, and no page moves when its
scripts draw their controls or the learner's saved progress (checked with the scripts held back until
after the first paint, where a fast machine would otherwise hide the shift)."""

from __future__ import annotations

import functools
import re
import shutil
import time

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import SUB_PATH, _QuietHandler, serve_folder

TOPIC = "neural-networks/vanishing-gradients.html"
QUIZ = "neural-networks/vanishing-gradients-mcq.html"
PAGES = ["index.html", "neural-networks/index.html", TOPIC, QUIZ, "neural-networks/vanishing-gradients-tutorial.html",
         "checklist.html", "tags/index.html", "tags/resnet.html", "review.html", "studying.html", "404.html"]
PHONE = {"viewport": {"width": 390, "height": 844}, "has_touch": True, "is_mobile": True}
DESKTOP = {"viewport": {"width": 1280, "height": 900}}


@pytest.fixture(scope="module")
def phone(browser):
    context = browser.new_context(**PHONE)
    yield context
    context.close()


def first_card_top(page) -> float:
    return page.evaluate("document.querySelector('.cards article').getBoundingClientRect().top")


@pytest.mark.parametrize("path", [TOPIC, QUIZ])
@pytest.mark.parametrize("screen", ["phone", "desktop"])
def test_the_first_question_is_on_the_first_screen(browser, base_url, path, screen):
    context = browser.new_context(**(PHONE if screen == "phone" else DESKTOP))
    page = context.new_page()
    page.goto(base_url + path)
    page.wait_for_load_state("load")
    height = page.viewport_size["height"]
    top = first_card_top(page)
    # Its number and the start of its question show, not just the top border.
    title = page.locator(".cards article .card__question").first.bounding_box()
    assert top < height - 60 and title["y"] + 20 < height, (top, title)
    context.close()


def test_the_home_page_shows_a_topic_on_a_phones_first_screen(phone, base_url):
    # The progress panel keeps its count in view and folds its tools; warnings unfold it (below).
    page = phone.new_page()
    page.goto(base_url + "index.html")
    page.evaluate("studysite.ready")
    assert page.locator(".topic-card").first.bounding_box()["y"] < 844
    tools = page.get_by_role("button", name="Export progress")
    expect(tools).to_be_hidden()
    expect(page.locator("[data-overall-progress]")).to_be_visible()
    page.get_by_text("Manage your progress").click()
    expect(tools).to_be_visible()
    expect(page.locator("[data-storage-status]")).to_contain_text("saved in this browser")
    page.close()


def test_the_home_page_unfolds_its_warning_when_nothing_can_be_saved(browser, base_url):
    context = browser.new_context(**PHONE)
    context.add_init_script("Object.defineProperty(window, 'localStorage', {get() { throw new DOMException('denied', 'SecurityError'); }});")
    page = context.new_page()
    page.goto(base_url + "index.html")
    page.evaluate("studysite.ready")
    expect(page.locator("[data-storage-status]")).to_be_visible()
    expect(page.locator("[data-storage-status]")).to_contain_text("does not let the site save anything")
    context.close()


def test_a_phone_breadcrumb_keeps_its_links_and_the_current_page_on_one_line(phone, base_url):
    # Its links are 44 px tall on a touch screen; the current page's plain text stays level with them.
    page = phone.new_page()
    page.goto(base_url + "tags/resnet.html")
    middles = page.evaluate("""() => [...document.querySelectorAll('.breadcrumb li')].map(item => {
      const range = document.createRange(); range.selectNodeContents(item);
      const box = range.getBoundingClientRect(); return box.top + box.height / 2; })""")
    page.close()
    assert len(middles) == 3 and max(middles) - min(middles) < 2, middles


def test_the_phone_header_keeps_search_and_the_theme_toggle_in_view(phone, base_url):
    page = phone.new_page()
    page.goto(base_url + TOPIC)
    page.wait_for_load_state("load")
    header = page.locator(".site-header").bounding_box()
    assert header["height"] < 110, header  # two compact rows: the site's name and links, then search
    page.mouse.wheel(0, 2500)
    page.wait_for_function("scrollY > 2000")
    search, toggle = page.locator("#search-input").bounding_box(), page.locator("[data-theme-toggle]").bounding_box()
    assert 0 <= search["y"] < 20 and 0 <= toggle["y"] < 20, (search, toggle)
    assert page.locator(".site-nav").bounding_box()["y"] < 0  # the top row has scrolled away
    # A linked question lands below the header, not under it.
    page.goto(base_url + TOPIC + "#" + page.locator(".cards article").nth(5).get_attribute("id"))
    page.wait_for_timeout(300)
    card = page.locator(".cards article").nth(5).bounding_box()
    assert card["y"] >= page.locator(".site-header").bounding_box()["y"] + page.locator(".site-header").bounding_box()["height"] - 1
    page.close()


def test_a_phone_has_the_related_pages_and_the_category_in_one_row_each(phone, base_url):
    page = phone.new_page()
    page.goto(base_url + TOPIC)
    expect(page.locator(".breadcrumb")).to_be_hidden()
    assert page.locator(".related__text").bounding_box()["width"] <= 1  # read out, not drawn
    badges = page.get_by_role("list", name="Pages on Vanishing & Exploding Gradients").get_by_role("link")
    expect(badges).to_have_text(["Tutorial", "Quiz", "Q&A"])
    expect(badges.nth(2)).to_have_attribute("aria-current", "page")
    category = page.locator(".eyebrow").get_by_role("link", name="Neural Networks")
    expect(category).to_be_visible()
    boxes = [page.locator(".eyebrow > :visible").nth(i).bounding_box() for i in range(page.locator(".eyebrow > :visible").count())]
    assert len({round(box["y"] + box["height"] / 2) for box in boxes}) == 1, boxes  # one line
    category.click()
    expect(page).to_have_url(base_url + "neural-networks/index.html")
    page.close()


def test_a_desktop_keeps_the_breadcrumb_and_the_related_sentence(page, base_url):
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(base_url + TOPIC)
    expect(page.locator(".breadcrumb")).to_be_visible()
    expect(page.locator(".related__text")).to_contain_text("prepare interviews through")
    expect(page.locator(".related__pages")).to_be_hidden()
    expect(page.locator(".intro__text")).to_be_visible()
    expect(page.locator("[data-action=more-intro]")).to_be_hidden()


def test_a_long_introduction_folds_on_a_phone_and_unfolds(phone, base_url):
    page = phone.new_page()
    page.goto(base_url + TOPIC)
    page.wait_for_load_state("load")
    text = page.locator(".intro__text")
    folded = text.bounding_box()["height"]
    more = page.get_by_role("button", name="Read more")
    expect(more).to_have_attribute("aria-expanded", "false")
    more.click()
    unfolded = text.bounding_box()["height"]
    assert unfolded > folded + 20, (folded, unfolded)
    less = page.get_by_role("button", name="Show less")
    expect(less).to_have_attribute("aria-expanded", "true")
    # Unfolded, the button sits below the text instead of over its last line.
    assert less.bounding_box()["y"] >= text.bounding_box()["y"] + unfolded - 1
    page.close()


def test_a_short_introduction_has_no_fold(phone, base_url):
    page = phone.new_page()
    page.goto(base_url + TOPIC)
    page.wait_for_load_state("load")
    # The same page with a one-line introduction, wired again as after a rebuild.
    page.evaluate("""() => {
      const box = document.querySelector('[data-intro]');
      box.classList.add('is-clamped');
      box.querySelector('.intro__text').innerHTML = '<p>One short line.</p>';
      box.querySelector('[data-action=more-intro]').hidden = false;
      document.dispatchEvent(new CustomEvent('studysite:swap', {detail: {previous: document.body}}));
    }""")
    expect(page.locator("[data-action=more-intro]")).to_be_hidden()
    assert page.locator("[data-intro]").get_attribute("class") == "intro"
    page.close()


def test_without_scripts_nothing_that_needs_one_is_drawn(browser, base_url):
    context = browser.new_context(java_script_enabled=False, **PHONE)
    page = context.new_page()
    page.goto(base_url + TOPIC)
    for selector in ("[data-search]", "[data-theme-toggle]", "[data-study-bar]", "[data-marks]", "[data-action=more-intro]"):
        expect(page.locator(selector).first).to_be_hidden()
    expect(page.locator(".intro__text")).to_contain_text("Backpropagation multiplies")
    assert page.locator(".intro__text").bounding_box()["height"] > 60  # not folded: nothing could unfold it
    page.goto(base_url + "review.html")
    expect(page.locator("[data-review-needs-script]")).to_be_visible()
    context.close()


# ---- No layout shift ----

class _SlowScripts(_QuietHandler):
    """Holds every script back, so the first paint comes before any of them runs."""

    def do_GET(self):
        if self.path.split("?")[0].endswith(".js"):
            time.sleep(0.4)
        return super().do_GET()


@pytest.fixture(scope="module")
def slow_site(example_site, tmp_path_factory):
    root = tmp_path_factory.mktemp("slow")
    shutil.copytree(example_site, root / SUB_PATH.strip("/"))
    from http.server import ThreadingHTTPServer
    import threading
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_SlowScripts, directory=str(root)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}{SUB_PATH}"
    server.shutdown()


SHIFTS = """() => new Promise(done => {
  const shifts = [];
  new PerformanceObserver(list => {
    for (const entry of list.getEntries()) if (!entry.hadRecentInput) shifts.push([entry.value,
      entry.sources.map(s => s.node ? (s.node.className || s.node.nodeName) + '' : '?').join(', ')]);
  }).observe({type: 'layout-shift', buffered: true});
  // Long enough for every script, the review index and the learner's data to be drawn.
  setTimeout(() => done(shifts), 1500);
})"""


def save_some_progress(page, base):
    page.goto(base + TOPIC)
    marks = page.locator("[data-action=known]")
    for i in range(3):
        marks.nth(i).click()
    page.locator("[data-action=review]").nth(4).click()
    page.goto(base + "checklist.html")
    boxes = page.locator(".check__box")
    boxes.nth(0).check()
    boxes.nth(1).check()
    page.goto(base + QUIZ)
    page.locator("[data-option]").first.click()
    expect(page.locator("[data-quiz-score]")).to_contain_text("1 answered")


@pytest.mark.parametrize("saved", [False, True], ids=["first-visit", "saved-progress"])
@pytest.mark.parametrize("screen", ["phone", "desktop"])
def test_no_page_moves_while_its_scripts_and_saved_progress_are_drawn(browser, slow_site, screen, saved):
    context = browser.new_context(**(PHONE if screen == "phone" else DESKTOP))
    page = context.new_page()
    if saved:
        save_some_progress(page, slow_site)
    moved = {}
    for path in PAGES:
        page.goto(slow_site + path)
        shifts = page.evaluate(SHIFTS)
        if sum(value for value, _ in shifts) > 0.0005:
            moved[path] = shifts
    context.close()
    assert moved == {}


# Chromium starts a card with `content-visibility: auto` skipped and, finding it on screen, styles and lays
# out the page a second time before its first paint: what a phone's first screen shows must not be one.
SKIPPED_CARDS_SHOWN = """
window.cardsShown = [];
document.addEventListener("contentvisibilityautostatechange", event => {
  if (!event.skipped && event.target.matches(".cards__item"))
    window.cardsShown.push([event.target.querySelector("article").id, event.target.getBoundingClientRect().top]);
}, true);
"""


@pytest.mark.parametrize("path", [TOPIC, QUIZ])
@pytest.mark.parametrize("screen", ["phone", "desktop"])
def test_the_cards_on_the_first_screen_are_laid_out_once(browser, base_url, path, screen):
    context = browser.new_context(**(PHONE if screen == "phone" else DESKTOP))
    page = context.new_page()
    page.add_init_script(SKIPPED_CARDS_SHOWN)
    page.goto(base_url + path)
    page.evaluate("new Promise(r => requestAnimationFrame(() => setTimeout(r)))")
    height = page.viewport_size["height"]
    assert page.locator(".cards__item").count() > 3
    on_first_screen = [card for card, top in page.evaluate("window.cardsShown") if top < height]
    context.close()
    assert on_first_screen == []


# The fonts a page's text is set in, one per family, size, weight and style: each is a font the browser
# sets up in the first layout (style.css: "One type scale").
FONTS_IN_USE = """() => {
  const fonts = new Set();
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const element = walker.currentNode.parentElement;
    if (!walker.currentNode.data.trim() || !element.checkVisibility()) continue;
    const style = getComputedStyle(element);
    fonts.add([style.fontFamily.split(",")[0], style.fontSize, style.fontWeight, style.fontStyle].join(" "));
  }
  return [...fonts].sort();
}"""


@pytest.mark.parametrize("path", PAGES)
@pytest.mark.parametrize("screen", ["phone", "desktop"])
def test_every_page_sets_its_text_in_few_fonts(browser, base_url, path, screen):
    # A topic page in 32 fonts spent half its first layout setting them up; the type scale keeps any
    # page to a handful of sizes in three weights, plus code's own (the quiz, with the most, uses 16).
    context = browser.new_context(**(PHONE if screen == "phone" else DESKTOP))
    page = context.new_page()
    page.goto(base_url + path)
    page.wait_for_function("window.studysite")  # (the 404 page adds its scripts once it finds the root)
    page.evaluate("studysite.ready")
    fonts = page.evaluate(FONTS_IN_USE)
    context.close()
    assert len(fonts) <= 18, fonts


# Every change a page's scripts make to its question cards while it starts: each one costs a phone a
# restyle of the card and its share of a layout before the page answers a tap (Lighthouse's TBT).
CARD_CHANGES = """
window.cardChanges = [];
document.addEventListener("DOMContentLoaded", () => {  // (before core.js's listener: after the parser's own insertions)
  new MutationObserver(list => list.forEach(m => {
    const el = m.target.nodeType === 1 ? m.target : m.target.parentElement;
    if (el && el.closest(".cards")) window.cardChanges.push([m.type, m.attributeName, String(el.className).split(" ")[0]]);
  })).observe(document, {subtree: true, attributes: true, childList: true, characterData: true});
});
"""


def test_a_first_visit_starts_without_rewriting_the_cards(page, base_url):
    # The cards are drawn as a first visit shows them (no marks, no filter, answers shown). What changes:
    # - the sticky bar's height on the list, measured once laid out (style);
    # - a code block's copy button, which gets its words from the page's language (an answer's HTML is
    #   the same in every language);
    # - on a quiz, what only scripts need: options that answer a click, answers that wait for one.
    page.add_init_script(CARD_CHANGES)
    settled = "studysite.ready.then(() => new Promise(r => requestAnimationFrame(() => setTimeout(r))))"
    page.goto(base_url + TOPIC)
    page.evaluate(settled)
    copy = {("attributes", "aria-label", "code__copy"), ("childList", None, "code__copy"), ("attributes", "hidden", "code__copy")}
    assert {tuple(change) for change in page.evaluate("window.cardChanges")} == {("attributes", "style", "cards")} | copy
    page.goto(base_url + QUIZ)
    page.evaluate(settled)
    changes = {tuple(change) for change in page.evaluate("window.cardChanges")}
    assert changes - copy == {("attributes", "style", "cards"), ("attributes", "disabled", "option"),
                              ("attributes", "hidden", "quiz-answer"), ("attributes", "hidden", "btn")}  # (btn: "Check")


# Three features that each keep the page busy for 6 ms, registered before the theme's own (as core.js
# defines `studysite`): each records which task wired it.
BUSY_FEATURES = """
window.wiredIn = []; window.task = 0;
// (a listener on window runs after every one on document: core's included)
window.addEventListener("DOMContentLoaded", () => { window.wiredByDOMContentLoaded = window.wiredIn.length; });
let counted = false;
function taskNumber() {
  // The same number until the running task ends (its microtasks run before the next task).
  if (!counted) { counted = true; queueMicrotask(() => { window.task += 1; counted = false; }); }
  return window.task;
}
Object.defineProperty(window, "studysite", {configurable: true, set(core) {
  Object.defineProperty(window, "studysite", {value: core, writable: true, configurable: true});
  core.ready.then(() => { window.wiredWhenReady = window.wiredIn.length; });  // (as a script before DOMContentLoaded may)
  ["first", "second", "third"].forEach(name => core.feature(name, () => {
    for (const began = performance.now(); performance.now() - began < 6;) {}
    window.wiredIn.push([name, taskNumber()]);
    // A key pressed before the next task (as a learner may): what is wired when its listeners run.
    if (name === "first" && window.pressEarly) setTimeout(() => {
      window.dispatchEvent(new KeyboardEvent("keydown", {key: "x"}));
      window.wiredAtKey = window.wiredIn.map(([name]) => name);
    });
  }));
}});
"""


def test_features_are_wired_in_order_a_few_at_a_time(page, base_url):
    # A phone answers a tap between two tasks: all features wired in one kept it busy for up to 100 ms.
    page.add_init_script(BUSY_FEATURES)
    page.goto(base_url + TOPIC)
    page.wait_for_function("window.wiredIn.length === 3")
    wired = page.evaluate("window.wiredIn")
    assert [name for name, _ in wired] == ["first", "second", "third"]
    assert len({task for _, task in wired}) == 3, wired
    # Not even the first in the task that ends the parse, which runs the scripts and a forced layout.
    assert page.evaluate("window.wiredByDOMContentLoaded") == 0
    expect(page.locator("[data-theme-toggle]")).to_be_visible()  # (the theme's features were wired too)
    assert page.evaluate("studysite.ready.then(() => window.wiredWhenReady)") == 3


def test_a_link_to_a_card_wires_every_feature_at_once(page, base_url):
    # The browser scrolls to the card as the page loads: below the sticky bar, which a feature measures.
    page.add_init_script(BUSY_FEATURES)
    page.goto(base_url + TOPIC + "#q-what-is-the-vanishing-gradient-problem")
    page.wait_for_function("window.wiredIn.length === 3")
    assert len({task for _, task in page.evaluate("window.wiredIn")}) == 1
    assert page.evaluate("window.wiredByDOMContentLoaded") == 3


def test_input_before_every_feature_is_wired_wires_the_rest_first(page, base_url):
    # ... so that the page answers it in full: a tap or key is never lost to a feature not yet wired.
    page.add_init_script("window.pressEarly = true;" + BUSY_FEATURES)
    page.goto(base_url + TOPIC)
    page.wait_for_function("window.wiredAtKey")
    assert page.evaluate("window.wiredAtKey") == ["first", "second", "third"]


def test_the_404_page_has_working_search_and_theme_toggle(page, base_url):
    """GitHub Pages serves 404.html at any missing address: its scripts come from the root it finds."""
    html = page.request.get(base_url + "404.html").text()
    page.route("**/gone/deeper/page.html", lambda route: route.fulfill(status=404, body=html, content_type="text/html"))
    page.goto(base_url + "gone/deeper/page.html")
    page.wait_for_function("document.querySelector('[data-theme-toggle]').title")  # (theme.js has wired it)
    page.locator("#search-input").fill("vanishing")
    result = page.locator(".search-result").first
    expect(result).to_be_visible()
    result.click()
    expect(page).to_have_url(re.compile(re.escape(base_url) + r"neural-networks/vanishing-gradients[\w-]*\.html"))  # from the root
    page.go_back()
    toggle = page.locator("[data-theme-toggle]")
    before = page.evaluate("document.documentElement.dataset.theme || ''")
    toggle.click()
    assert page.evaluate("document.documentElement.dataset.theme") not in ("", before)


def test_words_typed_on_the_404_page_before_its_scripts_come_are_searched(page, base_url):
    html = page.request.get(base_url + "404.html").text()
    page.route("**/gone/page.html", lambda route: route.fulfill(status=404, body=html, content_type="text/html"))
    held = []
    page.route("**/static/studysite.js*", lambda route: held.append(route))  # held until the words are typed
    page.goto(base_url + "gone/page.html", wait_until="domcontentloaded")
    page.wait_for_function("document.documentElement.classList.contains('js')")
    page.locator("#search-input").fill("vanishing")
    page.wait_for_timeout(300)
    assert len(held) == 1 and page.locator(".search-result").count() == 0
    held[0].continue_()
    expect(page.locator(".search-result").first).to_be_visible()
    expect(page.locator("#search-input")).to_be_focused()


def test_a_404_page_that_finds_no_root_shows_no_dead_controls(page, base_url, tmp_path):
    """Served where the site's files are not (no stylesheet in any folder above it): search and the
    theme toggle stay out instead of showing controls that do nothing."""
    html = page.request.get(base_url + "404.html").text()
    (tmp_path / "empty").mkdir()
    server, origin = serve_folder(tmp_path / "empty")
    try:
        page.route("**/somewhere/page.html", lambda route: route.fulfill(status=404, body=html, content_type="text/html"))
        page.goto(origin + "/somewhere/page.html")
        page.wait_for_function("!document.documentElement.classList.contains('js')")
        expect(page.locator("[data-search]")).to_be_hidden()
        expect(page.locator("[data-theme-toggle]")).to_be_hidden()
    finally:
        server.shutdown()
