/* studysite progress: what is known and due on the home and category pages, and the progress panel
   (export, merging import, reset everything, persistent storage) on the home and review pages. */
(function () {
  "use strict";
  studysite.feature("progress", function (page) {
    var $ = studysite.$, $$ = studysite.$$, show = studysite.show, t = studysite.t, positions = studysite.positions;
    var store = page.store;
    var topicsShown = $$("[data-progress-for]"), panel = $("[data-progress-panel]");
    var dueLinks = {};
    $$("[data-due-for]").forEach(function (el) { dueLinks[el.dataset.dueFor] = el; });
    if (!topicsShown.length && !panel && !$("[data-quiz-for]")) return;
    var index = null;  // the review index: which questions each topic has now, and their levels

    function hasHistory() { return Object.keys(store.data.cards).length > 0; }
    function tally(topic) {
      // Known: last answered Hard, Good or Easy; due: its review day has come.
      var counts = { known: 0, due: 0, again: 0 }, day = studysite.today();
      (index.topics[topic] || []).forEach(function (q) {
        var s = store.state(topic + "#" + q.id, q.difficulty);
        if (!s) return;
        if (s.grade === 1) counts.again += 1; else counts.known += 1;
        if (s.due <= day) counts.due += 1;
      });
      return counts;
    }
    // (changed only where it differs: a first visit's listing starts as the template drew it)
    function hide(el, hidden) { if (el.hidden !== hidden) el.hidden = hidden; }
    function paint() {
      var overall = { known: 0, due: 0 };
      topicsShown.forEach(function (el) {
        var topic = el.dataset.progressFor, total = Number(el.dataset.total);
        var c = index ? tally(topic) : { known: 0, due: 0, again: 0 };
        overall.known += c.known; overall.due += c.due;
        studysite.setText(el, [c.known ? t("progress.known", { known: c.known, total: total }) : "",
          c.again ? t("progress.to_review", { count: c.again }) : ""].filter(Boolean).join(" · "));
        if (el.classList.contains("is-complete") !== (c.known === total)) el.classList.toggle("is-complete");
        hide(el, !c.known && !c.again);
        var due = dueLinks[topic];
        if (due) { if (c.due) studysite.setText(due, t("progress.due_today", { count: c.due })); hide(due, !c.due); }
      });
      $$("[data-quiz-for]").forEach(function (el) {
        var result = store.data.quizzes[el.dataset.quizFor];
        hide(el, !result);
        if (result) studysite.setText(el, t("progress.quiz_best", { best: result.best, total: result.total }));
      });
      $$("[data-fresh]").forEach(function (el) {
        hide(el, $$("[data-progress-for], [data-due-for], [data-quiz-for]", el.parentNode).some(function (part) { return !part.hidden; }));
      });
      if (panel) {
        if (!topicsShown.length) { show(panel); return; }  // (the review page counts for itself: review.js)
        studysite.setText($("[data-overall-progress]", panel), t("progress.overall", { known: overall.known, count: Number(panel.dataset.total) }));
        var due = $("[data-overall-due]", panel);
        if (overall.due) studysite.setText(due, t("progress.due_today", { count: overall.due }));
        hide(due, !overall.due || page.body.dataset.page === "review");
        show(panel);
      }
    }
    function loadIndex() {
      // Only a learner with a history needs the index: a first visit loads nothing more.
      if (!hasHistory() || !topicsShown.length) { index = null; paint(); return; }
      studysite.loadScript(page.body.dataset.reviewIndex).then(function () {
        var raw = window.studysiteReviewIndex, T = positions(raw.fields.topic), Q = positions(raw.fields.question);
        index = { topics: {} };
        raw.topics.forEach(function (t) {
          index.topics[t[T.url]] = t[T.questions].map(function (q) { return { id: q[Q.id], difficulty: q[Q.difficulty] }; });
        });
        paint();
      }, function () { paint(); });
    }

    function storageStatus() {
      // Tell the learner how long the browser keeps what they saved (and ask it to keep it).
      var status = $("[data-storage-status]", panel), button = $("[data-action=persist]", panel);
      var safari = /^((?!chrome|android|crios|fxios).)*safari/i.test(navigator.userAgent);
      if (!store.persistent) {
        status.textContent = t("progress.no_storage");
        var folded = $("[data-progress-more]", panel);
        if (folded) folded.open = true;  // (a warning, not a detail: progress will be lost)
        return;
      }
      var base = t("progress.saved");
      if (!navigator.storage || !navigator.storage.persisted) {
        status.textContent = base + (safari ? " " + t("progress.safari") : "");
        return;
      }
      navigator.storage.persisted().then(function (kept) {
        status.textContent = base + " " + t(kept ? "progress.kept" : safari ? "progress.may_clear_safari" : "progress.may_clear");
        button.hidden = kept;
      });
    }
    if (panel) {
      var status = $("[data-progress-status]", panel), file = $("[data-import-file]", panel);
      panel.addEventListener("click", function (event) {
        var button = event.target.closest("button[data-action]");
        if (!button) return;
        var action = button.dataset.action;
        if (action === "export") {
          var blob = new Blob([store.exportText()], { type: "application/json" });
          var link = document.createElement("a");
          link.href = URL.createObjectURL(blob);
          link.download = "studysite-progress.json";
          document.body.appendChild(link);
          link.click();
          link.remove();
          setTimeout(function () { URL.revokeObjectURL(link.href); }, 1000);
          status.textContent = t("progress.exported");
        } else if (action === "import") {
          file.click();
        } else if (action === "persist") {
          navigator.storage.persist().then(function (granted) {
            status.textContent = t(granted ? "progress.persisted" : "progress.not_persisted");
            storageStatus();
          });
        } else if (action === "reset-all") {
          var cards = Object.keys(store.data.cards).length;
          if (!window.confirm(t("progress.reset", { cards: t("plural.card", { count: cards }) }))) return;
          store.resetAll();
          status.textContent = t("progress.was_reset");
          document.dispatchEvent(new CustomEvent("studysite:storechange"));
        }
      });
      file.addEventListener("change", function () {
        var chosen = file.files && file.files[0];
        if (!chosen) return;
        chosen.text().then(function (text) {
          var report = store.importText(text);
          if (!report) {
            status.textContent = t("progress.not_export");
            return;
          }
          if (!report.saved) {
            status.textContent = t("progress.not_saved");
            document.dispatchEvent(new CustomEvent("studysite:storechange"));
            return;
          }
          var changed = report.added + report.longer + report.combined;
          status.textContent = t("progress.imported", { cards: t("plural.card", { count: changed }), details:
            (report.combined ? t("progress.combined", { count: report.combined }) : "") +
            (report.kept ? t("progress.up_to_date", { count: report.kept }) : "") +
            (report.checks ? t("progress.more", { what: t("plural.tick", { count: report.checks }) }) : "") +
            (report.quizzes ? t("progress.more", { what: t("plural.quiz_score", { count: report.quizzes }) }) : "") });
          document.dispatchEvent(new CustomEvent("studysite:storechange"));
        }).catch(function () {
          status.textContent = t("progress.unreadable");
        }).then(function () { file.value = ""; });
      });
      storageStatus();
    }
    document.addEventListener("studysite:storechange", loadIndex, page.forPage);
    paint();
    loadIndex();
  });
})();
