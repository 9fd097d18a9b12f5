"""The build pipeline (load -> validate -> render -> write), handed a cache and worker processes to use."""

from __future__ import annotations

import errno
import hashlib
import os
import time
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from .cache import BuildCache, build_lock
from .errors import BuildFailed, plural, relative_to_cwd, warning_count
from .output import MARKER, MemoryOutput, Staging, WriteStats, check_output_dir
from .parallel import Workers
from .project import Project, file_stat, input_stat, list_content, list_public, scan_inputs
from .theme import SCRIPT_BUNDLE, STATIC_PREFIX, THEME_PREFIX, with_script_bundle

# Parsing and rendering pull in Markdown, Pygments, Jinja and friends: imported only when a build has
# work to do, so that "nothing changed" answers in a fraction of a second.
if TYPE_CHECKING:
    import jinja2

    from .assets import CheckedPage
    from .discovery import Discovery
    from .errors import ContentError
    from .exports import PlannedExport
    from .model import Page, Site, SiteConfig
    from .pages import Source


@dataclass(frozen=True)
class BuildResult:
    """What a build did, for the summary line."""

    pages: int
    topics: int
    questions: int
    seconds: float
    written: WriteStats
    site: Site | None = None  # None when nothing had changed and nothing was loaded
    rendered: int = 0
    warnings: tuple[ContentError, ...] = ()  # the site's, and the output folder's (also when up to date)

    @property
    def up_to_date(self) -> bool:
        return self.site is None

    def summary(self, output: Path, verb: str = "Built") -> str:
        """'Built 36 pages (6 topics, 63 questions) in 0.41 s -> _site/ (36 written, 0 unchanged, 0 removed), no warnings'."""
        if self.up_to_date:
            verb = "Up to date:"
        stats = self.written
        return (f"{verb} {plural(self.pages, 'page')} ({plural(self.topics, 'topic')}, "
                f"{plural(self.questions, 'question')}) in {self.seconds:.2f} s -> {relative_to_cwd(output)}/"
                f" ({stats.written} written, {stats.unchanged} unchanged, {stats.removed} removed), "
                f"{warning_count(len(self.warnings))}")


def _hash_files(folder: Path) -> str:
    digest = hashlib.sha1()
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            digest.update(path.relative_to(folder).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def _write_problem(output: Path, exc: OSError) -> ContentError:
    """What keeps a build from writing, said at the output folder."""
    from .errors import ContentError

    where = f" ({relative_to_cwd(Path(exc.filename))})" if exc.filename else ""
    hints = {errno.ENOSPC: "free some space on the disk (the new site is made beside the old one before it replaces it)",
             errno.EDQUOT: "free some space within your disk quota",
             errno.EACCES: "make the output folder and the folder around it writable, or choose another --output",
             errno.EPERM: "make the output folder and the folder around it writable, or choose another --output",
             errno.EROFS: "the disk is read-only: choose an --output on a writable disk"}
    return ContentError(relative_to_cwd(output), None, f"cannot write the site: {exc.strerror or exc}{where}",
                        hints.get(exc.errno, "fix the problem and build again (with --clean if it persists); the site was "
                                               "left as it was"))


def _gone(output: Path, path: str) -> ContentError:
    """A warning for a file someone put in the output folder by hand, which the new site does not have."""
    from .errors import ContentError

    return ContentError(relative_to_cwd(output / path), None, "this file was not made by studysite, so the new site does "
                        "not have it", "put files that belong at the top of the site (CNAME, robots.txt, a favicon) "
                        "in public/ beside site.yml: every build publishes them")


def _refuse_clashes(site: Site, generated: set[str]) -> None:
    """A file of content/ or public/ may not take the place of one the site makes (a page, index.html)."""
    from .errors import ContentError

    clashes = [ContentError(relative_to_cwd(source), None, f"this file would replace the site's own {path}",
                            "rename the file: the site makes that file itself (a page, a category's index.html, "
                            "the home page, a static file)")
               for path, source in site.assets if path in generated]
    if clashes:
        raise BuildFailed(clashes)


class Builder:
    """Builds one project, again and again: the CLI uses it once, the dev server keeps it between saves."""

    def __init__(self, project: Project, use_cache: bool = True, fresh: bool = False, workers: Workers | None = None,
                 cache: BuildCache | None = None):
        """`use_cache`: read and save the cache; `fresh`: save it, but start from nothing (build --clean);
        `workers`: the processes to parse and render on (by default, every core); `cache`: one to use
        instead of the project's own on disk."""
        self.project = project
        self.cache = cache or BuildCache(project, enabled=use_cache, fresh=fresh)
        self.workers = workers or Workers()
        self._env: jinja2.Environment | None = None  # kept between builds: Jinja recompiles only edited templates
        self.rendered = 0  # pages rendered by the last build
        self.untouched: set[str] = set()
        self._discovered: tuple[tuple, Discovery, dict[str, Path]] | None = None  # kept between dev-server builds

    @property
    def env(self) -> jinja2.Environment:
        from .render import make_environment

        if self._env is None:
            self._env = make_environment(self.project.templates)
        return self._env

    def _compile_templates(self) -> None:
        """Compile every template ahead (while workers parse): render workers then inherit them compiled."""
        for name in self.env.list_templates(extensions=["html"]):
            if name.startswith(f"{THEME_PREFIX}/"):
                continue  # the theme's templates again, under their prefix: compiled when a template extends one
            try:
                self.env.get_template(name)
            except Exception:  # noqa: BLE001  (an unreadable or broken template is reported when a page uses it)
                pass

    # --- Building -------------------------------------------------------------------------------

    def _outputs_intact(self) -> bool:
        output = str(self.project.output)  # strings: Path joins would cost more than the stats, per file
        return all(file_stat(os.path.join(output, path)) == stat for path, stat in self.cache.manifest.written.items())

    def load(self, inputs: dict[str, tuple[int, int, int]] | None = None) -> tuple[Site, dict[str, bytes], str]:
        """Discover, parse (what changed), assemble and validate: the Site, the static files and a render key."""
        from .config import load_config
        from .errors import ContentError
        from .project import read_static
        from .strings import load_catalogues

        own_templates = self.project.root / "templates"
        if own_templates in self.project.templates:  # the same link rules as content: nothing from outside
            list_content(own_templates, (self.project.root,)).checked()
        static_files = read_static(self.project.static)
        bundle = f"{STATIC_PREFIX}/{SCRIPT_BUNDLE}"
        if bundle in static_files:  # (the bundled theme has no such file: it is the site's)
            raise BuildFailed([ContentError(relative_to_cwd(self.project.static[0] / SCRIPT_BUNDLE), None,
                                            f"this file would replace {bundle}, the theme's scripts joined in one file",
                                            "rename the file (to change a feature's script, copy that one: static/study.js)")])
        static_files = with_script_bundle(static_files)
        config = load_config(self.project.config_file, static_files)
        discovery, assets = self._discover(inputs)
        public = list_public(self.project)
        if public.keys() & assets.keys():
            raise BuildFailed([ContentError(relative_to_cwd(public[path]), None, f"this file and {relative_to_cwd(assets[path])} "
                                            f"both become {path}", "rename or remove one of them")
                               for path in sorted(public.keys() & assets.keys())])
        assets = {**assets, **public}
        pages, errors = self._parse(discovery, config, inputs)
        strings = load_catalogues(self.project.templates, config, self.project.config_file, errors)
        site = self._assemble(config, discovery, pages, assets, errors)  # raises BuildFailed with every error
        site = replace(site, strings=strings, warnings=(*site.warnings, *self._missing_catalogues(site, strings)))
        if config.feed and not any(page.date and page.questions for page in site.pages):
            site = replace(site, warnings=(*site.warnings, ContentError(
                relative_to_cwd(self.project.config_file), None, "the feed is empty: no page with questions has a date",
                "add date: YYYY-MM-DD to the front matter of the pages the feed should list")))
        return site, static_files, self._render_key(config, static_files)

    def _missing_catalogues(self, site: Site, strings) -> list:
        """A warning for each language that has no catalogue of the interface's words (they are English then)."""
        from .errors import ContentError

        warnings, seen = [], set()
        places = [(site.config.language, relative_to_cwd(self.project.config_file))]
        places += [(page.language, relative_to_cwd(page.source_path)) for page in site.pages if page.language]
        for language, where in places:
            if language.lower() in seen or strings.catalogue_tag(language) or language.split("-")[0].lower() == "en":
                continue
            seen.add(language.lower())
            warnings.append(ContentError(where, None, f"no catalogue of the interface's words for language '{language}': "
                                         "its pages' buttons and labels are in English",
                                         f"add templates/strings/{language}.yml, a translated copy of the theme's "
                                         "strings/en.yml (docs/languages.md)"))
        return warnings

    def _parse(self, discovery: Discovery, config: SiteConfig,
               inputs: dict[str, tuple[int, int, int]] | None) -> tuple[list[Page], list[ContentError]]:
        """Every content file as a Page: parsed again only when the file, the raw-HTML mode or the
        default difficulty changed."""
        from .model import Page
        from .pages import PartialPage

        state = self.cache.state
        stat_of = (lambda path: inputs.get(str(path))) if inputs is not None else input_stat
        errors = list(discovery.errors)
        raw_html = config.raw_html
        sources = [replace(s, difficulty=s.difficulty or config.difficulty) if config.difficulty else s
                   for s in discovery.sources]

        def settings(source: Source) -> str:
            return f"{raw_html}/{source.difficulty.value if source.difficulty else ''}"

        stale = [source for source in sources
                 if (cached := state.parsed.get(str(source.path))) is None
                 or cached[0] != stat_of(source.path) or cached[1] != settings(source)]
        for source, result in zip(stale, self.workers.parse(stale, raw_html, meanwhile=self._compile_templates)):
            # Pages, partial pages and errors alike: a file's errors are reported again while it is unchanged.
            state.parsed[str(source.path)] = (stat_of(source.path), settings(source), result)
        present = {str(s.path) for s in discovery.sources}
        for gone in set(state.parsed) - present:
            del state.parsed[gone]
        pages = []
        for source in discovery.sources:
            result = state.parsed[str(source.path)][2]
            if isinstance(result, Page):
                pages.append(result)
            elif isinstance(result, PartialPage):  # its links are checked, and links to it hold
                pages.append(result.page)
                errors.extend(result.errors)
            else:
                errors.extend(result)
        return pages, errors

    def _assemble(self, config: SiteConfig, discovery: Discovery, pages: list[Page], assets: dict[str, Path],
                  errors: list[ContentError]) -> Site:
        """Check every page's links (again only when it or the pages it can link to changed), then assemble."""
        from .assembly import assemble_site
        from .assets import LinkChecker
        from .discovery import unparsed_sources

        unparsed = [(source.category, source.path.name) for source in unparsed_sources(discovery, pages)]
        state, links = self.cache.state, LinkChecker(pages, assets, unparsed, self._template_ids())

        def check(page: Page) -> CheckedPage:
            cached = state.checked.get(page.output_path)
            if cached and cached[0] == page.source_hash and cached[1] == links.fingerprint \
                    and all(links.anchors_digest(target) == digest for target, digest in cached[2].consulted):
                return cached[2]
            result = links.check_page(page)
            state.checked[page.output_path] = (page.source_hash, links.fingerprint, result)
            return result

        return assemble_site(config, discovery, pages, assets, check, errors, links.fingerprint)

    def _template_ids(self) -> frozenset[str]:
        """The ids the templates write as they stand (id="main"): every page has them."""
        import re

        ids = set()
        for folder in self.project.templates:
            for template in folder.rglob("*.html"):
                try:
                    ids.update(re.findall(r'\sid="([^"{}]+)"', template.read_text(encoding="utf-8", errors="replace")))
                except OSError:
                    pass
        return frozenset(ids)

    def _render_key(self, config: SiteConfig, static_files: dict[str, bytes]) -> str:
        """What every output depends on besides its own data: the templates, the settings, the static files."""
        from .render import asset_versions

        templates = [_hash_files(folder) for folder in self.project.templates]
        return hashlib.sha1(repr((templates, config, asset_versions(static_files))).encode()).hexdigest()

    def _discover(self, inputs: dict[str, tuple[int, int, int]] | None) -> tuple[Discovery, dict[str, Path]]:
        """Categories, content files and assets; unchanged while no content file is added, removed or renamed."""
        from .assets import find_assets
        from .discovery import discover_content

        content = self.project.content
        root = str(content).rstrip("/") + "/"
        # Markdown files count by name only (an edit to one changes nothing here); _category.yml by content.
        key = None if inputs is None else tuple((path, None if path.endswith(".md") else stat)
                                                for path, stat in inputs.items() if path.startswith(root))
        if key is None or self._discovered is None or self._discovered[0] != key:
            listing = list_content(content, (self.project.root,))
            self._discovered = (key, discover_content(content, listing), find_assets(content, listing.files))
        return self._discovered[1], self._discovered[2]

    def render(self, site: Site, static_files: dict[str, bytes], render_key: str,
               staging: Staging | MemoryOutput) -> tuple[set[str], dict[str, str]]:
        """Stage every output that changed (every output, in memory); returns every output path and the
        new fingerprints. This is the one list of what a site consists of."""
        from .render import SEARCH_INDEX, plan_outputs, search_entry, search_index

        state, written, output = self.cache.state, self.cache.manifest.written, self.project.output
        plan = plan_outputs(site)
        fingerprints = {item.path: f"{render_key}:{item.fingerprint}" for item in plan}
        out = str(output)
        to_render = [item for item in plan if state.fingerprints.get(item.path) != fingerprints[item.path]
                     or item.path not in written or file_stat(os.path.join(out, item.path)) != written[item.path]]
        exports = self._plan_exports(site, render_key)
        fingerprints.update((item.path, item.fingerprint) for item in exports)
        extras: dict[str, bytes] = {**static_files, ".nojekyll": b""}
        generated = {item.path for item in plan} | set(extras) | {SEARCH_INDEX} | {item.path for item in exports}
        _refuse_clashes(site, generated)
        current = generated | {path for path, _ in site.assets}
        if isinstance(staging, Staging):
            staging.prepare(current)
        self.workers.render(site, self.env, to_render, static_files, staging)
        self.rendered = len(to_render)
        # Outputs this build did not even look at keep their recorded size and time.
        self.untouched = {item.path for item in plan} - {item.path for item in to_render}
        for path, data in extras.items():
            staging.stage(path, data)
        for path, source in site.assets:
            # Images can be large: copy one only when it or its copy changed.
            if self.cache.manifest.inputs.get(str(source)) == input_stat(source) and path in written \
                    and file_stat(output / path) == written[path]:
                self.untouched.add(path)
            else:
                staging.stage(path, source.read_bytes())
        staging.stage(SEARCH_INDEX, search_index(site, [p.search_json or search_entry(p) for p in site.pages]))
        self._make_exports(site, exports, staging)
        return current, fingerprints

    def _plan_exports(self, site: Site, render_key: str) -> list[PlannedExport]:
        """The files of `downloads:`, with each question's time of change carried over from the last build:
        a question is changed when its text, its pictures or the anki/ templates are."""
        from .exports import exported_questions, file_time, note_times, pictures_of, plan_exports

        state = self.cache.state
        if not site.config.downloads:
            return []
        questions = exported_questions(site)
        assets, templates = dict(site.assets), self._anki_templates()

        stats: dict[str, list] = {}  # GUID -> its pictures' (path, stat): one scan of the HTML and stat each

        def pictures(item) -> list:
            if item.guid not in stats:
                stats[item.guid] = [(path, input_stat(assets[path])) for path in pictures_of(item) if path in assets]
            return stats[item.guid]

        def shown_with(item) -> str:
            return templates.key + repr(pictures(item))

        def changed_at(item) -> int:  # (its file, its pictures, the templates: newest first wins)
            return max(file_time(item.page.source_path), templates.changed,
                       *(stat[1] // 1_000_000_000 if stat else 0 for _, stat in pictures(item)))
        state.note_times = times = note_times(questions, state.note_times, changed_at, shown_with)
        return plan_exports(site, questions, times, render_key)

    def _anki_templates(self):
        """The theme's anki/ templates, a template problem reported as the build's error."""
        import jinja2

        from .anki import anki_templates
        from .render import template_error

        try:
            return anki_templates(self.env)
        except jinja2.TemplateError as exc:
            raise BuildFailed([template_error(exc, self.env)]) from None

    def _make_exports(self, site: Site, exports: list[PlannedExport], staging: Staging | MemoryOutput) -> None:
        """Stage the exports that changed (their images read from the content folder)."""
        state, written, out = self.cache.state, self.cache.manifest.written, str(self.project.output)
        stale = [item for item in exports if state.fingerprints.get(item.path) != item.fingerprint
                 or item.path not in written or file_stat(os.path.join(out, item.path)) != written[item.path]]
        self.untouched |= {item.path for item in exports} - {item.path for item in stale}
        for item, data in zip(stale, self._export_bytes(site, stale)):
            staging.stage(item.path, data)

    def _export_bytes(self, site: Site, exports: list[PlannedExport]):
        """The bytes of each planned export, in turn (each question's note made once for all of them)."""
        import jinja2

        from .anki import AnkiNotes
        from .exports import make_export
        from .render import template_error

        if not exports:
            return
        templates, state = self._anki_templates(), self.cache.state
        digests = {guid: digest for guid, (digest, _) in state.note_times.items()}
        state.anki_fields = {guid: entry for guid, entry in state.anki_fields.items() if guid in digests}
        notes = AnkiNotes(templates.render_field, site.config.site_url, dict(site.assets), digests, state.anki_fields)
        for item in exports:
            try:
                data = make_export(item, site, notes, templates.card)
            except jinja2.TemplateError as exc:
                raise BuildFailed([template_error(exc, self.env)]) from None
            yield data

    def check(self) -> tuple[Site, dict[str, bytes]]:
        """The same run as a build without the write: every output rendered in memory, from scratch."""
        with self.cache.lock:
            site, static_files, render_key = self.load()
            memory = MemoryOutput()
            self.render(site, static_files, render_key, memory)
            return site, memory.files

    def export(self, fmt: str) -> tuple[Site, bytes]:
        """The whole site's questions as one file of format `fmt` (apkg, csv, json), as `downloads:`
        publishes it (the same GUIDs and note times): loaded and validated as a build does, nothing written."""
        with self.cache.lock:
            site = self.load()[0]
            site = replace(site, config=replace(site.config, downloads=(fmt,)))
            planned = self._plan_exports(site, "")
            return site, next(self._export_bytes(site, planned[:1]), b"")

    def build(self) -> BuildResult:
        """Bring the output folder up to date; a failed build raises BuildFailed and writes nothing."""
        project = self.project
        check_output_dir(project.output, project.sources, project.source_folders)  # (before the lock makes a file)
        with self.cache.lock, build_lock(project.cache_dir):
            return self._build()

    def _build(self) -> BuildResult:
        started = time.perf_counter()
        inputs = scan_inputs(self.project)
        if self._nothing_changed(inputs):
            pages, topics, questions = self.cache.manifest.counts
            return BuildResult(pages, topics, questions, time.perf_counter() - started,
                               WriteStats(0, len(self.cache.manifest.written), 0), warnings=self.cache.manifest.warnings)
        self.cache.stamped_state()
        site, static_files, render_key = self.load(inputs)  # discover, parse, assemble and validate
        staging = Staging(self.project.output)
        try:
            current, fingerprints = self.render(site, static_files, render_key, staging)  # plan, render
            written = staging.commit(current)  # write, in one step
        except OSError as exc:  # a full disk, a read-only folder: the site stays as it was
            staging.discard()
            raise BuildFailed([_write_problem(self.project.output, exc)]) from None
        except BaseException:
            staging.discard()  # nothing of a failed build reaches the site
            raise
        made_before = set(self.cache.manifest.written)
        foreign = sorted(path for path in set(staging.live_files) - made_before - current - {MARKER}
                         if not path.rpartition("/")[2].startswith(".")) if made_before else []  # (hidden: leftovers)
        warnings = (*site.warnings, *(_gone(self.project.output, path) for path in foreign))
        html_pages = self._remember(inputs, current, fingerprints, site)
        return BuildResult(html_pages, len(site.pages), site.question_count, time.perf_counter() - started,
                           written, site, rendered=self.rendered, warnings=warnings)

    def _nothing_changed(self, inputs: dict[str, tuple[int, int, int]]) -> bool:
        manifest = self.cache.manifest
        return manifest.inputs == inputs and bool(manifest.written) and self._outputs_intact()

    def _remember(self, inputs: dict[str, tuple[int, int, int]], current: set[str], fingerprints: dict[str, str],
                  site: Site) -> int:
        """Record what this build read and wrote, for the next one; returns how many pages the site has."""
        manifest, out, untouched = self.cache.manifest, str(self.project.output), self.untouched
        self.cache.state.fingerprints = fingerprints
        manifest.inputs = inputs
        manifest.written = {path: stat for path in current
                            if (stat := manifest.written.get(path) if path in untouched and path in manifest.written
                                else file_stat(os.path.join(out, path)))}
        html_pages = sum(1 for path in fingerprints if path.endswith(".html"))
        manifest.counts = (html_pages, len(site.pages), site.question_count)
        manifest.warnings = site.warnings  # (what the site still has: a removed stray file was said once)
        return html_pages


__all__ = ["BuildFailed", "BuildResult", "Builder", "Project", "plural"]
