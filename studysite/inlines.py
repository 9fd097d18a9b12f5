"""GitHub's inline extensions for Python-Markdown: strikethrough, backslash line breaks, bare links,
disallowed raw HTML shown as text, and JSX-like tags in prose shown as text."""

from __future__ import annotations

import re
import xml.etree.ElementTree as etree

from markdown.inlinepatterns import HTML_RE, HtmlInlineProcessor, InlineProcessor
from markdown.treeprocessors import Treeprocessor

__all__ = ["HTML_RE", "BareLinkTreeprocessor", "ComponentTagProcessor", "FilteredHtmlInlineProcessor",
           "HardBreakProcessor", "StrikethroughProcessor", "COMPONENT_TAG", "STRIKETHROUGH", "filter_tags"]

# GitHub's "disallowed raw HTML": these tags are shown as text, so no script runs and no unclosed
# <textarea> or <plaintext> swallows the rest of the page.
_DISALLOWED_TAG = re.compile(r"<(?=/?(?:title|textarea|style|xmp|iframe|noembed|noframes|script|plaintext)"
                             r"(?:[\s/>]|$))", re.IGNORECASE)


def filter_tags(html: str) -> str:
    """Raw HTML with GitHub's disallowed tags made text."""
    return _DISALLOWED_TAG.sub("&lt;", html) if "<" in html else html


class FilteredHtmlInlineProcessor(HtmlInlineProcessor):
    """Inline raw HTML, with GitHub's disallowed tags made text."""

    def handleMatch(self, m: re.Match, data: str):  # noqa: N802 (Python-Markdown's name)
        placeholder, start, end = super().handleMatch(m, data)
        stash = self.md.htmlStash.rawHtmlBlocks
        stash[-1] = filter_tags(stash[-1])
        return placeholder, start, end


class StrikethroughProcessor(InlineProcessor):
    """~~text~~ (or ~text~) -> <del>, opening before a non-space and closing after one, as GitHub does."""

    def handleMatch(self, m: re.Match, data: str):  # noqa: N802 (Python-Markdown's name)
        element = etree.Element("del")
        element.text = m.group(2)
        return element, m.start(0), m.end(0)


STRIKETHROUGH = r"(?<![~\\])(~~?)(?![\s~])(.+?)(?<![\s~\\])\1(?!~)"


class HardBreakProcessor(InlineProcessor):
    """A backslash at the end of a line is a line break, as a line ending in two spaces is."""

    def handleMatch(self, m: re.Match, data: str):  # noqa: N802 (Python-Markdown's name)
        return etree.Element("br"), m.start(0), m.end(0)


# A bare link as GitHub finds one: www. or http(s):// and a domain, then anything up to a space or
# '<'; trailing punctuation, an unbalanced ')' and an entity-like '&x;' are left out of it.
_BARE_LINK = re.compile(r"(?<![\w/.@:+-])(?:(?:https?|ftp)://|www\.)[\w-]+(?:\.[\w-]+)*[^\s<\x02\x03]*",
                        re.IGNORECASE)
# (GitHub's rule: the address ends in a letter, so 'react-scripts@3.3.0' is no address.)
_EMAIL = re.compile(r"(?<![\w.+/-])[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[\w-]*[A-Za-z](?![\w@.-]*[\w@-])")
_TRAILING_ENTITY = re.compile(r"&[A-Za-z0-9]+;$")
_MAY_HOLD_A_LINK = re.compile(r"://|www\.|@", re.IGNORECASE)  # a quick test before the full patterns
_NO_LINKS_INSIDE = {"a", "code", "pre", "kbd", "script", "style", "math"}


def _trim_link(url: str) -> str:
    while url:
        if url[-1] in "?!.,:*_~'\"":
            url = url[:-1]
        elif url[-1] == ")" and url.count(")") > url.count("("):
            url = url[:-1]
        elif url[-1] == ";" and (entity := _TRAILING_ENTITY.search(url)):
            url = url[:entity.start()]
        else:
            return url
    return url


class BareLinkTreeprocessor(Treeprocessor):
    """Bare URLs, www. addresses and e-mail addresses in text become links (GitHub's autolinks)."""

    def run(self, root: etree.Element) -> None:
        self._walk(root)

    def _walk(self, element: etree.Element) -> None:
        for child in list(element):
            if child.tag not in _NO_LINKS_INSIDE:
                self._walk(child)
            if child.tail and _MAY_HOLD_A_LINK.search(child.tail):
                self._link(element, child, "tail")
        if element.text and element.tag not in _NO_LINKS_INSIDE and _MAY_HOLD_A_LINK.search(element.text):
            self._link(element, None, "text")

    @staticmethod
    def _find(text: str):
        for match in _BARE_LINK.finditer(text):
            url = _trim_link(match.group(0))
            domain = re.sub(r"^(?:https?://)?", "", url, flags=re.IGNORECASE).split("/")[0]
            if "." in domain or "://" in url:
                if "_" not in ".".join(domain.split(".")[-2:]) and not url.endswith("://"):
                    yield match.start(), match.start() + len(url), url, (
                        url if "://" in url else "http://" + url)
        for match in _EMAIL.finditer(text):
            yield match.start(), match.end(), match.group(0), "mailto:" + match.group(0)

    def _link(self, parent: etree.Element, after: etree.Element | None, attribute: str) -> None:
        text = after.tail if after is not None else parent.text
        found = sorted(self._find(text))
        if not found:
            return
        pieces, position = [], 0
        for start, end, label, href in found:
            if start < position:
                continue
            link = etree.Element("a", {"href": href})
            link.text = label
            pieces.append((text[position:start], link))
            position = end
        rest = text[position:]
        index = 0 if after is None else list(parent).index(after) + 1
        if after is None:
            parent.text = pieces[0][0]
        else:
            after.tail = pieces[0][0]
        for number, (_, link) in enumerate(pieces):
            link.tail = pieces[number + 1][0] if number + 1 < len(pieces) else rest
            parent.insert(index + number, link)


class ComponentTagProcessor(InlineProcessor):
    """JSX-like tags in prose (<StrictMode>, <App />) are text, not elements the browser would swallow."""

    def handleMatch(self, m: re.Match, data: str):  # noqa: N802 (Python-Markdown's name)
        return m.group(0), m.start(0), m.end(0)


COMPONENT_TAG = r"</?[A-Z][A-Za-z0-9]*(?:\.[A-Za-z0-9]+)*(?:\s[^<>]*?)?/?>"
