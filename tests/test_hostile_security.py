"""Hostile and careless input (issue 14): no script runs, no file leaks, no hang, no traceback.

Every case starts from a good site that built (exit 0), snapshots the output folder and the sources,
adds the bad input, runs the command again, and asserts:

- the exit code (1 for content errors, 2 where the command's own argument is wrong);
- no 'Traceback' and no 'internal error' on stderr;
- a `file:line` location where the input has a line, and a `hint:` line;
- the last good `_site/` byte-identical when the command fails;
- the sources unchanged.

Messages are matched loosely (file, line, 'hint:', a key word): their wording is free to change.
Processes are used only where one is needed (serve, and inputs that could hang or exhaust memory).
"""

from __future__ import annotations

import http.client
import os
import pickle
import re
import shutil
import stat
import subprocess
import sys
import time
from pathlib import Path
from xml.etree import ElementTree

import html5lib
import pytest

from conftest import REPO, TOPIC, free_port, write_files
from studysite.cli import main

MODES = ("allow", "escape", "sanitize")
ENV = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")]))}
MATHML = "{http://www.w3.org/1998/Math/MathML}"
# A 1x1 PNG: a real image, so that only its being a link outside the project can be wrong with it.
PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000"
                    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082")


# --- Snapshots -----------------------------------------------------------------------------

def tree(folder: Path, skip: tuple[str, ...] = ()) -> dict[str, object]:
    """Every entry under `folder` without following links or opening special files: files by their bytes,
    links by their target, folders and FIFOs by their kind."""
    found: dict[str, object] = {}
    if not folder.exists():
        return found
    for directory, subdirectories, files in os.walk(folder, followlinks=False):
        relative_dir = os.path.relpath(directory, folder)
        if relative_dir == ".":
            subdirectories[:] = [d for d in subdirectories if d not in skip]
            files = [f for f in files if f not in skip]
        for name in sorted(subdirectories + files):
            path = os.path.join(directory, name)
            relative = os.path.normpath(os.path.join(relative_dir, name))
            info = os.lstat(path)
            if stat.S_ISLNK(info.st_mode):
                found[relative] = ("link", os.readlink(path))
            elif stat.S_ISDIR(info.st_mode):
                found[relative] = ("dir",)
            elif stat.S_ISREG(info.st_mode):
                with open(path, "rb") as file:
                    found[relative] = file.read()
            else:
                found[relative] = ("special", stat.S_IFMT(info.st_mode))
    return found


def site_of(root: Path) -> dict[str, object]:
    return tree(root / "_site")


def sources_of(root: Path) -> dict[str, object]:
    """What the user wrote: everything in the project but the output folder and the tool's own hidden state at
    its top (the cache, and whatever hidden working folders a build keeps beside _site/)."""
    hidden = tuple(entry.name for entry in root.iterdir() if entry.name.startswith(".")) if root.is_dir() else ()
    return tree(root, skip=("_site", *hidden))


# --- Running -------------------------------------------------------------------------------

def run_build(root: Path, capsys, *args: str) -> tuple[int, str]:
    """`build` in this process; returns (exit code, stderr)."""
    capsys.readouterr()
    code = main(["build", "--root", str(root), *args])
    return code, capsys.readouterr().err


def start_good_site(make_site, capsys, monkeypatch, files: dict[str, str] | None = None) -> Path:
    """A project that builds (exit 0), the working folder set to it, so messages name 'content/...'."""
    root = make_site(files)
    monkeypatch.chdir(root)
    capsys.readouterr()
    assert main(["build", "--root", str(root)]) == 0, capsys.readouterr().err
    return root


def run_process(root: Path, args: list[str], timeout: float, tmp_path: Path,
                memory_limit: int | None = None) -> tuple[int | None, str, int, float]:
    """`python -m studysite ARGS` in `root`; returns (exit code or None on timeout, the first 20 kB of stderr,
    the size of stderr, seconds taken). Output goes to files, so a flood cannot fill this process's memory."""
    err_path = tmp_path / f"stderr-{time.monotonic_ns()}.txt"

    def limit() -> None:
        if memory_limit:
            import resource
            resource.setrlimit(resource.RLIMIT_AS, (memory_limit, memory_limit))

    started = time.monotonic()
    with open(err_path, "wb") as err_file:
        process = subprocess.Popen([sys.executable, "-m", "studysite", *args], cwd=root, env=ENV,
                                   stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=err_file,
                                   preexec_fn=limit)
        try:
            code = process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
            code = None
    taken = time.monotonic() - started
    size = err_path.stat().st_size
    with open(err_path, "rb") as err_file:
        err = err_file.read(20_000).decode("utf-8", "replace")
    return code, err, size, taken


def assert_no_crash(err: str) -> None:
    assert "Traceback" not in err, err[:3000]
    assert "internal error" not in err, err[:3000]


def assert_refused(code: int, err: str, root: Path, site_before, sources_before, *, where: tuple[str, ...] = (),
                   names: tuple[str, ...] = (), expected_code: int | tuple[int, ...] = 1) -> None:
    """A clean failure: the exit code, no traceback, a location (any of `where`), every word of `names`,
    a hint, the last good site byte-identical and the sources unchanged."""
    codes = expected_code if isinstance(expected_code, tuple) else (expected_code,)
    assert code in codes, f"exit {code}, expected {codes}\n{err[:3000]}"
    assert_no_crash(err)
    if where:
        assert any(location in err for location in where), f"none of {where} in:\n{err[:3000]}"
    for name in names:
        assert name in err, f"{name!r} not in:\n{err[:3000]}"
    assert "hint:" in err, err[:3000]
    assert site_of(root) == site_before, "the last good _site/ changed"
    assert sources_of(root) == sources_before, "the sources changed"


def changed_pages(root: Path, before: dict[str, object]) -> list[Path]:
    """The HTML files of _site/ that the last build wrote or changed."""
    return [root / "_site" / name for name, data in site_of(root).items()
            if name.endswith(".html") and before.get(name) != data]


# --- What a browser would run ----------------------------------------------------------------

URL_ATTRIBUTES = {"href", "src", "action", "formaction", "poster", "background", "cite", "data", "srcset",
                  "xlink:href", "ping", "lowsrc", "dynsrc"}
_SCRIPT_URL = re.compile(r"(?:javascript|vbscript):|data:\s*text/html", re.IGNORECASE)


def dangerous_url(value: str) -> bool:
    """Whether a browser would run `value` as a script URL: as the URL parser reads it, leading and trailing
    C0 controls and spaces are trimmed, tabs and newlines anywhere are dropped, and the scheme is
    case-insensitive."""
    squashed = re.sub(r"[\t\n\r]", "", value.strip("".join(map(chr, range(0x21)))))
    return bool(_SCRIPT_URL.match(squashed))


def local(name: str) -> str:
    return name.rsplit("}", 1)[-1]


def script_problems(html: str) -> list[str]:
    """Everything in `html`, as a browser's parser builds it, that can run a script."""
    document = html5lib.parse(html, treebuilder="etree", namespaceHTMLElements=False)
    problems = []

    def walk(element, in_math: bool) -> None:
        tag = element.tag if isinstance(element.tag, str) else ""
        name = local(tag)
        for attribute, value in element.attrib.items():
            attribute_name = local(attribute).lower()
            if attribute_name.startswith("on"):
                problems.append(f"<{name} {attribute_name}={value!r}>: an event handler")
            if (attribute_name in URL_ATTRIBUTES or attribute.endswith("}href")) and dangerous_url(value):
                problems.append(f"<{name} {attribute_name}={value!r}>: a script URL")
        if in_math and tag and not tag.startswith(MATHML):
            problems.append(f"<{name} {dict(element.attrib)}> inside <math>: HTML that came through a formula "
                            "unescaped")
        for child in element:
            walk(child, in_math or tag == MATHML + "math" or name == "math")

    walk(document, False)
    return problems


# --- Security: script URLs, event handlers and MathML, in every raw_html mode ---------------------

ANSWER_FILE = """\
---
title: Bad
summary: "A page with a hostile answer."
checklist:
  - "Point"
---

## What does this do? [easy]

{payload}
"""
ANSWER_LINE = 10  # the line of {payload}

ANSWERS = {
    "inline link": "[a](javascript:alert(1))",
    "inline link, mixed case": "[a](JaVaScRiPt:alert(1))",
    "inline link, entity for j": "[a](&#106;avascript:alert(1))",
    "inline link, entity tab inside the scheme": "[a](java&#9;script:alert(1))",
    "inline link, tab inside the scheme": "[a](<java\tscript:alert(1)>)",
    "inline link, leading control character": "[a](&#1;javascript:alert(1))",
    "reference link": "Read [this][x].\n\n[x]: javascript:alert(1)",
    "autolink": "<javascript:alert(1)>",
    "image": "![i](javascript:alert(1))",
    "data:text/html link": "[d](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "vbscript link": "[v](vbscript:msgbox(1))",
    "attribute list onclick": 'A paragraph.\n{: onclick="alert(1)" }',
    "attribute list autofocus onfocus": 'A paragraph.\n{: autofocus onfocus="alert(1)" }',
    "attribute list on a heading": '### Sub {: onclick="alert(1)" }',
    "attribute list on a link": '[l](https://example.org){: onmouseover="alert(1)" }',
    "attribute list setting href": '[l](https://example.org){: href="javascript:alert(1)" }',
    "MathML text with img": "$\\text{<img src=x onerror=alert(1)>}$",
    "MathML text with img, slashes": "$\\text{<img/src/onerror=alert(1)>}$",
}

FIELD_FILE = """\
---
title: Bad
{field}
---

## What does this do? [easy]

A.
"""

FIELDS = {  # case: (file name, text, lines the error may name)
    "tip link": ("bad.md", FIELD_FILE.format(field='tip: "[t](javascript:alert(1))"'), (3,)),
    "tip autolink": ("bad.md", FIELD_FILE.format(field='tip: "<javascript:alert(1)>"'), (3,)),
    "tip link, entity for j": ("bad.md", FIELD_FILE.format(field='tip: "[t](&#106;avascript:alert(1))"'), (3,)),
    "checklist link": ("bad.md", FIELD_FILE.format(field='checklist:\n  - "[c](JaVaScRiPt:alert(1))"'), (3, 4)),
    "checklist data:text/html link": ("bad.md", FIELD_FILE.format(
        field='checklist:\n  - "[c](data:text/html,<script>alert(1)</script>)"'), (3, 4)),
    "summary link": ("bad.md", FIELD_FILE.format(field='summary: "[s](javascript:alert(1))"'), (3,)),
    "takeaways link": ("bad.tutorial.md", '---\ntitle: Bad\ntakeaways:\n  - "[k](javascript:alert(1))"\n---\n\n'
                       "## Section\n\nText.\n", (3, 4)),
}

XSS_CASES = {**{f"answer: {case}": ("bad.md", ANSWER_FILE.format(payload=payload),
                                      tuple(range(ANSWER_LINE, ANSWER_LINE + payload.count("\n") + 1)))
                for case, payload in ANSWERS.items()},
             **{f"field: {case}": value for case, value in FIELDS.items()}}
# Each case lives in a category of its own (c00, c01 ...), and its 'alert(1)' becomes alert(1000 + its number),
# so that what reaches a page shared by all (the home page, checklist.html) is told apart by case.
CATEGORY = {case: f"c{number:02d}" for number, case in enumerate(XSS_CASES)}
TOKEN = {case: f"alert({1000 + number})" for number, case in enumerate(XSS_CASES)}


def xss_file(case: str) -> tuple[str, str, tuple[int, ...]]:
    """(content path, text, lines an error may name) of a case."""
    name, text, lines = XSS_CASES[case]
    return f"content/{CATEGORY[case]}/{name}", text.replace("alert(1)", TOKEN[case]), lines


class XssRun:
    """One good site of one raw_html mode, built; then the bad input added, and the build run again."""

    def __init__(self, root: Path, mode: str, cases: list[str]):
        self.root, self.cases = root, cases
        write_files(root, {"content/nn/gradients.md": TOPIC, "site.yml": f"title: Probe\nraw_html: {mode}\n"})
        code, err = build_quietly(root)
        assert code == 0, err
        self.site_before = site_of(root)
        write_files(root, {path: text for path, text, _ in map(xss_file, cases)})
        self.sources_before = sources_of(root)
        self.code, self.err = build_quietly(root)
        self.site_after, self.sources_after = site_of(root), sources_of(root)
        self.problems: dict[str, list[str]] = {}  # page -> what in it can run a script
        if self.code == 0:
            for page in changed_pages(root, self.site_before):
                self.problems[page.relative_to(root / "_site").as_posix()] = script_problems(page.read_text("utf-8"))

    def problems_of(self, case: str) -> list[str]:
        """What can run a script on the case's own pages, or on a shared page with the case's token."""
        category, found = CATEGORY[case] + "/", []
        for page, problems in self.problems.items():
            found += [f"{page}: {problem}" for problem in problems
                      if page.startswith(category) or TOKEN[case] in problem]
        return found

    def unattributed(self) -> list[str]:
        """Problems on shared pages that carry no case's token: they fail every case (the cause is unknown)."""
        return [f"{page}: {problem}" for page, problems in self.problems.items() if not re.match(r"c\d\d/", page)
                for problem in problems if not any(token in problem for token in TOKEN.values())]


def error_lines(err: str, shown: str) -> list[str]:
    """The report's error lines (not warnings, not hints) that name the file `shown`."""
    return [line for line in err.splitlines()
            if f"{shown}:" in line and not line[:1].isspace() and not line.lower().startswith("warning")]


def build_quietly(root: Path, *args: str) -> tuple[int, str]:
    """`build` in this process, in the project folder, with its output captured; returns (exit code, stderr)."""
    import contextlib
    import io

    out, err = io.StringIO(), io.StringIO()
    cwd = os.getcwd()
    os.chdir(root)
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main(["build", "--root", str(root), *args])
    finally:
        os.chdir(cwd)
    return code, err.getvalue()


@pytest.fixture(scope="module")
def xss_runs(tmp_path_factory):
    """mode -> the XssRun of every case at once, made when first asked for."""
    runs: dict[str, XssRun] = {}

    def run(mode: str) -> XssRun:
        if mode not in runs:
            runs[mode] = XssRun(tmp_path_factory.mktemp(f"xss-{mode}") / "project", mode, list(XSS_CASES))
        return runs[mode]
    return run


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("case", list(XSS_CASES))
def test_no_script_url_event_handler_or_html_in_math_reaches_a_page(xss_runs, tmp_path, case, mode):
    """The cases of a mode are built together, in one copy of a good site; a case whose own file the
    build did not report is built again alone, so that the failure of one case never hides another's."""
    run = xss_runs(mode)
    path, _, lines = xss_file(case)
    shown = path.removeprefix("content/")
    assert_no_crash(run.err)
    if run.code == 0:  # built: nothing on any page it wrote can run a script
        assert not run.problems_of(case) and not run.unattributed(), run.problems_of(case) or run.unattributed()
        assert run.sources_after == run.sources_before
        return
    assert run.code == 1, run.err[:3000]
    assert "hint:" in run.err and run.site_after == run.site_before and run.sources_after == run.sources_before
    reported = error_lines(run.err, shown)
    if reported:  # refused, and this case's file is among the reasons: at the payload's line
        assert any(f"{shown}:{line}:" in error for error in reported for line in lines), reported
        return
    alone = XssRun(tmp_path / "project", mode, [case])  # this case's file was not reported: build it on its own
    assert_no_crash(alone.err)
    if alone.code == 0:
        assert not alone.problems_of(case) and not alone.unattributed(), alone.problems_of(case) or alone.unattributed()
        assert alone.sources_after == alone.sources_before
    else:
        assert alone.code == 1, alone.err[:3000]
        assert "hint:" in alone.err, alone.err[:3000]
        assert any(f"{shown}:{line}:" in error for error in error_lines(alone.err, shown) for line in lines), \
            alone.err[:3000]
        assert alone.site_after == alone.site_before and alone.sources_after == alone.sources_before


@pytest.mark.parametrize("key, value", [
    ("repo_url", "javascript:alert(1)"),
    ("repo_url", '"  JaVaScRiPt:alert(document.domain)"'),
    ("repo_url", "vbscript:msgbox(1)"),
    ("site_url", "data:text/html,<script>alert(1)</script>"),
    ("site_url", "javascript://example.org/%0aalert(1)"),
])
def test_site_addresses_must_be_http(make_site, capsys, monkeypatch, key, value):
    root = start_good_site(make_site, capsys, monkeypatch, {"site.yml": "title: Probe\n"})
    site_before = site_of(root)
    (root / "site.yml").write_text(f"title: Probe\n{key}: {value}\n")
    sources_before = sources_of(root)
    code, err = run_build(root, capsys)
    assert_refused(code, err, root, site_before, sources_before, where=("site.yml:2:",), names=(key,))


# --- Security: SVG files from content cannot run script on the site's origin ----------------------

SVGS = {
    "script element": '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
                      '<script>alert(document.domain)</script><rect width="10" height="10"/></svg>\n',
    "onload attribute": '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10" onload="alert(1)">'
                        '<rect width="10" height="10"/></svg>\n',
    "javascript link": '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
                       'width="10" height="10"><a xlink:href="javascript:alert(1)"><rect width="10" height="10"/>'
                       '</a></svg>\n',
}


def svg_problems(data: bytes) -> list[str]:
    """What in a published SVG can run a script when the file is opened on its own."""
    text = data.decode("utf-8", "replace")
    try:
        document = ElementTree.fromstring(data)
    except ElementTree.ParseError:  # not well-formed: judge the text
        found = re.findall(r"<\s*script|\son[a-z]+\s*=|javascript\s*:", text, re.IGNORECASE)
        return [f"{match!r} in an SVG that is not well-formed" for match in found]
    problems = []
    for element in document.iter():
        if local(element.tag).lower() in ("script", "foreignobject", "handler"):
            problems.append(f"<{local(element.tag)}> element")
        for attribute, value in element.attrib.items():
            if local(attribute).lower().startswith("on"):
                problems.append(f"{local(attribute)}= event handler")
            if local(attribute).lower() == "href" and dangerous_url(value):
                problems.append(f"script URL {value!r}")
    return problems


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("case", list(SVGS))
def test_svg_from_content_cannot_run_script(make_site, capsys, monkeypatch, case, mode):
    root = start_good_site(make_site, capsys, monkeypatch, {"site.yml": f"title: Probe\nraw_html: {mode}\n"})
    site_before = site_of(root)
    (root / "content/nn/img").mkdir()
    (root / "content/nn/img/evil.svg").write_text(SVGS[case])
    write_files(root, {"content/nn/bad.md": ANSWER_FILE.format(payload="![A diagram](img/evil.svg)")})
    sources_before = sources_of(root)
    code, err = run_build(root, capsys)
    assert_no_crash(err)
    if mode == "allow":  # the author owns the site: whatever happens, it happens cleanly
        assert code in (0, 1), err
        if code == 1:
            assert "hint:" in err and site_of(root) == site_before, err
        return
    if code == 0:  # published, and made harmless
        published = {name: data for name, data in site_of(root).items() if name.lower().endswith(".svg")
                     and isinstance(data, bytes) and data not in site_before.values()}
        assert published, "the SVG was not published, and the build did not fail"
        problems = {name: svg_problems(data) for name, data in published.items()}
        assert not any(problems.values()), problems
        assert sources_of(root) == sources_before
    else:  # refused, naming the file
        assert_refused(code, err, root, site_before, sources_before, names=("evil.svg",))


# --- Security: only files inside the project are published --------------------------------------

def _outside_file(tmp_path: Path, name: str, data: bytes) -> Path:
    outside = tmp_path / "outside"
    outside.mkdir(exist_ok=True)
    (outside / name).write_bytes(data)
    return outside / name


SYMLINKS = ["notes.txt -> /etc/passwd", "img/x.png -> a file outside, used by an answer",
            "img/ -> a folder outside, used by an answer"]


@pytest.mark.parametrize("case", SYMLINKS)
def test_symlinks_in_content_never_publish_outside_files(make_site, capsys, monkeypatch, tmp_path, case):
    root = start_good_site(make_site, capsys, monkeypatch)
    site_before = site_of(root)
    nn = root / "content/nn"
    if case.startswith("notes.txt"):
        target = Path("/etc/passwd")
        if not target.is_file():
            pytest.skip("no /etc/passwd on this machine")
        os.symlink(target, nn / "notes.txt")
        secret, link_name, referenced = target.read_bytes(), "notes.txt", False
    elif case.startswith("img/x.png"):
        secret = PNG + b"outside secret"
        (nn / "img").mkdir()
        os.symlink(_outside_file(tmp_path, "x.png", secret), nn / "img/x.png")
        link_name, referenced = "x.png", True
    else:
        secret = PNG + b"outside folder secret"
        outside = _outside_file(tmp_path, "x.png", secret).parent
        os.symlink(outside, nn / "img")
        link_name, referenced = "img", True
    if referenced:
        write_files(root, {"content/nn/bad.md": ANSWER_FILE.format(payload="![A picture](img/x.png)")})
    sources_before = sources_of(root)
    code, err = run_build(root, capsys)
    assert_no_crash(err)
    leaked = [name for name, data in site_of(root).items() if data == secret]
    assert not leaked, f"published from outside the project: {leaked}"
    assert not (root / "_site/nn/notes.txt").exists() and not (root / "_site/nn/img/x.png").exists()
    if code != 0 or referenced:  # an answer needs the file, so skipping it silently would be wrong
        assert_refused(code, err, root, site_before, sources_before, names=(link_name,))
    assert sources_of(root) == sources_before


@pytest.mark.parametrize("case, name", [("FIFO named x.md", "x.md"), ("z.md -> /dev/zero", "z.md")])
def test_special_files_never_hang_the_build(make_site, capsys, monkeypatch, tmp_path, case, name):
    root = start_good_site(make_site, capsys, monkeypatch)
    site_before = site_of(root)
    if case.startswith("FIFO"):
        os.mkfifo(root / "content/nn" / name)
    else:
        os.symlink("/dev/zero", root / "content/nn" / name)
    sources_before = sources_of(root)
    code, err, _, taken = run_process(root, ["build", "--root", str(root)], timeout=20, tmp_path=tmp_path,
                                      memory_limit=2 << 30)
    assert code is not None, f"the build did not finish in 20 s; stderr so far:\n{err[:2000]}"
    assert_no_crash(err)
    assert name in err, f"no warning or error names the file (exit {code}):\n{err[:2000]}"
    if code == 0:
        assert "warning" in err.lower(), err[:2000]
        assert sources_of(root) == sources_before
    else:
        assert_refused(code, err, root, site_before, sources_before, names=(name,))


# --- Security: serve never serves a folder that the build refused --------------------------------

def http_get(port: int, path: str, timeout: float = 5) -> tuple[int, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def stop(process: subprocess.Popen) -> None:
    """End a server process, killing it if it will not stop."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def serve_until_exit(root: Path, args: list[str], tmp_path: Path, probe: str | None, seconds: float = 15):
    """Start `serve`; while it runs, try GET `probe`. Returns (exit code or None if it kept running,
    stderr, what GET `probe` answered with 200 or None)."""
    port = free_port()
    err_path = tmp_path / f"serve-{port}.err"
    with open(err_path, "wb") as err_file:
        process = subprocess.Popen([sys.executable, "-m", "studysite", "serve", "--root", str(root), *args,
                                    "--port", str(port)], cwd=root, env=ENV, stdin=subprocess.DEVNULL,
                                   stdout=err_file, stderr=err_file)
        leaked = None
        deadline = time.monotonic() + seconds
        try:
            while time.monotonic() < deadline and process.poll() is None:
                if probe is not None:
                    try:
                        status, body = http_get(port, probe, timeout=2)
                    except OSError:
                        pass
                    else:
                        if status == 200:
                            leaked = body
                            break
                time.sleep(0.1)
            code = process.poll()
        finally:
            stop(process)
    return code, err_path.read_text("utf-8", "replace"), leaked


def test_serve_refuses_an_output_folder_it_did_not_make_and_serves_nothing(make_site, capsys, monkeypatch, tmp_path):
    root = start_good_site(make_site, capsys, monkeypatch)
    home = tmp_path / "home"
    home.mkdir()
    (home / "secret.txt").write_text("private key material")
    (home / ".ssh").mkdir()
    (home / ".ssh/id_rsa").write_text("-----BEGIN PRIVATE KEY-----")
    home_before, sources_before = tree(home), sources_of(root)
    code, err, leaked = serve_until_exit(root, ["--output", str(home)], tmp_path, probe="/secret.txt")
    assert leaked is None, f"serve served {home}/secret.txt: {leaked!r}\n{err[:2000]}"
    assert code is not None, f"serve kept running after refusing the output folder:\n{err[:2000]}"
    assert code != 0, err
    assert_no_crash(err)
    assert "home" in err and "hint:" in err, err
    assert tree(home) == home_before and sources_of(root) == sources_before


def test_serve_refuses_an_output_that_is_a_file(make_site, capsys, monkeypatch, tmp_path):
    root = start_good_site(make_site, capsys, monkeypatch)
    output = tmp_path / "output.txt"
    output.write_text("not a folder")
    sources_before = sources_of(root)
    code, err, _ = serve_until_exit(root, ["--output", str(output)], tmp_path, probe=None)
    assert code is not None, f"serve kept running:\n{err[:2000]}"
    assert code in (1, 2), err
    assert_no_crash(err)
    assert "output.txt" in err and "hint:" in err, err
    assert output.read_text() == "not a folder" and sources_of(root) == sources_before


@pytest.mark.parametrize("what", ["missing folder", "a file"])
def test_serve_with_a_content_folder_that_is_not_one(make_site, capsys, monkeypatch, tmp_path, what):
    root = start_good_site(make_site, capsys, monkeypatch)
    site_before = site_of(root)
    content = tmp_path / "notes-content"
    if what == "a file":
        content.write_text("not a folder")
    sources_before = sources_of(root)
    code, err, _ = serve_until_exit(root, ["--content", str(content)], tmp_path, probe=None)
    assert code is not None, f"serve kept running:\n{err[:2000]}"
    assert code in (1, 2), err
    assert_no_crash(err)
    assert "notes-content" in err, err
    assert site_of(root) == site_before and sources_of(root) == sources_before


@pytest.mark.parametrize("path", ["/%00", "/nn/%00.html", "/static/%00.css"])
def test_serve_answers_a_nul_in_the_path_with_400(make_site, capsys, monkeypatch, tmp_path, path):
    root = start_good_site(make_site, capsys, monkeypatch)
    port = free_port()
    err_path = tmp_path / "serve.err"
    with open(err_path, "wb") as err_file:
        process = subprocess.Popen([sys.executable, "-m", "studysite", "serve", "--root", str(root),
                                    "--port", str(port)], cwd=root, env=ENV, stdin=subprocess.DEVNULL,
                                   stdout=err_file, stderr=err_file)
        try:
            deadline = time.monotonic() + 15
            while True:
                assert process.poll() is None, err_path.read_text()
                try:
                    if http_get(port, "/nn/gradients.html", timeout=2)[0] == 200:
                        break
                except OSError:
                    pass
                assert time.monotonic() < deadline, "the server did not start in 15 s"
                time.sleep(0.05)
            status, _ = http_get(port, path)
            time.sleep(0.2)  # let the server log the request
        finally:
            stop(process)
    log = err_path.read_text("utf-8", "replace")
    assert status == 400, f"GET {path} answered {status}\n{log[-3000:]}"
    assert "Traceback" not in log, log[-3000:]


# --- Security: the cache cannot run code -------------------------------------------------------

class _RunsCode:
    """Unpickling this runs a shell command: what a crafted cache file in a repository would do."""

    def __init__(self, marker: Path):
        self.marker = marker

    def __reduce__(self):
        return os.system, (f"touch '{self.marker}'",)


@pytest.mark.parametrize("files", [("manifest.pickle",), ("state.pickle",), ("manifest.pickle", "state.pickle")],
                         ids=["manifest", "state", "both"])
def test_a_crafted_cache_runs_no_code(make_site, capsys, monkeypatch, tmp_path, files):
    root = start_good_site(make_site, capsys, monkeypatch)
    cache = root / ".studysite-cache"
    cache.mkdir(exist_ok=True)
    marker = tmp_path / "MARKER"
    for name in files:
        (cache / name).write_bytes(pickle.dumps(_RunsCode(marker), protocol=2))
    topic = root / "content/nn/gradients.md"
    topic.write_text(topic.read_text().replace("Gradients shrink.", "Gradients shrink a lot."))  # state is read
    code, err = run_build(root, capsys)
    assert not marker.exists(), "unpickling the cache ran a shell command"
    assert code == 0, err
    assert_no_crash(err)
    assert "Gradients shrink a lot." in (root / "_site/nn/gradients.html").read_text()


# --- Bounded work and output: YAML alias bombs -------------------------------------------------

def alias_bomb(levels: int = 8, width: int = 9) -> list[str]:
    """'Billion laughs': each anchor lists the previous one `width` times; a..h of 9 expand to 43 million."""
    names = "abcdefghijklmnop"[:levels]
    lines = [f'a: &a [{", ".join(["lol"] * width)}]']
    for previous, name in zip(names, names[1:]):
        lines.append(f"{name}: &{name} [{', '.join(['*' + previous] * width)}]")
    return lines


@pytest.mark.parametrize("where", ["front matter", "site.yml"])
def test_a_yaml_alias_bomb_is_bounded(make_site, capsys, monkeypatch, tmp_path, where):
    root = start_good_site(make_site, capsys, monkeypatch, {"site.yml": "title: Probe\n"})
    site_before = site_of(root)
    bomb = alias_bomb()
    last = "abcdefgh"[len(bomb) - 1]
    if where == "front matter":
        shown = "bomb.md"
        write_files(root, {"content/nn/bomb.md": "---\ntitle: X\n" + "\n".join(bomb) +
                           f"\ntags: [*{last}]\n---\n\n## Q? [easy]\n\nA.\n"})
    else:
        shown = "site.yml"
        (root / "site.yml").write_text("title: Probe\n" + "\n".join(bomb) + f"\nextra_css: [*{last}]\n"
                                       f"description: [*{last}]\n")
    sources_before = sources_of(root)
    code, err, size, taken = run_process(root, ["build", "--root", str(root)], timeout=10, tmp_path=tmp_path,
                                         memory_limit=3 << 30)
    assert code is not None, f"the build took more than 10 s ({size} bytes of stderr so far)"
    assert size < 10_000, f"{size} bytes of stderr in {taken:.1f} s; it starts:\n{err[:1000]}"
    assert_no_crash(err)
    if code == 0:
        assert sources_of(root) == sources_before
    else:
        assert_refused(code, err, root, site_before, sources_before, where=(f"{shown}:",))
        assert re.search(rf"{re.escape(shown)}:\d+:", err), err


# --- Security: new never writes through a symlink -------------------------------------------------

@pytest.mark.parametrize("case", ["category folder is a link outside", "file name is a dangling link outside"])
def test_new_never_writes_through_a_symlink(make_site, capsys, monkeypatch, tmp_path, case):
    root = start_good_site(make_site, capsys, monkeypatch)
    site_before = site_of(root)
    outside = tmp_path / "outside"
    outside.mkdir()
    if case.startswith("category"):
        os.symlink(outside, root / "content/ext")
        name = "ext/topic"
    else:
        os.symlink(outside / "planted.md", root / "content/nn/topic.md")
        name = "nn/topic"
    sources_before = sources_of(root)
    capsys.readouterr()
    code = main(["new", name, "--root", str(root)])
    err = capsys.readouterr().err
    assert list(outside.iterdir()) == [], f"new wrote outside the project: {list(outside.iterdir())}"
    assert code in (1, 2), f"exit {code}\n{err}"
    assert_no_crash(err)
    assert "topic" in err and "hint:" in err, err
    assert site_of(root) == site_before and sources_of(root) == sources_before


# --- No traceback: site.yml ----------------------------------------------------------------------

SITE_YML = {  # case: (bytes of site.yml, where the message points, a key word)
    "a tab": (b"title: Probe\n\tdescription: x\n", "site.yml:2:", "tab"),
    "Latin-1 bytes": ("title: Caf\xe9 notes\n".encode("latin-1"), "site.yml:1:", "UTF-8"),
    "a list at top level": (b"- title\n- Probe\n", "site.yml:1:", ""),
    "unclosed quote": (b'title: "Probe\ndescription: x\n', "site.yml:1:", ""),
}


@pytest.mark.parametrize("case", list(SITE_YML) + ["a folder"])
def test_a_broken_site_yml_is_reported_without_a_traceback(make_site, capsys, monkeypatch, case):
    root = start_good_site(make_site, capsys, monkeypatch, {"site.yml": "title: Probe\n"})
    site_before = site_of(root)
    if case == "a folder":
        (root / "site.yml").unlink()
        (root / "site.yml").mkdir()
        where, word = "site.yml", ""
    else:
        data, where, word = SITE_YML[case]
        (root / "site.yml").write_bytes(data)
    sources_before = sources_of(root)
    code, err = run_build(root, capsys)
    assert_refused(code, err, root, site_before, sources_before, where=(where,))
    assert word.lower() in err.lower(), err


# --- No traceback: YAML type tags in front matter --------------------------------------------------

def test_front_matter_with_a_python_tag_runs_nothing(make_site, capsys, monkeypatch, tmp_path):
    root = start_good_site(make_site, capsys, monkeypatch)
    site_before = site_of(root)
    marker = tmp_path / "MARKER"
    write_files(root, {"content/nn/bad.md": f'---\ntitle: !!python/object/apply:os.system ["touch {marker}"]\n'
                                            "---\n\n## Q? [easy]\n\nA.\n"})
    sources_before = sources_of(root)
    code, err = run_build(root, capsys)
    assert not marker.exists(), "a YAML tag ran a shell command"
    assert_refused(code, err, root, site_before, sources_before, where=("bad.md:2:",))


@pytest.mark.parametrize("front, line", [
    pytest.param("title: !!int first", 2, id="title: !!int first"),
    pytest.param("title: X\nx: !!float", 3, id="x: !!float"),
    pytest.param("title: X\norder: !!float", 3, id="order: !!float"),
    pytest.param("title: X\ndate: !!timestamp yesterday", 3, id="date: !!timestamp yesterday"),
    pytest.param("title: X\norder: !!int 1e", 3, id="order: !!int 1e"),
    pytest.param("title: X\ntags: !!binary not*base64", 3, id="tags: !!binary not*base64"),
])
def test_yaml_type_tags_with_bad_values(make_site, capsys, monkeypatch, front, line):
    root = start_good_site(make_site, capsys, monkeypatch)
    site_before = site_of(root)
    write_files(root, {"content/nn/bad.md": f"---\n{front}\n---\n\n## Q? [easy]\n\nA.\n"})
    sources_before = sources_of(root)
    code, err = run_build(root, capsys)
    assert_refused(code, err, root, site_before, sources_before, where=(f"bad.md:{line}:",))


# --- No traceback: absurd nesting ----------------------------------------------------------------

NESTING = {
    "list 300 deep, two spaces a level": "".join("  " * depth + "- y\n" for depth in range(300)),
    "list 300 deep, four spaces a level": "".join("    " * depth + "- y\n" for depth in range(300)),
    "list 300 deep on one line": "- " * 300 + "y\n",
    "blockquote 1000 deep": ">" * 1000 + " y\n",
}


@pytest.mark.parametrize("case", list(NESTING))
def test_absurd_nesting_in_an_answer(make_site, capsys, monkeypatch, case):
    root = start_good_site(make_site, capsys, monkeypatch)
    site_before = site_of(root)
    write_files(root, {"content/nn/bad.md": ANSWER_FILE.format(payload=NESTING[case])})
    sources_before = sources_of(root)
    code, err = run_build(root, capsys)
    assert_no_crash(err)
    if code == 0:
        assert "y" in (root / "_site/nn/bad.html").read_text()
        assert sources_of(root) == sources_before
    else:
        assert_refused(code, err, root, site_before, sources_before, where=("bad.md:",))
        assert re.search(r"bad\.md:\d+:", err), err


# --- No silently wrong output: an asset named like a generated page --------------------------------

@pytest.mark.parametrize("name", ["gradients.html", "index.html"])
def test_an_asset_named_like_a_generated_page_is_an_error(make_site, capsys, monkeypatch, name):
    root = start_good_site(make_site, capsys, monkeypatch)
    site_before = site_of(root)
    (root / "content/nn" / name).write_text("<p>an asset, not the page</p>\n")
    sources_before = sources_of(root)
    code, err = run_build(root, capsys)
    assert_refused(code, err, root, site_before, sources_before, names=(name,))
    assert "an asset, not the page" not in (root / "_site/nn" / name).read_text()


# --- No traceback: a read-only output folder --------------------------------------------------------

def _make_read_only(folders: list[Path]) -> tuple[str, callable]:
    """Make `folders` unwritable: chmod 0o555 for a normal user; for root, who ignores permissions, the
    immutable attribute (chattr +i). Returns (how, undo); skips when neither works."""
    if os.geteuid() != 0:
        modes = {folder: folder.stat().st_mode for folder in folders}
        for folder in folders:
            folder.chmod(0o555)
        return "chmod 0o555", lambda: [folder.chmod(mode) for folder, mode in modes.items()]
    chattr = shutil.which("chattr")
    if chattr is None:
        pytest.skip("running as root, where chmod does not stop writes, and there is no chattr")
    done = []

    def undo() -> None:
        for folder in done:
            subprocess.run([chattr, "-i", str(folder)], capture_output=True)

    for folder in folders:
        result = subprocess.run([chattr, "+i", str(folder)], capture_output=True, text=True)
        if result.returncode != 0:
            undo()
            pytest.skip(f"running as root, where chmod does not stop writes, and chattr +i fails: {result.stderr}")
        done.append(folder)
    probe = folders[0] / "probe-write"
    try:
        probe.write_text("x")
    except OSError:
        return "chattr +i", undo
    probe.unlink()
    undo()
    pytest.skip("running as root, and neither chmod nor chattr +i stops writes here")


def test_a_read_only_output_folder_is_reported_without_a_traceback(make_site, capsys, monkeypatch):
    root = start_good_site(make_site, capsys, monkeypatch)
    topic = root / "content/nn/gradients.md"
    topic.write_text(topic.read_text().replace("Gradients shrink.", "Gradients shrink fast."))
    sources_before = sources_of(root)
    site_before = site_of(root)
    how, undo = _make_read_only([root / "_site", root / "_site/nn"])
    try:
        code, err = run_build(root, capsys)
        site_after = site_of(root)
    finally:
        undo()
    assert code == 1, f"exit {code} with the output folder made read-only by {how}\n{err}"
    assert_no_crash(err)
    assert "_site" in err and "hint:" in err, err
    assert site_after == site_before, "the last good _site/ changed"
    assert sources_of(root) == sources_before
