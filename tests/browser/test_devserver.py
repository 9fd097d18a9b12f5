"""The dev server in a real browser: saves update the open page in place, errors show there and go away."""

from __future__ import annotations

import re
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

from playwright.sync_api import Page, expect

from conftest import REPO, free_port, wait_for, write_files

SECOND_TOPIC = "---\ntitle: Other\n---\n\n## Is this another page? [easy]\n\nIt stays put.\n"
LONG_ANSWER = "\n\n".join(f"Paragraph {i} of a long answer, to make the page scroll." for i in range(60))


@contextmanager
def dev_server(root: Path):
    port = free_port()
    server = subprocess.Popen([sys.executable, str(REPO / "build.py"), "serve", "--root", str(root), "--port", str(port)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.terminate()
        server.wait(timeout=10)


def open_live(page: Page, url: str) -> None:
    """Open `url` once the server answers, and wait until livereload's handshake says it listens."""
    handshakes: list[str] = []
    page.on("websocket", lambda ws: ws.on("framereceived", lambda frame: handshakes.append(str(frame))))
    wait_for(lambda: urllib.request.urlopen(url, timeout=5).status == 200, seconds=20)
    page.goto(url)
    expect(page.locator("script[src*='livereload.js']")).to_have_count(1)
    deadline = time.monotonic() + 10
    while not any("hello" in frame for frame in handshakes) and time.monotonic() < deadline:
        page.wait_for_timeout(50)
    assert handshakes, "livereload never connected"


def replace_in(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new))


def test_a_save_updates_the_open_page_in_place(page: Page, make_site):
    root = make_site({"content/nn/long.md": "---\ntitle: Long\n---\n\n## Long? [easy]\n\n" + LONG_ANSWER + "\n"})
    topic = root / "content/nn/long.md"
    with dev_server(root) as origin:
        open_live(page, f"{origin}/nn/long.html")
        page.evaluate("window.notReloaded = true; window.scrollTo(0, 600)")
        for word in ("first", "second"):  # two saves a second apart: both show
            replace_in(topic, "Paragraph 59", f"Paragraph 59 ({word})")
            expect(page.locator("main")).to_contain_text(f"({word})", timeout=5000)
            time.sleep(1)
        assert page.evaluate("window.notReloaded") is True, "the page was reloaded, not updated in place"
        assert abs(page.evaluate("window.scrollY") - 600) < 5, "the reader lost their place"
        # The controls of the new body work, once each: 's' toggles study mode exactly once.
        page.keyboard.press("s")
        expect(page.get_by_role("button", name="Study mode")).to_have_attribute("aria-pressed", "true")
        page.get_by_role("button", name="Show answer").click()
        replace_in(topic, "Paragraph 58", "Paragraph 58 (third)")
        expect(page.locator("main")).to_contain_text("(third)", timeout=5000)
        # Still studying (the URL says so), and the answer that was showing still shows.
        expect(page.get_by_role("button", name="Hide answer")).to_be_visible()
        expect(page.get_by_text("Paragraph 58 (third)")).to_be_visible()
        assert page.evaluate("window.notReloaded") is True


def test_search_after_an_update_finds_the_new_text(page: Page, make_site):
    root = make_site()
    with dev_server(root) as origin:
        open_live(page, f"{origin}/nn/gradients.html")
        search = page.get_by_role("searchbox", name="Search questions")
        search.fill("exploding")
        expect(page.locator("#search-results li")).to_have_count(1)  # the index is loaded now
        page.evaluate("window.notReloaded = true")
        replace_in(root / "content/nn/gradients.md", "## What are exploding", "## What are zebra-striped exploding")
        expect(page.locator("main")).to_contain_text("zebra-striped", timeout=5000)
        search.fill("zebra")
        expect(page.locator("#search-results li")).to_have_count(1)
        assert page.evaluate("window.notReloaded") is True


def test_pages_the_save_did_not_change_stay_as_they_are(page: Page, make_site):
    root = make_site({"content/opt/other.md": SECOND_TOPIC})
    with dev_server(root) as origin:
        other = page.context.new_page()
        open_live(other, f"{origin}/opt/other.html")
        open_live(page, f"{origin}/nn/gradients.html")
        search = other.get_by_role("searchbox", name="Search questions")
        search.fill("exploding")
        expect(other.locator("#search-results li")).to_have_count(1)  # this page has the index now
        other.evaluate("window.notReloaded = true")
        requests: list[str] = []
        other.on("request", lambda request: requests.append(request.url))
        replace_in(root / "content/nn/gradients.md", "## What are exploding", "## What are zebra-striped exploding")
        expect(page.locator("main")).to_contain_text("zebra-striped", timeout=5000)
        page.wait_for_timeout(500)
        assert other.evaluate("window.notReloaded") is True
        assert requests == []  # not reloaded, nothing fetched
        search.fill("zebra")  # but its search reads the rebuilt index
        expect(other.locator("#search-results li")).to_have_count(1)


def test_a_stylesheet_save_reloads_the_page(page: Page, make_site):
    root = make_site()
    for folder in ("templates", "static"):
        subprocess.run(["cp", "-r", str(REPO / folder), str(root / folder)], check=True)
    with dev_server(root) as origin:
        open_live(page, f"{origin}/nn/gradients.html")
        page.evaluate("window.notReloaded = true")
        write_files(root, {"static/style.css": (root / "static/style.css").read_text() + "\nmain { outline: 7px solid red; }\n"})
        expect(page.locator("main")).to_have_css("outline-width", "7px", timeout=5000)
        assert page.evaluate("window.notReloaded === undefined")


def test_build_errors_show_in_the_page_and_go_away(page: Page, make_site):
    root = make_site()
    topic = root / "content/nn/gradients.md"
    with dev_server(root) as origin:
        open_live(page, f"{origin}/nn/gradients.html")
        good = topic.read_text()
        topic.write_text(good.replace("[easy]", "[eazy]"))
        expect(page.get_by_role("heading", name="The site did not build")).to_be_visible(timeout=5000)
        expect(page.locator("#build-error")).to_contain_text(re.compile(r"gradients\.md:12: unknown difficulty 'eazy'"))
        topic.write_text(good.replace("Gradients shrink", "Gradients shrink (fixed)"))
        expect(page.locator("article.card").first).to_be_visible(timeout=5000)
        expect(page.locator("main")).to_contain_text("(fixed)")


def test_recovering_from_a_build_error_keeps_the_readers_place(page: Page, make_site):
    root = make_site({"content/nn/long.md": "---\ntitle: Long\n---\n\n## Long? [easy]\n\n" + LONG_ANSWER + "\n"})
    topic = root / "content/nn/long.md"
    with dev_server(root) as origin:
        open_live(page, f"{origin}/nn/long.html")
        page.evaluate("window.scrollTo(0, 900)")
        good = topic.read_text()
        topic.write_text(good.replace("[easy]", "[eazy]"))
        expect(page.get_by_role("heading", name="The site did not build")).to_be_visible(timeout=5000)
        topic.write_text(good.replace("Paragraph 59", "Paragraph 59 (fixed)"))
        expect(page.locator("main")).to_contain_text("(fixed)", timeout=5000)
        page.wait_for_function("window.scrollY > 0", timeout=5000)
        assert abs(page.evaluate("window.scrollY") - 900) < 5, "the reader lost their place"


def test_a_save_made_before_the_live_connection_is_up_still_shows(page: Page, make_site):
    root = make_site()
    topic = root / "content/nn/gradients.md"
    with dev_server(root) as origin:
        wait_for(lambda: urllib.request.urlopen(f"{origin}/nn/gradients.html", timeout=5).status == 200, seconds=20)
        held: list = []
        # Hold livereload.js back until the save below is built: the page connects only afterwards.
        page.route("**/livereload.js*", lambda route: held.append(route))
        page.goto(f"{origin}/nn/gradients.html", wait_until="domcontentloaded")
        wait_for(lambda: held, seconds=10)
        topic.write_text(topic.read_text().replace("Gradients shrink", "Gradients shrink (saved early)"))
        wait_for(lambda: "(saved early)" in urllib.request.urlopen(f"{origin}/nn/gradients.html", timeout=5).read().decode())
        assert "(saved early)" not in page.locator("main").inner_text()
        held[0].continue_()
        expect(page.locator("main")).to_contain_text("(saved early)", timeout=15000)
