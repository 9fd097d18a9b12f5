/* studysite print: question sheets, answer keys and fold-in-half flashcards from topic and quiz pages
   (docs/printing.md). The templates hold the buttons, the note and the summary line; this script sets
   body[data-print] to the sheet ("questions", "answers", "flashcards") that print.css
   lays out. A button chooses a sheet for one print; ?print= in the URL chooses it for every print of the
   page (Ctrl+P, a shared link). Cards a filter hides stay hidden, so they never print. Loaded before
   quiz.js and study.js, so that the bars have their full height before study.js scrolls to a linked card. */
(function () {
  "use strict";
  var SHEETS = ["questions", "answers", "flashcards"];

  function sheetInUrl() {
    var value = new URLSearchParams(location.search).get("print");
    return SHEETS.indexOf(value) === -1 ? "" : value;  // an unknown sheet is ignored
  }
  function urlWithoutSheet() {
    // Taken apart by hand, as study.js writes the query, so that its commas stay readable.
    var query = location.search.slice(1).split("&").filter(function (part) {
      return part && part.split("=")[0] !== "print";
    }).join("&");
    return location.pathname + (query ? "?" + query : "") + location.hash;
  }

  studysite.feature("print", function (page) {
    var $ = studysite.$, $$ = studysite.$$, body = page.body;
    var tools = $("[data-print-tools]");
    if (!tools) return;
    var note = $("[data-print-note]"), summary = $("[data-print-summary]");
    var items = $$(".cards > .cards__item");
    var chosen = sheetInUrl();  // the URL's sheet, printed by every print of the page
    var printing = false;       // a button's print is under way: afterprint goes back to `chosen`

    function sheetName(sheet) { return $('[data-print-sheet="' + sheet + '"]', tools).textContent.trim(); }
    function words(button) {
      // A filter's words without its count: "Easy", "#ResNet", "Only cards to review".
      var copy = button.cloneNode(true);
      $$(".filter-chip__count, [data-review-count]", copy).forEach(function (el) { el.remove(); });
      return copy.textContent.replace(/\(\s*\)/, "").replace(/\s+/g, " ").trim();
    }
    function paintSummary() {
      // What the paper holds: the sheet, the filters in force and how many questions pass them.
      var shown = items.filter(function (li) { return !li.hidden; }).length;
      var filters = [
        $$('[data-filter-difficulty][aria-pressed="true"]').map(words).join(", "),
        $$('[data-filter-tag][aria-pressed="true"]').map(words).join(", ")
      ].concat($$('[data-action="only-review"][aria-pressed="true"], [data-action="review-mistakes"][aria-pressed="true"]').map(words))
        .filter(Boolean);
      var parts = (body.dataset.print ? [sheetName(body.dataset.print)] : [])
        .concat(filters, [studysite.t("print.shown", { shown: shown, count: items.length })]);
      var text = parts.join(" · ");
      if (summary.textContent !== text) summary.textContent = text;
      summary.classList.toggle("is-filtered", filters.length > 0 || shown < items.length);
    }
    function paintLetters() {
      // A quiz's answer names its right options by the letters the page shows (a shuffled retry relabels them).
      $$("article.quiz-question").forEach(function (question) {
        var slot = $("[data-answer-letters]", question);
        if (!slot) return;
        var letters = $$('[data-option][data-correct="true"] .option__letter', question).map(function (el) { return el.textContent; });
        var text = letters.length ? letters.join(", ") + " ·" : "";
        if (slot.textContent !== text) slot.textContent = text;
      });
    }
    function paint() { paintSummary(); paintLetters(); }
    function setSheet(sheet) {
      if (sheet) body.dataset.print = sheet; else delete body.dataset.print;
      paint();
    }
    function paintNote() {
      note.hidden = !chosen;
      if (chosen) $("[data-print-note-sheet]", note).textContent = sheetName(chosen);
    }

    tools.addEventListener("click", function (event) {
      var button = event.target.closest("[data-print-sheet]");
      if (!button) return;
      printing = true;
      setSheet(button.dataset.printSheet);
      window.print();
    });
    $("[data-action=print-page]", note).addEventListener("click", function () {
      chosen = "";
      try { history.replaceState(null, "", urlWithoutSheet()); } catch (e) { /* some file:// set-ups refuse */ }
      setSheet("");
      paintNote();
      $("main").focus({ preventScroll: true });  // the button that had the focus is gone; the reader stays put
    });
    window.addEventListener("beforeprint", paint, page.forPage);
    window.addEventListener("afterprint", function () {
      if (!printing) return;
      printing = false;
      setSheet(chosen);
    }, page.forPage);
    // Filters, study mode and "Review mistakes" hide and show cards: the summary follows them.
    var observer = new MutationObserver(paint);
    observer.observe($("main") || body, { subtree: true, attributes: true, attributeFilter: ["hidden", "aria-pressed"] });
    page.signal.addEventListener("abort", function () { observer.disconnect(); });

    // The page as drawn holds the summary and letters for no sheet and no filter: painted only if it differs.
    if (chosen) { setSheet(chosen); paintNote(); }
    studysite.show(tools);
  });
})();
