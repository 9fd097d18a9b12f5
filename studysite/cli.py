"""Commands: build (default), check, serve, new, init. Prints one summary line per build."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from . import __version__
from .builder import Builder, plural
from .project import Project
from .errors import (BuildFailed, ContentError, InternalError, UsageError, command_name, format_report, relative_to_cwd,
                     warning_count)

# --- Commands ---------------------------------------------------------------------------

def print_warnings(warnings, notes: list[str] = ()) -> None:
    """Notes and warnings go to stderr, after the work, so they are the last thing a user reads."""
    for note in notes:
        print(note, file=sys.stderr)
    for warning in warnings:
        print(f"warning: {warning}", file=sys.stderr)


def command_build(project: Project, args: argparse.Namespace) -> int:
    builder = Builder(project, fresh=args.clean)
    result = builder.build()
    builder.cache.save()
    print(result.summary(project.output))
    print_warnings(result.warnings, builder.cache.notes)
    return 0


def command_check(project: Project, args: argparse.Namespace) -> int:
    from .sitecheck import check_links

    site, outputs = Builder(project, use_cache=False).check()
    warnings = site.warnings
    broken = check_links(outputs)
    if broken:
        raise BuildFailed(broken, warnings)
    if args.strict and warnings:
        raise BuildFailed(warnings)  # (--strict: the warnings are the errors)
    print(f"OK: {plural(len(site.pages), 'topic')}, {plural(site.question_count, 'question')}, no errors, "
          f"{warning_count(len(warnings))}.")
    # Not a warning (a site may well have no public address yet), but what a strict check is asked for.
    notes = [NO_SITE_URL] if args.strict and not site.config.site_url else []
    print_warnings(warnings, notes)
    return 0


NO_SITE_URL = ("note: site.yml has no site_url, so the site has no sitemap.xml, robots.txt, canonical links, "
               "link previews or feed: set site_url to the address the site is published at to add them")


EXPORT_FORMATS = {"anki": "apkg", "apkg": "apkg", "csv": "csv", "json": "json"}


def command_export(project: Project, args: argparse.Namespace) -> int:
    """Write the whole site's questions as an Anki deck, an Anki text file or JSON (docs/exports.md)."""
    from .exports import download_path, has_downloads

    fmt = EXPORT_FORMATS[args.format]
    target = args.export_file
    to_stdout = target is not None and str(target) == "-"
    if target is not None and not to_stdout:
        _refuse_place(project, target, fmt)
    site, data = Builder(project).export(fmt)
    if not data:
        raise BuildFailed([ContentError(relative_to_cwd(project.content), None, "the site has no questions to export",
                                        "add questions (headings with a difficulty) to a topic or quiz page")])
    pages = sum(1 for page in site.pages if has_downloads(page))
    count = f"{plural(site.question_count, 'question')} from {plural(pages, 'page')}"
    if to_stdout:
        _write_stdout(data)
        print(f"Exported {count}", file=sys.stderr)
        return 0
    if target is None:  # (the site's name for it, in the current folder)
        target = Path(download_path(fmt, site.config.title).rpartition("/")[2])
        _refuse_place(project, target, fmt)
    _write_file(target, data, fmt)
    print(f"Exported {count} -> {relative_to_cwd(target)} ({len(data):,} bytes)")
    return 0


def _refuse_place(project: Project, target: Path, fmt: str) -> None:
    """An export may replace a file of its own, never one of the site's sources or outputs."""
    resolved = target.resolve()
    example = f"--output questions.{fmt}"
    kept = [project.content, project.root / "templates", project.root / "static", project.root / "public",
            project.output, project.cache_dir]
    if resolved == project.config_file.resolve() or any(resolved.is_relative_to(folder.resolve()) for folder in kept):
        raise UsageError(relative_to_cwd(target), None, "the export would be written among the site's own files",
                         "choose a file outside content/, templates/, static/, public/, the output folder and the "
                         f"build cache, for example {example} in the site's folder")
    if target.is_dir():
        raise UsageError(relative_to_cwd(target), None, "this is a folder, not a file",
                         f"name a file, for example --output {relative_to_cwd(target / f'questions.{fmt}')}")


def _write_file(target: Path, data: bytes, fmt: str) -> None:
    """Write `target` whole or not at all (a temporary file beside it, then a rename); a device, a pipe
    or a link is written through, never replaced."""
    hint = f"choose a writable place with --output, for example --output questions.{fmt}"
    try:
        if target.is_symlink() or (target.exists() and not target.is_file()):
            with open(target, "wb") as file:
                file.write(data)
            return
        temporary = target.with_name(f".{target.name}.{os.getpid()}.tmp")
        try:
            temporary.write_bytes(data)
            os.replace(temporary, target)
        finally:
            if temporary.exists():
                temporary.unlink()
    except OSError as exc:
        raise UsageError(relative_to_cwd(target), None, f"cannot write the export: {exc.strerror or exc}", hint) from None


def _write_stdout(data: bytes) -> None:
    """The export on standard output; a closed or full output is said, not a traceback."""
    try:
        if sys.stdout is None:
            raise OSError("standard output is closed")
        sys.stdout.flush()
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
    except (OSError, ValueError) as exc:
        raise UsageError(Path("-"), None, f"cannot write the export to standard output: {getattr(exc, 'strerror', None) or exc}",
                         "write it to a file with --output FILE instead") from None


def command_serve(project: Project, args: argparse.Namespace) -> int:
    from .server import serve  # livereload and tornado load only when serving

    return serve(project, host=args.host, port=args.port)


def command_new(project: Project, args: argparse.Namespace) -> int:
    from .model import Kind
    from .render import make_environment
    from .scaffold import check_page_name, page_text, parse_page_name, write_new

    kind = Kind("mcq" if args.kind == "quiz" else args.kind) if args.kind else None
    name = parse_page_name(args.name, kind)
    target = project.content / name.file
    if target.exists():
        raise BuildFailed([ContentError(relative_to_cwd(target), None, "this file already exists",
                                        "choose another name, or edit the file you have")])
    check_page_name(project, name)
    write_new(target, page_text(make_environment(project.templates), name))
    print(f"Created {relative_to_cwd(target)}: edit it, then run '{command_name()} serve' to see it.")
    return 0


def command_init(args: argparse.Namespace) -> int:
    from .render import make_environment
    from .scaffold import check_new_site_folder, install_requirement, site_files, write_new
    from .theme import bundled

    target: Path = args.directory
    check_new_site_folder(target)
    install, known_to_work = (args.install, True) if args.install else install_requirement()
    folder_name = target.resolve().name
    title = args.title or folder_name.replace("-", " ").replace("_", " ").strip().title() or "Study Notes"
    files = site_files(make_environment((bundled("templates"),)), title, install)
    for path, text in files.items():
        write_new(target / path, text)
    shown = relative_to_cwd(target)
    here = target.resolve() == Path.cwd().resolve()
    if command_name() == "studysite":  # installed: the new site is a folder of its own
        serve_it, add_page = ("" if here else f"cd {shown} && ") + "studysite serve", "studysite new"
    else:  # run from a studysite checkout, which stays the working folder
        serve_it, add_page = (f"{command_name()} serve --root {shown}", f"{command_name()} new --root {shown}")
    print(f"Created a study site in {shown}/ ({plural(len(files), 'file')}).\n"
          f"  See it:   {serve_it}\n"
          f"  Write:    edit the files in content/, or add a page with '{add_page} <category>/<topic>'\n"
          f"  Publish:  push to GitHub, then Settings -> Pages -> Source: GitHub Actions")
    if not known_to_work:
        print(f"note: this studysite was installed from a local folder, so .github/workflows/pages.yml "
              f"installs '{install}'; point that line at the studysite you use (a version, a release URL or "
              f"a Git URL), or run init again with --install", file=sys.stderr)
    return 0


def _port(text: str) -> int:
    try:
        port = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a port number (use 1 to 65535)") from None
    if not 1 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"{port} is not a port number (use 1 to 65535)")
    return port


class _Parser(argparse.ArgumentParser):
    """argparse with misuse reported in one line (argparse's usage block buries the message)."""

    def error(self, message: str):
        self.exit(2, f"{self.prog}: error: {message} (see '{self.prog} --help')\n")


def _parser() -> argparse.ArgumentParser:
    prog = command_name()
    common = argparse.ArgumentParser(add_help=False)
    # SUPPRESS: options may come before or after the command without one hiding the other.
    common.add_argument("--root", type=Path, default=argparse.SUPPRESS,
                        help="project folder holding site.yml, content/, templates/ and static/ (default: .)")
    common.add_argument("--content", type=Path, default=argparse.SUPPRESS,
                        help="content folder (default: ROOT/content)")
    common.add_argument("--output", type=Path, default=argparse.SUPPRESS,
                        help="output folder (default: ROOT/_site)")

    debug = argparse.ArgumentParser(add_help=False)
    debug.add_argument("--debug", action="store_true", default=argparse.SUPPRESS,
                       help="show the Python traceback of an internal error")
    paths = argparse.ArgumentParser(add_help=False, parents=[debug])  # (export: its --output is a file)
    paths.add_argument("--root", type=Path, default=argparse.SUPPRESS, help="project folder (default: .)")
    paths.add_argument("--content", type=Path, default=argparse.SUPPRESS, help="content folder (default: ROOT/content)")
    common = argparse.ArgumentParser(add_help=False, parents=[common, debug])

    parser = _Parser(
        prog=prog, parents=[common],
        description="Build a study website from Markdown question files.",
        epilog=f"Run '{prog} COMMAND --help' for a command's options. Without a command: build. "
               f"To start a site of your own: '{prog} init my-notes'.",
    )
    parser.add_argument("--version", action="version", version=f"studysite {__version__}")
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
                                description="Build, serve on this machine (127.0.0.1 unless --host says otherwise), "
                                            "rebuild on every save and update the open page.")
    serve.add_argument("--port", type=_port, default=8000, help="port to serve on (default: 8000)")
    serve.add_argument("--host", default="127.0.0.1", help="address to bind (default: 127.0.0.1)")
    new = commands.add_parser("new", parents=[common], help="create a page to edit: topic, quiz or tutorial",
                              description="Create content/<category>/<topic>.md (or .mcq.md, .tutorial.md) "
                                          "from a starter that shows the format; never overwrites.")
    new.add_argument("name", help="<category>/<topic>, for example optimization/adam; "
                                  "optimization/adam.mcq or .tutorial for a quiz or a tutorial")
    new.add_argument("--kind", choices=("interview", "mcq", "quiz", "tutorial"),
                     help="the page kind, quiz being another name for mcq (default: interview questions, or "
                          "what the name's suffix says)")
    export = commands.add_parser("export", parents=[paths], help="write the questions as an Anki deck, CSV or JSON",
                                 description="Write every question of the site as one file: an Anki deck (anki), "
                                             "an Anki text file (csv) or JSON (json), the same files that site.yml's "
                                             "downloads publishes with the site. Nothing else is written.")
    export.add_argument("format", choices=tuple(EXPORT_FORMATS), help="anki (an .apkg deck), csv or json")
    export.add_argument("--output", "-o", dest="export_file", type=Path, metavar="FILE",
                        help="the file to write, '-' for standard output (default: the site's name, such as "
                             "study-notes.apkg, in the current folder)")
    init = commands.add_parser("init", parents=[debug], help="start a new site repository",
                               description="Create a study site that builds and publishes on GitHub Pages as it "
                                           "stands: site.yml, a first category with a topic, a quiz and a "
                                           "tutorial, .gitignore and a GitHub Pages workflow. Refuses a folder "
                                           "that is not empty; never overwrites.")
    init.add_argument("directory", nargs="?", type=Path, default=Path("."),
                      help="the folder to create the site in (default: the current folder)")
    init.add_argument("--title", help="the site's title (default: from the folder's name)")
    init.add_argument("--install", metavar="REQUIREMENT",
                      help="what the workflow installs, for example 'studysite==0.1.0' or "
                           "'studysite @ git+https://github.com/you/studysite@v0.1.0' (default: this studysite)")
    return parser


COMMANDS = {"build": command_build, "check": command_check, "serve": command_serve, "new": command_new,
            "export": command_export}
NEEDS_CONTENT = ("build", "check", "serve", "export")


def _usage_problem(args: argparse.Namespace, project: Project) -> str | None:
    """What makes the command impossible before it starts (a missing folder), in one sentence."""
    if args.command == "init":
        return None
    if not project.root.is_dir():
        state = "is a file, not a folder" if project.root.exists() else "does not exist"
        return f"the project folder {project.root} {state} (pass --root with the folder of your site)"
    if (args.command or "build") in NEEDS_CONTENT and not project.content.is_dir():
        return (f"there is no content folder at {relative_to_cwd(project.content)}/: run the command in your site's "
                f"folder, pass --root or --content, or start a site with '{command_name()} init'")
    return None


def main(argv: list[str] | None = None) -> int:
    """Run a command; return the process exit code (0 ok, 1 content errors or internal error, 2 usage)."""
    args = _parser().parse_args(argv)
    root = getattr(args, "root", Path("."))
    project = Project(root=root, content=getattr(args, "content", root / "content"),
                      output=getattr(args, "output", root / "_site"))
    prog = f"{command_name()} {args.command or 'build'}"
    problem = _usage_problem(args, project)
    if problem:
        print(f"{prog}: error: {problem}", file=sys.stderr)
        return 2
    try:
        if args.command is None:
            args.clean = False
        if args.command == "init":
            return command_init(args)
        return COMMANDS[args.command or "build"](project, args)
    except BuildFailed as failed:
        print(failed, file=sys.stderr)
        return 1
    except UsageError as error:  # a command's own argument, such as the name given to 'new'
        print(f"{error}\n{prog}: nothing was written", file=sys.stderr)
        return 2
    except ContentError as error:  # a problem in a file that a stage raised on its own
        print(format_report([error]), file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("Stopped.", file=sys.stderr)
        return 130
    except Exception as exc:  # a bug: one line, not a traceback, unless asked for
        if getattr(args, "debug", False):
            raise
        problem = str(exc) if isinstance(exc, InternalError) else f"{type(exc).__name__}: {exc}"
        print(f"{prog}: internal error: {problem}\n"
              f"  hint: this is a bug in studysite {__version__}, not in your files; please report it on "
              f"studysite's issue tracker with the command you ran (add --debug to see the traceback)",
              file=sys.stderr)
        return 1


def run() -> None:
    """Console-script entry point."""
    sys.exit(main())
