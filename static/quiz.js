/* studysite quiz: answer, lock, score, retry and review mistakes; the best score per quiz. */
(function () {
  "use strict";
  studysite.feature("quiz", function (page) {
    var $ = studysite.$, $$ = studysite.$$, show = studysite.show;
    var store = page.store, stickHeight = page.stickHeight, t = studysite.t, setText = studysite.setText;
    var bar = $("[data-quiz-bar]");
    if (!bar) return;
    var quizPath = bar.dataset.quiz;
    var list = $(".quiz"), card = $("[data-score-card]");
    var questions = $$("article.quiz-question");
    var results = {};  // question id -> true (right) / false (wrong)
    var saved = false;

    function record() { return store.data.quizzes[quizPath] || null; }
    function options(question) { return $$("[data-option]", question); }
    function isCorrect(option) { return option.dataset.correct === "true"; }
    function answered() { return Object.keys(results).length; }
    function score() { return Object.keys(results).filter(function (id) { return results[id]; }).length; }

    function paintScore() {
      var done = answered(), total = questions.length, fill = $("[data-quiz-fill]", bar);
      setText($("[data-quiz-score]", bar), done
        ? t("quiz.score", { score: score(), done: done, left: total - done })
        : t("quiz.start", { total: total }));
      if (done || fill.style.width) fill.style.width = (100 * done / total) + "%";
      var best = record();
      var bestEl = $("[data-quiz-best]", bar);
      bestEl.hidden = !best;
      if (best) bestEl.textContent = t("quiz.best", { best: best.best, total: best.total });
      $("[data-action=forget-best]", bar).hidden = !best;
    }
    function finish() {
      var total = questions.length, got = score();
      var previous = record();
      if (!saved) {
        saved = true;
        store.data.quizzes[quizPath] = {
          best: Math.max(got, previous ? previous.best : 0), last: got, total: total,
          at: new Date().toISOString().slice(0, 10)
        };
        store.save();
      }
      $("[data-final-score]", card).textContent = got + " / " + total;
      $("[data-final-percent]", card).textContent = Math.round(100 * got / total) + "%";
      var best = record();
      $("[data-final-best]", card).textContent = previous && got > previous.best
        ? t("quiz.new_best", { best: previous.best, total: total })
        : t("quiz.best_score", { best: best.best, total: total });
      $("[data-action=review-mistakes]", card).hidden = got === total;
      card.hidden = false;
      card.focus();
      paintScore();
    }
    function settle(question, right) {
      // Lock the question and show what was right, wrong and missed, then the explanation.
      options(question).forEach(function (option) {
        var chosen = option.getAttribute("aria-pressed") === "true";
        option.disabled = true;
        var verdict = isCorrect(option) ? (chosen ? "correct" : "missed") : (chosen ? "wrong" : "");
        if (verdict) option.classList.add("is-" + verdict);
        $("[data-verdict]", option).textContent = verdict ? t("quiz." + verdict) : "";
      });
      var check = $("[data-action=check]", question);
      if (check) check.hidden = true;
      results[question.id] = right;
      question.dataset.result = right ? "right" : "wrong";
      $("[data-feedback]", question).textContent = t(right ? "quiz.right" : "quiz.not_quite");
      var answer = $("[data-answer]", question);
      answer.hidden = false;
      answer.open = true;
      paintScore();
      if (answered() === questions.length) finish();
    }
    function choose(question, option) {
      if (question.dataset.multi === "true") {
        option.setAttribute("aria-pressed", String(option.getAttribute("aria-pressed") !== "true"));
        var any = options(question).some(function (o) { return o.getAttribute("aria-pressed") === "true"; });
        $("[data-action=check]", question).disabled = !any;
        return;
      }
      option.setAttribute("aria-pressed", "true");
      settle(question, isCorrect(option));
    }
    function check(question) {
      var right = options(question).every(function (o) {
        return (o.getAttribute("aria-pressed") === "true") === isCorrect(o);
      });
      settle(question, right);
    }
    function shuffle(items) {
      for (var i = items.length - 1; i > 0; i--) {
        var j = Math.floor(Math.random() * (i + 1)), t = items[i]; items[i] = items[j]; items[j] = t;
      }
      return items;
    }
    function reset(mix) {
      // Only what differs is written: at start the page is as quiz.html drew it but for the locks.
      results = {};
      saved = false;
      questions.forEach(function (question) {
        if (question.dataset.result) delete question.dataset.result;
        question.parentNode.hidden = false;
        options(question).forEach(function (option) {
          option.disabled = false;
          if (option.getAttribute("aria-pressed") !== "false") option.setAttribute("aria-pressed", "false");
          if (/\bis-(correct|wrong|missed)\b/.test(option.className)) option.classList.remove("is-correct", "is-wrong", "is-missed");
          setText($("[data-verdict]", option), "");
        });
        var check = $("[data-action=check]", question);
        if (check) { check.hidden = false; if (!check.disabled) check.disabled = true; }
        setText($("[data-feedback]", question), "");
        var answer = $("[data-answer]", question);
        answer.open = false;
        answer.hidden = true;
        if (mix) {
          var optionList = $(".options", question);
          shuffle($$("li", optionList)).forEach(function (li) { optionList.appendChild(li); });
          // Letters follow the order on screen, as quiz.html writes them (A to Z, then numbers).
          options(question).forEach(function (option, i) { setText($(".option__letter", option), i < 26 ? String.fromCharCode(65 + i) : String(i + 1)); });
        }
      });
      if (mix) shuffle(questions.map(function (q) { return q.parentNode; })).forEach(function (li) { list.appendChild(li); });
      var mistakes = $("[data-action=review-mistakes]", card);
      if (mistakes.getAttribute("aria-pressed") !== "false") mistakes.setAttribute("aria-pressed", "false");
      card.hidden = true;
      paintScore();
    }

    list.addEventListener("click", function (event) {
      var question = event.target.closest("article.quiz-question");
      if (!question) return;
      var option = event.target.closest("[data-option]");
      if (option && !option.disabled) choose(question, option);
      else if (event.target.closest("[data-action=check]")) check(question);
    });
    $("[data-action=forget-best]", bar).addEventListener("click", function () {
      if (!window.confirm(t("quiz.forget"))) return;
      delete store.data.quizzes[quizPath];
      store.save();
      paintScore();
    });
    card.addEventListener("click", function (event) {
      var button = event.target.closest("button");
      if (!button) return;
      if (button.dataset.action === "retry") {
        reset($("[data-shuffle]", card).checked);
        var first = list.querySelector("li:not([hidden]) [data-option]");
        if (first) first.focus();
        window.scrollTo({ top: bar.getBoundingClientRect().top + window.scrollY - 16 });
      } else if (button.dataset.action === "review-mistakes") {
        var on = button.getAttribute("aria-pressed") !== "true";
        button.setAttribute("aria-pressed", String(on));
        questions.forEach(function (q) { q.parentNode.hidden = on && results[q.id] !== false; });
      }
    });
    // Paper gets every answer and explanation (and the screen gets back what it showed), also where
    // the stylesheet cannot open a closed <details>.
    var openedForPrint = [];
    window.addEventListener("beforeprint", function () {
      openedForPrint = $$("details[data-answer]").filter(function (d) { return d.hidden || !d.open; })
        .map(function (d) { var was = { el: d, hidden: d.hidden, open: d.open }; d.hidden = false; d.open = true; return was; });
    }, page.forPage);
    window.addEventListener("afterprint", function () {
      openedForPrint.forEach(function (was) { was.el.open = was.open; was.el.hidden = was.hidden; });
      openedForPrint = [];
    }, page.forPage);
    bar.classList.add("is-live");
    reset(false);
    show(bar);
    stickHeight(bar);
  });
})();
