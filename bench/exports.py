"""What site.yml's `downloads: [apkg, csv, json]` costs (issue 16): the same synthetic corpus built with
and without it, taking turns, plus `studysite export` and one import of the whole-site deck into Anki.

    python bench/exports.py --topics 1000 --write     # 1,000 topics x 15 questions = 15,000 questions

Two copies of one `bench/corpus.py` corpus on a RAM disk (/dev/shm when it exists): `plain` (no
downloads) and `downloads`. Every build is `python -m studysite build` in a process of its own, timed
on the wall clock. Measured, all in one run:

1. cold build (`build --clean`, output and cache removed first), plain and downloads in turns (the
   order swapped each round); the ratio is the median of the rounds' ratios;
2. no-op rebuild, each variant;
3. one answer edited (a new sentence in the first answer of one topic, its mtime set a second
   later than before), then `build`: plain and downloads in turns;
4. `studysite export anki|csv|json` (the formats in turns), and the sizes of the whole-site files
   and of a typical topic's .apkg (checked to be the same bytes as the build's downloads);
5. the whole-site .apkg imported once into a new collection with Anki's own backend (the `anki`
   package): its note count and how long the import took.

Prints a Markdown table; `--write` adds (or replaces) the section "## Exports (issue 16)" at the end of
bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from datetime import datetime
from pathlib import Path

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(BENCH))

from corpus import generate_corpus  # noqa: E402
from results import write_section  # noqa: E402
from run import machine  # noqa: E402

PYTHON = sys.executable
FORMATS = ("apkg", "csv", "json")
EXPORT_COMMANDS = {"apkg": "anki", "csv": "csv", "json": "json"}
SECTION = "## Exports (issue 16)"
SITE_TITLE = "Study Notes"  # -> downloads/study-notes.<format>


def timed(command: list[str], cwd: Path) -> tuple[float, float]:
    """Wall-clock seconds of `command`, and the peak resident memory (MB) of its largest process."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, (str(REPO), os.environ.get("PYTHONPATH"))))}
    with tempfile.TemporaryFile() as errors:
        started = time.perf_counter()
        process = subprocess.Popen(command, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=errors)
        _, status, usage = os.wait4(process.pid, 0)  # (wait4: the child's peak memory too)
        seconds = time.perf_counter() - started
        process.returncode = code = os.waitstatus_to_exitcode(status)
        if code != 0:
            errors.seek(0)
            raise SystemExit(f"{' '.join(command)} failed ({code}):\n{errors.read().decode(errors='replace')}")
    return seconds, usage.ru_maxrss / 1024


def studysite(project: Path, *args: str) -> tuple[float, float]:
    return timed([PYTHON, "-m", "studysite", *args, "--root", str(project)], cwd=project)


def revision() -> str:
    """The commit measured, and whether studysite's code or theme differed from it."""
    env = {**os.environ, "GIT_OPTIONAL_LOCKS": "0"}  # (read only: no index refresh)

    def git(*args: str) -> str:
        return subprocess.run(["git", "-C", str(REPO), *args], capture_output=True, text=True, env=env).stdout

    commit = git("rev-parse", "--short", "HEAD").strip() or "unknown commit"
    changed = git("status", "--porcelain", "--untracked-files=no", "--", "studysite", "templates", "static")
    return commit + (" with uncommitted changes to " + ", ".join(sorted({line[3:].split("/")[0] + "/"
                                                                        for line in changed.splitlines()}))
                     if changed else "")


def make_project(root: Path, corpus: Path, downloads: bool) -> Path:
    shutil.copytree(corpus, root)
    settings = f'title: "{SITE_TITLE}"\n' + ("downloads: [apkg, csv, json]\n" if downloads else "")
    (root / "site.yml").write_text(settings, encoding="utf-8")
    return root


def clean(project: Path) -> None:
    shutil.rmtree(project / "_site", ignore_errors=True)
    shutil.rmtree(project / ".studysite-cache", ignore_errors=True)


class AnswerEditor:
    """Edits one answer of one topic, differently every time, and moves the file's mtime forward a second."""

    def __init__(self, topic: Path):
        self.topic = topic
        self.original = topic.read_text(encoding="utf-8")
        lines = self.original.split("\n")
        heading = next(i for i, line in enumerate(lines) if line.startswith("## "))
        # The first prose line of the first answer (skipping blank lines and a "Tags:" line).
        self.line = next(i for i in range(heading + 1, len(lines))
                         if lines[i].strip() and not lines[i].startswith("Tags:"))
        self.count = 0
        self.marker = ""

    def __call__(self) -> None:
        self.count += 1
        self.marker = f"Benchmark edit number {self.count}."
        lines = self.original.split("\n")
        lines[self.line] += " " + self.marker
        before = self.topic.stat().st_mtime_ns
        self.topic.write_text("\n".join(lines), encoding="utf-8")
        moved = max(time.time_ns(), before + 1_000_000_000)
        os.utime(self.topic, ns=(moved, moved))


def anki_import(apkg: Path, scratch: Path) -> tuple[int, int, float, float]:
    """Notes and cards in a new collection after importing `apkg`, the import's seconds and opening's."""
    from anki.collection import Collection, ImportAnkiPackageRequest
    from anki.import_export_pb2 import ImportAnkiPackageOptions

    scratch.mkdir()
    started = time.perf_counter()
    collection = Collection(str(scratch / "c.anki2"))
    opened = time.perf_counter() - started
    try:
        started = time.perf_counter()
        collection.import_anki_package(ImportAnkiPackageRequest(package_path=str(apkg),
                                                                options=ImportAnkiPackageOptions()))
        seconds = time.perf_counter() - started
        return collection.note_count(), collection.card_count(), seconds, opened
    finally:
        collection.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--topics", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=3, help="cold builds per variant (default 3)")
    parser.add_argument("--quick-runs", type=int, default=5, help="no-op and edit builds per variant (default 5)")
    parser.add_argument("--export-runs", type=int, default=3, help="runs of each export command (default 3)")
    parser.add_argument("--write", action="store_true", help="add the results to --output")
    parser.add_argument("--output", type=Path, default=BENCH / "RESULTS.md")
    args = parser.parse_args()
    started_at, code = datetime.now(), revision()
    print(f"studysite {code} ({REPO})", flush=True)
    odd: list[str] = []
    base = Path("/dev/shm") if Path("/dev/shm").is_dir() else None
    with tempfile.TemporaryDirectory(dir=base, prefix="studysite-exports-") as tmp:
        scratch = Path(tmp)
        corpus = generate_corpus(scratch / "corpus", args.topics).parent
        for name in ("templates", "static"):
            shutil.copytree(REPO / name, corpus / name)
        questions = sum(f.read_text().count("\n## ") for f in (corpus / "content").rglob("*.md"))
        plain = make_project(scratch / "plain", corpus, downloads=False)
        down = make_project(scratch / "downloads", corpus, downloads=True)
        variants = {"plain": plain, "downloads": down}
        print(f"corpus: {args.topics} topics, {questions} questions in {scratch}", flush=True)

        # 1. Cold builds, in turns (the order swapped each round so drift falls on both alike).
        colds: dict[str, list[float]] = {"plain": [], "downloads": []}
        memory: dict[str, list[float]] = {"plain": [], "downloads": []}
        for round_ in range(args.runs):
            order = ("plain", "downloads") if round_ % 2 == 0 else ("downloads", "plain")
            for name in order:
                clean(variants[name])
                seconds, peak = studysite(variants[name], "build", "--clean")
                colds[name].append(seconds)
                memory[name].append(peak)
            print(f"cold build, round {round_ + 1}: plain {colds['plain'][-1]:.1f} s, downloads "
                  f"{colds['downloads'][-1]:.1f} s: {colds['downloads'][-1] / colds['plain'][-1]:.2f}x", flush=True)
        r: dict[str, float] = {
            "cold_plain": statistics.median(colds["plain"]), "cold_down": statistics.median(colds["downloads"]),
            "cold_ratio": statistics.median(d / p for d, p in zip(colds["downloads"], colds["plain"])),
            "cold_ratio_min": min(d / p for d, p in zip(colds["downloads"], colds["plain"])),
            "cold_ratio_max": max(d / p for d, p in zip(colds["downloads"], colds["plain"])),
            "memory_plain": max(memory["plain"]), "memory_down": max(memory["downloads"]),
        }

        # 2. No-op rebuilds.
        noops: dict[str, list[float]] = {"plain": [], "downloads": []}
        for _ in range(args.quick_runs):
            for name, project in variants.items():
                noops[name].append(studysite(project, "build")[0])
        r["noop_plain"], r["noop_down"] = (statistics.median(noops[n]) for n in ("plain", "downloads"))
        print(f"no-op rebuild: plain {r['noop_plain']:.3f} s, downloads {r['noop_down']:.3f} s", flush=True)

        # 3. One answer edited, then rebuilt, in turns.
        topic_relative = sorted(p.relative_to(corpus) for p in (corpus / "content").rglob("*.md"))[1]
        editors = {name: AnswerEditor(project / topic_relative) for name, project in variants.items()}
        edits: dict[str, list[float]] = {"plain": [], "downloads": []}
        for run in range(args.quick_runs):
            order = ("plain", "downloads") if run % 2 == 0 else ("downloads", "plain")
            for name in order:
                editors[name]()
                edits[name].append(studysite(variants[name], "build")[0])
            print(f"one answer edited, run {run + 1}: plain {edits['plain'][-1]:.2f} s, downloads "
                  f"{edits['downloads'][-1]:.2f} s", flush=True)
        r["edit_plain"], r["edit_down"] = (statistics.median(edits[n]) for n in ("plain", "downloads"))
        r["edit_ratio"] = statistics.median(d / p for d, p in zip(edits["downloads"], edits["plain"]))
        downloads_folder = down / "_site" / "downloads"
        topic_category, topic_slug = topic_relative.parent.name, topic_relative.name.removesuffix(".md")
        marker = editors["downloads"].marker
        for path in (downloads_folder / f"{topic_category}/{topic_slug}.json",
                     downloads_folder / "study-notes.json", downloads_folder / "study-notes.csv"):
            if marker not in path.read_text(encoding="utf-8"):
                odd.append(f"the last edit ('{marker}') is missing from {path.relative_to(down)}")

        # 4. `studysite export` (the formats in turns), the same bytes as the build's downloads.
        exported: dict[str, list[float]] = {fmt: [] for fmt in FORMATS}
        export_folder = scratch / "exported"
        export_folder.mkdir()
        for _ in range(args.export_runs):
            for fmt in FORMATS:
                target = export_folder / f"site.{fmt}"
                target.unlink(missing_ok=True)
                exported[fmt].append(timed([PYTHON, "-m", "studysite", "export", EXPORT_COMMANDS[fmt],
                                            "--output", str(target), "--root", str(down)], cwd=export_folder)[0])
        sizes: dict[str, int] = {}
        for fmt in FORMATS:
            r[f"export_{fmt}"] = statistics.median(exported[fmt])
            published = downloads_folder / f"study-notes.{fmt}"
            sizes[fmt] = published.stat().st_size
            if published.read_bytes() != (export_folder / f"site.{fmt}").read_bytes():
                odd.append(f"`export {EXPORT_COMMANDS[fmt]}` gave other bytes than the build's "
                           f"downloads/study-notes.{fmt} ({(export_folder / f'site.{fmt}').stat().st_size:,} "
                           f"vs {sizes[fmt]:,} bytes)")
        print("export: " + ", ".join(f"{fmt} {r[f'export_{fmt}']:.2f} s ({sizes[fmt]:,} bytes)" for fmt in FORMATS),
              flush=True)
        topic_decks = sorted(p.stat().st_size for p in downloads_folder.glob("*/*.apkg"))
        sizes["topic_apkg"] = int(statistics.median(topic_decks))
        sizes["all_downloads"] = sum(p.stat().st_size for p in downloads_folder.rglob("*") if p.is_file())
        if len(topic_decks) != args.topics:
            odd.append(f"{len(topic_decks)} topic decks for {args.topics} topics")

        # 5. The whole-site deck into Anki.
        notes, cards, r["anki_import"], r["anki_open"] = anki_import(downloads_folder / "study-notes.apkg",
                                                                     scratch / "anki")
        print(f"Anki import: {notes} notes, {cards} cards in {r['anki_import']:.2f} s", flush=True)
        if notes != questions or cards != questions:
            odd.append(f"Anki imported {notes} notes and {cards} cards for {questions} questions")
    for line in odd:
        print(f"ODD: {line}", flush=True)
    table = results_table(r, sizes, notes, cards, questions)
    print()
    print(table)
    if args.write:
        write_results(args, started_at, code, questions, r, table, odd)


def kib(size: int) -> str:
    return f"{size / 1024:,.0f} KiB" if size < 10 * 2**20 else f"{size / 2**20:,.1f} MiB"


def results_table(r: dict[str, float], sizes: dict[str, int], notes: int, cards: int, questions: int) -> str:
    rows = [
        ("Cold build (`build --clean`), no downloads / with downloads",
         f"{r['cold_plain']:.1f} s / {r['cold_down']:.1f} s",
         f"{r['cold_ratio']:.2f}x ({r['cold_ratio_min']:.2f}-{r['cold_ratio_max']:.2f}x)"),
        ("Peak memory of a cold build (largest process), no downloads / with downloads",
         f"{r['memory_plain']:.0f} MB / {r['memory_down']:.0f} MB", f"{r['memory_down'] / r['memory_plain']:.2f}x"),
        ("No-op rebuild, no downloads / with downloads", f"{r['noop_plain']:.3f} s / {r['noop_down']:.3f} s",
         f"{r['noop_down'] / r['noop_plain']:.2f}x"),
        ("One answer edited, `build` (CLI), no downloads / with downloads",
         f"{r['edit_plain']:.2f} s / {r['edit_down']:.2f} s", f"{r['edit_ratio']:.2f}x"),
        ("`studysite export anki` / `csv` / `json`",
         f"{r['export_apkg']:.1f} s / {r['export_csv']:.1f} s / {r['export_json']:.1f} s", ""),
        ("Whole-site file: .apkg / .csv / .json",
         f"{kib(sizes['apkg'])} / {kib(sizes['csv'])} / {kib(sizes['json'])}", ""),
        ("One topic's .apkg (median of the topics'); all of downloads/",
         f"{kib(sizes['topic_apkg'])}; {kib(sizes['all_downloads'])}", ""),
        ("Whole-site .apkg imported into a new Anki collection (`anki` backend)",
         f"{r['anki_import']:.2f} s", f"{notes:,} notes, {cards:,} cards for {questions:,} questions"),
    ]
    lines = ["| Measurement | Time or size | Ratio, count |", "| --- | --- | --- |"]
    lines += [f"| {a} | {b} | {c} |" for a, b, c in rows]
    return "\n".join(lines)


def write_results(args, started_at: datetime, code: str, questions: int, r: dict[str, float], table: str,
                  odd: list[str]) -> None:
    defaults = {"topics": 1000, "runs": 3, "quick_runs": 5, "export_runs": 3}
    command = "python bench/exports.py" + "".join(f" --{name.replace('_', '-')} {getattr(args, name)}"
                                                  for name, default in defaults.items()
                                                  if getattr(args, name) != default) + " --write"
    extra_per_edit = r["edit_down"] - r["edit_plain"]
    reading = (f"With `downloads: [apkg, csv, json]` a cold build took {r['cold_ratio']:.1f}x as long as without "
               f"it, and an edited answer cost {extra_per_edit:.1f} s more per build ({r['edit_ratio']:.1f}x), since "
               f"the whole-site files hold every question and are made again on any edit; a no-op build is "
               f"unaffected ({r['noop_plain']:.2f} vs {r['noop_down']:.2f} s).")
    if odd:
        reading += " Odd: " + "; ".join(odd) + "."
    reading = textwrap.fill(reading, width=100, break_long_words=False, break_on_hyphens=False)
    section = f"""{SECTION}

Measured {started_at.strftime('%Y-%m-%d %H:%M')} on {machine()}, output on a RAM disk,
studysite {code}.
Corpus: {args.topics} topics x 15 questions = {questions} questions (`bench/corpus.py`), built as
`python -m studysite build` without and with `downloads: [apkg, csv, json]`, the two taking turns.
Medians of {args.runs} cold builds, {args.quick_runs} no-op and edit builds, {args.export_runs} run(s) of
each export; the ratio is the median of the turns' ratios (min-max in brackets); all figures from one run.

Reproduce: `{command}`

{table}

{reading}
"""
    write_section(args.output, SECTION, section)


if __name__ == "__main__":
    main()
