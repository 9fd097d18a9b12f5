/* studysite checklist: ticks that persist on the checklist page and on topic pages alike. */
(function () {
  "use strict";
  studysite.feature("checklist", function (page) {
    var $ = studysite.$, $$ = studysite.$$, show = studysite.show;
    var store = page.store;
    var boxes = $$("input[data-check]");
    if (!boxes.length) return;
    function counts() {
      var groups = {};
      boxes.forEach(function (box) {
        var page = box.dataset.check.split("#")[0];
        groups[page] = groups[page] || [0, 0];
        groups[page][1] += 1;
        if (box.checked) groups[page][0] += 1;
      });
      $$("[data-check-count]").forEach(function (el) {
        var g = groups[el.dataset.checkCount] || [0, 0];
        el.textContent = g[0] + "/" + g[1];
        el.classList.toggle("is-complete", g[0] === g[1]);
        show(el);
      });
      var total = $("[data-check-total]");
      if (total) {
        var done = boxes.filter(function (b) { return b.checked; }).length;
        total.textContent = studysite.t("checklist.ticked", { done: done, total: boxes.length });
      }
    }
    // (store.data is read at each use: another tab's save or a reset replaces what it holds)
    function paintBoxes() { boxes.forEach(function (box) { box.checked = !!store.data.checks[box.dataset.check]; }); }
    boxes.forEach(function (box) {
      box.addEventListener("change", function () {
        if (box.checked) store.data.checks[box.dataset.check] = true; else delete store.data.checks[box.dataset.check];
        store.save();
        counts();
      });
    });
    var clear = $("[data-action=clear-checks]");
    if (clear) clear.addEventListener("click", function () {
      if (!window.confirm(studysite.t("checklist.clear"))) return;
      boxes.forEach(function (box) { box.checked = false; delete store.data.checks[box.dataset.check]; });
      store.save();
      counts();
    });
    document.addEventListener("studysite:storechange", function () { paintBoxes(); counts(); }, page.forPage);
    paintBoxes();
    show($("[data-checklist-summary]"));
    counts();
  });
})();
