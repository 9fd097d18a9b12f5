"""Keep one answer's raw HTML inside its own card.

Under `raw_html: allow` an answer may hold any HTML, and a browser reads a page as one document:
a stray `</div>` closes the card around the answer, an unclosed `<b>` bolds every card after it,
and an unfinished tag or comment swallows the markup that follows. `contain_html` closes what
the fragment leaves open, drops end tags that close nothing of its own, and shows an unfinished
tag or comment as text. Everything else is kept byte for byte.
"""

from __future__ import annotations

from html.parser import HTMLParser

_VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source",
                   "track", "wbr"})


# Start tags that end an open element without its end tag (HTML's "implied end tags"). Closing it
# explicitly changes nothing in the browser, but tells us, and keeps bold or links from leaking on.
_ENDS_PARAGRAPH = frozenset({
    "address", "article", "aside", "blockquote", "details", "dialog", "div", "dl", "dd", "dt", "fieldset",
    "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hgroup", "hr", "li",
    "main", "menu", "nav", "ol", "p", "pre", "section", "summary", "table", "ul"})
_HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
_SCOPE_LIMITS = frozenset({"table", "td", "th", "caption", "button", "object", "template", "marquee", "applet"})
# tag -> (the open elements it ends, the elements that stop the search for them)
_ENDS = {
    "li": ({"li"}, {"ul", "ol", "menu"}),
    "dd": ({"dd", "dt"}, {"dl"}), "dt": ({"dd", "dt"}, {"dl"}),
    "tr": ({"tr", "td", "th"}, {"table", "tbody", "thead", "tfoot"}),
    "td": ({"td", "th"}, {"tr", "table"}), "th": ({"td", "th"}, {"tr", "table"}),
    "tbody": ({"tbody", "thead", "tfoot", "tr", "td", "th"}, {"table"}),
    "thead": ({"tbody", "thead", "tfoot", "tr", "td", "th"}, {"table"}),
    "tfoot": ({"tbody", "thead", "tfoot", "tr", "td", "th"}, {"table"}),
    "option": ({"option"}, {"select", "datalist", "optgroup"}), "optgroup": ({"option", "optgroup"}, {"select"}),
}


def _implied_end(tag: str, open_elements: list[str]) -> int | None:
    """Where in the open elements a start tag `tag` implicitly ends one (everything from there up closes)."""
    found = []
    ends, limits = _ENDS.get(tag, (set(), set()))
    for index in range(len(open_elements) - 1, -1, -1):
        name = open_elements[index]
        if name in ends:
            found.append(index)
            break
        if name in limits or name in _SCOPE_LIMITS:
            break
    if tag in _ENDS_PARAGRAPH:
        for index in range(len(open_elements) - 1, -1, -1):
            if open_elements[index] == "p":
                found.append(index)
                break
            if open_elements[index] in _SCOPE_LIMITS:
                break
    if tag in _HEADINGS and open_elements and open_elements[-1] in _HEADINGS:
        found.append(len(open_elements) - 1)
    return min(found) if found else None


class _Balancer(HTMLParser):
    # Raw text until its own end tag, as in a browser (script and style are Python's defaults).
    CDATA_CONTENT_ELEMENTS = ("script", "style", "noscript")

    def __init__(self, text: str):
        super().__init__(convert_charrefs=False)
        self.text = text
        self.line_starts = [0]
        for index, char in enumerate(text):
            if char == "\n":
                self.line_starts.append(index + 1)
        self.open: list[str] = []
        self.edits: list[tuple[int, int, str]] = []  # (start, end, replacement), in document order

    def _offset(self) -> int:
        line, column = self.getpos()
        return self.line_starts[line - 1] + column

    def handle_starttag(self, tag: str, attrs) -> None:
        depth = _implied_end(tag, self.open)
        if depth is not None:
            self._close_from(depth, self._offset())
        if tag not in _VOID:
            self.open.append(tag)

    def handle_startendtag(self, tag: str, attrs) -> None:
        depth = _implied_end(tag, self.open)  # '<hr/>' ends a paragraph; '<br/>' and '<div/>' open nothing
        if depth is not None:
            self._close_from(depth, self._offset())

    def _close_from(self, depth: int, at: int) -> None:
        closers = "".join(f"</{name}>" for name in reversed(self.open[depth:]))
        self.edits.append((at, at, closers))
        del self.open[depth:]

    def handle_endtag(self, tag: str) -> None:
        start = self._offset()
        end = self.text.find(">", start) + 1 or len(self.text)
        if tag in self.open:
            depth = len(self.open) - 1 - self.open[::-1].index(tag)
            if depth + 1 < len(self.open):
                self._close_from(depth + 1, start)
            del self.open[depth:]
        elif tag == "br":
            self.edits.append((start, end, "<br>"))  # what a browser makes of '</br>'
        else:
            self.edits.append((start, end, ""))  # it would close the card, or something outside the answer

    def handle_data(self, data: str) -> None:
        if data.startswith("<"):  # an unfinished tag, comment or declaration, handed over as text
            start = self._offset()
            self.edits.append((start, start + 1, "&lt;"))

    def unknown_decl(self, data: str) -> None:
        pass


def contain_html(fragment: str) -> str:
    """An HTML fragment that cannot close, restyle or swallow anything outside itself."""
    if "<" not in fragment:
        return fragment
    balancer = _Balancer(fragment)
    balancer.feed(fragment)
    balancer.close()
    if balancer.open:
        closers = "".join(f"</{name}>" for name in reversed(balancer.open))
        balancer.edits.append((len(fragment), len(fragment), closers))
    if not balancer.edits:
        return fragment
    pieces, position = [], 0
    for start, end, replacement in balancer.edits:
        pieces.append(fragment[position:start])
        pieces.append(replacement)
        position = max(position, end)
    pieces.append(fragment[position:])
    return "".join(pieces)
