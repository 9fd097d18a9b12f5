"""What the content folder holds: category folders and content files, before anything is parsed."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .errors import BuildFailed, ContentError, collect_errors, relative_to_cwd
from .model import Category, slugify
from .pages import Source, load_category

# Output folders a category may not take, because the site uses them itself.
RESERVED_CATEGORY_SLUGS = {"tags", "static"}


@dataclass(frozen=True)
class Discovery:
    """What the content folder holds, before any Markdown file is parsed."""

    categories: tuple[Category, ...]  # without pages yet
    sources: tuple[Source, ...]
    errors: tuple[ContentError, ...]


def discover_content(content_dir: Path, files: list[Path] | None = None) -> Discovery:
    """Find the categories and content files; report files in the wrong place.

    `files` (every file under content_dir, when the caller has just listed them) saves walking the tree again.
    """
    errors: list[ContentError] = []
    shown_root = relative_to_cwd(content_dir)
    if not content_dir.is_dir():
        raise BuildFailed([ContentError(shown_root, None, "the content folder does not exist",
                                        "create it, or pass --content DIR")])
    categories: list[Category] = []
    sources: list[Source] = []
    folders: dict[str, Path] = {}
    by_folder: dict[str, list[Path]] = {}
    prefix = len(str(content_dir).rstrip("/")) + 1
    for file in files or ():
        if file.suffix == ".md":
            by_folder.setdefault(str(file)[prefix:].split("/", 1)[0], []).append(file)
    for folder in sorted(p for p in content_dir.iterdir() if p.is_dir() and not p.name.startswith(".")):
        shown_folder = shown_root / folder.name
        category = collect_errors(errors, lambda: load_category(folder, shown_folder)) or \
            Category(slugify(folder.name), folder.name)  # still read its pages, to report their errors too
        if category.slug in RESERVED_CATEGORY_SLUGS or not category.slug:
            errors.append(ContentError(shown_folder, None, f"a category folder cannot be named '{folder.name}'",
                                       "rename the folder; 'tags' and 'static' are used by the site"))
            continue
        if category.slug in folders:
            errors.append(ContentError(shown_folder, None,
                                       f"this folder and {folders[category.slug]} both become {category.slug}/",
                                       "rename one of the folders"))
            continue
        folders[category.slug] = shown_folder
        categories.append(category)
        markdown_files = folder.rglob("*.md") if files is None else by_folder.get(folder.name, [])
        for path in sorted(markdown_files):
            shown = shown_folder / path.relative_to(folder)
            if path.parent != folder:
                errors.append(ContentError(shown, None, "content files must sit directly in a category folder",
                                           f"move it to {shown_folder / path.name}"))
            else:
                sources.append(Source(path, shown, category.slug))
    for stray in sorted(content_dir.glob("*.md")):
        errors.append(ContentError(shown_root / stray.name, None, "content files must sit in a category folder",
                                   f"move it to {shown_root}/<category>/{stray.name}"))
    return Discovery(tuple(categories), tuple(sources), tuple(errors))
