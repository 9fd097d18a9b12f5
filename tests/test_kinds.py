"""Page kinds: MCQ quizzes, tutorials, subjects and related links."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import load_site
from studysite.pages import parse_page
from studysite.questions import split_options
from studysite.errors import BuildFailed, ContentError
from studysite.markup import render_markdown
from studysite.model import Kind

PATH = Path("nn/grad.md")


def parse(text: str, stem: str = "grad"):
    return parse_page(text, PATH, "nn", stem)


def errors_of(text: str, stem: str = "grad") -> list[str]:
    with pytest.raises((BuildFailed, ContentError)) as info:
        parse(text, stem)
    failure = info.value
    return [str(e) for e in (failure.errors if isinstance(failure, BuildFailed) else [failure])]


QUIZ = """\
---
title: "Quiz"
---

## Which derivative peaks at 0.25? [easy]

- [ ] tanh
- [x] sigmoid
- [ ] ReLU

Sigmoid's derivative is s(1 - s).

## Which help against exploding gradients? [medium]

Pick all that apply.

- [x] Clipping
- [ ] Sigmoid everywhere
- [x] Good initialization

Explanation: both keep updates bounded.
"""


def test_mcq_kind_comes_from_the_file_name():
    page = parse(QUIZ, stem="grad.mcq")
    assert page.kind is Kind.MCQ and page.subject == "grad" and page.slug == "grad-mcq"
    first, second = page.questions
    assert [(o.html, o.is_correct) for o in first.options] == [("tanh", False), ("sigmoid", True), ("ReLU", False)]
    assert [o.line for o in first.options] == [7, 8, 9]
    assert not first.is_multi_answer and second.is_multi_answer
    assert first.explanation_html == "<p>Sigmoid's derivative is s(1 - s).</p>"
    assert second.prompt_html == "<p>Pick all that apply.</p>"
    assert second.explanation_html == "<p>both keep updates bounded.</p>"
    assert first.answer_html == ""


def test_mcq_kind_from_front_matter_and_conflicts():
    assert parse(QUIZ.replace('title: "Quiz"', 'title: "Quiz"\nkind: mcq')).kind is Kind.MCQ
    assert errors_of(QUIZ.replace('title: "Quiz"', 'title: "Quiz"\nkind: tutorial'), stem="grad.mcq")[0] == (
        "nn/grad.md:3: 'kind: tutorial' contradicts the file name\n"
        "  hint: the name ends in .mcq.md; change one so they agree")
    assert errors_of(QUIZ.replace('title: "Quiz"', 'title: "Quiz"\nkind: quiz')) == [
        "nn/grad.md:3: unknown kind 'quiz'\n  hint: use kind: interview, kind: mcq or kind: tutorial"]


@pytest.mark.parametrize("options, expected", [
    ("Just text, no options.", "nn/grad.md:5: this quiz question has no options"),
    ("- [x] only one", "nn/grad.md:5: a quiz question needs at least two options"),
    ("- [ ] a\n- [ ] b", "nn/grad.md:5: no option is marked correct"),
    ("- [x] a\n- [ ] b\n- [ ] A", "nn/grad.md:9: option 'A' is listed twice (also on line 7)"),
    ("- [x] a\n- [ ]", "nn/grad.md:8: this option is empty"),
])
def test_mcq_validation_names_the_line(options, expected):
    text = f"---\ntitle: Q\n---\n\n## Question? [easy]\n\n{options}\n"
    errors = errors_of(text, stem="grad.mcq")
    assert any(e.startswith(expected) for e in errors), errors


def test_split_options_keeps_prompt_code_and_continuation_lines():
    prompt, options, explanation, explanation_line = split_options(
        "```python\nx = 1\n```\n\n- [ ] one\n  continued\n\n- [x] two\n\nWhy: because.", first_line=10)
    assert prompt.strip() == "```python\nx = 1\n```"
    assert [(o.text, o.is_correct, o.line) for o in options] == [("one continued", False, 14), ("two", True, 17)]
    assert (explanation, explanation_line) == ("Why: because.", 19)


TUTORIAL = """\
---
title: "Gradients, explained"
takeaways:
  - "Products shrink"
related: [other]
---

Intro.

## Why products shrink

> [!TIP]
> Multiply small numbers.

### A worked example

| n | 0.25^n |
|---|---|
| 2 | 0.0625 |
"""


def test_tutorial_has_a_toc_callouts_and_takeaways():
    page = parse(TUTORIAL, stem="grad.tutorial")
    assert page.kind is Kind.TUTORIAL and page.questions == ()
    assert [(e.id, e.title, e.level) for e in page.toc] == [
        ("s-why-products-shrink", "Why products shrink", 2), ("s-a-worked-example", "A worked example", 3)]
    assert '<div class="callout callout--tip" role="note">' in page.body_html
    assert "<table>" in page.body_html
    assert page.takeaways == ("Products shrink",)
    assert page.related == (("other", 5),)


def test_tutorial_with_difficulty_markers_is_an_error():
    text = TUTORIAL.replace("## Why products shrink", "## Why products shrink [easy]")
    assert errors_of(text, stem="grad.tutorial") == [
        "nn/grad.md:10: a tutorial has no questions, but this heading has a difficulty marker\n"
        "  hint: remove the marker to make it a section heading, or use 'kind: interview' or 'kind: mcq'"]


def test_takeaways_are_only_for_tutorials():
    text = QUIZ.replace('title: "Quiz"', 'title: "Quiz"\ntakeaways: [a]')
    assert errors_of(text, stem="grad.mcq") == [
        "nn/grad.md:3: 'takeaways' is only for tutorials\n"
        "  hint: remove it, or make this page a tutorial with 'kind: tutorial'"]


@pytest.mark.parametrize("markdown, kind", [("> [!WARNING]\n> Careful.", "warning"), ("> [!note]\n> Lower case.", "note")])
def test_github_alerts_become_callouts(markdown, kind):
    html = render_markdown(markdown)
    assert html.startswith(f'<div class="callout callout--{kind}" role="note">\n<p class="callout__title">{kind.capitalize()}</p>')


def test_plain_blockquote_stays_a_blockquote():
    assert render_markdown("> Just a quote.") == "<blockquote>\n<p>Just a quote.</p>\n</blockquote>"


# --- Subjects and related links ------------------------------------------------------------

INTERVIEW = "---\ntitle: \"{title}\"\n{extra}---\n\n## What is it? [easy]\n\nAn answer.\n"


def write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    return root


def test_pages_sharing_a_stem_form_one_subject(tmp_path):
    content = write(tmp_path / "content", {
        "nn/grad.md": INTERVIEW.format(title="Gradients", extra=""),
        "nn/grad.mcq.md": QUIZ,
        "nn/grad.tutorial.md": TUTORIAL.replace("related: [other]\n", ""),
        "nn/other.md": INTERVIEW.format(title="Other", extra="related: [nn/grad]\n"),
    })
    site = load_site(content)
    subject = site.subjects["nn/grad"]
    assert [p.kind for p in subject.pages] == [Kind.TUTORIAL, Kind.MCQ, Kind.INTERVIEW]
    assert subject.main_page.output_path == "nn/grad.html" and subject.title == "Gradients"
    assert site.subjects["nn/other"].related == ("nn/grad",)
    assert [s.key for s in site.categories[0].subjects] == ["nn/grad", "nn/other"]


def test_related_reference_that_points_nowhere(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write(tmp_path / "content", {
        "nn/gradients.md": INTERVIEW.format(title="Gradients", extra=""),
        "nn/other.md": INTERVIEW.format(title="Other", extra="related:\n  - nn/gradient\n"),
    })
    with pytest.raises(BuildFailed) as info:
        load_site(Path("content"))
    assert [str(e) for e in info.value.errors] == [
        "content/nn/other.md:4: related subject 'nn/gradient' does not exist\n"
        "  hint: write 'category/file-name' (or just 'file-name' in the same folder); nearest: nn/gradients, nn/other"]


def test_two_pages_of_one_kind_for_one_subject(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write(tmp_path / "content", {"nn/grad.mcq.md": QUIZ, "nn/grad.md": QUIZ.replace('title: "Quiz"', 'title: Q\nkind: mcq')})
    with pytest.raises(BuildFailed) as info:
        load_site(Path("content"))
    assert [str(e) for e in info.value.errors] == [
        "content/nn/grad.md: content/nn/grad.mcq.md is already the mcq page of 'grad'\n"
        "  hint: a subject has at most one page of each kind; rename one of the files"]
