"""Lighthouse scores of every page type of the example site (issue 17), desktop and mobile, light and dark.

    python bench/lighthouse.py --write                      # 10 pages x 2 presets x 2 schemes = 40 runs
    python bench/lighthouse.py --pages home,topic --presets mobile --schemes dark --runs 3

Installs Lighthouse 12.2.3 from the npm registry into .ci/tools/lighthouse/ when it is missing (Lighthouse
13 needs Node 22; 12.2.3 runs on Node 20). Its own folder, not .ci/tools/ itself: `npm install --no-save`
removes every package of the prefix that it was not asked for, so installing there would remove the
vnu-jar that .ci/run put there (and .ci/run would then remove Lighthouse). node_modules/ is git-ignored.

Builds the repository's own example site (content/ and site.yml, which has `downloads:`) into a
temporary folder with this checkout's studysite and theme, serves it with Python's http.server (gzipped and cached as GitHub Pages serves it) in a
thread under a sub-path (/studysite-demo/, as on GitHub Pages), and runs the Lighthouse CLI on Debian's
Chromium (CHROME_PATH, default /usr/bin/chromium) once per page x preset x scheme (x --runs; with
several runs the one with the median performance score is reported, as Lighthouse advises).

Presets: `desktop` is `--preset=desktop`; `mobile` is Lighthouse's default (a Moto G Power-sized screen,
simulated slow 4G and a 4x CPU slowdown). Schemes: Lighthouse has no setting for prefers-color-scheme;
`dark` adds `--blink-settings=preferredColorScheme=0` to Chromium's flags (0 is Blink's kDark). With
Chromium 156 that flag, and `--force-dark-mode` too, make matchMedia('(prefers-color-scheme: dark)')
match inside a Lighthouse run; `--enable-features=WebContentsForceDark` does not (it darkens pages
by force instead). Before the runs this script checks the flags with `chromium --dump-dom`.

Prints a Markdown table: the four category scores, and for each score under 100 the audits that cost
it (weighted audits scoring under 1; with the CLS value when performance is under 100). Below it, the
elements or resources those audits name, and the audits flagged with no weight in the score.
Lighthouse 12.2.3 cannot name the shifted or the LCP elements with Chromium 156 (see probe()), so
the pages that shifted or were slow to their LCP are loaded again in Playwright, which names them
(`--no-probe` skips that).
`--write` adds (or replaces) the section "## Lighthouse (issue 17)" of bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from datetime import datetime
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(BENCH))

from exports import revision  # noqa: E402
from results import write_section  # noqa: E402
from run import machine  # noqa: E402

PYTHON = sys.executable
LIGHTHOUSE_VERSION = "12.2.3"
TOOLS = REPO / ".ci" / "tools" / "lighthouse"
LIGHTHOUSE = TOOLS / "node_modules" / "lighthouse" / "cli" / "index.js"
SUB_PATH = "/studysite-demo/"
SECTION = "## Lighthouse (issue 17)"
RUN_META = "run.json"  # in --json-dir: when the runs started and the load average around them

PAGES = {
    "home": "index.html",
    "category": "neural-networks/index.html",
    "topic": "neural-networks/vanishing-gradients.html",
    "quiz": "neural-networks/vanishing-gradients-mcq.html",
    "tutorial": "neural-networks/vanishing-gradients-tutorial.html",
    "checklist": "checklist.html",
    "tags": "tags/index.html",
    "tag": "tags/resnet.html",
    "review": "review.html",
    "404": "404.html",
}
PRESETS = {"desktop": ["--preset=desktop"], "mobile": []}
BASE_FLAGS = ["--headless=new", "--no-sandbox"]
SCHEMES = {"light": [], "dark": ["--blink-settings=preferredColorScheme=0"]}
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
SHORT = {"performance": "perf", "accessibility": "a11y", "best-practices": "bp", "seo": "seo"}


# --- tools -----------------------------------------------------------------------------------------

def install_lighthouse() -> None:
    """Lighthouse at the pinned version in .ci/tools/lighthouse/, from the npm registry when missing."""
    package = TOOLS / "node_modules" / "lighthouse" / "package.json"
    if package.exists() and json.loads(package.read_text())["version"] == LIGHTHOUSE_VERSION:
        return
    print(f"installing lighthouse@{LIGHTHOUSE_VERSION} into {TOOLS.relative_to(REPO)}/ ...", flush=True)
    TOOLS.mkdir(parents=True, exist_ok=True)
    subprocess.run(["npm", "install", "--no-save", "--no-audit", "--no-fund", "--prefix", str(TOOLS),
                    f"lighthouse@{LIGHTHOUSE_VERSION}"], check=True, stdout=subprocess.DEVNULL)


def command_output(*command: str) -> str:
    try:
        return subprocess.run(command, capture_output=True, text=True, timeout=60).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return "unknown"


def check_schemes(chromium: str, schemes: list[str], folder: Path) -> None:
    """Each scheme's Chromium flags give the prefers-color-scheme it is named after, or stop here."""
    probe = folder / "scheme.html"
    probe.write_text("<!doctype html><title>scheme</title><p id=r></p><script>document.getElementById('r')"
                     ".textContent = 'dark=' + matchMedia('(prefers-color-scheme: dark)').matches;</script>")
    for scheme in schemes:
        dom = command_output(chromium, *BASE_FLAGS, "--disable-gpu", *SCHEMES[scheme], "--dump-dom", probe.as_uri())
        if f"dark={'true' if scheme == 'dark' else 'false'}" not in dom:
            raise SystemExit(f"Chromium's flags for '{scheme}' do not give prefers-color-scheme: {scheme} "
                             f"({' '.join(SCHEMES[scheme]) or 'no flag'}): {dom[-200:]!r}")


# --- site ------------------------------------------------------------------------------------------

def build_site(work: Path) -> Path:
    """The example site (content/ and site.yml of this checkout) built with this checkout's studysite."""
    project = work / "project"
    shutil.copytree(REPO / "content", project / "content")
    shutil.copy(REPO / "site.yml", project / "site.yml")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, (str(REPO), os.environ.get("PYTHONPATH"))))}
    out = subprocess.run([PYTHON, "-m", "studysite", "build", "--root", str(project)], cwd=project, env=env,
                         capture_output=True, text=True)
    if out.returncode != 0:
        raise SystemExit(f"the example site did not build:\n{out.stdout}{out.stderr}")
    print(out.stdout.strip().splitlines()[-1], flush=True)
    return project / "_site"


class _PagesLikeHandler(SimpleHTTPRequestHandler):
    """Serves text as GitHub Pages does: gzipped when the browser asks, cached for 10 minutes. (Plain
    http.server sends every page and script uncompressed, which no published site does, and Lighthouse's
    simulated slow 4G would count those bytes against first paint.)"""

    COMPRESSED = (".html", ".css", ".js", ".json", ".xml", ".svg", ".txt", ".csv")

    def log_message(self, *args):
        pass

    def send_head(self):
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            if not self.path.split("?")[0].endswith("/"):
                return super().send_head()  # (its redirect to "folder/", which relative links need)
            path = path / "index.html"
        if "gzip" not in self.headers.get("Accept-Encoding", "") or path.suffix not in self.COMPRESSED or not path.is_file():
            return super().send_head()
        import gzip
        import io

        body = gzip.compress(path.read_bytes(), compresslevel=6, mtime=0)
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "max-age=600")
        self.end_headers()
        return io.BytesIO(body)


def serve_folder(folder: Path):
    """Serve `folder` on 127.0.0.1 on a free port in a thread, as GitHub Pages would; returns (server, base URL)."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_PagesLikeHandler, directory=str(folder)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


# --- Lighthouse ------------------------------------------------------------------------------------

def lighthouse(url: str, preset: str, scheme: str, output: Path, chromium: str, cpu_slowdown: float | None) -> dict:
    """One Lighthouse run; its report (LHR) as a dict, or {'error': ...}."""
    flags = " ".join(BASE_FLAGS + SCHEMES[scheme])
    slowdown = [f"--throttling.cpuSlowdownMultiplier={cpu_slowdown}"] if cpu_slowdown and preset == "mobile" else []
    command = ["node", str(LIGHTHOUSE), url, *PRESETS[preset], *slowdown, "--output=json", f"--output-path={output}",
               "--quiet", f"--chrome-flags={flags}"]
    try:
        out = subprocess.run(command, capture_output=True, text=True, timeout=240,
                             env={**os.environ, "CHROME_PATH": chromium})
    except subprocess.TimeoutExpired:
        return {"error": "timed out after 240 s"}
    if out.returncode != 0 or not output.exists():
        return {"error": f"exit {out.returncode}: {out.stderr.strip()[-300:]}"}
    report = json.loads(output.read_text())
    if report.get("runtimeError"):
        return {"error": report["runtimeError"].get("message", "runtime error"), **report}
    return report


def score(report: dict, category: str) -> int | None:
    value = report.get("categories", {}).get(category, {}).get("score")
    return None if value is None else round(value * 100)


def costly_audits(report: dict, category: str) -> list[dict]:
    """The audits with a weight in `category`'s score that scored under 1."""
    audits = report["audits"]
    return [audits[ref["id"]] for ref in report["categories"][category]["auditRefs"]
            if ref["weight"] > 0 and audits[ref["id"]].get("score") is not None and audits[ref["id"]]["score"] < 1]


def unweighted_flags(report: dict) -> list[str]:
    """Audits shown as failed (red or orange) that carry no weight in any score."""
    weighted = {ref["id"] for category in report["categories"].values() for ref in category["auditRefs"]
                if ref["weight"] > 0}
    flagged = []
    for audit_id, audit in report["audits"].items():
        value, mode = audit.get("score"), audit.get("scoreDisplayMode")
        if audit_id in weighted or value is None or mode not in ("binary", "numeric", "metricSavings"):
            continue
        if value < (1 if mode == "binary" else 0.9):
            flagged.append(audit_id)
    return flagged


def _item_label(item: dict) -> str | None:
    node = item.get("node") or {}
    if node.get("selector"):
        return f"`{node['selector']}`"
    if node.get("snippet"):
        return f"`{node['snippet'][:80]}`"
    url = item.get("url") or (item.get("source") or {}).get("url")
    if isinstance(url, str):
        return f"`{url.split(SUB_PATH, 1)[-1]}`"
    for key in ("description", "label", "groupLabel"):
        if isinstance(item.get(key), str):
            return item[key][:80]
    return None


def long_tasks(report: dict) -> dict[str, float]:
    """Milliseconds of long tasks (as Lighthouse reports them: simulated, so slowed down on mobile) by
    the script or document they are attributed to, largest first."""
    by_url: dict[str, float] = defaultdict(float)
    for task in (report["audits"].get("long-tasks", {}).get("details") or {}).get("items") or []:
        url = str(task.get("url"))
        by_url[url.split(SUB_PATH, 1)[-1].split("?")[0] if SUB_PATH in url else url] += task.get("duration") or 0
    return dict(sorted(by_url.items(), key=lambda kv: -kv[1]))


def audit_hints(report: dict, audit: dict, limit: int = 3) -> list[str]:
    """What an audit names (its first few elements or resources); for TBT, the long tasks by script."""
    if audit["id"] == "total-blocking-time":
        return [f"long tasks in `{url}` {ms:,.0f} ms" for url, ms in long_tasks(report).items()][:limit]
    hints = []
    for item in (audit.get("details") or {}).get("items") or []:
        label = _item_label(item)
        if label is not None:
            hints.append(label)
        if len(hints) == limit:
            break
    return hints


def describe(report: dict) -> str:
    """The cell naming what keeps each category under 100."""
    if "error" in report:
        return f"run failed: {report['error'][:120]}"
    parts = []
    for category in CATEGORIES:
        value = score(report, category)
        if value is None or value == 100:
            continue
        audits = costly_audits(report, category)
        names = [a["id"] + (f" {a['displayValue']}" if category == "performance" and a.get("displayValue") else "")
                 for a in audits]
        if category == "performance" and not any(a["id"] == "cumulative-layout-shift" for a in audits):
            cls = report["audits"]["cumulative-layout-shift"].get("numericValue")
            names.append(f"CLS {cls:.3f}" if isinstance(cls, (int, float)) else "CLS n/a")
        parts.append(f"{SHORT[category]}: " + ", ".join(names or ["(rounding)"]))
    return "; ".join(parts)


def median_run(reports: list[dict]) -> dict:
    """The run with the median performance score (the first of the failed runs if none worked)."""
    good = [r for r in reports if "error" not in r]
    if not good:
        return reports[0]
    good.sort(key=lambda r: score(r, "performance") or 0)
    return good[(len(good) - 1) // 2]


def measure(args, base_url: str, chromium: str, work: Path) -> list[dict]:
    rows = []
    total = len(args.pages) * len(args.presets) * len(args.schemes) * args.runs
    done = 0
    for page in args.pages:
        for preset in args.presets:
            for scheme in args.schemes:
                reports, seconds = [], []
                for number in range(args.runs):
                    name = f"{page}-{preset}-{scheme}-{number + 1}.json"
                    started = time.perf_counter()
                    if args.from_json:  # the saved report of an earlier run
                        reports.append(json.loads((args.from_json / name).read_text()))
                    else:
                        reports.append(lighthouse(base_url + PAGES[page], preset, scheme,
                                                  (args.json_dir or work) / name, chromium, args.cpu_slowdown))
                    seconds.append(time.perf_counter() - started)
                    done += 1
                report = median_run(reports)
                perfs = [score(r, "performance") for r in reports if "error" not in r]
                row = {"page": page, "preset": preset, "scheme": scheme, "report": report,
                       "scores": {c: score(report, c) for c in CATEGORIES}, "why": describe(report),
                       "perf_range": (min(perfs), max(perfs)) if len(perfs) > 1 else None,
                       "seconds": statistics.median(seconds)}
                rows.append(row)
                shown = " ".join(f"{SHORT[c]} {row['scores'][c]}" for c in CATEGORIES)
                print(f"[{done}/{total}] {page} {preset} {scheme}: {shown}"
                      f"{'  ' + row['why'] if row['why'] else ''} ({row['seconds']:.0f} s)", flush=True)
    return rows


# --- what Lighthouse 12.2.3 cannot say with Chromium 156 ------------------------------------------
# Its RootCauses and TraceElements gatherers fail on this Chromium's trace ("Cannot read properties of
# undefined (reading 'frame_sequence')"), so the audits that name the shifted and the LCP elements
# (layout-shifts, largest-contentful-paint-element) come back as errors. The page is loaded again in
# Playwright with Lighthouse's screen emulation, the same scheme and the CPU slowed 4x (so that the
# deferred scripts run after the first paint, as they did in Lighthouse's traced loads on this
# machine; unslowed, they usually run before it and nothing shifts), and the browser's own
# layout-shift and largest-contentful-paint entries name them. (Lighthouse 12.8.2, which also runs on
# Node 20, does not fail there: its layout-shifts audit named `body > main#main` on the review page.)
# Playwright hides scrollbars in headless
# Chromium (--hide-scrollbars); Lighthouse's Chromium shows them, and a scrollbar that appears when a
# script makes the page taller moves every centred element sideways: so they are shown here too.

SCREENS = {"desktop": {"viewport": {"width": 1350, "height": 940}, "device_scale_factor": 1},
           "mobile": {"viewport": {"width": 412, "height": 823}, "device_scale_factor": 1.75,
                      "is_mobile": True, "has_touch": True}}

OBSERVE = """
window.__shifts = []; window.__lcp = null;
const describe = (node) => {
  if (!node) return '(a node since removed)';
  if (node.nodeType !== 1) node = node.parentElement;
  const parts = [];
  for (let n = node; n && n.nodeType === 1 && parts.length < 3 && n !== document.body; n = n.parentElement) {
    parts.unshift(n.localName + (n.id ? '#' + n.id : '') +
                  [...n.classList].slice(0, 2).map(c => '.' + c).join(''));
    if (n.id) break;
  }
  return parts.join(' > ');
};
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) {
    if (e.hadRecentInput) continue;
    window.__shifts.push({value: e.value, time: e.startTime, sources: e.sources.map((s) => ({
      node: describe(s.node),
      from: [s.previousRect.x, s.previousRect.y, s.previousRect.height].map(Math.round),
      to: [s.currentRect.x, s.currentRect.y, s.currentRect.height].map(Math.round)}))});
  }
}).observe({type: 'layout-shift', buffered: true});
new PerformanceObserver((list) => {
  const e = list.getEntries().at(-1);
  window.__lcp = {node: describe(e.element), time: e.startTime, size: e.size};
}).observe({type: 'largest-contentful-paint', buffered: true});
"""


def _move(old: list[int], new: list[int]) -> str:
    """'y 145 h 678 -> y 189 h 634' (x too when it changed), from a layout shift's [x, y, height] rects."""
    def rect(r: list[int], x: bool) -> str:
        return "off-screen" if r == [0, 0, 0] else (f"x {r[0]} " if x else "") + f"y {r[1]} h {r[2]}"
    x = old[0] != new[0] and [0, 0, 0] not in (old, new)
    return f"{rect(old, x)} -> {rect(new, x)}"


def probe(targets: list[tuple[str, str, str]], base_url: str, chromium: str, loads: int = 2) -> dict:
    """(page, preset, scheme) -> {'shifts': [(value, 'when', 'what moved'), ...] largest first, 'lcp': {...}}."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        return {}
    found = {}
    with sync_playwright() as playwright:
        for page_name, preset, scheme in targets:
            browser = playwright.chromium.launch(executable_path=chromium, args=[
                "--no-sandbox", "--disable-gpu", *SCHEMES[scheme]], ignore_default_args=["--hide-scrollbars"])
            shifts, lcp = {}, None
            for _ in range(loads):
                context = browser.new_context(color_scheme=scheme, **SCREENS[preset])
                page = context.new_page()
                context.new_cdp_session(page).send("Emulation.setCPUThrottlingRate", {"rate": 4})
                page.add_init_script(OBSERVE)
                page.goto(base_url + PAGES[page_name], wait_until="load")
                page.wait_for_timeout(1500)
                paint = page.evaluate("performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? null")
                for shift in page.evaluate("window.__shifts"):
                    key = ", ".join(dict.fromkeys(f"`{source['node']}` {_move(source['from'], source['to'])}"
                                                  for source in shift["sources"]))
                    after = paint is not None and shift["time"] > paint
                    value, when = shifts.get(key, (0, ""))
                    shifts[key] = (max(value, shift["value"]),
                                   when or f"{shift['time']:.0f} ms{', after the first paint' if after else ''}")
                lcp = lcp or page.evaluate("window.__lcp")
                context.close()
            browser.close()
            found[(page_name, preset, scheme)] = {
                "shifts": sorted(((v, w, k) for k, (v, w) in shifts.items()), reverse=True), "lcp": lcp}
            print(f"probed {page_name} {preset} {scheme}: {len(shifts)} layout shift(s)", flush=True)
    return found


# --- report ----------------------------------------------------------------------------------------

def table(rows: list[dict]) -> str:
    lines = ["| Page | Preset | Scheme | Perf | A11y | BP | SEO | Under 100 because |",
             "| --- | --- | --- | --- | --- | --- | --- | --- |"]
    for row in rows:
        cells = []
        for category in CATEGORIES:
            value = row["scores"][category]
            cell = "-" if value is None else str(value)
            if category == "performance" and row["perf_range"]:
                cell += f" ({row['perf_range'][0]}-{row['perf_range'][1]})"
            cells.append(cell)
        lines.append(f"| {row['page']} (`{PAGES[row['page']]}`) | {row['preset']} | {row['scheme']} | "
                     f"{' | '.join(cells)} | {row['why'].replace('|', '/')} |")
    return "\n".join(lines)


def probe_targets(rows: list[dict]) -> list[tuple[str, str, str]]:
    """Among runs under 100 for performance: those whose layout shifted, and one per page and preset
    whose LCP cost points."""
    targets, lcp_seen = [], set()
    for row in rows:
        report = row["report"]
        if "error" in report or (score(report, "performance") or 0) >= 100:
            continue
        shifted = (report["audits"]["cumulative-layout-shift"].get("numericValue") or 0) > 0
        slow_lcp = any(a["id"] == "largest-contentful-paint" for a in costly_audits(report, "performance"))
        if shifted or (slow_lcp and (row["page"], row["preset"]) not in lcp_seen):
            targets.append((row["page"], row["preset"], row["scheme"]))
            lcp_seen.add((row["page"], row["preset"]))
    return targets


def details(rows: list[dict], probes: dict) -> str:
    """Per costly audit: the runs it cost points in and what it names; then the unweighted flags and
    anything odd about the runs (Lighthouse's warnings, audits that errored)."""
    where: dict[str, list[str]] = defaultdict(list)
    hints: dict[str, dict[str, None]] = defaultdict(dict)
    flags: dict[str, list[str]] = defaultdict(list)
    errored: dict[str, str] = {}
    blocking: dict[str, float] = defaultdict(float)
    warnings: dict[str, None] = {}
    ok = [row for row in rows if "error" not in row["report"]]
    for row in ok:
        report, label = row["report"], f"{row['page']} {row['preset']} {row['scheme']}"
        for category in CATEGORIES:
            for audit in costly_audits(report, category):
                where[audit["id"]].append(label)
                if audit["id"] == "total-blocking-time":
                    for url, ms in long_tasks(report).items():
                        blocking["the page's own HTML document" if url.endswith(".html") else url] += ms
                    continue
                for hint in audit_hints(report, audit):
                    hints[audit["id"]][hint] = None
        for audit_id in unweighted_flags(report):
            flags[audit_id].append(label)
        for audit_id, audit in report["audits"].items():
            if audit.get("scoreDisplayMode") == "error":
                errored.setdefault(audit_id, audit.get("errorMessage", ""))
        for warning in report.get("runWarnings", []):
            warnings[re.sub(r"\[([^]]+)\]\([^)]+\)", r"\1", re.sub(r"\s+", " ", warning)).strip()] = None
    lines = []
    if blocking:
        tbt_runs = len(where["total-blocking-time"])
        hints["total-blocking-time"] = {
            f"long tasks in {name if name.startswith('the') else f'`{name}`'} {ms / tbt_runs:,.0f} ms a run": None
            for name, ms in sorted(blocking.items(), key=lambda kv: -kv[1])[:4]}
    for audit_id, labels in sorted(where.items(), key=lambda kv: -len(kv[1])):
        named = list(hints[audit_id])[:4]
        lines.append(f"- `{audit_id}` in {len(labels)} of {len(ok)} runs ({', '.join(labels[:6])}"
                     f"{', ...' if len(labels) > 6 else ''})" + (f": {'; '.join(named)}" if named else ""))
    shifted = [(key, found) for key, found in probes.items() if found["shifts"]]
    if probes:
        lines.append("")
        lines.append("Layout shifts and LCP elements seen by the browser itself (Playwright, Lighthouse's screen "
                     "size and scrollbars, the same scheme, CPU slowed 4x, 2 loads; each shift's value, when, and "
                     "the elements it moved, from -> to in CSS px of the viewport):")
        for (page, preset, scheme), found in probes.items():
            shifts = "; ".join(f"{value:.3f} at {when}: {key}" for value, when, key in found["shifts"][:3]) or "none"
            lcp = found["lcp"]
            lcp_text = f"; LCP `{lcp['node']}` at {lcp['time']:.0f} ms" if lcp else ""
            lines.append(f"- {page} {preset} {scheme}: shifts {shifts}{lcp_text}")
        if not shifted:
            lines.append("- (no shift seen in these loads: the shifts Lighthouse saw depend on timing)")
    if flags:
        lines.append("")
        lines.append("Flagged with no weight in any score (runs): "
                     + ", ".join(f"`{a}` ({len(l)})" for a, l in sorted(flags.items(), key=lambda kv: -len(kv[1]))))
    if errored:
        lines.append("")
        lines.append("Audits that errored (no weight in the scores here): " + ", ".join(f"`{a}`" for a in errored)
                     + f" ({min(errored.values(), key=len)[:200]})")
    if warnings:
        lines.append("")
        lines.append("Lighthouse's warnings: " + " / ".join(warnings))
    return "\n".join(lines)


def environment(rows: list[dict], chromium: str) -> str:
    reports = [row["report"] for row in rows if "error" not in row["report"]]
    benchmark = [r["environment"]["benchmarkIndex"] for r in reports if "benchmarkIndex" in r.get("environment", {})]
    axe = next((r["environment"].get("credits", {}).get("axe-core") for r in reports), None)
    return (f"Lighthouse {LIGHTHOUSE_VERSION}" + (f" (axe-core {axe})" if axe else "")
            + f" on Node {command_output('node', '--version').lstrip('v')}, "
            + f"{command_output(chromium, '--version').replace(' built on ', ', ')}"
            + (f"; Lighthouse's benchmark index {min(benchmark)}-{max(benchmark)}" if benchmark else ""))


def write_results(args, started_at: datetime, code: str, env_line: str, load: str, rows: list[dict],
                  probes: dict) -> None:
    defaults = {"pages": list(PAGES), "presets": list(PRESETS), "schemes": list(SCHEMES), "runs": 1,
                "cpu-slowdown": None}
    command = "python bench/lighthouse.py" + "".join(
        f" --{name} {','.join(value) if isinstance(value, list) else value}"
        for name, value in ((n, getattr(args, n.replace("-", "_"))) for n in defaults) if value != defaults[name]) + " --write"
    runs = len(rows) * args.runs
    section = f"""{SECTION}

Measured {started_at.strftime('%Y-%m-%d %H:%M')} on {machine()}, studysite {code}:
{env_line}; load average {load} (before / after).
The example site (`content/`, `site.yml` with `downloads:`) built by this checkout, served by Python's
http.server, gzipped and cached as GitHub Pages serves it, under `{SUB_PATH}`; {runs} Lighthouse run(s) ({args.runs} per row{', the median performance score shown, its range in brackets' if args.runs > 1 else ''}).
`desktop` is `--preset=desktop`, `mobile` Lighthouse's default (simulated slow 4G, {args.cpu_slowdown or 4:g}x CPU slowdown);
`dark` runs Chromium with `--blink-settings=preferredColorScheme=0`, checked to give
`prefers-color-scheme: dark`. "Under 100 because" lists the audits with a weight in that score that
scored under 1 (perf: the metrics, with their values, and the CLS).

Reproduce: `{command}`

{table(rows)}

{details(rows, probes)}
"""
    write_section(args.output, SECTION, section)


def choices(allowed):
    def parse(text: str) -> list[str]:
        values = [v.strip() for v in text.split(",") if v.strip()]
        unknown = [v for v in values if v not in allowed]
        if unknown or not values:
            raise argparse.ArgumentTypeError(f"choose from {', '.join(allowed)}")
        return values
    return parse


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pages", type=choices(PAGES), default=list(PAGES), help=f"comma-separated: {', '.join(PAGES)}")
    parser.add_argument("--presets", type=choices(PRESETS), default=list(PRESETS), help="desktop,mobile")
    parser.add_argument("--schemes", type=choices(SCHEMES), default=list(SCHEMES), help="light,dark")
    parser.add_argument("--runs", type=int, default=1, help="Lighthouse runs per row; the median one is shown")
    parser.add_argument("--cpu-slowdown", type=float, metavar="X",
                        help="mobile runs: Lighthouse's CPU slowdown multiplier instead of its 4x, which it calibrates "
                             "for a machine of benchmark index 1500-2000; 4 x index / 1500 makes a faster machine "
                             "stand in for the slowest of those")
    parser.add_argument("--chromium", default=os.environ.get("CHROME_PATH") or shutil.which("chromium")
                        or "/usr/bin/chromium")
    parser.add_argument("--json-dir", type=Path, help="keep every run's Lighthouse report (JSON) in this folder")
    parser.add_argument("--from-json", type=Path, metavar="DIR",
                        help="report the runs saved by --json-dir in DIR instead of running Lighthouse again "
                             "(the probes still run)")
    parser.add_argument("--no-probe", action="store_true",
                        help="skip the Playwright loads that name the shifted and LCP elements")
    parser.add_argument("--write", action="store_true", help=f"add or replace '{SECTION}' in --output")
    parser.add_argument("--output", type=Path, default=BENCH / "RESULTS.md")
    args = parser.parse_args()
    if args.json_dir:
        args.json_dir.mkdir(parents=True, exist_ok=True)
    started_at = datetime.now()
    saved = {}
    if args.from_json:  # the start and the load average of that run, as --json-dir kept them
        meta = args.from_json / RUN_META
        saved = json.loads(meta.read_text()) if meta.exists() else {"load": "not recorded"}
        if "started" in saved:
            started_at = datetime.fromisoformat(saved["started"])
    code = revision()
    if not args.from_json:
        install_lighthouse()
    with tempfile.TemporaryDirectory(prefix="studysite-lighthouse-") as tmp:
        work = Path(tmp)
        check_schemes(args.chromium, args.schemes, work)
        site = build_site(work)
        served = work / "served"
        shutil.copytree(site, served / SUB_PATH.strip("/"))
        server, origin = serve_folder(served)
        load_before = f"{os.getloadavg()[0]:.1f}"
        try:
            rows = measure(args, origin + SUB_PATH, args.chromium, work)
            load = saved.get("load") or f"{load_before} / {os.getloadavg()[0]:.1f}"
            if args.json_dir and not args.from_json:
                (args.json_dir / RUN_META).write_text(json.dumps({"started": started_at.isoformat(timespec="seconds"),
                                                                  "load": load}))
            targets = probe_targets(rows)
            probes = probe(targets, origin + SUB_PATH, args.chromium) if targets and not args.no_probe else {}
        finally:
            server.shutdown()
    env_line = environment(rows, args.chromium)
    print()
    print(env_line)
    print(table(rows))
    print()
    print(details(rows, probes))
    if args.write:
        write_results(args, started_at, code, env_line, load, rows, probes)


if __name__ == "__main__":
    main()
