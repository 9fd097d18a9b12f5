"""The dev server as its user meets it: every save shows, bursts build once, errors show, nothing leaks."""

from __future__ import annotations

import http.client
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path


from conftest import REPO, free_port, wait_for
from studysite.server import EVERYTHING, PAGES_PREFIX, reload_path

PAGE = "/nn/gradients.html"




def get(port: int, path: str) -> tuple[int, str]:
    """A raw GET, so paths like '/../x' reach the server unnormalised."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    connection.request("GET", path)
    response = connection.getresponse()
    body = response.read().decode("utf-8", "replace")
    connection.close()
    return response.status, body




@contextmanager
def serving(root: Path, *args: str, port: int | None = None):
    port = port or free_port()
    process = subprocess.Popen([sys.executable, str(REPO / "build.py"), "serve", "--root", str(root),
                                "--port", str(port), *args],
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    lines: list[str] = []
    try:
        wait_for(lambda: get(port, PAGE)[0] == 200)
        yield port, lines
    finally:
        process.terminate()
        lines.extend(process.communicate(timeout=10)[0].splitlines())


def test_two_saves_a_second_apart_are_both_built(make_site):
    root = make_site()
    topic = root / "content/nn/gradients.md"
    with serving(root) as (port, _):
        for word in ("first", "second"):
            topic.write_text(topic.read_text().replace("Gradients shrink", f"Gradients shrink ({word})"))
            wait_for(lambda: f"({word})" in get(port, PAGE)[1], seconds=3)
            time.sleep(1)


def test_a_burst_of_saves_makes_one_rebuild(make_site):
    root = make_site({f"content/extra/t{i:02}.md": f"---\ntitle: T{i}\n---\n\n## Q{i}? [easy]\n\nA{i}.\n"
                      for i in range(50)})
    with serving(root) as (port, lines):
        for i in range(50):  # as a git checkout does it
            path = root / f"content/extra/t{i:02}.md"
            path.write_text(path.read_text().replace(f"A{i}.", f"Answer {i}."))
        wait_for(lambda: "Answer 49." in get(port, "/extra/t49.html")[1])
        time.sleep(0.5)
    rebuilds = [line for line in lines if line.startswith("Rebuilt")]
    assert len(rebuilds) == 1, lines


def test_files_outside_the_site_are_never_served(make_site, tmp_path):
    root = make_site({"secret.txt": "top secret", "secret.html": "top secret"})
    (tmp_path / "outside.txt").write_text("outside the site")
    with serving(root) as (port, _):
        (root / "_site/nn/leak.txt").symlink_to(tmp_path / "outside.txt")
        (root / "_site/nn/leak.html").symlink_to(tmp_path / "outside.txt")  # pages take their own path
        for path in ("/../secret.txt", "/%2e%2e/secret.txt", "/%252e%252e/secret.txt", "/..%5csecret.txt",
                     "/nn/../../secret.txt", "/nn/leak.txt", "/..%2fsecret.txt", "/../secret.html",
                     "/%2e%2e/secret.html", "/nn/leak.html"):
            status, body = get(port, path)
            assert status in (400, 403, 404), (path, status)
            assert "top secret" not in body and "outside the site" not in body, path


def test_busy_port_moves_to_the_next_free_one(make_site):
    root = make_site()
    with socket.socket() as blocker:
        blocker.bind(("127.0.0.1", 0))
        blocker.listen()
        busy = blocker.getsockname()[1]
        process = subprocess.Popen([sys.executable, str(REPO / "build.py"), "serve", "--root", str(root),
                                    "--port", str(busy)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        try:
            line = wait_for(lambda: next((l for l in iter(process.stdout.readline, "") if "in use" in l or "Serving" in l), None))
            assert f"Port {busy} is in use; using" in line
        finally:
            process.terminate()
            process.communicate(timeout=10)


def test_binds_loopback_by_default_and_warns_for_other_hosts(make_site):
    root = make_site()
    with serving(root) as (port, lines):
        pass
    assert any(line.endswith(f"at http://127.0.0.1:{port}/ (Ctrl+C to stop)") for line in lines), lines
    assert not any(line.startswith("warning") for line in lines)
    with serving(root, "--host", "0.0.0.0") as (port, lines):
        pass
    assert any("warning: serving on 0.0.0.0 makes the site reachable from other machines" in line for line in lines)


def test_pages_get_the_dev_client_and_the_files_on_disk_do_not(make_site):
    root = make_site()
    with serving(root) as (port, _):
        for path in ("/", "/nn/gradients.html", "/nn/"):
            status, body = get(port, path)
            assert status == 200 and "LiveReloadPluginStudysite" in body and "livereload.js" in body, path
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        connection.request("GET", "/search-index.js")
        assert connection.getresponse().getheader("Cache-Control") == "no-cache"  # it changes under one name
        connection.close()
    assert not any("LiveReloadPluginStudysite" in p.read_text() for p in (root / "_site").rglob("*.html"))


def test_reload_names_changed_pages_or_reloads_everything():
    assert reload_path(("nn/a.html", "search-index.js", "index.html"), recovered=False) == \
        PAGES_PREFIX + '["index.html", "nn/a.html", "search-index.js"]'
    assert reload_path((), recovered=False) == PAGES_PREFIX + "[]"  # nothing to show: no page moves
    # The review data an edit rewrites is read by pages, like the search index: no reload of everything.
    assert reload_path(("nn/a.html", "nn/a.cards.js", "review-index.js"), recovered=False) == \
        PAGES_PREFIX + '["nn/a.cards.js", "nn/a.html", "review-index.js"]'
    assert reload_path(("nn/cards.js",), recovered=False) == EVERYTHING  # a file of the content, not our data
    assert reload_path(("nn/a.html", "static/style.css"), recovered=False) == EVERYTHING
    assert reload_path(("nn/img/graph.svg",), recovered=False) == EVERYTHING
    assert reload_path(("nn/a.html",), recovered=True) == EVERYTHING  # the error page goes everywhere
    # Files no page shows (downloads, the feed, the files for search engines) move no page.
    assert reload_path(("nn/a.html", "downloads/nn/a.apkg", "downloads/notes.json", "feed.xml", "sitemap.xml"),
                       recovered=False) == PAGES_PREFIX + '["nn/a.html"]'
    assert reload_path(("downloads/a.html",), recovered=False) == PAGES_PREFIX + '["downloads/a.html"]'  # a category's page


def test_a_missing_content_folder_shows_in_the_page_and_the_server_recovers(make_site):
    root = make_site()
    with serving(root) as (port, lines):
        (root / "content").rename(root / "moved")
        wait_for(lambda: "the content folder does not exist" in get(port, PAGE)[1], seconds=5)
        (root / "moved").rename(root / "content")
        wait_for(lambda: get(port, PAGE)[0] == 200, seconds=5)
        topic = root / "content/nn/gradients.md"  # and later saves are still built
        topic.write_text(topic.read_text().replace("Gradients shrink", "Gradients shrink (later)"))
        wait_for(lambda: "(later)" in get(port, PAGE)[1], seconds=5)
    assert not any("Traceback" in line for line in lines), lines


def test_an_unexpected_failure_is_reported_and_the_rebuilder_keeps_going(capsys):
    from studysite.errors import BuildFailed, ContentError
    from studysite.server import Rebuilder

    class Flaky:
        calls = 0

        def build(self):
            Flaky.calls += 1
            if Flaky.calls == 1:
                raise OSError("disk vanished")
            raise BuildFailed([ContentError(Path("content/nn/a.md"), 3, "a real mistake", "fix it")])

    told: list[str] = []
    rebuilder = Rebuilder(Flaky(), told.append)
    rebuilder.notify("content/nn/a.md")
    wait_for(lambda: told, seconds=5)
    assert told == [EVERYTHING]
    assert rebuilder.error.startswith("error: the build stopped: OSError: disk vanished")
    assert "Traceback" in capsys.readouterr().err
    rebuilder.notify("content/nn/a.md")  # the next save is still built
    wait_for(lambda: len(told) == 2, seconds=5)
    assert "a.md:3: a real mistake" in rebuilder.error


def test_a_project_inside_a_hidden_folder_rebuilds_on_save(make_site, tmp_path):
    hidden = tmp_path / ".local" / "share"
    hidden.mkdir(parents=True)
    root = make_site()
    moved = hidden / "notes"
    root.rename(moved)
    with serving(moved) as (port, _):
        (moved / "site.yml").write_text("title: Hidden Notes\n")
        wait_for(lambda: "Hidden Notes" in get(port, PAGE)[1], seconds=5)
        topic = moved / "content/nn/gradients.md"
        topic.write_text(topic.read_text().replace("Gradients shrink", "Gradients shrink (seen)"))
        wait_for(lambda: "(seen)" in get(port, PAGE)[1], seconds=5)


def test_a_nul_in_a_request_is_a_bad_request(make_site):
    root = make_site()
    with serving(root) as (port, lines):
        assert get(port, "/%00")[0] == 400
        assert get(port, "/nn/%00.html")[0] == 400
    assert not any("Traceback" in line for line in lines)


def test_serve_never_serves_a_folder_the_build_refuses(make_site, tmp_path):
    root = make_site()
    foreign = tmp_path / "home"
    foreign.mkdir()
    (foreign / "secret.txt").write_text("private")
    port = free_port()
    for output in (foreign, foreign / "secret.txt"):
        result = subprocess.run([sys.executable, str(REPO / "build.py"), "serve", "--root", str(root), "--port", str(port),
                                 "--output", str(output)], capture_output=True, text=True, timeout=30)
        assert result.returncode == 1 and "hint:" in result.stderr and "Traceback" not in result.stderr, result.stderr
    assert sorted(p.name for p in foreign.iterdir()) == ["secret.txt"]


def test_the_page_can_ask_which_build_is_current(make_site):
    root = make_site()
    with serving(root) as (port, lines):
        status, body = get(port, "/.studysite/build")
        assert (status, body) == (200, '{"build": 0}')
        topic = root / "content/nn/gradients.md"
        topic.write_text(topic.read_text().replace("Gradients shrink", "Gradients shrink (next)"))
        wait_for(lambda: get(port, "/.studysite/build")[1] == '{"build": 1}', seconds=5)
    assert not any("Traceback" in line for line in lines)
