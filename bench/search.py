"""Time a search keystroke in Chromium over a synthetic site (default 10,000 questions).

    python bench/search.py [--questions 10000]

Types queries letter by letter into the search box of a built site and measures, per keystroke,
the time from the input event to the results being in the page. Prints the median and p95.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

from corpus import generate_corpus  # noqa: E402
from studysite.cli import main  # noqa: E402

QUERIES = ["gradient descent", "memory cache", "relu", "attention encoder", "zzz", "yield value"]

MEASURE = """async (queries) => {
  const input = document.querySelector('#search-input');
  const status = document.querySelector('#search-status');
  const settle = async (test) => { while (!test()) await new Promise(r => setTimeout(r, 10)); };
  input.focus();  // the first focus loads the index; the first query turns it into the search table
  await settle(() => window.studysiteSearchIndex);
  input.value = 'a'; input.dispatchEvent(new Event('input'));
  await settle(() => /result|Nothing/.test(status.textContent));
  const times = [];
  for (const query of queries) {
    for (let i = 1; i <= query.length; i++) {
      const t0 = performance.now();
      input.value = query.slice(0, i);
      input.dispatchEvent(new Event('input'));
      await new Promise(r => setTimeout(r, 0));   // the results are rendered by then
      times.push(performance.now() - t0);
    }
    input.value = ''; input.dispatchEvent(new Event('input'));
  }
  return times;
}"""


def measure_search(site: Path, chromium: str) -> list[float]:
    """Per-keystroke milliseconds for QUERIES typed into the first topic page of `site`."""
    from playwright.sync_api import sync_playwright

    page_path = next(site.glob("*/topic-*.html"))
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=["--no-sandbox", "--disable-gpu"])
        page = browser.new_page()
        page.goto(page_path.as_uri())
        page.evaluate(MEASURE, QUERIES[:1])  # warm up the JIT
        times = page.evaluate(MEASURE, QUERIES)
        browser.close()
    return times


def build_synthetic_site(work: Path, questions: int) -> Path:
    generate_corpus(work, topics=-(-questions // 15), questions=15)
    for name in ("templates", "static"):
        shutil.copytree(REPO / name, work / name)
    if main(["build", "--root", str(work)]) != 0:
        raise SystemExit("the synthetic site did not build")
    return work / "_site"


def main_cli() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--questions", type=int, default=10_000)
    parser.add_argument("--chromium", default=shutil.which("chromium") or "/usr/bin/chromium")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        site = build_synthetic_site(Path(tmp), args.questions)
        index_kb = (site / "search-index.js").stat().st_size / 1024
        times = measure_search(site, args.chromium)
    p95 = statistics.quantiles(times, n=20)[-1]
    print(f"search over {args.questions} questions (index {index_kb:.0f} KiB): "
          f"median {statistics.median(times):.1f} ms, p95 {p95:.1f} ms, max {max(times):.1f} ms "
          f"over {len(times)} keystrokes (target: < 50 ms)")


if __name__ == "__main__":
    main_cli()
