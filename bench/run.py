"""studysite's benchmark: a synthetic corpus built cold, cached and incrementally, against a floor.

    python bench/run.py --topics 1000        # 1,000 topics x 15 questions = 15,000 questions

Everything is measured in one run on this machine (output on a RAM disk when /dev/shm exists), as
medians of several runs, and written to bench/RESULTS.md with the machine's details. Ratios compare
figures from the same run, because shared machines drift.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(BENCH))

from corpus import generate_corpus  # noqa: E402

PYTHON = sys.executable


def median_time(action, runs: int, before=None) -> float:
    """Median seconds of `action()` over `runs` runs, calling `before()` untimed ahead of each."""
    times = []
    for _ in range(runs):
        if before:
            before()
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def run(*command: str, cwd: Path) -> None:
    subprocess.run(command, cwd=cwd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def studysite(project: Path, *args: str) -> None:
    run(PYTHON, str(REPO / "build.py"), *args, "--root", str(project), cwd=project)


def cold_build_memory(project: Path) -> tuple[float, float]:
    """Peak resident memory (MB) of a cold build's main process and of its largest worker."""
    code = ("import resource, sys; sys.path.insert(0, sys.argv[1]); from studysite.cli import main; "
            "main(['build', '--clean', '--root', sys.argv[2]]); "
            "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, "
            "resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)")
    shutil.rmtree(project / "_site", ignore_errors=True)
    out = subprocess.run([PYTHON, "-c", code, str(REPO), str(project)], capture_output=True, text=True, check=True)
    main_kb, workers_kb = out.stdout.strip().splitlines()[-1].split()
    return int(main_kb) / 1024, int(workers_kb) / 1024


def in_process_edits(project: Path, runs: int) -> tuple[float, float]:
    """Median seconds for the dev server's path (one Builder kept in memory): topic edit, template edit."""
    from studysite.builder import Builder
    from studysite.project import Project

    builder = Builder(Project(project, project / "content", project / "_site"))
    builder.build()
    topic = next((project / "content").rglob("*.md"))
    template = project / "templates/topic.html"
    counter = iter(range(10**6))

    def edit_topic():
        topic.write_text(topic.read_text() + f"\nEdited {next(counter)}.\n")

    def edit_template():
        template.write_text(template.read_text().replace("</article>", f"</article><!-- {next(counter)} -->", 1))

    topic_seconds = median_time(builder.build, runs, before=edit_topic)
    template_seconds = median_time(builder.build, max(3, runs // 3), before=edit_template)
    return topic_seconds, template_seconds


def dev_loop(project: Path, runs: int) -> float | None:
    """Median seconds from saving a topic to the open browser showing the change (needs Chromium)."""
    chromium = shutil.which("chromium")
    if chromium is None:
        return None
    from playwright.sync_api import sync_playwright

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen([PYTHON, str(REPO / "build.py"), "serve", "--root", str(project), "--port", str(port)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    topic = sorted((project / "content").rglob("*.md"))[0]
    url = f"http://127.0.0.1:{port}/{topic.parent.name}/{topic.stem}.html"
    times = []
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=chromium, args=["--no-sandbox", "--disable-gpu"])
            page = browser.new_page()
            deadline = time.monotonic() + 120
            while True:
                try:
                    page.goto(url)
                    break
                except Exception:
                    if time.monotonic() > deadline:
                        raise
                    time.sleep(0.5)
            page.wait_for_function("document.querySelector('script[src*=livereload]') !== null")
            time.sleep(1)
            for number in range(runs):
                marker = f"dev-loop-marker-{number}-{time.time_ns()}"
                started = time.perf_counter()
                topic.write_text(topic.read_text() + f"\n{marker}\n")
                # Checked on every frame without forcing a layout: the measurement must not load the CPU.
                page.wait_for_function(f"document.body !== null && document.body.innerHTML.includes('{marker}')",
                                       timeout=20000, polling="raf")
                times.append(time.perf_counter() - started)
                time.sleep(1.0)  # two saves a second apart must both show (livereload's 3 s rule)
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=10)
    return statistics.median(times)


def search_keystroke(site: Path) -> tuple[float, float] | None:
    chromium = shutil.which("chromium")
    if chromium is None:
        return None
    from search import measure_search

    times = measure_search(site, chromium)
    return statistics.median(times), statistics.quantiles(times, n=20)[-1]


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return (f"{cpu}, {os.cpu_count()} cores, {memory:.0f} GiB RAM, {platform.system()} {platform.release()}, "
            f"Python {platform.python_version()}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--topics", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=7, help="runs per cold measurement (default 7)")
    parser.add_argument("--quick-runs", type=int, default=7, help="runs per fast measurement (default 7)")
    parser.add_argument("--output", type=Path, default=BENCH / "RESULTS.md")
    args = parser.parse_args()
    base = Path("/dev/shm") if Path("/dev/shm").is_dir() else None
    with tempfile.TemporaryDirectory(dir=base, prefix="studysite-bench-") as tmp:
        project = Path(tmp) / "site"
        generate_corpus(project, args.topics)
        for name in ("templates", "static"):
            shutil.copytree(REPO / name, project / name)
        questions = sum(f.read_text().count("\n## ") for f in (project / "content").rglob("*.md"))
        print(f"corpus: {args.topics} topics, {questions} questions in {project}", flush=True)
        floor_out = Path(tmp) / "floor"

        def floor(processes: int, setup: str):
            shutil.rmtree(floor_out, ignore_errors=True)
            run(PYTHON, str(BENCH / "floor.py"), str(project / "content"), str(floor_out), str(processes), setup,
                cwd=project)

        results: dict[str, float] = {}
        for setup, processes in (("plain", 1), ("plain", 2), ("studysite", 1)):
            results[f"floor_{setup}_{processes}"] = median_time(lambda: floor(processes, setup), args.runs)
            print(f"floor ({setup} Markdown, {processes} process): {results[f'floor_{setup}_{processes}']:.2f} s",
                  flush=True)

        def clean_output():
            shutil.rmtree(project / "_site", ignore_errors=True)
            shutil.rmtree(project / ".studysite-cache", ignore_errors=True)

        # The target's floor and the cold build take turns, and the ratio is the median of each
        # pair's: a shared machine that slows down for a while slows both sides alike.
        floors, colds = [], []
        for _ in range(args.runs):
            floors.append(median_time(lambda: floor(2, "studysite"), 1))
            colds.append(median_time(lambda: studysite(project, "build"), 1, before=clean_output))
            print(f"floor (studysite Markdown, 2 processes) {floors[-1]:.2f} s, cold build {colds[-1]:.2f} s: "
                  f"{colds[-1] / floors[-1]:.2f}x", flush=True)
        results["floor_studysite_2"], results["cold"] = statistics.median(floors), statistics.median(colds)
        results["cold_ratio"] = statistics.median(c / f for c, f in zip(colds, floors))
        results["cold_ratio_max"] = max(c / f for c, f in zip(colds, floors))
        results["noop"] = median_time(lambda: studysite(project, "build"), args.quick_runs)
        print(f"no-op rebuild: {results['noop']:.3f} s", flush=True)
        topic = sorted((project / "content").rglob("*.md"))[1]
        counter = iter(range(10**6))
        results["edit_cli"] = median_time(
            lambda: studysite(project, "build"), args.quick_runs,
            before=lambda: topic.write_text(topic.read_text() + f"\nCLI edit {next(counter)}.\n"))
        print(f"one topic edited, CLI: {results['edit_cli']:.3f} s", flush=True)
        results["edit_memory"], results["template_memory"] = in_process_edits(project, args.quick_runs)
        print(f"one topic edited, dev server path: {results['edit_memory'] * 1000:.0f} ms; "
              f"one template edited: {results['template_memory']:.2f} s", flush=True)
        results["memory_main"], results["memory_worker"] = cold_build_memory(project)
        print(f"peak memory: main {results['memory_main']:.0f} MB, worker {results['memory_worker']:.0f} MB", flush=True)
        loop = dev_loop(project, args.quick_runs)
        if loop is not None:
            results["dev_loop"] = loop
            print(f"dev loop, save to browser: {loop * 1000:.0f} ms", flush=True)
        studysite(project, "build")
        search = search_keystroke(project / "_site")
        if search is not None:
            results["search_median"], results["search_p95"] = search
            print(f"search keystroke over {questions} questions: median {search[0]:.1f} ms, p95 {search[1]:.1f} ms",
                  flush=True)
    write_results(args, questions, results)


def write_results(args, questions: int, r: dict[str, float]) -> None:
    floor2 = r["floor_studysite_2"]

    def verdict(ok: bool) -> str:
        return "met" if ok else "**missed**"

    rows = [
        ("Floor, plain Markdown ('extra'), 1 / 2 processes", f"{r['floor_plain_1']:.2f} s / {r['floor_plain_2']:.2f} s", "", ""),
        ("Floor, studysite's Markdown (highlighting, math), 1 / 2 processes",
         f"{r['floor_studysite_1']:.2f} s / {floor2:.2f} s", "1.00x (the reference)", ""),
        ("Cold build (empty cache)", f"{r['cold']:.2f} s",
         f"{r['cold_ratio']:.2f}x floor (worst run {r['cold_ratio_max']:.2f}x)",
         f"<= 1.25x floor: {verdict(r['cold_ratio'] <= 1.25)}"),
        ("No-op rebuild (CLI, wall clock)", f"{r['noop']:.3f} s", f"{r['noop'] / r['cold']:.3f}x cold",
         f"<= 0.1x cold and < 0.5 s: {verdict(r['noop'] <= 0.1 * r['cold'] and r['noop'] < 0.5)}"),
        ("One topic edited, dev server path (in memory)", f"{r['edit_memory'] * 1000:.0f} ms", "",
         f"<= 150 ms: {verdict(r['edit_memory'] <= 0.150)}"),
        ("One topic edited, CLI (loads the cache, wall clock)", f"{r['edit_cli']:.2f} s", f"{r['edit_cli'] / r['cold']:.3f}x cold", ""),
        ("One template edited, dev server path", f"{r['template_memory']:.2f} s", f"{r['template_memory'] / r['cold']:.2f}x cold", ""),
        ("Peak memory, cold build: main process / largest worker",
         f"{r['memory_main']:.0f} MB / {r['memory_worker']:.0f} MB", "", f"<= 150 MB: {verdict(r['memory_main'] <= 150)}"),
    ]
    if "dev_loop" in r:
        rows.append(("Dev loop: save to the open browser showing it", f"{r['dev_loop'] * 1000:.0f} ms", "",
                     f"<= 300 ms: {verdict(r['dev_loop'] <= 0.300)}"))
    if "search_median" in r:
        rows.append((f"Search keystroke in Chromium, {questions} questions (median / p95)",
                     f"{r['search_median']:.1f} ms / {r['search_p95']:.1f} ms", "",
                     f"< 50 ms: {verdict(r['search_p95'] < 50)}"))
    table = "\n".join(f"| {a} | {b} | {c} | {d} |" for a, b, c, d in rows)
    text = f"""# Benchmark results

Measured {date.today().isoformat()} on {machine()}, output on a RAM disk.
Corpus: {args.topics} topics x 15 questions = {questions} questions (~80-word answers with code,
lists and math), generated by `bench/corpus.py` with a fixed seed. Medians of {args.runs} runs for
builds over a second, {args.quick_runs} for the fast ones; all figures from one run.

Reproduce: `python bench/run.py --topics {args.topics}`

| Measurement | Time | Ratio | Target |
| --- | --- | --- | --- |
{table}

The floor (`bench/floor.py`) reads each file, parses its YAML, converts each answer with
Python-Markdown, renders one Jinja template and writes the page, in one or two processes, and
nothing else. Two floors are measured: with plain Python-Markdown, and with studysite's own
converter (syntax highlighting with Pygments, LaTeX to MathML), which does the same Markdown work
as studysite; the cold-build target is a ratio to the latter with two processes. That floor and
the cold build run in turns, and the ratio shown is the median of the pairs' ratios.
"""
    # Sections written by hand after the table (how runs vary, Markdown fidelity) are kept.
    old = args.output.read_text() if args.output.exists() else ""
    if "\n## " in old:
        text += "\n" + old[old.index("\n## ") + 1:]
    args.output.write_text(text)
    print(f"wrote {args.output}")


if __name__ == "__main__":
    main()
