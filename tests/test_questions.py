"""Questions in a page body: splitting at headings, and the heading marker."""

from __future__ import annotations

import pytest

from page_tools import PATH, src

from studysite.errors import ContentError
from studysite.model import Difficulty
from studysite.questions import parse_question_heading, split_questions


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
