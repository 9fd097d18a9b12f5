"""Commands: build (default), check, serve, new. Prints one summary line per build."""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

from .builder import Builder, BuildResult, Project, render_project
from .errors import BuildFailed, ContentError, format_report, relative_to_cwd
from .model import Site

def summary_line(result: BuildResult, output: Path, verb: str = "Built") -> str:
    """'Built 36 pages (6 topics, 63 questions) in 0.41 s -> _site/ (36 written, 0 unchanged, 0 removed)'."""
    if result.up_to_date:
        verb = "Up to date:"
    stats = result.written
    return (f"{verb} {plural(result.pages, 'page')} ({plural(result.topics, 'topic')}, "
            f"{plural(result.questions, 'question')}) in {result.seconds:.2f} s -> {relative_to_cwd(output)}/"
            f" ({stats.written} written, {stats.unchanged} unchanged, {stats.removed} removed)")


def plural(count: int, noun: str) -> str:
    """'1 topic', '2 topics'."""
    return f"{count} {noun}{'' if count == 1 else 's'}"


# --- Commands ---------------------------------------------------------------------------

def print_warnings(site: Site | None, notes: list[str] = ()) -> None:
    """Notes and warnings go to stderr, after the work, so they are the last thing a user reads."""
    for note in notes:
        print(note, file=sys.stderr)
    for warning in site.warnings if site else ():
        print(f"warning: {warning}", file=sys.stderr)


def command_build(project: Project, args: argparse.Namespace) -> int:
    builder = Builder(project, fresh=args.clean)
    result = builder.build()
    builder.save_state()
    print(summary_line(result, project.output))
    print_warnings(result.site, builder.notes)
    return 0


def command_check(project: Project, args: argparse.Namespace) -> int:
    from .sitecheck import check_links

    site, outputs = render_project(project)
    broken = check_links(outputs)
    if broken:
        raise BuildFailed(broken)
    warnings = site.warnings
    if args.strict and warnings:
        raise BuildFailed(warnings)
    print(f"OK: {plural(len(site.pages), 'topic')}, "
          f"{plural(site.question_count, 'question')}, no errors"
          + (f", {plural(len(warnings), 'warning')}." if warnings else "."))
    print_warnings(site)
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
    from .render import make_environment

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
    build = commands.add_parser("build", parents=[common], help="build the site (the default)",
                                description="Build the site into the output folder, redoing only what changed.")
    build.add_argument("--clean", action="store_true",
                       help=f"ignore the build cache ({'.studysite-cache'}/) and build everything")
    check = commands.add_parser("check", parents=[common], help="validate everything, write nothing",
                                description="Parse and render everything without writing, then check every "
                                            "internal link and anchor of the result; exit 1 on any error.")
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
        if args.command is None:
            args.clean = False
        return COMMANDS[args.command or "build"](project, args)
    except BuildFailed as failed:
        print(format_report(failed.errors), file=sys.stderr)
        return 1


def run() -> None:
    """Console-script entry point."""
    sys.exit(main())
