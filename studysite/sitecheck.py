"""Checks of the built site as a visitor meets it: every internal link and anchor must resolve."""

from __future__ import annotations

import posixpath
from html.parser import HTMLParser
from urllib.parse import unquote, urlsplit

from .errors import ContentError

# Where the check pretends the site is served: a project page on GitHub Pages lives under /<repo>/.
SUB_PATH = "/studysite-check/"


class _Links(HTMLParser):
    """The ids of a page and the internal links it makes, with their line numbers."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()
        self.links: list[tuple[str, int]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if values.get("id"):
            self.ids.add(values["id"] or "")
        if tag == "a" and values.get("name"):
            self.ids.add(values["name"] or "")
        for attribute in ("href", "src"):
            value = values.get(attribute)
            if value is not None and tag not in ("meta",) and not (tag == "link" and values.get("rel") == "icon"):
                self.links.append((value, self.getpos()[0]))


def _is_external(url: str) -> bool:
    return bool(urlsplit(url).scheme) or url.startswith("//")


def check_links(outputs: dict[str, bytes]) -> list[ContentError]:
    """Every broken internal link or anchor in the built pages, as 'page:line: message' errors.

    The site is resolved as if served under a sub-path, so a root-absolute link ('/x.html'),
    which breaks on GitHub project pages, is reported even when 'x.html' exists.
    """
    pages: dict[str, _Links] = {}
    for path, data in outputs.items():
        if path.endswith(".html"):
            parser = _Links()
            parser.feed(data.decode("utf-8", "replace"))
            pages[path] = parser
    errors = []
    for path, parser in sorted(pages.items()):
        if path == "404.html":
            continue  # served at any depth; its links are re-pointed by a script (see the template)
        for url, line in parser.links:
            if not url or _is_external(url) or url.startswith(("data:", "javascript:", "mailto:")):
                continue
            parts = urlsplit(url)
            served = posixpath.normpath(posixpath.join(SUB_PATH + posixpath.dirname(path), unquote(parts.path))) \
                if parts.path else SUB_PATH + path
            if parts.path.endswith("/") and served != "/":
                served += "/"
            if not served.startswith(SUB_PATH):
                errors.append(ContentError(path, line, f"link '{url}' leaves the site when it is served under a sub-path",
                                           "make the link relative to the page, without a leading '/'"))
                continue
            target = served[len(SUB_PATH):]
            if target == "" or target.endswith("/"):
                target += "index.html"
            if target not in outputs:
                errors.append(ContentError(path, line, f"broken link '{url}': no {target} in the site",
                                           "fix the link, or the page it should point to"))
            elif parts.fragment and target in pages and unquote(parts.fragment) not in pages[target].ids:
                errors.append(ContentError(path, line, f"broken anchor '{url}': {target} has no id '{parts.fragment}'",
                                           "question anchors are 'q-' plus the question's id"))
    return errors
