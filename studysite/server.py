"""The dev server: serve the output folder, rebuild on every save, reload the browser, show errors."""

from __future__ import annotations

import errno
import gc
import json
import os
import socket
import sys
import threading
import time
import traceback
from pathlib import Path

from .builder import Builder
from .project import Project
from .errors import BuildFailed, UsageError
from .output import check_output_dir

# Saves that arrive together (an editor's write-and-rename, a git checkout) make one rebuild.
QUIET_SECONDS = 0.03
LONGEST_WAIT_SECONDS = 0.3
PORT_ATTEMPTS = 10
# livereload's reload "path" that names changed pages, for the dev client (devclient.js) to update in place.
PAGES_PREFIX = "studysite:"
EVERYTHING = "*"
# Where an open page asks which build is current (a hidden name: no site has such a file).
BUILD_PATH = ".studysite/build"


def reload_path(changed: tuple[str, ...], recovered: bool) -> str:
    """What the browsers are told after a good build: every page reloads, or only the pages that changed."""
    from .render import is_data_script, is_shown_on_no_page

    changed = tuple(path for path in changed if not is_shown_on_no_page(path))
    # A stylesheet, script or image can show on any page; the error page goes whatever changed.
    if recovered or any(not path.endswith(".html") and not is_data_script(path) for path in changed):
        return EVERYTHING
    return PAGES_PREFIX + json.dumps(sorted(changed))  # pages, and the data scripts pages read


class Rebuilder:
    """Debounces file events into rebuilds, one at a time, and reports each result."""

    def __init__(self, builder: Builder, on_done, verb: str = "Rebuilt"):
        self.builder = builder
        self.on_done = on_done  # called with what to reload (see reload_path) after each build
        self.verb = verb
        self.error: str | None = None
        self.builds = 0
        # What the browsers were last told about: a page served at an older generation is stale.
        self.generation = 0
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._first_event = 0.0
        self._last_event = 0.0
        threading.Thread(target=self._run, daemon=True).start()

    def notify(self, path: str = "") -> None:
        """A file changed (called from the watcher's thread)."""
        now = time.monotonic()
        with self._lock:
            if not self._wake.is_set():
                self._first_event = now
            self._last_event = now
            self._wake.set()

    def _run(self) -> None:
        while True:
            self._wake.wait()
            while True:  # wait for a quiet moment, but not forever during a long burst
                with self._lock:
                    quiet = time.monotonic() - self._last_event
                    waited = time.monotonic() - self._first_event
                if quiet >= QUIET_SECONDS or waited >= LONGEST_WAIT_SECONDS:
                    break
                time.sleep(QUIET_SECONDS / 3)
            with self._lock:
                self._wake.clear()
            self.rebuild()

    def rebuild(self) -> None:
        """Build now; keep the last good site on failure and remember the report for the browser."""
        self.builds += 1
        before = self.error
        try:
            result = self.builder.build()
        except BuildFailed as failed:
            self._failed(str(failed))
        except Exception as exc:  # a bug, or the file system pulled from under the build: keep serving
            traceback.print_exc()
            self._failed(f"error: the build stopped: {type(exc).__name__}: {exc}\n"
                         "  hint: save again once the files are back in place; if it persists, "
                         "it is a bug in studysite (the traceback is in the terminal)")
        else:
            self.error = None
            if result.up_to_date and before is None:
                return  # an editor's stray event: nothing to show
            # First, so the browsers need not wait for the terminal or the cache.
            self.generation += 1
            self.on_done(reload_path(result.written.changed, recovered=before is not None))
            print(result.summary(self.builder.project.output, verb=self.verb), flush=True)
            self.builder.cache.save(background=True)
        # The site's objects live as long as the server: keep the cyclic collector from walking
        # them again and again in the middle of the next rebuild.
        gc.freeze()

    def _failed(self, report: str) -> None:
        """Every open page shows `report` (the last good site stays on disk), and so does the terminal."""
        self.error = report
        self.generation += 1
        self.on_done(EVERYTHING)
        print(report, file=sys.stderr, flush=True)


def is_within(path: str, folder: str) -> bool:
    """Whether `path` is `folder` or inside it (not merely a longer name: '/a/content2' is not in '/a/content')."""
    return path == folder or path.startswith(folder.rstrip("/\\") + os.sep)


def error_page(report: str) -> bytes:
    """What the browser shows while the last save does not build (the theme's build-error.html)."""
    from .render import make_environment
    from .theme import bundled

    template = make_environment((bundled("templates"),)).get_template("build-error.html")
    return template.render(report=report).encode("utf-8")


def _free_port(host: str, start: int) -> int | None:
    """The first port from `start` on that nothing listens on, or None."""
    for port in range(start, start + PORT_ATTEMPTS):
        with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
            try:
                probe.bind((host, port))
                return port
            except socket.gaierror as exc:  # no such host name
                raise UsageError("--host", None, f"cannot serve on '{host}': {exc.strerror or exc}",
                                 "use an address of this machine, such as 127.0.0.1 (the default)") from None
            except OSError as exc:
                if exc.errno in (errno.EADDRNOTAVAIL, errno.EAFNOSUPPORT, errno.EINVAL):
                    raise UsageError("--host", None, f"cannot serve on '{host}': {exc.strerror or exc}",
                                     "use an address of this machine, such as 127.0.0.1 (the default)") from None
                continue  # in use: try the next port
    return None


def serve(project: Project, host: str = "127.0.0.1", port: int = 8000) -> int:
    """Serve `project` until interrupted; a broken save shows its error in the browser, the server stays up."""
    from livereload import Server
    from livereload.handlers import LiveReloadHandler, StaticFileHandler
    from livereload.watcher import Watcher
    from tornado.ioloop import IOLoop
    from tornado.web import HTTPError
    from watchdog.events import FileSystemEventHandler
    from watchdog.observers import Observer

    chosen = _free_port(host, port)
    if chosen is None:
        print(f"error: ports {port} to {port + PORT_ATTEMPTS - 1} on {host} are all in use\n"
              f"  hint: stop the other server or pass --port with a free port", file=sys.stderr)
        return 1
    builder = Builder(project)
    check_output_dir(project.output, project.sources, project.source_folders)  # never serve a folder the build refuses to write
    try:
        result = builder.build()
        builder.cache.save()
        print(result.summary(project.output), flush=True)
        first_error = None
        gc.freeze()
    except BuildFailed as failed:
        first_error = str(failed)
        print(first_error, file=sys.stderr, flush=True)
        project.output.mkdir(parents=True, exist_ok=True)

    if chosen != port:
        print(f"Port {port} is in use; using {chosen} instead.", flush=True)
    if host not in ("127.0.0.1", "localhost", "::1"):
        print(f"warning: serving on {host} makes the site reachable from other machines", file=sys.stderr)

    loop_holder: dict[str, IOLoop] = {}

    def reload_browsers(path: str) -> None:
        # livereload ignores reloads within 3 s of the last one when its own watcher decides;
        # calling reload_waiters directly has no such limit, so every save shows up.
        loop = loop_holder.get("loop")
        if loop is not None:
            loop.add_callback(LiveReloadHandler.reload_waiters, path)

    rebuilder = Rebuilder(builder, reload_browsers)
    rebuilder.error = first_error

    dev_client = (Path(__file__).parent / "devclient.js").read_bytes()

    def with_dev_client(page: bytes) -> bytes:
        """The page with the dev client, which learns the build it shows (to catch up on a save made
        before its live connection was up)."""
        script = b"<script id=\"studysite-dev\">window.studysiteBuild = %d;\n%s</script>\n" % (rebuilder.generation, dev_client)
        return page.replace(b"</head>", script + b"</head>", 1)

    class DevFileHandler(StaticFileHandler):
        """Serves the site with the dev client in every page, or the build error while there is one."""

        def get(self, path: str, include_body: bool = True):
            if "\0" in path:  # (the file system cannot even look such a name up)
                raise HTTPError(400)
            if path == BUILD_PATH:
                self.set_header("Cache-Control", "no-store")
                return self.finish({"build": rebuilder.generation})
            if not include_body or not (not path or path.endswith((".html", "/"))):
                return super().get(path, include_body)
            self.set_header("Content-Type", "text/html; charset=utf-8")
            self.set_header("Cache-Control", "no-store")
            if rebuilder.error:
                self.set_status(500)
                return self.finish(with_dev_client(error_page(rebuilder.error)))
            # The same checks as any file (inside the site, index.html for folders), then read here.
            self.path = self.parse_url_path(path)
            self.absolute_path = self.validate_absolute_path(self.root, self.get_absolute_path(self.root, self.path))
            if self.absolute_path is None:
                return None  # redirected to the folder's URL with its slash
            page = Path(self.absolute_path).read_bytes()
            return self.finish(with_dev_client(page))

        def compute_etag(self):
            # The build number is not a file: no file's tag (tornado's own would fail on it).
            return None if getattr(self, "absolute_path", None) is None else super().compute_etag()

        def set_extra_headers(self, path: str) -> None:
            if "v" not in self.request.arguments:
                # Unversioned files (the search index) change under the same name: always ask.
                self.set_header("Cache-Control", "no-cache")

    output_dir = str(project.output.resolve())
    watched = sorted({project.content.resolve(), *(f.resolve() for f in (*project.templates, *project.static)),
                      *([project.public.resolve()] if project.public.is_dir() else [])},
                     key=lambda folder: -len(str(folder)))
    project_root = project.root.resolve()

    class SourceEvents(FileSystemEventHandler):
        def on_any_event(self, event) -> None:
            if event.event_type in ("opened", "closed_no_write"):
                return
            path = str(getattr(event, "dest_path", "") or event.src_path)
            if is_within(path, output_dir) or path.endswith(("~", ".swp", ".tmp")):
                return  # our own output, and editors' temporary files
            # Hidden files count from the watched folder down: a project may itself sit in ~/.local/...
            folder = next((f for f in (*watched, project_root) if is_within(path, str(f))), None)
            if folder is None or "/." in path[len(str(folder)):].replace("\\", "/"):
                return
            rebuilder.notify(path)

    observer = Observer()
    events = SourceEvents()
    for folder in watched:
        observer.schedule(events, str(folder), recursive=True)
    observer.schedule(events, str(project.root.resolve()), recursive=False)  # site.yml
    observer.start()

    class EventsOnly(Watcher):
        """livereload's own poller, idle: watchdog's events decide every rebuild and reload (see Rebuilder)."""

        def start(self, callback) -> bool:
            return True  # "started": livereload then schedules no polling of its own

        def examine(self):
            return None, None

    server = Server(watcher=EventsOnly())
    server.SFH = DevFileHandler
    print(f"Serving {project.output} at http://{host}:{chosen}/ (Ctrl+C to stop)", flush=True)
    loop_holder["loop"] = IOLoop.current()
    try:
        server.serve(root=str(project.output), host=host, port=chosen, restart_delay=0)
    except OSError as exc:
        print(f"error: cannot serve on {host}:{chosen}: {exc.strerror or exc}\n"
              f"  hint: pass --port with a free port", file=sys.stderr)
        return 1
    finally:
        observer.stop()
    return 0
