"""Python-Markdown extensions: math, callouts, lists as authors write them, code, and safety nets."""

from __future__ import annotations

import html
import re
from functools import lru_cache
from typing import Callable
import xml.etree.ElementTree as etree
from io import StringIO

import latex2mathml.converter
from markdown import Markdown, util
from markdown.extensions import Extension, codehilite
from markdown.postprocessors import Postprocessor
from markdown.preprocessors import Preprocessor
from markdown.treeprocessors import Treeprocessor
from pygments import highlight
from pygments.formatters.html import HtmlFormatter
from pygments.lexers import get_lexer_by_name
from pygments.util import ClassNotFound

from .blocks import BlockReader, fence_after, normalize_lines
from .containment import SafeAttributesTreeprocessor, drop_script_attributes
from .inlines import (COMPONENT_TAG, HTML_RE, STRIKETHROUGH, BareLinkTreeprocessor, ComponentTagProcessor,
                      FilteredHtmlInlineProcessor, HardBreakProcessor, StrikethroughProcessor)


class MarkupError(Exception):
    """A problem in Markdown text at a line counted from the start of that text (0-based)."""

    def __init__(self, line_offset: int, message: str, hint: str):
        super().__init__(message)
        self.line_offset, self.message, self.hint = line_offset, message, hint


# --- Math ---------------------------------------------------------------------------------

_MATH_ELEMENT = re.compile(r"^(<math\b[^>]*>)(.*)(</math>)$", re.DOTALL)
_UNKNOWN_COMMAND = re.compile(r"<m[io]>\\([A-Za-z]+)</m[io]>")


def latex_to_mathml(latex: str, display: bool) -> str:
    """LaTeX -> MathML, with the source kept as an annotation (search reads it); ValueError if unsupported."""
    _check_braces(latex)
    try:
        element = latex2mathml.converter.convert_to_element(latex, display="block" if display else "inline")
    except Exception as exc:  # latex2mathml raises a zoo of its own and built-in exceptions
        raise ValueError(_formula_problem(exc)) from None
    _check_arguments(element)
    mathml = _serialize_mathml(element)
    unknown = _UNKNOWN_COMMAND.search(mathml)
    if unknown:
        raise ValueError(f"unsupported LaTeX command \\{unknown.group(1)}")
    match = _MATH_ELEMENT.match(mathml.strip())
    if match is None:
        return mathml
    annotation = f'<annotation encoding="application/x-tex">{html.escape(latex.strip(), quote=False)}</annotation>'
    return f"{match.group(1)}<semantics><mrow>{match.group(2)}</mrow>{annotation}</semantics>{match.group(3)}"


def _check_braces(latex: str) -> None:
    """A formula's braces must pair up: latex2mathml quietly renders '\\frac{a' as half a fraction."""
    depth = 0
    at = 0
    while at < len(latex):
        char = latex[at]
        if char == "\\":
            at += 2  # '\\{' is a literal brace, '\\\\' a line break
            continue
        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
            if depth < 0:
                raise ValueError("cannot read this formula: a '}' closes a brace that was never opened")
        at += 1
    if depth:
        raise ValueError(f"cannot read this formula: {depth} '{{' {'is' if depth == 1 else 'are'} never closed")


# Elements that take an exact number of arguments, and the command an author writes for each.
_ARGUMENTS = {"mfrac": (2, "\\frac"), "msqrt": (None, "\\sqrt"), "mroot": (2, "\\sqrt[n]"),
              "msup": (2, "^"), "msub": (2, "_"), "msubsup": (3, "_ and ^"), "mover": (2, "\\overset"),
              "munder": (2, "\\underset"), "munderover": (3, "\\underset and \\overset")}


def _check_arguments(element: etree.Element) -> None:
    for node in element.iter():
        count, command = _ARGUMENTS.get(node.tag, (None, ""))
        if count is not None and len(node) != count:
            raise ValueError(f"cannot read this formula: {command} is missing {'an argument' if count - len(node) == 1 else 'arguments'}")


# latex2mathml writes symbols as character references ('&#x02264;') in its text: those stay references.
_ESCAPED_CHARACTER_REFERENCE = re.compile(r"&amp;(#x[0-9A-Fa-f]{1,6};|#[0-9]{1,7};)")


def _serialize_mathml(element: etree.Element) -> str:
    """MathML as markup with the formula's own text escaped: latex2mathml's own serializer un-escapes
    everything, so that '\\text{<img onerror=...>}' would become a real element."""
    drop_script_attributes(element)
    return _ESCAPED_CHARACTER_REFERENCE.sub(r"&\1", etree.tostring(element, encoding="unicode"))


# Exception names of latex2mathml (MissingEndError ...) said in words, for an author who never saw its code.
_FORMULA_PROBLEMS = {
    "MissingEndError": "a \\begin{...} has no matching \\end{...}",
    "MissingSuperScriptOrSubscriptError": "a ^ or _ has nothing after it",
    "DoubleSuperscriptsError": "two ^ in a row: write x^{ab} or {x^a}^b",
    "DoubleSubscriptsError": "two _ in a row: write x_{ab} or {x_a}_b",
    "ExtraLeftOrMissingRightError": "a \\left has no matching \\right",
    "InvalidAlignmentError": "the column alignment of an array is not valid",
    "InvalidStyleForGenfracError": "\\genfrac has a style that is not 0 to 3",
    "InvalidWidthError": "a width is not a length such as 2em",
    "NoAvailableTokensError": "a command has nothing after it where it needs an argument",
    "DenominatorNotFoundError": "\\frac needs two arguments in braces: \\frac{a}{b}",
    "NumeratorNotFoundError": "\\frac needs two arguments in braces: \\frac{a}{b}",
}


def _formula_problem(exc: Exception) -> str:
    """What latex2mathml's exception means, in the words of a formula's author."""
    explained = _FORMULA_PROBLEMS.get(type(exc).__name__)
    if explained is None:
        explained = "a brace, command or environment is not complete"
    return f"cannot read this formula: {explained}"


_BACKTICKS = re.compile(r"`+")


def _code_span(text: str, i: int) -> tuple[int, int | None]:
    """The backtick run at `i`: its length, and where the code span it opens ends (None: nothing closes it)."""
    run = _BACKTICKS.match(text, i).end() - i  # type: ignore[union-attr]
    close = text.find("`" * run, i + run)
    while close != -1 and text[close + run:close + run + 1] == "`":
        close = text.find("`" * run, close + run + 1)
    return run, None if close == -1 else close + run


def scan_fences(lines: list[str]) -> tuple[list[bool], list[tuple[int, int, str, str]]]:
    """The fences of a document's top level, found by a quick line scan -> (for each line, whether it
    belongs to one, fence lines included; each fence as (opening line, closing line or -1, language,
    the fence)). A line at the start of a line can only be inside a top-level fence: what a list item
    or quote holds is indented or marked."""
    marks: list[bool] = []
    fences: list[tuple[int, int, str, str]] = []
    fence, opened, language = None, -1, ""
    for index, line in enumerate(lines):
        after = fence_after(fence, line) if fence or "`" in line or "~" in line else None
        marks.append(bool(fence or after))
        if fence is None and after:
            opened, info = index, line.lstrip(" ")[len(after):]
            language = info.split()[0].strip("{}.") if info.strip() else ""
        elif fence and after is None:
            fences.append((opened, index, language, fence))
        fence = after
    if fence:
        fences.append((opened, -1, language, fence))
    return marks, fences


def closes_what_it_opens(text: str) -> bool:
    """Whether `text` closes every code fence it opens, and every code span outside them."""
    body = text
    if "```" in text or "~~~" in text:
        # Only a fence at the top level can reach the next document (a container ends at the blank
        # line before it), so a line scan is enough here; it errs on the side of 'open'.
        lines = text.split("\n")
        fenced, fences = scan_fences(lines)
        if fences and fences[-1][1] == -1:
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

    def __init__(self, md: Markdown, blocks: BlockPreprocessor):
        super().__init__(md)
        self.blocks = blocks

    def run(self, lines: list[str]) -> list[str]:
        origins = self.blocks.origins
        code = self.blocks.code_lines
        fenced = [origins[index] in code for index in range(len(lines))]
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
            line = self.blocks.origins[first_line + text.count("\n", 0, at)]
            raise MarkupError(line, f"{exc} in {formula}",
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
                # '\[' inside a line is an escaped bracket, as on GitHub: display math starts a line.
                if close == -1 or not text[i + 2:close].strip() \
                        or opener == "\\[" and text[text.rfind("\n", 0, i) + 1:i].strip():
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
        self.language = language
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
        outfile.write(f'<div class="code" data-lang="{html.escape(self.language)}"><div class="code__bar">{label}'
                      '<button type="button" class="code__copy" data-copy-code hidden>Copy</button></div>'
                      f"{body.getvalue()}</div>")


def highlight_code(code: str, language: str) -> str:
    """A fenced code block -> highlighted HTML in its frame (unknown languages as plain text)."""
    try:
        lexer = _cached_lexer(language or "text", stripnl=False)
    except ClassNotFound:
        lexer = _cached_lexer("text", stripnl=False)
    formatter = code_formatter(lang_str=f"language-{language}" if language else "", cssclass="code__body",
                               wrapcode=True)
    return highlight(code, lexer, formatter)


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


# --- GitHub's block structure (studysite/blocks.py) in Python-Markdown ---------------------------

class BlockPreprocessor(Preprocessor):
    """Rewrites a document's blocks as GitHub reads them (see studysite/blocks.py)."""

    def __init__(self, md: Markdown, raw_html: bool, highlight: Callable[[str, str], str]):
        super().__init__(md)
        self.raw_html, self.highlight = raw_html, highlight
        self.raw_blocks: set[str] = set()
        self.origins: list[int] = []
        self.code_lines: set[int] = set()

    def run(self, lines: list[str]) -> list[str]:
        lines, written = normalize_lines(lines)
        reader = BlockReader(self.md.htmlStash.store, self.highlight, self.raw_html, lines, written)
        result = reader.blocks(list(enumerate(lines)))
        self.raw_blocks = reader.placeholders
        self.origins = [origin for origin, _ in result]
        self.code_lines = reader.code_lines
        return [text for _, text in result]


class RawBlockPostprocessor(Postprocessor):
    """Puts the stored blocks back unwrapped (Python-Markdown would wrap an inline-looking tag in <p>)."""

    def __init__(self, md: Markdown, blocks: BlockPreprocessor):
        super().__init__(md)
        self.blocks = blocks

    def run(self, text: str) -> str:
        if self.blocks.raw_blocks:
            text = _WRAPPED_PLACEHOLDER.sub(
                lambda m: m.group(1) if m.group(1) in self.blocks.raw_blocks else m.group(0), text)
        return text


_WRAPPED_PLACEHOLDER = re.compile("<p>\\s*(" + re.escape(util.HTML_PLACEHOLDER).replace("%s", "[0-9]+") + ")\\s*</p>")


class StudysiteExtension(Extension):
    """Everything studysite adds to Python-Markdown, registered in one place."""

    def __init__(self, raw_html_blocks: bool = True):
        super().__init__()
        self.raw_html_blocks = raw_html_blocks

    def extendMarkdown(self, md: Markdown) -> None:  # noqa: N802 (Python-Markdown's name)
        # GitHub's block structure replaces Python-Markdown's own fences and HTML blocks.
        md.preprocessors.deregister("fenced_code_block")
        md.preprocessors.deregister("normalize_whitespace")
        if "html_block" in md.preprocessors:
            md.preprocessors.deregister("html_block")
        blocks = BlockPreprocessor(md, self.raw_html_blocks, highlight_code)
        md.preprocessors.register(blocks, "studysite-blocks", 30)
        if "html" in md.inlinePatterns:
            # Above line breaks (100), as on GitHub: a tag may span lines that end in two spaces.
            md.inlinePatterns.register(FilteredHtmlInlineProcessor(HTML_RE, md), "html", 105)
        md.preprocessors.register(_MathPreprocessor(md, blocks), "studysite-math", 28)
        md.postprocessors.register(RawBlockPostprocessor(md, blocks), "studysite-raw-blocks", 31)
        md.inlinePatterns.register(ComponentTagProcessor(COMPONENT_TAG, md), "studysite-component-tags", 106)
        md.inlinePatterns.register(HardBreakProcessor(r"\\\n", md), "studysite-hard-break", 101)
        md.inlinePatterns.register(StrikethroughProcessor(STRIKETHROUGH, md), "studysite-strikethrough", 65)
        md.treeprocessors.register(BareLinkTreeprocessor(md), "studysite-bare-links", 6)
        md.treeprocessors.register(_BlockTreeprocessor(md), "studysite-blocks", 5)
        md.postprocessors.register(_FocusableCodePostprocessor(md), "studysite-focusable-code", 5)
        md.treeprocessors.register(SafeAttributesTreeprocessor(md), "studysite-safe-attributes", 1)
