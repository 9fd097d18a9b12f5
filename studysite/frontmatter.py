"""A content file's text and its YAML front matter: strict YAML, the field schema and its converters."""

from __future__ import annotations

import re
from enum import Enum
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

import yaml

from .errors import ContentError, command_name, did_you_mean
from .model import Difficulty, Kind

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


def key_lines(yaml_text: str, first_line: int) -> dict[str, int]:
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


def convert_language(field: Field) -> str:
    """A language tag such as 'en', 'pt-BR' or 'zh-Hans' (the page's lang; 'ar', 'he', 'fa', 'ur' read right to left)."""
    value = as_text(field).strip()
    if not re.fullmatch(r"[A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8})*", value):
        raise field.error(f"'{value}' is not a language tag",
                          "use a code such as en, fr, pt-BR, zh-Hans or ar (as in the HTML lang attribute)")
    return value


def _one_of(choices: type[Enum]) -> Callable[[Field], Any]:
    """A key whose value names one member of an enum (kind:, difficulty:), with 'did you mean'."""
    def convert(field: Field) -> Any:
        value = as_text(field).lower()
        names = [member.value for member in choices]
        if value not in names:
            options = ", ".join(f"{field.key}: {name}" for name in names[:-1]) + f" or {field.key}: {names[-1]}"
            raise field.error(f"unknown {field.key} '{value}'{did_you_mean(value, names)}", f"use {options}")
        return choices(value)
    return convert


_convert_kind = _one_of(Kind)
convert_difficulty = _one_of(Difficulty)  # a default for questions whose heading has no [marker]


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
    "difficulty": convert_difficulty,
    "language": convert_language,
}
CATEGORY_FIELDS: dict[str, Callable[[Field], Any]] = {
    "title": convert_title,
    "description": as_text,
    "order": _convert_order,
    "difficulty": convert_difficulty,
}


def convert_fields(data: dict, fields: dict[str, Callable[[Field], Any]], path: Path,
                   yaml_text: str, first_line: int) -> tuple[dict, list[ContentError]]:
    """Check every key against `fields` and convert its value; collect every problem."""
    lines = key_lines(yaml_text, first_line)
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


def item_lines(yaml_text: str, first_line: int, key: str, items: tuple[str, ...]) -> tuple[tuple[str, int], ...]:
    """Each list item of `key` with the file line it is written on (the key's line if not found)."""
    lines = yaml_text.split("\n")
    key_line = key_lines(yaml_text, first_line).get(key, first_line)
    found = []
    for item in items:
        offset = next((i for i in range(key_line - first_line, len(lines)) if item in lines[i]), key_line - first_line)
        found.append((item, first_line + offset))
    return tuple(found)
