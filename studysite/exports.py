"""The question bank as files to take away: an Anki package (.apkg), an Anki text file (.csv) and JSON."""

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
import tempfile
import unicodedata
import warnings
import zipfile
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path
from typing import Callable, Iterable
from urllib.parse import quote, unquote, urlsplit

from .markup import html_to_text
from .model import Kind, Page, Question, Site, slugify

EXPORT_FORMATS = ("apkg", "csv", "json")
FORMAT_LABELS = {"apkg": "Anki deck", "csv": "Anki text file", "json": "JSON"}
DOWNLOADS_FOLDER = "downloads"

# The note type every studysite deck shares. Its id never changes: Anki matches a re-imported
# note type by id, and a new id would make a second note type for the same notes.
NOTE_TYPE_ID = 1_733_409_717
NOTE_TYPE_NAME = "studysite question"
NOTE_FIELDS = ("Question", "Answer", "Difficulty", "Source")
JSON_FORMAT = "studysite-question-bank"
JSON_VERSION = 1
# A fixed date for every entry of the package's zip file, so the same content gives the same bytes.
_ZIP_DATE = (1980, 1, 1, 0, 0, 0)


@dataclass(frozen=True)
class ExportedQuestion:
    """One question as every export names it: its stable id and GUID, deck, tags and source."""

    page: Page
    question: Question
    id: str  # "<page path>#<question id>": the key of the site's own saved progress too
    guid: str  # what Anki knows the note by: from the id and the site, never from the text
    deck: str  # Site::Category::Topic
    tags: tuple[str, ...]  # as Anki writes them: difficulty::x, the question's own, the whole topic's
    source: str  # the question's address on the web with site_url, else its path in the site
    digest: str  # of everything an export shows of it: a changed digest is an edited note


def exported_questions(site: Site, pages: Iterable[Page] | None = None) -> tuple[ExportedQuestion, ...]:
    """Every question of `pages` (by default, the whole site's question pages), in reading order."""
    category_titles = {c.slug: c.title for c in site.categories}
    chosen = site.pages if pages is None else pages
    found = []
    for page in chosen:
        if not page.kind.spec.has_questions:
            continue
        deck = "::".join(_deck_part(name) for name in (site.config.title, category_titles[page.category], page.title))
        # The page's tags that no question names itself are about the whole page (as on its tag pages).
        page_wide = [tag for tag in page.tags if not page.questions_tagged(tag)]
        for question in page.questions:
            stable_id = f"{page.output_path}#{question.id}"
            tags = tuple(dict.fromkeys((f"difficulty::{question.difficulty.value}",
                                        *map(anki_tag, question.tags), *map(anki_tag, page_wide))))
            source = (site.config.site_url or "") + stable_id
            guid = _guid(site.config.title, stable_id)
            digest = hashlib.sha1(repr((guid, deck, tags, source, _without_lines(question))).encode("utf-8")).hexdigest()
            found.append(ExportedQuestion(page, question, stable_id, guid, deck, tags, source, digest))
    return tuple(found)


def _without_lines(question: Question) -> Question:
    """The question as a note shows it: where it sits in its file is no change to the note."""
    return replace(question, line=0, options=tuple(replace(option, line=0) for option in question.options))


def _deck_part(name: str) -> str:
    # '::' nests decks in Anki: a title that contains it (or ':::') would make a deck level of its own.
    # Anki keeps names in NFC, trimmed: the text file's deck column must match them exactly.
    return re.sub(r"\s+", " ", re.sub(r":{2,}", ":", unicodedata.normalize("NFC", name))).strip() or "Untitled"


def anki_tag(tag: str) -> str:
    """A tag as Anki keeps it: no spaces (they separate tags), no leading '::'."""
    return re.sub(r"\s+", "_", tag.strip()).strip(":") or "tag"


def _guid(site_title: str, stable_id: str) -> str:
    # Anki's own GUIDs are base91 text; a hex digest is as good a key, and readable in the CSV.
    return hashlib.sha256(f"studysite\0{site_title}\0{stable_id}".encode("utf-8")).hexdigest()[:20]


# --- When each note last changed ------------------------------------------------------------------

def note_times(questions: Iterable[ExportedQuestion], previous: dict[str, tuple[str, int]],
               changed_at: Callable[[ExportedQuestion], int], shown_with: Callable[[ExportedQuestion], str] = lambda item: ""
               ) -> dict[str, tuple[str, int]]:
    """GUID -> (digest, modified time) for `questions`. Anki updates a re-imported note only when it
    is newer than its copy: a note unchanged since the last build keeps its time; a changed or new one
    takes `changed_at(item)`, the newest time of the files it is made from (and at least a second past
    its last). `shown_with(item)`: what else a note shows, such as its pictures' and templates' versions."""
    times = {}
    for item in questions:
        digest, known = previous.get(item.guid, ("", 0))
        current = item.digest + shown_with(item)
        times[item.guid] = (current, known) if digest == current and known else \
            (current, max(changed_at(item), known + 1))
    return times


def file_time(path: Path) -> int:
    """When a file was last saved, in whole seconds (0 if it cannot be read)."""
    try:
        return int(os.stat(path).st_mtime)
    except OSError:
        return 0


_SOURCE_ATTRIBUTE = re.compile(r'\s(?:src|srcset)="([^"]*)"')


def pictures_of(item: ExportedQuestion) -> list[str]:
    """The site paths of the files the question's HTML shows (its pictures), for their versions."""
    question = item.question
    text = " ".join((question.answer_html, question.prompt_html, question.explanation_html, question.title_html,
                     *(option.html for option in question.options)))
    paths = []
    for value in _SOURCE_ATTRIBUTE.findall(text):
        for url in value.split(","):
            path = _site_path(item.page.output_path, html.unescape(url.strip().split(" ")[0]))
            if path is not None:
                paths.append(path)
    return paths


# --- Where they are published --------------------------------------------------------------------

def download_path(fmt: str, site_title: str, page: Page | None = None) -> str:
    """The output path of the whole site's file (page None) or of one page's file, in format `fmt`."""
    if page is None:
        return f"{DOWNLOADS_FOLDER}/{slugify(site_title) or 'questions'}.{fmt}"
    return f"{DOWNLOADS_FOLDER}/{page.category}/{page.slug}.{fmt}"


def has_downloads(page: Page) -> bool:
    """Pages whose own files are published: those with questions."""
    return page.kind.spec.has_questions and bool(page.questions)


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
    from pygments.lexers import get_lexer_by_name
    from pygments.util import ClassNotFound

    formatter = _inline_formatter()

    def convert(match: re.Match) -> str:
        code = html.unescape(_TAG.sub("", match.group(2)))
        try:
            lexer = get_lexer_by_name(match.group(1) or "text", stripnl=False)
        except ClassNotFound:
            lexer = get_lexer_by_name("text", stripnl=False)
        return highlight(code, lexer, formatter)
    return _CODE.sub(convert, fragment)


@lru_cache(maxsize=1)
def _inline_formatter():
    """Pygments' HTML with inline styles (building one costs more than highlighting a block)."""
    from pygments.formatters.html import HtmlFormatter

    return HtmlFormatter(noclasses=True, style="default", cssclass="studysite-code")


def _site_path(page_path: str, url: str) -> str | None:
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
            path = _site_path(page_path, html.unescape(url))
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
    """Each question as an Anki note, made once per build however many files hold it (the site's
    deck and its page's, the text files): `render_field('question' | 'answer', item)` gives the
    site's HTML of a field (from the theme's anki/ templates), made fit for Anki here."""

    def __init__(self, render_field: Callable[[str, ExportedQuestion], str], site_url: str, assets: dict[str, Path]):
        self.render_field, self.site_url = render_field, site_url
        self._media_name, self.media = media_collector(assets)
        self._made: dict[tuple[str, bool], AnkiNote] = {}

    def notes(self, questions: Iterable[ExportedQuestion], with_media: bool) -> list[AnkiNote]:
        """The notes of `questions`: their pictures as media (an .apkg), or as addresses (a text file)."""
        return [self._made.get((item.guid, with_media)) or self._make(item, with_media) for item in questions]

    def _make(self, item: ExportedQuestion, with_media: bool) -> AnkiNote:
        used: list[str] = []

        def media_name(path: str) -> str | None:
            name = self._media_name(path) if with_media else None
            if name is not None:
                used.append(name)
            return name

        def fit(html_text: str) -> str:
            return anki_links(anki_code(anki_math(html_text)), item.page.output_path, self.site_url, media_name).strip()
        fields = (fit(self.render_field("question", item)), fit(self.render_field("answer", item)),
                  item.question.difficulty.label, item.source)
        note = self._made[(item.guid, with_media)] = AnkiNote(item.guid, item.deck, fields, item.tags,
                                                              tuple(dict.fromkeys(used)))
        return note


# --- The files ------------------------------------------------------------------------------------

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
    with tempfile.TemporaryDirectory(prefix="studysite-anki-") as folder:
        database = Path(folder) / "collection.anki2"
        connection = sqlite3.connect(database)
        try:
            cursor = connection.cursor()
            with warnings.catch_warnings():  # (genanki warns of HTML it would not write itself)
                warnings.simplefilter("ignore")
                genanki.Package(list(decks.values())).write_to_db(cursor, newest, itertools.count(newest * 1000))
            # genanki gives every note the package's time; each note keeps its own (see note_times).
            cursor.executemany("UPDATE notes SET mod = ? WHERE guid = ?",
                               [(times[note.guid][1], note.guid) for note in notes if note.guid in times])
            connection.commit()
        finally:
            connection.close()
        collection = database.read_bytes()
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


def question_bank(site: Site, questions: Iterable[ExportedQuestion]) -> bytes:
    """The questions as one JSON document (docs/question-bank.schema.json): the site's HTML as on its
    pages (links relative to `page`), with the same ids and GUIDs as the Anki files."""
    config = site.config
    category_titles = {c.slug: c.title for c in site.categories}
    topics: dict[str, dict] = {}
    for item in questions:
        page, question = item.page, item.question
        topic = topics.get(page.output_path)
        if topic is None:
            topic = topics[page.output_path] = {
                "page": page.output_path, "url": (config.site_url or "") + page.output_path, "title": page.title,
                "kind": page.kind.value, "category": {"slug": page.category, "title": category_titles[page.category]},
                "summary": page.summary, "tags": list(page.tags), "deck": item.deck,
                "source": f"{page.source_path.parent.name}/{page.source_path.name}", "questions": []}
        entry = {"id": item.id, "anchor": question.id, "guid": item.guid, "title": html_to_text(question.title_html),
                 "title_html": question.title_html, "difficulty": question.difficulty.value,
                 "tags": list(question.tags), "anki_tags": list(item.tags), "url": item.source,
                 "line": question.line}
        if page.kind is Kind.MCQ:
            entry.update(prompt_html=question.prompt_html,
                         options=[{"html": o.html, "correct": o.is_correct} for o in question.options],
                         explanation_html=question.explanation_html)
        else:
            entry["answer_html"] = question.answer_html
        topic["questions"].append(entry)
    document = {"format": JSON_FORMAT, "version": JSON_VERSION,
                "site": {"title": config.title, "description": config.description, "url": config.site_url or None,
                         "language": config.language},
                "topics": list(topics.values())}
    return (json.dumps(document, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


# --- Planned with the site -------------------------------------------------------------------------

@dataclass(frozen=True)
class PlannedExport:
    """One file of `downloads:` to make: its format, its questions and a fingerprint of what it holds."""

    path: str
    fmt: str
    questions: tuple[ExportedQuestion, ...]
    times: dict[str, tuple[str, int]]
    fingerprint: str


def plan_exports(site: Site, questions: tuple[ExportedQuestion, ...], times: dict[str, tuple[str, int]],
                 key: str) -> list[PlannedExport]:
    """The files `downloads:` publishes: per format, the whole site's and each question page's.
    `key`: what every file depends on besides its questions (settings, templates, images)."""
    by_page: dict[str, list[ExportedQuestion]] = {}
    for item in questions:
        by_page.setdefault(item.page.output_path, []).append(item)
    groups = [(None, questions)] if questions else []
    groups += [(group[0].page, tuple(group)) for group in by_page.values()]
    plan = []
    for fmt in site.config.downloads:
        for page, group in groups:
            pages = {item.page.output_path: item.page for item in group}.values()
            held = repr((key, fmt, tuple(p.digest for p in pages), tuple((q.digest, times[q.guid][1]) for q in group)))
            plan.append(PlannedExport(download_path(fmt, site.config.title, page), fmt, group,
                                      {q.guid: times[q.guid] for q in group},
                                      hashlib.sha1(held.encode("utf-8")).hexdigest()))
    return plan


def download_links(site: Site, page=None) -> list[dict[str, str]]:
    """The downloads a page offers (templates: `download_links(site, page)`; the home page leaves out
    `page` for the whole site's): format, label and output path, none when the site sets no downloads."""
    if page is not None and not has_downloads(page):
        return []
    if page is None and not any(has_downloads(p) for p in site.pages):
        return []
    return [{"format": fmt, "label": FORMAT_LABELS[fmt], "path": download_path(fmt, site.config.title, page)}
            for fmt in site.config.downloads]


def make_export(item: PlannedExport, site: Site, notes: AnkiNotes, card_templates: tuple[str, str, str]) -> bytes:
    """The bytes of one planned export."""
    if item.fmt == "json":
        return question_bank(site, item.questions)
    if item.fmt == "csv":  # (a text file carries no images: they stay addresses)
        return anki_text(notes.notes(item.questions, with_media=False))
    made = notes.notes(item.questions, with_media=True)
    return anki_package(made, item.times, {name: notes.media[name] for note in made for name in note.media},
                        card_templates)


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
