"""Jinja environment, template contexts and URL helpers: Site -> {output path: bytes}."""

from __future__ import annotations

import hashlib
import html
import json
import re
from dataclasses import dataclass, fields
import posixpath
import traceback
from pathlib import Path
from typing import Any, Callable
from urllib.parse import quote

import jinja2

from . import __version__
from .errors import BuildFailed, ContentError, InternalError, relative_to_cwd
from .exports import download_links
from .markup import html_to_text
from .model import Card, Category, Difficulty, Kind, Page, Question, Site, Subject, Tag, slugify, text_direction
from .theme import FEATURE_SCRIPTS, SCRIPT_BUNDLE, STATIC_PREFIX, learners_guide, template_folders, theme_loader
SEARCH_INDEX = "search-index.js"
REVIEW_INDEX = "review-index.js"
# Long answers are cut in the index: enough text to find them, a bounded download.
SEARCH_TEXT_LIMIT = 1000


def make_environment(template_dirs: tuple[Path, ...]) -> jinja2.Environment:
    """The Jinja environment over the theme's layers: strict about undefined names, escaping by default."""
    env = jinja2.Environment(
        loader=theme_loader(template_dirs),
        autoescape=jinja2.select_autoescape(["html"]),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.globals.update(difficulties=list(Difficulty), kinds={kind.value: kind for kind in Kind}, studysite_version=__version__,
                       feature_scripts=list(FEATURE_SCRIPTS), script_bundle=SCRIPT_BUNDLE)
    env.filters["slugify"] = slugify
    env.filters["count_of"] = count_of
    env.globals["review_index"] = review_index
    env.globals["download_links"] = download_links
    env.filters["web_address"] = web_address
    env.filters["plain_text"] = html_to_text
    env.filters["xml"] = xml_text
    env.filters["upper_first"] = upper_first
    return env


def upper_first(text: Any) -> Any:
    """The first letter in upper case, as a sentence starts (markup keeps its tags: the first letter of its text)."""
    value = str(text)
    match = re.search(r"(?:^|>)([^<\s])", value)
    if match is None or not match.group(1).islower():
        return text
    at = match.start(1)
    raised = value[:at] + value[at].upper() + value[at + 1:]
    return type(text)(raised) if hasattr(text, "__html__") else raised


def web_address(path: str, site_url: str) -> str:
    """A page's address on the web (`{{ output_path | web_address(site.config.site_url) }}`): a folder's
    index.html as the folder itself."""
    path = path.removesuffix("index.html") if path == "index.html" or path.endswith("/index.html") else path
    return site_url + quote(path, safe="/#")  # (a file name with a space or a letter beyond ASCII, as an address)


# Characters XML 1.0 cannot hold at all (escaped or not), which pasted text can carry (ANSI colours).
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_text(value: Any) -> str:
    """Text escaped for XML, without the characters XML forbids: the xml filter (feed.xml)."""
    return html.escape(_NOT_XML.sub("", str(value)), quote=True)


@jinja2.pass_context
def count_of(context: Any, count: int, noun: str) -> str:
    """'1 question', '2 questions' in the page's language: the count_of filter, `{{ n | count_of('question') }}`
    (the text count.<noun> of the catalogue; a noun it lacks in English, with an s)."""
    key = "count." + noun.replace(" ", "_")
    t = context.get("t")
    try:
        return t(key, count=count)
    except (KeyError, TypeError):
        return f"{count} {noun}{'' if count == 1 else 's'}"


def relative_url(from_path: str, to_path: str) -> str:
    """The URL of `to_path` as seen from the page at `from_path` (both relative to the site root)."""
    target, _, fragment = to_path.partition("#")
    start = posixpath.dirname(from_path)
    if not target:
        url = posixpath.basename(from_path)
    elif posixpath.dirname(target) == start:
        url = posixpath.basename(target)  # same folder: the short form
    else:
        url = "../" * from_path.count("/") + target  # every page sits at most a few folders deep
    return f"{url}#{fragment}" if fragment else url


# The search index's records are arrays (names repeated 15,000 times would double its size); their
# field names are defined here, once, and written into the index for the browser to read.
SEARCH_PAGE_FIELDS = ("title", "category", "url", "kind", "tags", "summary", "questions")
SEARCH_QUESTION_FIELDS = ("question", "url", "difficulty", "tags", "text")


def search_entry(page: Page) -> bytes:
    """One page's part of the search index, as UTF-8 JSON in the order of SEARCH_PAGE_FIELDS.

    An entry depends on its page alone (the category by its slug), so it is made where the page is
    parsed, in parallel, and a rebuild re-encodes only the pages that changed.
    """
    questions = [dict(question=html_to_text(q.title_html), url=f"{page.output_path}#{q.id}",
                      difficulty=q.difficulty.value, tags=" ".join(q.tags or page.tags),
                      text=_question_text(q)[:SEARCH_TEXT_LIMIT]) for q in page.questions]
    entry = dict(title=page.title, category=page.category, url=page.output_path, kind=page.kind.value,
                 tags=" ".join(page.tags), summary=page.summary,
                 questions=[[q[name] for name in SEARCH_QUESTION_FIELDS] for q in questions])
    return json.dumps([entry[name] for name in SEARCH_PAGE_FIELDS], ensure_ascii=False,
                      separators=(",", ":")).encode("utf-8")


def search_index(site: Site, entries: list[bytes]) -> bytes:
    """The search index as a script (a fetch of JSON fails on file://), loaded on first search."""
    head = json.dumps({"fields": {"page": SEARCH_PAGE_FIELDS, "question": SEARCH_QUESTION_FIELDS},
                       "categories": {c.slug: c.title for c in site.categories}},
                      ensure_ascii=False, separators=(",", ":"))
    # Megabytes of text: kept as bytes (a rebuild re-encodes only the entries that changed) and copied once.
    parts = [b"window.studysiteSearchIndex=" + head[:-1].encode("utf-8") + b',"pages":[']
    for entry in entries:
        parts += (entry, b",")
    parts[-1 if entries else len(parts):] = [b"]};\n"]
    return b"".join(parts)


# The review index, like the search index, is arrays whose field names it lists once.
REVIEW_TOPIC_FIELDS = ("url", "title", "category", "tags", "cards", "questions")
REVIEW_QUESTION_FIELDS = ("id", "difficulty", "tags")


def is_data_script(path: str) -> bool:
    """The site's generated data (search and review indexes, topics' cards), read by the pages' scripts."""
    return path in (SEARCH_INDEX, REVIEW_INDEX) or path.endswith(".cards.js")


def is_shown_on_no_page(path: str) -> bool:
    """Outputs that no page displays (downloads, the feed, the files for search engines): a change to
    them never needs a page reloaded."""
    # (a category may be named downloads: its pages are pages)
    return (path.startswith("downloads/") and not path.endswith(".html")) or path in (FEED, "sitemap.xml", "robots.txt")


def cards_script(page_path: str) -> str:
    """Where a topic's questions and answers are kept for review sessions: beside its page."""
    return page_path.removesuffix(".html") + ".cards.js"


def review_index(site: Site) -> dict[str, Any]:
    """What the review page schedules (templates/review-index.js): every question of the site's
    question pages by topic, with its difficulty and tags but not its answer (cards_script has those)."""
    # Tags as their tag page names them: "PyTorch" on one page and "pytorch" on another are one tag.
    named = {tag.slug: tag.name for tag in site.tags}

    def names(tags: tuple[str, ...]) -> list[str]:
        return [named.get(slugify(tag) or "tag", tag) for tag in tags]

    topics = [[page.output_path, page.title, page.category, names(page.tags), cards_script(page.output_path),
               [[q.id, q.difficulty.value, names(q.tags)] for q in page.questions]]
              for page in site.pages_of_kind(Kind.INTERVIEW) if page.questions]
    return {"fields": {"topic": REVIEW_TOPIC_FIELDS, "question": REVIEW_QUESTION_FIELDS},
            "categories": {c.slug: c.title for c in site.categories}, "topics": topics}


def _question_text(question: Question) -> str:
    """What search reads of a question: its answer, or a quiz question's prompt, options and explanation."""
    parts = [question.answer_html, question.prompt_html, *(o.html for o in question.options),
             question.explanation_html]
    return html_to_text(" ".join(p for p in parts if p))




@dataclass(frozen=True)
class PlannedOutput:
    """An HTML page to render: its template, its context, and a fingerprint of everything it shows."""

    path: str
    template: str
    context: dict[str, Any]
    fingerprint: str


_DIGESTED = (Page, Card, Category, Subject, Tag, Site)


def digest_of(value: Any) -> Any:
    """What a fingerprint is made of: the value itself, with the site's objects (pages, cards,
    categories, subjects, tags, site views) folded into their digests."""
    if type(value) in _DIGESTED:
        return value.digest
    if isinstance(value, (tuple, list)):
        return tuple(digest_of(item) for item in value)
    if isinstance(value, dict):  # built in code, so its order is the same in every build
        return tuple((key, digest_of(item)) for key, item in value.items())
    return value


def _planned(path: str, template: str, context: dict[str, Any]) -> PlannedOutput:
    """An output whose fingerprint is made of exactly the context its template is given."""
    parts = []
    for key, value in context.items():  # (a thousand pages a rebuild: the common cases first, inline)
        if type(value) in _DIGESTED:
            parts.append(f"{key}:{value.digest}")
        elif value is None or type(value) is str:
            parts.append(f"{key}={value!r}")
        else:
            parts.append(f"{key}={digest_of(value)!r}")
    return PlannedOutput(path, template, context, hashlib.sha1("\0".join(parts).encode("utf-8")).hexdigest())


def plan_outputs(site: Site) -> list[PlannedOutput]:
    """Every HTML page of the site. Templates get views of the site (cards, not pages, except a page's
    own), and each output is fingerprinted by its whole context, so nothing shown can go unhashed."""
    listing = site.listing
    headers = site.view(site.category_headers)
    guide_title, guide_html = learners_guide()
    words = site.strings.for_language(site.config.language)  # (the site's own pages' titles)
    plan = [
        _planned("index.html", "home.html", {"site": listing, "kind": "home", "title": site.config.title}),
        _planned("404.html", "404.html", {"site": listing, "kind": "not-found", "title": words.text("not_found.title")}),
        _planned("checklist.html", "checklist.html", {"site": listing, "kind": "checklist", "title": words.text("checklist.title")}),
        _planned("tags/index.html", "tags.html", {"site": listing, "kind": "tags", "title": words.text("site.tags")}),
        _planned("review.html", "review.html", {"site": listing, "kind": "review", "title": words.text("review.title")}),
        _planned("studying.html", "guide.html", {"site": headers, "kind": "guide", "title": guide_title, "guide_html": guide_html}),
        _planned(REVIEW_INDEX, "review-index.js", {"site": listing, "kind": "review-index", "title": "Review"}),
    ]
    for category in listing.categories:
        plan.append(_planned(category.output_path, "category.html", {
            "site": site.view((category,)), "kind": "category", "title": category.title, "category": category}))
    header_of = {c.slug: c for c in site.category_headers}
    for kind in Kind:
        pages = site.pages_of_kind(kind)  # previous / next stay within one kind of page
        for index, page in enumerate(pages):
            subject = listing.subject_of(page)
            previous = pages[index - 1].card if index > 0 else None
            following = pages[index + 1].card if index + 1 < len(pages) else None
            plan.append(_planned(page.output_path, kind.spec.template, {
                "site": site.related_view(subject), "kind": kind.spec.body, "title": page.title, "page": page,
                "category": header_of[page.category], "subject": subject, "previous": previous, "next": following,
            }))
            if kind is Kind.INTERVIEW and page.questions:
                plan.append(_planned(cards_script(page.output_path), "cards.js",
                                     {"site": headers, "kind": "cards", "title": page.title, "page": page}))
    for tag in listing.tags:
        plan.append(_planned(tag.output_path, "tag.html",
                             {"site": headers, "kind": "tag", "title": words.text("tags.title", tag=tag.name), "tag": tag}))
    if site.config.site_url:  # (search engines need the site's own address: without one, none of this)
        pages = [item.path for item in plan if item.path.endswith(".html") and item.path not in UNLISTED_PAGES]
        plan.append(_planned("sitemap.xml", "sitemap.xml", {"site": headers, "kind": "sitemap", "title": "", "pages": pages}))
        if "robots.txt" not in {path for path, _ in site.assets}:  # (a robots.txt in public/ is the site's own)
            plan.append(_planned("robots.txt", "robots.txt", {"site": headers, "kind": "robots", "title": ""}))
        if site.config.feed:
            plan.append(_planned(FEED, "feed.xml", {"site": headers, "kind": "feed", "title": words.text("site.feed_title", site=site.config.title),
                                                    "entries": feed_entries(site)}))
    return plan


def feed_entries(site: Site) -> tuple[tuple[Page, Question], ...]:
    """The newest questions for feed.xml: those of pages with a `date:`, newest page first (then in
    reading order), up to site.yml's `feed` questions."""
    dated = sorted((page for page in site.pages if page.date and page.questions), key=lambda page: page.date,
                   reverse=True)  # (a stable sort: one day's pages stay in reading order)
    entries = [(page, question) for page in dated for question in page.questions]
    return tuple(entries[:site.config.feed])


FEED = "feed.xml"
# Pages search engines are not pointed at: the learner's own review page and the error page.
UNLISTED_PAGES = frozenset({"404.html", "review.html"})


def asset_versions(files: dict[str, bytes]) -> dict[str, str]:
    """A short content hash per static file, for ?v= cache busting in the links to it."""
    return {path: hashlib.sha256(data).hexdigest()[:10] for path, data in files.items()}


_ABSENT: Any = object()  # a name this kind of page does not get (so a template using it fails loudly)


@dataclass(frozen=True)
class TemplateContext:
    """What a page template is given: the one contract between the pipeline and the theme (docs/theming.md)."""

    site: Site
    kind: str  # as in <body data-page>: home, category, topic, quiz, tutorial, checklist, tags, tag, not-found
    title: str
    output_path: str
    url: Callable[[str], str]  # an output path -> its URL relative to this page
    asset: Callable[[str], str]  # a static file's name -> its URL with a version
    tag_url: Callable[[str], str]
    search_index_url: str
    root: str  # the URL of the site's root folder from this page
    inline_css: str  # the theme's stylesheet and extra_css, for pages that must stand alone
    language: str  # the page's lang: its own `language:`, else the site's
    direction: str  # the page's dir: "rtl" for languages written right to left, else "ltr"
    t: Callable[..., Any]  # t(name, **values): the page's words in its language (strings.py, templates/strings/)
    script_strings: dict[str, Any]  # the words the page's scripts say, which base.html hands them
    # The page's own subject, where it has one:
    page: Page = _ABSENT
    category: Category = _ABSENT
    subject: Subject = _ABSENT
    previous: Page | None = _ABSENT
    next: Page | None = _ABSENT
    tag: Tag = _ABSENT
    guide_html: str = _ABSENT  # studying.html: the learner's guide (theme.learners_guide)
    pages: tuple[str, ...] = _ABSENT  # sitemap.xml: the output path of every page it lists
    entries: tuple[tuple[Page, Question], ...] = _ABSENT  # feed.xml: (page, question), newest first

    def as_dict(self) -> dict[str, Any]:
        """The names a template sees (those this kind of page does not get are left out)."""
        return {f.name: value for f in fields(self) if (value := getattr(self, f.name)) is not _ABSENT}


def template_context(site: Site, item: PlannedOutput, versions: dict[str, str], stylesheet: str) -> TemplateContext:
    """The context of one planned page: its own data (from plan_outputs) and the helpers every page gets."""
    url = _url_helper(item.path)

    def asset(name: str) -> str:
        return f"{url(f'{STATIC_PREFIX}/{name}')}?v={versions.get(f'{STATIC_PREFIX}/{name}', '')}"

    page = item.context.get("page")
    language = (page.language if page is not None and page is not _ABSENT else "") or site.config.language
    words = site.strings.for_language(language)
    return TemplateContext(
        output_path=item.path, url=url, asset=asset, language=language, direction=text_direction(language),
        t=words.markup, script_strings=words.for_scripts,
        tag_url=lambda name: url(f"tags/{slugify(name) or 'tag'}.html"),
        search_index_url=url(SEARCH_INDEX), root=url("index.html").removesuffix("index.html") or "./",
        inline_css=stylesheet, **{"site": site, **item.context})


def render_pages(site: Site, env: jinja2.Environment, plan: list[PlannedOutput], static_files: dict[str, bytes],
                 emit: Callable[[str, bytes], None]) -> list[tuple[ContentError, str]]:
    """Render the planned pages one by one, handing each to `emit`; returns template problems, not raises."""
    versions = asset_versions(static_files)
    # For pages that must stand alone (404.html): the theme's styles, then the site's extra_css.
    stylesheet = "\n".join(static_files.get(f"{STATIC_PREFIX}/{name}", b"").decode("utf-8")
                           for name in ("style.css", "print.css", *site.config.extra_css))
    problems = []
    for item in plan:
        context = template_context(site, item, versions, stylesheet)
        try:
            page = env.get_template(item.template).render(context.as_dict()).encode("utf-8")
        except jinja2.TemplateError as exc:
            problems.append((template_error(exc, env), item.path))
        except Exception as exc:  # in a template's own code (1/0, an endless extends), or a bug of ours
            problem = template_code_error(exc, env, item.template)
            if problem is None:
                raise InternalError.wrapping(item.path, exc) from exc
            problems.append((problem, item.path))
        else:
            emit(item.path, page)  # (a write that fails, on a full disk, is the build's to report)
    return problems


def raise_template_problems(problems: list[tuple[ContentError, str]]) -> None:
    """One error per template problem, naming the pages it broke."""
    grouped: dict[tuple, list[str]] = {}
    for error, page in problems:
        grouped.setdefault((error.path, error.line, error.message, error.hint), []).append(page)
    if grouped:
        raise BuildFailed(ContentError(path, line, f"{message} (while rendering {_page_list(pages)})", hint)
                          for (path, line, message, hint), pages in grouped.items())


def _url_helper(output_path: str) -> Callable[[str], str]:
    """relative_url from one page, its folder worked out once: listing pages link thousands of times."""
    start, name = posixpath.split(output_path)
    up = "../" * output_path.count("/")

    def url(target: str) -> str:
        if "#" in target:
            return relative_url(output_path, target)
        if not target:
            return name
        folder, _, base = target.rpartition("/")
        return base if folder == start else up + target
    return url


def _page_list(pages: list[str]) -> str:
    more = len(pages) - 1
    return pages[0] if not more else f"{pages[0]} and {more} more page{'s' if more > 1 else ''}"


def template_error(exc: jinja2.TemplateError, env: jinja2.Environment) -> ContentError:
    """Point a Jinja error at the template file and line."""
    folders = template_folders(env)
    if isinstance(exc, jinja2.TemplateSyntaxError):
        path = Path(exc.filename) if exc.filename else folders[0] / (exc.name or "?")
        return ContentError(relative_to_cwd(path), exc.lineno, f"template syntax error: {exc.message}",
                            "fix the Jinja tag on this line; every {% block %} and {% if %} needs its {% end... %}")
    if isinstance(exc, jinja2.TemplateNotFound):
        return ContentError(relative_to_cwd(folders[0]), None, f"template '{exc.name}' not found",
                            f"create {exc.name} in the templates folder or fix the name that includes it")
    path, line = _template_frame(exc, folders)
    names = ", ".join(f.name for f in fields(TemplateContext))
    hint = (f"templates get: {names}, difficulties, kinds (page, category, subject, previous, next and tag "
            "only where the page has them); check the name's spelling or guard it with 'is defined'")
    return ContentError(relative_to_cwd(path), line, exc.message or str(exc), hint)


def template_code_error(exc: Exception, env: jinja2.Environment, template: str) -> ContentError | None:
    """A Python error raised by a template's own code or file, pointed at the template; None if ours."""
    folders = template_folders(env)
    if isinstance(exc, UnicodeDecodeError):
        return ContentError(relative_to_cwd(folders[0]), None, f"a template is not UTF-8 text (while loading {template})",
                            "save every file in templates/ as UTF-8 in your editor")
    path, line = _template_frame(exc, folders)
    frames = traceback.extract_tb(exc.__traceback__)
    in_our_code = bool(frames) and Path(frames[-1].filename).resolve().parent == Path(__file__).resolve().parent
    if line is None or (in_our_code and not isinstance(exc, RecursionError)):
        return None  # raised by studysite's own code that a template called (a filter): a bug of ours
    hint = ("a template that extends itself? extend the theme's own with {% extends \"studysite/NAME\" %}"
            if isinstance(exc, RecursionError) else "fix the expression on this line of the template")
    return ContentError(relative_to_cwd(path), line, f"{type(exc).__name__}: {exc}", hint)


def _template_frame(exc: BaseException, folders: tuple[Path, ...]) -> tuple[Path, int | None]:
    """The innermost traceback frame that belongs to a template file."""
    found: tuple[Path, int | None] = (folders[0], None)
    resolved = [folder.resolve() for folder in folders]
    for frame in traceback.extract_tb(exc.__traceback__):
        if frame.filename and any(Path(frame.filename).resolve().is_relative_to(f) for f in resolved):
            found = (Path(frame.filename), frame.lineno)
    return found
