"""Cross-page work on parsed pages: links, subjects, related subjects and tags -> the Site."""

from __future__ import annotations

import difflib
from dataclasses import replace
from pathlib import Path
from typing import Callable

from .assets import CheckedPage
from .discovery import Discovery, unparsed_sources
from .errors import BuildFailed, ContentError, command_name, relative_to_cwd
from .model import Category, Kind, Page, Site, SiteConfig, Subject, Tag, slugify, sort_key
from .pages import kind_of_stem


def assemble_site(config: SiteConfig, discovery: Discovery, pages: list[Page], assets: dict[str, Path],
                  check: Callable[[Page], CheckedPage], errors: list[ContentError],
                  links_fingerprint: str = "") -> Site:
    """Cross-page work on parsed pages: links, subjects, related subjects, tags; raise BuildFailed on errors."""
    shown_root = discovery.sources[0].shown.parent.parent if discovery.sources else Path("content")
    clash_errors = _url_clashes(pages)
    errors += clash_errors
    clashing = {str(error.path) for error in clash_errors}  # said once: not again as two pages of one subject
    if config.raw_html != "allow":
        errors += _active_pictures(assets)
    warnings: list[ContentError] = list(discovery.warnings)
    by_category: dict[str, list[Page]] = {}
    for page in pages:
        checked = check(page)
        errors.extend(checked.errors)
        warnings.extend(checked.warnings)
        warnings.extend(page_warnings(page))
        by_category.setdefault(page.category, []).append(checked.page)
    categories: list[Category] = []
    for category in discovery.categories:
        if category.slug not in by_category:
            continue
        subjects, subject_errors = group_subjects(category.slug, by_category[category.slug])
        errors += [error for error in subject_errors if str(error.path) not in clashing]
        categories.append(replace(category, pages=tuple(p for s in subjects for p in s.pages), subjects=subjects))
    if not errors and not categories:
        errors.append(ContentError(shown_root, None, "there is no content to build",
                                   f"add a file with '{command_name()} new <category>/<topic>'"))
    unparsed = {f"{source.category}/{slugify(kind_of_stem(source.path.stem)[0])}"
                for source in unparsed_sources(discovery, pages)}
    categories = resolve_related(categories, errors, unparsed)
    if errors:
        raise BuildFailed(errors, warnings)
    categories.sort(key=lambda c: sort_key(c.order, c.title))
    return Site(config=config, categories=tuple(categories), tags=collect_tags(categories),
                assets=tuple(sorted(assets.items())), warnings=tuple(warnings), links_fingerprint=links_fingerprint)


def page_warnings(page: Page) -> list[ContentError]:
    """What a page lacks without being wrong: a build goes on; 'check --strict' refuses."""
    warnings = []
    if not page.summary:
        warnings.append(ContentError(page.source_path, 2, "the page has no summary",
                                     "add 'summary: One sentence on what it covers' to the front matter"))
    if page.kind is Kind.INTERVIEW and not page.checklist:
        warnings.append(ContentError(page.source_path, 2, "the page has no review checklist",
                                     "add 'checklist:' with two or three points to remember"))
    lines_by_title: dict[str, list[int]] = {}
    for question in page.questions:
        lines_by_title.setdefault(question.title_text.casefold(), []).append(question.line)
    for question in page.questions:
        lines = lines_by_title[question.title_text.casefold()]
        if len(lines) > 1 and lines[0] == question.line:
            others = ", ".join(map(str, lines[1:]))
            warnings.append(ContentError(
                page.source_path, question.line,
                f"{len(lines)} questions share the title '{question.title_text}' (also on line{'s' * (len(lines) > 2)} {others})",
                "readers tell them apart by number only, so a word more in each title helps; their ids stay "
                "stable while their answers are unchanged (or give each one with {#id})"))
    return warnings




def group_subjects(category: str, pages: list[Page]) -> tuple[tuple[Subject, ...], list[ContentError]]:
    """Pages that share a subject become one Subject, ordered by their main page's order and title."""
    groups: dict[str, list[Page]] = {}
    errors = []
    for page in pages:
        group = groups.setdefault(page.subject, [])
        twin = next((p for p in group if p.kind is page.kind), None)
        if twin is not None:
            errors.append(ContentError(page.source_path, None,
                                       f"{twin.source_path} is already the {page.kind.value} page of '{page.subject}'",
                                       "a subject has at most one page of each kind; rename one of the files"))
            continue
        group.append(page)
    subjects = [Subject(f"{category}/{name}", tuple(sorted(group, key=lambda p: p.kind.spec.subject_order)))
                for name, group in groups.items()]
    subjects.sort(key=lambda s: sort_key(s.main_page.order, s.main_page.title))
    return tuple(subjects), errors


def _subject_key(reference: str, category: str) -> str:
    """'x', 'x.md', 'x.mcq.md' or 'other/x' -> the subject key it names."""
    reference = reference.strip().strip("/").removesuffix(".md")
    folder, _, name = reference.rpartition("/")
    subject, _ = kind_of_stem(name)
    return f"{slugify(folder) if folder else category}/{slugify(subject)}"


def resolve_related(categories: list[Category], errors: list[ContentError], unparsed: set[str] = frozenset()) -> list[Category]:
    """Check every `related:` reference and attach the subjects each subject links to; `unparsed`: the
    subject keys of files that failed before making a page (a reference to one holds: its error is said)."""
    keys = {s.key for c in categories for s in c.subjects}
    resolved = []
    for category in categories:
        subjects = []
        for subject in category.subjects:
            related: list[str] = []
            for page in subject.pages:
                for reference, line in page.related:
                    key = _subject_key(reference, category.slug)
                    if key in unparsed:
                        continue
                    if key not in keys:
                        nearest = difflib.get_close_matches(key, sorted(keys), n=3, cutoff=0.3)
                        errors.append(ContentError(
                            page.source_path, line, f"related subject '{reference}' does not exist",
                            "write 'category/file-name' (or just 'file-name' in the same folder)"
                            + (f"; nearest: {', '.join(nearest)}" if nearest else "")))
                    elif key != subject.key and key not in related:
                        related.append(key)
            subjects.append(Subject(subject.key, subject.pages, tuple(related)))
        resolved.append(replace(category, subjects=tuple(subjects)))
    return resolved


def _active_pictures(assets: dict[str, Path]) -> list[ContentError]:
    """Under escape and sanitize, no SVG file may run script: opened on its own, it runs on the site's origin."""
    from .assets import svg_problem

    errors = []
    for output_path, source in assets.items():
        if output_path.lower().endswith(".svg") and (problem := svg_problem(source)):
            errors.append(ContentError(relative_to_cwd(source), None, f"this SVG file could run script: {problem}",
                                       "remove the script and event handlers (an editor's 'plain SVG' or 'optimized "
                                       "SVG' export does), or convert the picture to PNG; raw_html: allow in "
                                       "site.yml lets an author's SVG run script"))
    return errors


def _url_clashes(pages: list[Page]) -> list[ContentError]:
    owners: dict[str, Page] = {}
    errors = []
    for page in pages:
        first = owners.setdefault(page.output_path, page)
        if first is not page:
            errors.append(ContentError(page.source_path, None,
                                       f"this page and {first.source_path} both become {page.output_path}",
                                       "rename one file or give it its own 'slug:'"))
    return errors


def collect_tags(categories: list[Category]) -> tuple[Tag, ...]:
    """Every tag with the pages carrying it, in reading order; spellings that slug alike are one tag."""
    names: dict[str, str] = {}
    pages: dict[str, list[Page]] = {}
    for category in categories:
        for page in category.pages:
            for name in page.tags:
                slug = slugify(name) or "tag"
                names.setdefault(slug, name)
                listed = pages.setdefault(slug, [])
                if not listed or listed[-1] is not page:  # a page names each tag once (merged by slug)
                    listed.append(page)
    tags = [Tag(names[slug], slug, tuple(pages[slug])) for slug in names]
    return tuple(sorted(tags, key=lambda t: t.name.casefold()))
