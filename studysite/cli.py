"""Commands: build (default), check, serve, new. Prints one summary line per build."""

from __future__ import annotations

import argparse
import re
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from .config import CONFIG_FILE, load_config
from .content import load_site
from .errors import BuildFailed, ContentError, format_report, relative_to_cwd
from .model import Site
from .output import WriteStats, check_output_dir, write_site
from .render import make_environment, read_static, render_site

# Templates and static files that ship with studysite, used when a project has none of its own.
BUNDLED = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Project:
    """Where a site's sources live and where its output goes."""

    root: Path
    content: Path
    output: Path

    @property
    def templates(self) -> Path:
        own = self.root / "templates"
        return own if own.is_dir() else BUNDLED / "templates"

    @property
    def static(self) -> Path:
        own = self.root / "static"
        return own if own.is_dir() else BUNDLED / "static"

    @property
    def config_file(self) -> Path:
        return self.root / CONFIG_FILE

    @property
    def sources(self) -> list[Path]:
        """Everything a build reads; the output folder may contain none of it."""
        return [self.root, self.content, self.templates, self.static, self.config_file]


@dataclass(frozen=True)
class BuildResult:
    """What a build made, for the summary line."""

    site: Site
    outputs: dict[str, bytes]
    seconds: float


def render_project(project: Project) -> BuildResult:
    """Load, validate and render a project entirely in memory; nothing is written."""
    started = time.perf_counter()
    config = load_config(project.config_file)
    site = load_site(project.content, config)
    env = make_environment(project.templates)
    outputs = render_site(site, env, read_static(project.static))
    return BuildResult(site, outputs, time.perf_counter() - started)


def build_project(project: Project) -> tuple[BuildResult, WriteStats]:
    """Render everything, and only then write it: a failed build leaves the old site untouched."""
    check_output_dir(project.output, project.sources)
    result = render_project(project)
    stats = write_site(result.outputs, project.output)
    return result, stats


def summary_line(result: BuildResult, output: Path, verb: str = "Built") -> str:
    """'Built 36 pages (6 topics, 63 questions) in 0.41 s -> _site/'."""
    pages = sum(1 for name in result.outputs if name.endswith(".html"))
    return (f"{verb} {plural(pages, 'page')} ({plural(len(result.site.pages), 'topic')}, "
            f"{plural(result.site.question_count, 'question')}) in {result.seconds:.2f} s "
            f"-> {relative_to_cwd(output)}/")


def plural(count: int, noun: str) -> str:
    """'1 topic', '2 topics'."""
    return f"{count} {noun}{'' if count == 1 else 's'}"


# --- Commands ---------------------------------------------------------------------------

def print_warnings(site: Site) -> None:
    """Warnings go to stderr, after the work, so they are the last thing a user reads."""
    for warning in site.warnings:
        print(f"warning: {warning}", file=sys.stderr)


def command_build(project: Project, args: argparse.Namespace) -> int:
    result, stats = build_project(project)
    print(summary_line(result, project.output)
          + f" ({stats.written} written, {stats.unchanged} unchanged, {stats.removed} removed)")
    print_warnings(result.site)
    return 0


def command_check(project: Project, args: argparse.Namespace) -> int:
    result = render_project(project)
    warnings = result.site.warnings
    if args.strict and warnings:
        raise BuildFailed(warnings)
    print(f"OK: {plural(len(result.site.pages), 'topic')}, "
          f"{plural(result.site.question_count, 'question')}, no errors"
          + (f", {plural(len(warnings), 'warning')}." if warnings else "."))
    print_warnings(result.site)
    return 0


def command_serve(project: Project, args: argparse.Namespace) -> int:
    from .server import serve  # livereload and tornado load only when serving

    return serve(project, host=args.host, port=args.port)


TOPIC_NAME = re.compile(r"[a-z0-9][a-z0-9-]*/[a-z0-9][a-z0-9-]*")


def command_new(project: Project, args: argparse.Namespace) -> int:
    name = args.name.removesuffix(".md")
    if not TOPIC_NAME.fullmatch(name):
        raise BuildFailed([ContentError(args.name, None, "the name must look like <category>/<topic>",
                                        "use lowercase letters, digits and hyphens, for example "
                                        "'python build.py new optimization/adam'")])
    target = project.content / f"{name}.md"
    if target.exists():
        raise BuildFailed([ContentError(relative_to_cwd(target), None, "this file already exists",
                                        "choose another name, or edit the file you have")])
    category, topic = name.split("/")
    scaffold = make_environment(project.templates).get_template("scaffold/topic.md")
    text = scaffold.render(title=topic.replace("-", " ").capitalize(),
                           category_title=category.replace("-", " ").title())
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")
    print(f"Created {relative_to_cwd(target)}: edit it, then run 'python build.py serve' to see it.")
    return 0


def _parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    # SUPPRESS: options may come before or after the command without one hiding the other.
    common.add_argument("--root", type=Path, default=argparse.SUPPRESS,
                        help="project folder holding site.yml, templates/ and static/ (default: .)")
    common.add_argument("--content", type=Path, default=argparse.SUPPRESS,
                        help="content folder (default: ROOT/content)")
    common.add_argument("--output", type=Path, default=argparse.SUPPRESS,
                        help="output folder (default: ROOT/_site)")

    parser = argparse.ArgumentParser(
        prog="studysite", parents=[common],
        description="Build a study website from Markdown question files.",
        epilog="Run 'studysite COMMAND --help' for a command's options. Without a command: build.",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    commands.add_parser("build", parents=[common], help="build the site (the default)",
                        description="Build the site into the output folder.")
    check = commands.add_parser("check", parents=[common], help="validate everything, write nothing",
                                description="Parse and render everything without writing; exit 1 on any error.")
    check.add_argument("--strict", action="store_true", help="treat warnings (such as missing alt text) as errors")
    serve = commands.add_parser("serve", parents=[common], help="build, serve and rebuild on change",
                                description="Build, serve on 127.0.0.1 and rebuild and reload the browser on change.")
    serve.add_argument("--port", type=int, default=8000, help="port to serve on (default: 8000)")
    serve.add_argument("--host", default="127.0.0.1", help="address to bind (default: 127.0.0.1)")
    new = commands.add_parser("new", parents=[common], help="create a topic file to edit",
                              description="Create content/<category>/<topic>.md from a starter template.")
    new.add_argument("name", help="<category>/<topic>, for example optimization/adam")
    return parser


COMMANDS = {"build": command_build, "check": command_check, "serve": command_serve, "new": command_new}


def main(argv: list[str] | None = None) -> int:
    """Run a command; return the process exit code (0 ok, 1 content errors, 2 usage)."""
    args = _parser().parse_args(argv)
    root = getattr(args, "root", Path("."))
    project = Project(root=root, content=getattr(args, "content", root / "content"),
                      output=getattr(args, "output", root / "_site"))
    try:
        return COMMANDS[args.command or "build"](project, args)
    except BuildFailed as failed:
        print(format_report(failed.errors), file=sys.stderr)
        return 1


def run() -> None:
    """Console-script entry point."""
    sys.exit(main())
