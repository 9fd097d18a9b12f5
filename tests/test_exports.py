"""Exports: Anki decks checked by importing them with Anki itself, the Anki text file, the JSON question
bank against its schema, the download links, and `studysite export`."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import struct
import zlib
import zipfile
from pathlib import Path

import pytest

from conftest import REPO, run_cli, write_files
from studysite.anki import anki_code, anki_links, anki_math, anki_tag, media_file_name

anki_collection = pytest.importorskip("anki.collection")
from anki.import_export_pb2 import ImportAnkiPackageOptions, ImportCsvRequest  # noqa: E402


def png(color: tuple[int, int, int]) -> bytes:
    """A 1x1 PNG of one colour: real image bytes, different for each colour."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    raw = b"\x00" + bytes(color)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


SITE_YML = 'title: "Deep Notes"\nsite_url: "https://me.example.org/notes/"\ndownloads: [apkg, csv, json]\n'

GRADIENTS = """\
---
title: "Gradients"
summary: "How gradients flow."
tags: [Deep Learning, ResNet]
---

## What is the chain rule? [easy]

For \\(y = g(x)\\), the rule is

$$\\frac{\\partial L}{\\partial x} = \\frac{\\partial L}{\\partial y}\\frac{\\partial y}{\\partial x}$$

See [the quiz](gradients.mcq.md) and [the Python topic](../py/generators.md#q-what-is-a-generator).
A footnote[^1].

[^1]: From the backprop paper.

## Show the graph [medium] {#graph}

![The computation graph](img/graph.png)

## Write a generator [hard]

Tags: python basics, Deep Learning

```python
def count(n):
    yield n < 3
```

## A formula Anki cannot hold in its delimiters [hard]

Pasted MathML whose LaTeX holds Anki's closing delimiter:

<div><math display="block"><semantics><mrow><mi>x</mi></mrow><annotation encoding="application/x-tex">a \\] b</annotation></semantics></math></div>

and MathML with no LaTeX at all: <math><mi>y</mi></math>.
"""

QUIZ = """\
---
title: "Gradients Quiz"
---

## Which rule does backprop use? [medium]

Pick one.

- [ ] The product rule alone
- [x] The chain rule
- [ ] None

Backprop is the chain rule applied node by node.
"""

TUTORIAL = """\
---
title: "Gradients, explained"
---

## A section

Text.
"""

GENERATORS = """\
---
title: "Generators"
---

## What is a generator? [easy]

A function that yields.
"""


@pytest.fixture
def project(tmp_path) -> Path:
    root = tmp_path / "project"
    write_files(root, {"site.yml": SITE_YML, "content/nn/gradients.md": GRADIENTS, "content/nn/gradients.mcq.md": QUIZ,
                       "content/nn/gradients.tutorial.md": TUTORIAL, "content/py/generators.md": GENERATORS})
    (root / "content/nn/img").mkdir()
    (root / "content/nn/img/graph.png").write_bytes(png((200, 10, 10)))
    return root


def build(root: Path, *args: str) -> Path:
    assert run_cli(root, "build", *args) == 0
    return root / "_site"


def fresh_collection(tmp_path: Path, name: str = "collection"):
    return anki_collection.Collection(str(tmp_path / f"{name}.anki2"))


def import_package(collection, path: Path):
    request = anki_collection.ImportAnkiPackageRequest(package_path=str(path), options=ImportAnkiPackageOptions())
    return collection.import_anki_package(request).log


def notes_by_guid(collection) -> dict:
    return {note.guid: note for note in (collection.get_note(nid) for nid in collection.find_notes(""))}


def deck_of(collection, note) -> str:
    return collection.decks.name(collection.get_card(note.card_ids()[0]).did)


# --- The Anki deck, read back by Anki ---------------------------------------------------------------------

def test_the_site_deck_imports_into_anki_with_every_question(project, tmp_path):
    site = build(project)
    collection = fresh_collection(tmp_path)
    log = import_package(collection, site / "downloads/deep-notes.apkg")
    assert len(log.new) == 6 and collection.note_count() == 6 and collection.card_count() == 6
    notes = notes_by_guid(collection)
    assert len(notes) == 6 and all(re.fullmatch(r"[0-9a-f]{20}", guid) for guid in notes)
    by_source = {note["Source"]: note for note in notes.values()}
    chain = by_source["https://me.example.org/notes/nn/gradients.html#q-what-is-the-chain-rule"]
    assert chain.note_type()["name"] == "studysite question"
    assert [name for name in chain.keys()] == ["Question", "Answer", "Difficulty", "Source"]
    assert chain["Difficulty"] == "Easy" and "What is the chain rule?" in chain["Question"]
    assert sorted(chain.tags) == sorted(["difficulty::easy", "ResNet"])
    assert deck_of(collection, chain) == "Deep Notes::Nn::Gradients"
    # Math for Anki's MathJax, inline and display; no MathML left.
    assert r"\(y = g(x)\)" in chain["Answer"] and r"\[\frac{\partial L}{\partial x}" in chain["Answer"]
    # Links of the site become its addresses on the web; the footnote link stays within the card.
    assert 'href="https://me.example.org/notes/nn/gradients-mcq.html"' in chain["Answer"]
    assert 'href="https://me.example.org/notes/py/generators.html#q-what-is-a-generator"' in chain["Answer"]
    assert re.search(r'href="#fn-[^"]+"', chain["Answer"])
    # Code keeps its colours as inline styles, and its text.
    code = by_source["https://me.example.org/notes/nn/gradients.html#q-write-a-generator"]
    assert 'style="color: #008000; font-weight: bold">def</span>' in code["Answer"] and "class=\"k\"" not in code["Answer"]
    assert "&lt;" in code["Answer"] and sorted(code.tags) == sorted(
        ["difficulty::hard", "python_basics", "Deep_Learning", "ResNet"])
    # A quiz question: options on the front, the right one (with its letter) and the explanation on the back.
    quiz = by_source["https://me.example.org/notes/nn/gradients-mcq.html#q-which-rule-does-backprop-use"]
    assert deck_of(collection, quiz) == "Deep Notes::Nn::Gradients Quiz"
    assert "The product rule alone" in quiz["Question"] and "The chain rule" in quiz["Question"]
    assert "<strong>B.</strong> The chain rule" in quiz["Answer"] and "node by node" in quiz["Answer"]
    assert "product rule" not in quiz["Answer"]
    # The tutorial has no questions, so no cards.
    assert not any("tutorial" in source for source in by_source)


def test_an_answer_that_is_only_an_image_takes_the_image_into_the_deck(project, tmp_path):
    site = build(project)
    collection = fresh_collection(tmp_path)
    import_package(collection, site / "downloads/nn/gradients.apkg")
    graph = next(n for n in notes_by_guid(collection).values() if n["Source"].endswith("#q-graph"))
    name = media_file_name("nn/img/graph.png", png((200, 10, 10)))
    assert re.fullmatch(r"studysite-graph-[0-9a-f]{12}\.png", name)
    assert f'src="{name}"' in graph["Answer"] and 'alt="The computation graph"' in graph["Answer"]
    media = Path(collection.media.dir())
    assert sorted(os.listdir(media)) == [name] and (media / name).read_bytes() == png((200, 10, 10))


def test_the_topic_deck_holds_that_topic_only(project, tmp_path):
    site = build(project)
    collection = fresh_collection(tmp_path)
    import_package(collection, site / "downloads/nn/gradients.apkg")
    assert collection.note_count() == 4
    assert {deck_of(collection, n) for n in notes_by_guid(collection).values()} == {"Deep Notes::Nn::Gradients"}
    assert not (site / "downloads/nn/gradients-tutorial.apkg").exists()


def test_a_formula_anki_cannot_delimit_stays_mathml(project, tmp_path):
    site = build(project)
    collection = fresh_collection(tmp_path)
    import_package(collection, site / "downloads/nn/gradients.apkg")
    odd = next(n for n in notes_by_guid(collection).values() if "cannot hold" in n["Question"])
    assert odd["Answer"].count("<math") == 2 and r"\(" not in odd["Answer"] and r"\[" not in odd["Answer"]


def test_reimporting_after_one_edited_answer_updates_that_note_only(project, tmp_path):
    site = build(project)
    first = (site / "downloads/deep-notes.apkg").read_bytes()
    collection = fresh_collection(tmp_path)
    import_package(collection, site / "downloads/deep-notes.apkg")
    guids = set(notes_by_guid(collection))
    source = project / "content/nn/gradients.md"
    source.write_text(source.read_text().replace("A function", "x").replace("Gradients shrink", "y")
                      .replace("yield n < 3", "yield n > 3"))
    stat = source.stat()
    os.utime(source, (stat.st_atime, stat.st_mtime + 5))  # (an edit is newer than the last build)
    site = build(project)
    assert (site / "downloads/deep-notes.apkg").read_bytes() != first
    log = import_package(collection, site / "downloads/deep-notes.apkg")
    assert (len(log.new), len(log.updated)) == (0, 1) and len(log.duplicate) == 5
    assert collection.note_count() == 6 and set(notes_by_guid(collection)) == guids
    code = next(n for n in notes_by_guid(collection).values() if n["Source"].endswith("#q-write-a-generator"))
    assert "&gt;" in code["Answer"]


def test_the_same_content_gives_the_same_bytes(project, tmp_path):
    site = build(project)
    files = {path: path.read_bytes() for path in (site / "downloads").rglob("*") if path.is_file()}
    assert len(files) == 3 * 4  # apkg, csv and json: the site's and its three question pages'
    build(project, "--clean")
    assert {path: path.read_bytes() for path in files} == files
    other = tmp_path / "elsewhere"
    assert run_cli(project, "build", "--output", str(other)) == 0
    assert (other / "downloads/deep-notes.apkg").read_bytes() == files[site / "downloads/deep-notes.apkg"]
    with zipfile.ZipFile(site / "downloads/deep-notes.apkg") as archive:
        assert {info.date_time for info in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}
        assert archive.namelist() == ["collection.anki2", "media", "0"]


def test_without_site_url_the_source_is_the_path_and_links_lose_their_address(project, tmp_path):
    (project / "site.yml").write_text('title: "Deep Notes"\ndownloads: [apkg]\n')
    site = build(project)
    collection = fresh_collection(tmp_path)
    import_package(collection, site / "downloads/deep-notes.apkg")
    chain = next(n for n in notes_by_guid(collection).values() if "chain rule?" in n["Question"])
    assert chain["Source"] == "nn/gradients.html#q-what-is-the-chain-rule"
    assert "the quiz</a>" in chain["Answer"] and "gradients-mcq.html" not in chain["Answer"]
    assert re.search(r'href="#fn-', chain["Answer"])
    graph = next(n for n in notes_by_guid(collection).values() if n["Source"].endswith("#q-graph"))
    assert re.search(r'src="studysite-graph-[0-9a-f]{12}\.png"', graph["Answer"])


def test_guids_do_not_depend_on_the_text(project, tmp_path):
    site = build(project)
    before = {row["id"]: row["guid"] for topic in json.loads((site / "downloads/deep-notes.json").read_text())["topics"]
              for row in topic["questions"]}
    source = project / "content/nn/gradients.md"
    source.write_text(source.read_text().replace("Show the graph", "Draw the graph"))  # the id is fixed: q-graph
    site = build(project)
    after = {row["id"]: row["guid"] for topic in json.loads((site / "downloads/deep-notes.json").read_text())["topics"]
             for row in topic["questions"]}
    assert before == after


# --- The Anki text file ---------------------------------------------------------------------------------

def test_the_text_file_has_anki_headers_and_imports(project, tmp_path):
    site = build(project)
    text = (site / "downloads/deep-notes.csv").read_text(encoding="utf-8")
    assert text.splitlines()[:6] == ["#separator:Comma", "#html:true", "#notetype:studysite question",
                                     "#guid column:1", "#deck column:2", "#tags column:7"]
    rows = list(csv.reader(io.StringIO("\n".join(line for line in text.splitlines(keepends=False)
                                                 if not line.startswith("#")) + "\n")))
    json_guids = [q["guid"] for topic in json.loads((site / "downloads/deep-notes.json").read_text())["topics"]
                  for q in topic["questions"]]
    assert [row[0] for row in rows if row] == json_guids
    collection = fresh_collection(tmp_path)
    metadata = collection.get_csv_metadata(path=str(site / "downloads/deep-notes.csv"), delimiter=None)
    assert (metadata.guid_column, metadata.deck_column, metadata.tags_column) == (1, 2, 7)
    log = collection.import_csv(ImportCsvRequest(path=str(site / "downloads/deep-notes.csv"), metadata=metadata)).log
    assert len(log.new) == 6
    notes = notes_by_guid(collection)
    assert set(notes) == set(json_guids)
    chain = next(n for n in notes.values() if "chain rule?" in n.fields[0])
    assert deck_of(collection, chain) == "Deep Notes::Nn::Gradients" and "difficulty::easy" in chain.tags
    # Without the note type, Anki uses Basic: question and answer still land on the front and back.
    assert chain.note_type()["name"] == "Basic" and r"\(y = g(x)\)" in chain.fields[1]
    graph = next(n for n in notes.values() if "graph" in n.fields[0])
    assert 'src="https://me.example.org/notes/nn/img/graph.png"' in graph.fields[1]  # (a text file has no media)


def test_the_text_file_fills_every_field_once_the_deck_brought_the_note_type(project, tmp_path):
    site = build(project)
    collection = fresh_collection(tmp_path)
    import_package(collection, site / "downloads/nn/gradients.apkg")
    metadata = collection.get_csv_metadata(path=str(site / "downloads/deep-notes.csv"), delimiter=None)
    log = collection.import_csv(ImportCsvRequest(path=str(site / "downloads/deep-notes.csv"), metadata=metadata)).log
    assert len(log.new) == 2 and collection.note_count() == 6  # the quiz's and the generator topic's question
    notes = notes_by_guid(collection)
    generator = next(n for n in notes.values() if "What is a generator?" in n["Question"])
    assert generator.note_type()["name"] == "studysite question"
    assert generator["Difficulty"] == "Easy" and generator["Source"].endswith("py/generators.html#q-what-is-a-generator")


# --- The JSON question bank ---------------------------------------------------------------------------------

def test_the_json_bank_follows_its_schema(project):
    jsonschema = pytest.importorskip("jsonschema")
    site = build(project)
    schema = json.loads((REPO / "docs/question-bank.schema.json").read_text())
    bank = json.loads((site / "downloads/deep-notes.json").read_text(encoding="utf-8"))
    jsonschema.validate(bank, schema, cls=jsonschema.Draft202012Validator)
    assert bank["site"] == {"title": "Deep Notes", "description": "", "url": "https://me.example.org/notes/",
                            "language": "en"}
    topics = {t["page"]: t for t in bank["topics"]}
    assert sorted(topics) == ["nn/gradients-mcq.html", "nn/gradients.html", "py/generators.html"]
    quiz = topics["nn/gradients-mcq.html"]["questions"][0]
    assert [o["correct"] for o in quiz["options"]] == [False, True, False] and "answer_html" not in quiz
    graph = topics["nn/gradients.html"]["questions"][1]
    assert graph["id"] == "nn/gradients.html#q-graph" and graph["line"] == 18 and 'src="img/graph.png"' in graph["answer_html"]
    one = json.loads((site / "downloads/py/generators.json").read_text(encoding="utf-8"))
    jsonschema.validate(one, schema, cls=jsonschema.Draft202012Validator)
    assert [t["page"] for t in one["topics"]] == ["py/generators.html"]
    broken = json.loads(json.dumps(bank))
    broken["topics"][0]["questions"][0]["difficulty"] = "trivial"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(broken, schema, cls=jsonschema.Draft202012Validator)


# --- Where the downloads appear ------------------------------------------------------------------------------

def test_download_links_on_topic_quiz_and_home_pages_only(project):
    site = build(project)
    def links(page: str) -> list[str]:
        return re.findall(r'class="downloads__link" href="([^"]+)" download', (site / page).read_text())
    assert links("nn/gradients.html") == ["../downloads/nn/gradients.apkg", "../downloads/nn/gradients.csv",
                                          "../downloads/nn/gradients.json"]
    assert links("nn/gradients-mcq.html") == ["../downloads/nn/gradients-mcq.apkg",
                                              "../downloads/nn/gradients-mcq.csv", "../downloads/nn/gradients-mcq.json"]
    assert links("index.html") == ["downloads/deep-notes.apkg", "downloads/deep-notes.csv", "downloads/deep-notes.json"]
    assert links("nn/gradients-tutorial.html") == [] and links("nn/index.html") == []
    assert run_cli(project, "check") == 0


def test_no_downloads_setting_no_files_and_no_links(project):
    (project / "site.yml").write_text('title: "Deep Notes"\n')
    site = build(project)
    assert not (site / "downloads").exists() and "downloads__link" not in (site / "nn/gradients.html").read_text()


def test_downloads_follow_the_setting_and_the_content(project):
    (project / "site.yml").write_text('title: "Deep Notes"\ndownloads: json\n')
    site = build(project)
    assert sorted(p.name for p in (site / "downloads").rglob("*.*")) == ["deep-notes.json", "generators.json",
                                                                         "gradients-mcq.json", "gradients.json"]
    source = project / "content/nn/gradients.md"
    source.write_text(source.read_text().replace("[the Python topic](../py/generators.md#q-what-is-a-generator)", ""))
    (project / "content/py/generators.md").unlink()
    site = build(project)
    assert not (site / "downloads/py").exists()


def test_an_unknown_download_format_is_refused_with_a_suggestion(project, capsys):
    (project / "site.yml").write_text('title: "Deep Notes"\ndownloads: [apgk]\n')
    assert run_cli(project, "build") == 1
    err = capsys.readouterr().err
    assert "site.yml:2: unknown download format 'apgk' (did you mean 'apkg'?)" in err and "hint:" in err


def test_a_content_file_may_not_take_a_downloads_place(project, capsys):
    write_files(project, {"content/downloads/deep-notes.json": "{}"})
    (project / "content/downloads/x.md").write_text("---\ntitle: X\n---\n\n## Q? [easy]\n\nA.\n")
    assert run_cli(project, "build") == 1
    assert "this file would replace the site's own downloads/deep-notes.json" in capsys.readouterr().err


def test_an_image_change_alone_remakes_the_deck(project):
    site = build(project)
    before = (site / "downloads/nn/gradients.apkg").read_bytes()
    (project / "content/nn/img/graph.png").write_bytes(png((10, 200, 10)))
    site = build(project)
    assert (site / "downloads/nn/gradients.apkg").read_bytes() != before
    with zipfile.ZipFile(site / "downloads/nn/gradients.apkg") as archive:
        assert archive.read("0") == png((10, 200, 10))


# --- studysite export ---------------------------------------------------------------------------------------

def test_export_writes_the_same_files_as_the_downloads(project, tmp_path, monkeypatch, capfd):
    site = build(project)
    monkeypatch.chdir(tmp_path)
    assert run_cli(project, "export", "anki") == 0
    assert (tmp_path / "deep-notes.apkg").read_bytes() == (site / "downloads/deep-notes.apkg").read_bytes()
    assert "Exported 6 questions from 3 pages -> deep-notes.apkg" in capfd.readouterr().out
    assert run_cli(project, "export", "csv", "--output", str(tmp_path / "x.csv")) == 0
    capfd.readouterr()
    assert (tmp_path / "x.csv").read_bytes() == (site / "downloads/deep-notes.csv").read_bytes()
    assert run_cli(project, "export", "json", "-o", "-") == 0
    assert json.loads(capfd.readouterr().out)["format"] == "studysite-question-bank"


def test_export_without_downloads_setting_and_without_a_build(project, tmp_path):
    (project / "site.yml").write_text('title: "Deep Notes"\n')
    assert run_cli(project, "export", "json", "-o", str(tmp_path / "bank.json")) == 0
    assert len(json.loads((tmp_path / "bank.json").read_text())["topics"]) == 3
    assert not (project / "_site").exists()


def test_export_never_writes_over_a_source(project, capsys):
    before = (project / "content/py/generators.md").read_bytes()
    assert run_cli(project, "export", "csv", "-o", str(project / "content/py/generators.md")) == 2
    assert (project / "content/py/generators.md").read_bytes() == before
    assert "the export would be written among the site's own files" in capsys.readouterr().err
    assert run_cli(project, "export", "csv", "-o", str(project / "site.yml")) == 2
    assert run_cli(project, "export", "csv", "-o", str(project / "content")) == 2
    build(project)
    home = (project / "_site/index.html").read_bytes()
    assert run_cli(project, "export", "csv", "-o", str(project / "_site/index.html")) == 2  # the built site
    assert (project / "_site/index.html").read_bytes() == home


def test_export_without_output_never_writes_into_the_content(project, monkeypatch, capsys):
    monkeypatch.chdir(project / "content/nn")
    assert run_cli(project, "export", "anki") == 2
    assert "the export would be written among the site's own files" in capsys.readouterr().err
    assert not (project / "content/nn/deep-notes.apkg").exists()


def test_export_writes_through_a_device_or_a_link_without_replacing_it(project, tmp_path):
    target = tmp_path / "real.json"
    (tmp_path / "link.json").symlink_to(target)
    assert run_cli(project, "export", "json", "-o", str(tmp_path / "link.json")) == 0
    assert (tmp_path / "link.json").is_symlink() and json.loads(target.read_text())["format"]
    assert run_cli(project, "export", "json", "-o", os.devnull) == 0
    assert Path(os.devnull).is_char_device()


def test_export_to_a_place_it_cannot_write_says_so(project, tmp_path, capsys):
    assert run_cli(project, "export", "json", "-o", str(project / "site.yml" / "x.json")) == 2
    assert "cannot write the export: Not a directory" in capsys.readouterr().err
    assert run_cli(project, "export", "json", "-o", str(tmp_path / "missing" / "x.json")) == 2
    err = capsys.readouterr().err
    assert "cannot write the export: No such file or directory" in err and "--output questions.json" in err


def test_export_of_a_site_without_questions_fails_clearly(tmp_path, capsys):
    write_files(tmp_path, {"content/nn/intro.tutorial.md": TUTORIAL})
    assert run_cli(tmp_path, "export", "anki", "-o", str(tmp_path / "x.apkg")) == 1
    assert "the site has no questions to export" in capsys.readouterr().err and not (tmp_path / "x.apkg").exists()


def test_export_reports_content_errors_and_writes_nothing(project, tmp_path, capsys):
    (project / "content/py/generators.md").write_text("---\ntitle: [unclosed\n---\n")
    assert run_cli(project, "export", "anki", "-o", str(tmp_path / "x.apkg")) == 1
    assert "generators.md:3: invalid YAML" in capsys.readouterr().err and not (tmp_path / "x.apkg").exists()


def test_an_unknown_export_format_is_a_usage_error(project, capsys):
    with pytest.raises(SystemExit) as exit_:
        run_cli(project, "export", "pdf")
    assert exit_.value.code == 2 and "invalid choice: 'pdf'" in capsys.readouterr().err


# --- Pieces -----------------------------------------------------------------------------------------------

def test_math_code_links_and_tags_for_anki():
    inline = ('<math display="inline"><semantics><mrow><mi>x</mi></mrow>'
              '<annotation encoding="application/x-tex">x &lt; 1</annotation></semantics></math>')
    assert anki_math(f"<p>{inline}</p>") == r"<p>\(x &lt; 1\)</p>"
    block = inline.replace('"inline"', '"block"')
    assert anki_math(block) == r"\[x &lt; 1\]"
    held = block.replace("x &lt; 1", r"a \] b")
    assert anki_math(held) == held  # the delimiter inside: MathML stays
    assert anki_math("<math><mi>x</mi></math>") == "<math><mi>x</mi></math>"  # no LaTeX kept: MathML stays
    code = ('<div class="code" data-lang="python"><div class="code__bar"></div><div class="code__body"><pre tabindex="0">'
            '<span></span><code><span class="k">if</span> a &lt; b</code></pre></div>\n</div>')
    styled = anki_code(code)
    assert 'style="color: #008000; font-weight: bold">if</span>' in styled and "&lt;</span> b" in styled
    assert "a &lt; b" in anki_code(code.replace('"python"', '"no-such-language"'))
    names = {"nn/img/a.png": "studysite-a-1.png"}
    linked = anki_links('<img src="img/a.png" srcset="img/a2.png 2x"> <a href="other.html#q-x">x</a> '
                        '<a href="#fn-1">1</a> <a href="https://e.org/">e</a> <img src="img/missing.png">',
                        "nn/page.html", "https://s.org/", names.get)
    assert linked == ('<img src="studysite-a-1.png"> <a href="https://s.org/nn/other.html#q-x">x</a> '
                      '<a href="#fn-1">1</a> <a href="https://e.org/">e</a> <img src="https://s.org/nn/img/missing.png">')
    assert anki_links('<a href="../x.html">x</a>', "nn/page.html", "", names.get) == "<a>x</a>"
    assert anki_links('<a href="../../x.html">x</a>', "nn/page.html", "https://s.org/", names.get) == \
        '<a href="../../x.html">x</a>'  # above the site's root: left alone
    assert anki_tag("Deep  Learning ") == "Deep_Learning" and anki_tag("::a") == "a" and anki_tag(" ") == "tag"


# --- What a learner who already imported the deck gets (found by a hostile probe) -------------------

def reimport_after(project: Path, tmp_path: Path, change) -> tuple:
    """Build and import the site's deck, apply `change`, build again and import again: the log and notes."""
    site = build(project)
    collection = fresh_collection(tmp_path, "again")
    import_package(collection, site / "downloads/deep-notes.apkg")
    change()
    site = build(project)
    return import_package(collection, site / "downloads/deep-notes.apkg"), collection


def newer(path: Path) -> None:
    stat = path.stat()
    os.utime(path, (stat.st_atime, stat.st_mtime + 5))


def test_a_longer_answer_above_updates_only_its_own_note(project, tmp_path):
    source = project / "content/nn/gradients.md"

    def lengthen_the_first_answer():
        source.write_text(source.read_text().replace("A footnote[^1].", "A footnote[^1].\n\nOne more line.\n\nAnd one."))
        newer(source)
    log, collection = reimport_after(project, tmp_path, lengthen_the_first_answer)
    assert (len(log.new), len(log.updated), len(log.duplicate)) == (0, 1, 5)  # later questions moved down: unchanged


def test_a_changed_picture_reaches_the_note_and_the_collection(project, tmp_path):
    picture = project / "content/nn/img/graph.png"

    def repaint():
        picture.write_bytes(png((10, 10, 200)))
        newer(picture)
    log, collection = reimport_after(project, tmp_path, repaint)
    assert (len(log.new), len(log.updated)) == (0, 1)
    graph = next(n for n in notes_by_guid(collection).values() if n["Source"].endswith("#q-graph"))
    name = media_file_name("nn/img/graph.png", png((10, 10, 200)))
    assert f'src="{name}"' in graph["Answer"] and (Path(collection.media.dir()) / name).exists()


def test_a_changed_card_style_reaches_the_note_type(project, tmp_path):
    def restyle():  # (the site's first template: a new layer, so the build cache starts afresh too)
        write_files(project, {"templates/anki/card.css": ".card { color: rebeccapurple; }\n"})
        newer(project / "templates/anki/card.css")
    log, collection = reimport_after(project, tmp_path, restyle)
    assert (len(log.new), len(log.updated)) == (0, 6)
    collection.close()
    collection = fresh_collection(tmp_path, "again")  # (the same file, read afresh: the library caches note types)
    assert collection.models.by_name("studysite question")["css"] == ".card { color: rebeccapurple; }\n"


def test_deck_names_are_the_ones_anki_keeps(project, tmp_path):
    (project / "site.yml").write_text('title: "Notes ::: More "\nsite_url: "https://e.org/"\ndownloads: [apkg, csv]\n')
    write_files(project, {"content/nn/_category.yml": 'title: "Cafe\u0301 :: Re\u0301sume\u0301"\n'})
    site = build(project)
    collection = fresh_collection(tmp_path)
    import_package(collection, site / "downloads/notes-more.apkg")
    decks = sorted(d.name for d in collection.decks.all_names_and_ids())
    assert "Notes : More::Café : Résumé::Gradients" in decks
    metadata = collection.get_csv_metadata(path=str(site / "downloads/notes-more.csv"), delimiter=None)
    collection.import_csv(ImportCsvRequest(path=str(site / "downloads/notes-more.csv"), metadata=metadata))
    assert sorted(d.name for d in collection.decks.all_names_and_ids()) == decks  # no deck made twice


def test_addresses_of_files_with_spaces_and_anchors_on_the_same_page(project, tmp_path):
    (project / "content/nn/img/k one.png").write_bytes(png((1, 2, 3)))
    source = project / "content/nn/gradients.md"
    source.write_text(source.read_text().replace("![The computation graph](img/graph.png)",
                                                 "![The computation graph](img/graph.png) ![k](<img/k one.png>) "
                                                 "[up](#q-what-is-the-chain-rule)"))
    site = build(project)
    text = (site / "downloads/deep-notes.csv").read_text()
    assert 'src=""https://me.example.org/notes/nn/img/k%20one.png""' in text
    assert 'href=""https://me.example.org/notes/nn/gradients.html#q-what-is-the-chain-rule""' in text


def test_an_authors_own_code_div_keeps_the_text_after_it(project, tmp_path):
    source = project / "content/py/generators.md"
    source.write_text(source.read_text() + '\n<div class="code" data-lang="python">fake start</div>\n\nText that should stay.\n\n'
                      '```python\nx = 1\n```\n')
    site = build(project)
    collection = fresh_collection(tmp_path)
    import_package(collection, site / "downloads/py/generators.apkg")
    answer = next(iter(notes_by_guid(collection).values()))["Answer"]
    assert "fake start" in answer and "Text that should stay." in answer and 'class="studysite-code"' in answer


def test_the_json_source_is_the_file_as_it_is_named(tmp_path):
    write_files(tmp_path, {"site.yml": "title: T\ndownloads: [json]\n", "content/Deep Learning/My Topic.md": GENERATORS})
    site = build(tmp_path)
    bank = json.loads((site / "downloads/t.json").read_text())
    assert bank["topics"][0]["source"] == "Deep Learning/My Topic.md"


def test_options_past_z_are_numbered_alike_front_and_back(project, tmp_path):
    options = "".join(f"- [{'x' if i == 27 else ' '}] option {i}\n" for i in range(1, 29))
    (project / "content/nn/gradients.mcq.md").write_text(f"---\ntitle: Long quiz\n---\n\n## Which? [easy]\n\n{options}")
    site = build(project)
    collection = fresh_collection(tmp_path)
    import_package(collection, site / "downloads/nn/gradients-mcq.apkg")
    note = next(iter(notes_by_guid(collection).values()))
    assert "<strong>Z.</strong> option 26" in note["Question"] and "<strong>27.</strong> option 27" in note["Question"]
    assert "<strong>27.</strong> option 27" in note["Answer"]


def test_the_feed_drops_characters_xml_cannot_hold(project):
    import xml.etree.ElementTree as ET

    (project / "site.yml").write_text('title: T\nsite_url: "https://e.org/"\nfeed: true\n')
    source = project / "content/py/generators.md"
    source.write_text(source.read_text().replace('title: "Generators"', 'title: "Generators"\ndate: 2026-12-05')
                      .replace("A function that yields.", "Red: \x1b[31mred\x1b[0m and \x0b."))
    site = build(project)
    feed = ET.fromstring((site / "feed.xml").read_bytes())
    content = feed.find("{http://www.w3.org/2005/Atom}entry/{http://www.w3.org/2005/Atom}content").text
    assert "[31mred" in content and "\x1b" not in content


def test_site_url_with_a_query_or_fragment_is_refused(project, capsys):
    (project / "site.yml").write_text('title: T\nsite_url: "https://e.org/#top"\n')
    assert run_cli(project, "build") == 1
    assert "site.yml:2: 'site_url' must be the address of the site's folder, without '?' or '#'" in capsys.readouterr().err


def test_an_empty_feed_is_a_warning_and_a_bad_date_says_how_to_write_one(project, capsys):
    (project / "site.yml").write_text('title: T\nsite_url: "https://e.org/"\nfeed: true\n')
    assert run_cli(project, "build") == 0
    assert "site.yml: the feed is empty: no page with questions has a date" in capsys.readouterr().err
    source = project / "content/py/generators.md"
    source.write_text(source.read_text().replace('title: "Generators"', 'title: "Generators"\ndate: 2026-13-01'))
    assert run_cli(project, "build") == 1
    assert "hint: a date must be a real day written as YYYY-MM-DD" in capsys.readouterr().err


def test_web_addresses_are_encoded_but_keep_their_anchor():
    from studysite.render import web_address

    assert web_address("static/pre view.png", "https://e.org/n/") == "https://e.org/n/static/pre%20view.png"
    assert web_address("nn/café.html#q-x", "https://e.org/") == "https://e.org/nn/caf%C3%A9.html#q-x"
    assert web_address("nn/index.html", "https://e.org/") == "https://e.org/nn/"
