"""What the content folder holds: category folders and content files, before anything is parsed."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .errors import BuildFailed, ContentError, collect_errors, relative_to_cwd
from .model import Category, Page, slugify
from .pages import Source, load_category
from .project import ContentListing

# Output folders a category may not take, because the site uses them itself.
RESERVED_CATEGORY_SLUGS = {"tags", "static"}


@dataclass(frozen=True)
class Discovery:
    """What the content folder holds, before any Markdown file is parsed."""

    categories: tuple[Category, ...]  # without pages yet
    sources: tuple[Source, ...]
    errors: tuple[ContentError, ...]
    warnings: tuple[ContentError, ...] = ()


def discover_content(content_dir: Path, listing: ContentListing) -> Discovery:
    """Find the categories and content files among the listed files; report files in the wrong place."""
    errors: list[ContentError] = list(listing.errors)
    shown_root = relative_to_cwd(content_dir)
    if not content_dir.is_dir():
        raise BuildFailed([ContentError(shown_root, None, "the content folder does not exist",
                                        "create it, or pass --content DIR")])
    categories: list[Category] = []
    sources: list[Source] = []
    folders: dict[str, Path] = {}
    by_folder: dict[str, list[Path]] = {}
    for file in listing.files:
        relative = file.relative_to(content_dir)
        if len(relative.parts) == 1:
            if file.suffix == ".md":
                errors.append(ContentError(shown_root / file.name, None, "content files must sit in a category folder",
                                           f"move it to {shown_root}/<category>/{file.name}"))
            continue
        by_folder.setdefault(relative.parts[0], []).append(file)
    for name in sorted(by_folder):
        folder, shown_folder = content_dir / name, shown_root / name
        category = collect_errors(errors, lambda: load_category(folder, shown_folder)) or \
            Category(slugify(name), name)  # still read its pages, to report their errors too
        if category.slug in RESERVED_CATEGORY_SLUGS or not category.slug:
            errors.append(ContentError(shown_folder, None, f"a category folder cannot be named '{name}'",
                                       "rename the folder; 'tags' and 'static' are used by the site"))
            continue
        if category.slug in folders:
            errors.append(ContentError(shown_folder, None,
                                       f"this folder and {folders[category.slug]} both become {category.slug}/",
                                       "rename one of the folders"))
            continue
        folders[category.slug] = shown_folder
        categories.append(category)
        for path in sorted(p for p in by_folder[name] if p.suffix == ".md"):
            shown = shown_folder / path.relative_to(folder)
            if path.parent != folder:
                errors.append(ContentError(shown, None, "content files must sit directly in a category folder",
                                           f"move it to {shown_folder / path.name}"))
            else:
                sources.append(Source(path, shown, category.slug, category.difficulty))
    return Discovery(tuple(categories), tuple(sources), tuple(errors), listing.warnings)


def unparsed_sources(discovery: Discovery, pages: list[Page]) -> list[Source]:
    """The content files that failed before they made a page (not even in part)."""
    parsed = {str(page.source_path) for page in pages}
    return [source for source in discovery.sources if str(source.shown) not in parsed]
