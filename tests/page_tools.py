"""Helpers for tests that parse one page from a string."""

from __future__ import annotations

from pathlib import Path

import pytest

from studysite.errors import BuildFailed, ContentError
from studysite.model import Page
from studysite.pages import parse_page

PATH = Path("nn/topic.md")
DIFFICULTY_HINT = "end the heading with [easy], [medium] or [hard], for example '## What is X? [easy]'"
NO_DIFFICULTY_HINT = (DIFFICULTY_HINT + ", or set a default for the page with 'difficulty: medium' in its front matter"
                      "; a heading inside the answer above takes '###', not '##'")
PAGE_KEYS = "title, summary, tags, tip, checklist, order, slug, kind, related, takeaways, difficulty, language, date"


def src(*lines: str) -> str:
    """A file's text from its lines, so a test can count line numbers by position."""
    return "\n".join(lines) + "\n"


def parse(text: str, stem: str = "topic") -> Page:
    return parse_page(text, PATH, "nn", stem)


def errors_of(text: str, stem: str = "topic") -> list[str]:
    """Every error parse_page reports for `text`, as the user sees them."""
    with pytest.raises((BuildFailed, ContentError)) as info:
        parse(text, stem)
    failure = info.value
    if isinstance(failure, BuildFailed):
        return [str(error) for error in failure.errors]
    return [str(failure)]


def page_with_front_matter(*yaml_lines: str) -> str:
    """Front matter lines (file line 2 onwards) followed by one valid question."""
    return src("---", *yaml_lines, "---", "## What is X? [easy]", "X.")
