"""Time the review page's "what is due" in Chromium over a large site with a year of reviews (issue 15).

    python bench/review.py [--questions 15000] [--studied 5000] [--runs 7] [--keep DIR]

Builds a synthetic site (bench/corpus.py; 15 questions a topic), then simulates a learner with the
site's own scheduler (static/fsrs.js, run in Node): 20 new cards on each study day until --studied
cards have been started, every card reviewed on the first study day on or after the day it falls due,
one day in ten skipped, grades Again 10% / Hard 10% / Good 70% / Easy 10%, a card answered Again seen
again the same day (up to 3 times), over the --days days before today. The history is keyed by the
real "topic path#question id" keys of the built review-index.js and written, as the store would save
it, into localStorage of the site served over HTTP.

Then review.html is opened --runs times (a fresh page each time, after one untimed warm-up) and the
page's own Performance API entries "studysite:due" (review.js compute()) are read:

- first compute: the first "studysite:due" measure after load (the requirement's figure);
- load to overview: from the moment review-index.js has run to the end of that first compute, which
  also covers reading the index and progress.js counting the whole site (it replays every history
  first on this page, so review.js's first compute finds the replayed states cached);
- filter change: the "studysite:due" measure after choosing a category, and the whole change handler;
- compute, nothing cached: the "studysite:due" measure after the target retention is changed, which
  empties the store's cache of replayed states, so every history is replayed inside the measure.

Also timed in the page, calling the product's code on the page's own store (captured by an init
script): JSON.parse and normalize of the stored record (makeStore does both on every page load),
store.state for every question with its cache of replayed states full and empty, studysiteFsrs
replay + due of every history alone (the scheduler's share), and store.save (after every answer).

Prints medians with min and max, and exits 1 if a median compute (the first, or with nothing cached)
is over --budget-ms or the stored record is over --budget-bytes (UTF-8; UTF-16 is reported too).
"""

from __future__ import annotations

import argparse
import functools
import http.server
import json
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

from corpus import generate_corpus  # noqa: E402
from studysite.cli import main  # noqa: E402

# The learner, in Node with the site's own fsrs.js. Reads one JSON object on stdin, writes one.
SIMULATE = r"""
const input = JSON.parse(require("fs").readFileSync(0, "utf8"));
const fsrs = require(input.fsrs);
let seed = input.seed >>> 0;
function random() {  // mulberry32: the same learner on every machine
  seed = (seed + 0x6D2B79F5) >>> 0;
  let t = seed;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
function grade() {
  const r = random();
  return r < input.grades[0] ? 1 : r < input.grades[0] + input.grades[1] ? 2 :
         r < input.grades[0] + input.grades[1] + input.grades[2] ? 3 : 4;
}
const first = input.today - input.days, skipped = new Set();
for (let day = first; day < input.today; day++) if (random() < input.skip) skipped.add(day);
function studyDay(day) { while (skipped.has(day)) day += 1; return day; }
// 20 new cards a study day, in the order given, until all are started.
const cards = {};
let day = studyDay(first), startedToday = 0, reviews = 0, lapses = 0;
for (const [key, level] of input.questions) {
  if (startedToday === input.newPerDay) { day = studyDay(day + 1); startedToday = 0; }
  if (day >= input.today) break;
  startedToday += 1;
  const history = [], prior = fsrs.PRIOR[level];
  let card = null, on = day;
  while (on < input.today) {
    let g = grade(), again = 0;
    card = fsrs.review(card, g, on, prior); history.push([on, g]);
    while (g === 1 && again < 3) {  // seen again later in the same session
      again += 1; g = grade();
      card = fsrs.review(card, g, on, prior); history.push([on, g]);
    }
    on = studyDay(fsrs.due(card, input.retention));
  }
  cards[key] = history;
  reviews += history.length;
  lapses += card.lapses;
}
let dueToday = 0;
for (const [key, level] of input.questions) {
  const h = cards[key];
  if (h && fsrs.due(fsrs.replay(h, fsrs.PRIOR[level]), input.retention) <= input.today) dueToday += 1;
}
process.stdout.write(JSON.stringify({ cards, reviews, lapses, dueToday, studyDays: input.days - skipped.size,
                                      started: Object.keys(cards).length }));
"""

# Marks the moment review-index.js has run (it assigns window.studysiteReviewIndex), and keeps the
# page's store (the one every feature shares) as window.benchStore, to time its pieces.
INIT = """
(() => {
  // Each hook turns back into a plain property once set, so the page's own code runs at full speed.
  Object.defineProperty(window, 'studysiteReviewIndex', {
    configurable: true,
    set(v) {
      performance.mark('bench:index-ran');
      Object.defineProperty(window, 'studysiteReviewIndex', { value: v, writable: true, configurable: true });
    },
  });
  Object.defineProperty(window, 'studysite', {
    configurable: true,
    set(v) {
      const feature = v.feature;
      v.feature = (name, wire) => feature(name, (page) => { window.benchStore = page.store; return wire(page); });
      Object.defineProperty(window, 'studysite', { value: v, writable: true, configurable: true });
    },
  });
})();
"""

SETUP = """([key, text]) => {
  localStorage.setItem(key, text);
  const stored = localStorage.getItem(key);
  return { chars: stored.length, utf8: new TextEncoder().encode(stored).length,
           sameAsStore: JSON.stringify(studysite.normalize(JSON.parse(stored))) === stored };
}"""

PAGE_FACTS = """() => ({
  today: studysite.today(),
  key: 'studysite:' + new URL(document.body.dataset.root || './', location.href).pathname,
  index: window.studysiteReviewIndex,
})"""

FIRST = """() => {
  const due = performance.getEntriesByName('studysite:due'), ran = performance.getEntriesByName('bench:index-ran')[0];
  const end = due[0].startTime + due[0].duration;
  return { first: due[0].duration, count: due.length, fromIndex: end - ran.startTime, fromNavigation: end,
           text: document.querySelector('[data-today-text]').textContent,
           rows: document.querySelectorAll('[data-breakdown] tr').length };
}"""

# Runs a change on a <select> of the page, as a learner's choice does, and times it.
CHANGE = """async ([selector, value]) => {
  const before = performance.getEntriesByName('studysite:due').length;
  const select = document.querySelector(selector);
  const t0 = performance.now();
  select.value = value;
  select.dispatchEvent(new Event('change', { bubbles: true }));
  const handler = performance.now() - t0;
  await new Promise(r => requestAnimationFrame(() => setTimeout(r, 0)));  // painted by then
  const painted = performance.now() - t0;
  const due = performance.getEntriesByName('studysite:due');
  if (due.length !== before + 1) throw new Error('expected one compute, got ' + (due.length - before));
  return { compute: due[due.length - 1].duration, handler, painted };
}"""

# Pieces of the work, timed on the page's own store and data (after load, so its states are cached).
PIECES = """(key) => {
  const store = window.benchStore, text = localStorage.getItem(key), out = {};
  let t0 = performance.now();
  const parsed = JSON.parse(text);
  out.parse = performance.now() - t0;
  t0 = performance.now();
  studysite.normalize(parsed);
  out.normalize = performance.now() - t0;
  const raw = window.studysiteReviewIndex, T = {}, Q = {};
  raw.fields.topic.forEach((n, i) => T[n] = i); raw.fields.question.forEach((n, i) => Q[n] = i);
  const questions = [];
  for (const t of raw.topics) {
    for (const q of t[T.questions]) questions.push([t[T.url] + '#' + q[Q.id], q[Q.difficulty]]);
  }
  t0 = performance.now();
  for (const [id, level] of questions) store.state(id, level);
  out.stateCached = performance.now() - t0;
  t0 = performance.now();
  store.save();  // (the same record: it empties the cache of replayed states)
  out.save = performance.now() - t0;
  t0 = performance.now();
  for (const [id, level] of questions) store.state(id, level);
  out.stateUncached = performance.now() - t0;
  const cards = store.data.cards, settings = store.settings();
  t0 = performance.now();
  for (const [id, level] of questions) {
    const history = cards[id];
    if (history) studysiteFsrs.due(studysiteFsrs.replay(history, studysiteFsrs.PRIOR[level]), settings.retention);
  }
  out.replay = performance.now() - t0;
  return out;
}"""


def build_site(work: Path, questions: int) -> Path:
    """The synthetic site of `questions` questions (15 a topic), built with the CLI; returns its _site."""
    generate_corpus(work, topics=-(-questions // 15), questions=15)
    for name in ("templates", "static"):
        shutil.copytree(REPO / name, work / name, dirs_exist_ok=True)
    if main(["build", "--root", str(work)]) != 0:
        raise SystemExit("the synthetic site did not build")
    return work / "_site"


def simulate(index: dict, today: int, args: argparse.Namespace) -> dict:
    """A year of reviews of `args.studied` questions of the review index, by the site's scheduler."""
    import random

    T = {name: i for i, name in enumerate(index["fields"]["topic"])}
    Q = {name: i for i, name in enumerate(index["fields"]["question"])}
    questions = [(topic[T["url"]] + "#" + q[Q["id"]], q[Q["difficulty"]])
                 for topic in index["topics"] for q in topic[T["questions"]]]
    chosen = random.Random(args.seed).sample(questions, min(args.studied, len(questions)))
    order = {key: n for n, (key, _) in enumerate(questions)}
    chosen.sort(key=lambda question: order[question[0]])  # studied topic by topic, in the site's order
    request = {"fsrs": str(REPO / "static/fsrs.js"), "seed": args.seed, "today": today, "days": args.days,
               "skip": 0.1, "newPerDay": 20, "retention": 0.9, "grades": [0.1, 0.1, 0.7, 0.1],
               "questions": chosen}
    with tempfile.NamedTemporaryFile("w", suffix=".js", delete=False) as script:
        script.write(SIMULATE)
    try:
        out = subprocess.run(["node", script.name], input=json.dumps(request), capture_output=True, text=True,
                             check=True)
    finally:
        Path(script.name).unlink()
    return json.loads(out.stdout)


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


def serve(site: Path) -> http.server.ThreadingHTTPServer:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_QuietHandler, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def spread(values: list[float]) -> str:
    return f"{statistics.median(values):7.1f} ms  ({min(values):.1f}-{max(values):.1f})"


def measure(site: Path, args: argparse.Namespace) -> dict:
    from playwright.sync_api import sync_playwright

    server = serve(site)
    url = f"http://127.0.0.1:{server.server_address[1]}/review.html"
    runs: dict[str, list[float]] = {"first": [], "fromIndex": [], "fromNavigation": [], "filter": [],
                                    "filterHandler": [], "filterPainted": [], "uncached": [], "uncachedHandler": [],
                                    "parse": [], "normalize": [], "stateCached": [], "stateUncached": [], "replay": [],
                                    "save": []}
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=args.chromium,
                                                 args=["--no-sandbox", "--disable-gpu"])
            context = browser.new_context()
            context.add_init_script(INIT)
            page = context.new_page()
            page.goto(url)
            page.wait_for_function("() => window.studysiteReviewIndex")
            facts = page.evaluate(PAGE_FACTS)
            history = simulate(facts["index"], facts["today"], args)
            text = json.dumps({"version": 2, "cards": history["cards"], "checks": {}, "quizzes": {}, "settings": {}},
                              separators=(",", ":"))
            stored = page.evaluate(SETUP, [facts["key"], text])
            page.close()
            category = sorted(facts["index"]["categories"])[len(facts["index"]["categories"]) // 2]
            for run in range(args.runs + 1):  # the first is a warm-up
                page = context.new_page()
                page.goto(url)
                page.wait_for_function("() => performance.getEntriesByName('studysite:due').length > 0")
                first = page.evaluate(FIRST)
                changed = page.evaluate(CHANGE, ["[data-filter=category]", category])
                uncached = page.evaluate(CHANGE, ["[data-setting=retention]", "0.85"])
                pieces = page.evaluate(PIECES, facts["key"])
                page.evaluate("([key, text]) => localStorage.setItem(key, text)", [facts["key"], text])  # undo
                page.close()
                if first["count"] != 1:
                    raise SystemExit(f"expected one compute on load, saw {first['count']}")
                if run == 0:
                    shown = first
                    continue
                for name, value in (("first", first["first"]), ("fromIndex", first["fromIndex"]),
                                    ("fromNavigation", first["fromNavigation"]), ("filter", changed["compute"]),
                                    ("filterHandler", changed["handler"]), ("filterPainted", changed["painted"]),
                                    ("uncached", uncached["compute"]), ("uncachedHandler", uncached["handler"])):
                    runs[name].append(value)
                for name in ("parse", "normalize", "stateCached", "stateUncached", "replay", "save"):
                    runs[name].append(pieces[name])
            browser.close()
    finally:
        server.shutdown()
    return {"runs": runs, "stored": stored, "history": history, "shown": shown}


def main_cli() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--questions", type=int, default=15_000)
    parser.add_argument("--studied", type=int, default=5_000, help="questions with a history")
    parser.add_argument("--days", type=int, default=365, help="days of history, up to yesterday")
    parser.add_argument("--runs", type=int, default=7, help="page loads timed (after one warm-up)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--keep", type=Path, help="build the site in this folder and keep it (rebuilt if there)")
    parser.add_argument("--budget-ms", type=float, default=50.0)
    parser.add_argument("--budget-bytes", type=int, default=2_000_000)
    parser.add_argument("--chromium", default=shutil.which("chromium") or "/usr/bin/chromium")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        work = args.keep.resolve() if args.keep else Path(tmp)
        site = build_site(work, args.questions)
        index_kb = (site / "review-index.js").stat().st_size / 1024
        page_html = (site / "review.html").read_text(encoding="utf-8")
        versions = " ".join(f"{name}@{version}" for name, version in
                            re.findall(r'static/(core|fsrs|progress|review)\.js\?v=(\w+)', page_html))
        result = measure(site, args)
    runs, stored, history, shown = result["runs"], result["stored"], result["history"], result["shown"]
    if not stored["sameAsStore"]:
        print("warning: the store would save the record differently (normalize changed it)")
    first, uncached = statistics.median(runs["first"]), statistics.median(runs["uncached"])
    keys = sum(len(json.dumps(key)) + 1 for key in history["cards"])  # "key":
    print(f"review page over {args.questions} questions (review-index.js {index_kb:.0f} KiB), "
          f"{history['started']} with a history of {args.days} days")
    print(f"  scripts measured: {versions}")
    print(f"  history: {history['reviews']} reviews ({history['lapses']} lapses) on {history['studyDays']} study days; "
          f"{history['dueToday']} due today by the simulator")
    print(f"  stored record: {stored['chars']:,} UTF-16 code units ({2 * stored['chars']:,} bytes as UTF-16), "
          f"{stored['utf8']:,} bytes as UTF-8 (budget {args.budget_bytes:,}); the {len(history['cards'])} keys "
          f"take {keys:,} of it ({100 * keys / stored['chars']:.0f}%)")
    agrees = shown["text"].startswith(f"{history['dueToday']} card")
    print(f"  page says: {shown['text']!r}; {shown['rows']} topic rows "
          f"({'the same due count as' if agrees else 'WARNING: not the due count of'} the simulator)")
    print(f"  medians of {args.runs} page loads (min-max):")
    rows = [("first compute (studysite:due on load)", "first"),
            ("  load: review-index.js ran -> first compute done", "fromIndex"),
            ("  load: navigation -> first compute done", "fromNavigation"),
            ("filter change: compute (studysite:due)", "filter"),
            ("  filter change: whole handler", "filterHandler"),
            ("  filter change: handler + next frame", "filterPainted"),
            ("compute, nothing cached (retention changed)", "uncached"),
            ("  retention change: whole handler", "uncachedHandler"),
            ("piece: JSON.parse of the record (every page load)", "parse"),
            ("piece: normalize of the record (every page load)", "normalize"),
            ("piece: store.state of every question, cached", "stateCached"),
            ("piece: store.state of every question, nothing cached", "stateUncached"),
            ("piece: fsrs replay + due of every history alone", "replay"),
            ("piece: store.save (after every answer)", "save")]
    for label, name in rows:
        print(f"    {label:<52} {spread(runs[name])}")
    print(f"  ratio, compute with nothing cached / first compute: {uncached / first:.1f}x")
    failed = []
    if first > args.budget_ms:
        failed.append(f"first compute {first:.1f} ms > {args.budget_ms:g} ms")
    if uncached > args.budget_ms:
        failed.append(f"compute with nothing cached {uncached:.1f} ms > {args.budget_ms:g} ms")
    if stored["utf8"] > args.budget_bytes:
        failed.append(f"stored record {stored['utf8']:,} bytes > {args.budget_bytes:,}")
    met = f"met (< {args.budget_ms:g} ms, < {args.budget_bytes:,} bytes)"
    print("  verdict: " + ("; ".join(failed) if failed else met))
    if args.keep:
        print(f"  site kept in {work}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main_cli())
