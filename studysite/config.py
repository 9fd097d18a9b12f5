"""site.yml -> SiteConfig, with every problem reported at once."""

from __future__ import annotations

from pathlib import Path

from .builder import CONFIG_FILE
from .content import Field, as_text, convert_fields, convert_title, load_yaml, read_text
from .errors import BuildFailed, did_you_mean, relative_to_cwd
from .markup import RAW_HTML_MODES
from .model import SiteConfig

__all__ = ["CONFIG_FILE", "load_config"]


def _convert_raw_html(field: Field) -> str:
    value = as_text(field).lower()
    if value not in RAW_HTML_MODES:
        raise field.error(f"unknown raw_html mode '{value}'{did_you_mean(value, RAW_HTML_MODES)}",
                          "use allow (the default), escape (show tags as text) or sanitize (keep safe tags)")
    return value


SITE_FIELDS = {
    "title": convert_title,
    "description": as_text,
    "site_url": as_text,
    "repo_url": as_text,
    "language": as_text,
    "raw_html": _convert_raw_html,
}


def load_config(path: Path) -> SiteConfig:
    """Read site.yml; a missing file means the defaults."""
    if not path.exists():
        return SiteConfig()
    shown = relative_to_cwd(path)
    text = read_text(path, shown)
    values, errors = convert_fields(load_yaml(text, shown, 1), SITE_FIELDS, shown, text, 1)
    if errors:
        raise BuildFailed(errors)
    if values.get("site_url") and not values["site_url"].endswith("/"):
        values["site_url"] += "/"
    return SiteConfig(**values)
