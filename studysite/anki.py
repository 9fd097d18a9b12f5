"""The questions as Anki reads them: fields fit for its cards (math, code, pictures, links), the
.apkg package and the Anki text file."""

from __future__ import annotations

import csv
import hashlib
import html
import io
import itertools
import json
import os
import posixpath
import re
import sqlite3
import warnings
import zipfile
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Callable, Iterable, Protocol
from urllib.parse import quote, unquote, urlsplit

from .model import Page, Question, slugify


class ExportedQuestion(Protocol):
    """What a note is made of (exports.ExportedQuestion has it)."""

    page: Page
    question: Question
    guid: str
    deck: str
    tags: tuple[str, ...]
    source: str

# The note type every studysite deck shares. Its id never changes: Anki matches a re-imported
# note type by id, and a new id would make a second note type for the same notes.
NOTE_TYPE_ID = 1_733_409_717
NOTE_TYPE_NAME = "studysite question"
NOTE_FIELDS = ("Question", "Answer", "Difficulty", "Source")
# A fixed date for every entry of the package's zip file, so the same content gives the same bytes.
_ZIP_DATE = (1980, 1, 1, 0, 0, 0)


def anki_tag(tag: str) -> str:
    """A tag as Anki keeps it: no spaces (they separate tags), no leading '::'."""
    return re.sub(r"\s+", "_", tag.strip()).strip(":") or "tag"


def file_time(path: Path) -> int:
    """When a file was last saved, in whole seconds (0 if it cannot be read)."""
    try:
        return int(os.stat(path).st_mtime)
    except OSError:
        return 0


# --- Fields: the site's HTML as Anki shows it ------------------------------------------------------

_MATH = re.compile(r"<math\b([^>]*)>(.*?)</math>", re.DOTALL)
_TEX = re.compile(r'<annotation encoding="application/x-tex">(.*?)</annotation>', re.DOTALL)
# Exactly the frame CodeFormatter writes (an author's own <div class="code"> is left alone).
_CODE = re.compile(r'<div class="code" data-lang="([^"]*)"><div class="code__bar">(?:(?!</div>).)*</div>'
                   r'<div class="code__body"><pre\b[^>]*>(.*?)</pre></div>\s*</div>', re.DOTALL)
_TAG = re.compile(r"<[^>]*>")
_ATTRIBUTE = re.compile(r'(<(a|img|source)\b[^>]*?)\s(href|src)="([^"]*)"', re.IGNORECASE)
_SRCSET = re.compile(r'\ssrcset="[^"]*"', re.IGNORECASE)


def anki_math(fragment: str) -> str:
    """Formulas as Anki's MathJax reads them, \\(...\\) and \\[...\\]; a formula whose LaTeX holds the
    closing delimiter itself stays MathML (which Anki's web views show as it is)."""
    def convert(match: re.Match) -> str:
        tex = _TEX.search(match.group(2))
        if tex is None:
            return match.group(0)
        display = 'display="block"' in match.group(1)
        opener, closer = (r"\[", r"\]") if display else (r"\(", r"\)")
        source = tex.group(1).strip()
        if closer in html.unescape(source) or not source:
            return match.group(0)
        return opener + source + closer
    return _MATH.sub(convert, fragment) if "<math" in fragment else fragment


def anki_code(fragment: str) -> str:
    """Code blocks highlighted with inline styles: AnkiMobile and AnkiDroid never see the site's CSS."""
    if 'class="code"' not in fragment:  # (most answers have no code)
        return fragment
    from pygments import highlight

    formatter = _inline_formatter()

    def convert(match: re.Match) -> str:
        code = html.unescape(_TAG.sub("", match.group(2)))
        return highlight(code, _lexer(match.group(1)), formatter)
    return _CODE.sub(convert, fragment)


@lru_cache(maxsize=256)
def _lexer(language: str):
    """The lexer of a code block's language (a lookup searches every lexer: once per language)."""
    from pygments.lexers import get_lexer_by_name
    from pygments.util import ClassNotFound

    try:
        return get_lexer_by_name(language or "text", stripnl=False)
    except ClassNotFound:
        return get_lexer_by_name("text", stripnl=False)


@lru_cache(maxsize=1)
def _inline_formatter():
    """Pygments' HTML with inline styles (building one costs more than highlighting a block)."""
    from pygments.formatters.html import HtmlFormatter

    return HtmlFormatter(noclasses=True, style="default", cssclass="studysite-code")


def site_path(page_path: str, url: str) -> str | None:
    """The site path a relative link of a page points at, or None for a link that leaves the site."""
    parts = urlsplit(url)
    if parts.scheme or url.startswith("//") or not parts.path:
        return None
    path = posixpath.normpath(posixpath.join(posixpath.dirname(page_path), unquote(parts.path)))
    return None if path == ".." or path.startswith("../") else path  # (above the site: not ours to rewrite)


def anki_links(fragment: str, page_path: str, site_url: str, media_name: Callable[[str], str | None]) -> str:
    """Links and images that work in a card: an image of the site becomes a media file (media_name
    gives its name, None: keep an address), another link of the site an address on the web (with
    site_url) or nothing (the text stays). Footnote links within the card stay as they are."""
    def convert(match: re.Match) -> str:
        start, tag, attribute, url = match.groups()
        parts = urlsplit(html.unescape(url))
        if not parts.path and not parts.scheme and not parts.netloc:  # '#q-x' on the page itself
            if parts.fragment.startswith("fn"):  # (footnotes and their back links are in the card)
                return match.group(0)
            path = page_path
        else:
            path = site_path(page_path, html.unescape(url))
        if path is None:
            return match.group(0)
        if tag.lower() != "a" and (name := media_name(path)) is not None:
            return f'{start} {attribute}="{html.escape(name)}"'
        if site_url:
            address = site_url + quote(path) + (f"?{parts.query}" if parts.query else "") + \
                (f"#{parts.fragment}" if parts.fragment else "")
            return f'{start} {attribute}="{html.escape(address)}"'
        return start if tag.lower() == "a" else f'{start} {attribute}="{html.escape(quote(path))}"'
    without_srcset = _SRCSET.sub("", fragment)  # (other sizes of an image are not in the deck)
    return _ATTRIBUTE.sub(convert, without_srcset)


def media_file_name(path: str, data: bytes) -> str:
    """A flat name for an image in Anki's one media folder, shared by every deck: its content's hash
    makes it unique (and one image used twice is one file)."""
    stem, extension = posixpath.splitext(posixpath.basename(path))
    return f"studysite-{slugify(stem, 40) or 'image'}-{hashlib.sha256(data).hexdigest()[:12]}{extension.lower()}"


def media_collector(assets: dict[str, Path]) -> tuple[Callable[[str], str | None], dict[str, bytes]]:
    """A media_name for anki_links over the site's files (output path -> source), and the media it
    names, filled as it is asked: flat name -> bytes."""
    media: dict[str, bytes] = {}
    names: dict[str, str] = {}

    def media_name(path: str) -> str | None:
        if path not in names:
            source = assets.get(path)
            if source is None:
                return None
            data = source.read_bytes()
            names[path] = media_file_name(path, data)
            media[names[path]] = data
        return names[path]
    return media_name, media


@dataclass(frozen=True)
class AnkiNote:
    """A note's four fields, tags and GUID as the Anki files hold them, and the media files it shows."""

    guid: str
    deck: str
    fields: tuple[str, str, str, str]
    tags: tuple[str, ...]
    media: tuple[str, ...] = ()


class AnkiNotes:
    """Each question as an Anki note, made once however many files hold it (the site's deck and its
    page's, the text files): `render_field('question' | 'answer', item)` gives the site's HTML of a
    field (from the theme's anki/ templates), made fit for Anki here. `known`: GUID -> (digest,
    question, answer) with math and code already made fit, kept between builds and filled here;
    `digests`: each GUID's digest now (note_times), which says whether a known entry still holds."""

    def __init__(self, render_field: Callable[[str, ExportedQuestion], str], site_url: str, assets: dict[str, Path],
                 digests: dict[str, str], known: dict[str, tuple[str, str, str]]):
        self.render_field, self.site_url, self.digests, self.known = render_field, site_url, digests, known
        self._media_name, self.media = media_collector(assets)
        self._made: dict[tuple[str, bool], AnkiNote] = {}

    def notes(self, questions: Iterable[ExportedQuestion], with_media: bool) -> list[AnkiNote]:
        """The notes of `questions`: their pictures as media (an .apkg), or as addresses (a text file)."""
        return [self._made.get((item.guid, with_media)) or self._make(item, with_media) for item in questions]

    def _fitted(self, item: ExportedQuestion) -> tuple[str, str]:
        """The question and answer fields with math and code made fit for Anki (links come after)."""
        digest = self.digests.get(item.guid, "")
        entry = self.known.get(item.guid)
        if entry is None or entry[0] != digest or not digest:
            entry = self.known[item.guid] = (digest, anki_code(anki_math(self.render_field("question", item))),
                                             anki_code(anki_math(self.render_field("answer", item))))
        return entry[1], entry[2]

    def _make(self, item: ExportedQuestion, with_media: bool) -> AnkiNote:
        used: list[str] = []

        def media_name(path: str) -> str | None:
            name = self._media_name(path) if with_media else None
            if name is not None:
                used.append(name)
            return name
        question, answer = (anki_links(field, item.page.output_path, self.site_url, media_name).strip()
                            for field in self._fitted(item))
        note = self._made[(item.guid, with_media)] = AnkiNote(
            item.guid, item.deck, (question, answer, item.question.difficulty.label, item.source), item.tags,
            tuple(dict.fromkeys(used)))
        return note


# --- The files ---------------------------------------------------------------------------------------

def anki_package(notes: list[AnkiNote], times: dict[str, tuple[str, int]], media: dict[str, bytes],
                 card_templates: tuple[str, str, str]) -> bytes:
    """An .apkg: one deck per topic, one note type, GUIDs and note times as given, and the images.
    The same notes give the same bytes (fixed ids, times and zip dates)."""
    import genanki

    front, back, css = card_templates
    model = genanki.Model(NOTE_TYPE_ID, NOTE_TYPE_NAME, fields=[{"name": name} for name in NOTE_FIELDS],
                          templates=[{"name": "Card 1", "qfmt": front, "afmt": back}], css=css)
    decks: dict[str, genanki.Deck] = {}
    for note in notes:
        if note.deck not in decks:
            decks[note.deck] = genanki.Deck(_deck_id(note.deck), note.deck)
        decks[note.deck].add_note(genanki.Note(model=model, fields=list(note.fields), tags=list(note.tags),
                                               guid=note.guid))
    newest = max((time for _, time in times.values()), default=0)
    # In memory (a file on a busy disk costs more than the rest), serialized as SQLite writes it.
    connection = sqlite3.connect(":memory:")
    try:
        cursor = connection.cursor()
        with warnings.catch_warnings():  # (genanki warns of HTML it would not write itself)
            warnings.simplefilter("ignore")
            genanki.Package(list(decks.values())).write_to_db(cursor, newest, itertools.count(newest * 1000))
        # genanki gives every note the package's time; each note keeps its own (see note_times).
        # By id: the notes table has no index on guid, and a scan per note grows with the square.
        ids = dict(cursor.execute("SELECT guid, id FROM notes"))
        cursor.executemany("UPDATE notes SET mod = ? WHERE id = ?",
                           [(times[note.guid][1], ids[note.guid]) for note in notes if note.guid in times])
        connection.commit()
        collection = connection.serialize()
    finally:
        connection.close()
    names = sorted(media)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        def add(name: str, data: bytes) -> None:
            entry = zipfile.ZipInfo(name, date_time=_ZIP_DATE)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            archive.writestr(entry, data)
        add("collection.anki2", collection)
        add("media", json.dumps({str(index): name for index, name in enumerate(names)}).encode("utf-8"))
        for index, name in enumerate(names):
            add(str(index), media[name])
    return buffer.getvalue()


def _deck_id(name: str) -> int:
    return int(hashlib.sha1(f"studysite deck\0{name}".encode("utf-8")).hexdigest()[:13], 16)


def anki_text(notes: list[AnkiNote]) -> bytes:
    """An Anki text file (Anki 2.1.54+): the headers say the separator, HTML, note type and which
    columns hold the GUID, deck and tags, so Anki imports it with no choices to make."""
    buffer = io.StringIO()
    buffer.write("#separator:Comma\n#html:true\n")
    buffer.write(f"#notetype:{NOTE_TYPE_NAME}\n")
    buffer.write("#guid column:1\n#deck column:2\n#tags column:7\n")
    writer = csv.writer(buffer, lineterminator="\n")
    for note in notes:
        writer.writerow((note.guid, note.deck, *note.fields, " ".join(note.tags)))
    return buffer.getvalue().encode("utf-8")



@dataclass(frozen=True)
class AnkiTemplates:
    """The theme's anki/ templates: the fields' renderer, the note type's front, back and CSS, and a
    key that changes when any of them does (every note is then newer, see note_times)."""

    render_field: Callable[[str, ExportedQuestion], str]
    card: tuple[str, str, str]
    key: str
    changed: int  # when the newest of them was saved


def anki_templates(env) -> AnkiTemplates:
    """The anki/ templates of the theme's layers (jinja2.TemplateError when one is missing or broken)."""
    names = ("question.html", "answer.html", "front.mustache", "back.mustache", "card.css")
    found = [env.loader.get_source(env, f"anki/{name}") for name in names]
    sources = [source for source, _, _ in found]
    fields = {name: env.get_template(f"anki/{name}.html") for name in ("question", "answer")}

    def render_field(name: str, item: ExportedQuestion) -> str:
        return fields[name].render(question=item.question, page=item.page)

    key = hashlib.sha1("\0".join(sources).encode("utf-8")).hexdigest()[:12]
    changed = max(file_time(Path(filename)) for _, filename, _ in found if filename)
    return AnkiTemplates(render_field, (sources[2], sources[3], sources[4]), key, changed)
