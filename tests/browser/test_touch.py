"""Touch screens (issue 17): on a phone every control is at least 44 x 44 px and no two overlap; a mouse
keeps the compact sizes."""

from __future__ import annotations

import pytest

PAGES = ["index.html", "neural-networks/index.html", "neural-networks/vanishing-gradients.html",
         "neural-networks/vanishing-gradients-mcq.html", "neural-networks/vanishing-gradients-tutorial.html",
         "checklist.html", "tags/index.html", "tags/resnet.html", "review.html", "studying.html", "404.html"]

# The controls a finger must hit: buttons, fields, summaries and links that stand alone. A link inside
# a sentence is exempt (WCAG 2.5.8's inline exception), and a topic card's title link is the whole card
# (its ::after covers it). A checkbox inside its label is hit through the label.
TARGETS = """() => {
  // A card off screen is not laid out (content-visibility: auto): each is measured as drawn on screen.
  document.head.insertAdjacentHTML('beforeend', '<style>.cards__item { content-visibility: visible !important; }</style>');
  const inSentence = el => el.tagName === 'A' && el.closest('p, td, th, dd, blockquote, .prose, .card__answer')
    && !el.closest('nav, .pager, .downloads');
  const found = [];
  for (let el of document.querySelectorAll('a[href], button, input, select, textarea, summary')) {
    if (el.matches('input[type=checkbox], input[type=radio]') && el.closest('label')) el = el.closest('label');
    const box = el.getBoundingClientRect();
    if (!box.width || !box.height || !el.checkVisibility({visibilityProperty: true})) continue;  // (a closed fold's too)
    if (inSentence(el) || el.closest('.visually-hidden') || el.matches('.skip-link, .topic-card__title a')) continue;
    const name = el.tagName.toLowerCase() + '.' + (String(el.className).split(' ')[0] || '') + ' "' +
      (el.textContent || el.value || el.getAttribute('aria-label') || '').trim().slice(0, 24) + '"';
    found.push({name, x: box.x + scrollX, y: box.y + scrollY, width: box.width, height: box.height, el});
  }
  const small = found.filter(t => t.width < 44 || t.height < 44).map(t => [t.name, Math.round(t.width), Math.round(t.height)]);
  const overlapping = [];
  for (let i = 0; i < found.length; i++) for (let j = i + 1; j < found.length; j++) {
    const a = found[i], b = found[j];
    if (a.el.contains(b.el) || b.el.contains(a.el)) continue;
    const dx = Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x);
    const dy = Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y);
    if (dx > 0.5 && dy > 0.5) overlapping.push([a.name, b.name, Math.round(dx), Math.round(dy)]);
  }
  return {count: found.length, small, overlapping};
}"""


@pytest.fixture(scope="module")
def phone(browser):
    context = browser.new_context(viewport={"width": 390, "height": 844}, has_touch=True, is_mobile=True)
    yield context
    context.close()


@pytest.mark.parametrize("path", PAGES)
def test_every_control_is_big_enough_for_a_finger_and_none_overlap(phone, base_url, path):
    page = phone.new_page()
    page.goto(base_url + path)
    page.wait_for_load_state("load")
    assert page.evaluate("matchMedia('(pointer: coarse)').matches")
    if path.endswith("vanishing-gradients.html"):  # the marks and the reveal too
        page.get_by_role("button", name="Study mode").click()
    if path == "index.html":  # the progress tools too
        page.get_by_text("Manage your progress").click()
    result = page.evaluate(TARGETS)
    assert result["count"] > 5, result
    assert result["small"] == [], f"under 44 x 44 px on {path}"
    assert result["overlapping"] == [], f"overlapping targets on {path}"
    page.close()


def test_a_mouse_keeps_the_compact_controls(page, base_url):
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(base_url + "neural-networks/vanishing-gradients.html")
    assert not page.evaluate("matchMedia('(pointer: coarse)').matches")
    height = page.locator(".filter-chip").first.bounding_box()["height"]
    assert height < 40, height  # the 44 px floor is for touch only


def test_a_code_block_keeps_its_height_when_its_copy_button_comes(phone, base_url):
    # code.js shows each block's copy button once wired; on a touch screen the button is 44 px tall,
    # and the bar is that tall from the first paint, so nothing below it moves (Lighthouse saw a shift).
    page = phone.new_page()
    page.goto(base_url + "neural-networks/vanishing-gradients-tutorial.html")
    bars = page.locator(".code__bar")
    assert bars.count() > 0
    wired = bars.evaluate_all("bars => bars.map(b => b.getBoundingClientRect().height)")
    bars.evaluate_all("bars => bars.forEach(b => b.querySelector('.code__copy').hidden = true)")
    assert bars.evaluate_all("bars => bars.map(b => b.getBoundingClientRect().height)") == wired
