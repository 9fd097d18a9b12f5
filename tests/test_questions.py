"""Questions in a page body: splitting at headings, and the heading marker."""

from __future__ import annotations

from pathlib import Path

import pytest

from studysite.errors import BuildFailed, ContentError
from studysite.model import Difficulty, Page
from studysite.pages import parse_page
from studysite.questions import parse_question_heading, split_questions

PATH = Path("nn/topic.md")
DIFFICULTY_HINT = "end the heading with [easy], [medium] or [hard], for example '## What is X? [easy]'"
PAGE_KEYS = "title, summary, tags, tip, checklist, order, slug, kind, related, takeaways"


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


def test_split_questions_intro_and_lines():
    body = src("Intro.", "## One [easy]", "A.", "~~~", "## In a tilde fence", "~~~", "## Two [hard]", "B.")
    intro, raw = split_questions(body, 10, PATH)
    assert intro == "Intro."
    assert [(q.heading, q.line) for q in raw] == [("One [easy]", 11), ("Two [hard]", 16)]
    assert raw[0].answer == "A.\n~~~\n## In a tilde fence\n~~~"


def test_split_questions_ignores_other_heading_levels():
    body = src("# Title", "### Three", "##Not a heading", "## Real [easy]", "#### Four")
    intro, raw = split_questions(body, 1, PATH)
    assert intro == "# Title\n### Three\n##Not a heading"
    assert [(q.heading, q.line, q.answer) for q in raw] == [("Real [easy]", 4, "#### Four\n")]


@pytest.mark.parametrize("heading, expected", [
    ("What is X? [easy]", ("What is X?", Difficulty.EASY, "")),
    ("What is X? [EASY]", ("What is X?", Difficulty.EASY, "")),
    ("What is X? [Medium]", ("What is X?", Difficulty.MEDIUM, "")),
    ("What is X?[ hard ]  ", ("What is X?", Difficulty.HARD, "")),
    ("What is X? [hard] {#my-id}", ("What is X?", Difficulty.HARD, "my-id")),
    ("What does a[i] mean? [easy]", ("What does a[i] mean?", Difficulty.EASY, "")),
])
def test_parse_question_heading(heading, expected):
    assert parse_question_heading(heading, PATH, 7) == expected


def test_parse_question_heading_unknown_marker():
    with pytest.raises(ContentError) as info:
        parse_question_heading("What is X? [tricky]", PATH, 7)
    assert str(info.value) == "nn/topic.md:7: unknown difficulty 'tricky'\n  hint: use easy, medium or hard"
