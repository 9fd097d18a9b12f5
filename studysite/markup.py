"""The configured Markdown converters, shared by every page of a build."""

from __future__ import annotations

import html
import re
from functools import lru_cache

import markdown
import nh3
from markdown.extensions.footnotes import FootnoteExtension
from markdown.extensions.toc import slugify_unicode

from .containment import SafeAttributesTreeprocessor, contain_html
from .extensions import MarkupError, StudysiteExtension, closes_what_it_opens, code_formatter
from .model import TocEntry

__all__ = ["MarkupError", "RAW_HTML_MODES", "html_to_text", "render_article", "render_inline",
           "render_markdown", "render_text"]

# What raw HTML in content may do: 'allow' it (the author owns the site), 'escape' it (shown as
# text) or 'sanitize' it (safe tags kept, scripts and event handlers dropped).
RAW_HTML_MODES = ("allow", "escape", "sanitize")

_CONFIGS = {
    "codehilite": {"css_class": "code__body", "guess_lang": False, "pygments_formatter": code_formatter},
    # Tutorial heading ids start with "s-", so a heading named "Main" cannot take <main>'s id.
    "toc": {"toc_depth": "2-3", "slugify": lambda text, sep: "s-" + slugify_unicode(text, sep)},
}


@lru_cache(maxsize=None)
def _converter(raw_html: str = "allow", with_toc: bool = False) -> markdown.Markdown:
    """One converter per configuration, reset between documents (far cheaper than a new one each)."""
    # No 'smarty': typographic quotes doubled the cost of every answer.
    extensions = ["extra", "sane_lists", "codehilite", StudysiteExtension(raw_html_blocks=raw_html != "escape")]
    if with_toc:
        extensions.append("toc")
    converter = markdown.Markdown(extensions=extensions, extension_configs=_CONFIGS, output_format="html")
    if raw_html == "escape":
        _drop_raw_html(converter)
    return converter


def warm_up(raw_html: str) -> None:
    """Build the converter now (before worker processes fork and share it)."""
    _converter(raw_html)


def _drop_raw_html(converter: markdown.Markdown) -> None:
    # Without the HTML patterns, '<tag>' is ordinary text and gets escaped on output.
    if "html_block" in converter.preprocessors:
        converter.preprocessors.deregister("html_block")
    converter.inlinePatterns.deregister("html")


_text_converter = markdown.Markdown(output_format="html")
_drop_raw_html(_text_converter)
_text_converter.treeprocessors.register(SafeAttributesTreeprocessor(_text_converter), "studysite-safe-attributes", 1)

# Tags and attributes kept by 'sanitize': Markdown's output, MathML, details, and our own markup.
_MATHML_TAGS = {"math", "semantics", "annotation", "mrow", "mi", "mo", "mn", "ms", "mtext", "mspace", "msup",
                "msub", "msubsup", "mfrac", "msqrt", "mroot", "mover", "munder", "munderover", "mtable", "mtr",
                "mtd", "mstyle", "mpadded", "mphantom", "menclose", "merror"}
_SAFE_TAGS = nh3.ALLOWED_TAGS | _MATHML_TAGS | {"details", "summary", "input", "button", "figure", "figcaption"}
_SAFE_ATTRIBUTES = {tag: {"class", "id", "title", "lang", "dir"} for tag in _SAFE_TAGS}
_SAFE_ATTRIBUTES.update({
    "a": {"href", "title", "class", "id"}, "img": {"src", "alt", "title", "width", "height", "class"},
    "pre": {"tabindex", "class"}, "div": {"class", "role", "tabindex", "aria-label", "data-lang"},
    "input": {"type", "disabled", "checked", "class", "aria-label"}, "button": {"type", "class", "data-copy-code", "hidden"},
    "math": {"display", "xmlns"}, "annotation": {"encoding"}, "mo": {"stretchy", "fence", "form", "lspace", "rspace"},
    "mstyle": {"displaystyle", "scriptlevel"}, "mtable": {"columnalign", "rowspacing", "columnspacing"},
    "ol": {"start", "class"}, "td": {"align", "style"}, "th": {"align", "style"}, "details": {"open", "class"},
    "sup": {"id", "class"}, "li": {"id", "class"},
})


def render_markdown(text: str, raw_html: str = "allow", footnote_ids: str = "") -> str:
    """Markdown block text -> HTML; raises MarkupError for a formula that cannot be rendered.

    `footnote_ids` names the text's footnotes (fn-ID-1), so that several on one page stay apart.
    """
    converter = _converter(raw_html)
    converter.reset()
    if "[^" in text:
        _footnotes(converter).setConfig("SEPARATOR", f"-{footnote_ids}-" if footnote_ids else "-")
    return _finish(_convert(converter, text), text, raw_html)


def _convert(converter: markdown.Markdown, text: str) -> str:
    """Python-Markdown's conversion; nesting deeper than Python's stack is an error of the text, not a crash."""
    try:
        return converter.convert(text)
    except RecursionError:
        _converter.cache_clear()  # its parser's state is left half way: the next text gets a fresh one
        raise MarkupError(0, "the text nests lists or quotes too deeply to render",
                          "no reader follows more than a few levels: flatten the lists or quotes") from None


def _footnotes(converter: markdown.Markdown) -> FootnoteExtension:
    return next(ext for ext in converter.registeredExtensions if isinstance(ext, FootnoteExtension))


def _finish(html: str, source: str, raw_html: str) -> str:
    """Converted HTML made safe for its place in a page: sanitized, or with its raw HTML contained."""
    if raw_html == "sanitize":
        return nh3.clean(html, tags=_SAFE_TAGS, attributes=_SAFE_ATTRIBUTES, link_rel=None)
    if raw_html == "allow" and "<" in source:
        return contain_html(html)  # (Markdown alone always closes what it opens)
    return html


# A paragraph no document contains, between documents converted together; and what makes documents
# unsafe to convert together: footnotes, link definitions and abbreviations reach across a whole
# document (even from inside a list or a quote), and an HTML block left open is closed at its end.
_SPLIT = "studysite-split-c41e8d"
# (A definition may sit in a list item or a definition list, so '[x]:' and '*[' count anywhere.)
_DOCUMENT_WIDE = re.compile(r"\[[^\]\n]+\]:|\*\[|^[ \t>]*<[a-zA-Z/!?]", re.MULTILINE)
# Python-Markdown blanks a line of spaces only after a line break: not as a document's first line.
_BLANK_FIRST_LINE = re.compile(r"[ \t]+(?:\n|$)")


def _reaches_beyond(text: str) -> bool:
    """Footnotes, definitions or an HTML block (substring tests first: the regex costs more)."""
    return "[^" in text or ("]:" in text or "*[" in text or "<" in text) and bool(_DOCUMENT_WIDE.search(text))


def render_many(texts: list[str], raw_html: str = "allow") -> list[str] | None:
    """Several independent Markdown documents -> their HTML in one pass, exactly as render_markdown
    gives each; None when they cannot safely share a pass (render them one by one then).

    A conversion costs a fixed ~0.1 ms besides its text: a sixth of a typical answer's time.
    """
    kept = [text for text in texts if text.strip()]  # a blank document converts to nothing
    if len(kept) < 2 or any(_SPLIT in text or _reaches_beyond(text) or _BLANK_FIRST_LINE.match(text)
                            or not closes_what_it_opens(text) for text in kept):
        return None  # (an open fence or code span would hide the next documents' math, or show it)
    converter = _converter(raw_html)
    converter.reset()
    try:
        result = _convert(converter, f"\n\n{_SPLIT}\n\n".join(kept))
    except MarkupError:
        return None  # one by one, the bad formula is reported at its own line
    parts = result.split(f"<p>{_SPLIT}</p>")
    # Anything that swallowed a separator (a fence or a formula left open) shows in the count.
    if len(parts) != len(kept) or result.count(_SPLIT) != len(kept) - 1:
        return None
    converted = iter(_finish(part.strip(), text, raw_html) for part, text in zip(parts, kept))
    return [next(converted) if text.strip() else "" for text in texts]


# What can make a line of Markdown more than text: emphasis, code, links, HTML, math, headings,
# control characters (line breaks, tabs, its own placeholders), what starts a list or a rule, and
# the indentation of a code block.
_MARKDOWN_SYNTAX = re.compile(r"[*_`\[\]<>&\\$!#\x00-\x1f]|^\s*(?:[-+=]|\d+[.)])|^ {4}")


# A line that would open a block: a heading, a list item, a quote, a code fence, or a rule (--- or * * *).
_BLOCK_MARKER = re.compile(r"(?:#{1,6}|[-+*])(?=\s|$)|>|```|([-*_])(?:[ \t]*\1){2,}[ \t]*$")
_LIST_NUMBER = re.compile(r"\d{1,9}(?=[.)](?:\s|$))")


def _inline_only(text: str) -> str:
    """A heading's or an option's text with the marker that would start a block escaped: on GitHub
    '## # Why?' is a heading that reads '# Why?', and '## 1. Setup' one that reads '1. Setup'."""
    text = text.strip()
    if number := _LIST_NUMBER.match(text):
        return f"{number.group()}\\{text[number.end():]}"
    return "\\" + text if _BLOCK_MARKER.match(text) else text


def render_inline(text: str, raw_html: str = "allow") -> str:
    """Inline Markdown of one line (a question's heading, a quiz option) -> HTML, never a block."""
    if not _MARKDOWN_SYNTAX.search(text):
        return html.escape(text.strip(), quote=False)  # plain text, the common case: skip the converter
    return _unwrap(render_markdown(_inline_only(text), raw_html))


def render_text(text: str) -> str:
    """Inline Markdown from front matter -> HTML without <p>, raw HTML escaped."""
    if not _MARKDOWN_SYNTAX.search(text):
        return html.escape(text.strip(), quote=False)
    _text_converter.reset()
    return _unwrap(_text_converter.convert(text))


def render_article(text: str, raw_html: str = "allow") -> tuple[str, tuple[TocEntry, ...]]:
    """A tutorial's Markdown -> (HTML with heading ids, its level-2 and level-3 headings)."""
    converter = _converter(raw_html, with_toc=True)
    converter.reset()
    if "[^" in text:
        _footnotes(converter).setConfig("SEPARATOR", "-")
    body = _finish(_convert(converter, text), text, raw_html)
    entries: list[TocEntry] = []

    def walk(tokens: list[dict]) -> None:
        for token in tokens:
            entries.append(TocEntry(token["id"], html_to_text(token["name"]), token["level"]))
            walk(token["children"])

    walk(converter.toc_tokens)  # type: ignore[attr-defined]
    return body, tuple(entries)


def _unwrap(fragment: str) -> str:
    fragment = fragment.strip()
    if fragment.startswith("<p>") and fragment.endswith("</p>") and fragment.count("<p>") == 1:
        return fragment[3:-4]
    return fragment


_MATH = re.compile(r"<math\b.*?</math>", re.DOTALL)
_TEX = re.compile(r'<annotation encoding="application/x-tex">(.*?)</annotation>', re.DOTALL)
_TAG = re.compile(r"<[^>]+>")
_SPACE = re.compile(r"\s+")


# A code block's bar (its language and copy button, extensions.CodeFormatter) is chrome, not its text.
_CODE_BAR = re.compile(r'<div class="code__bar">(?:(?!</div>).)*</div>', re.DOTALL)


def html_to_text(fragment: str) -> str:
    """Rendered HTML -> plain text on one line, for the search index; formulas read as their LaTeX."""
    fragment = _MATH.sub(lambda m: " " + " ".join(_TEX.findall(m.group(0))) + " ", fragment)
    if "code__bar" in fragment:
        fragment = _CODE_BAR.sub(" ", fragment)
    return _SPACE.sub(" ", html.unescape(_TAG.sub(" ", fragment))).strip()
