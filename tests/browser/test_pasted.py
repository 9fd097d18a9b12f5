"""Pasted content in Chromium: broken HTML stays in its card, GitHub-shaped Markdown reads right on a phone."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from conftest import run_cli
from tests.browser.conftest import serve_folder

BROKEN = ["A stray </div></div> and </li></ol></main>.", "An <b>unclosed bold and <i>italic.",
          "<div class=\"x\">\n\nOpened, never closed.", "<ul><li>one<li>two", "<h2>from broken JSX",
          "<a title=\"unfinished", "<!-- never closed", "<table><tr><td>cell"]

PASTED = """---
title: Pasted from GitHub
language: ar
---

## ما هو الناتج؟ [easy]

<div dir="rtl">

الكود التالي يطبع **واحد**:

```jsx harmony
function App() { return <h1>{message}</h1>; }
```

</div>

## A long link? [medium]

See https://example.com/a/very/long/path/that/goes/on/and/on/and/on/and/on/and/on/and/on/index.html?query=string for
`a_very_long_inline_code_identifier_that_would_not_fit_on_a_phone_screen_at_all` and more.

## Steps? [hard]

Categorical features can be encoded:
- One-hot encoding
- Label encoding

<details>
<summary>Show code</summary>

```python
print("hidden until opened")
```

</details>
"""


@pytest.fixture(scope="module")
def pasted_site(tmp_path_factory):
    root = tmp_path_factory.mktemp("pasted")
    body = "".join(f"## Broken {n}? [easy]\n\n{answer}\n\n" for n, answer in enumerate(BROKEN))
    files = {"content/nn/broken.md": f"---\ntitle: Broken\n---\n\n{body}## Last one? [hard]\n\nStill a card.\n",
             "content/nn/pasted.md": PASTED}
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    assert run_cli(root, "build") == 0
    server, origin = serve_folder(root / "_site")
    yield origin + "/"
    server.shutdown()


def test_broken_html_in_one_answer_leaves_every_card_in_the_list_and_the_script_running(page: Page, pasted_site):
    page.goto(pasted_site + "nn/broken.html")
    cards = page.locator("ol.cards > li.cards__item > article.card")
    expect(cards).to_have_count(len(BROKEN) + 1)
    # The last card is still a card of the list, after every broken one, and not bold or a link.
    last = cards.last
    expect(last.locator("h2")).to_contain_text("Last one?")
    assert last.evaluate("a => getComputedStyle(a.querySelector('.card__answer p:not(.answer-label)')).fontWeight") == "400"
    assert last.evaluate("a => a.closest('a') === null && a.closest('ol.cards') !== null")
    # The page script runs: study mode hides the answers and reveals them one card at a time.
    page.get_by_role("button", name="Study mode").click()
    expect(last.locator(".card__answer")).to_be_hidden()
    last.get_by_role("button", name="Show answer").click()
    expect(last.locator(".card__answer")).to_be_visible()
    # The page's own furniture after the cards survived: the footer is outside every card.
    assert page.evaluate("document.querySelector('footer') !== null && "
                         "document.querySelector('footer').closest('article') === null")


def test_pasted_github_markdown_reads_right_on_a_phone(page: Page, pasted_site):
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(pasted_site + "nn/pasted.html")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    # The JSX stays code, with its language; the right-to-left block reads right to left.
    code = page.locator(".code[data-lang='jsx']")
    expect(code).to_contain_text("<h1>{message}</h1>")
    assert page.locator("div[dir='rtl']").evaluate("d => getComputedStyle(d).direction") == "rtl"
    # The page is Arabic: it reads right to left, and each card's colored border is on its right.
    assert page.evaluate("document.documentElement.dir") == "rtl"
    border = page.locator("article.card").first.evaluate(
        "a => [getComputedStyle(a).borderRightWidth, getComputedStyle(a).borderLeftWidth]")
    assert border == ["5px", "1px"]
    # The bare link is a link; the list under the paragraph line is a list; details hold Markdown.
    expect(page.get_by_role("link", name="https://example.com/a/very/long/path", exact=False)).to_have_count(1)
    expect(page.locator("article").nth(2).locator("ul > li")).to_have_count(2)
    page.get_by_text("Show code").click()
    expect(page.locator("details .code[data-lang='python']")).to_be_visible()
