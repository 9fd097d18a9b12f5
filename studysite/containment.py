"""Keep one answer's raw HTML inside its own card, and script out of every field in every mode.

Under `raw_html: allow` an answer may hold any HTML, and a browser reads a page as one document:
a stray `</div>` closes the card around the answer, an unclosed `<b>` bolds every card after it,
an unfinished comment hides the rest of the page, and a `<body>` tag restyles the whole page.
`contain_html` has the fragment parsed on its own by html5ever, the HTML5 parser of Servo, through
nh3 (already studysite's sanitizer), and written back as the tree it makes: every element closed
where the fragment ends, nothing closed that the fragment did not open. It allows every tag and
attribute the fragment uses, so nothing is sanitized away but what could not stay inside a card
(the page's own html, head, body and base tags) and script URLs (javascript:, vbscript:, data:).
"""

from __future__ import annotations

import html
import re
import xml.etree.ElementTree as etree

import nh3
from markdown.treeprocessors import Treeprocessor

_TAG = re.compile(r"</?([A-Za-z][\w:-]*)([^>]*)>?")
_ATTRIBUTE = re.compile(r"([^\s\"'>/=]+)\s*(?:=|(?=[\s/>]|$))")
_SCHEME = re.compile(r"\b([A-Za-z][A-Za-z0-9+.-]*):")
# Tags that belong to the page, not to an answer; script and style are shown as text before this
# (GitHub's disallowed tags, inlines.filter_tags).
# <noscript> holds text or markup depending on whether the reader runs scripts: its content stays text.
_PAGE_TAGS = frozenset({"html", "head", "body", "base", "frame", "frameset", "script", "style", "noscript"})
_SCRIPT_SCHEMES = frozenset({"javascript", "vbscript", "data"})
# Attributes whose value a browser loads or follows: a script URL there runs on a click or a load.
URL_ATTRIBUTES = frozenset({"href", "src", "xlink:href", "action", "formaction", "poster", "background", "cite",
                            "data", "srcset", "ping", "lowsrc", "dynsrc"})
# What browsers drop from a URL before reading its scheme: tabs and line breaks anywhere, and
# control characters and spaces around it.
_IGNORED_IN_URL = re.compile(r"[\t\n\r]")
_URL_SCHEME = re.compile(r"([a-z][a-z0-9+.-]*):")
# Images only display: a data: picture in an <img> runs nothing (an SVG picture there runs no script).
_DATA_PICTURE = re.compile(r"data:image/(?:png|jpe?g|gif|webp|avif|bmp|svg\+xml)[;,]")


def is_script_url(value: str, attribute: str = "href") -> bool:
    """Whether a URL attribute would run script or open a document of its own: javascript:, vbscript:,
    data: (but a data: picture in an <img> src), read as a browser reads them (entities, tabs, case)."""
    url = _IGNORED_IN_URL.sub("", html.unescape(value)).strip("\x00\x01\x02\x03\x04\x05\x06\x07\x08\x0b\x0c"
                                                              "\x0e\x0f\x10\x11\x12\x13\x14\x15\x16\x17\x18"
                                                              "\x19\x1a\x1b\x1c\x1d\x1e\x1f ").lower()
    scheme = _URL_SCHEME.match(url)
    if scheme is None or scheme.group(1) not in _SCRIPT_SCHEMES:
        return False
    return not (attribute == "src" and _DATA_PICTURE.match(url))


def is_event_handler(attribute: str) -> bool:
    """onclick, onfocus, ...: attributes that run script."""
    return attribute.lower().startswith("on")


def runs_script(attribute: str, value: str) -> bool:
    """Whether an attribute would run script: an event handler, or a script URL where one is followed."""
    name = attribute.lower()
    return is_event_handler(name) or (name in URL_ATTRIBUTES and is_script_url(value, name))


def drop_script_attributes(root: etree.Element) -> None:
    """Remove every attribute that runs script from an element tree, in place."""
    for element in root.iter():
        for name, value in list(element.attrib.items()):
            if runs_script(name, value):
                del element.attrib[name]


class SafeAttributesTreeprocessor(Treeprocessor):
    """Markdown's own elements, in every raw_html mode: no script URL in a link or image (inline,
    reference or attribute-list written), and no event handler from an attribute list ({: onclick=...})."""

    def run(self, root: etree.Element) -> None:
        drop_script_attributes(root)


def contain_html(fragment: str) -> str:
    """An HTML fragment that cannot close, restyle or swallow anything outside itself."""
    if "<" not in fragment:
        return fragment
    tags, attributes = set(), set()
    for tag in _TAG.finditer(fragment):
        tags.add(tag.group(1).lower())
        attributes.update(name.lower() for name in _ATTRIBUTE.findall(tag.group(2)))
    schemes = {scheme.lower() for scheme in _SCHEME.findall(fragment)} - _SCRIPT_SCHEMES
    options = dict(tags=tags - _PAGE_TAGS, attributes={"*": attributes}, url_schemes=schemes | {"http", "https", "mailto"},
                   strip_comments=False, link_rel=None, clean_content_tags=set(), generic_attribute_prefixes=None)
    # A tree the parser built around misplaced tags (an <li> carried out of a table into an <li>) may
    # read differently once written out; written out again, it is stable.
    contained = nh3.clean(fragment, **options)
    for _ in range(3):
        again = nh3.clean(contained, **options)
        if again == contained:
            break
        contained = again
    return contained
