"""Discover content files, parse front matter and questions, and assemble the Site."""

from __future__ import annotations

import difflib
import hashlib
import re
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Callable

import yaml

from .errors import BuildFailed, ContentError, command_name, did_you_mean, relative_to_cwd
from .assets import CheckedPage, LinkChecker, find_assets
from .extensions import fence_spans
from .markup import MarkupError, render_article, render_inline, render_many, render_markdown, render_text
from .model import (Category, Difficulty, Kind, Option, Page, Question, Site, SiteConfig, Subject, Tag,
                    slugify, sort_key)

CATEGORY_FILE = "_category.yml"
# Output names a category or page may not take, because the site uses them itself.
RESERVED_CATEGORY_SLUGS = {"tags", "static"}
RESERVED_PAGE_SLUGS = {"index"}
DIFFICULTY_HINT = "end the heading with [easy], [medium] or [hard], for example '## What is X? [easy]'"
FRONT_MATTER_EXAMPLE = "start the file with '---', then 'title: Your title', then '---'"
OPTIONS_HINT = "list the options as a Markdown task list: '- [ ] a wrong option' and '- [x] the right one'"
# A file name's last suffix may name its kind: gradients.mcq.md, gradients.tutorial.md.
KIND_SUFFIXES = {f".{kind.value}": kind for kind in Kind if kind is not Kind.INTERVIEW}


# --- YAML -------------------------------------------------------------------------------

class _StrictLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """PyYAML's safe loader, but a key given twice is an error instead of a silent overwrite."""


def _construct_unique_mapping(loader: Any, node: yaml.MappingNode, deep: bool = False) -> dict:
    seen: set[Any] = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)
        try:
            duplicate = key in seen
            seen.add(key)
        except TypeError:  # an unhashable key: let the normal constructor report it
            break
        if duplicate:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key '{key}'", key_node.start_mark
            )
    return loader.construct_mapping(node, deep=deep)


_StrictLoader.add_constructor(
    yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_unique_mapping
)


def load_yaml(text: str, path: Path, first_line: int) -> dict:
    """Parse a YAML mapping; `first_line` is the file line where `text` starts (1-based)."""
    try:
        data = yaml.load(text, Loader=_StrictLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        line = first_line + mark.line if mark is not None else first_line
        problem = getattr(exc, "problem", None) or str(exc)
        raise ContentError(path, line, f"invalid YAML: {problem}", _yaml_hint(problem)) from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ContentError(path, first_line, "expected 'key: value' lines",
                           "write one setting per line, for example 'title: Gradients'")
    return data


def _yaml_hint(problem: str) -> str:
    if "duplicate key" in problem:
        return "remove one of the two lines; each key may appear once"
    if "tab" in problem:
        return "indent with spaces; YAML does not allow tabs"
    if "mapping values are not allowed" in problem:
        return "a value that contains ': ' must be quoted, for example title: \"Q: A\""
    return "check quoting and indentation on this line; values with ':' or '#' need quotes"


def _key_lines(yaml_text: str, first_line: int) -> dict[str, int]:
    """The file line of each top-level key, so type errors can point at it."""
    lines = {}
    for offset, raw in enumerate(yaml_text.split("\n")):
        match = re.match(r"([A-Za-z_][\w-]*)\s*:", raw)
        if match:
            lines.setdefault(match.group(1), first_line + offset)
    return lines


def _raw_value(yaml_text: str, key: str) -> str:
    """The value of `key` as written, for hints that show it quoted."""
    match = re.search(rf"^{re.escape(key)}\s*:\s*(.*?)(?:\s+#.*)?$", yaml_text, re.MULTILINE)
    return match.group(1).strip() if match else ""


# --- Field converters -------------------------------------------------------------------

@dataclass(frozen=True)
class Field:
    """Where a front-matter value came from, for converters to name in their errors."""

    key: str
    value: Any
    path: Path
    line: int
    raw: str

    def error(self, message: str, hint: str) -> ContentError:
        return ContentError(self.path, self.line, message, hint)


def _describe(value: Any) -> str:
    kinds = {bool: "true/false", int: "a number", float: "a number", list: "a list",
             dict: "a mapping", str: "text"}
    return kinds.get(type(value), type(value).__name__)


def as_text(field: Field) -> str:
    if isinstance(field.value, str):
        return field.value.strip()
    if field.value is None:
        return ""
    quoted = field.raw.strip("'\"") or "..."
    raise field.error(
        f"'{field.key}' must be text, but YAML read {field.raw or field.value!r} as "
        f"{_describe(field.value)}",
        f"put the value in quotes: {field.key}: \"{quoted}\"",
    )


def as_text_list(field: Field, allow_comma_string: bool) -> tuple[str, ...]:
    value = field.value
    if value is None:
        return ()
    if isinstance(value, str) and allow_comma_string:
        value = value.split(",")
    if not isinstance(value, list):
        example = f"{field.key}:\n  - first item\n  - second item"
        raise field.error(f"'{field.key}' must be a list, not {_describe(value)}",
                          f"write it as a list:\n{example}")
    items = []
    for item in value:
        if not isinstance(item, str):
            raise field.error(
                f"'{field.key}' has an item that is not text: YAML read it as {item!r}",
                f"quote every item of '{field.key}', for example [\"no\", \"yes\"]",
            )
        if item.strip() and item.strip() not in items:
            items.append(item.strip())
    return tuple(items)


def convert_title(field: Field) -> str:
    title = as_text(field)
    if not title:
        raise field.error("'title' is empty", "give the page a title: title: \"Your title\"")
    return title


def _convert_order(field: Field) -> int:
    if isinstance(field.value, bool) or not isinstance(field.value, int):
        raise field.error(f"'order' must be a whole number, not {field.raw or field.value!r}",
                          "for example order: 2 (lower numbers come first)")
    return field.value


def _convert_slug(field: Field) -> str:
    slug = as_text(field)
    if not re.fullmatch(r"[\w][\w-]*", slug):
        raise field.error(f"'slug' {slug!r} is not a valid file name",
                          "use letters, digits and hyphens only, for example slug: my-topic")
    return slug


def _convert_kind(field: Field) -> Kind:
    value = as_text(field).lower()
    choices = [k.value for k in Kind]
    if value not in choices:
        raise field.error(f"unknown kind '{value}'{did_you_mean(value, choices)}",
                          "use kind: interview, kind: mcq or kind: tutorial")
    return Kind(value)


PAGE_FIELDS: dict[str, Callable[[Field], Any]] = {
    "title": convert_title,
    "summary": as_text,
    "tags": lambda f: as_text_list(f, allow_comma_string=True),
    "tip": as_text,
    "checklist": lambda f: as_text_list(f, allow_comma_string=False),
    "order": _convert_order,
    "slug": _convert_slug,
    "kind": _convert_kind,
    "related": lambda f: as_text_list(f, allow_comma_string=True),
    "takeaways": lambda f: as_text_list(f, allow_comma_string=False),
}
CATEGORY_FIELDS: dict[str, Callable[[Field], Any]] = {
    "title": convert_title,
    "description": as_text,
    "order": _convert_order,
}


def convert_fields(data: dict, fields: dict[str, Callable[[Field], Any]], path: Path,
                   yaml_text: str, first_line: int) -> tuple[dict, list[ContentError]]:
    """Check every key against `fields` and convert its value; collect every problem."""
    lines = _key_lines(yaml_text, first_line)
    values, errors = {}, []
    for key, value in data.items():
        line = lines.get(str(key), first_line)
        if key not in fields:
            known = ", ".join(fields)
            errors.append(ContentError(path, line, f"unknown key '{key}'{did_you_mean(str(key), fields)}",
                                       f"the keys you can use here are: {known}"))
            continue
        try:
            values[key] = fields[key](Field(key, value, path, line, _raw_value(yaml_text, key)))
        except ContentError as error:
            errors.append(error)
    return values, errors


# --- Files ------------------------------------------------------------------------------

MAX_FILE_BYTES = 2 * 1024 * 1024  # far beyond any topic; past it, a file is almost surely a mistake


def read_text(path: Path, shown: Path) -> str:
    """Read a UTF-8 text file (BOM and CRLF allowed) or raise a ContentError saying why not."""
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise ContentError(shown, None, f"the file is {size / 2**20:.1f} MB, more than a topic file should be",
                               f"split it into several topics of under {MAX_FILE_BYTES // 2**20} MB each")
        data = path.read_bytes()
    except OSError as exc:
        raise ContentError(shown, None, f"cannot read the file: {exc.strerror or exc}",
                           "check that it exists and that you may read it (a broken or looping link?)") from None
    if b"\0" in data:
        raise ContentError(shown, None, "this is not a text file",
                           "content/ holds Markdown files; move binary files elsewhere")
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise ContentError(shown, line, "the file is not valid UTF-8",
                           "save the file with UTF-8 encoding in your editor") from None
    return text.replace("\r\n", "\n").replace("\r", "\n")


def split_front_matter(text: str, path: Path) -> tuple[str, int, str, int]:
    """Split a file into (yaml text, its first line, body, the body's first line)."""
    if not text.strip():
        raise ContentError(path, 1, "the file is empty",
                           f"{FRONT_MATTER_EXAMPLE}; '{command_name()} new' writes a starter file")
    lines = text.split("\n")
    if lines[0].strip() != "---":
        raise ContentError(path, 1, "the file does not start with front matter",
                           FRONT_MATTER_EXAMPLE)
    for index in range(1, len(lines)):
        if lines[index].rstrip() in ("---", "..."):
            return "\n".join(lines[1:index]), 2, "\n".join(lines[index + 1:]), index + 2
    raise ContentError(path, 1, "the front matter is not closed",
                       "add a line with just '---' after the last front matter key")


# --- Questions --------------------------------------------------------------------------

_QUESTION_HEADING = re.compile(r"^##(?!#)(?:[ \t]+(.*?))?[ \t]*$")
_MARKER = re.compile(r"^(?P<text>.*?)[ \t]*\[(?P<marker>[^\[\]]*)\][ \t]*(?:\{#(?P<id>[^}]*)\})?$")
_QUESTION_TAGS = re.compile(r"^\s*\n*tags[ \t]*:[ \t]*(?P<tags>[^\n]*)(?:\n|$)", re.IGNORECASE)


@dataclass(frozen=True)
class _RawQuestion:
    heading: str
    line: int
    answer: str


def split_questions(body: str, body_line: int, path: Path) -> tuple[str, list[_RawQuestion]]:
    """Split the body at level-2 headings outside code fences -> (intro, raw questions)."""
    intro: list[str] = []
    questions: list[tuple[str, int, list[str]]] = []
    lines = body.split("\n")
    in_code, unclosed = fence_spans(lines)
    if unclosed is not None:
        fence, opened = unclosed
        raise ContentError(path, body_line + opened, "this code block is never closed",
                           f"add a closing line '{fence}' after the code")
    for offset, (line, is_code) in enumerate(zip(lines, in_code)):
        heading = None if is_code else _QUESTION_HEADING.match(line)
        if heading is not None:
            questions.append((heading.group(1) or "", body_line + offset, []))
            continue
        (questions[-1][2] if questions else intro).append(line)
    return "\n".join(intro), [_RawQuestion(h, n, "\n".join(a)) for h, n, a in questions]


def parse_question_heading(heading: str, path: Path, line: int) -> tuple[str, Difficulty, str]:
    """'What is X? [easy] {#x}' -> ('What is X?', Difficulty.EASY, 'x')."""
    match = _MARKER.match(heading)
    if match is None:
        raise ContentError(path, line, f"question '{heading}' has no difficulty", DIFFICULTY_HINT)
    marker = match.group("marker").strip().lower()
    choices = [d.value for d in Difficulty]
    if marker not in choices:
        raise ContentError(path, line, f"unknown difficulty '{match.group('marker')}'",
                           f"use easy, medium or hard{did_you_mean(marker, choices)}")
    text = match.group("text").strip()
    if not text:
        raise ContentError(path, line, "the question heading has no text",
                           "write the question before the marker: '## What is X? [easy]'")
    explicit_id = (match.group("id") or "").strip()
    if match.group("id") is not None and not re.fullmatch(r"[A-Za-z0-9][\w-]*", explicit_id):
        raise ContentError(path, line, f"invalid question id '{{#{explicit_id}}}'",
                           "use letters, digits and hyphens, for example {#vanishing-gradients}")
    return text, Difficulty(marker), explicit_id


def split_question_tags(answer: str) -> tuple[tuple[str, ...], str, int]:
    """An answer whose first line is 'Tags: a, b' -> (('a', 'b'), the rest, lines taken away)."""
    match = _QUESTION_TAGS.match(answer)
    if match is None:
        return (), answer, 0
    tags = tuple(dict.fromkeys(t.strip() for t in match.group("tags").split(",") if t.strip()))
    return tags, answer[match.end():], answer[:match.end()].count("\n")


_OPTION = re.compile(r"^ {0,3}[-*+][ \t]+\[(?P<mark>[ xX])\][ \t]*(?P<text>.*)$")
_EXPLANATION_LABEL = re.compile(r"^\s*(?:\*\*)?explanation:?(?:\*\*)?:?[ \t]*", re.IGNORECASE)


@dataclass(frozen=True)
class _RawOption:
    text: str
    is_correct: bool
    line: int


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
            options.append(_RawOption(match.group("text").strip(), match.group("mark") != " ", first_line + index))
        elif not line.strip():
            following = next((j for j in range(index, len(lines)) if lines[j].strip()), len(lines))
            if following == len(lines) or not _OPTION.match(lines[following]):
                break
            index = following
            continue
        elif line.startswith(("  ", "\t")):  # an option's text continued on the next line
            last = options[-1]
            options[-1] = _RawOption(f"{last.text} {line.strip()}", last.is_correct, last.line)
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
        if not option.text:
            errors.append(ContentError(path, option.line, "this option is empty", "write the option's text after [ ]"))
        elif option.text.casefold() in seen:
            errors.append(ContentError(path, option.line,
                                       f"option '{option.text}' is listed twice (also on line {seen[option.text.casefold()]})",
                                       "remove or reword one of them"))
        seen.setdefault(option.text.casefold(), option.line)
    return errors


def _merge_tags(page_tags: tuple[str, ...], questions: tuple[Question, ...]) -> tuple[str, ...]:
    """The page's tags followed by any tag only its questions name, each once by slug."""
    merged: dict[str, str] = {}
    for tag in (*page_tags, *(t for q in questions for t in q.tags)):
        merged.setdefault(slugify(tag) or tag, tag)
    return tuple(merged.values())


def render_at(render: Callable[[str, str], Any], text: str, path: Path, first_line: int, raw_html: str) -> Any:
    """Render Markdown that starts at `first_line` of `path`; a bad formula becomes a ContentError there."""
    try:
        return render(text, raw_html)
    except MarkupError as exc:
        raise ContentError(path, first_line + exc.line_offset, exc.message, exc.hint) from None


def prerendered(texts: list[str], raw_html: str) -> Callable[[str, str], str]:
    """render_markdown, with `texts` converted ahead in one pass when they can be (see render_many)."""
    texts = [text for text in texts if text.strip()]
    done = dict(zip(texts, render_many(texts, raw_html) or ()))
    return lambda text, mode: done[text] if text in done and mode == raw_html else render_markdown(text, mode)


def parse_questions(raw: list[_RawQuestion], path: Path, kind: Kind = Kind.INTERVIEW,
                    raw_html: str = "allow", render_block: Callable[[str, str], str] = render_markdown,
                    ) -> tuple[tuple[Question, ...], list[ContentError]]:
    """Turn raw heading+answer chunks into Questions with unique, stable ids."""
    questions: list[Question] = []
    errors: list[ContentError] = []
    ids: dict[str, int] = {}
    texts: dict[str, int] = {}
    for number, item in enumerate(raw, start=1):
        try:
            text, difficulty, explicit_id = parse_question_heading(item.heading, path, item.line)
        except ContentError as error:
            errors.append(error)
            continue
        tags, answer, taken = split_question_tags(item.answer)
        answer_line = item.line + 1 + taken
        extra: dict[str, Any] = {}
        try:
            if kind is Kind.MCQ:
                prompt, options, explanation, explanation_line = split_options(answer, answer_line)
                errors += _check_options(options, path, item.line)
                answer = ""
                extra = {
                    "prompt_html": render_at(render_markdown, prompt, path, answer_line, raw_html) if prompt.strip() else "",
                    "options": tuple(Option(render_at(render_inline, o.text, path, o.line, raw_html), o.is_correct, o.line)
                                     for o in options),
                    "explanation_html": render_at(render_markdown, explanation, path, explanation_line, raw_html)
                    if explanation else "",
                }
            extra["title_html"] = render_at(render_inline, text, path, item.line, raw_html)
            extra["answer_html"] = render_at(render_block, answer, path, answer_line, raw_html) if answer else ""
        except ContentError as error:
            errors.append(error)
            continue
        if kind is not Kind.MCQ and not answer.strip():
            errors.append(ContentError(path, item.line, f"question '{text}' has no answer",
                                       "write the answer below the heading, before the next '## '"))
        key = text.casefold()
        if key in texts:
            errors.append(ContentError(path, item.line,
                                       f"question '{text}' already appears on line {texts[key]}",
                                       "remove one copy or reword it"))
        texts.setdefault(key, item.line)
        base = "q-" + (explicit_id or slugify(text) or f"question-{number}")
        if explicit_id and base in ids:
            errors.append(ContentError(path, item.line, f"id '{{#{explicit_id}}}' is already used on line {ids[base]}",
                                       "give each question its own id"))
        question_id, suffix = base, 2
        while question_id in ids:
            question_id, suffix = f"{base}-{suffix}", suffix + 1
        ids[question_id] = item.line
        questions.append(Question(
            id=question_id, title_text=text, difficulty=difficulty, line=item.line, tags=tags, **extra,
        ))
    return tuple(questions), errors


# --- Pages and categories ---------------------------------------------------------------

def kind_of_stem(stem: str) -> tuple[str, Kind | None]:
    """'gradients.mcq' -> ('gradients', Kind.MCQ); 'gradients' -> ('gradients', None)."""
    for suffix, kind in KIND_SUFFIXES.items():
        if stem.endswith(suffix) and len(stem) > len(suffix):
            return stem[: -len(suffix)], kind
    return stem, None


def _item_lines(yaml_text: str, first_line: int, key: str, items: tuple[str, ...]) -> tuple[tuple[str, int], ...]:
    """Each list item of `key` with the file line it is written on (the key's line if not found)."""
    lines = yaml_text.split("\n")
    key_line = _key_lines(yaml_text, first_line).get(key, first_line)
    found = []
    for item in items:
        offset = next((i for i in range(key_line - first_line, len(lines)) if item in lines[i]), key_line - first_line)
        found.append((item, first_line + offset))
    return tuple(found)


def parse_page(text: str, path: Path, category: str, stem: str, raw_html: str = "allow") -> Page:
    """Parse one content file's text into a Page.

    Raises ContentError when the file cannot be read as front matter plus body, and
    BuildFailed with every problem found once it can.
    """
    yaml_text, yaml_line, body, body_line = split_front_matter(text, path)
    data = load_yaml(yaml_text, path, yaml_line)
    values, errors = convert_fields(data, PAGE_FIELDS, path, yaml_text, yaml_line)
    key_lines = _key_lines(yaml_text, yaml_line)
    if "title" not in data:
        errors.append(ContentError(path, 1, "the front matter has no 'title'",
                                   "add a line 'title: Your title' between the '---' lines"))
    subject, suffix_kind = kind_of_stem(stem)
    kind = values.pop("kind", None)
    if kind and suffix_kind and kind is not suffix_kind:
        errors.append(ContentError(path, key_lines.get("kind"), f"'kind: {kind.value}' contradicts the file name",
                                   f"the name ends in .{suffix_kind.value}.md; change one so they agree"))
    kind = kind or suffix_kind or Kind.INTERVIEW
    if values.get("takeaways") and kind is not Kind.TUTORIAL:
        errors.append(ContentError(path, key_lines.get("takeaways"), "'takeaways' is only for tutorials",
                                   "remove it, or make this page a tutorial with 'kind: tutorial'"))
    values["related"] = _item_lines(yaml_text, yaml_line, "related", values.get("related", ()))
    try:
        intro, raw_questions = split_questions(body, body_line, path)
    except ContentError as error:  # an unclosed fence: report it with the front matter's problems
        raise BuildFailed([*errors, error]) from None
    questions: tuple[Question, ...] = ()
    if kind is Kind.TUTORIAL:
        errors += [ContentError(path, q.line, "a tutorial has no questions, but this heading has a difficulty marker",
                                "remove the marker to make it a section heading, or use 'kind: interview' or 'kind: mcq'")
                   for q in raw_questions if _MARKER.match(q.heading)]
        if not body.strip():
            errors.append(ContentError(path, body_line, "the tutorial is empty", "write the article below the front matter"))
        try:
            values["body_html"], values["toc"] = render_at(render_article, body, path, body_line, raw_html)
        except ContentError as error:
            errors.append(error)
    else:
        answers = [split_question_tags(q.answer)[1] for q in raw_questions] if kind is Kind.INTERVIEW else []
        render_block = prerendered([intro, *answers], raw_html)
        questions, question_errors = parse_questions(raw_questions, path, kind, raw_html, render_block)
        errors += question_errors
        if not raw_questions:
            hint = ("add questions as level-2 headings ending in a difficulty, for example "
                    "'## What is X? [easy]'; for an article without questions, use 'kind: tutorial'")
            errors.append(ContentError(path, body_line, "the page has no questions", hint))
        try:
            values["intro_html"] = render_at(render_block, intro, path, body_line, raw_html) if intro.strip() else ""
        except ContentError as error:
            errors.append(error)
    slug = values.pop("slug", None) or slugify(stem)
    if slug in RESERVED_PAGE_SLUGS or not slug:
        errors.append(ContentError(path, key_lines.get("slug"), f"a page cannot be named '{slug or stem}'",
                                   "rename the file or set another 'slug:' in the front matter"))
    if errors:
        raise BuildFailed(errors)
    values["tags"] = _merge_tags(values.get("tags", ()), questions)
    canonical = {slugify(t) or t: t for t in values["tags"]}
    questions = tuple(replace(q, tags=tuple(dict.fromkeys(canonical[slugify(t) or t] for t in q.tags)))
                      for q in questions)
    return Page(source_path=path, category=category, slug=slug, questions=questions, kind=kind,
                subject=slugify(subject) or slug, tip_html=render_text(values.get("tip", "")),
                checklist_html=tuple(map(render_text, values.get("checklist", ()))),
                takeaways_html=tuple(map(render_text, values.get("takeaways", ()))), **values)


def load_category(folder: Path, shown: Path) -> Category:
    """A category from its folder and optional _category.yml."""
    slug = slugify(folder.name)
    title = folder.name.replace("-", " ").replace("_", " ").strip().title()
    meta_path = folder / CATEGORY_FILE
    if not meta_path.exists():
        return Category(slug=slug, title=title)
    meta_shown = shown / CATEGORY_FILE
    text = read_text(meta_path, meta_shown)
    data = load_yaml(text, meta_shown, 1)
    values, errors = convert_fields(data, CATEGORY_FIELDS, meta_shown, text, 1)
    if errors:
        raise BuildFailed(errors)
    return Category(slug=slug, **{"title": title, **values})


def _collect(errors: list[ContentError], action: Callable[[], Any]) -> Any:
    """Run one parsing step; keep its errors for the report and go on with the next."""
    try:
        return action()
    except ContentError as error:
        errors.append(error)
    except BuildFailed as failed:
        errors.extend(failed.errors)
    return None


@dataclass(frozen=True)
class Source:
    """A content file found in a category folder: where it is, and how errors name it."""

    path: Path
    shown: Path
    category: str


@dataclass(frozen=True)
class Discovery:
    """What the content folder holds, before any Markdown file is parsed."""

    categories: tuple[Category, ...]  # without pages yet
    sources: tuple[Source, ...]
    errors: tuple[ContentError, ...]


def discover_content(content_dir: Path, files: list[Path] | None = None) -> Discovery:
    """Find the categories and content files; report files in the wrong place.

    `files` (every file under content_dir, when the caller has just listed them) saves walking the tree again.
    """
    errors: list[ContentError] = []
    shown_root = relative_to_cwd(content_dir)
    if not content_dir.is_dir():
        raise BuildFailed([ContentError(shown_root, None, "the content folder does not exist",
                                        "create it, or pass --content DIR")])
    categories: list[Category] = []
    sources: list[Source] = []
    folders: dict[str, Path] = {}
    by_folder: dict[str, list[Path]] = {}
    prefix = len(str(content_dir).rstrip("/")) + 1
    for file in files or ():
        if file.suffix == ".md":
            by_folder.setdefault(str(file)[prefix:].split("/", 1)[0], []).append(file)
    for folder in sorted(p for p in content_dir.iterdir() if p.is_dir() and not p.name.startswith(".")):
        shown_folder = shown_root / folder.name
        category = _collect(errors, lambda: load_category(folder, shown_folder)) or \
            Category(slugify(folder.name), folder.name)  # still read its pages, to report their errors too
        if category.slug in RESERVED_CATEGORY_SLUGS or not category.slug:
            errors.append(ContentError(shown_folder, None, f"a category folder cannot be named '{folder.name}'",
                                       "rename the folder; 'tags' and 'static' are used by the site"))
            continue
        if category.slug in folders:
            errors.append(ContentError(shown_folder, None,
                                       f"this folder and {folders[category.slug]} both become {category.slug}/",
                                       "rename one of the folders"))
            continue
        folders[category.slug] = shown_folder
        categories.append(category)
        markdown_files = folder.rglob("*.md") if files is None else by_folder.get(folder.name, [])
        for path in sorted(markdown_files):
            shown = shown_folder / path.relative_to(folder)
            if path.parent != folder:
                errors.append(ContentError(shown, None, "content files must sit directly in a category folder",
                                           f"move it to {shown_folder / path.name}"))
            else:
                sources.append(Source(path, shown, category.slug))
    for stray in sorted(content_dir.glob("*.md")):
        errors.append(ContentError(shown_root / stray.name, None, "content files must sit in a category folder",
                                   f"move it to {shown_root}/<category>/{stray.name}"))
    return Discovery(tuple(categories), tuple(sources), tuple(errors))


def source_hash(text: str, raw_html: str) -> str:
    """What a parsed page depends on besides the code: its text and the raw-HTML mode."""
    return hashlib.sha1(f"{raw_html}\0{text}".encode("utf-8")).hexdigest()


def parse_source(source: Source, raw_html: str = "allow") -> Page | list[ContentError]:
    """Read and parse one content file: the Page, or every problem in it (picklable, for worker processes)."""
    errors: list[ContentError] = []
    text = _collect(errors, lambda: read_text(source.path, source.shown))
    if text is None:
        return errors
    page = _collect(errors, lambda: parse_page(text, source.shown, source.category, source.path.stem, raw_html))
    if page is None:
        return errors
    return replace(page, source_hash=source_hash(text, raw_html))


def assemble_site(config: SiteConfig, discovery: Discovery, pages: list[Page], assets: dict[str, Path],
                  check: Callable[[Page], CheckedPage], errors: list[ContentError],
                  links_fingerprint: str = "") -> Site:
    """Cross-page work on parsed pages: links, subjects, related subjects, tags; raise BuildFailed on errors."""
    shown_root = discovery.sources[0].shown.parent.parent if discovery.sources else Path("content")
    errors += _url_clashes(pages)
    warnings: list[ContentError] = []
    by_category: dict[str, list[Page]] = {}
    for page in pages:
        checked = check(page)
        errors.extend(checked.errors)
        warnings.extend(checked.warnings)
        warnings.extend(_page_warnings(page))
        by_category.setdefault(page.category, []).append(checked.page)
    categories: list[Category] = []
    for category in discovery.categories:
        if category.slug not in by_category:
            continue
        subjects, subject_errors = group_subjects(category.slug, by_category[category.slug])
        errors += subject_errors
        categories.append(replace(category, pages=tuple(p for s in subjects for p in s.pages), subjects=subjects))
    if not errors and not categories:
        errors.append(ContentError(shown_root, None, "there is no content to build",
                                   f"add a file with '{command_name()} new <category>/<topic>'"))
    categories = resolve_related(categories, errors)
    if errors:
        raise BuildFailed(errors)
    categories.sort(key=lambda c: sort_key(c.order, c.title))
    return Site(config=config, categories=tuple(categories), tags=collect_tags(categories),
                assets=tuple(sorted(assets.items())), warnings=tuple(warnings), links_fingerprint=links_fingerprint)


def _page_warnings(page: Page) -> list[ContentError]:
    """What a page lacks without being wrong: a build goes on; 'check --strict' refuses."""
    warnings = []
    if not page.summary:
        warnings.append(ContentError(page.source_path, 2, "the page has no summary",
                                     "add 'summary: One sentence on what it covers' to the front matter"))
    if page.kind is Kind.INTERVIEW and not page.checklist:
        warnings.append(ContentError(page.source_path, 2, "the page has no review checklist",
                                     "add 'checklist:' with two or three points to remember"))
    return warnings


def load_site(content_dir: Path, config: SiteConfig) -> Site:
    """Read every content file under `content_dir` into a Site; raise BuildFailed listing all problems."""
    discovery = discover_content(content_dir)
    errors = list(discovery.errors)
    pages = []
    for source in discovery.sources:
        result = parse_source(source, config.raw_html)
        if isinstance(result, Page):
            pages.append(result)
        else:
            errors.extend(result)
    assets = find_assets(content_dir)
    links = LinkChecker(pages, assets)
    return assemble_site(config, discovery, pages, assets, links.check_page, errors, links.fingerprint)


KIND_ORDER = (Kind.TUTORIAL, Kind.MCQ, Kind.INTERVIEW)  # learn, validate, prepare: as the seed page words it


def group_subjects(category: str, pages: list[Page]) -> tuple[tuple[Subject, ...], list[ContentError]]:
    """Pages that share a subject become one Subject, ordered by their main page's order and title."""
    groups: dict[str, list[Page]] = {}
    errors = []
    for page in pages:
        group = groups.setdefault(page.subject, [])
        twin = next((p for p in group if p.kind is page.kind), None)
        if twin is not None:
            errors.append(ContentError(page.source_path, None,
                                       f"{twin.source_path} is already the {page.kind.value} page of '{page.subject}'",
                                       "a subject has at most one page of each kind; rename one of the files"))
            continue
        group.append(page)
    subjects = [Subject(f"{category}/{name}", tuple(sorted(group, key=lambda p: KIND_ORDER.index(p.kind))))
                for name, group in groups.items()]
    subjects.sort(key=lambda s: sort_key(s.main_page.order, s.main_page.title))
    return tuple(subjects), errors


def _subject_key(reference: str, category: str) -> str:
    """'x', 'x.md', 'x.mcq.md' or 'other/x' -> the subject key it names."""
    reference = reference.strip().strip("/").removesuffix(".md")
    folder, _, name = reference.rpartition("/")
    subject, _ = kind_of_stem(name)
    return f"{slugify(folder) if folder else category}/{slugify(subject)}"


def resolve_related(categories: list[Category], errors: list[ContentError]) -> list[Category]:
    """Check every `related:` reference and attach the subjects each subject links to."""
    keys = {s.key for c in categories for s in c.subjects}
    resolved = []
    for category in categories:
        subjects = []
        for subject in category.subjects:
            related: list[str] = []
            for page in subject.pages:
                for reference, line in page.related:
                    key = _subject_key(reference, category.slug)
                    if key not in keys:
                        nearest = difflib.get_close_matches(key, sorted(keys), n=3, cutoff=0.3)
                        errors.append(ContentError(
                            page.source_path, line, f"related subject '{reference}' does not exist",
                            "write 'category/file-name' (or just 'file-name' in the same folder)"
                            + (f"; nearest: {', '.join(nearest)}" if nearest else "")))
                    elif key != subject.key and key not in related:
                        related.append(key)
            subjects.append(Subject(subject.key, subject.pages, tuple(related)))
        resolved.append(replace(category, subjects=tuple(subjects)))
    return resolved


def _url_clashes(pages: list[Page]) -> list[ContentError]:
    owners: dict[str, Page] = {}
    errors = []
    for page in pages:
        first = owners.setdefault(page.output_path, page)
        if first is not page:
            errors.append(ContentError(page.source_path, None,
                                       f"this page and {first.source_path} both become {page.output_path}",
                                       "rename one file or give it its own 'slug:'"))
    return errors


def collect_tags(categories: list[Category]) -> tuple[Tag, ...]:
    """Every tag with the pages carrying it, in reading order; spellings that slug alike are one tag."""
    names: dict[str, str] = {}
    pages: dict[str, list[Page]] = {}
    for category in categories:
        for page in category.pages:
            for name in page.tags:
                slug = slugify(name) or "tag"
                names.setdefault(slug, name)
                listed = pages.setdefault(slug, [])
                if not listed or listed[-1] is not page:  # a page names each tag once (merged by slug)
                    listed.append(page)
    tags = [Tag(names[slug], slug, tuple(pages[slug])) for slug in names]
    return tuple(sorted(tags, key=lambda t: t.name.casefold()))
