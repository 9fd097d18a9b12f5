"""Starter files: a page to edit (`new`) and a whole site repository that builds and deploys (`init`)."""

from __future__ import annotations

import json
import re
import subprocess
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from . import __version__
from .errors import UsageError, command_name, relative_to_cwd
from .model import Kind

PAGE_NAME = re.compile(r"([a-z0-9][a-z0-9-]*)/([a-z0-9][a-z0-9-]*)")
# What a new site holds besides its content: output file -> scaffold template.
SITE_FILES = {"site.yml": "scaffold/site.yml", ".gitignore": "scaffold/gitignore",
              ".github/workflows/pages.yml": "scaffold/pages.yml"}
STARTER_CATEGORY = "getting-started"
STARTER_SUBJECT = "studysite-basics"
# An existing folder may hold these and still take a new site: what a new GitHub repository starts with.
ALLOWED_IN_NEW_SITE = re.compile(r"\.git|README(\..*)?|LICENSE(\..*)?|COPYING(\..*)?", re.IGNORECASE)


@dataclass(frozen=True)
class PageName:
    """What `new` was asked for: category/topic and the page kind."""

    category: str
    topic: str
    kind: Kind

    @property
    def file(self) -> str:
        return f"{self.category}/{self.topic}{self.kind.spec.suffix}.md"


def parse_page_name(text: str, kind: Kind | None) -> PageName:
    """'nn/gradients', 'nn/gradients.mcq' or 'nn/gradients.tutorial.md' (with an optional --kind) -> PageName."""
    name = text.removesuffix(".md")
    named_kind = next((k for k in Kind if k.spec.suffix and name.endswith(k.spec.suffix)), None)
    if named_kind is not None:
        name = name.removesuffix(named_kind.spec.suffix)
    match = PAGE_NAME.fullmatch(name)
    if not match:
        raise UsageError(text, None, "the name must look like <category>/<topic>",
                           "use lowercase letters, digits and hyphens, for example "
                           f"'{command_name()} new optimization/adam' (add --kind mcq or --kind tutorial "
                           "for a quiz or a tutorial)")
    if kind is not None and named_kind is not None and kind is not named_kind:
        raise UsageError(text, None, f"the name says {named_kind.value} but --kind says {kind.value}",
                           f"drop one of them, for example '{command_name()} new {name}{kind.spec.suffix}'")
    return PageName(match[1], match[2], kind or named_kind or Kind.INTERVIEW)


def check_page_name(project, name: PageName) -> None:
    """Refuse, before writing, a page the build would refuse: a reserved name, a clash, or no site at all."""
    from .discovery import RESERVED_CATEGORY_SLUGS
    from .model import slugify
    from .pages import RESERVED_PAGE_SLUGS

    shown = f"{name.category}/{name.topic}"
    if not project.content.is_dir() and not project.config_file.exists():
        raise UsageError(relative_to_cwd(project.root), None, "this folder is not a study site (no content/ and no "
                         "site.yml)", f"run '{command_name()} new' in your site's folder, pass --root, or start a "
                         f"site with '{command_name()} init'")
    if name.category in RESERVED_CATEGORY_SLUGS:
        raise UsageError(shown, None, f"a category cannot be named '{name.category}'",
                         "'tags' and 'static' are folders of the site itself; choose another category name")
    if name.topic in RESERVED_PAGE_SLUGS:
        raise UsageError(shown, None, f"a page cannot be named '{name.topic}'",
                         "index.html is the category's own page; choose another name")
    slug = slugify(name.topic + name.kind.spec.suffix)
    folder = project.content / name.category
    # The same rule as every build's: nothing is written through a link that leads out of the project.
    for place in (project.content, folder):
        if place.exists() and not place.resolve().is_relative_to(project.root.resolve()):
            raise UsageError(relative_to_cwd(project.content / name.file), None,
                             f"{relative_to_cwd(place)} is a link to {place.resolve()}, outside the project",
                             "new writes only inside the project: replace the link with a folder of its own")
    for existing in sorted(folder.glob("*.md")) if folder.is_dir() else ():
        if slugify(existing.name.removesuffix(".md")) == slug:
            raise UsageError(shown, None, f"{relative_to_cwd(existing)} already becomes {name.category}/{slug}.html",
                             "choose another name, or edit the file you have")


def page_text(env, name: PageName) -> str:
    """The starter text of a new page, from the scaffold template of its kind."""
    return env.get_template(name.kind.spec.scaffold).render(
        title=name.topic.replace("-", " ").capitalize(),
        category=name.category, category_title=name.category.replace("-", " ").title(),
        subject=name.topic, command=command_name(), starter=False)


def write_new(path: Path, text: str) -> None:
    """Create a file that must not exist yet (exclusive create: never overwrites, even in a race)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("x", encoding="utf-8", newline="\n") as file:
        file.write(text)


def check_new_site_folder(target: Path) -> None:
    """Refuse a folder that already holds anything a site could clash with."""
    shown = relative_to_cwd(target)
    if target.exists() and not target.is_dir():
        raise UsageError(shown, None, "this is a file, not a folder",
                           f"choose a new folder, for example '{command_name()} init my-notes'")
    if not target.is_dir():
        return
    present = sorted(p.name for p in target.iterdir() if not ALLOWED_IN_NEW_SITE.fullmatch(p.name))
    if present:
        listed = ", ".join(present[:5]) + (f" and {len(present) - 5} more" if len(present) > 5 else "")
        raise UsageError(shown, None, f"the folder is not empty (it has {listed})",
                           f"run init in a new or empty folder, for example '{command_name()} init my-notes'; "
                           "to add pages to an existing site, use "
                           f"'{command_name()} new <category>/<topic>'")


def site_files(env, title: str, install: str) -> dict[str, str]:
    """Every file of a new site: settings, workflow, and a topic, a quiz and a tutorial that teach the format."""
    values = dict(title=title, install=install, version=__version__, command=command_name(),
                  category=STARTER_CATEGORY, subject=STARTER_SUBJECT)
    files = {path: env.get_template(template).render(values) for path, template in SITE_FILES.items()}
    files[f"content/{STARTER_CATEGORY}/_category.yml"] = env.get_template("scaffold/category.yml").render(values)
    for kind in Kind:
        name = PageName(STARTER_CATEGORY, STARTER_SUBJECT, kind)
        files[f"content/{name.file}"] = env.get_template(kind.spec.scaffold).render(
            values, title="Studying with studysite", category_title="Getting Started", starter=True)
    return files


def install_requirement() -> tuple[str, bool]:
    """How CI should install the studysite that runs now, and whether that is known to work there.

    A Git install gives its URL at the exact commit; a local checkout gives its Git remote at its
    commit; an install from an index gives the version.
    """
    try:
        distribution = metadata.distribution("studysite")
        direct = json.loads(distribution.read_text("direct_url.json") or "null")
    except (metadata.PackageNotFoundError, ValueError):
        direct = None
    if direct is None:
        return f"studysite=={__version__}", True
    url = direct.get("url", "")
    vcs = direct.get("vcs_info")
    if vcs and vcs.get("vcs") == "git":
        commit = vcs.get("commit_id") or vcs.get("requested_revision")
        return f"studysite @ git+{url}" + (f"@{commit}" if commit else ""), True
    if url.startswith(("https://", "http://")):
        return f"studysite @ {url}", True
    if url.startswith("file://"):
        remote = _git_remote(Path(url.removeprefix("file://")))
        if remote:
            return f"studysite @ git+{remote[0]}@{remote[1]}", True
    return f"studysite=={__version__}", False


def _git_remote(folder: Path) -> tuple[str, str] | None:
    """The public https URL of a checkout's origin and its current commit, if it has them."""
    def git(*args: str) -> str:
        return subprocess.run(["git", "-C", str(folder), *args], capture_output=True, text=True,
                              timeout=10, check=True).stdout.strip()
    try:
        remote, commit = git("remote", "get-url", "origin"), git("rev-parse", "HEAD")
    except (OSError, subprocess.SubprocessError):
        return None
    ssh = re.fullmatch(r"git@([\w.-]+):(.+)", remote)
    if ssh:
        remote = f"https://{ssh[1]}/{ssh[2]}"
    return (remote, commit) if remote.startswith("https://") and re.fullmatch(r"[0-9a-f]{40}", commit) else None
