"""The build pipeline (load -> validate -> render -> write) and the cache that lets it redo only what changed."""

from __future__ import annotations

import gc
import hashlib
import os
import pickle
import sys
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Callable

from . import __version__
from .errors import BuildFailed, ContentError
from .output import Staging, WriteStats, check_output_dir, prepare_output
from .theme import layers

# Parsing and rendering pull in Markdown, Pygments, Jinja and friends: imported only when a build has
# work to do, so that "nothing changed" answers in a fraction of a second.
if TYPE_CHECKING:
    import jinja2

    from .assets import CheckedPage
    from .discovery import Discovery
    from .pages import Source
    from .model import Page, Site

CACHE_DIR = ".studysite-cache"
CONFIG_FILE = "site.yml"
CACHE_FORMAT = 5


@lru_cache(maxsize=1)
def cache_version() -> tuple:
    """Everything besides the project's files whose change can change the output."""
    libraries = []
    for name in ("markdown", "pygments", "latex2mathml", "jinja2", "nh3", "pyyaml"):
        try:
            libraries.append(metadata.version(name))
        except metadata.PackageNotFoundError:
            libraries.append("?")
    return (CACHE_FORMAT, __version__, *libraries, sys.version_info[:2])
# The dev server saves its cache once the saves pause for this long.
SAVE_DELAY_SECONDS = 2.0
# Below this many files, starting worker processes costs more than it saves.
PARALLEL_THRESHOLD = 40
PARSE_CHUNK = 16  # files per task handed to a parsing worker (a quarter of a second or so)


@dataclass(frozen=True)
class Project:
    """Where a site's sources live and where its output goes."""

    root: Path
    content: Path
    output: Path

    @property
    def templates(self) -> tuple[Path, ...]:
        """Template folders, most specific first: the site's own templates/, then the bundled theme."""
        return layers(self.root / "templates", "templates")

    @property
    def static(self) -> tuple[Path, ...]:
        """Static folders, most specific first: the site's own static/, then the bundled theme."""
        return layers(self.root / "static", "static")

    @property
    def config_file(self) -> Path:
        return self.root / CONFIG_FILE

    @property
    def cache_dir(self) -> Path:
        return self.root / CACHE_DIR

    @property
    def sources(self) -> list[Path]:
        """Everything a build reads; the output folder may contain none of it."""
        return [self.root, self.content, *self.templates, *self.static, self.config_file, self.cache_dir]


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

    @property
    def up_to_date(self) -> bool:
        return self.site is None


@dataclass
class Manifest:
    """What the last build read and wrote: enough to tell that nothing changed. Small, read first."""

    version: tuple = ()
    project: tuple = ()
    inputs: dict[str, tuple[int, int]] = field(default_factory=dict)  # every input file: (size, mtime)
    written: dict[str, tuple[int, int]] = field(default_factory=dict)  # output -> (size, mtime) as written
    counts: tuple[int, int, int] = (0, 0, 0)  # pages, topics, questions


@dataclass
class BuildState:
    """What the last successful build knew: enough to redo only what changed. Saved between runs."""

    version: tuple = ()
    project: tuple = ()
    parsed: dict[str, tuple[tuple[int, int], str, Page]] = field(default_factory=dict)  # (stat, raw_html, page)
    checked: dict[str, tuple[str, str, CheckedPage]] = field(default_factory=dict)  # (source hash, links fp, result)
    fingerprints: dict[str, str] = field(default_factory=dict)  # output -> what it was rendered from


def _stat(path: Path | str) -> tuple[int, int] | None:
    try:
        info = os.stat(path)
    except OSError:
        return None
    return info.st_size, info.st_mtime_ns


def scan_inputs(project: Project) -> dict[str, tuple[int, int]]:
    """Size and modification time of every file a build reads: cheap enough to run on every save."""
    found: dict[str, tuple[int, int]] = {}
    for folder in (project.content, *project.templates, *project.static):
        for directory, subdirectories, files in os.walk(folder):
            subdirectories[:] = sorted(d for d in subdirectories if not d.startswith("."))
            for name in files:
                if not name.startswith("."):
                    path = os.path.join(directory, name)
                    stat = _stat(path)
                    if stat:
                        found[path] = stat
    config = _stat(project.config_file)
    if config:
        found[str(project.config_file)] = config
    return found


def parse_sources(sources: list[Source], raw_html: str,
                  meanwhile: Callable[[], None] | None = None) -> list[Page | list[ContentError]]:
    """Parse content files, on every core when there are many (Markdown is most of a cold build);
    `meanwhile` runs here while worker processes parse."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor
    from functools import partial

    workers = min(os.cpu_count() or 1, 8)
    if len(sources) < PARALLEL_THRESHOLD or workers < 2:
        return [parse_for_build(source, raw_html) for source in sources]
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
    if "fork" in methods:
        # Import the parsers and set up the converter before forking: the workers inherit them instead
        # of each spending a fifth of a second on it, and this process needs the modules next anyway.
        import importlib

        from .markup import warm_up

        for module in (".assembly", ".render"):  # Markdown, Pygments, YAML, Jinja
            importlib.import_module(module, __package__)
        warm_up(raw_html)
    with _frozen_heap(), ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        # Small chunks: when one worker runs out of work, the other has little left to finish alone.
        results = pool.map(partial(parse_for_build, raw_html=raw_html), sources, chunksize=PARSE_CHUNK)
        if meanwhile is not None:
            meanwhile()
        return list(results)


@contextmanager
def _frozen_heap():
    """Around forking workers: their garbage collector leaves the objects they inherit alone (walking
    them would copy every memory page it touches, and take time); this process still owns them."""
    already = gc.get_freeze_count() > 0  # the dev server keeps its site frozen between rebuilds
    gc.freeze()
    try:
        yield
    finally:
        if not already:
            gc.unfreeze()


def parse_for_build(source: Source, raw_html: str) -> Page | list[ContentError]:
    """Parse a content file and make its search-index entry while the worker has it at hand."""
    from dataclasses import replace

    from .pages import parse_source
    from .model import Page
    from .render import search_entry

    result = parse_source(source, raw_html)
    return replace(result, search_json=search_entry(result)) if isinstance(result, Page) else result


def _hash_files(folder: Path) -> str:
    digest = hashlib.sha1()
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            digest.update(path.relative_to(folder).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


class Builder:
    """Builds one project, again and again: the CLI uses it once, the dev server keeps it between saves."""

    def __init__(self, project: Project, use_cache: bool = True, fresh: bool = False):
        """`use_cache`: read and save the cache; `fresh`: save it, but start from nothing (build --clean)."""
        self.project = project
        self.use_cache = use_cache
        self.notes: list[str] = []  # things worth telling the user, such as a cache that was unreadable
        reads = use_cache and not fresh
        self.manifest = self._read(self._manifest_file, Manifest) if reads else Manifest()
        self._state: BuildState | None = None if reads else BuildState()
        self._saver: threading.Timer | None = None
        self._lock = threading.Lock()
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
            try:
                self.env.get_template(name)
            except Exception:  # noqa: BLE001  (an unreadable or broken template is reported when a page uses it)
                pass

    # --- The cache on disk --------------------------------------------------------------------

    @property
    def _manifest_file(self) -> Path:
        return self.project.cache_dir / "manifest.pickle"

    @property
    def _state_file(self) -> Path:
        return self.project.cache_dir / "state.pickle"

    def _project_key(self) -> tuple:
        return (str(self.project.content.resolve()), str(self.project.output.resolve()),
                *(str(folder.resolve()) for folder in (*self.project.templates, *self.project.static)))

    def _read(self, path: Path, kind: type):
        """A cache file, or a fresh empty one when it is missing, damaged or from another version."""
        if not path.exists():
            return kind()
        try:
            with path.open("rb") as file:
                value = pickle.load(file)
            if not isinstance(value, kind):
                raise TypeError(f"not a {kind.__name__}")
        except Exception as exc:  # any damage at all: the cache is only ever an optimisation
            self.notes.append(f"note: the build cache in {CACHE_DIR}/ could not be read ({type(exc).__name__}); "
                              "building everything")
            return kind()
        if value.version != cache_version() or value.project != self._project_key():
            return kind()  # another studysite, library or output folder: start afresh
        return value

    @property
    def state(self) -> BuildState:
        """Parsed pages and fingerprints: loaded only when a build has something to do."""
        if self._state is None:
            self._state = self._read(self._state_file, BuildState)
        return self._state

    def save_state(self, background: bool = False) -> None:
        """Write the cache (atomically); in the background for the dev server, so a reload need not wait."""
        if not self.use_cache:
            return
        manifest, state = self.manifest, self._state
        cache_dir = self.project.cache_dir

        def dump(value, path: Path) -> None:
            temporary = path.with_suffix(f".{os.getpid()}.tmp")
            with temporary.open("wb") as file:
                pickle.dump(value, file, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(temporary, path)

        def write() -> None:
            try:
                cache_dir.mkdir(exist_ok=True)
                (cache_dir / ".gitignore").write_text("*\n")
                if state is not None:
                    dump(state, self._state_file)
                dump(manifest, self._manifest_file)  # last: it vouches for the state beside it
            except OSError:
                pass  # a cache that cannot be saved only costs time on the next build

        if self._saver is not None:
            self._saver.cancel()
        if background:
            # The dev server: wait for a pause in the saves, then pickle in a forked child, which has
            # its own interpreter lock, so serving the reloaded page never waits for the cache.
            self._saver = threading.Timer(SAVE_DELAY_SECONDS, self._write_in_child, (write,))
            self._saver.daemon = True
            self._saver.start()
        else:
            write()

    def _write_in_child(self, write) -> None:
        with self._lock:  # never in the middle of a build
            if not hasattr(os, "fork"):
                write()
                return
            pid = os.fork()
            if pid == 0:
                try:
                    write()
                finally:
                    os._exit(0)
        os.waitpid(pid, 0)

    # --- Building -------------------------------------------------------------------------------

    def _outputs_intact(self) -> bool:
        output = self.project.output
        return all(_stat(output / path) == stat for path, stat in self.manifest.written.items())

    def load(self, inputs: dict[str, tuple[int, int]] | None = None) -> tuple[Site, dict[str, bytes], str]:
        """Parse (what changed) and assemble the site; returns it with the static files and a render key."""
        from .assets import LinkChecker
        from .config import load_config
        from .assembly import assemble_site
        from .model import Page
        from .render import asset_versions
        from .theme import read_static

        project, state = self.project, self.state
        stat_of = (lambda path: inputs.get(str(path))) if inputs is not None else _stat
        static_files = read_static(project.static)
        config = load_config(project.config_file, static_files)
        discovery, assets = self._discover(inputs)
        errors = list(discovery.errors)
        stale = []
        for source in discovery.sources:
            cached = state.parsed.get(str(source.path))
            if not (cached and cached[0] == stat_of(source.path) and cached[1] == config.raw_html):
                stale.append(source)
        for source, result in zip(stale, parse_sources(stale, config.raw_html, meanwhile=self._compile_templates)):
            if isinstance(result, Page):
                state.parsed[str(source.path)] = (stat_of(source.path), config.raw_html, result)
            else:
                state.parsed.pop(str(source.path), None)
                errors.extend(result)
        present = {str(s.path) for s in discovery.sources}
        for gone in set(state.parsed) - present:
            del state.parsed[gone]
        pages = [state.parsed[str(s.path)][2] for s in discovery.sources if str(s.path) in state.parsed]
        links = LinkChecker(pages, assets)

        def check(page: Page) -> CheckedPage:
            cached = state.checked.get(page.output_path)
            if cached and cached[0] == page.source_hash and cached[1] == links.fingerprint:
                return cached[2]
            result = links.check_page(page)
            state.checked[page.output_path] = (page.source_hash, links.fingerprint, result)
            return result

        site = assemble_site(config, discovery, pages, assets, check, errors, links.fingerprint)
        render_key = hashlib.sha1(repr(([_hash_files(folder) for folder in project.templates], config, asset_versions(static_files))).encode())
        return site, static_files, render_key.hexdigest()

    def _discover(self, inputs: dict[str, tuple[int, int]] | None) -> tuple[Discovery, dict[str, Path]]:
        """Categories, content files and assets; unchanged while no file is added, removed or renamed."""
        from .assets import find_assets
        from .discovery import discover_content

        content = self.project.content
        if inputs is None or not content.is_dir():
            return discover_content(content), find_assets(content)  # (no folder: discover_content says so)
        root = str(content).rstrip("/") + "/"
        # Markdown files count by name only (an edit to one changes nothing here); _category.yml by content.
        key = (tuple(sorted(os.listdir(content))),  # a new empty folder is a new category
               *((path, None if path.endswith(".md") else stat) for path, stat in inputs.items()
                 if path.startswith(root)))
        if self._discovered is None or self._discovered[0] != key:
            files = [Path(path) for path, _ in key[1:]]
            self._discovered = (key, discover_content(content, files), find_assets(content, files))
        return self._discovered[1], self._discovered[2]

    def render(self, site: Site, static_files: dict[str, bytes], render_key: str,
               staging: Staging) -> tuple[set[str], dict[str, str]]:
        """Stage every output that changed; returns every current output path and the new fingerprints."""
        from .render import SEARCH_INDEX, plan_outputs, search_entry, search_index

        state, written, output = self.state, self.manifest.written, self.project.output
        plan = plan_outputs(site)
        fingerprints = {item.path: f"{render_key}:{item.fingerprint}" for item in plan}
        out = str(output)
        to_render = [item for item in plan if state.fingerprints.get(item.path) != fingerprints[item.path]
                     or item.path not in written or _stat(os.path.join(out, item.path)) != written[item.path]]
        extras: dict[str, bytes] = {**static_files, ".nojekyll": b""}
        current = {item.path for item in plan} | set(extras) | {SEARCH_INDEX} | {path for path, _ in site.assets}
        prepare_output(output, current)
        render_staged(site, self.env, to_render, static_files, staging)
        self.rendered = len(to_render)
        # Outputs this build did not even look at keep their recorded size and time.
        self.untouched = {item.path for item in plan} - {item.path for item in to_render}
        for path, data in extras.items():
            staging.stage(path, data)
        for path, source in site.assets:
            # Images can be large: copy one only when it or its copy changed.
            if self.manifest.inputs.get(str(source)) == _stat(source) and path in written \
                    and _stat(output / path) == written[path]:
                self.untouched.add(path)
            else:
                staging.stage(path, source.read_bytes())
        staging.stage(SEARCH_INDEX, search_index(site, [p.search_json or search_entry(p) for p in site.pages]))
        return current, fingerprints

    def build(self, clean: bool = False) -> BuildResult:
        """Bring the output folder up to date; a failed build raises BuildFailed and writes nothing."""
        with self._lock:
            return self._build(clean)

    def _build(self, clean: bool) -> BuildResult:
        started = time.perf_counter()
        project = self.project
        check_output_dir(project.output, project.sources)
        if clean:
            self.manifest, self._state = Manifest(), BuildState()
        inputs = scan_inputs(project)
        manifest = self.manifest
        if manifest.inputs == inputs and manifest.written and self._outputs_intact():
            pages, topics, questions = manifest.counts
            return BuildResult(pages, topics, questions, time.perf_counter() - started,
                               WriteStats(0, len(manifest.written), 0))
        state = self.state
        state.version = manifest.version = cache_version()
        state.project = manifest.project = self._project_key()
        site, static_files, render_key = self.load(inputs)
        staging = Staging(project.output)  # before anything creates the folder: a failure takes it back
        try:
            current, fingerprints = self.render(site, static_files, render_key, staging)
            written = staging.commit(current)
        except BaseException:
            staging.discard()  # nothing of a failed build reaches the site
            raise
        state.fingerprints = fingerprints
        manifest.inputs = inputs
        out, untouched = str(project.output), self.untouched
        manifest.written = {path: stat for path in current
                            if (stat := manifest.written.get(path) if path in untouched and path in manifest.written
                                else _stat(os.path.join(out, path)))}
        html_pages = sum(1 for path in fingerprints if path.endswith(".html"))
        manifest.counts = (html_pages, len(site.pages), site.question_count)
        return BuildResult(html_pages, len(site.pages), site.question_count, time.perf_counter() - started,
                           written, site, rendered=self.rendered)


def render_project(project: Project) -> tuple[Site, dict[str, bytes]]:
    """Every output of a project in memory, from scratch and without the cache (for checks and tools)."""
    from .render import render_site

    builder = Builder(project, use_cache=False)
    site, static_files, _ = builder.load()
    return site, render_site(site, builder.env, static_files)


# Set in the parent just before forking render workers, which inherit it instead of unpickling a site.
_RENDER_JOB: tuple | None = None
PARALLEL_RENDER_THRESHOLD = 200


def _render_share(share: tuple[int, int]) -> tuple[list[str], int, list]:
    from .render import render_pages

    site, env, plan, static_files, output, token = _RENDER_JOB  # type: ignore[misc]
    staging = Staging(output, token)
    first, step = share
    problems = render_pages(site, env, plan[first::step], static_files, staging.stage)
    return staging.staged, staging.unchanged, staging.created, problems


def render_staged(site: Site, env: jinja2.Environment, plan: list, static_files: dict[str, bytes],
                  staging: Staging) -> None:
    """Render pages into the staging area, on every core when there are many; raise on template errors."""
    global _RENDER_JOB
    import multiprocessing

    from .render import raise_template_problems, render_pages

    workers = min(os.cpu_count() or 1, 8)
    if len(plan) < PARALLEL_RENDER_THRESHOLD or workers < 2 or "fork" not in multiprocessing.get_all_start_methods():
        raise_template_problems(render_pages(site, env, plan, static_files, staging.stage))
        return
    _RENDER_JOB = (site, env, plan, static_files, staging.root, staging.token)
    try:
        # Every n-th page to each worker: the big listing pages (home, tags) end up spread among them.
        with _frozen_heap(), multiprocessing.get_context("fork").Pool(workers) as pool:
            shares = pool.map(_render_share, [(i, workers) for i in range(workers)])
    finally:
        _RENDER_JOB = None
    problems = []
    for staged, unchanged, created, share_problems in shares:
        staging.staged.extend(staged)
        staging.created.extend(created)
        staging.unchanged += unchanged
        problems.extend(share_problems)
    raise_template_problems(problems)


__all__ = ["BuildFailed", "BuildResult", "Builder", "Project", "render_project"]
