"""The one configured Markdown converter, shared by every page of a build."""

from __future__ import annotations

import html
import re

import markdown

_EXTENSIONS = ["extra", "sane_lists", "smarty"]

# One instance reset between documents is several times cheaper than one per document.
_converter = markdown.Markdown(extensions=_EXTENSIONS, output_format="html")


# Front-matter text (tips, checklist items) allows `code` and *emphasis* but no raw HTML:
# with the HTML patterns removed, a '<script>' there is escaped like any other text.
_text_converter = markdown.Markdown(extensions=["smarty"], output_format="html")
_text_converter.preprocessors.deregister("html_block")
_text_converter.inlinePatterns.deregister("html")


def render_text(text: str) -> str:
    """Inline Markdown from front matter -> HTML without <p>, raw HTML escaped."""
    _text_converter.reset()
    return _unwrap(_text_converter.convert(text))


def _unwrap(html: str) -> str:
    html = html.strip()
    if html.startswith("<p>") and html.endswith("</p>") and html.count("<p>") == 1:
        return html[3:-4]
    return html


def render_markdown(text: str) -> str:
    """Markdown block text -> HTML."""
    _converter.reset()
    return _converter.convert(text)


def render_inline(text: str) -> str:
    """Markdown for one line (a heading or a list item) -> HTML without the wrapping <p>."""
    return _unwrap(render_markdown(text))


_TAG = re.compile(r"<[^>]+>")
_SPACE = re.compile(r"\s+")


def html_to_text(fragment: str) -> str:
    """Rendered HTML -> plain text on one line, for the search index and descriptions."""
    return _SPACE.sub(" ", html.unescape(_TAG.sub(" ", fragment))).strip()
