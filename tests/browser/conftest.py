"""Browser fixtures: Debian's Chromium driven by Playwright, the example site served under a sub-path."""

from __future__ import annotations

import functools
import os
import shutil
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
SUB_PATH = "/studysite-demo/"  # as on GitHub Pages, where a project site lives under /<repo>/


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """Launch Debian's Chromium: never a downloaded browser. Missing Chromium fails in CI."""
    if CHROMIUM is None:
        message = "Chromium is not installed (apt-get install chromium)"
        if os.environ.get("CI"):
            pytest.fail(message + ": CI must run the browser tests")
        pytest.skip(message)
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"],
    }


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def serve_folder(folder: Path):
    """Serve `folder` on 127.0.0.1 on a free port in a thread; returns (server, base URL)."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_QuietHandler, directory=str(folder)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


@pytest.fixture(scope="session")
def site_server(example_site, tmp_path_factory):
    """The example site served at http://127.0.0.1:PORT/studysite-demo/."""
    root = tmp_path_factory.mktemp("served")
    shutil.copytree(example_site, root / SUB_PATH.strip("/"))
    server, origin = serve_folder(root)
    yield origin + SUB_PATH
    server.shutdown()


@pytest.fixture(scope="session")
def base_url(site_server):
    return site_server


@pytest.fixture
def page(page):
    """Every browser test fails on a JavaScript error in the page."""
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    yield page
    assert errors == [], f"JavaScript errors: {errors}"
