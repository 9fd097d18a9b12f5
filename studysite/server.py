"""The dev server: build, serve the output folder, rebuild and reload the browser on change."""

from __future__ import annotations

import sys

from .errors import BuildFailed, format_report


def serve(project, host: str = "127.0.0.1", port: int = 8000) -> int:
    """Serve `project` until interrupted; a broken save keeps the last good site and the server."""
    from livereload import Server

    from .cli import build_project, summary_line

    def rebuild() -> None:
        try:
            result, _ = build_project(project)
        except BuildFailed as failed:
            print(format_report(failed.errors), file=sys.stderr, flush=True)
            return
        print(summary_line(result, project.output, verb="Rebuilt"), flush=True)

    try:
        result, _ = build_project(project)
        print(summary_line(result, project.output), flush=True)
    except BuildFailed as failed:
        print(format_report(failed.errors), file=sys.stderr, flush=True)
        if not project.output.is_dir():
            return 1
        print("Serving the last good site; fix the errors and save to rebuild.", file=sys.stderr)

    server = Server()
    for source in (project.content, project.templates, project.static, project.config_file):
        if source.exists():
            server.watch(str(source), rebuild)
    if host not in ("127.0.0.1", "localhost", "::1"):
        print(f"warning: serving on {host} makes the site reachable from other machines", file=sys.stderr)
    print(f"Serving {project.output} at http://{host}:{port}/ (Ctrl+C to stop)", flush=True)
    try:
        server.serve(root=str(project.output), host=host, port=port, restart_delay=0)
    except OSError as exc:
        print(f"error: cannot serve on {host}:{port}: {exc.strerror or exc}\n"
              f"  hint: another program uses the port; try --port {port + 1}", file=sys.stderr)
        return 1
    return 0
