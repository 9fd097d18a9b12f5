"""Python-Markdown extensions: math, callouts, lists as authors write them, code, and safety nets."""

from __future__ import annotations

import html
import re
from functools import lru_cache
import xml.etree.ElementTree as etree
from io import StringIO

import latex2mathml.converter
from markdown import Markdown
from markdown.extensions import Extension, codehilite
from markdown.inlinepatterns import InlineProcessor
from markdown.postprocessors import Postprocessor
from markdown.preprocessors import Preprocessor
from markdown.treeprocessors import Treeprocessor
from pygments.formatters.html import HtmlFormatter
from pygments.lexers import get_lexer_by_name
from pygments.util import ClassNotFound


class MarkupError(Exception):
    """A problem in Markdown text at a line counted from the start of that text (0-based)."""

    def __init__(self, line_offset: int, message: str, hint: str):
        super().__init__(message)
        self.line_offset, self.message, self.hint = line_offset, message, hint


_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")


def fence_spans(lines: list[str]) -> tuple[list[bool], tuple[str, int] | None]:
    """For each line, whether it belongs to a fenced code block (fence lines included), and the
    fence left open at the end with the index of its opening line, if any."""
    inside, fence, opened, marks = False, "", 0, []
    for index, line in enumerate(lines):
        match = _FENCE.match(line)
        if inside:
            marks.append(True)
            if match and match.group(1)[0] == fence[0] and len(match.group(1)) >= len(fence) \
                    and not line.strip(" `~"):
                inside = False
        else:
            marks.append(bool(match))
            if match:
                inside, fence, opened = True, match.group(1), index
    return marks, ((fence, opened) if inside else None)


def _fenced_lines(lines: list[str]) -> list[bool]:
    return fence_spans(lines)[0]


# --- Math ---------------------------------------------------------------------------------

_MATH_ELEMENT = re.compile(r"^(<math\b[^>]*>)(.*)(</math>)$", re.DOTALL)
_UNKNOWN_COMMAND = re.compile(r"<m[io]>\\([A-Za-z]+)</m[io]>")


def latex_to_mathml(latex: str, display: bool) -> str:
    """LaTeX -> MathML, with the source kept as an annotation (search reads it); ValueError if unsupported."""
    try:
        mathml = latex2mathml.converter.convert(latex, display="block" if display else "inline")
    except Exception as exc:  # latex2mathml raises a zoo of its own and built-in exceptions
        raise ValueError(f"cannot read this formula ({type(exc).__name__}{': ' + str(exc) if str(exc) else ''})") from None
    unknown = _UNKNOWN_COMMAND.search(mathml)
    if unknown:
        raise ValueError(f"unsupported LaTeX command \\{unknown.group(1)}")
    match = _MATH_ELEMENT.match(mathml.strip())
    if match is None:
        return mathml
    annotation = f'<annotation encoding="application/x-tex">{html.escape(latex.strip(), quote=False)}</annotation>'
    return f"{match.group(1)}<semantics><mrow>{match.group(2)}</mrow>{annotation}</semantics>{match.group(3)}"


_BACKTICKS = re.compile(r"`+")


def _code_span(text: str, i: int) -> tuple[int, int | None]:
    """The backtick run at `i`: its length, and where the code span it opens ends (None: nothing closes it)."""
    run = _BACKTICKS.match(text, i).end() - i  # type: ignore[union-attr]
    close = text.find("`" * run, i + run)
    while close != -1 and text[close + run:close + run + 1] == "`":
        close = text.find("`" * run, close + run + 1)
    return run, None if close == -1 else close + run


def closes_what_it_opens(text: str) -> bool:
    """Whether `text` closes every code fence it opens, and every code span outside them."""
    body = text
    if "```" in text or "~~~" in text:
        lines = text.split("\n")
        fenced, left_open = fence_spans(lines)
        if left_open:
            return False
        body = "\n".join("" if inside else line for line, inside in zip(lines, fenced))
    at = body.find("`")
    while at != -1:
        end = _code_span(body, at)[1]
        if end is None:
            return False
        at = body.find("`", end)
    return True


# Two-character delimiters: opener -> (closer, is display math).
_PAIRED = {"$$": ("$$", True), "\\[": ("\\]", True), "\\(": ("\\)", False)}


class _MathPreprocessor(Preprocessor):
    """$...$, $$...$$, \\(...\\) and \\[...\\] -> MathML, stashed before Markdown can touch them.

    A '$' opens inline math only when a non-space follows, and closes it only when a non-space
    precedes and no digit follows, so "$5 and $10" stays prose; '\\$' is a literal dollar.
    """

    def run(self, lines: list[str]) -> list[str]:
        fenced = _fenced_lines(lines)
        out: list[str] = []
        chunk: list[str] = []
        chunk_start = 0
        for index, line in enumerate(lines + [None]):  # type: ignore[list-item]
            if line is None or fenced[index]:
                if chunk:
                    out.extend(self._convert("\n".join(chunk), chunk_start).split("\n"))
                    chunk = []
                if line is not None:
                    out.append(line)
            else:
                if not chunk:
                    chunk_start = index
                chunk.append(line)
        return out

    def _math(self, latex: str, display: bool, text: str, at: int, first_line: int) -> str:
        try:
            mathml = latex_to_mathml(latex, display)
        except ValueError as exc:
            formula = ("$$" if display else "$") + latex.strip() + ("$$" if display else "$")
            raise MarkupError(first_line + text.count("\n", 0, at), f"{exc} in {formula}",
                              "fix the formula, or write a literal dollar sign as \\$") from None
        return self.md.htmlStash.store(mathml)

    def _convert(self, text: str, first_line: int) -> str:
        out: list[str] = []
        i, n = 0, len(text)
        while i < n:
            char = text[i]
            if char == "`":
                run, end = _code_span(text, i)
                end = end or i + run  # an unmatched run is literal backticks
                out.append(text[i:end])
                i = end
            elif text.startswith("\\$", i):
                out.append("&#36;")
                i += 2
            elif (opener := next((o for o in _PAIRED if text.startswith(o, i)), None)) is not None:
                closer, display = _PAIRED[opener]
                close = text.find(closer, i + 2)
                if close == -1 or not text[i + 2:close].strip():
                    out.append(opener)  # unmatched or empty: plain text
                    i += 2
                    continue
                out.append(self._math(text[i + 2:close], display, text, i, first_line))
                i = close + 2
            elif char == "$":
                close = self._inline_close(text, i)
                if close == -1:
                    out.append("$")
                    i += 1
                    continue
                out.append(self._math(text[i + 1:close], False, text, i, first_line))
                i = close + 1
            else:
                nxt = min((p for p in (text.find("`", i), text.find("$", i), text.find("\\", i)) if p != -1),
                          default=n)
                if nxt == i:  # a backslash not starting math
                    nxt = i + 1
                out.append(text[i:nxt])
                i = nxt
        return "".join(out)

    @staticmethod
    def _inline_close(text: str, start: int) -> int:
        if start + 1 >= len(text) or text[start + 1].isspace():
            return -1
        # Inline math ends within its paragraph and before any code span.
        limit = min((p for p in (text.find("\n\n", start), text.find("`", start)) if p != -1), default=len(text))
        position = start + 1
        while True:
            close = text.find("$", position, limit)
            if close == -1:
                return -1
            before, after = text[close - 1], text[close + 1:close + 2]
            if not before.isspace() and before != "\\" and not after.isdigit():
                return close
            position = close + 1


# --- Lists written with 2-space indentation --------------------------------------------------

_LIST_ITEM = re.compile(r"^( *)([-*+]|\d{1,9}[.)])( +|$)")


class _ListIndentPreprocessor(Preprocessor):
    """Re-indent nested lists to the 4 spaces Python-Markdown needs, so 2 spaces (as on GitHub) work too."""

    def run(self, lines: list[str]) -> list[str]:
        fenced = _fenced_lines(lines)
        stack: list[tuple[int, int, int]] = []  # (source content indent, target content indent, marker indent)
        out: list[str] = []
        previous = "blank"  # what the last line was: blank, item, continuation or other
        list_fence: tuple[str, int, int] | None = None  # a fence inside an item: (fence, its indent, target)
        for line, in_fence in zip(lines, fenced):
            stripped = line.lstrip(" ")
            indent = len(line) - len(stripped)
            if list_fence is not None:
                # Python-Markdown cannot nest a fenced block in a list item: it becomes an indented
                # block, with codehilite's ':::lang' first line to keep its highlighting.
                fence, fence_indent, target = list_fence
                if stripped.startswith(fence) and not stripped.strip(fence[0]).strip():
                    list_fence = None
                    out.append("")
                    previous = "blank"
                else:
                    out.append(" " * target + line[min(indent, fence_indent):] if stripped else "")
                continue
            fence_open = _FENCE.match(line)
            if fence_open and stack and indent >= stack[-1][0]:
                language = stripped[len(fence_open.group(1)):].strip().split(" ")[0].strip("{}.")
                target = stack[-1][1] + 4 + indent - stack[-1][0]
                list_fence = (fence_open.group(1), indent, target)
                out.extend([""] + ([" " * target + ":::" + language] if language else []))
                continue
            if not stripped:
                out.append(line)
                previous = "blank"
                continue
            item = None if in_fence else _LIST_ITEM.match(line)
            if item:
                while stack and indent < stack[-1][0]:
                    stack.pop()
                if previous == "continuation":
                    out.append("")  # Python-Markdown would read the item as more of the paragraph above
                target = stack[-1][1] if stack else indent
                content = indent + len(item.group(2)) + max(1, len(item.group(3)))
                stack.append((content, target + 4, target))
                out.append(" " * target + line[indent:])
                previous = "item"
            elif stack and (indent >= stack[-1][0] or previous != "blank"):
                while stack and indent < stack[-1][0] and previous == "blank":
                    stack.pop()
                if stack and indent >= stack[-1][0]:
                    out.append(" " * (stack[-1][1] + indent - stack[-1][0]) + stripped)
                else:
                    out.append(line)  # a lazy continuation line: Markdown keeps it in the item
                previous = "continuation"
            else:
                stack.clear()  # a line left of the items' content after a blank line ends the list
                out.append(line)
                previous = "other"
        return out


# --- Callouts, task lists, scrollables ---------------------------------------------------------

CALLOUT_KINDS = ("note", "tip", "important", "warning", "caution")
_CALLOUT_MARKER = re.compile(r"\s*\[!(" + "|".join(CALLOUT_KINDS) + r")\][ \t]*(?:\n|$)", re.IGNORECASE)
_TASK = re.compile(r"^\[([ xX])\]\s+")


class _BlockTreeprocessor(Treeprocessor):
    """GitHub alerts become callouts, task lists get checkboxes, tables get a scrolling frame."""

    def run(self, root: etree.Element) -> None:
        for quote in list(root.iter("blockquote")):
            self._callout(quote)
        for item in list(root.iter("li")):
            self._task(item)
        for parent in list(root.iter()):
            for index, child in enumerate(list(parent)):
                if child.tag == "table":
                    # A table may scroll sideways on phones: a focusable region keeps it keyboard-reachable.
                    frame = etree.Element("div", {"class": "table-scroll", "tabindex": "0",
                                                  "role": "region", "aria-label": "Table"})
                    parent.remove(child)
                    frame.append(child)
                    frame.tail, child.tail = child.tail, None
                    parent.insert(index, frame)

    @staticmethod
    def _callout(quote: etree.Element) -> None:
        first = quote[0] if len(quote) else None
        match = _CALLOUT_MARKER.match(first.text or "") if first is not None and first.tag == "p" else None
        if match is None:
            return
        kind = match.group(1).lower()
        first.text = first.text[match.end():]
        if not first.text.strip() and len(first) == 0:
            quote.remove(first)
        quote.tag = "div"
        quote.set("class", f"callout callout--{kind}")
        quote.set("role", "note")
        title = etree.Element("p", {"class": "callout__title"})
        title.text = kind.capitalize()
        quote.insert(0, title)

    @staticmethod
    def _task(item: etree.Element) -> None:
        holder = item[0] if len(item) and item[0].tag == "p" and not (item.text or "").strip() else item
        match = _TASK.match(holder.text or "")
        if match is None:
            return
        holder.text = holder.text[match.end():]
        box = etree.Element("input", {"type": "checkbox", "disabled": "disabled", "class": "task-list__box",
                                      "aria-label": "done" if match.group(1) != " " else "not done"})
        if match.group(1) != " ":
            box.set("checked", "checked")
        box.tail = holder.text
        holder.text = None
        holder.insert(0, box)
        item.set("class", "task-list__item")


# --- Code ---------------------------------------------------------------------------------------

class CodeFormatter(HtmlFormatter):
    """Pygments' HTML in a frame with the language's name and a copy button (shown by code.js)."""

    def __init__(self, lang_str: str = "", **options):
        super().__init__(**options)
        language = lang_str.removeprefix("language-")
        try:
            self.language_name = get_lexer_by_name(language).name if language else ""
        except ClassNotFound:
            self.language_name = language
        if language in ("text", ""):
            self.language_name = ""

    def format_unencoded(self, tokensource, outfile) -> None:
        body = StringIO()
        super().format_unencoded(tokensource, body)
        label = f'<span class="code__lang">{html.escape(self.language_name)}</span>' if self.language_name else ""
        outfile.write(f'<div class="code"><div class="code__bar">{label}'
                      '<button type="button" class="code__copy" data-copy-code hidden>Copy</button></div>'
                      f"{body.getvalue()}</div>")


_FORMATTERS: dict[str, CodeFormatter] = {}


def code_formatter(lang_str: str = "", **options) -> CodeFormatter:
    """codehilite asks for a formatter per code block; building one costs more than highlighting, so reuse."""
    key = repr((lang_str, sorted(options.items())))
    if key not in _FORMATTERS:
        _FORMATTERS[key] = CodeFormatter(lang_str=lang_str, **options)
    return _FORMATTERS[key]


@lru_cache(maxsize=256)
def _lexer(name: str, **options):
    return _find_lexer(name, **options)


def _cached_lexer(name: str, **options):
    """codehilite looks a lexer up for every code block; lexers are stateless, so one per language does."""
    try:
        return _lexer(name, **options)
    except TypeError:  # an option value that cannot be a cache key
        return _find_lexer(name, **options)


_find_lexer = codehilite.get_lexer_by_name
codehilite.get_lexer_by_name = _cached_lexer


class _FocusableCodePostprocessor(Postprocessor):
    """Code may scroll sideways: make every <pre> focusable (fenced code arrives as stashed HTML)."""

    def run(self, text: str) -> str:
        return _PRE.sub('<pre tabindex="0"', text)


_PRE = re.compile(r"<pre(?=[\s>])(?![^>]*\btabindex=)")


# --- Raw HTML that is not HTML -------------------------------------------------------------------

class _ComponentTagProcessor(InlineProcessor):
    """JSX-like tags in prose (<StrictMode>, <App />) are text, not elements the browser would swallow."""

    def handleMatch(self, m: re.Match, data: str):  # noqa: N802 (Python-Markdown's name)
        return m.group(0), m.start(0), m.end(0)


_COMPONENT_TAG = r"</?[A-Z][A-Za-z0-9]*(?:\.[A-Za-z0-9]+)*(?:\s[^<>]*?)?/?>"
_DETAILS_OPEN = re.compile(r"^(\s*)<details(?![^>]*\bmarkdown=)([^>]*)>", re.IGNORECASE)


class _DetailsPreprocessor(Preprocessor):
    """<details> blocks hold Markdown on GitHub; mark them so Python-Markdown renders it too."""

    def run(self, lines: list[str]) -> list[str]:
        fenced = _fenced_lines(lines)
        return [line if in_fence else _DETAILS_OPEN.sub(r'\1<details markdown="1"\2>', line)
                for line, in_fence in zip(lines, fenced)]


class StudysiteExtension(Extension):
    """Everything studysite adds to Python-Markdown, registered in one place."""

    def extendMarkdown(self, md: Markdown) -> None:  # noqa: N802 (Python-Markdown's name)
        md.preprocessors.register(_MathPreprocessor(md), "studysite-math", 29)
        md.preprocessors.register(_ListIndentPreprocessor(md), "studysite-list-indent", 28)
        md.preprocessors.register(_DetailsPreprocessor(md), "studysite-details", 27)
        md.inlinePatterns.register(_ComponentTagProcessor(_COMPONENT_TAG, md), "studysite-component-tags", 95)
        md.treeprocessors.register(_BlockTreeprocessor(md), "studysite-blocks", 5)
        md.postprocessors.register(_FocusableCodePostprocessor(md), "studysite-focusable-code", 5)
