"""Tiny HTML readers for tests: links, ids, cards and attributes, with the stdlib parser."""

from __future__ import annotations

from html.parser import HTMLParser


class PageScan(HTMLParser):
    """Collects every start tag with its attributes, in order."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, {k: v or "" for k, v in attrs}))

    def find(self, tag: str, **attrs: str) -> list[dict[str, str]]:
        return [a for t, a in self.tags if t == tag and all(a.get(k.rstrip("_").replace("_", "-")) == v
                                                             for k, v in attrs.items())]

    @property
    def ids(self) -> set[str]:
        return {a["id"] for _, a in self.tags if "id" in a}

    @property
    def links(self) -> list[str]:
        return [a[attr] for t, a in self.tags for attr in ("href", "src") if attr in a and t != "meta"]

    @property
    def body_page(self) -> str:
        return self.find("body")[0]["data-page"]

    @property
    def cards(self) -> list[dict[str, str]]:
        return [a for t, a in self.tags if t == "article" and "data-difficulty" in a]
