"""One content file -> a Page, and a category folder -> a Category."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, replace
from pathlib import Path

from .errors import BuildFailed, ContentError, InternalError, collect_errors
from .frontmatter import (CATEGORY_FIELDS, PAGE_FIELDS, convert_fields, item_lines, key_lines, load_yaml,
                          read_text, split_front_matter)
from .markup import render_article, render_text
from .model import KINDS, Category, Difficulty, Kind, Page, Question, slugify
from .questions import (has_difficulty_marker, parse_questions, prerendered, render_at, split_question_tags,
                        split_questions)

CATEGORY_FILE = "_category.yml"
RESERVED_PAGE_SLUGS = {"index"}  # index.html is the category page
# A file name's last suffix may name its kind: gradients.mcq.md, gradients.tutorial.md.
KIND_SUFFIXES = {spec.suffix: kind for kind, spec in KINDS.items() if spec.suffix}


def kind_of_stem(stem: str) -> tuple[str, Kind | None]:
    """'gradients.mcq' -> ('gradients', Kind.MCQ); 'gradients' -> ('gradients', None)."""
    for suffix, kind in KIND_SUFFIXES.items():
        if stem.endswith(suffix) and len(stem) > len(suffix):
            return stem[: -len(suffix)], kind
    return stem, None


def parse_page(text: str, path: Path, category: str, stem: str, raw_html: str = "allow",
               difficulty: Difficulty | None = None) -> Page:
    """Parse one content file's text into a Page (`difficulty`: the default for unmarked questions).

    Raises ContentError when the file cannot be read as front matter plus body, and
    BuildFailed with every problem found once it can; the BuildFailed carries the page as far as it
    could be made (`partial`), so that its links are checked and links to it hold in the same run.
    """
    yaml_text, yaml_line, body, body_line = split_front_matter(text, path)
    data = load_yaml(yaml_text, path, yaml_line)
    values, errors = convert_fields(data, PAGE_FIELDS, path, yaml_text, yaml_line)
    lines_of = key_lines(yaml_text, yaml_line)
    if "title" not in data and not any("did you mean 'title'" in error.message for error in errors):
        errors.append(ContentError(path, 1, "the front matter has no 'title'",
                                   "add a line 'title: Your title' between the '---' lines"))
    subject, suffix_kind = kind_of_stem(stem)
    kind = values.pop("kind", None)
    difficulty = values.pop("difficulty", None) or difficulty
    if kind and suffix_kind and kind is not suffix_kind:
        errors.append(ContentError(path, lines_of.get("kind"), f"'kind: {kind.value}' contradicts the file name",
                                   f"the name ends in .{suffix_kind.value}.md; change one so they agree"))
    kind = kind or suffix_kind or Kind.INTERVIEW
    if values.get("takeaways") and kind is not Kind.TUTORIAL:
        errors.append(ContentError(path, lines_of.get("takeaways"), "'takeaways' is only for tutorials",
                                   "remove it, or make this page a tutorial with 'kind: tutorial'"))
    values["related"] = item_lines(yaml_text, yaml_line, "related", values.get("related", ()))
    try:
        intro, raw_questions = split_questions(body, body_line, path)
    except BuildFailed as failed:  # questions hidden in code: report them with the front matter's problems
        raise BuildFailed([*errors, *failed.errors]) from None
    questions: tuple[Question, ...] = ()
    if not kind.spec.has_questions:
        errors += [ContentError(path, q.line, "a tutorial has no questions, but this heading has a difficulty marker",
                                "remove the marker to make it a section heading, or use 'kind: interview' or 'kind: mcq'")
                   for q in raw_questions if has_difficulty_marker(q.heading)]
        if not body.strip():
            errors.append(ContentError(path, body_line, "the tutorial is empty", "write the article below the front matter"))
        try:
            values["body_html"], values["toc"] = render_at(render_article, body, path, body_line, raw_html)
        except ContentError as error:
            errors.append(error)
    else:
        answers = [split_question_tags(q.answer)[1] for q in raw_questions] if kind is Kind.INTERVIEW else []
        render_block = prerendered([intro, *answers], raw_html)
        questions, question_errors = parse_questions(raw_questions, path, kind, raw_html, render_block, difficulty)
        errors += question_errors
        if not raw_questions:
            hint = ("add questions as level-2 headings ending in a difficulty, for example "
                    "'## What is X? [easy]'; for an article without questions, use 'kind: tutorial'")
            errors.append(ContentError(path, body_line, "the page has no questions", hint))
        try:
            values["intro_html"] = render_at(render_block, intro, path, body_line, raw_html) if intro.strip() else ""
        except ContentError as error:
            errors.append(error)
    slug = values.pop("slug", None) or slugify(stem)
    if slug in RESERVED_PAGE_SLUGS or not slug:
        errors.append(ContentError(path, lines_of.get("slug"), f"a page cannot be named '{slug or stem}'",
                                   "rename the file or set another 'slug:' in the front matter"))
    values.setdefault("title", stem)
    values["tags"] = _merge_tags(values.get("tags", ()), questions)
    canonical = {slugify(t) or t: t for t in values["tags"]}
    questions = tuple(replace(q, tags=tuple(dict.fromkeys(canonical[slugify(t) or t] for t in q.tags)))
                      for q in questions)
    page = Page(source_path=path, category=category, slug=slug or slugify(stem) or "page", questions=questions,
                kind=kind, subject=slugify(subject) or slug, tip_html=render_text(values.get("tip", "")),
                checklist_html=tuple(map(render_text, values.get("checklist", ()))),
                takeaways_html=tuple(map(render_text, values.get("takeaways", ()))), complete=not errors, **values)
    page = replace(page, anchors=page_anchors(page))
    if errors:
        raise PartialPage(errors, page)
    return page


class PartialPage(BuildFailed):
    """A file's problems, with its page as far as it could be made around them."""

    def __init__(self, errors, page: Page):
        super().__init__(errors)
        self.page = page

    def __reduce__(self):  # (made in worker processes)
        return (PartialPage, (self.errors, self.page))


_ID = re.compile(r'\sid="([^"]+)"')


def page_anchors(page: Page) -> frozenset[str]:
    """Every id the page's content gives it: its questions' cards (q-..., as the templates write them),
    headings (s-...) and what its HTML names (footnotes, authors' own ids); the templates add their own."""
    anchors = {f"{question.id}{part}" for question in page.questions for part in ("", "-title", "-answer")}
    anchors.update(entry.id for entry in page.toc)
    for html in (page.intro_html, page.body_html, *(field for q in page.questions
                                                     for field in (q.answer_html, q.prompt_html, q.explanation_html))):
        if html and ' id="' in html:
            anchors.update(_ID.findall(html))
    return frozenset(anchors)


def load_category(folder: Path, shown: Path) -> Category:
    """A category from its folder and optional _category.yml."""
    slug = slugify(folder.name)
    title = folder.name.replace("-", " ").replace("_", " ").strip().title()
    meta_path = folder / CATEGORY_FILE
    if not meta_path.exists():
        return Category(slug=slug, title=title)
    meta_shown = shown / CATEGORY_FILE
    text = read_text(meta_path, meta_shown)
    data = load_yaml(text, meta_shown, 1)
    values, errors = convert_fields(data, CATEGORY_FIELDS, meta_shown, text, 1)
    if errors:
        raise BuildFailed(errors)
    return Category(slug=slug, **{"title": title, **values})


def _merge_tags(page_tags: tuple[str, ...], questions: tuple[Question, ...]) -> tuple[str, ...]:
    """The page's tags followed by any tag only its questions name, each once by slug."""
    merged: dict[str, str] = {}
    for tag in (*page_tags, *(t for q in questions for t in q.tags)):
        merged.setdefault(slugify(tag) or tag, tag)
    return tuple(merged.values())


@dataclass(frozen=True)
class Source:
    """A content file found in a category folder: where it is, and how errors name it."""

    path: Path
    shown: Path
    category: str
    difficulty: Difficulty | None = None  # the category's or the site's default for unmarked questions


def source_hash(text: str, raw_html: str, difficulty: Difficulty | None = None) -> str:
    """What a parsed page depends on besides the code: its text, the raw-HTML mode and the default difficulty."""
    default = difficulty.value if difficulty else ""
    return hashlib.sha1(f"{raw_html}\0{default}\0{text}".encode("utf-8")).hexdigest()


def parse_source(source: Source, raw_html: str = "allow") -> Page | list[ContentError] | PartialPage:
    """Read and parse one content file: the Page, or every problem in it, with the page as far as it
    could be made when there is one (picklable, for worker processes)."""
    try:
        return _parse_source(source, raw_html)
    except Exception as exc:  # a bug, not a problem of the file: say which file met it
        raise InternalError.wrapping(source.shown, exc) from exc


def _parse_source(source: Source, raw_html: str) -> Page | list[ContentError]:
    errors: list[ContentError] = []
    text = collect_errors(errors, lambda: read_text(source.path, source.shown))
    if text is None:
        return errors
    try:
        page = parse_page(text, source.shown, source.category, source.path.stem, raw_html, source.difficulty)
    except PartialPage as partial:
        return PartialPage(partial.errors, replace(partial.page, source_hash=source_hash(text, raw_html, source.difficulty)))
    except BuildFailed as failed:
        return failed.errors
    except ContentError as error:
        return [error]
    return replace(page, source_hash=source_hash(text, raw_html, source.difficulty))
