"""The dev server: serve the output folder, rebuild on every save, reload the browser, show errors."""

from __future__ import annotations

import gc
import html
import socket
import sys
import threading
import time
from pathlib import Path

from .builder import Builder, Project
from .errors import BuildFailed, format_report

# Saves that arrive together (an editor's write-and-rename, a git checkout) make one rebuild.
QUIET_SECONDS = 0.03
LONGEST_WAIT_SECONDS = 0.3
PORT_ATTEMPTS = 10


class Rebuilder:
    """Debounces file events into rebuilds, one at a time, and reports each result."""

    def __init__(self, builder: Builder, on_done, verb: str = "Rebuilt"):
        self.builder = builder
        self.on_done = on_done  # called with None after a good build, or the error report
        self.verb = verb
        self.error: str | None = None
        self.builds = 0
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
        from .cli import summary_line

        self.builds += 1
        before = self.error
        try:
            result = self.builder.build()
        except BuildFailed as failed:
            self.error = format_report(failed.errors)
            print(self.error, file=sys.stderr, flush=True)
        else:
            self.error = None
            if result.up_to_date and before is None:
                return  # an editor's stray event: nothing to show
            print(summary_line(result, self.builder.project.output, verb=self.verb), flush=True)
            self.builder.save_state(background=True)
        self.on_done(self.error)
        # The site's objects live as long as the server: keep the cyclic collector from walking
        # them again and again in the middle of the next rebuild.
        gc.freeze()


def error_page(report: str) -> bytes:
    """What the browser shows while the last save does not build; it reloads itself once fixed."""
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Build error · studysite</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
body {{ font: 16px/1.5 system-ui, sans-serif; margin: 0; background: #fff5f5; color: #1d2330; }}
main {{ max-width: 60rem; margin: 3rem auto; padding: 0 1.25rem; }}
h1 {{ color: #b02020; font-size: 1.5rem; }}
pre {{ background: #fff; border: 1px solid #f1b5b5; border-left: 5px solid #e03131; border-radius: 8px;
       padding: 1rem; white-space: pre-wrap; font-size: 0.95rem; }}
</style></head>
<body data-page="build-error"><main>
<h1>The site did not build</h1>
<p>Fix the file named below and save: this page reloads by itself. The last good site is untouched.</p>
<pre id="build-error">{html.escape(report)}</pre>
</main></body></html>
""".encode("utf-8")


def _free_port(host: str, start: int) -> int | None:
    """The first port from `start` on that nothing listens on, or None."""
    for port in range(start, start + PORT_ATTEMPTS):
        with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
            try:
                probe.bind((host, port))
                return port
            except OSError:
                continue
    return None


def serve(project: Project, host: str = "127.0.0.1", port: int = 8000) -> int:
    """Serve `project` until interrupted; a broken save shows its error in the browser, the server stays up."""
    from livereload import Server
    from livereload.handlers import LiveReloadHandler, StaticFileHandler
    from tornado.ioloop import IOLoop
    from watchdog.events import FileSystemEventHandler
    from watchdog.observers import Observer

    from .cli import summary_line

    builder = Builder(project)
    try:
        result = builder.build()
        builder.save_state()
        print(summary_line(result, project.output), flush=True)
        first_error = None
        gc.freeze()
    except BuildFailed as failed:
        first_error = format_report(failed.errors)
        print(first_error, file=sys.stderr, flush=True)
        project.output.mkdir(parents=True, exist_ok=True)

    chosen = _free_port(host, port)
    if chosen is None:
        print(f"error: ports {port} to {port + PORT_ATTEMPTS - 1} on {host} are all in use\n"
              f"  hint: stop the other server or pass --port with a free port", file=sys.stderr)
        return 1
    if chosen != port:
        print(f"Port {port} is in use; using {chosen} instead.", flush=True)
    if host not in ("127.0.0.1", "localhost", "::1"):
        print(f"warning: serving on {host} makes the site reachable from other machines", file=sys.stderr)

    loop_holder: dict[str, IOLoop] = {}

    def reload_browsers(error: str | None) -> None:
        # livereload ignores reloads within 3 s of the last one when its own watcher decides;
        # calling reload_waiters directly has no such limit, so every save shows up.
        loop = loop_holder.get("loop")
        if loop is not None:
            loop.add_callback(LiveReloadHandler.reload_waiters, "*")

    rebuilder = Rebuilder(builder, reload_browsers)
    rebuilder.error = first_error

    class DevFileHandler(StaticFileHandler):
        """Serves the site, or the build error while there is one."""

        def get(self, path: str, include_body: bool = True):
            if rebuilder.error and (not path or path.endswith((".html", "/"))):
                self.set_status(500)
                self.set_header("Content-Type", "text/html; charset=utf-8")
                self.set_header("Cache-Control", "no-store")
                return self.finish(error_page(rebuilder.error))
            return super().get(path, include_body)

    output_dir = str(project.output.resolve())

    class SourceEvents(FileSystemEventHandler):
        def on_any_event(self, event) -> None:
            if event.event_type in ("opened", "closed_no_write"):
                return
            path = str(getattr(event, "dest_path", "") or event.src_path)
            if "/." in path or path.endswith(("~", ".swp", ".tmp")) or path.startswith(output_dir):
                return  # editors' and our own temporary files, and our own output
            rebuilder.notify(path)

    observer = Observer()
    events = SourceEvents()
    for folder in {project.content.resolve(), project.templates.resolve(), project.static.resolve()}:
        observer.schedule(events, str(folder), recursive=True)
    observer.schedule(events, str(project.root.resolve()), recursive=False)  # site.yml
    observer.start()

    server = Server()
    server.SFH = DevFileHandler
    # livereload watches the working directory when given nothing to watch; give it a file that never changes.
    server.watch(str(Path(project.output) / ".studysite-output"), delay="forever")
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
