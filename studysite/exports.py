"""The question bank as files to take away: which questions, under which ids, changed when, published
where, and the JSON file (anki.py makes the Anki deck and text file)."""

from __future__ import annotations

import hashlib
import html
import json
import re
import unicodedata
from dataclasses import dataclass, replace
from typing import Callable, Iterable

from .anki import AnkiNotes, anki_package, anki_tag, anki_text, file_time, site_path
from .markup import html_to_text
from .model import Kind, Page, Question, Site, slugify

__all__ = ["file_time"]  # (the builder dates notes with it)

EXPORT_FORMATS = ("apkg", "csv", "json")
FORMAT_LABELS = {"apkg": "Anki deck", "csv": "Anki text file", "json": "JSON"}
DOWNLOADS_FOLDER = "downloads"

JSON_FORMAT = "studysite-question-bank"
JSON_VERSION = 1


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


_SOURCE_ATTRIBUTE = re.compile(r'\s(?:src|srcset)="([^"]*)"')


def pictures_of(item: ExportedQuestion) -> list[str]:
    """The site paths of the files the question's HTML shows (its pictures), for their versions."""
    question = item.question
    text = " ".join((question.answer_html, question.prompt_html, question.explanation_html, question.title_html,
                     *(option.html for option in question.options)))
    paths = []
    for value in _SOURCE_ATTRIBUTE.findall(text):
        for url in value.split(","):
            path = site_path(item.page.output_path, html.unescape(url.strip().split(" ")[0]))
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


# --- The files ------------------------------------------------------------------------------------

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
    # One line, by the C encoder (indenting takes the pure-Python one, several times slower).
    return (json.dumps(document, ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8")


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


