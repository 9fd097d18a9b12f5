"""Two studysite checkouts, side by side, on the paths a change is most likely to slow: taking turns
run by run, so a shared machine's drift falls on both alike.

    git worktree add /tmp/before <commit>
    python bench/ab.py /tmp/before --topics 1000

Prints, for each checkout, the medians of: a cold build, a no-op build and a one-topic-edit build (CLI,
wall clock), and a one-topic edit on the dev server's path (one Builder kept in memory); then the ratios.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from corpus import generate_corpus  # noqa: E402

HERE = Path(__file__).resolve().parent.parent
# One topic edited on the dev server's path, in a process of the checkout's own: (cold, median edit).
IN_MEMORY = """
import statistics, sys, time
sys.path.insert(0, sys.argv[1])
from pathlib import Path
from studysite.builder import Builder
from studysite.project import Project
project = Path(sys.argv[2])
builder = Builder(Project(project, project / "content", project / "_site"))
builder.build()
topic = sorted((project / "content").rglob("*.md"))[2]
times = []
for run in range(int(sys.argv[3])):
    topic.write_text(topic.read_text() + f"\\nEdited {run}.\\n")
    started = time.perf_counter()
    builder.build()
    times.append(time.perf_counter() - started)
print(statistics.median(times))
"""


def timed(command: list[str]) -> float:
    started = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - started


def measure(checkout: Path, project: Path, runs: int) -> dict[str, float]:
    build = [sys.executable, str(checkout / "build.py"), "build", "--root", str(project)]
    for folder in project.glob("*"):
        if folder.name != "content":
            shutil.rmtree(folder) if folder.is_dir() else folder.unlink()
    for hidden in project.glob(".*"):
        shutil.rmtree(hidden) if hidden.is_dir() else hidden.unlink()
    cold = timed(build)
    noop = statistics.median(timed(build) for _ in range(runs))
    topic = sorted((project / "content").rglob("*.md"))[1]
    edits = []
    for run in range(runs):
        topic.write_text(topic.read_text() + f"\nCLI edit {run}.\n")
        edits.append(timed(build))
    memory = subprocess.run([sys.executable, "-c", IN_MEMORY, str(checkout), str(project), str(runs)],
                            check=True, capture_output=True, text=True).stdout.split()[-1]
    return {"cold": cold, "noop": noop, "edit_cli": statistics.median(edits), "edit_memory": float(memory)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("before", type=Path, help="the other checkout (a git worktree of the commit to compare with)")
    parser.add_argument("--topics", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=3, help="turns each checkout takes")
    parser.add_argument("--runs", type=int, default=7, help="runs per fast measurement in a turn")
    args = parser.parse_args()
    scratch = Path(tempfile.mkdtemp(prefix="studysite-ab-", dir="/dev/shm" if Path("/dev/shm").is_dir() else None))
    try:
        corpus = generate_corpus(scratch / "corpus", args.topics).parent
        results: dict[str, list[dict[str, float]]] = {"before": [], "after": []}
        for _ in range(args.rounds):
            for name, checkout in (("before", args.before), ("after", HERE)):
                project = scratch / name
                if not project.exists():
                    shutil.copytree(corpus, project)
                results[name].append(measure(checkout, project, args.runs))
                print(name, {k: round(v, 3) for k, v in results[name][-1].items()}, flush=True)
        print(f"\n{'measurement':<14}{'before':>10}{'after':>10}{'ratio':>8}")
        for key in ("cold", "noop", "edit_cli", "edit_memory"):
            before = statistics.median(r[key] for r in results["before"])
            after = statistics.median(r[key] for r in results["after"])
            print(f"{key:<14}{before:>10.3f}{after:>10.3f}{after / before:>8.2f}")
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
