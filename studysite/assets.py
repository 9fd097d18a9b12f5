"""Files beside the content (images, downloads): find them, size images, and check every link to them."""

from __future__ import annotations

import difflib
import hashlib
import posixpath
import re
import struct
from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path
from urllib.parse import unquote, urlsplit

from .containment import is_event_handler, is_script_url
from .errors import ContentError
from .model import Page, slugify

# Links that leave the site or stay on the page need no checking.
_EXTERNAL = re.compile(r"^(?:[a-z][a-z0-9+.-]*:|//|#)", re.IGNORECASE)
_LINK = re.compile(r'(<(a|img)\b[^>]*?\s(href|src)=")([^"]*)(")([^>]*>)', re.IGNORECASE)
_ALT = re.compile(r'\salt="([^"]*)"', re.IGNORECASE)


def find_assets(content_dir: Path, files: Iterable[Path]) -> dict[str, Path]:
    """Every non-Markdown file inside a category folder, by its output path: the same place in the
    site, in the category's own folder ('Deep Learning/img/k.png' -> 'deep-learning/img/k.png', beside
    the category's pages); `files` is the content folder's listing (project.list_content)."""
    assets = {}
    prefix = len(str(content_dir).rstrip("/")) + 1
    for source in sorted(files):
        relative = str(source)[prefix:]
        if "/" in relative and source.suffix != ".md" and source.name != "_category.yml" \
                and "/." not in "/" + relative:
            folder, _, rest = relative.partition("/")
            assets[f"{slugify(folder) or folder}/{rest}"] = source
    return assets


def image_size(path: Path) -> tuple[int, int] | None:
    """Width and height of a PNG, GIF, JPEG, WebP or SVG file, read from its header; None if unknown."""
    try:
        with path.open("rb") as file:
            head = file.read(64 * 1024)
    except OSError:
        return None
    if head.startswith(b"\x89PNG\r\n\x1a\n") and len(head) >= 24:
        return struct.unpack(">II", head[16:24])
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return struct.unpack("<HH", head[6:10])
    if head.startswith(b"RIFF") and head[8:12] == b"WEBP":
        return _webp_size(head)
    if head.startswith(b"\xff\xd8"):
        return _jpeg_size(head)
    if path.suffix.lower() == ".svg":
        return _svg_size(head.decode("utf-8", "replace"))
    return None


def _webp_size(head: bytes) -> tuple[int, int] | None:
    chunk = head[12:16]
    if chunk == b"VP8X":
        return 1 + int.from_bytes(head[24:27], "little"), 1 + int.from_bytes(head[27:30], "little")
    if chunk == b"VP8 ":
        width, height = struct.unpack("<HH", head[26:30])
        return width & 0x3FFF, height & 0x3FFF
    if chunk == b"VP8L":
        bits = int.from_bytes(head[21:25], "little")
        return (bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1
    return None


def _jpeg_size(head: bytes) -> tuple[int, int] | None:
    index = 2
    while index + 9 < len(head):
        if head[index] != 0xFF:
            index += 1
            continue
        marker = head[index + 1]
        if marker in (0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF):
            height, width = struct.unpack(">HH", head[index + 5:index + 9])
            return width, height
        index += 2 + struct.unpack(">H", head[index + 2:index + 4])[0]
    return None


def _svg_size(text: str) -> tuple[int, int] | None:
    root = re.search(r"<svg\b[^>]*>", text)
    if root is None:
        return None
    sizes = [re.search(rf'\s{name}="\s*([\d.]+)\s*(?:px)?\s*"', root.group(0)) for name in ("width", "height")]
    if all(sizes):
        return round(float(sizes[0].group(1))), round(float(sizes[1].group(1)))  # type: ignore[union-attr]
    box = re.search(r'viewBox="\s*[-\d.]+[\s,]+[-\d.]+[\s,]+([\d.]+)[\s,]+([\d.]+)\s*"', root.group(0))
    return (round(float(box.group(1))), round(float(box.group(2)))) if box else None


# SVG elements that run script or embed a document of their own.
_SVG_ACTIVE_ELEMENTS = frozenset({"script", "foreignobject", "iframe", "embed", "object", "handler", "listener"})


def svg_problem(path: Path) -> str | None:
    """Why an SVG file could run script when opened on the site's origin, or None when it cannot."""
    import xml.etree.ElementTree as etree  # (only sites with SVG files pay for it)

    try:
        # expat expands no external entity and caps internal expansion (no "billion laughs").
        root = etree.parse(path).getroot()
    except (etree.ParseError, OSError, ValueError) as exc:
        return f"it is not well-formed XML ({exc}), and a browser may run part of it"
    for element in root.iter():
        tag = str(element.tag).rpartition("}")[2].lower()
        if tag in _SVG_ACTIVE_ELEMENTS:
            return f"it has a <{tag}> element"
        for name, value in element.attrib.items():
            local = name.rpartition("}")[2].lower()
            if is_event_handler(local):
                return f"it has an event handler ({local}=...)"
            if is_script_url(value, "href"):  # in href, or set there by <animate>/<set> values
                return f"it has a script URL in {local}=..."
    return None


@dataclass(frozen=True)
class CheckedPage:
    """A page with its links rewritten, and what was wrong with them."""

    page: Page
    errors: tuple[ContentError, ...]
    warnings: tuple[ContentError, ...]
    consulted: tuple[tuple[str, str], ...] = ()  # (page, anchors_digest) of each page its anchors were checked on


class LinkChecker:
    """Rewrites and checks the links of one build: .md links become page URLs, images get sizes."""

    def __init__(self, pages: list[Page], assets: dict[str, Path], unparsed: Iterable[tuple[str, str]] = (),
                 template_ids: frozenset[str] = frozenset()):
        """`unparsed`: (category, file name) of content files that failed before they made a page: links
        to them hold (their own error is reported); `template_ids`: ids every page has from its templates."""
        self.assets = assets
        # A link may name a page by its Markdown file (as GitHub's preview wants) or by its URL.
        self.targets: dict[str, str] = {}
        self.anchors: dict[str, frozenset[str] | None] = {}  # by output path; None: not known (not checked)
        for page in pages:
            self.targets[f"{page.category}/{page.source_path.name}"] = page.output_path
            self.targets[page.output_path] = page.output_path
            self.anchors[page.output_path] = page.anchors if page.complete else None
        for category, name in unparsed:  # by its Markdown file, or by the page it would make
            page_path = f"{category}/{slugify(name.removesuffix('.md')) or 'page'}.html"
            for named in (f"{category}/{name}", page_path):
                self.targets.setdefault(named, page_path)
            self.anchors.setdefault(page_path, None)
        self.template_ids = template_ids
        self.sizes: dict[str, tuple[int, int] | None] = {}
        # What every page's links are checked against (anchors apart: see anchors_digest): a page's
        # result holds while this does.
        self.fingerprint = hashlib.sha1(repr((sorted(self.targets.items()), sorted(assets),
                                              sorted(template_ids))).encode()).hexdigest()
        self._errors: list[ContentError] = []
        self._warnings: list[ContentError] = []
        self._consulted: dict[str, str] = {}

    def anchors_digest(self, output_path: str) -> str:
        """What a link's anchor was checked against: the target page's ids."""
        anchors = self.anchors.get(output_path)
        return "?" if anchors is None else hashlib.sha1("\0".join(sorted(anchors)).encode()).hexdigest()

    def check_page(self, page: Page) -> CheckedPage:
        """The page with its links rewritten, with the problems found in them."""
        self._errors, self._warnings, self._consulted = [], [], {}
        fields = [page.intro_html, page.body_html]
        for q in page.questions:
            fields += (q.title_html, q.answer_html, q.prompt_html, q.explanation_html, *(o.html for o in q.options))
        if not any(_LINK.search(html) for html in fields if html):
            return CheckedPage(page, (), ())  # most pages link nowhere: nothing to rewrite or check
        fix = lambda html: self._rewrite(html, page) if html else html  # noqa: E731
        questions = tuple(replace(q, title_html=fix(q.title_html), answer_html=fix(q.answer_html),
                                  prompt_html=fix(q.prompt_html), explanation_html=fix(q.explanation_html),
                                  options=tuple(replace(o, html=fix(o.html)) for o in q.options))
                          for q in page.questions)
        checked = replace(page, intro_html=fix(page.intro_html), body_html=fix(page.body_html), questions=questions,
                          links_key=self.fingerprint)
        return CheckedPage(checked, tuple(self._errors), tuple(self._warnings), tuple(self._consulted.items()))

    @staticmethod
    def _line_of(page: Page, needle: str) -> int | None:
        """The line of the page's source where `needle` is written as a link or an image (else the first
        line naming it at all): read only when there is a problem."""
        try:
            text = Path(page.source_path).read_text(encoding="utf-8", errors="replace")
        except OSError:
            return None
        lines = text.split("\n")
        as_link = (f"]({needle}", f"](<{needle}", f'="{needle}"', f"='{needle}'", f"={needle}", f"]: {needle}")
        for wanted in (as_link, (needle,)):
            for number, line in enumerate(lines, start=1):
                if any(form in line for form in wanted):
                    return number
        return None

    def _rewrite(self, html: str, page: Page) -> str:
        return _LINK.sub(lambda match: self._fix_link(match, page), html)

    def _fix_link(self, match: re.Match, page: Page) -> str:
        start, tag, _, url, quote, rest = match.groups()
        whole = match.group(0)
        if tag.lower() == "img":
            alt = _ALT.search(whole)
            if alt is None or not alt.group(1).strip():
                self._warnings.append(ContentError(page.source_path, self._line_of(page, url), f"image '{url}' has no alt text",
                                                  "describe the image in the brackets: ![what it shows](path)"))
        if url.startswith("#") and len(url) > 1:
            self._check_anchor(page, url, page.output_path, unquote(url[1:]))
            return whole
        if not url or _EXTERNAL.match(url):
            return whole
        parts = urlsplit(url)
        if url.startswith("/"):
            self._errors.append(ContentError(page.source_path, self._line_of(page, url), f"link '{url}' starts at the server's root",
                                            "use a path relative to this file, so the site works under any sub-path"))
            return whole
        target = posixpath.normpath(posixpath.join(page.category, unquote(parts.path)))
        fragment = f"#{parts.fragment}" if parts.fragment else ""
        if target in self.targets:
            if parts.fragment:
                self._check_anchor(page, url, self.targets[target], unquote(parts.fragment))
            new_url = posixpath.relpath(self.targets[target], posixpath.dirname(page.output_path)) + fragment
            return f"{start}{new_url}{quote}{rest}"
        if target in self.assets:
            if tag.lower() == "img":
                return f"{start}{url}{quote}{self._image_attributes(target, rest)}"
            return whole
        kind = "image" if tag.lower() == "img" else "link target"
        nearby = sorted(p.rsplit("/", 1)[-1] for p in (*self.assets, *self.targets)
                        if posixpath.dirname(p) == posixpath.dirname(target))[:5]
        self._errors.append(ContentError(
            page.source_path, self._line_of(page, url), f"{kind} '{url}' does not exist",
            "paths are relative to this file's folder"
            + (f"; files there: {', '.join(nearby)}" if nearby else "")))
        return whole

    def _check_anchor(self, page: Page, url: str, target: str, fragment: str) -> None:
        """A link's #anchor must be an id of the page it leads to."""
        self._consulted[target] = self.anchors_digest(target)
        anchors = self.anchors.get(target)
        if anchors is None or fragment in anchors or fragment in self.template_ids:
            return  # (a page that failed in part, or with ids not known)
        nearest = difflib.get_close_matches(fragment, sorted(anchors), n=3, cutoff=0.5)
        self._errors.append(ContentError(
            page.source_path, self._line_of(page, url), f"link '{url}': {target} has no id '{fragment}'",
            ("nearest: " + ", ".join(nearest) + "; " if nearest else "")
            + "question anchors are 'q-' plus the question's id, tutorial sections 's-' plus their heading"))

    def _image_attributes(self, target: str, rest: str) -> str:
        """Lazy loading and, when the file says it, width and height (no layout jump while loading)."""
        if target not in self.sizes:
            self.sizes[target] = image_size(self.assets[target])
        extra = ' loading="lazy" decoding="async"'
        size = self.sizes[target]
        if size and "width=" not in rest and "height=" not in rest:
            extra += f' width="{size[0]}" height="{size[1]}"'
        return extra + rest
