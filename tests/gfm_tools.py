"""Compare studysite's Markdown with GitHub's renderer (cmark-gfm) by the structure a reader sees.

Both renderings become a tree of blocks and inlines; what only styles or decorates is dropped
(ids, classes, our code frame's language label and copy button, the table's scrolling frame), so
two trees are equal when a reader sees the same blocks, nesting, code, list items, links, images
and text.
"""

from __future__ import annotations

import re
import cmarkgfm
import html5lib
from cmarkgfm.cmark import Options

# Attributes that change what a reader gets; every other attribute is presentation.
_KEPT_ATTRIBUTES = {"href", "src", "alt", "start", "checked", "open", "colspan", "rowspan"}
_BLOCKS = {"address", "article", "aside", "blockquote", "details", "div", "dl", "dd", "dt", "figure", "footer",
           "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "ol", "p", "pre", "section", "summary",
           "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul", "code-block", "footnotes"}
_SPACE = re.compile(r"\s+")
_SHOWS_NOTHING_EMPTY = {"p", "a", "b", "strong", "em", "i", "span", "del", "s", "code"}


def github_html(markdown: str) -> str:
    """What GitHub's Markdown preview renders (raw HTML kept, footnotes on)."""
    return cmarkgfm.github_flavored_markdown_to_html(
        markdown, options=Options.CMARK_OPT_UNSAFE | Options.CMARK_OPT_FOOTNOTES)


class _Node:
    __slots__ = ("tag", "attrs", "children")

    def __init__(self, tag: str, attrs: dict[str, str]):
        self.tag, self.attrs, self.children = tag, attrs, []


def _from_element(element) -> _Node:
    """An html5lib element -> a _Node (MathML and SVG tags lose their namespace prefix)."""
    node = _Node(element.tag.rsplit("}", 1)[-1], {k.rsplit("}", 1)[-1]: v for k, v in element.attrib.items()})
    if element.text:
        node.children.append(element.text)
    for child in element:
        if isinstance(child.tag, str):
            node.children.append(_from_element(child))
        if child.tail:
            node.children.append(child.tail)
    return node


def _text_of(node) -> str:
    if isinstance(node, str):
        return node
    if node.tag == "br":
        return "\n"
    return "".join(_text_of(child) for child in node.children)


def _language(name: str) -> str:
    return "" if name == "text" else name


def _code_text(node: _Node) -> str:
    """A code block's text; spaces at line ends and blank lines at the end are invisible."""
    return "\n".join(line.rstrip() for line in _text_of(node).split("\n")).rstrip("\n")


def _classes(node: _Node) -> set[str]:
    return set(node.attrs.get("class", "").split())


def _simplify(node: _Node):
    """A node -> a list of normalised items (tuples for elements, strings for text)."""
    classes = _classes(node)
    tag = node.tag
    # Code blocks: ours are <div class="code" data-lang> with a bar; GitHub's <pre><code class="language-x">.
    if tag == "div" and "code" in classes:
        pre = _find(node, "pre")
        return [("code-block", _language(node.attrs.get("data-lang", "")), _code_text(pre) if pre else "")]
    if tag == "pre":
        code = node.children[0] if len(node.children) == 1 and isinstance(node.children[0], _Node) \
            and node.children[0].tag == "code" else None
        language = ""
        if code is not None:
            language = next((c[len("language-"):] for c in _classes(code) if c.startswith("language-")), "")
            language = node.attrs.get("lang", language)
        return [("code-block", _language(language), _code_text(node))]
    if tag == "div" and ("table-scroll" in classes):
        return _children(node)
    if tag in ("section", "div") and ("footnotes" in classes or "footnote" in classes):
        items = [_children(li) for li in _all(node, "li")]
        return [("footnotes",) + tuple(tuple(item) for item in items)]
    if tag in ("a",) and ("footnote-ref" in classes or "data-footnote-ref" in node.attrs):
        return [("footnote-ref", _text_of(node).strip())]
    if tag == "sup" and len(node.children) == 1 and isinstance(node.children[0], _Node) \
            and node.children[0].tag == "a" and ("footnote-ref" in _classes(node.children[0])
                                                 or "data-footnote-ref" in node.children[0].attrs):
        return [("footnote-ref", _text_of(node).strip())]
    if tag == "a" and ("footnote-backref" in classes or "data-footnote-backref" in node.attrs):
        return []  # the way back from a footnote: an anchor inside the page
    if tag == "input":
        return [("checkbox", "checked" in node.attrs)]
    if tag in ("td", "th"):
        align = node.attrs.get("align", "")
        style = node.attrs.get("style", "")
        if not align and "text-align" in style:
            align = style.split("text-align:")[1].strip(" ;")
        return [(tag, align) + tuple(_children(node))]
    if tag in ("tbody", "thead"):
        return _children(node)  # GitHub omits an empty <tbody>; its rows are what matter
    if tag in ("em", "strong") and len(node.children) == 1 and isinstance(node.children[0], _Node) \
            and {tag, node.children[0].tag} == {"em", "strong"}:
        return [("strong-em", (), *_children(node.children[0]))]  # ***x***: the same either way round
    attributes = tuple(sorted((k, v) for k, v in node.attrs.items() if k in _KEPT_ATTRIBUTES
                              and not (k == "start" and v == "1")))
    return [(tag, attributes) + tuple(_children(node))]


def _children(node: _Node) -> list:
    items: list = []
    for child in node.children:
        if isinstance(child, str):
            items.append(child)
        elif child.tag in _SHOWS_NOTHING_EMPTY and not any(
                isinstance(grandchild, _Node) or grandchild.strip() for grandchild in child.children):
            continue  # an empty paragraph or link shows nothing (a browser makes them of stray tags)
        else:
            items.extend(_simplify(child))
    return _tidy_text(items, node.tag)


def _is_block(item) -> bool:
    return isinstance(item, tuple) and item[0] in _BLOCKS


def _tidy_text(items: list, parent: str) -> list:
    """Join adjacent text, collapse white space, trim it next to block boundaries, drop empty text."""
    joined: list = []
    for item in items:
        if isinstance(item, str) and joined and isinstance(joined[-1], str):
            joined[-1] += item
        else:
            joined.append(item)
    tidy: list = []
    for index, item in enumerate(joined):
        if not isinstance(item, str):
            tidy.append(item)
            continue
        text = _SPACE.sub(" ", item)
        if index == 0 or _is_block(joined[index - 1]) or joined[index - 1] == ("br", ()):
            text = text.lstrip()
        if index == len(joined) - 1 or _is_block(joined[index + 1]) or joined[index + 1] == ("br", ()):
            text = text.rstrip()
        if text:
            tidy.append(text)
    if parent == "li":
        # A tight list item's text and a loose one's paragraphs differ in spacing only (docs/markdown.md).
        tidy = [part for item in tidy for part in (item[2:] if isinstance(item, tuple) and item[0] == "p" else (item,))]
    if tidy and tidy[0] and isinstance(tidy[0], tuple) and tidy[0][0] == "checkbox" and len(tidy) > 1 \
            and isinstance(tidy[1], str):
        tidy[1] = tidy[1].lstrip()
    return tidy


def _find(node: _Node, tag: str) -> _Node | None:
    for child in node.children:
        if isinstance(child, _Node):
            if child.tag == tag:
                return child
            found = _find(child, tag)
            if found is not None:
                return found
    return None


def _all(node: _Node, tag: str) -> list[_Node]:
    found = []
    for child in node.children:
        if isinstance(child, _Node):
            if child.tag == tag:
                found.append(child)
            else:
                found.extend(_all(child, tag))
    return found


def structure(html: str) -> tuple:
    """HTML -> the normalised tree a reader sees (parsed as a browser parses it)."""
    document = html5lib.parse(html, treebuilder="etree", namespaceHTMLElements=False)
    return tuple(_children(_from_element(document.find("body"))))  # (a fragment parse loses fostered content)
