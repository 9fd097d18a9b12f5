"""The dev server in a real browser: saves reload the open page, errors show there and go away."""

from __future__ import annotations

import re
import socket
import subprocess
import sys
import time

from playwright.sync_api import Page, expect

from conftest import REPO


def test_open_page_follows_saves_and_build_errors(page: Page, make_site):
    root = make_site()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen([sys.executable, str(REPO / "build.py"), "serve", "--root", str(root), "--port", str(port)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    topic = root / "content/nn/gradients.md"
    handshakes: list[str] = []  # livereload's "hello" back from the server: the browser is listening
    page.on("websocket", lambda ws: ws.on("framereceived", lambda frame: handshakes.append(str(frame))))
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                page.goto(f"http://127.0.0.1:{port}/nn/gradients.html")
                break
            except Exception:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
        expect(page.locator("script[src*='livereload.js']")).to_have_count(1)
        deadline = time.monotonic() + 10
        while not any("hello" in frame for frame in handshakes) and time.monotonic() < deadline:
            page.wait_for_timeout(50)
        assert handshakes, "livereload never connected"
        for word in ("first", "second"):  # two saves a second apart: both show
            topic.write_text(topic.read_text().replace("Gradients shrink", f"Gradients shrink ({word})"))
            expect(page.locator("body")).to_contain_text(f"({word})", timeout=5000)
            time.sleep(1)
        good = topic.read_text()
        topic.write_text(good.replace("[easy]", "[eazy]"))
        expect(page.get_by_role("heading", name="The site did not build")).to_be_visible(timeout=5000)
        expect(page.locator("#build-error")).to_contain_text(re.compile(r"gradients\.md:12: unknown difficulty 'eazy'"))
        topic.write_text(good)
        expect(page.locator("article.card").first).to_be_visible(timeout=5000)
        expect(page.locator("body")).to_contain_text("(second)")
    finally:
        server.terminate()
        server.wait(timeout=10)
