"""Questions inside a page's body: splitting at headings, difficulty markers, tags, quiz options, ids."""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any, Callable

from .errors import BuildFailed, ContentError, did_you_mean
from .extensions import scan_fences
from .frontmatter import TAG_HINT, quote_value, tag_problem
from .markup import MarkupError, render_inline, render_many, render_markdown
from .model import Difficulty, Kind, Option, Question, slugify

DIFFICULTY_HINT = "end the heading with [easy], [medium] or [hard], for example '## What is X? [easy]'"
NO_DIFFICULTY_HINT = (DIFFICULTY_HINT + ", or set a default for the page with 'difficulty: medium' in its front matter"
                      "; a heading inside the answer above takes '###', not '##'")
OPTIONS_HINT = "list the options as a Markdown task list: '- [ ] a wrong option' and '- [x] the right one'"


_QUESTION_HEADING = re.compile(r"^##(?!#)(?:[ \t]+(.*?))?[ \t]*$")
_MARKER = re.compile(r"^(?P<text>.*?)[ \t]*\[(?P<marker>[^\[\]]*)\][ \t]*(?:\{#(?P<id>[^}]*)\})?$")
_CLOSING_HASHES = re.compile(r"[ \t]+#+[ \t]*$")
_ROUND_MARKER = re.compile(r"\((easy|medium|hard)\)[ \t]*(?:\{#[^}]*\})?$", re.IGNORECASE)
# '##What is X? [easy]': a heading to its author, a paragraph to Markdown (which wants a space after '##').
_UNSPACED_QUESTION = re.compile(r"^##[^#\s].*\[(?:easy|medium|hard)\][ \t]*(?:\{#[^}]*\})?[ \t]*$", re.IGNORECASE)
_EXPLICIT_ID = re.compile(r"^(?P<text>.*?)[ \t]*(?:\{#(?P<id>[^}]*)\})?[ \t]*$")
_QUESTION_TAGS = re.compile(r"^\s*\n*tags[ \t]*:[ \t]*(?P<tags>[^\n]*)(?:\n|$)", re.IGNORECASE)


@dataclass(frozen=True)
class _RawQuestion:
    heading: str
    line: int
    answer: str


def split_questions(body: str, body_line: int, path: Path) -> tuple[str, list[_RawQuestion]]:
    """Split the body at level-2 headings outside code -> (intro, raw questions); BuildFailed with
    every question heading that code or an underline would hide."""
    intro: list[str] = []
    questions: list[tuple[str, int, list[str]]] = []
    lines = body.split("\n")
    in_code, fences = scan_fences(lines)
    errors = _hidden_questions(lines, in_code, fences, body_line, path)
    errors += [ContentError(path, body_line + offset, f"'{line.strip()}' needs a space after '##' to be a question",
                            f"write '## {line[2:].strip()}'")
               for offset, line in enumerate(lines) if not in_code[offset] and _UNSPACED_QUESTION.match(line)]
    unclosed = [(opened, fence) for opened, closed, _, fence in fences if closed == -1]
    if unclosed and not errors:
        opened, fence = unclosed[0]
        errors.append(ContentError(path, body_line + opened, "this code block is never closed",
                                   f"add a closing line '{fence}' after the code"))
    if errors:
        raise BuildFailed(errors)
    for offset, line in enumerate(lines):
        heading = None if in_code[offset] else _QUESTION_HEADING.match(line)
        if heading is not None:
            questions.append((heading.group(1) or "", body_line + offset, []))
            continue
        (questions[-1][2] if questions else intro).append(line)
    return "\n".join(intro), [_RawQuestion(h, n, "\n".join(a)) for h, n, a in questions]


_UNDERLINE = re.compile(r"^ {0,3}(?:=+|-+)[ \t]*$")
_FENCE_WITH_LANGUAGE = re.compile(r"^ {0,3}(?:`{3,}|~{3,})[ \t]*[^\s`]")
_MARKDOWN_LANGUAGES = {"markdown", "md", "gfm", "mdx"}


def _hidden_questions(lines: list[str], in_code: list[bool], fences: list[tuple[int, int, str, str]],
                      body_line: int, path: Path) -> list[ContentError]:
    """Question headings a stray fence swallows into code, and questions written as underlined headings."""
    errors = []
    for opened, closed, language, fence in fences:
        if language.lower() in _MARKDOWN_LANGUAGES:
            continue  # an example of the format itself
        end = closed if closed != -1 else len(lines)
        for index in range(opened + 1, end):
            heading = _QUESTION_HEADING.match(lines[index])
            # Swallowed, not quoted: the fence never closes, or what it holds after the heading opens
            # a fence of its own (the next answer's code, whose closing line ended this block).
            if heading and _names_a_difficulty(heading.group(1) or "") and (
                    closed == -1 or any(_FENCE_WITH_LANGUAGE.match(line) for line in lines[index + 1:end])):
                errors.append(ContentError(
                    path, body_line + opened,
                    f"the code block opened here runs over the question on line {body_line + index}",
                    f"close the code block before line {body_line + index} with a line '{fence}', or delete this "
                    "line if it is a stray fence; the question is lost until then"))
                break
    for index, line in enumerate(lines[:-1]):
        if in_code[index] or not _UNDERLINE.match(lines[index + 1]) or line.lstrip().startswith("#"):
            continue
        if line.strip() and _names_a_difficulty(line.strip()) and (index == 0 or not lines[index - 1].strip()):
            errors.append(ContentError(
                path, body_line + index, f"'{line.strip()}' is underlined, which makes it a heading inside the "
                "answer above, not a question", f"write it as '## {line.strip()}' and delete the underline"))
    return errors


def parse_question_heading(heading: str, path: Path, line: int,
                           default: Difficulty | None = None) -> tuple[str, Difficulty, str]:
    """'What is X? [easy] {#x}' -> ('What is X?', Difficulty.EASY, 'x'); with a default difficulty,
    'What is X?' -> ('What is X?', default, '')."""
    heading = _CLOSING_HASHES.sub("", heading)  # '## What is X? [easy] ##', as Markdown allows
    match = _MARKER.match(heading)
    choices = [d.value for d in Difficulty]
    marker = match.group("marker").strip().lower() if match else ""
    if default is not None and (match is None or marker not in choices and not did_you_mean(marker, choices)):
        match = _EXPLICIT_ID.match(heading)  # no marker (or '[x]' that is part of the question): the default
        text = match.group("text").strip()
        if not text:
            raise ContentError(path, line, "the question heading has no text", "write the question after '## '")
        return text, default, _checked_id(match.group("id"), path, line)
    if match is None:
        round_marker = _ROUND_MARKER.search(heading)
        if round_marker:
            raise ContentError(path, line, f"question '{quote_value(heading, 80)}' has its difficulty in parentheses",
                               f"write it in square brackets: '## {heading[:round_marker.start()].strip()} "
                               f"[{round_marker.group(1).lower()}]'")
        raise ContentError(path, line, f"question '{quote_value(heading, 80)}' has no difficulty", NO_DIFFICULTY_HINT)
    if marker not in choices:
        raise ContentError(path, line, f"unknown difficulty '{match.group('marker')}'",
                           f"use easy, medium or hard{did_you_mean(marker, choices)}")
    text = match.group("text").strip()
    if not text:
        raise ContentError(path, line, "the question heading has no text",
                           "write the question before the marker: '## What is X? [easy]'")
    return text, Difficulty(marker), _checked_id(match.group("id"), path, line)


def _checked_id(written: str | None, path: Path, line: int) -> str:
    explicit_id = (written or "").strip()
    if written is not None and not re.fullmatch(r"[A-Za-z0-9][\w-]*", explicit_id):
        raise ContentError(path, line, f"invalid question id '{{#{explicit_id}}}'",
                           "use letters, digits and hyphens, for example {#vanishing-gradients}")
    return explicit_id


def _names_a_difficulty(heading: str) -> bool:
    """Whether a heading ends in [easy], [medium] or [hard]: surely meant as a question."""
    match = _MARKER.match(heading)
    return match is not None and match.group("marker").strip().lower() in {d.value for d in Difficulty}


def has_difficulty_marker(heading: str) -> bool:
    """Whether a level-2 heading ends in a [marker], as questions do."""
    return _MARKER.match(heading) is not None


def split_question_tags(answer: str) -> tuple[tuple[str, ...], str, int]:
    """An answer whose first line is 'Tags: a, b' -> (('a', 'b'), the rest, lines taken away)."""
    match = _QUESTION_TAGS.match(answer)
    if match is None:
        return (), answer, 0
    tags = tuple(dict.fromkeys(t.strip() for t in match.group("tags").split(",") if t.strip()))
    return tags, answer[match.end():], answer[:match.end()].count("\n")


# An option as written, '[x ]' and '[]' included: those are reported, not silently made text.
_OPTION = re.compile(r"^ {0,3}[-*+][ \t]+\[(?P<mark>[ \txX]{0,3})\][ \t]*(?P<text>.*)$")
_EXPLANATION_LABEL = re.compile(r"^\s*(?:\*\*)?explanation:?(?:\*\*)?:?[ \t]*", re.IGNORECASE)


@dataclass(frozen=True)
class _RawOption:
    text: str
    is_correct: bool
    line: int
    mark: str = " "  # between the brackets, as written


def split_options(answer: str, first_line: int) -> tuple[str, list[_RawOption], str, int]:
    """An MCQ body -> (prompt, the task-list options, the explanation after them, its first line)."""
    lines = answer.split("\n")
    start = next((i for i, line in enumerate(lines) if _OPTION.match(line)), None)
    if start is None:
        return answer, [], "", first_line
    options: list[_RawOption] = []
    index = start
    while index < len(lines):
        line = lines[index]
        match = _OPTION.match(line)
        if match:
            mark = match.group("mark")
            options.append(_RawOption(match.group("text").strip(), "x" in mark.lower(), first_line + index, mark))
        elif not line.strip():
            following = next((j for j in range(index, len(lines)) if lines[j].strip()), len(lines))
            if following == len(lines) or not _OPTION.match(lines[following]):
                break
            index = following
            continue
        elif line.startswith(("  ", "\t")):  # an option's text continued on the next line
            last = options[-1]
            options[-1] = _RawOption(f"{last.text} {line.strip()}", last.is_correct, last.line, last.mark)
        else:
            break
        index += 1
    while index < len(lines) and not lines[index].strip():
        index += 1
    explanation = _EXPLANATION_LABEL.sub("", "\n".join(lines[index:]).strip(), count=1)
    return "\n".join(lines[:start]), options, explanation, first_line + index


def _check_options(options: list[_RawOption], path: Path, line: int) -> list[ContentError]:
    """Every problem with one MCQ question's options."""
    if not options:
        return [ContentError(path, line, "this quiz question has no options", OPTIONS_HINT)]
    errors = []
    if len(options) < 2:
        errors.append(ContentError(path, line, "a quiz question needs at least two options", OPTIONS_HINT))
    if not any(o.is_correct for o in options):
        errors.append(ContentError(path, line, "no option is marked correct",
                                   "mark each right option with [x], for example '- [x] sigmoid'"))
    seen: dict[str, int] = {}
    for option in options:
        if option.mark not in (" ", "x", "X"):
            errors.append(ContentError(path, option.line, f"'[{option.mark}]' is not a checkbox",
                                       "write '[x]' for a right option and '[ ]' (one space) for a wrong one"))
        if not option.text:
            errors.append(ContentError(path, option.line, "this option is empty", "write the option's text after [ ]"))
        elif option.text.casefold() in seen:
            errors.append(ContentError(path, option.line,
                                       f"option '{quote_value(option.text, 80)}' is listed twice (also on line {seen[option.text.casefold()]})",
                                       "remove or reword one of them"))
        seen.setdefault(option.text.casefold(), option.line)
    return errors


def render_at(render: Callable[[str, str], Any], text: str, path: Path, first_line: int, raw_html: str) -> Any:
    """Render Markdown that starts at `first_line` of `path`; a bad formula becomes a ContentError there."""
    try:
        return render(text, raw_html)
    except MarkupError as exc:
        raise ContentError(path, first_line + exc.line_offset, exc.message, exc.hint) from None


def prerendered(texts: list[str], raw_html: str) -> Callable[..., str]:
    """render_markdown, with `texts` converted ahead in one pass when they can be (see render_many)."""
    texts = [text for text in texts if text.strip()]
    done = dict(zip(texts, render_many(texts, raw_html) or ()))

    def render(text: str, mode: str, footnote_ids: str = "") -> str:
        return done[text] if text in done and mode == raw_html else render_markdown(text, mode, footnote_ids)
    return render


def _answer_digest(answer: str) -> str:
    return hashlib.sha1(answer.strip().encode("utf-8")).hexdigest()[:6]


def parse_questions(raw: list[_RawQuestion], path: Path, kind: Kind = Kind.INTERVIEW,
                    raw_html: str = "allow", render_block: Callable[..., str] = render_markdown,
                    default: Difficulty | None = None) -> tuple[tuple[Question, ...], list[ContentError]]:
    """Turn raw heading+answer chunks into Questions with unique, stable ids.

    Questions may share a title when their answers differ ("What is the output?" over different
    code): their ids then carry a digest of the answer, so they survive reordering.
    """
    questions: list[Question] = []
    errors: list[ContentError] = []
    ids: dict[str, int] = {}
    headings: list[tuple[_RawQuestion, tuple[str, Difficulty, str]]] = []
    for item in raw:
        try:
            headings.append((item, parse_question_heading(item.heading, path, item.line, default)))
        except ContentError as error:
            errors.append(error)
            # Still read its answer, so that the answer's own problems (a missing image) come in this run.
            headings.append((item, (item.heading.strip() or "?", Difficulty.MEDIUM, "")))
    shared = Counter(text.casefold() for _, (text, _, _) in headings)
    seen: dict[tuple[str, str], int] = {}
    for number, (item, (text, difficulty, explicit_id)) in enumerate(headings, start=1):
        tags, answer, taken = split_question_tags(item.answer)
        answer_line = item.line + 1 + taken
        for tag in tags:
            if problem := tag_problem(tag):
                errors.append(ContentError(path, item.line + taken, problem, TAG_HINT))
        key = (text.casefold(), answer.strip())
        if key in seen:
            errors.append(ContentError(path, item.line,
                                       f"question '{quote_value(text, 80)}' already appears on line {seen[key]} with the same answer",
                                       "remove one copy, or change one of the answers"))
            continue
        seen[key] = item.line
        base = "q-" + (explicit_id or slugify(text) or f"question-{number}")
        if explicit_id and base in ids:
            errors.append(ContentError(path, item.line, f"id '{{#{explicit_id}}}' is already used on line {ids[base]}",
                                       "give each question its own id"))
        elif not explicit_id and shared[text.casefold()] > 1:
            base += "-" + _answer_digest(item.answer)
        question_id, suffix = base, 2
        while question_id in ids:
            question_id, suffix = f"{base}-{suffix}", suffix + 1
        ids[question_id] = item.line
        extra: dict[str, Any] = {}
        try:
            if kind is Kind.MCQ:
                prompt, options, explanation, explanation_line = split_options(answer, answer_line)
                errors += _check_options(options, path, item.line)
                answer = ""
                prompt_render = partial(render_markdown, footnote_ids=question_id + "-prompt")
                extra = {
                    "prompt_html": render_at(prompt_render, prompt, path, answer_line, raw_html) if prompt.strip() else "",
                    "options": tuple(Option(render_at(render_inline, o.text, path, o.line, raw_html), o.is_correct, o.line)
                                     for o in options),
                    "explanation_html": render_at(partial(render_markdown, footnote_ids=question_id), explanation,
                                                  path, explanation_line, raw_html) if explanation else "",
                }
            extra["title_html"] = render_at(render_inline, text, path, item.line, raw_html)
            extra["answer_html"] = render_at(partial(render_block, footnote_ids=question_id), answer, path,
                                             answer_line, raw_html) if answer else ""
        except ContentError as error:
            errors.append(error)
            continue
        if kind is not Kind.MCQ and not answer.strip():
            errors.append(ContentError(path, item.line, f"question '{quote_value(text, 80)}' has no answer",
                                       "write the answer below the heading, before the next '## '"))
        questions.append(Question(
            id=question_id, title_text=text, difficulty=difficulty, line=item.line, tags=tags, **extra,
        ))
    return tuple(questions), errors
