"""The configured Markdown converters, shared by every page of a build."""

from __future__ import annotations

import html
import re
import xml.etree.ElementTree as etree

import markdown
from markdown.extensions import Extension
from markdown.extensions.toc import slugify_unicode
from markdown.postprocessors import Postprocessor
from markdown.treeprocessors import Treeprocessor

from .model import TocEntry

CALLOUT_KINDS = ("note", "tip", "important", "warning", "caution")
_CALLOUT_MARKER = re.compile(r"\s*\[!(" + "|".join(CALLOUT_KINDS) + r")\][ \t]*(?:\n|$)", re.IGNORECASE)


class _CalloutTreeprocessor(Treeprocessor):
    """GitHub's alerts: a blockquote starting with [!NOTE] (TIP, IMPORTANT, WARNING, CAUTION) -> a callout."""

    def run(self, root: etree.Element) -> None:
        for quote in list(root.iter("blockquote")):
            first = quote[0] if len(quote) else None
            match = _CALLOUT_MARKER.match(first.text or "") if first is not None and first.tag == "p" else None
            if match is None:
                continue
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


class _ScrollableTreeprocessor(Treeprocessor):
    """Code blocks and tables may scroll sideways on phones: make them reachable by keyboard."""

    def run(self, root: etree.Element) -> None:
        for parent in list(root.iter()):
            for index, child in enumerate(list(parent)):
                if child.tag == "table":
                    wrapper = etree.Element("div", {"class": "table-scroll", "tabindex": "0",
                                                    "role": "region", "aria-label": "Table"})
                    parent.remove(child)
                    wrapper.append(child)
                    wrapper.tail, child.tail = child.tail, None
                    parent.insert(index, wrapper)


class _FocusableCodePostprocessor(Postprocessor):
    """Fenced code arrives as stashed HTML after the tree is built, so <pre> is patched in the text."""

    def run(self, text: str) -> str:
        return _PRE.sub('<pre tabindex="0"', text)


_PRE = re.compile(r"<pre(?=[\s>])(?![^>]*\btabindex=)")


class CalloutExtension(Extension):
    """GitHub-style callouts, and keyboard access to whatever scrolls."""

    def extendMarkdown(self, md: markdown.Markdown) -> None:  # noqa: N802 (Python-Markdown's name)
        md.treeprocessors.register(_CalloutTreeprocessor(md), "studysite-callouts", 5)
        md.treeprocessors.register(_ScrollableTreeprocessor(md), "studysite-scrollable", 4)
        md.postprocessors.register(_FocusableCodePostprocessor(md), "studysite-focusable-code", 5)


_EXTENSIONS = ["extra", "sane_lists", "smarty", CalloutExtension()]

# One instance reset between documents is several times cheaper than one per document.
_converter = markdown.Markdown(extensions=_EXTENSIONS, output_format="html")

# Tutorials: the same, plus ids on their headings for the table of contents. Prefixed so a
# heading named "Main" cannot take the id of the page's own <main>.
_article_converter = markdown.Markdown(
    extensions=[*_EXTENSIONS[:-1], CalloutExtension(), "toc"],
    extension_configs={"toc": {"toc_depth": "2-3", "slugify": lambda text, sep: "s-" + slugify_unicode(text, sep)}},
    output_format="html",
)

# Front-matter text (tips, checklist items) allows `code` and *emphasis* but no raw HTML:
# with the HTML patterns removed, a '<script>' there is escaped like any other text.
_text_converter = markdown.Markdown(extensions=["smarty"], output_format="html")
_text_converter.preprocessors.deregister("html_block")
_text_converter.inlinePatterns.deregister("html")


def render_markdown(text: str) -> str:
    """Markdown block text -> HTML."""
    _converter.reset()
    return _converter.convert(text)


def render_inline(text: str) -> str:
    """Markdown for one line (a heading or a list item) -> HTML without the wrapping <p>."""
    return _unwrap(render_markdown(text))


def render_text(text: str) -> str:
    """Inline Markdown from front matter -> HTML without <p>, raw HTML escaped."""
    _text_converter.reset()
    return _unwrap(_text_converter.convert(text))


def render_article(text: str) -> tuple[str, tuple[TocEntry, ...]]:
    """A tutorial's Markdown -> (HTML with heading ids, its level-2 and level-3 headings)."""
    _article_converter.reset()
    body = _article_converter.convert(text)
    entries: list[TocEntry] = []

    def walk(tokens: list[dict]) -> None:
        for token in tokens:
            entries.append(TocEntry(token["id"], html_to_text(token["name"]), token["level"]))
            walk(token["children"])

    walk(_article_converter.toc_tokens)  # type: ignore[attr-defined]
    return body, tuple(entries)


def _unwrap(fragment: str) -> str:
    fragment = fragment.strip()
    if fragment.startswith("<p>") and fragment.endswith("</p>") and fragment.count("<p>") == 1:
        return fragment[3:-4]
    return fragment


_TAG = re.compile(r"<[^>]+>")
_SPACE = re.compile(r"\s+")


def html_to_text(fragment: str) -> str:
    """Rendered HTML -> plain text on one line, for the search index and descriptions."""
    return _SPACE.sub(" ", html.unescape(_TAG.sub(" ", fragment))).strip()
