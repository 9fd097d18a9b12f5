"""The bundled theme and the lookup that lets a site override one template or static file of it."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # Jinja loads only when something renders: a no-op build never needs it
    import jinja2

# Where the wheel carries the theme (pyproject.toml maps the top-level templates/ and static/ here).
_PACKAGED = Path(__file__).resolve().parent / "default_theme"
# An editable install or a plain checkout runs from the source tree, where the theme is top-level.
_CHECKOUT = Path(__file__).resolve().parent.parent

# A site template reaches the bundled one of the same name through this prefix:
# {% extends "studysite/topic.html" %} in the site's templates/topic.html.
THEME_PREFIX = "studysite"
STATIC_PREFIX = "static"  # the output folder of static files
# The theme's scripts, one source file per feature, core first (docs/theming.md: "Scripts") ...
FEATURE_SCRIPTS = ("core.js", "fsrs.js", "theme.js", "search.js", "code.js", "checklist.js", "progress.js", "print.js",
                   "quiz.js", "study.js", "review.js", "session.js")
# ... which pages load joined in this one file: each script a page asks for costs a phone start-up work
# (a request, a preload, a compile) before its first paint, twelve of them 17 ms of it here.
SCRIPT_BUNDLE = "studysite.js"


def with_script_bundle(static_files: dict[str, bytes]) -> dict[str, bytes]:
    """The static files and static/studysite.js: the feature scripts (a site's own copy where it has one), joined in order."""
    parts = [b"/* " + name.encode() + b" */\n" + static_files[f"{STATIC_PREFIX}/{name}"].rstrip() + b"\n"
             for name in FEATURE_SCRIPTS]
    return {**static_files, f"{STATIC_PREFIX}/{SCRIPT_BUNDLE}": b"\n".join(parts)}


@lru_cache(maxsize=None)  # asked on every build, several times: the answer never changes
def bundled(name: str) -> Path:
    """The bundled theme's `templates` or `static` folder, in a wheel as in a source checkout."""
    packaged = _PACKAGED / name
    return packaged if packaged.is_dir() else _CHECKOUT / name


def layers(own: Path, name: str) -> tuple[Path, ...]:
    """The folders to look in, most specific first: the site's own (when it has one), then the bundled."""
    theme = bundled(name)
    if own.is_dir() and own.resolve() != theme.resolve():
        return (own, theme)
    return (theme,)


def theme_loader(template_dirs: tuple[Path, ...]) -> jinja2.BaseLoader:
    """Each template from the first folder that has it; the bundled ones also under 'studysite/'."""
    import jinja2

    folders = [jinja2.FileSystemLoader(str(folder)) for folder in template_dirs]
    return jinja2.ChoiceLoader([*folders, jinja2.PrefixLoader({THEME_PREFIX: folders[-1]})])


def template_folders(env: jinja2.Environment) -> tuple[Path, ...]:
    """The folders an environment made by theme_loader looks in, most specific first."""
    import jinja2

    loaders = env.loader.loaders if isinstance(env.loader, jinja2.ChoiceLoader) else [env.loader]
    return tuple(Path(folder) for loader in loaders if isinstance(loader, jinja2.FileSystemLoader)
                 for folder in loader.searchpath)


@lru_cache(maxsize=None)
def learners_guide() -> tuple[str, str]:
    """The learner's guide to studying (docs/studying.md, shipped with the theme) as (title, HTML):
    every site publishes it as studying.html, linked from its review page."""
    from .markup import render_markdown

    text = (bundled("docs") / "studying.md").read_text(encoding="utf-8")
    heading, _, body = text.partition("\n")
    return heading.lstrip("# ").strip(), render_markdown(body)
