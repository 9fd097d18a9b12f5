/* studysite fsrs: the FSRS-6 scheduler (Free Spaced Repetition Scheduler), with its published default
   parameters, at the resolution of days. A card's state is never stored: it is replayed from its
   review history ([day, grade] pairs; day = days since 1970-01-01 in the learner's calendar; grade
   1 Again, 2 Hard, 3 Good, 4 Easy), so a changed retention or a merged history reschedules exactly.
   tests/test_fsrs.py replays recorded histories here and in the reference `fsrs` package (6.3) and
   requires the same stability, difficulty and interval. Formulas: github.com/open-spaced-repetition. */
(function (root) {
  "use strict";

  var W = [0.212, 1.2931, 2.3065, 8.2956, 6.4133, 0.8334, 3.0194, 0.001, 1.8722, 0.1666, 0.796,
           1.4835, 0.0614, 0.2629, 1.6483, 0.6014, 1.8729, 0.5425, 0.0912, 0.0658, 0.1542];
  var DECAY = -W[20];
  var FACTOR = Math.pow(0.9, 1 / DECAY) - 1;
  var MIN_STABILITY = 0.001, MAX_INTERVAL = 36500;
  var AGAIN = 1, HARD = 2, GOOD = 3, EASY = 4;
  var EXP_W8 = Math.exp(W[8]), EXP_W17_W18 = Math.exp(W[17] * W[18]);  // (worked out once: 50,000 replays a page)

  function clampDifficulty(d) { return Math.min(Math.max(d, 1), 10); }
  function clampStability(s) { return Math.max(s, MIN_STABILITY); }
  function initialDifficulty(grade) { return W[4] - Math.exp(W[5] * (grade - 1)) + 1; }
  var REVERT_TO = W[7] * initialDifficulty(EASY);  // mean reversion's target, weighted
  function nextDifficulty(d, grade) {
    var delta = -W[6] * (grade - 3);
    var damped = d + (10 - d) * delta / 9;  // linear damping: the nearer 10, the smaller the step
    return clampDifficulty(REVERT_TO + (1 - W[7]) * damped);  // mean reversion
  }
  function retrievability(elapsedDays, stability) {
    return Math.pow(1 + FACTOR * Math.max(0, elapsedDays) / stability, DECAY);
  }
  function shortTermStability(s, grade) {
    // A second review on the same day (a card answered "Again" and seen again in the session).
    var increase = Math.exp(W[17] * (grade - 3 + W[18])) * Math.pow(s, -W[19]);
    if (grade >= HARD) increase = Math.max(increase, 1);
    return clampStability(s * increase);
  }
  function recallStability(d, s, r, grade) {
    var hardPenalty = grade === HARD ? W[15] : 1, easyBonus = grade === EASY ? W[16] : 1;
    return s * (1 + EXP_W8 * (11 - d) * Math.pow(s, -W[9]) * (Math.exp((1 - r) * W[10]) - 1) * hardPenalty * easyBonus);
  }
  function forgetStability(d, s, r) {
    var longTerm = W[11] * Math.pow(d, -W[12]) * (Math.pow(s + 1, W[13]) - 1) * Math.exp((1 - r) * W[14]);
    return Math.min(longTerm, s / EXP_W17_W18);
  }
  function roundHalfEven(x) {
    // Python's round(), which the reference uses: 2.5 -> 2, 3.5 -> 4.
    var r = Math.round(x);
    return Math.abs(x - Math.trunc(x)) === 0.5 ? 2 * Math.round(x / 2) : r;
  }
  /** Days until the next review of a card of stability `s`, for the wanted chance of recall. */
  var scaleFor = { retention: NaN, scale: 0 };
  function interval(s, retention) {
    if (retention !== scaleFor.retention) scaleFor = { retention: retention, scale: Math.pow(retention, 1 / DECAY) - 1 };
    var days = roundHalfEven((s / FACTOR) * scaleFor.scale);
    return Math.min(Math.max(days, 1), MAX_INTERVAL);
  }
  /** The author's easy / medium / hard as a difficulty before the first review: FSRS's own first
      difficulty for a first answer of Easy, Good and Hard. */
  var PRIOR = { easy: clampDifficulty(initialDifficulty(EASY)), medium: initialDifficulty(GOOD),
                hard: initialDifficulty(HARD) };

  /** One review: the card after answering `grade` on `day` (card null: its first review). */
  function review(card, grade, day, prior) {
    var s, d;
    if (!card) {
      s = clampStability(W[grade - 1]);
      // The first grade updates the author's estimate as every later grade updates the last one;
      // with no estimate, FSRS's own first difficulty.
      d = prior === undefined || prior === null ? clampDifficulty(initialDifficulty(grade)) : nextDifficulty(prior, grade);
      return { s: s, d: d, last: day, reps: 1, lapses: grade === AGAIN ? 1 : 0, grade: grade };
    }
    var elapsed = day - card.last;
    if (elapsed < 1) s = shortTermStability(card.s, grade);
    else {
      var r = retrievability(elapsed, card.s);
      s = clampStability(grade === AGAIN ? forgetStability(card.d, card.s, r) : recallStability(card.d, card.s, r, grade));
    }
    d = nextDifficulty(card.d, grade);
    return { s: s, d: d, last: day, reps: card.reps + 1, lapses: card.lapses + (grade === AGAIN ? 1 : 0), grade: grade };
  }
  /** A card's state from its whole history (null if never reviewed), oldest review first. The same
      steps as review(), in local variables: the review page replays every history of the site. */
  function replay(history, prior) {
    if (!history.length) return null;
    var first = review(null, history[0][1], history[0][0], prior);
    var s = first.s, d = first.d, last = first.last, lapses = first.lapses, grade = first.grade;
    // (inlined: this loop runs 50,000 times on the review page of a large site, often before the
    // browser has compiled it, where every call costs)
    var w9 = -W[9], w10 = W[10], w12 = -W[12], w13 = W[13], w14 = W[14], w15 = W[15], w16 = W[16], w17 = W[17],
        w18 = W[18], w19 = -W[19], keep = 1 - W[7];
    for (var i = 1; i < history.length; i++) {
      var entry = history[i], day = entry[0], elapsed = day - last;
      grade = entry[1];
      if (elapsed < 1) {
        var increase = Math.exp(w17 * (grade - 3 + w18)) * Math.pow(s, w19);
        s = s * (grade >= HARD && increase < 1 ? 1 : increase);
      } else {
        var r = Math.pow(1 + FACTOR * elapsed / s, DECAY);
        if (grade === AGAIN) {
          var longTerm = W[11] * Math.pow(d, w12) * (Math.pow(s + 1, w13) - 1) * Math.exp((1 - r) * w14);
          var shortTerm = s / EXP_W17_W18;
          s = longTerm < shortTerm ? longTerm : shortTerm;
        } else {
          s = s * (1 + EXP_W8 * (11 - d) * Math.pow(s, w9) * (Math.exp((1 - r) * w10) - 1) *
                   (grade === HARD ? w15 : 1) * (grade === EASY ? w16 : 1));
        }
      }
      if (s < MIN_STABILITY) s = MIN_STABILITY;
      d = REVERT_TO + keep * (d + (10 - d) * (-W[6] * (grade - 3)) / 9);  // (nextDifficulty, term for term)
      d = d < 1 ? 1 : d > 10 ? 10 : d;
      last = day;
      if (grade === AGAIN) lapses += 1;
    }
    return { s: s, d: d, last: last, reps: history.length, lapses: lapses, grade: grade };
  }
  /** The day a card falls due. */
  function due(card, retention) { return card.last + interval(card.s, retention); }

  root.studysiteFsrs = {
    AGAIN: AGAIN, HARD: HARD, GOOD: GOOD, EASY: EASY, PARAMETERS: W.slice(), PRIOR: PRIOR,
    review: review, replay: replay, interval: interval, due: due, retrievability: retrievability
  };
  if (typeof module === "object" && module.exports) module.exports = root.studysiteFsrs;
})(typeof window !== "undefined" ? window : globalThis);
