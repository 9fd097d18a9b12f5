"""Issue 14, as tests: "No silently wrong output" and "Every error once, at its source, and never a false one".

Every case starts from a good site built once (exit 0), snapshots its `_site/` and its sources, makes
one change, runs one command, and asserts: the exit code; no traceback and no "internal error"; for an
error, its `file:line` (the right line) followed by a `hint:`; after a failed command, the last good
`_site/` byte for byte; and the sources as the change left them. Wording is asserted loosely (file,
line, 'hint:', a key word or two), since the messages are being rewritten.
"""

from __future__ import annotations

import os
import posixpath
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote

import jinja2
import pytest

from conftest import REPO, TOPIC, run_cli, write_files

# A valid 1x1 PNG (signature, IHDR), enough for the image-size reader.
PNG = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x02\0\0\0\x90wS\xde"
PNG_2 = PNG[:-4] + b"\x00\x00\x00\x00"  # the same length, other bytes

NOT_PUBLISHED = ("_site", ".studysite-cache", "._site.studysite-spare")  # (the spare: the site before last)


def files_of(folder: Path, skip: tuple[str, ...] = ()) -> dict[str, bytes]:
    """Every file under `folder` (by relative path) with its bytes, leaving out top-level `skip` names."""
    if not folder.exists():
        return {}
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file() and p.relative_to(folder).parts[0] not in skip}


@dataclass
class Result:
    code: int
    out: str
    err: str


class Site:
    """A project whose good build succeeded; `run` runs one command and checks what every command promises."""

    def __init__(self, root: Path, capsys):
        self.root, self.capsys = root, capsys
        self.built = files_of(root / "_site")  # the last good site

    def write(self, name: str, data: str | bytes) -> Path:
        path = self.root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(data, bytes):
            path.write_bytes(data)
        else:
            path.write_text(data, encoding="utf-8")
        return path

    def sources(self) -> dict[str, bytes]:
        return files_of(self.root, NOT_PUBLISHED)

    def site(self) -> dict[str, bytes]:
        return files_of(self.root / "_site")

    def html(self, relative: str) -> str:
        return (self.root / "_site" / relative).read_text(encoding="utf-8")

    def run(self, *args: str) -> Result:
        sources = self.sources()
        self.capsys.readouterr()
        code = run_cli(self.root, *args)
        captured = self.capsys.readouterr()
        result = Result(code, captured.out, captured.err)
        for stream in (result.out, result.err):
            assert "Traceback" not in stream, stream
            assert "internal error" not in stream, stream
        changed = sorted(set(self.sources().items()) ^ set(sources.items()))
        assert not changed, f"the command changed the sources (exit {code}): {[p for p, _ in changed][:5]}\n{result}"
        if code != 0:
            now = self.site()
            damaged = sorted(path for path in {*now, *self.built} if now.get(path) != self.built.get(path))
            assert not damaged, f"a failed command changed the last good _site/: {damaged[:5]}\n{result}"
        else:
            self.built = self.site()
        return result


class _CompiledTemplates(jinja2.BytecodeCache):
    """Jinja's compiled templates kept between the runs of this file (keyed by template and checked
    against its source, as Jinja does): only to keep the file fast; the builds are otherwise as they are."""

    def __init__(self) -> None:
        self.store: dict[str, bytes] = {}

    def load_bytecode(self, bucket) -> None:
        if bucket.key in self.store:
            bucket.bytecode_from_string(self.store[bucket.key])

    def dump_bytecode(self, bucket) -> None:
        self.store[bucket.key] = bucket.bytecode_to_string()


_COMPILED = _CompiledTemplates()


@pytest.fixture(autouse=True)
def _reuse_compiled_templates(monkeypatch):
    import studysite.render as render

    make_environment = getattr(render, "make_environment", None)
    if make_environment is None:
        return

    def with_cache(*args, **kwargs):
        env = make_environment(*args, **kwargs)
        env.bytecode_cache = _COMPILED
        return env
    monkeypatch.setattr(render, "make_environment", with_cache)


@pytest.fixture
def good(make_site, capsys, monkeypatch):
    """good(files, binary) -> a Site: make_site(files) with `binary` files too, built once with exit 0,
    the working folder its root."""
    def start(files: dict[str, str] | None = None, binary: dict[str, bytes] | None = None) -> Site:
        root = make_site(files)
        for name, data in (binary or {}).items():
            (root / name).parent.mkdir(parents=True, exist_ok=True)
            (root / name).write_bytes(data)
        monkeypatch.chdir(root)
        assert run_cli(root, "build") == 0, capsys.readouterr().err
        capsys.readouterr()
        return Site(root, capsys)
    return start


def blocks(err: str) -> list[str]:
    """stderr as its messages: a line that starts at the margin, with the indented lines (hints) after it."""
    found: list[str] = []
    for line in err.splitlines():
        if line[:1].isspace() and found:
            found[-1] += "\n" + line
        elif line.strip():
            found.append(line)
    return found


def message_at(err: str, path: str, line: int | None = None) -> str:
    """The one message reported at `path:line` (or at `path`, any line), which must carry a hint."""
    where = re.escape(path) + (f":{line}:" if line is not None else r"(?::\d+)?:")
    matching = [b for b in blocks(err) if re.match(rf"(?:warning: |error: )?{where}", b)]
    assert matching, f"nothing reported at {path}:{line}:\n{err}"
    assert "hint:" in matching[0], f"no hint for:\n{matching[0]}"
    return matching[0]


def assert_error(result: Result, path: str, line: int | None, *words: str) -> str:
    """Exit 1 with a message at path:line (with a hint) that mentions every one of `words` (any case)."""
    assert result.code == 1, (result.code, result.out, result.err)
    message = message_at(result.err, path, line)
    for word in words:
        assert word.lower() in message.lower(), f"{word!r} not in:\n{message}"
    return message


def summary_line(result: Result) -> str:
    """The line that sums a run up: 'Built ...', 'Up to date: ...', 'OK: ...' or 'N errors; ...'."""
    lines = [line for line in (result.out + result.err).splitlines()
             if re.match(r"(Built |Up to date|OK: |\d+ errors?\b)", line)]
    assert lines, result
    return lines[-1]


EXCEPTION_NAME = re.compile(r"\b[A-Z][A-Za-z]*(?:Error|Exception)\b")


def page(body: str, front: str = "title: T") -> str:
    return f"---\n{front}\n---\n\n{body}"


# ============================================================================================
# No silently wrong output
# ============================================================================================

@pytest.mark.parametrize("asset", ["content/nn/gradients.html", "content/nn/index.html"])
def test_an_asset_named_like_a_generated_page_is_an_error_naming_it(good, asset):
    site = good()
    site.write(asset, "<p>an asset, not the page</p>\n")
    result = site.run("build")
    assert result.code == 1, result
    message_at(result.err, asset)


@pytest.mark.parametrize("output", ["content/out", "content/nn/out", "static/out", "templates/out"])
def test_an_output_folder_inside_a_source_folder_is_refused(good, output):
    site = good({"static/extra.css": "body { margin: 0 }\n", "templates/notes.txt": "templates of my own\n"})
    result = site.run("build", "--output", output)
    assert result.code in (1, 2), result
    assert output.split("/")[0] in result.err, result.err
    assert not (site.root / output).exists()


def test_a_content_folder_inside_the_output_is_refused(good):
    site = good()
    write_files(site.root, {"out/content/nn/t.md": page("## Q? [easy]\n\nA.\n")})
    (site.root / "out/.studysite-output").touch()
    before = site.sources()
    result = site.run("build", "--content", "out/content", "--output", "out")
    assert result.code in (1, 2), result
    assert "out" in result.err
    assert set(site.sources().items()) == set(before.items()), "the sources changed"


@pytest.mark.parametrize("leftover", ["nn/.gradients.html.123.new", ".index.html.99999.new"])
@pytest.mark.parametrize("folder", ["_site", "._site.studysite-spare"])
def test_a_killed_builds_leftovers_are_cleaned_on_the_next_build(good, leftover, folder):
    """A build writes only into the spare folder (an older studysite wrote beside the pages): whatever
    a killed build left in either is gone once the next build has switched the site."""
    site = good()
    (site.root / folder / leftover).write_text("half of a page\n")
    site.write("content/nn/gradients.md", TOPIC.replace("Gradients grow.", "Gradients grow fast."))
    result = site.run("build")
    assert result.code == 0, result
    assert not (site.root / "_site" / leftover).exists()
    assert not [p for p in (site.root / "_site").rglob("*.new")]


def _edit_keeping_size_and_mtime(path: Path, old: bytes, new: bytes) -> None:
    assert len(old) == len(new)
    info = path.stat()
    data = path.read_bytes()
    assert old in data
    path.write_bytes(data.replace(old, new))
    os.utime(path, ns=(info.st_atime_ns, info.st_mtime_ns))
    assert path.stat().st_size == info.st_size and path.stat().st_mtime_ns == info.st_mtime_ns


@pytest.mark.parametrize("source, old, new, output", [
    ("content/nn/gradients.md", b"Gradients shrink.", b"Gradients SHRINK.", "nn/gradients.html"),
    ("site.yml", b"Study Notes", b"Study Nodes", "index.html"),
    ("content/nn/_category.yml", b"Neural Nets", b"Neural Nuts", "nn/index.html"),
    ("content/nn/img/k.png", PNG, PNG_2, "nn/img/k.png"),
], ids=["topic", "site.yml", "_category.yml", "image"])
def test_a_same_length_edit_with_its_old_mtime_restored_is_built(good, source, old, new, output):
    site = good({"site.yml": 'title: "Study Notes"\n', "content/nn/_category.yml": 'title: "Neural Nets"\n',
                 "content/nn/gradients.md": TOPIC.replace("Intro text.", "Intro text.\n\n![A kernel](img/k.png)")},
                {"content/nn/img/k.png": PNG})
    _edit_keeping_size_and_mtime(site.root / source, old, new)
    assert site.run("build").code == 0
    built = (site.root / "_site" / output).read_bytes()
    assert new in built, f"_site/{output} still shows the old {source}"


def _resolve(page_path: str, url: str) -> str:
    return posixpath.normpath(posixpath.join(posixpath.dirname(page_path), unquote(url.split("#")[0])))


@pytest.mark.parametrize("folder", ["Deep Learning", "Café notes"], ids=["spaces", "accents"])
def test_an_image_in_a_category_folder_whose_name_is_not_a_slug_is_published_where_its_page_points(good, folder):
    site = good()
    site.write(f"content/{folder}/t.md", page("## Q? [easy]\n\n![A kernel](img/k.png)\n\n[Notes](files/notes.txt)\n"))
    site.write(f"content/{folder}/img/k.png", PNG)
    site.write(f"content/{folder}/files/notes.txt", "notes\n")
    result = site.run("build")
    assert result.code == 0, result.err
    pages = [p for p in site.site() if p.endswith("/t.html")]
    assert len(pages) == 1, pages
    html = site.html(pages[0])
    src = re.search(r'<img\b[^>]*\ssrc="([^"]*)"', html).group(1)
    assert site.site().get(_resolve(pages[0], src)) == PNG, (pages[0], src)
    href = re.search(r'<a\b[^>]*\shref="([^"]*notes\.txt)"', html).group(1)
    assert site.site().get(_resolve(pages[0], href)) == b"notes\n", (pages[0], href)


def _tag_links(html: str) -> set[str]:
    return {url for url in re.findall(r'href="([^"]*tags/[^"]+\.html)"', html) if not url.endswith("tags/index.html")}


@pytest.mark.parametrize("nothing", ["???", "!!!"])
def test_a_tag_that_slugs_to_nothing_does_not_merge_with_a_real_tag_on_one_page(good, nothing):
    site = good()
    site.write("content/nn/t.md", page("## Q? [easy]\n\nA.\n", f'title: T\ntags: [tag, "{nothing}"]'))
    result = site.run("build")
    if result.code == 1:
        assert_error(result, "content/nn/t.md", 3)
    else:
        assert result.code == 0
        assert len(_tag_links(site.html("nn/t.html"))) == 2, _tag_links(site.html("nn/t.html"))


def test_a_tag_that_slugs_to_nothing_does_not_merge_with_a_real_tag_of_another_page(good):
    site = good()
    site.write("content/nn/a.md", page("## What is alpha? [easy]\n\nA.\n", "title: Alpha\ntags: [tag]"))
    site.write("content/nn/b.md", page("## What is beta? [easy]\n\nB.\n", 'title: Beta\ntags: ["???"]'))
    result = site.run("build")
    if result.code == 1:
        assert_error(result, "content/nn/b.md", 3)
    else:
        assert result.code == 0
        listed = re.findall(r'<a href="[^"]*" dir="auto">([^<]*)</a>', site.html("tags/tag.html"))
        assert "Alpha" in listed and "Beta" not in listed, f"tags/tag.html lists {listed}: Beta is tagged '???' only"


def test_a_yaml_document_end_inside_the_front_matter_is_not_turned_into_a_heading(good):
    site = good()
    site.write("content/nn/t.md", "---\ntitle: X\n...\nsummary: y\n---\n\n## Q? [easy]\n\nA.\n")
    result = site.run("build")
    if result.code == 1:
        assert_error(result, "content/nn/t.md", 3)
    else:
        html = site.html("nn/t.html")
        assert "summary: y" not in html, "the rest of the front matter became page text"
        assert '<meta name="description" content="y">' in html, "the summary after '...' was not read"


def test_a_yaml_document_end_before_the_closing_line_reads_the_whole_front_matter(good):
    site = good()
    site.write("content/nn/t.md", "---\ntitle: X\nsummary: y\n...\n---\n\n## Q? [easy]\n\nA.\n")
    result = site.run("build")
    if result.code == 1:
        assert_error(result, "content/nn/t.md", 4)
    else:
        html = site.html("nn/t.html")
        assert '<meta name="description" content="y">' in html, "the summary was not read"
        assert "<hr" not in html, "the closing '---' became a rule in the introduction"


@pytest.mark.parametrize("front, line", [
    (b'title: "a\\0b"', 2), (b'title: "a\\x00b"', 2), (b'title: "a\\u0000b"', 2), (b"title: a\0b", 2),
    (b'title: T\ntags: ["a\\0b"]', 3), (b'title: T\nsummary: "a\\0b"', 3), (b'title: T\ntip: "a\\0b"', 3),
], ids=["title-escape-0", "title-escape-x00", "title-escape-u0000", "title-raw-byte", "tags", "summary", "tip"])
def test_a_nul_in_the_front_matter_never_reaches_the_html(good, front, line):
    site = good()
    site.write("content/nn/t.md", b"---\n" + front + b"\n---\n\n## Q? [easy]\n\nA.\n")
    result = site.run("build")
    if result.code == 1:
        assert_error(result, "content/nn/t.md", line)
    else:
        assert result.code == 0
    leaking = [path for path, data in site.site().items() if b"\x00" in data]
    assert not leaking, leaking


@pytest.mark.parametrize("formula", [r"$\frac{a$", r"${a$", r"$a}$", r"$\frac{a}{b$", r"$\begin{matrix} a$",
                                     r"$\left( a$", r"$\frac{a}{$"])
def test_a_formula_that_cannot_be_read_is_an_error_at_its_line(good, formula):
    site = good()
    site.write("content/nn/t.md", page(f"## Q? [easy]\n\nLine one.\n\nSee {formula} here.\n"))
    result = site.run("build")
    assert_error(result, "content/nn/t.md", 9)
    assert not EXCEPTION_NAME.search(result.err), result.err


def test_a_display_formula_that_cannot_be_read_is_an_error_at_its_line(good):
    site = good()
    site.write("content/nn/t.md", page("## Q? [easy]\n\nLine one.\n\n$$\n\\frac{a\n$$\n"))
    result = site.run("build")
    assert result.code == 1, result
    assert re.search(r"content/nn/t\.md:(9|10):", result.err), result.err
    assert "hint:" in result.err and not EXCEPTION_NAME.search(result.err)


def _answer(html: str, question_id: str) -> str:
    return re.search(rf'<div class="card__answer[^"]*" id="{question_id}-answer".*?</div>', html, re.S).group(0)


OTHER_ANSWERS = ("Plain text.", "Some <b>bold</b> &amp; <i>more</i>.", "<div>\nA block.\n</div>",
                 "A note[^1].\n\n[^1]: The note.", "&copy; &#169; &lt;", "`code` and $x^2$", "<!-- a comment -->")


@pytest.mark.parametrize("mode", ["allow", "escape", "sanitize"])
def test_an_entity_without_a_semicolon_renders_the_same_whatever_the_other_answers_hold(good, mode):
    site = good({"site.yml": f"raw_html: {mode}\n"})
    for number, other in enumerate(OTHER_ANSWERS):  # one page per neighbour, in one build
        site.write(f"content/nn/e{number}.md", page("## Copyright? [easy]\n\nCopyright &#169 2024 me.\n\n"
                                                   f"## Other? [easy]\n\n{other}\n"))
    assert site.run("build").code == 0
    answers = {_answer(site.html(f"nn/e{number}.html"), "q-copyright") for number in range(len(OTHER_ANSWERS))}
    assert len(answers) == 1, answers


def test_a_hand_added_cname_is_kept_or_its_removal_is_explained(good):
    site = good()
    (site.root / "_site/CNAME").write_text("notes.example.com\n")
    site.write("content/nn/gradients.md", TOPIC.replace("Gradients grow.", "Gradients grow fast."))
    result = site.run("build")
    assert result.code == 0
    if not (site.root / "_site/CNAME").exists():
        assert "CNAME" in result.err and "warning" in result.err.lower(), result.err


def _documented_root_folders() -> list[str]:
    """The folders the docs name for files that belong at the site's root (CNAME, robots.txt, a favicon):
    a path such as `public/CNAME`, or a folder such as `public/` on a line that mentions CNAME."""
    docs = "\n".join(p.read_text(encoding="utf-8") for p in [*sorted((REPO / "docs").glob("*.md")), REPO / "README.md"])
    found = [m.group(1) for m in re.finditer(r"(?<![/:\w.-])([\w.-]+(?:/[\w. -]+)*)/(?:CNAME|robots\.txt)\b", docs)]
    for line in docs.splitlines():
        if "CNAME" in line:
            found += re.findall(r"`([\w.-]+(?:/[\w.-]+)*)/`", line)
    return [f for f in dict.fromkeys(found) if f.split("/")[0] not in ("_site", "http:", "https:")][:3]


def test_files_for_the_site_root_have_a_documented_place(good):
    folders = _documented_root_folders()
    assert folders, "the docs name no folder for CNAME and robots.txt (such as `public/CNAME`)"
    site = good()
    for folder in folders:  # the first that works is the documented place
        site.write(f"{folder}/CNAME", "notes.example.com\n")
        site.write(f"{folder}/robots.txt", "User-agent: *\n")
        if site.run("build").code == 0 and (site.root / "_site/CNAME").exists():
            break
    assert (site.root / "_site/CNAME").read_text() == "notes.example.com\n", folders
    assert (site.root / "_site/robots.txt").read_text() == "User-agent: *\n", folders


# ============================================================================================
# Every error once, at its source, and never a false one
# ============================================================================================

# Front matter with a summary and a checklist: a page that gives no warning, so that every message
# about it is an error.
QUIET = 'summary: "s"\nchecklist: ["c"]'
LINKING = page("## What links? [easy]\n\nSee [b](b.md), [its question](b.md#q-what-is-b) and "
               '<a href="b.html#q-what-is-b">the page</a>.\n', f"title: A\n{QUIET}\nrelated: [b]")
HEALTHY = page("## What is B? [easy]\n\nB.\n", f"title: B\n{QUIET}")


@pytest.mark.parametrize("fault, line", [
    (HEALTHY.replace(" [easy]", ""), 7),                       # a question without difficulty
    (HEALTHY.replace("title: B", "titel: B"), 2),              # an unknown key
    ("", 1),                                                   # an empty file
    (HEALTHY.replace("B.\n", "Math $\\foo{x}$.\n"), 9),        # a formula
    (HEALTHY.replace("title: B", "title: B\n\ttags: [x]"), 3),  # invalid YAML
    ("no front matter\n", 1),
], ids=["difficulty", "unknown-key", "empty", "formula", "yaml", "no-front-matter"])
def test_a_fault_in_one_file_makes_no_false_error_for_healthy_links_to_it(good, fault, line):
    site = good({"content/nn/a.md": LINKING, "content/nn/b.md": HEALTHY})
    site.write("content/nn/b.md", fault)
    result = site.run("build")
    assert_error(result, "content/nn/b.md", line)
    assert "content/nn/a.md" not in result.err, result.err
    assert "does not exist" not in result.err, result.err


def test_a_misspelt_title_key_is_one_error_with_a_hint(good):
    site = good()
    site.write("content/nn/t.md", page("## Q? [easy]\n\nA.\n", f"titel: T\n{QUIET}"))
    result = site.run("build")
    assert_error(result, "content/nn/t.md", 2, "titel", "title")
    about = [b for b in blocks(result.err) if "t.md" in b and not b.startswith("warning")]
    assert len(about) == 1 and summary_line(result).startswith("1 error"), result.err


def test_a_question_structure_error_does_not_hide_the_files_image_and_link_errors(good):
    site = good()
    site.write("content/nn/t.md", page("## First? [easy]\n\nSee ![a picture](img/missing.png) here.\n\n"
                                       "## Second?\n\nLink to [nowhere](nowhere.md).\n"))
    result = site.run("build")
    assert_error(result, "content/nn/t.md", 7, "img/missing.png")
    assert_error(result, "content/nn/t.md", 9, "difficulty")
    assert_error(result, "content/nn/t.md", 11, "nowhere.md")


def test_a_quiz_structure_error_does_not_hide_the_files_image_and_link_errors(good):
    site = good()
    site.write("content/nn/t.mcq.md", page("## First? [easy]\n\n- [x] only\n\n"
                                           "## Second? [easy]\n\n![a picture](img/missing.png)\n\n"
                                           "- [x] one\n- [ ] [two](nowhere.md)\n"))
    result = site.run("build")
    assert_error(result, "content/nn/t.mcq.md", 5)
    assert_error(result, "content/nn/t.mcq.md", 11, "img/missing.png")
    assert_error(result, "content/nn/t.mcq.md", 14, "nowhere.md")


def _thirty_without_difficulty(site: Site) -> None:
    for number in range(30):
        site.write(f"content/nn/m{number:02}.md", page(f"## What is m{number}?\n\nA.\n", f"title: M{number}"))


def test_thirty_missing_difficulties_do_not_hide_a_missing_image_elsewhere(good):
    site = good()
    _thirty_without_difficulty(site)
    site.write("content/nn/other.md", page("## O? [easy]\n\n![a picture](img/none.png)\n"))
    result = site.run("build")
    assert_error(result, "content/nn/other.md", 7, "img/none.png")
    assert result.err.count("has no difficulty") == 30
    assert summary_line(result).startswith("31 errors"), summary_line(result)


def test_thirty_missing_difficulties_do_not_hide_a_broken_anchor_elsewhere(good):
    site = good()
    _thirty_without_difficulty(site)
    site.write("content/nn/other.md", page("## O? [easy]\n\nSee [this](gradients.md#q-no-such-question).\n"))
    for command in ("build", "check"):
        result = site.run(command)
        assert_error(result, "content/nn/other.md", 7, "q-no-such-question")
        assert result.err.count("has no difficulty") == 30
        assert summary_line(result).startswith("31 errors"), summary_line(result)


@pytest.mark.parametrize("line_text, anchor, nearest", [
    ("See [the question](gradients.md#q-what-is-the-vanishing-gradient) here.",
     "q-what-is-the-vanishing-gradient", "q-what-is-the-vanishing-gradient-problem"),
    ('See <a href="gradients.html#q-what-are-exploding-gradient">the question</a> here.',
     "q-what-are-exploding-gradient", "q-what-are-exploding-gradients"),
    ("See [above](#q-what-link) here.", "q-what-link", "q-what-links"),
], ids=["markdown", "raw-html", "same-page"])
@pytest.mark.parametrize("command", ["build", "check"])
def test_a_broken_anchor_fails_build_and_check_at_its_markdown_line_with_the_nearest_id(good, command, line_text,
                                                                                          anchor, nearest):
    site = good()
    site.write("content/nn/a.md", page(f"## What links? [easy]\n\nIntro line.\n\n{line_text}\n"))
    result = site.run(command)
    message = assert_error(result, "content/nn/a.md", 9, anchor)
    assert nearest in message.replace(anchor + "'", ""), message
    assert not re.search(r"(?m)^(?:\S+/)?a\.html:\d+:", result.err), "reported at a line of the generated HTML"


@pytest.mark.parametrize("line_text", ['See <a href="other.html">the page</a> here.', "See [it](other.md) here."],
                         ids=["raw-html", "markdown"])
def test_a_broken_link_to_a_missing_page_fails_the_build_at_its_markdown_line(good, line_text):
    site = good()
    site.write("content/nn/a.md", page(f"## What links? [easy]\n\nIntro line.\n\n{line_text}\n"))
    assert_error(site.run("build"), "content/nn/a.md", 9, "other")


WARNED = page("## U? [easy]\n\nText.\n", "title: U")  # no summary, no checklist: two warnings
FAULTY = page("## V?\n\nText.\n", f"title: V\n{QUIET}")  # no difficulty (line 7), no warning


def test_check_strict_with_an_error_still_shows_the_warnings(good):
    site = good({"content/nn/u.md": WARNED})
    site.write("content/nn/v.md", FAULTY)
    result = site.run("check", "--strict")
    assert_error(result, "content/nn/v.md", 7, "difficulty")
    assert "no summary" in result.err and "no review checklist" in result.err, result.err


def test_a_build_summary_gives_the_warning_count(good):
    site = good()
    site.write("content/nn/u.md", WARNED)
    result = site.run("build")
    assert result.code == 0
    assert re.search(r"\b2 warnings\b", summary_line(result)), summary_line(result)


def test_an_up_to_date_build_gives_the_warning_count(good):
    site = good({"content/nn/u.md": WARNED})
    result = site.run("build")
    assert result.code == 0 and summary_line(result).startswith("Up to date")
    assert re.search(r"\b2 warnings\b", summary_line(result)), (result.out, result.err)


def test_a_failed_build_gives_the_warning_count(good):
    site = good({"content/nn/u.md": WARNED})
    site.write("content/nn/v.md", FAULTY)
    result = site.run("build")
    assert_error(result, "content/nn/v.md", 7)
    assert re.search(r"\b1 error\b", summary_line(result)) and re.search(r"\b2 warnings\b", summary_line(result)), \
        summary_line(result)


def test_a_failed_check_gives_the_warning_count(good):
    site = good({"content/nn/u.md": WARNED})
    site.write("content/nn/v.md", FAULTY)
    result = site.run("check")
    assert_error(result, "content/nn/v.md", 7)
    assert re.search(r"\b2 warnings\b", summary_line(result)), summary_line(result)


def test_a_successful_check_gives_the_warning_count(good):
    site = good({"content/nn/u.md": WARNED})
    result = site.run("check")
    assert result.code == 0 and re.search(r"\b2 warnings\b", summary_line(result)), result


# --- Weak messages, each with the key facts of a better one -------------------------------------

def test_a_tab_indenting_a_list_item_says_tab(good):
    site = good()
    site.write("content/nn/t.md", "---\ntitle: X\nchecklist:\n\t- a\n---\n\n## Q? [easy]\n\nA.\n")
    assert_error(site.run("build"), "content/nn/t.md", 4, "tab")


def test_a_tab_before_a_key_says_tab(good):
    site = good()
    site.write("content/nn/t.md", "---\ntitle: X\n\ttags: [a]\n---\n\n## Q? [easy]\n\nA.\n")
    assert_error(site.run("build"), "content/nn/t.md", 3, "tab")


@pytest.mark.parametrize("text, line", [
    ('---\ntitle: "X\nsummary: s\ntags: [a]\n---\n\n## Q? [easy]\n\nA.\n', 2),
    ("---\ntitle: T\nsummary: 'abc\ntags: [a]\n---\n\n## Q? [easy]\n\nA.\n", 3),
], ids=["double", "single"])
def test_an_unclosed_quote_is_reported_where_it_opens(good, text, line):
    site = good()
    site.write("content/nn/t.md", text)
    message = assert_error(site.run("build"), "content/nn/t.md", line)
    assert "quote" in message.lower(), message


@pytest.mark.parametrize("tag", ["!!python/object:os.system X", "!!python/name:os.system ''",
                                 "!!python/object/apply:os.system ['true']"], ids=["object", "name", "apply"])
def test_python_yaml_tags_are_said_to_be_not_allowed(good, tag):
    site = good()
    site.write("content/nn/t.md", page("## Q? [easy]\n\nA.\n", f"title: {tag}"))
    message = assert_error(site.run("build"), "content/nn/t.md", 2, "python")
    assert re.search(r"not allowed|not supported|unsupported|cannot be used|refused|are not", message, re.I), message


def test_a_yaml_merge_key_works_or_is_named(good):
    site = good()
    site.write("content/nn/t.md", '---\n<<: {title: "Merged title", summary: "s"}\n---\n\n## Q? [easy]\n\nA.\n')
    result = site.run("build")
    if result.code == 0:
        assert ">Merged title</h1>" in site.html("nn/t.html"), "built, but without the merged title"
    else:
        message = assert_error(result, "content/nn/t.md", 2)
        assert "<<" in message or "merge key" in message.lower(), message
        assert "constructor" not in message, message


def test_a_nul_byte_in_a_topic_file_is_named_with_its_line(good):
    site = good()
    site.write("content/nn/t.md", b"---\ntitle: X\n---\n\n## Q? [easy]\n\nA\0B.\n")
    message = assert_error(site.run("build"), "content/nn/t.md", 7)
    assert re.search(r"\bnul\b|null|zero byte|\\0|\\x00", message, re.I), message


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le"], ids=["with-bom", "without-bom"])
def test_a_utf16_topic_file_is_read_or_named(good, encoding):
    site = good()
    site.write("content/nn/t.md", page("## What is U? [easy]\n\nA.\n", "title: U").encode(encoding))
    result = site.run("build")
    if result.code == 0:
        assert "What is U?" in site.html("nn/t.html"), "built, but the question is not on the page"
    else:
        message = assert_error(result, "content/nn/t.md", None)
        assert "utf-16" in message.lower(), message


def test_a_question_heading_without_a_space_after_the_hashes_gets_a_hint(good):
    site = good()
    site.write("content/nn/t.md", page("##What is X? [easy]\n\nA.\n"))
    result = site.run("build")
    assert result.code in (0, 1)
    message = message_at(result.err, "content/nn/t.md", 5)
    assert "space" in message.lower(), message


def test_a_question_heading_with_closing_hashes_works_or_is_explained(good):
    site = good()
    site.write("content/nn/t.md", page("## What is X? [easy] ##\n\nA.\n"))
    result = site.run("build")
    if result.code == 0:
        html = site.html("nn/t.html")
        ok = 'data-difficulty="easy"' in html and "What is X?" in html and "[easy]" not in html
        assert ok, "built, but not as the question 'What is X?' of difficulty easy"
    else:
        message = assert_error(result, "content/nn/t.md", 5)
        assert "has no difficulty" not in message, message


def test_a_difficulty_in_parentheses_gets_a_hint_to_use_brackets(good):
    site = good()
    site.write("content/nn/t.md", page("## What is X? (easy)\n\nA.\n"))
    message = assert_error(site.run("build"), "content/nn/t.md", 5)
    hint = message.split("hint:", 1)[1]
    assert "(easy)" in hint or "parenthes" in hint.lower() or "square bracket" in hint.lower(), message


@pytest.mark.parametrize("where", ["answer", "checklist"])
def test_a_bad_checkbox_in_an_interview_page_renders_as_text_or_is_reported(good, where):
    site = good()
    body, front = ("## Q? [easy]\n\n- [x ] 201\n- [ ] 202\n", "title: T") if where == "answer" else \
        ("## Q? [easy]\n\nA.\n", "title: T\nchecklist:\n  - '[x ] 201'")
    site.write("content/nn/t.md", page(body, front))
    result = site.run("build")
    if result.code == 0:
        assert "[x ] 201" in site.html("nn/t.html"), "built, but '[x ] 201' is not shown as text"
    else:
        assert_error(result, "content/nn/t.md", 7 if where == "answer" else 4)


@pytest.mark.parametrize("options", ["- [x ] 201\n- [ ] 202\n- [x] 203\n", "- [x ] 201\n- [ ] 202\n- [ ] 203\n"],
                         ids=["beside-a-marked-option", "the-only-marked-option"])
def test_a_bad_checkbox_in_a_quiz_is_an_option_or_reported_at_its_line(good, options):
    site = good()
    site.write("content/nn/t.mcq.md", page(f"## Q? [easy]\n\n{options}"))
    result = site.run("build")
    if result.code == 0:  # read as the option it was meant to be, not as text above the options
        buttons = re.findall(r"<button\b[^>]*data-correct=\"(true|false)\"[^>]*>.*?</button>", site.html("nn/t-mcq.html"), re.S)
        texts = re.findall(r'class="option__text">([^<]*)<', site.html("nn/t-mcq.html"))
        assert "201" in texts and len(buttons) == 3, (texts, buttons)
    else:
        assert_error(result, "content/nn/t.mcq.md", 7)


def test_two_files_whose_names_slug_alike_are_one_message(good):
    site = good()
    site.write("content/nn/a b.md", page("## Q? [easy]\n\nA.\n", f"title: AB\n{QUIET}"))
    site.write("content/nn/a-b.md", page("## Q? [easy]\n\nA.\n", f"title: AB2\n{QUIET}"))
    result = site.run("build")
    assert result.code == 1
    about = [b for b in blocks(result.err) if ("a b.md" in b or "a-b.md" in b) and not b.startswith("warning")]
    assert len(about) == 1, about
    assert "a b.md" in about[0] and "a-b.md" in about[0] and "hint:" in about[0]


@pytest.mark.parametrize("mention", ["The file diagram.png shows it.", "As img/diagram.png shows:"],
                         ids=["same-folder", "sub-folder"])
def test_a_missing_image_is_reported_at_its_own_line_not_where_its_name_first_appears(good, mention):
    site = good()
    src = "img/diagram.png" if mention.startswith("As") else "diagram.png"
    site.write("content/nn/t.md", page(f"## Q? [easy]\n\n{mention}\n\nMore text.\n\n![A diagram]({src})\n"))
    result = site.run("build")
    assert_error(result, "content/nn/t.md", 11, src)
    assert "content/nn/t.md:7:" not in result.err, result.err
