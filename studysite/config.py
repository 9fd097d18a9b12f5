"""site.yml -> SiteConfig, with every problem reported at once."""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable, Collection
from pathlib import Path
from typing import Any

from .frontmatter import (Field, as_text, as_text_list, convert_difficulty, convert_fields, convert_language,
                          convert_title, key_lines, load_yaml, read_text)
from .errors import BuildFailed, ContentError, did_you_mean, relative_to_cwd
from .markup import RAW_HTML_MODES
from .model import SiteConfig
from .theme import STATIC_PREFIX



def _convert_raw_html(field: Field) -> str:
    value = as_text(field).lower()
    if value not in RAW_HTML_MODES:
        raise field.error(f"unknown raw_html mode '{value}'{did_you_mean(value, RAW_HTML_MODES)}",
                          "use allow (the default), escape (show tags as text) or sanitize (keep safe tags)")
    return value


def _convert_web_address(field: Field) -> str:
    value = as_text(field)
    if value and not re.fullmatch(r"https?://[^\s/?#]+[^\s]*", value):
        raise field.error(f"'{field.key}' must be an http:// or https:// address, not '{value}'",
                          f"write the whole address, for example {field.key}: \"https://me.github.io/notes/\"")
    if field.key == "site_url" and re.search(r"[?#]", value):
        raise field.error(f"'site_url' must be the address of the site's folder, without '?' or '#': '{value}'",
                          "every page's address is made by adding its path to it: remove the query or fragment")
    return value


def _convert_downloads(field: Field) -> tuple[str, ...]:
    """downloads: the export formats published with the site, in the order written."""
    from .exports import EXPORT_FORMATS

    values = tuple(item.lower() for item in as_text_list(field, allow_comma_string=True))
    for value in values:
        if value not in EXPORT_FORMATS:
            raise field.error(f"unknown download format '{value}'{did_you_mean(value, EXPORT_FORMATS)}",
                              "list any of apkg (an Anki deck), csv (an Anki text file) and json, "
                              "for example downloads: [apkg, csv, json]")
    return tuple(dict.fromkeys(values))


FEED_DEFAULT = 50  # entries of feed.xml with feed: true


def _convert_feed(field: Field) -> int:
    """feed: true (the newest 50 questions), a number of questions, or false."""
    value = field.value
    if value is True:
        return FEED_DEFAULT
    if value is False or value is None:
        return 0
    if isinstance(value, int) and 1 <= value <= 1000:
        return value
    raise field.error(f"'feed' must be true, false or a number of questions from 1 to 1000, not '{value}'",
                      f"for example feed: true (the newest {FEED_DEFAULT} questions) or feed: 20")


def _convert_strings(field: Field) -> tuple:
    """strings: texts of the interface for the site's language, by name (checked with the catalogues: strings.py)."""
    if field.value is None:
        return ()
    if not isinstance(field.value, dict):
        raise field.error("'strings' must be a mapping of text names to texts",
                          "for example strings: {kind.interview.label: Revision questions} (the names are in the "
                          "theme's templates/strings/en.yml)")
    return _frozen(field.value)


def _frozen(mapping: dict) -> tuple:
    """A mapping as nested (key, value) pairs: settings are frozen, and hashed into every page's fingerprint."""
    return tuple((str(key), _frozen(value) if isinstance(value, dict) else value) for key, value in mapping.items())


SITE_FIELDS: dict[str, Callable[[Field], Any]] = {
    "title": convert_title,
    "description": as_text,
    "site_url": _convert_web_address,
    "repo_url": _convert_web_address,
    "language": convert_language,
    "raw_html": _convert_raw_html,
    "difficulty": convert_difficulty,
    "downloads": _convert_downloads,
    "feed": _convert_feed,
    "strings": _convert_strings,
}
# Files of the site's own static/ folder that every page links, after the theme's own; and the picture
# link previews show (og:image), which needs site_url.
EXTRA_FILES = {"extra_css": (".css",), "extra_js": (".js",)}
IMAGE_TYPES = (".png", ".jpg", ".jpeg", ".webp", ".gif")


def _static_name(field: Field, item: str, static_files: Collection[str], extensions: tuple[str, ...]) -> str:
    """A path of the site's static/ folder named in site.yml, checked: a file the site has, of the right type."""
    name = posixpath.normpath(item.replace("\\", "/")).removeprefix(f"{STATIC_PREFIX}/")
    example = f"{field.key}: extra{extensions[0]} for static/extra{extensions[0]}"
    if "://" in item or item.startswith(("/", "//")) or name.startswith(".."):
        raise field.error(f"'{field.key}' item '{item}' is not a file of the site's static/ folder",
                          f"copy the file into static/ and name it relative to that folder: {example}")
    if not name.lower().endswith(extensions):
        raise field.error(f"'{field.key}' item '{item}' is not a {' or '.join(extensions)} file",
                          f"name a {' or '.join(extensions)} file here, for example {example}")
    if any(part.startswith(".") for part in name.split("/")):
        raise field.error(f"'{field.key}' names static/{name}, a hidden file, which is not published",
                          "rename the file so that no part of its path starts with '.'")
    if f"{STATIC_PREFIX}/{name}" not in static_files:
        raise field.error(f"'{field.key}' names static/{name}, which does not exist",
                          f"create static/{name} beside site.yml, or fix the name{did_you_mean(name, _names(static_files))}")
    return name


def _extra_files_converter(static_files: Collection[str]) -> Callable[[Field], tuple[str, ...]]:
    """extra_css / extra_js: paths under static/, each of a file the site has, with the right extension."""
    def convert(field: Field) -> tuple[str, ...]:
        return tuple(_static_name(field, item, static_files, EXTRA_FILES[field.key])
                     for item in as_text_list(field, allow_comma_string=False))
    return convert


def _image_converter(static_files: Collection[str]) -> Callable[[Field], str]:
    """social_image: a picture under static/ (link previews show it; 1200 x 630 px suits most)."""
    def convert(field: Field) -> str:
        value = as_text(field)
        return _static_name(field, value, static_files, IMAGE_TYPES) if value else ""
    return convert


def _names(static_files: Collection[str]) -> list[str]:
    return [path.removeprefix(f"{STATIC_PREFIX}/") for path in static_files]


def load_config(path: Path, static_files: Collection[str] = ()) -> SiteConfig:
    """Read site.yml; a missing file means the defaults. `static_files`: the output paths extra_css/js may name."""
    if not path.exists():
        return SiteConfig()
    shown = relative_to_cwd(path)
    text = read_text(path, shown)
    fields = {**SITE_FIELDS, **{key: _extra_files_converter(static_files) for key in EXTRA_FILES},
              "social_image": _image_converter(static_files)}
    values, errors = convert_fields(load_yaml(text, shown, 1), fields, shown, text, 1)
    if errors:
        raise BuildFailed(errors)
    if values.get("site_url") and not values["site_url"].endswith("/"):
        values["site_url"] += "/"
    if values.get("feed") and not values.get("site_url"):
        raise BuildFailed([ContentError(shown, key_lines(text, 1).get("feed"), "'feed' needs site_url: a feed names its questions by their "
                                        "addresses on the web", "set site_url to the address the site is published "
                                        "at, or remove feed")])
    return SiteConfig(**values)
