/* studysite search: every question and page, searched as you type; the index loads on first use. */
(function () {
  "use strict";
  studysite.feature("search", function (page) {
    var $ = studysite.$, $$ = studysite.$$, show = studysite.show, positions = studysite.positions;
    var plural = studysite.plural, keyHandlers = page.keys, forPage = page.forPage, body = page.body, rootUrl = page.rootUrl;
    var form = $("[data-search]");
    if (!form) return;
    var input = $("#search-input"), panel = $("[data-search-panel]"), status = $("#search-status");
    var list = $("#search-results"), template = $("#search-result-template");
    var index = null, loading = null, source = null, LIMIT = 20;

    function fold(text) {
      // Case- and accent-insensitive; letters of every script survive (CJK, Arabic ...).
      return String(text).normalize("NFKD").replace(/[\u0300-\u036f\u064b-\u065f\u0670]/g, "").toLowerCase();
    }
    function load() {
      // The dev server drops the loaded index when a save rebuilds it: then read it again.
      if (index && window.studysiteSearchIndex !== source) index = loading = null;
      if (index) return Promise.resolve(index);
      if (loading) return loading;
      loading = new Promise(function (resolve, reject) {
        if (window.studysiteSearchIndex) return resolve();
        var script = document.createElement("script");
        script.src = body.dataset.searchIndex;
        script.onload = function () { resolve(); };
        script.onerror = function () { loading = null; reject(new Error("index")); };
        document.head.appendChild(script);
      }).then(function () {
        // Pages and questions are arrays whose field names the index lists once (defined in
        // render.py). Pages come first, so a page title wins ties.
        var raw = source = window.studysiteSearchIndex, pages = raw.pages, questions = [];
        var P = positions(raw.fields.page), Q = positions(raw.fields.question);
        index = pages.map(function (p) {
          var category = raw.categories[p[P.category]] || p[P.category];
          p[P.questions].forEach(function (q) {
            questions.push({ title: q[Q.question], topic: p[P.title], url: q[Q.url], difficulty: q[Q.difficulty],
                             fields: [fold(q[Q.question]), fold(q[Q.tags]),
                                      fold(p[P.title] + " " + category), fold(q[Q.text])] });
          });
          return { title: p[P.title], topic: category + " · " + p[P.kind], url: p[P.url], difficulty: "",
                   fields: [fold(p[P.title]), fold(p[P.tags]), fold(category), fold(p[P.summary])] };
        }).concat(questions);
        return index;
      });
      return loading;
    }
    var WEIGHTS = [10, 6, 4, 1];
    function find(query) {
      var terms = fold(query).split(/\s+/).filter(Boolean);
      if (!terms.length) return [];
      var hits = [];
      for (var i = 0; i < index.length; i++) {
        var doc = index[i], score = 0, ok = true;
        for (var t = 0; t < terms.length && ok; t++) {
          var best = 0;
          for (var f = 0; f < 4; f++) {
            if (doc.fields[f].indexOf(terms[t]) !== -1 && WEIGHTS[f] > best) best = WEIGHTS[f];
          }
          if (best) score += best; else ok = false;
        }
        if (ok) hits.push({ doc: doc, score: score, order: i });
      }
      hits.sort(function (a, b) { return b.score - a.score || a.order - b.order; });
      return hits;
    }
    function render(query) {
      var hits = find(query);
      list.textContent = "";
      hits.slice(0, LIMIT).forEach(function (hit) {
        var item = template.content.firstElementChild.cloneNode(true);
        var link = $("a", item), chip = $(".chip", item);
        link.href = new URL(hit.doc.url, rootUrl).href;
        $(".search-result__title", item).textContent = hit.doc.title;
        $(".search-result__topic", item).textContent = hit.doc.topic;
        if (hit.doc.difficulty) {
          chip.textContent = hit.doc.difficulty.charAt(0).toUpperCase() + hit.doc.difficulty.slice(1);
          chip.classList.add("chip--" + hit.doc.difficulty);
        } else {
          chip.remove();
        }
        list.appendChild(item);
      });
      status.textContent = !hits.length ? "Nothing matches “" + query + "”."
        : hits.length > LIMIT ? "Showing " + LIMIT + " of " + hits.length + " results."
        : plural(hits.length, "result") + ".";
    }
    function update() {
      var query = input.value.trim();
      if (!query) { panel.hidden = true; return; }
      panel.hidden = false;
      if (!index) status.textContent = "Loading the search index…";
      load().then(function () { if (input.value.trim() === query) render(query); },
                  function () { status.textContent = "The search index could not be loaded."; });
    }
    input.addEventListener("focus", function () { load().catch(function () {}); if (input.value.trim()) update(); });
    input.addEventListener("input", update);
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var first = $("a", list);
      if (first) first.click();
    });
    form.addEventListener("keydown", function (event) {
      var links = $$("a", list), at = links.indexOf(document.activeElement);
      if (event.key === "Escape") {
        // First Escape empties the box, the next one leaves it.
        if (input.value) { input.value = ""; update(); input.focus(); } else { input.blur(); }
        event.preventDefault();
      } else if (event.key === "ArrowDown" && links.length) {
        links[Math.min(at + 1, links.length - 1)].focus();
        event.preventDefault();
      } else if (event.key === "ArrowUp" && links.length) {
        (at <= 0 ? input : links[at - 1]).focus();
        event.preventDefault();
      }
    });
    document.addEventListener("click", function (event) {
      if (!form.contains(event.target)) panel.hidden = true;
    }, forPage);
    form.addEventListener("focusout", function (event) {
      if (!event.relatedTarget || !form.contains(event.relatedTarget)) panel.hidden = true;
    });
    form.addEventListener("focusin", function () { if (input.value.trim()) panel.hidden = false; });
    keyHandlers.push(function (event) {
      if (event.key !== "/") return false;
      input.focus();
      input.select();
      return true;
    });
    show(form);
  });
})();
