/* studysite progress: progress on the home and category pages, with export and import. */
(function () {
  "use strict";
  studysite.feature("progress", function (page) {
    var $ = studysite.$, $$ = studysite.$$, show = studysite.show;
    var store = page.store;
    function knownIn(topic) {
      var cards = store.data.cards, prefix = topic + "#", known = 0, review = 0;
      Object.keys(cards).forEach(function (id) {
        if (id.indexOf(prefix) !== 0) return;
        if (cards[id] === "known") known += 1; else review += 1;
      });
      return { known: known, review: review };
    }
    function showListingProgress() {
      var overall = 0;
      $$("[data-progress-for]").forEach(function (el) {
        var total = Number(el.dataset.total), p = knownIn(el.dataset.progressFor);
        var known = Math.min(p.known, total);
        overall += known;
        el.textContent = (known ? "· " + known + "/" + total + " known" : "") + (p.review ? " · " + p.review + " to review" : "");
        el.classList.toggle("is-complete", known === total);
        el.hidden = !known && !p.review;
      });
      $$("[data-quiz-for]").forEach(function (el) {
        var result = store.data.quizzes[el.dataset.quizFor];
        el.hidden = !result;
        if (result) el.textContent = "· best " + result.best + "/" + result.total;
      });
      var panel = $("[data-progress-panel]");
      if (panel) {
        $("[data-overall-progress]", panel).textContent = overall + " of " + panel.dataset.total + " questions known";
        show(panel);
      }
    }
    (function progressPanel() {
      var panel = $("[data-progress-panel]");
      if (!panel) return;
      var status = $("[data-progress-status]", panel), file = $("[data-import-file]", panel);
      $("[data-action=export]", panel).addEventListener("click", function () {
        var blob = new Blob([store.exportText()], { type: "application/json" });
        var link = document.createElement("a");
        link.href = URL.createObjectURL(blob);
        link.download = "studysite-progress.json";
        document.body.appendChild(link);
        link.click();
        link.remove();
        setTimeout(function () { URL.revokeObjectURL(link.href); }, 1000);
        status.textContent = "Progress exported as studysite-progress.json.";
      });
      $("[data-action=import]", panel).addEventListener("click", function () { file.click(); });
      file.addEventListener("change", function () {
        var chosen = file.files && file.files[0];
        if (!chosen) return;
        chosen.text().then(function (text) {
          var parsed = JSON.parse(text);
          if (!parsed || parsed.studysite !== 1 || typeof parsed.progress !== "object") throw new Error("format");
          store.replace(parsed.progress);
          showListingProgress();
          status.textContent = "Progress imported: " + Object.keys(store.data.cards).length + " cards.";
        }).catch(function () {
          status.textContent = "That file is not a studysite progress export; nothing was changed.";
        }).then(function () { file.value = ""; });
      });
    })();
    showListingProgress();
  });
})();
