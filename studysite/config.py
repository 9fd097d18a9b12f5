"""site.yml -> SiteConfig, with every problem reported at once."""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable, Collection
from pathlib import Path
from typing import Any

from .frontmatter import (Field, as_text, as_text_list, convert_difficulty, convert_fields, convert_language,
                          convert_title, load_yaml, read_text)
from .errors import BuildFailed, did_you_mean, relative_to_cwd
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
    return value


SITE_FIELDS: dict[str, Callable[[Field], Any]] = {
    "title": convert_title,
    "description": as_text,
    "site_url": _convert_web_address,
    "repo_url": _convert_web_address,
    "language": convert_language,
    "raw_html": _convert_raw_html,
    "difficulty": convert_difficulty,
}
# Files of the site's own static/ folder that every page links, after the theme's own.
EXTRA_FILES = {"extra_css": ".css", "extra_js": ".js"}


def _extra_files_converter(static_files: Collection[str]) -> Callable[[Field], tuple[str, ...]]:
    """extra_css / extra_js: paths under static/, each of a file the site has, with the right extension."""
    def convert(field: Field) -> tuple[str, ...]:
        names = []
        for item in as_text_list(field, allow_comma_string=False):
            name = posixpath.normpath(item.replace("\\", "/")).removeprefix(f"{STATIC_PREFIX}/")
            example = f"{field.key}: [extra{EXTRA_FILES[field.key]}] for static/extra{EXTRA_FILES[field.key]}"
            if "://" in item or item.startswith(("/", "//")) or name.startswith(".."):
                raise field.error(f"'{field.key}' item '{item}' is not a file of the site's static/ folder",
                                  f"copy the file into static/ and name it relative to that folder: {example}")
            if not name.endswith(EXTRA_FILES[field.key]):
                raise field.error(f"'{field.key}' item '{item}' is not a {EXTRA_FILES[field.key]} file",
                                  f"list only {EXTRA_FILES[field.key]} files here, for example {example}")
            if any(part.startswith(".") for part in name.split("/")):
                raise field.error(f"'{field.key}' names static/{name}, a hidden file, which is not published",
                                  "rename the file so that no part of its path starts with '.'")
            if f"{STATIC_PREFIX}/{name}" not in static_files:
                raise field.error(f"'{field.key}' names static/{name}, which does not exist",
                                  f"create static/{name} beside site.yml, or fix the name{did_you_mean(name, _names(static_files))}")
            names.append(name)
        return tuple(names)
    return convert


def _names(static_files: Collection[str]) -> list[str]:
    return [path.removeprefix(f"{STATIC_PREFIX}/") for path in static_files]


def load_config(path: Path, static_files: Collection[str] = ()) -> SiteConfig:
    """Read site.yml; a missing file means the defaults. `static_files`: the output paths extra_css/js may name."""
    if not path.exists():
        return SiteConfig()
    shown = relative_to_cwd(path)
    text = read_text(path, shown)
    fields = {**SITE_FIELDS, **{key: _extra_files_converter(static_files) for key in EXTRA_FILES}}
    values, errors = convert_fields(load_yaml(text, shown, 1), fields, shown, text, 1)
    if errors:
        raise BuildFailed(errors)
    if values.get("site_url") and not values["site_url"].endswith("/"):
        values["site_url"] += "/"
    return SiteConfig(**values)
