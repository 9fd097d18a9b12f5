"""Keep one answer's raw HTML inside its own card.

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

import re

import nh3

_TAG = re.compile(r"</?([A-Za-z][\w:-]*)([^>]*)>?")
_ATTRIBUTE = re.compile(r"([^\s\"'>/=]+)\s*(?:=|(?=[\s/>]|$))")
_SCHEME = re.compile(r"\b([A-Za-z][A-Za-z0-9+.-]*):")
# Tags that belong to the page, not to an answer; script and style are shown as text before this
# (GitHub's disallowed tags, inlines.filter_tags).
# <noscript> holds text or markup depending on whether the reader runs scripts: its content stays text.
_PAGE_TAGS = frozenset({"html", "head", "body", "base", "frame", "frameset", "script", "style", "noscript"})
_SCRIPT_SCHEMES = frozenset({"javascript", "vbscript", "data"})


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
