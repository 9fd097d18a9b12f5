"""The data model of a study site: frozen dataclasses, no I/O."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass, field, fields, replace
from functools import cached_property, lru_cache
from enum import Enum
from pathlib import Path
from typing import Any


class Difficulty(str, Enum):
    """How hard a question is; the value is what authors write in the heading marker."""

    EASY = "easy"
    MEDIUM = "medium"
    HARD = "hard"

    @property
    def label(self) -> str:
        """The word shown on the chip."""
        return self.value.capitalize()


class Kind(str, Enum):
    """What a page is for; the value is what authors write as `kind:` and as the file suffix."""

    INTERVIEW = "interview"
    MCQ = "mcq"
    TUTORIAL = "tutorial"

    @property
    def spec(self) -> KindSpec:
        """Everything else about this kind of page (the KINDS table)."""
        return KINDS[self]


@dataclass(frozen=True)
class KindSpec:
    """What differs between the kinds of page, declared once for parsing, rendering and scaffolding."""

    suffix: str  # in the file name before .md: gradients.mcq.md (the kind's words: strings kind.<value>.*)
    template: str
    body: str  # <body data-page="...">
    scaffold: str  # the starter file `new` writes
    subject_order: int  # place among a subject's pages: learn, validate, prepare (as the seed page words it)
    main_order: int  # which page stands for its subject in listings: the questions, else the tutorial, else the quiz
    has_questions: bool  # headings with a difficulty are questions (a tutorial's headings are sections)


KINDS: dict[Kind, KindSpec] = {
    Kind.INTERVIEW: KindSpec("", "topic.html", "topic", "scaffold/topic.md", 2, 0, True),
    Kind.MCQ: KindSpec(".mcq", "quiz.html", "quiz", "scaffold/quiz.md", 1, 2, True),
    Kind.TUTORIAL: KindSpec(".tutorial", "tutorial.html", "tutorial", "scaffold/tutorial.md",
                            0, 1, False),
}


@dataclass(frozen=True)
class Option:
    """One choice of a multiple-choice question."""

    html: str
    is_correct: bool
    line: int


@dataclass(frozen=True)
class Question:
    """One question with its answer; `id` is its anchor and the key for saved progress.

    Interview questions have `answer_html`; MCQ questions have `prompt_html` (text before the
    options), `options` and `explanation_html`.
    """

    id: str
    title_html: str
    title_text: str
    difficulty: Difficulty
    answer_html: str
    line: int
    tags: tuple[str, ...] = ()
    prompt_html: str = ""
    options: tuple[Option, ...] = ()
    explanation_html: str = ""

    @property
    def is_multi_answer(self) -> bool:
        return sum(1 for o in self.options if o.is_correct) > 1


@dataclass(frozen=True)
class TocEntry:
    """A heading of a tutorial, for its table of contents."""

    id: str
    title: str
    level: int


class _PageFacts:
    """What pages and their cards work out the same way from the fields they share."""

    category: str
    slug: str
    subject: str
    tags: tuple[str, ...]
    questions: tuple

    @property
    def subject_key(self) -> str:
        """'category/subject': how `related:` names a subject."""
        return f"{self.category}/{self.subject or self.slug}"

    @cached_property
    def output_path(self) -> str:
        """Where the page is written, relative to the site root (also its URL there)."""
        return f"{self.category}/{self.slug}.html"

    def count(self, difficulty: Difficulty) -> int:
        """How many questions have this difficulty."""
        return self._difficulty_counts.get(difficulty, 0)

    def questions_tagged(self, tag: str) -> tuple[Question, ...]:
        """The questions that carry `tag` themselves (a tag in front matter alone tags the page)."""
        return self._questions_by_tag.get(slugify(tag), ())

    # Listing pages ask these of every page, once per difficulty or tag: worked out once.
    @cached_property
    def _difficulty_counts(self) -> dict[Difficulty, int]:
        counts: dict[Difficulty, int] = {}
        for question in self.questions:
            counts[question.difficulty] = counts.get(question.difficulty, 0) + 1
        return counts

    @cached_property
    def _questions_by_tag(self) -> dict[str, tuple[Question, ...]]:
        found: dict[str, list[Question]] = {}
        for question in self.questions:
            for slug in dict.fromkeys(slugify(t) for t in question.tags):
                found.setdefault(slug, []).append(question)
        return {slug: tuple(questions) for slug, questions in found.items()}

    @property
    def filter_tags(self) -> tuple[str, ...]:
        """Tags that some but not all questions carry: the ones worth filtering by."""
        return tuple(t for t in self.tags
                     if 0 < sum(1 for q in self.questions if t in q.tags) < len(self.questions))


@dataclass(frozen=True)
class QuestionCard:
    """What listings show of a question: its heading, anchor, difficulty and tags, never its answer."""

    id: str
    title_html: str
    title_text: str
    difficulty: Difficulty
    tags: tuple[str, ...] = ()


# Page fields that only the page itself shows; every other field is on its card, so a field added
# to Page reaches listings' fingerprints unless it is named here (tests/test_model.py keeps the two in step).
PAGE_ONLY_FIELDS = frozenset({"source_path", "intro_html", "body_html", "toc", "tip", "tip_html", "takeaways",
                              "takeaways_html", "related", "source_hash", "search_json", "links_key", "anchors",
                              "complete"})
# Page fields rendered from the file's text alone (source_hash stands for them) or with its links (links_key).
_RENDERED_FROM_SOURCE = frozenset({"intro_html", "body_html", "questions", "toc", "tip_html", "checklist_html",
                                   "takeaways_html", "search_json"})


@dataclass(frozen=True)
class Page(_PageFacts):
    """One content file: interview questions, an MCQ quiz or a tutorial, in a category.

    Pages of one folder whose file names share a stem (`x.md`, `x.mcq.md`, `x.tutorial.md`)
    are one subject, named by `subject`, and link to each other.
    """

    source_path: Path
    category: str
    slug: str
    title: str
    summary: str = ""
    tags: tuple[str, ...] = ()
    tip: str = ""
    checklist: tuple[str, ...] = ()
    order: int | None = None
    intro_html: str = ""
    questions: tuple[Question, ...] = ()
    kind: Kind = Kind.INTERVIEW
    subject: str = ""
    related: tuple[tuple[str, int], ...] = ()  # (reference as written, its line) until resolved
    takeaways: tuple[str, ...] = ()
    language: str = ""  # the page's language when it differs from the site's (lang, and dir for rtl scripts)
    date: str = ""  # YYYY-MM-DD from front matter: when it was written or last gained questions (the feed)
    body_html: str = ""
    toc: tuple[TocEntry, ...] = ()
    tip_html: str = ""  # tip, checklist items and takeaways as inline Markdown, rendered where parsed
    checklist_html: tuple[str, ...] = ()
    takeaways_html: tuple[str, ...] = ()
    source_hash: str = ""  # of the file's text: the key for caching this page
    search_json: bytes = b""  # this page's part of the search index, made where the page is parsed
    links_key: str = ""  # the link checker's fingerprint when it rewrote links in this page, else ""
    anchors: frozenset[str] = frozenset()  # the ids its content gives the page (q-..., s-..., fn-...), for links in
    complete: bool = True  # False: parsed in part, around errors (links into it are not checked for anchors)

    @cached_property
    def card(self) -> Card:
        """What listings and other pages may show of this page (its card view)."""
        questions = tuple(QuestionCard(q.id, q.title_html, q.title_text, q.difficulty, q.tags) for q in self.questions)
        return Card(questions=questions, **{name: getattr(self, name) for name in _CARD_FIELDS})

    @cached_property
    def digest(self) -> str:
        """A hash of everything the page holds, for the fingerprint of its own output. The rendered parts
        are a function of the file's text and raw-HTML mode (source_hash) and of the links rewritten in
        them (links_key), so those two stand for them: hashing megabytes of HTML on every build would not."""
        return _hash(tuple(getattr(self, name) for name in _PAGE_DIGEST_FIELDS))


@dataclass(frozen=True)
class Card(_PageFacts):
    """A page as listings and other pages see it (Page.card): what a listing can show is what is hashed."""

    category: str
    slug: str
    title: str
    summary: str = ""
    tags: tuple[str, ...] = ()
    checklist: tuple[str, ...] = ()
    order: int | None = None
    questions: tuple[QuestionCard, ...] = ()
    kind: Kind = Kind.INTERVIEW
    subject: str = ""
    language: str = ""
    date: str = ""
    checklist_html: tuple[str, ...] = ()

    @cached_property
    def digest(self) -> str:
        """A hash of the whole card: the fingerprint of a listing is made of these."""
        questions = tuple((q.id, q.title_html, q.title_text, q.difficulty.value, q.tags) for q in self.questions)
        return _hash((questions, *(getattr(self, name) for name in _CARD_FIELDS)))


_CARD_FIELDS = tuple(f.name for f in fields(Card) if f.name != "questions")
_PAGE_DIGEST_FIELDS = tuple(f.name for f in fields(Page) if f.name not in _RENDERED_FROM_SOURCE)


@dataclass(frozen=True)
class Subject:
    """The pages about one subject (up to one of each kind) and the subjects it links to."""

    key: str
    pages: tuple[Page, ...]
    related: tuple[str, ...] = ()  # keys of other subjects

    @cached_property
    def digest(self) -> str:
        """A hash of the subject as shown: its key, its links and its pages' digests."""
        return _hash(("subject", self.key, self.related, tuple(p.digest for p in self.pages)))

    def page_of(self, kind: Kind) -> Page | None:
        return next((p for p in self.pages if p.kind is kind), None)

    @property
    def main_page(self) -> Page:
        """The page a listing links to: interview questions, else the tutorial, else the quiz."""
        if not self.pages:
            raise ValueError(f"subject {self.key} has no pages")
        return min(self.pages, key=lambda page: page.kind.spec.main_order)

    @property
    def title(self) -> str:
        return self.main_page.title


@dataclass(frozen=True)
class Category:
    """A folder of pages with a title, description and order from `_category.yml`."""

    slug: str
    title: str
    description: str = ""
    order: int | None = None
    difficulty: Difficulty | None = None  # for questions whose heading has no [marker]
    pages: tuple[Page, ...] = ()
    subjects: tuple[Subject, ...] = ()

    @cached_property
    def digest(self) -> str:
        """A hash of the category as shown: its header, and its pages' and subjects' digests."""
        return _hash(("category", self.slug, self.title, self.description, self.order,
                      tuple(p.digest for p in self.pages), tuple(s.digest for s in self.subjects)))

    @property
    def output_path(self) -> str:
        """The category's own listing page."""
        return f"{self.slug}/index.html"

    @property
    def question_count(self) -> int:
        return sum(len(p.questions) for p in self.pages)

    def questions_of_kind(self, kind: Kind) -> int:
        """How many questions its pages of this kind have in all."""
        return sum(len(p.questions) for p in self.pages if p.kind is kind)


@dataclass(frozen=True)
class Tag:
    """A tag, its URL slug, and every page and question that carries it."""

    name: str
    slug: str
    pages: tuple[Page, ...] = ()

    @cached_property
    def digest(self) -> str:
        """A hash of the tag as shown: its name and its pages' digests."""
        return _hash(("tag", self.name, self.slug, tuple(p.digest for p in self.pages)))

    @property
    def output_path(self) -> str:
        return f"tags/{self.slug}.html"

    @cached_property
    def question_count(self) -> int:
        """Questions that carry the tag themselves."""
        return sum(len(p.questions_tagged(self.name)) for p in self.pages)


# Languages written right to left (BCP 47 primary subtags): their pages get dir="rtl".
RTL_LANGUAGES = frozenset({"ar", "arc", "ckb", "dv", "fa", "he", "iw", "ks", "ps", "sd", "ug", "ur", "yi"})


def text_direction(language: str) -> str:
    """'rtl' for a language written right to left ('ar', 'he-IL', 'fa'), else 'ltr'."""
    return "rtl" if language.split("-")[0].lower() in RTL_LANGUAGES else "ltr"


@dataclass(frozen=True)
class SiteConfig:
    """Settings from site.yml."""

    title: str = "Study notes"
    description: str = ""
    site_url: str = ""
    repo_url: str = ""
    language: str = "en"
    raw_html: str = "allow"
    difficulty: Difficulty | None = None  # for questions whose heading has no [marker]
    extra_css: tuple[str, ...] = ()  # paths under static/, linked on every page after the theme's
    extra_js: tuple[str, ...] = ()
    social_image: str = ""  # a picture under static/ for link previews (og:image), with site_url
    feed: int = 0  # how many of the newest questions feed.xml lists (0: no feed), with site_url
    downloads: tuple[str, ...] = ()  # export formats published with the site: apkg, csv, json (docs/exports.md)
    strings: tuple = ()  # the site's own texts of the interface, as (name, text) pairs (strings.py)


@dataclass(frozen=True)
class Site:
    """Everything a build knows, gathered before anything is rendered."""

    config: SiteConfig
    categories: tuple[Category, ...]
    tags: tuple[Tag, ...] = field(default=())
    assets: tuple[tuple[str, Path], ...] = ()  # (output path, source file) of files beside the content
    warnings: tuple = ()  # ContentErrors that do not stop a build (check --strict makes them errors)
    links_fingerprint: str = ""  # of the pages and files links can point at (their rewriting depends on it)
    # The interface's words (strings.Catalogues). Not part of any digest: the render key covers the
    # catalogues (template files) and the settings.
    strings: Any = None

    @cached_property
    def digest(self) -> str:
        """A hash of the site as a template given it can show it (see the views below); the settings
        are left out because every output's fingerprint includes them already (the render key)."""
        return _hash(("site", tuple(c.digest for c in self.categories), tuple(t.digest for t in self.tags)))

    @cached_property
    def subjects(self) -> dict[str, Subject]:
        """Every subject by its key."""
        return {s.key: s for c in self.categories for s in c.subjects}

    def subject_of(self, page: Page) -> Subject:
        return self.subjects[page.subject_key]

    def pages_of_kind(self, kind: Kind) -> tuple[Page, ...]:
        return tuple(p for p in self.pages if p.kind is kind)

    def questions_of_kind(self, kind: Kind) -> int:
        """How many questions pages of this kind have in all."""
        return sum(len(p.questions) for p in self.pages_of_kind(kind))

    @cached_property
    def pages(self) -> tuple[Page, ...]:
        """Every page in reading order: categories in order, then pages within each."""
        return tuple(page for category in self.categories for page in category.pages)

    @property
    def question_count(self) -> int:
        return sum(len(p.questions) for p in self.pages)

    @cached_property
    def _categories_by_slug(self) -> dict[str, Category]:
        return {c.slug: c for c in self.categories}

    def category_of(self, page: Page) -> Category:
        return self._categories_by_slug[page.category]

    def tag_named(self, name: str) -> Tag:
        return next(t for t in self.tags if t.name == name)

    # --- Views: what a template is given of the site, so that what it can show is what is hashed.

    @cached_property
    def listing(self) -> Site:
        """The site as listings see it: every page as its card."""
        def subject(s: Subject) -> Subject:
            return Subject(s.key, tuple(p.card for p in s.pages), s.related)
        categories = tuple(replace(c, pages=tuple(p.card for p in c.pages), subjects=tuple(map(subject, c.subjects)))
                           for c in self.categories)
        tags = tuple(replace(t, pages=tuple(p.card for p in t.pages)) for t in self.tags)
        return Site(config=self.config, categories=categories, tags=tags)

    @cached_property
    def category_headers(self) -> tuple[Category, ...]:
        """Every category's title and description, without its pages."""
        return tuple(replace(c, pages=(), subjects=()) for c in self.categories)

    @cached_property
    def _headers_by_slug(self) -> dict[str, Category]:
        return {c.slug: c for c in self.category_headers}

    @cached_property
    def _no_subjects(self) -> Site:
        return self.view(())

    def view(self, categories: tuple[Category, ...] = ()) -> Site:
        """The site with only `categories` (cards or headers): for a page that shows only part of it."""
        return Site(config=self.config, categories=categories)

    def related_view(self, subject: Subject) -> Site:
        """The site as one subject's pages see it: the cards of the subjects it links to."""
        if not subject.related:
            return self._no_subjects
        subjects, headers = self.listing.subjects, self._headers_by_slug
        grouped: dict[str, list[Subject]] = {}
        for key in subject.related:
            grouped.setdefault(key.split("/", 1)[0], []).append(subjects[key])
        return self.view(tuple(replace(headers[slug], subjects=tuple(found)) for slug, found in grouped.items()))


def _hash(value: object) -> str:
    return hashlib.sha1(repr(value).encode("utf-8")).hexdigest()


SLUG_LENGTH = 64  # the longest slug: a page's file name (the build adds to it, file systems stop at 255 bytes)


@lru_cache(maxsize=65536)  # tags and titles are slugged again and again across pages
def slugify(text: str, max_length: int = SLUG_LENGTH) -> str:
    """A URL- and id-safe slug; keeps letters of any script, drops accents and punctuation."""
    # '+' and '#' carry meaning in tags like C++ and C#; keep them apart from plain C.
    spelled = text.replace("+", " plus ").replace("#", " sharp ")
    decomposed = unicodedata.normalize("NFKD", spelled)
    without_marks = "".join(c for c in decomposed if not unicodedata.combining(c))
    words = re.sub(r"[^\w\s-]", " ", without_marks.lower()).replace("_", " ")
    slug = re.sub(r"[\s-]+", "-", words).strip("-")
    if len(slug) > max_length:
        slug = slug[:max_length].rsplit("-", 1)[0]
    return slug


def sort_key(order: int | None, title: str) -> tuple[int, int, str]:
    """Items with an explicit order come first, by order; the rest follow by title."""
    return (0, order, title.lower()) if order is not None else (1, 0, title.lower())
