"""Rich answers in Chromium: formulas lay out as math, code copies, images load."""

from __future__ import annotations

from playwright.sync_api import Page, expect

RICH = "neural-networks/backpropagation.html"


def test_math_renders_with_layout(page: Page, base_url):
    page.goto(base_url + RICH)
    display = page.locator('math[display="block"]').first
    inline = page.locator('math[display="inline"]').first
    expect(display).to_be_visible()
    # A fraction laid out as MathML is taller than a line of text; unrendered markup would be flat or empty.
    assert display.bounding_box()["height"] > 30
    assert inline.bounding_box()["height"] > 10
    fraction = page.locator("mfrac").first.bounding_box()
    assert fraction["height"] > fraction["width"] / 4


def test_copy_button_copies_the_code(page: Page, base_url):
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.goto(base_url + RICH)
    block = page.locator(".code").filter(has=page.locator(".code__lang", has_text="Python")).first
    button = block.get_by_role("button", name="Copy code")
    button.click()
    expect(button).to_have_text("Copied")
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied == block.locator("pre").inner_text().rstrip("\n")
    assert copied.startswith("# Forward and backward pass")


def test_image_beside_content_loads(page: Page, base_url):
    page.goto(base_url + RICH)
    image = page.get_by_role("img", name="Computation graph of a two-layer network with forward values and backward gradients")
    image.scroll_into_view_if_needed()
    expect(image).to_have_js_property("complete", True)
    assert image.evaluate("img => img.naturalWidth") == 640
