"""The data model of a study site: frozen dataclasses, no I/O."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path


class Difficulty(str, Enum):
    """How hard a question is; the value is what authors write in the heading marker."""

    EASY = "easy"
    MEDIUM = "medium"
    HARD = "hard"

    @property
    def label(self) -> str:
        """The word shown on the chip."""
        return self.value.capitalize()


@dataclass(frozen=True)
class Question:
    """One question with its answer; `id` is its anchor and the key for saved progress."""

    id: str
    title_html: str
    title_text: str
    difficulty: Difficulty
    answer_html: str
    line: int
    tags: tuple[str, ...] = ()


@dataclass(frozen=True)
class Page:
    """One content file: a topic of questions in a category."""

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

    @property
    def output_path(self) -> str:
        """Where the page is written, relative to the site root (also its URL there)."""
        return f"{self.category}/{self.slug}.html"

    def count(self, difficulty: Difficulty) -> int:
        """How many questions have this difficulty."""
        return sum(1 for q in self.questions if q.difficulty is difficulty)

    def questions_tagged(self, tag: str) -> tuple[Question, ...]:
        """The questions that carry `tag` themselves, or all of them when none does (a page-wide tag)."""
        slug = slugify(tag)
        own = tuple(q for q in self.questions if any(slugify(t) == slug for t in q.tags))
        return own or self.questions

    @property
    def filter_tags(self) -> tuple[str, ...]:
        """Tags that some but not all questions carry: the ones worth filtering by."""
        return tuple(t for t in self.tags
                     if 0 < sum(1 for q in self.questions if t in q.tags) < len(self.questions))


@dataclass(frozen=True)
class Category:
    """A folder of pages with a title, description and order from `_category.yml`."""

    slug: str
    title: str
    description: str = ""
    order: int | None = None
    pages: tuple[Page, ...] = ()

    @property
    def output_path(self) -> str:
        """The category's own listing page."""
        return f"{self.slug}/index.html"

    @property
    def question_count(self) -> int:
        return sum(len(p.questions) for p in self.pages)


@dataclass(frozen=True)
class Tag:
    """A tag, its URL slug, and every page and question that carries it."""

    name: str
    slug: str
    pages: tuple[Page, ...] = ()

    @property
    def output_path(self) -> str:
        return f"tags/{self.slug}.html"

    @property
    def question_count(self) -> int:
        return sum(len(p.questions_tagged(self.name)) for p in self.pages)


@dataclass(frozen=True)
class SiteConfig:
    """Settings from site.yml."""

    title: str = "Study notes"
    description: str = ""
    site_url: str = ""
    repo_url: str = ""
    language: str = "en"


@dataclass(frozen=True)
class Site:
    """Everything a build knows, gathered before anything is rendered."""

    config: SiteConfig
    categories: tuple[Category, ...]
    tags: tuple[Tag, ...] = field(default=())

    @property
    def pages(self) -> tuple[Page, ...]:
        """Every page in reading order: categories in order, then pages within each."""
        return tuple(page for category in self.categories for page in category.pages)

    @property
    def question_count(self) -> int:
        return sum(len(p.questions) for p in self.pages)

    def category_of(self, page: Page) -> Category:
        return next(c for c in self.categories if c.slug == page.category)

    def tag_named(self, name: str) -> Tag:
        return next(t for t in self.tags if t.name == name)


def slugify(text: str, max_length: int = 64) -> str:
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
