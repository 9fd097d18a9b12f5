"""Parsing and rendering on every core: worker processes for the work a cold build is made of."""

from __future__ import annotations

import gc
import os
from contextlib import contextmanager
from typing import TYPE_CHECKING, Callable

from .errors import ContentError
from .output import MemoryOutput, Staging

if TYPE_CHECKING:
    import jinja2

    from .model import Page, Site
    from .pages import Source

# Below this many files, starting worker processes costs more than it saves.
PARALLEL_THRESHOLD = 40
PARSE_CHUNK = 16  # files per task handed to a parsing worker (a quarter of a second or so)


class Workers:
    """The processes a build may use: the executor the pipeline is handed (Workers(1) keeps to one)."""

    def __init__(self, processes: int | None = None):
        self.processes = processes or min(os.cpu_count() or 1, 8)

    def parse(self, sources: list[Source], raw_html: str,
              meanwhile: Callable[[], None] | None = None) -> list[Page | list[ContentError]]:
        """Parse content files, on every process when there are many."""
        return parse_sources(sources, raw_html, meanwhile, self.processes)

    def render(self, site: Site, env: jinja2.Environment, plan: list, static_files: dict[str, bytes],
               staging: Staging | MemoryOutput) -> None:
        """Render planned pages into `staging`, on every process when there are many."""
        render_staged(site, env, plan, static_files, staging, self.processes)


def parse_sources(sources: list[Source], raw_html: str, meanwhile: Callable[[], None] | None = None,
                  workers: int = 1) -> list[Page | list[ContentError]]:
    """Parse content files, on `workers` processes when there are many (Markdown is most of a cold
    build); `meanwhile` runs here while worker processes parse."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor
    from functools import partial

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
    with frozen_heap(), ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=die_with_parent) as pool:
        # Small chunks: when one worker runs out of work, the other has little left to finish alone.
        results = pool.map(partial(parse_for_build, raw_html=raw_html), sources, chunksize=PARSE_CHUNK)
        if meanwhile is not None:
            meanwhile()
        return list(results)


_PR_SET_PDEATHSIG = 1


def die_with_parent() -> None:
    """In a worker: end when the build that started it ends, even by a kill (Linux), instead of
    waiting for work for ever."""
    try:
        import ctypes
        import signal

        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):
        pass


@contextmanager
def frozen_heap():
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


# Set in the parent just before forking render workers, which inherit it instead of unpickling a site.
_RENDER_JOB: tuple | None = None
PARALLEL_RENDER_THRESHOLD = 200


def _render_share(share: tuple[int, int]) -> tuple[list[str], int, list]:
    from .render import render_pages

    site, env, plan, static_files, output, token = _RENDER_JOB  # type: ignore[misc]
    staging = Staging(output, token)
    first, step = share
    problems = render_pages(site, env, plan[first::step], static_files, staging.stage)
    return staging.staged, staging.unchanged, problems


def render_staged(site: Site, env: jinja2.Environment, plan: list, static_files: dict[str, bytes],
                  staging: Staging | MemoryOutput, workers: int = 1) -> None:
    """Render pages into the staging area, on every core when there are many; raise on template errors."""
    global _RENDER_JOB
    import multiprocessing

    from .render import raise_template_problems, render_pages

    if not isinstance(staging, Staging) or len(plan) < PARALLEL_RENDER_THRESHOLD or workers < 2 or "fork" not in multiprocessing.get_all_start_methods():
        raise_template_problems(render_pages(site, env, plan, static_files, staging.stage))
        return
    _RENDER_JOB = (site, env, plan, static_files, staging.live, staging.token)
    try:
        # Every n-th page to each worker: the big listing pages (home, tags) end up spread among them.
        with frozen_heap(), multiprocessing.get_context("fork").Pool(workers, initializer=die_with_parent) as pool:
            shares = pool.map(_render_share, [(i, workers) for i in range(workers)])
    finally:
        _RENDER_JOB = None
    problems = []
    for staged, unchanged, share_problems in shares:
        staging.staged.extend(staged)
        staging.unchanged += unchanged
        problems.extend(share_problems)
    raise_template_problems(problems)
