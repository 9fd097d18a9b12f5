"""GitHub's block structure, read for Python-Markdown.

Python-Markdown is not CommonMark: it needs 4-space indentation inside list items, cannot nest a
fence in a list or a quote, reads an info string of two words as no fence at all, lets an HTML
block run to its closing tag, and merges a list into the paragraph line above it. BlockReader
reads the block structure as cmark-gfm (GitHub's renderer) does: quotes, list items with their
content column, fences, indented code, HTML blocks, tables and headings. It hands each fence, code
block and HTML block to a `store` (the HTML stash), and writes everything else back in the shapes
Python-Markdown parses the same way: lists at 4 spaces, blank lines where a list interrupts a
paragraph. extensions.BlockPreprocessor runs it on every document.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Callable

from markdown import util

from .inlines import filter_tags

Line = tuple[int, str]  # (the line's index in the source, its text)

# The opening of a fence: 3+ backticks (whose info string has no backtick) or 3+ tildes.
_FENCE_OPEN = re.compile(r"(?P<fence>`{3,}(?=[^`]*$)|~{3,})(?P<info>.*)$")
_BULLET = re.compile(r"(?P<marker>[-+*])(?P<space> {1,}|$)")
_ORDERED = re.compile(r"(?P<number>\d{1,9})(?P<delimiter>[.)])(?P<space> {1,}|$)")
_THEMATIC_BREAK = re.compile(r"(?:(?:\* *){3,}|(?:- *){3,}|(?:_ *){3,})$")
_ATX_HEADING = re.compile(r"#{1,6}(?:[ \t]|$)")
_CLOSING_HASHES = re.compile(r"(?:^|[ \t]+)#+[ \t]*$")
_TRAILING_HASHES = re.compile(r"\\?(#+)$")
_SETEXT_UNDERLINE = re.compile(r"(?:=+|-+) *$")
_DEEPEST = 40  # quotes and lists nested deeper than this are left to Python-Markdown as written
_MAY_START_A_BLOCK = frozenset("`~<>-+*#_=|0123456789")  # a line starting otherwise is paragraph text
_BLOCK_START = re.compile(r"^( *)(?:([-+*]|#+)(?= |$)|(>)|(\d+)([.)])(?= |$))")


def _as_text(line: str) -> str:
    """A line that must stay paragraph text, its list marker, heading or quote mark escaped."""
    def escape(m: re.Match) -> str:
        if m.group(4):
            return m.group(1) + m.group(4) + "\\" + m.group(5)
        return m.group(1) + "\\" + (m.group(2) or m.group(3))
    return _BLOCK_START.sub(escape, line, count=1)

# HTML block starts (CommonMark 4.6): condition number -> how the block ends.
_HTML_RAW_TEXT = re.compile(r"<(?:script|pre|style|textarea)(?:\s|>|$)", re.IGNORECASE)
_HTML_RAW_TEXT_END = re.compile(r"</(?:script|pre|style|textarea)>", re.IGNORECASE)
_HTML_BLOCK_TAGS = (
    "address|article|aside|base|basefont|blockquote|body|caption|center|col|colgroup|dd|details|dialog|dir|"
    "div|dl|dt|fieldset|figcaption|figure|footer|form|frame|frameset|h1|h2|h3|h4|h5|h6|head|header|hr|html|"
    "iframe|legend|li|link|main|menu|menuitem|nav|noframes|ol|optgroup|option|p|param|section|source|summary|"
    "table|tbody|td|tfoot|th|thead|title|tr|track|ul")
_ATTRIBUTE = r"""\s+[A-Za-z_:][A-Za-z0-9_.:-]*(?:\s*=\s*(?:[^\s"'=<>`]+|'[^']*'|"[^"]*"))?"""


@lru_cache(maxsize=None)
def _html_tag_patterns() -> tuple[re.Pattern, re.Pattern]:
    """A block tag's start (kind 6), and a whole tag alone on its line (kind 7): compiled when first
    needed, as compiling them costs a no-op build more than anything else it imports."""
    return (re.compile(rf"</?(?:{_HTML_BLOCK_TAGS})(?:\s|/?>|$)", re.IGNORECASE),
            re.compile(rf"(?:<[A-Za-z][A-Za-z0-9-]*(?:{_ATTRIBUTE})*\s*/?>|</[A-Za-z][A-Za-z0-9-]*\s*>)\s*$"))
_HTML_ENDS = {2: "-->", 3: "?>", 4: ">", 5: "]]>"}


def _html_block_kind(text: str, after_paragraph: bool) -> int:
    """Which kind of HTML block (1-7) a line's text (indentation removed) starts; 0 for none."""
    if not text.startswith("<"):
        return 0
    if _HTML_RAW_TEXT.match(text):
        return 1
    if text.startswith("<!--"):
        return 2
    if text.startswith("<?"):
        return 3
    if text.startswith("<![CDATA["):
        return 5
    if re.match(r"<![A-Za-z]", text):
        return 4
    block_tag, complete_tag = _html_tag_patterns()
    if block_tag.match(text):
        return 6
    if not after_paragraph and complete_tag.match(text) and not _HTML_RAW_TEXT.match(text.lstrip("</")):
        return 7
    return 0


def _indent(text: str) -> int:
    return len(text) - len(text.lstrip(" "))


def _list_marker(text: str):
    """The list marker opening `text` (indentation removed): (match, is_ordered) or None."""
    match = _BULLET.match(text) or _ORDERED.match(text)
    if match is None or (match.group(0).startswith(("-", "*")) and _THEMATIC_BREAK.match(text)):
        return None
    return match


def _atx_heading(text: str) -> str:
    """A heading line as GitHub reads it, written so Python-Markdown reads it the same way."""
    hashes = len(text) - len(text.lstrip("#"))
    content = _CLOSING_HASHES.sub("", text[hashes:].strip(" \t"))
    # Python-Markdown would take a '#' run ending the text for a closing sequence, and give up on a
    # text that ends in a backslash: escape both.
    content = _TRAILING_HASHES.sub(lambda m: "\\#" * len(m.group(1)), content)
    if content.endswith("\\") and (len(content) - len(content.rstrip("\\"))) % 2:
        content += "\\"
    return "#" * hashes + " " + content


def _lazy(line: str) -> str:
    """A lazy continuation line: paragraph text, so never a heading's underline."""
    return "&#61;" + line[1:] if _SETEXT_UNDERLINE.match(line) and line.startswith("=") else line


_TABLE_DELIMITER = re.compile(r" {0,3}\|? *:?-+:? *(?:\| *:?-+:? *)*\|? *$")
_CODE_SPAN = re.compile(r"(`+)(.+?)(?<!`)\1(?!`)")


def _is_table_start(lines: list[Line], i: int) -> bool:
    """A header row with a pipe, then a delimiter row ('| --- | :-: |')."""
    return ("|" in lines[i][1] and i + 1 < len(lines) and "-" in lines[i + 1][1]
            and bool(_TABLE_DELIMITER.match(lines[i + 1][1])) and ("|" in lines[i + 1][1]))


def _table_row(line: str) -> str:
    """A table row, with '\\|' in code spans unescaped as GitHub does (the pipe does not split the cell)."""
    if "`" not in line or "\\|" not in line:
        return line
    return _CODE_SPAN.sub(lambda m: m.group(1) + m.group(2).replace("\\|", "|") + m.group(1), line)


def fence_after(fence: str | None, text: str) -> str | None:
    """The fence open after a line, given the one open before it (None: none)."""
    stripped = text.lstrip(" ")
    if fence is None:
        match = _FENCE_OPEN.match(stripped) if _indent(text) < 4 else None
        return match.group("fence") if match else None
    closed = _indent(text) < 4 and stripped.startswith(fence) and not stripped.strip(fence[0]).strip(" \t")
    return None if closed else fence


def _marker_kind(marker: re.Match) -> str:
    """What must stay the same for items to share a list: the bullet, or the number's delimiter."""
    return marker.group("delimiter") if "number" in marker.groupdict() else marker.group("marker")


def _starts_block(text: str) -> bool:
    """Whether a line (indentation under 4 removed) starts a block that ends a paragraph."""
    return bool(not text or text.startswith(">") or _FENCE_OPEN.match(text) or _ATX_HEADING.match(text)
                or _THEMATIC_BREAK.match(text) or _list_marker(text) or _html_block_kind(text, True))


class BlockReader:
    """Reads one document's block structure; `store` keeps a finished HTML block, returning its placeholder."""

    def __init__(self, store: Callable[[str], str], highlight: Callable[[str, str], str], raw_html: bool,
                 lines: list[str] = (), written: dict[int, str] | None = None):
        self._store, self.highlight, self.raw_html = store, highlight, raw_html
        self.lines, self.written = lines, written or {}  # the document's lines, and those whose tabs were expanded
        self.code_lines: set[int] = set()
        self.placeholders: set[str] = set()

    def store(self, html: str) -> str:
        """Keep finished HTML for Python-Markdown's output; the placeholder line that stands for it."""
        placeholder = self._store(html)
        self.placeholders.add(placeholder)
        return placeholder

    def blocks(self, lines: list[Line], in_item: bool = False, depth: int = 0) -> list[Line]:
        """Lines of one container -> lines Python-Markdown reads the same way as GitHub."""
        if depth > _DEEPEST:
            return list(lines)  # absurdly deep nesting: left to Python-Markdown as written
        out: list[Line] = []
        in_paragraph, paragraph_start = False, 0
        i, n = 0, len(lines)
        while i < n:
            origin, line = lines[i]
            text = line.lstrip(" ")
            indent = len(line) - len(text)
            if not text:
                out.append((origin, ""))
                in_paragraph = False
                i += 1
            elif indent < 4 and text[0] not in _MAY_START_A_BLOCK and "|" not in text:
                if not in_paragraph:  # the common case, plain text, with no pattern to try
                    paragraph_start = len(out)
                out.append((origin, line))
                in_paragraph = True
                i += 1
            elif indent >= 4:
                if in_paragraph:  # more of the paragraph: its indentation keeps it from starting a block
                    out.append((origin, line[:indent] + _as_text(text)))
                    i += 1
                else:
                    i = self._indented_code(lines, i, out)
            elif fence := _FENCE_OPEN.match(text):
                i = self._fence(lines, i, indent, fence, out)
                in_paragraph = False
            elif self.raw_html and (kind := _html_block_kind(text, in_paragraph)):
                i = self._html_block(lines, i, kind, out)
                in_paragraph = False
            elif text.startswith(">"):
                if in_paragraph:
                    out.append((origin, ""))
                i = self._quote(lines, i, out, depth)
                in_paragraph = False
            elif (marker := _list_marker(text)) and not (in_paragraph and not self._interrupts(marker, text)):
                if in_paragraph and not (in_item and len(out) == 1):
                    out.append((origin, ""))  # Python-Markdown would read the list as more of the paragraph
                i = self._list(lines, i, out, depth)
                in_paragraph = False
            elif text.startswith("#"):
                if in_paragraph and _ATX_HEADING.match(text):
                    out.append((origin, ""))  # (inside a list item Python-Markdown would keep it as text)
                # Python-Markdown reads '#5' and '####### x' as headings and misses indented ones.
                out.append((origin, _atx_heading(text) if _ATX_HEADING.match(text) else "\\" + line))
                in_paragraph = not _ATX_HEADING.match(text)
                i += 1
            elif in_paragraph and _SETEXT_UNDERLINE.match(text):
                # A heading underlined with = or -: Python-Markdown takes only a one-line one.
                start = paragraph_start
                title = " ".join(part.strip() for _, part in out[start:])
                first = out[start][0] if start < len(out) else origin  # errors name the title's line
                del out[start:]
                out.extend([(first, _atx_heading(("# " if text.startswith("=") else "## ") + title)), (origin, "")])
                in_paragraph = False
                i += 1
            elif _is_table_start(lines, i):
                if in_paragraph:
                    out.append((origin, ""))  # the line above was the paragraph's last
                out.extend([(origin, _table_row(line)), lines[i + 1]])
                i += 2
                while i < len(lines) and lines[i][1].strip() and not _starts_block(lines[i][1].lstrip(" ")):
                    out.append((lines[i][0], _table_row(lines[i][1])))
                    i += 1
                out.append((lines[i - 1][0], ""))
                in_paragraph = False
            elif _THEMATIC_BREAK.match(text):
                if in_paragraph:
                    out.append((origin, ""))
                out.extend([(origin, "***"), (origin, "")])  # not a heading's underline for the next line
                in_paragraph = False
                i += 1
            else:
                if not in_paragraph:
                    paragraph_start = len(out)
                # '1234567890. x' is no list item on GitHub (9 digits at most), nor is '2. x' under a
                # paragraph line (a list interrupts a paragraph only from 1): Python-Markdown would say so.
                out.append((origin, _as_text(line) if in_paragraph or re.match(r" *\d{10}", line) else line))
                in_paragraph = True
                i += 1
        return out

    @staticmethod
    def _interrupts(marker: re.Match, text: str) -> bool:
        """A list interrupts a paragraph only with an item that has text, and an ordered one only from 1."""
        has_text = bool(text[marker.end():].strip())
        return has_text and ("number" not in marker.groupdict() or int(marker.group("number")) == 1)

    def _placeholder(self, origin: int, html: str, out: list[Line]) -> None:
        if out and out[-1][1]:
            out.append((origin, ""))
        out.extend([(origin, self.store(html)), (origin, "")])

    def _indented_code(self, lines: list[Line], i: int, out: list[Line]) -> int:
        end = i
        for j in range(i, len(lines)):
            if lines[j][1].strip() and _indent(lines[j][1]) < 4:
                break
            if lines[j][1].strip():
                end = j + 1
        self.code_lines.update(origin for origin, _ in lines[i:end])
        # Stored like a fence: Python-Markdown would merge the blank lines inside it.
        code = "".join(self._code_line(origin, line, 4) + "\n" for origin, line in lines[i:end])
        self._placeholder(lines[i][0], self.highlight(code, ""), out)
        return end

    def _fence(self, lines: list[Line], i: int, indent: int, fence: re.Match, out: list[Line]) -> int:
        marks = fence.group("fence")
        language = fence.group("info").split()[0].strip("{}.") if fence.group("info").strip() else ""
        closing = re.compile(rf"{re.escape(marks[0])}{{{len(marks)},}}[ \t]*$")
        code: list[str] = []
        self.code_lines.add(lines[i][0])
        j = i + 1
        while j < len(lines):
            origin, line = lines[j]
            self.code_lines.add(origin)
            if _indent(line) < 4 and closing.match(line.lstrip(" ")):
                break
            code.append(self._code_line(origin, line, min(indent, _indent(line))))
            j += 1
        self._placeholder(lines[i][0], self.highlight("\n".join(code) + ("\n" if code else ""), language), out)
        return j + 1

    def _code_line(self, origin: int, text: str, indent: int) -> str:
        """A line of code without `indent` columns: as written, so tabs inside code stay tabs."""
        written = self.written.get(origin)
        if written is None:
            return text[indent:]
        return _drop_columns(written, len(self.lines[origin]) - len(text) + indent)

    def _html_block(self, lines: list[Line], i: int, kind: int, out: list[Line]) -> int:
        j = i
        while j < len(lines):
            line = lines[j][1]
            if kind >= 6:
                if not line.strip():
                    break
            elif (_HTML_RAW_TEXT_END.search(line) if kind == 1 else _HTML_ENDS[kind] in line[1 if j == i else 0:]):
                j += 1
                break
            j += 1
        self._placeholder(lines[i][0], filter_tags("\n".join(line for _, line in lines[i:j])), out)
        return j

    def _quote(self, lines: list[Line], i: int, out: list[Line], depth: int) -> int:
        inner: list[Line] = []
        fence = None  # the fence open inside the quote, if any (no lazy lines there)
        j = i
        while j < len(lines):
            origin, line = lines[j]
            text = line.lstrip(" ")
            if _indent(line) < 4 and text.startswith(">"):
                content = text[1:]
                inner.append((origin, content[1:] if content.startswith(" ") else content))
                fence = fence_after(fence, inner[-1][1])
            elif text and inner and inner[-1][1].strip() and (_indent(line) >= 4 or not _starts_block(text)) \
                    and fence is None and _indent(inner[-1][1]) < 4:
                inner.append((origin, _lazy(line)))  # a lazy continuation line
            else:
                break
            j += 1
        out.extend((origin, "> " + text if text else ">") for origin, text in self.blocks(inner, depth=depth + 1))
        out.append((lines[j - 1][0], ""))
        following = next((line for _, line in lines[j:] if line.strip()), "")
        if following.lstrip(" ").startswith(">") and _indent(following) < 4:
            out.extend([(lines[j - 1][0], self.store("")), (lines[j - 1][0], "")])  # two quotes, not one
        return j

    def _list(self, lines: list[Line], i: int, out: list[Line], depth: int) -> int:
        kind = _marker_kind(_list_marker(lines[i][1].lstrip(" ")))
        ordered = kind in ".)"
        items: list[tuple[int, str, list[Line]]] = []
        loose = False
        while i < len(lines):
            j = i
            while j < len(lines) and not lines[j][1].strip():
                j += 1  # blank lines between items make the list loose
            if j == len(lines):
                break
            origin, line = lines[j]
            indent = _indent(line)
            marker = _list_marker(line[indent:]) if indent < 4 else None
            if marker is None or _marker_kind(marker) != kind:
                break
            loose = loose or j > i
            i, inner = self._item(lines, j, indent, marker)
            number = marker.group("number") if ordered else ""
            items.append((origin, str(int(number)) + "." if ordered else "-", inner))
            if any(not text.strip() for _, text in inner[1:-1]) and self._blank_between_blocks(inner):
                loose = True
        start = items[0][1]
        for index, (origin, _, inner) in enumerate(items):
            body = self.blocks(inner, in_item=True, depth=depth + 1)
            if not loose:  # the blank lines around stored blocks would make Python-Markdown space the list out
                body = [line for k, line in enumerate(body) if line[1] or not self._joinable(body, k)]
            while len(body) > 1 and not body[-1][1]:
                body.pop()
            if index and loose:
                out.append((origin, ""))
            head = start if index == 0 else ("1." if ordered else "-")
            while body and not body[0][1]:
                body.pop(0)
            if not body or body[0][1].startswith("    "):
                # An empty item ('-' alone would underline a heading), or one that opens with code.
                body[0:0] = [(origin, self.store("")), (origin, "")]
            out.append((origin, head + " " + body[0][1]))
            first_block, opens_with_quote = True, body[0][1].startswith(">")
            for o, text in body[1:]:
                first_block = first_block and bool(text)
                # Python-Markdown keeps the indentation of lines that continue an item's first block,
                # so a quote that opens the item goes on unindented ('    > more' would stay text).
                keep = not (first_block and opens_with_quote and text.startswith(">"))
                out.append((o, ("    " + text if keep else text) if text else ""))
            if any(not text for _, text in body[1:]) and index + 1 < len(items):
                out.append((origin, ""))  # Python-Markdown would take the next item into this one
        out.append((items[-1][0], ""))
        following = next((line for _, line in lines[i:] if line.strip()), "")
        if _indent(following) >= 4 or _list_marker(following.lstrip(" ")):
            # Python-Markdown would take what follows (code, or another kind of list) into this list.
            out.extend([(items[-1][0], self.store("")), (items[-1][0], "")])
        return i

    def _joinable(self, body: list[Line], k: int) -> bool:
        """Whether blank line k of a tight item only separates a stored block from plain text (or
        another stored block), which Python-Markdown keeps apart without it."""
        neighbours = [body[k + step][1] for step in (-1, 1) if 0 <= k + step < len(body)]
        return any(text in self.placeholders for text in neighbours) and all(
            text in self.placeholders or (text and text[0] not in _MAY_START_A_BLOCK) for text in neighbours)

    @staticmethod
    def _blank_between_blocks(inner: list[Line]) -> bool:
        """Whether an item's own blocks are separated by a blank line (a loose list), not just its sub-lists'."""
        texts = [text for _, text in inner]
        while texts and not texts[-1].strip():
            texts.pop()
        for index in range(1, len(texts) - 1):
            if not texts[index].strip() and texts[index + 1].strip() and _indent(texts[index + 1]) < 2:
                return True
        return False

    def _item(self, lines: list[Line], i: int, indent: int, marker: re.Match) -> tuple[int, list[Line]]:
        """One list item -> (the index after it, its content lines without the item's indentation)."""
        origin, line = lines[i]
        after = line[indent + marker.end():]
        spaces = len(marker.group("space"))
        if not after.strip():
            width = indent + marker.end() - spaces + 1  # an item that starts with a blank line
            inner = [(origin, "")]
        elif spaces > 4:
            width = indent + marker.end() - spaces + 1  # the item starts with indented code
            inner = [(origin, " " * (spaces - 1) + after)]
        else:
            width = indent + marker.end()
            inner = [(origin, after)]
        fence = fence_after(None, inner[0][1])  # the fence open inside the item, if any (no lazy lines there)
        j = i + 1
        while j < len(lines):
            o, text = lines[j]
            if not text.strip():
                if not inner[-1][1].strip() and len(inner) == 1:
                    break  # an item can start with at most one blank line
                inner.append((o, ""))
            elif _indent(text) >= width:
                inner.append((o, text[width:]))
                fence = fence_after(fence, inner[-1][1])
            elif inner[-1][1].strip() and (_indent(text) >= 4 or not _starts_block(text.lstrip(" "))) and fence is None:
                inner.append((o, _lazy(text if _indent(text) >= 4 else text.lstrip(" "))))  # a lazy continuation
            else:
                break
            j += 1
        while len(inner) > 1 and not inner[-1][1].strip():
            inner.pop()
            j -= 1
        while j > i + 1 and not lines[j - 1][1].strip():
            j -= 1
        return j, inner


# A line's indentation and container markers, where tabs count to the next multiple of 4 columns.
_LINE_PREFIX = re.compile(r"^(?:[ \t]*(?:>|[-+*](?=[ \t])|\d{1,9}[.)](?=[ \t])))*[ \t]*")


def normalize_lines(lines: list[str]) -> tuple[list[str], dict[int, str]]:
    """Python-Markdown's whitespace clean-up, with tabs expanded in each line's indentation and
    container markers only -> (the lines, the lines as written where that changed them)."""
    source = "\n".join(lines).replace(util.STX, "").replace(util.ETX, "")
    source = source.replace("\r\n", "\n").replace("\r", "\n")
    out, written = [], {}
    for index, line in enumerate(source.split("\n")):
        if "\t" in line:
            prefix = _LINE_PREFIX.match(line).group(0)
            if "\t" in prefix:
                written[index] = line
                line = prefix.expandtabs(4) + line[len(prefix):]
        out.append("" if not line.strip(" \t") else line)
    return out + ["", ""], written


def _drop_columns(line: str, columns: int) -> str:
    """`line` without its first `columns` columns, a tab counting to the next multiple of 4 (a tab
    split by the cut leaves the rest of its width as spaces)."""
    column = 0
    for index, char in enumerate(line):
        if column >= columns:
            return line[index:]
        if char == "\t":
            stop = (column // 4 + 1) * 4
            if stop > columns:
                return " " * (stop - columns) + line[index + 1:]
            column = stop
        else:
            column += 1
    return ""
