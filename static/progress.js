/* studysite progress: what is known and due on the home and category pages, and the progress panel
   (export, merging import, reset everything, persistent storage) on the home and review pages. */
(function () {
  "use strict";
  studysite.feature("progress", function (page) {
    var $ = studysite.$, $$ = studysite.$$, show = studysite.show, plural = studysite.plural, positions = studysite.positions;
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
    function paint() {
      var overall = { known: 0, due: 0 };
      topicsShown.forEach(function (el) {
        var topic = el.dataset.progressFor, total = Number(el.dataset.total);
        var c = index ? tally(topic) : { known: 0, due: 0, again: 0 };
        overall.known += c.known; overall.due += c.due;
        el.textContent = (c.known ? "· " + c.known + "/" + total + " known" : "") + (c.again ? " · " + c.again + " to review" : "");
        el.classList.toggle("is-complete", c.known === total);
        el.hidden = !c.known && !c.again;
        var due = dueLinks[topic];
        if (due) { due.textContent = c.due + " due today"; due.hidden = !c.due; }
      });
      $$("[data-quiz-for]").forEach(function (el) {
        var result = store.data.quizzes[el.dataset.quizFor];
        el.hidden = !result;
        if (result) el.textContent = "· best " + result.best + "/" + result.total;
      });
      if (panel) {
        if (!topicsShown.length) { show(panel); return; }  // (the review page counts for itself: review.js)
        $("[data-overall-progress]", panel).textContent = overall.known + " of " + plural(Number(panel.dataset.total), "question") + " known";
        var due = $("[data-overall-due]", panel);
        due.textContent = overall.due + " due today";
        due.hidden = !overall.due || page.body.dataset.page === "review";
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
        status.textContent = "This browser does not let the site save anything here: progress lasts until you close the page. Export it to keep it.";
        return;
      }
      var base = "Progress is saved in this browser only.";
      if (!navigator.storage || !navigator.storage.persisted) {
        status.textContent = base + (safari ? " Safari deletes it after 7 days without a visit unless the site is on your home screen: export it now and then." : "");
        return;
      }
      navigator.storage.persisted().then(function (kept) {
        status.textContent = kept
          ? base + " The browser keeps it until you clear this site's data."
          : base + " The browser may clear it when space runs low" +
            (safari ? ", and Safari deletes it after 7 days without a visit" : "") + ": ask it to keep it, or export it now and then.";
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
          status.textContent = "Progress exported as studysite-progress.json.";
        } else if (action === "import") {
          file.click();
        } else if (action === "persist") {
          navigator.storage.persist().then(function (granted) {
            status.textContent = granted ? "The browser will keep your progress." :
              "The browser did not promise to keep it (browsers decide by how often you visit): export your progress now and then.";
            storageStatus();
          });
        } else if (action === "reset-all") {
          var cards = Object.keys(store.data.cards).length;
          if (!window.confirm("Reset everything? This forgets the answers and schedule of " + plural(cards, "card") + ", every quiz score " +
                              "and every checklist tick saved in this browser. Export first to keep a copy.")) return;
          store.resetAll();
          status.textContent = "Everything was reset.";
          document.dispatchEvent(new CustomEvent("studysite:storechange"));
        }
      });
      file.addEventListener("change", function () {
        var chosen = file.files && file.files[0];
        if (!chosen) return;
        chosen.text().then(function (text) {
          var report = store.importText(text);
          if (!report) {
            status.textContent = "That file is not a studysite progress export; nothing was changed.";
            return;
          }
          if (!report.saved) {
            status.textContent = "The file was read, but this browser could not save it (its storage for this site is full " +
              "or turned off): the import lasts only until the page closes.";
            document.dispatchEvent(new CustomEvent("studysite:storechange"));
            return;
          }
          var changed = report.added + report.longer + report.combined;
          status.textContent = "Progress imported: " + plural(changed, "card") + " updated" +
            (report.combined ? " (" + report.combined + " with the reviews of both)" : "") +
            (report.kept ? ", " + report.kept + " already up to date here" : "") +
            (report.checks ? ", " + plural(report.checks, "checklist tick") : "") +
            (report.quizzes ? ", " + plural(report.quizzes, "quiz score") : "") + ".";
          document.dispatchEvent(new CustomEvent("studysite:storechange"));
        }).catch(function () {
          status.textContent = "That file could not be read; nothing was changed.";
        }).then(function () { file.value = ""; });
      });
      storageStatus();
    }
    document.addEventListener("studysite:storechange", loadIndex, page.forPage);
    paint();
    loadIndex();
  });
})();
