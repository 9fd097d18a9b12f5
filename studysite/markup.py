"""The one configured Markdown converter, shared by every page of a build."""

from __future__ import annotations

import html
import re

import markdown

_EXTENSIONS = ["extra", "sane_lists", "smarty"]

# One instance reset between documents is several times cheaper than one per document.
_converter = markdown.Markdown(extensions=_EXTENSIONS, output_format="html")


def render_markdown(text: str) -> str:
    """Markdown block text -> HTML."""
    _converter.reset()
    return _converter.convert(text)


def render_inline(text: str) -> str:
    """Markdown for one line (a heading or a list item) -> HTML without the wrapping <p>."""
    html = render_markdown(text).strip()
    if html.startswith("<p>") and html.endswith("</p>") and html.count("<p>") == 1:
        return html[3:-4]
    return html


_TAG = re.compile(r"<[^>]+>")
_SPACE = re.compile(r"\s+")


def html_to_text(fragment: str) -> str:
    """Rendered HTML -> plain text on one line, for the search index and descriptions."""
    return _SPACE.sub(" ", html.unescape(_TAG.sub(" ", fragment))).strip()
