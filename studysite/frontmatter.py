"""A content file's text and its YAML front matter: strict YAML, the field schema and its converters."""

from __future__ import annotations

import re
import stat
from enum import Enum
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

import yaml

from .errors import ContentError, command_name, did_you_mean
from .model import SLUG_LENGTH, Difficulty, Kind, slugify

FRONT_MATTER_EXAMPLE = "start the file with '---', then 'title: Your title', then '---'"


# --- YAML -------------------------------------------------------------------------------

class _StrictLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """PyYAML's safe loader, stricter: a key given twice is an error instead of a silent overwrite, a
    value its tag cannot read (`!!int first`) is an error at its line, and only plain data tags."""

    def construct_object(self, node: yaml.Node, deep: bool = False) -> Any:
        if node.tag not in _PLAIN_TAGS:
            raise yaml.constructor.ConstructorError(
                None, None, f"the YAML tag '{_short_tag(node.tag)}' is not allowed here", node.start_mark)
        try:
            return super().construct_object(node, deep=deep)
        except yaml.YAMLError:
            raise
        except (ValueError, TypeError, IndexError, AttributeError, OverflowError, KeyError):
            # PyYAML's own constructors fail this way on '!!float' with nothing, '!!timestamp yesterday'...
            value = node.value if isinstance(node.value, str) else "..."
            raise yaml.constructor.ConstructorError(
                None, None, f"'{quote_value(value)}' cannot be read as {_short_tag(node.tag)}", node.start_mark) from None


# Tags that make plain data: text, numbers, true/false, null, lists, mappings (and the merge key
# '<<', which shares a mapping's keys). Dates stay text-like values a field then refuses by name.
_PLAIN_TAGS = frozenset(f"tag:yaml.org,2002:{name}" for name in
                        ("str", "int", "float", "bool", "null", "seq", "map", "merge", "timestamp"))
_MERGE_TAG = "tag:yaml.org,2002:merge"
# Aliases share one value however often they are used, but a value's text and a message quoting it
# are as long as the whole expansion: a 12-line "billion laughs" would make gigabytes.
MAX_YAML_VALUES = 10_000


def _short_tag(tag: str) -> str:
    return "!!" + tag.removeprefix("tag:yaml.org,2002:") if tag.startswith("tag:yaml.org,2002:") else tag


def quote_value(value: Any, limit: int = 60) -> str:
    """A value as a message quotes it: its text, cut to `limit` characters."""
    text = value if isinstance(value, str) else repr(value)
    return text if len(text) <= limit else text[:limit - 3] + "..."


def _construct_unique_mapping(loader: Any, node: yaml.MappingNode, deep: bool = False) -> dict:
    seen: set[Any] = set()
    for key_node, _ in node.value:
        if key_node.tag == _MERGE_TAG:
            continue  # '<<: *base' shares base's keys, which the line's own keys may override
        key = loader.construct_object(key_node, deep=deep)
        try:
            duplicate = key in seen
            seen.add(key)
        except TypeError:  # an unhashable key: let the normal constructor report it
            break
        if duplicate:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key '{quote_value(key)}'", key_node.start_mark
            )
    return loader.construct_mapping(node, deep=deep)


_StrictLoader.add_constructor(
    yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_unique_mapping
)


def _expanded_size(root: yaml.Node) -> int:
    """How many values the document holds with every alias expanded (stops counting past the limit)."""
    sizes: dict[int, int] = {}

    def size(node: yaml.Node) -> int:
        known = sizes.get(id(node))
        if known is not None:
            return known
        sizes[id(node)] = 1  # (a node inside itself: counted once)
        if isinstance(node, yaml.SequenceNode):
            total = 1 + sum(size(child) for child in node.value)
        elif isinstance(node, yaml.MappingNode):
            total = 1 + sum(size(key) + size(value) for key, value in node.value)
        else:
            total = 1
        sizes[id(node)] = total = min(total, MAX_YAML_VALUES + 1)
        return total

    return size(root)


def load_yaml(text: str, path: Path, first_line: int) -> dict:
    """Parse a YAML mapping; `first_line` is the file line where `text` starts (1-based)."""
    loader = _StrictLoader(text)
    try:
        node = loader.get_single_node()
        if node is not None and _expanded_size(node) > MAX_YAML_VALUES:
            raise ContentError(path, first_line, f"the YAML aliases (*name) expand to more than {MAX_YAML_VALUES:,} values",
                               "write the values out; front matter has no need of aliases that repeat aliases")
        data = None if node is None else loader.construct_document(node)
    except yaml.YAMLError as exc:
        context = getattr(exc, "context", None) or ""
        # An unclosed quote fails where the text ends: point at where the quote opens.
        marks = ("context_mark", "problem_mark") if "quoted scalar" in context else ("problem_mark", "context_mark")
        mark = getattr(exc, marks[0], None) or getattr(exc, marks[1], None)
        line = first_line + mark.line if mark is not None else first_line
        problem = getattr(exc, "problem", None) or str(exc)
        if "quoted scalar" in context:
            problem = "a quoted value is never closed"
        elif mark is not None and "\t" in (text.split("\n")[mark.line] if mark.line < text.count("\n") + 1 else ""):
            problem = "a tab character"
        raise ContentError(path, line, f"invalid YAML: {_yaml_problem(problem)}", _yaml_hint(problem)) from None
    except RecursionError:
        raise ContentError(path, first_line, "the YAML is nested too deeply",
                           "front matter needs a few levels of lists and mappings at most") from None
    finally:
        loader.dispose()
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ContentError(path, first_line, "expected 'key: value' lines",
                           "write one setting per line, for example 'title: Gradients'")
    return data


def _yaml_problem(problem: str) -> str:
    if "found character '\\t'" in problem or "tab character" in problem:
        return "a tab character, which YAML does not allow for indentation"
    return problem


def _yaml_hint(problem: str) -> str:
    if "duplicate key" in problem:
        return "remove one of the two lines; each key may appear once"
    if "tab" in problem:
        return "indent with spaces; YAML does not allow tabs"
    if "is not allowed here" in problem:
        return "remove the tag (the word starting with '!'); front matter holds text, numbers, lists and mappings"
    if "cannot be read as !!timestamp" in problem:
        return "a date must be a real day written as YYYY-MM-DD, for example date: 2026-12-05"
    if "cannot be read as" in problem:
        return "remove the tag (the word starting with '!!') or give a value of that type"
    if "mapping values are not allowed" in problem:
        return "a value that contains ': ' must be quoted, for example title: \"Q: A\""
    if "quoted value is never closed" in problem:
        return "the quote opened on this line has no closing quote: close it on the same line"
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


# Control characters (a NUL, an escape) are invisible in an editor and invalid in a page.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _clean_text(field: Field, value: str) -> str:
    control = _CONTROL.search(value)
    if control:
        raise field.error(f"'{field.key}' holds the control character U+{ord(control.group()):04X}, which a page cannot show",
                          "delete it (in YAML, a \\0 or \\x.. escape inside double quotes makes one)")
    return value.strip()


def as_text(field: Field) -> str:
    if isinstance(field.value, str):
        return _clean_text(field, field.value)
    if field.value is None:
        return ""
    quoted = quote_value(field.raw.strip("'\"")) or "..."
    raise field.error(
        f"'{field.key}' must be text, but YAML read '{quote_value(field.raw or field.value)}' as "
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
                f"'{field.key}' has an item that is not text: YAML read it as {quote_value(item)}",
                f"quote every item of '{field.key}', for example [\"no\", \"yes\"]",
            )
        item = _clean_text(field, item)
        if item and item not in items:
            items.append(item)
    return tuple(items)


def tag_problem(tag: str) -> str | None:
    """Why a tag cannot have a page of its own ('???' has no letter or digit to name it), or None."""
    if not slugify(tag):
        return f"the tag '{quote_value(tag)}' has no letter or digit, so it cannot have a page of its own"
    return None


TAG_HINT = "write the tag as a word, for example tags: [regular-expressions]"


def convert_tags(field: Field) -> tuple[str, ...]:
    tags = as_text_list(field, allow_comma_string=True)
    for tag in tags:
        problem = tag_problem(tag)
        if problem:
            raise field.error(problem, TAG_HINT)
    return tags


def convert_title(field: Field) -> str:
    title = as_text(field)
    if not title:
        raise field.error("'title' is empty", "give the page a title: title: \"Your title\"")
    return title


def _convert_order(field: Field) -> int:
    if isinstance(field.value, bool) or not isinstance(field.value, int):
        raise field.error(f"'order' must be a whole number, not '{quote_value(field.raw or field.value)}'",
                          "for example order: 2 (lower numbers come first)")
    return field.value


def _convert_date(field: Field) -> str:
    """date: the day the page was written or last given new questions, as YYYY-MM-DD (the feed's order)."""
    import datetime

    value = field.value
    if isinstance(value, datetime.datetime):
        value = value.date()
    if isinstance(value, str):
        try:
            value = datetime.date.fromisoformat(value.strip())
        except ValueError:
            pass
    if not isinstance(value, datetime.date):
        raise field.error(f"'date' must be a day written as YYYY-MM-DD, not '{quote_value(field.raw or field.value)}'",
                          "for example date: 2026-12-05 (the day the page was written or last gained questions)")
    return value.isoformat()


def _convert_slug(field: Field) -> str:
    slug = as_text(field)
    if not re.fullmatch(r"[\w][\w-]*", slug):
        raise field.error(f"'slug' '{quote_value(slug)}' is not a valid file name",
                          "use letters, digits and hyphens only, for example slug: my-topic")
    if len(slug) > SLUG_LENGTH:
        raise field.error(f"'slug' is {len(slug)} characters long; the longest a page's file name may be is "
                          f"{SLUG_LENGTH}", "shorten it: a few words name a page well, for example slug: my-topic")
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
    "tags": convert_tags,
    "tip": as_text,
    "checklist": lambda f: as_text_list(f, allow_comma_string=False),
    "order": _convert_order,
    "slug": _convert_slug,
    "kind": _convert_kind,
    "related": lambda f: as_text_list(f, allow_comma_string=True),
    "takeaways": lambda f: as_text_list(f, allow_comma_string=False),
    "difficulty": convert_difficulty,
    "language": convert_language,
    "date": _convert_date,
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
        info = path.stat()
        if not stat.S_ISREG(info.st_mode):  # a pipe would wait for a writer forever, a device never end
            raise ContentError(shown, None, "this is not a regular file (a folder, a pipe or a device)",
                               "replace it with a text file, or remove it")
        if info.st_size > MAX_FILE_BYTES:
            raise ContentError(shown, None, f"the file is {info.st_size / 2**20:.1f} MB, more than a topic file should be",
                               f"split it into several topics of under {MAX_FILE_BYTES // 2**20} MB each")
        with path.open("rb") as file:
            data = file.read(MAX_FILE_BYTES + 1)  # (a file that grows while read is cut there)
    except OSError as exc:
        raise ContentError(shown, None, f"cannot read the file: {exc.strerror or exc}",
                           "check that it exists and that you may read it (a broken or looping link?)") from None
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:  # UTF-16 with its byte-order mark, as some Windows editors save: the text is clear
            return _lines(data.decode("utf-16"))
        except UnicodeDecodeError:
            pass
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        if b"\0" in data:
            raise ContentError(shown, None, "this is not a text file",
                               "content/ holds Markdown files; move binary files elsewhere") from None
        line = data[: exc.start].count(b"\n") + 1
        raise ContentError(shown, line, "the file is not valid UTF-8",
                           "save the file with UTF-8 encoding in your editor") from None
    if "\0" in text:
        if text.count("\0") * 4 > len(text):  # every other byte: UTF-16 without its byte-order mark
            raise ContentError(shown, None, "the file is UTF-16 text without a byte-order mark",
                               "save it as UTF-8 in your editor")
        line = text[: text.index("\0")].count("\n") + 1
        raise ContentError(shown, line, "this line has a NUL character (byte 0), which text never holds",
                           "delete it: editors show it as ^@, \\0 or a box; it often comes from a copy out of a PDF "
                           "or a binary file")
    return _lines(text)


def _lines(text: str) -> str:
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
            if lines[index].rstrip() == "..." and _more_front_matter(lines, index + 1):
                raise ContentError(path, index + 1, "'...' ends the front matter here, but more of it follows",
                                   "delete this line: the front matter ends at the line with just '---'")
            return "\n".join(lines[1:index]), 2, "\n".join(lines[index + 1:]), index + 2
    raise ContentError(path, 1, "the front matter is not closed",
                       "add a line with just '---' after the last front matter key")


def _more_front_matter(lines: list[str], start: int) -> bool:
    """Whether 'key: value' lines run on from `start` to a '---' line: the front matter goes on there."""
    for line in lines[start:]:
        if line.rstrip() == "---":
            return True
        if not line.strip() or not re.match(r"\s*(?:[\w-]+\s*:|- |#)", line):
            return False
    return False


def item_lines(yaml_text: str, first_line: int, key: str, items: tuple[str, ...]) -> tuple[tuple[str, int], ...]:
    """Each list item of `key` with the file line it is written on (the key's line if not found)."""
    lines = yaml_text.split("\n")
    key_line = key_lines(yaml_text, first_line).get(key, first_line)
    found = []
    for item in items:
        offset = next((i for i in range(key_line - first_line, len(lines)) if item in lines[i]), key_line - first_line)
        found.append((item, first_line + offset))
    return tuple(found)
