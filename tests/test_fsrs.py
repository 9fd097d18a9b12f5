"""The browser's scheduler (static/fsrs.js) is FSRS-6: the reference implementation, the `fsrs` package
(6.3), replays the same recorded review histories to the same stability, difficulty and interval.

The site schedules in whole days with no minute-scale learning steps, so the reference runs with no
learning or relearning steps and no fuzz; "Again" in a session is a second review on the same day.
"""

import json
import os
import random
import shutil
import subprocess
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

fsrs = pytest.importorskip("fsrs")

SCRIPT = Path(__file__).resolve().parents[1] / "static" / "fsrs.js"
START = datetime(2026, 1, 1, tzinfo=timezone.utc)
PRIOR_GRADE = {"easy": fsrs.Rating.Easy, "medium": fsrs.Rating.Good, "hard": fsrs.Rating.Hard}


def _node() -> str:
    node = shutil.which("node")
    if node is None:
        if os.environ.get("CI"):
            pytest.fail("Node.js is needed to run static/fsrs.js (.ci/run installs it)")
        pytest.skip("Node.js is not installed")
    return node


def run_js(histories: list[dict]) -> list[list[dict]]:
    """Replay each history in static/fsrs.js; per review: stability, difficulty, interval, due day."""
    program = f"""
const fsrs = require({json.dumps(str(SCRIPT))});
const cases = JSON.parse(require("fs").readFileSync(0, "utf8"));
const out = cases.map(c => {{
  const prior = c.prior ? fsrs.PRIOR[c.prior] : undefined;
  let card = null;
  return c.reviews.map(([day, grade], n) => {{
    card = fsrs.review(card, grade, day, prior);
    // The page replays whole histories: the same state as answering one review at a time.
    const replayed = fsrs.replay(c.reviews.slice(0, n + 1), prior);
    if (JSON.stringify(replayed) !== JSON.stringify(card)) throw new Error("replay differs: " + JSON.stringify([replayed, card]));
    return {{s: card.s, d: card.d, interval: fsrs.interval(card.s, c.retention), due: fsrs.due(card, c.retention)}};
  }});
}});
process.stdout.write(JSON.stringify(out));
"""
    done = subprocess.run([_node(), "-e", program], input=json.dumps(histories), capture_output=True, text=True,
                          check=True, timeout=60)
    return json.loads(done.stdout)


def run_reference(history: dict) -> list[dict]:
    """The same history through the fsrs package, one review at a time."""
    scheduler = fsrs.Scheduler(desired_retention=history["retention"], learning_steps=(), relearning_steps=(),
                               enable_fuzzing=False)
    card, steps = fsrs.Card(card_id=1), []
    for index, (day, grade) in enumerate(history["reviews"]):
        when = START + timedelta(days=day)
        card, _ = scheduler.review_card(card, fsrs.Rating(grade), when)
        if index == 0 and history["prior"]:
            # The author's level is the difficulty before the first review (FSRS's first difficulty for
            # that grade); the learner's first grade updates it with FSRS's own difficulty step.
            prior = scheduler._initial_difficulty(rating=PRIOR_GRADE[history["prior"]], clamp=True)
            card.difficulty = scheduler._next_difficulty(difficulty=prior, rating=fsrs.Rating(grade))
        steps.append({"s": card.stability, "d": card.difficulty, "interval": (card.due - when).days,
                      "due": day + (card.due - when).days})
    return steps


def recorded_histories(count: int, seed: int = 15) -> list[dict]:
    """Review histories as learners make them: mostly on time, some late or early, some lapses, some
    same-day repeats (a card answered "Again" comes back in the session), over days to years."""
    rng = random.Random(seed)
    histories = []
    for n in range(count):
        retention = [0.9, 0.9, 0.8, 0.95, 0.7][n % 5]
        prior = [None, None, "easy", "medium", "hard"][(n // 5) % 5]
        day, reviews, interval = rng.randrange(0, 30), [], 0
        for _ in range(rng.randrange(1, 25)):
            grade = rng.choices([1, 2, 3, 4], weights=[2, 1, 6, 1])[0]
            reviews.append([day, grade])
            if grade == 1 and rng.random() < 0.6:
                gap = 0  # seen again later in the same session
            else:
                timing = rng.choice([1.0, 1.0, 1.0, 0.5, 1.5, 3.0])
                gap = max(1, round(max(interval, 1) * timing)) if reviews else 1
                gap = min(gap, 3000)
            interval = rng.choice([1, 2, 3, 7, 20, 60, 200]) if n % 7 == 0 else gap or 1
            day += gap
        histories.append({"retention": retention, "prior": prior, "reviews": reviews})
    # Edge cases: each grade first, long gaps, many lapses in a row, the upper interval cap.
    for grade in (1, 2, 3, 4):
        histories.append({"retention": 0.9, "prior": None, "reviews": [[0, grade], [0, grade], [1, grade], [40, grade]]})
    histories.append({"retention": 0.9, "prior": "hard", "reviews": [[0, 1]] * 6 + [[1, 1], [2, 1], [3, 3]]})
    histories.append({"retention": 0.97, "prior": "easy", "reviews": [[d * 365, 4] for d in range(8)]})
    histories.append({"retention": 0.7, "prior": None, "reviews": [[0, 4], [3000, 1], [3000, 3], [9000, 2]]})
    return histories


def test_replayed_histories_match_the_reference_fsrs_package():
    histories = recorded_histories(80)
    assert len(histories) >= 50 and sum(len(h["reviews"]) for h in histories) > 500
    ours = run_js(histories)
    for number, (history, got) in enumerate(zip(histories, ours)):
        expected = run_reference(history)
        for step, (mine, theirs) in enumerate(zip(got, expected)):
            where = f"history {number} ({history['prior'] or 'no'} prior, retention {history['retention']}), review {step + 1}"
            assert mine["s"] == pytest.approx(theirs["s"], rel=1e-9), where
            assert mine["d"] == pytest.approx(theirs["d"], rel=1e-9), where
            assert mine["interval"] == theirs["interval"], where
            assert mine["due"] == theirs["due"], where


def test_the_defaults_are_fsrs6s_published_parameters():
    program = f"process.stdout.write(JSON.stringify(require({json.dumps(str(SCRIPT))}).PARAMETERS))"
    done = subprocess.run([_node(), "-e", program], capture_output=True, text=True, check=True, timeout=60)
    assert json.loads(done.stdout) == list(fsrs.scheduler.DEFAULT_PARAMETERS)


def test_the_authors_level_orders_the_first_difficulty():
    """After the same first answer, a question the author calls hard is harder than a medium one, and a
    medium one harder than an easy one; a harder question comes back sooner after a later review."""
    cases = [{"retention": 0.9, "prior": prior, "reviews": [[0, 3], [3, 3]]} for prior in ("easy", "medium", "hard")]
    easy, medium, hard = run_js(cases)
    assert easy[0]["d"] < medium[0]["d"] < hard[0]["d"]
    assert easy[1]["interval"] > medium[1]["interval"] > hard[1]["interval"]


def test_half_days_round_as_the_reference_does():
    """Python rounds 2.5 to 2 and 3.5 to 4; an interval that lands on a half must round the same way."""
    stabilities = [0.5, 1.5, 2.5, 3.5, 4.5, 10.5, 2.4999, 7.5001, 50000.0]
    program = f"""
const f = require({json.dumps(str(SCRIPT))});
process.stdout.write(JSON.stringify({json.dumps(stabilities)}.map(s => f.interval(s, 0.9))));
"""
    done = subprocess.run([_node(), "-e", program], capture_output=True, text=True, check=True, timeout=60)
    reference = fsrs.Scheduler(learning_steps=(), relearning_steps=(), enable_fuzzing=False)
    assert json.loads(done.stdout) == [reference._next_interval(stability=s) for s in stabilities]
