"""Discover content files, parse front matter and questions, and assemble the Site."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Callable

import yaml

from .errors import BuildFailed, ContentError, did_you_mean, relative_to_cwd
from .markup import render_inline, render_markdown
from .model import Category, Difficulty, Page, Question, Site, SiteConfig, Tag, slugify, sort_key

CATEGORY_FILE = "_category.yml"
# Output names a category or page may not take, because the site uses them itself.
RESERVED_CATEGORY_SLUGS = {"tags", "static"}
RESERVED_PAGE_SLUGS = {"index"}
DIFFICULTY_HINT = "end the heading with [easy], [medium] or [hard], for example '## What is X? [easy]'"
FRONT_MATTER_EXAMPLE = "start the file with '---', then 'title: Your title', then '---'"


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


PAGE_FIELDS: dict[str, Callable[[Field], Any]] = {
    "title": convert_title,
    "summary": as_text,
    "tags": lambda f: as_text_list(f, allow_comma_string=True),
    "tip": as_text,
    "checklist": lambda f: as_text_list(f, allow_comma_string=False),
    "order": _convert_order,
    "slug": _convert_slug,
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

def read_text(path: Path, shown: Path) -> str:
    """Read a UTF-8 text file (BOM and CRLF allowed) or raise a ContentError saying why not."""
    data = path.read_bytes()
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
                           f"{FRONT_MATTER_EXAMPLE}; 'python build.py new' writes a starter file")
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
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
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
    fence, fence_line = "", 0
    for offset, line in enumerate(body.split("\n")):
        number = body_line + offset
        fence_match = _FENCE.match(line)
        if fence:
            if fence_match and fence_match.group(1)[0] == fence[0] and \
                    len(fence_match.group(1)) >= len(fence) and not line.strip(" `~"):
                fence = ""
        elif fence_match:
            fence, fence_line = fence_match.group(1), number
        elif (heading := _QUESTION_HEADING.match(line)) is not None:
            questions.append((heading.group(1) or "", number, []))
            continue
        (questions[-1][2] if questions else intro).append(line)
    if fence:
        raise ContentError(path, fence_line, "this code block is never closed",
                           f"add a closing line '{fence}' after the code")
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


def split_question_tags(answer: str) -> tuple[tuple[str, ...], str]:
    """An answer whose first line is 'Tags: a, b' -> (('a', 'b'), the rest of the answer)."""
    match = _QUESTION_TAGS.match(answer)
    if match is None:
        return (), answer
    tags = tuple(dict.fromkeys(t.strip() for t in match.group("tags").split(",") if t.strip()))
    return tags, answer[match.end():]


def _merge_tags(page_tags: tuple[str, ...], questions: tuple[Question, ...]) -> tuple[str, ...]:
    """The page's tags followed by any tag only its questions name, each once by slug."""
    merged: dict[str, str] = {}
    for tag in (*page_tags, *(t for q in questions for t in q.tags)):
        merged.setdefault(slugify(tag) or tag, tag)
    return tuple(merged.values())


def parse_questions(raw: list[_RawQuestion], path: Path) -> tuple[tuple[Question, ...], list[ContentError]]:
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
        tags, answer = split_question_tags(item.answer)
        if not answer.strip():
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
            id=question_id, title_html=render_inline(text), title_text=text,
            difficulty=difficulty, answer_html=render_markdown(answer), line=item.line, tags=tags,
        ))
    return tuple(questions), errors


# --- Pages and categories ---------------------------------------------------------------

def parse_page(text: str, path: Path, category: str, stem: str) -> Page:
    """Parse one content file's text into a Page.

    Raises ContentError when the file cannot be read as front matter plus body, and
    BuildFailed with every problem found once it can.
    """
    yaml_text, yaml_line, body, body_line = split_front_matter(text, path)
    data = load_yaml(yaml_text, path, yaml_line)
    values, errors = convert_fields(data, PAGE_FIELDS, path, yaml_text, yaml_line)
    if "title" not in data:
        errors.append(ContentError(path, 1, "the front matter has no 'title'",
                                   "add a line 'title: Your title' between the '---' lines"))
    try:
        intro, raw_questions = split_questions(body, body_line, path)
    except ContentError as error:  # an unclosed fence: report it with the front matter's problems
        raise BuildFailed([*errors, error]) from None
    questions, question_errors = parse_questions(raw_questions, path)
    errors += question_errors
    if not raw_questions:
        errors.append(ContentError(path, body_line, "the page has no questions", DIFFICULTY_HINT))
    slug = values.pop("slug", None) or slugify(stem)
    slug_line = _key_lines(yaml_text, yaml_line).get("slug")
    if slug in RESERVED_PAGE_SLUGS or not slug:
        errors.append(ContentError(path, slug_line, f"a page cannot be named '{slug or stem}'",
                                   "rename the file or set another 'slug:' in the front matter"))
    if errors:
        raise BuildFailed(errors)
    values["tags"] = _merge_tags(values.get("tags", ()), questions)
    canonical = {slugify(t) or t: t for t in values["tags"]}
    questions = tuple(replace(q, tags=tuple(dict.fromkeys(canonical[slugify(t) or t] for t in q.tags)))
                      for q in questions)
    return Page(source_path=path, category=category, slug=slug, questions=questions,
                intro_html=render_markdown(intro) if intro.strip() else "", **values)


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


def load_site(content_dir: Path, config: SiteConfig) -> Site:
    """Read every content file under `content_dir` into a Site; raise BuildFailed listing all problems."""
    errors: list[ContentError] = []
    shown_root = relative_to_cwd(content_dir)
    if not content_dir.is_dir():
        raise BuildFailed([ContentError(shown_root, None, "the content folder does not exist",
                                        "create it, or pass --content DIR")])
    categories: list[Category] = []
    folders: dict[str, Path] = {}
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
        pages = []
        for source in sorted(folder.rglob("*.md")):
            shown = shown_folder / source.relative_to(folder)
            if source.parent != folder:
                errors.append(ContentError(shown, None, "content files must sit directly in a category folder",
                                           f"move it to {shown_folder / source.name}"))
                continue
            page = _collect(errors, lambda: parse_page(read_text(source, shown), shown,
                                                        category.slug, source.stem))
            if page is not None:
                pages.append(page)
        pages.sort(key=lambda p: sort_key(p.order, p.title))
        if pages:
            categories.append(Category(category.slug, category.title, category.description,
                                       category.order, tuple(pages)))
    for stray in sorted(content_dir.glob("*.md")):
        errors.append(ContentError(shown_root / stray.name, None, "content files must sit in a category folder",
                                   f"move it to {shown_root}/<category>/{stray.name}"))
    errors += _url_clashes([p for c in categories for p in c.pages])
    if not errors and not categories:
        errors.append(ContentError(shown_root, None, "there is no content to build",
                                   "add a file with 'python build.py new <category>/<topic>'"))
    if errors:
        raise BuildFailed(errors)
    categories.sort(key=lambda c: sort_key(c.order, c.title))
    return Site(config=config, categories=tuple(categories), tags=collect_tags(categories))


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
                if page not in pages.setdefault(slug, []):
                    pages[slug].append(page)
    tags = [Tag(names[slug], slug, tuple(pages[slug])) for slug in names]
    return tuple(sorted(tags, key=lambda t: t.name.casefold()))
