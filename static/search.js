/* studysite search: every question and page, searched as you type; the index loads on first use. */
(function () {
  "use strict";
  studysite.feature("search", function (page) {
    var $ = studysite.$, $$ = studysite.$$, show = studysite.show, positions = studysite.positions;
    var t = studysite.t, keyHandlers = page.keys, forPage = page.forPage, body = page.body, rootUrl = page.rootUrl;
    var form = $("[data-search]");
    if (!form) return;
    var input = $("#search-input"), panel = $("[data-search-panel]"), status = $("#search-status");
    var list = $("#search-results"), template = $("#search-result-template");
    var index = null, loading = null, source = null, LIMIT = 20, limit = LIMIT, SNIPPET = 160;

    function fold(text) {
      // Case- and accent-insensitive; letters of every script survive (CJK, Arabic ...). Arabic letter
      // variants read as one: alef wasla as alef, alef maksura as yeh, teh marbuta as heh; no tatweel.
      return String(text).normalize("NFKD").replace(/[\u0300-\u036f\u064b-\u065f\u0670\u0640]/g, "")
        .replace(/\u0671/g, "\u0627").replace(/\u0649/g, "\u064a").replace(/\u0629/g, "\u0647").toLowerCase();
    }
    function folded(text) {
      // The folded text and, for each of its characters, where it came from in `text`: folding can
      // change lengths (NFKD, dropped marks), and a snippet is cut and marked in the original.
      var out = "", from = [];
      for (var i = 0; i < text.length; i++) {
        var code = text.charCodeAt(i);
        if (code < 128) { out += code >= 65 && code <= 90 ? String.fromCharCode(code + 32) : text.charAt(i); from.push(i); continue; }
        var ch = code >= 0xd800 && code < 0xdc00 ? text.substr(i, 2) : text.charAt(i), f = fold(ch);
        for (var k = 0; k < f.length; k++) { out += f.charAt(k); from.push(i); }
        if (ch.length === 2) i++;
      }
      from.push(text.length);
      return { text: out, from: from };
    }
    function ranges(text, terms) {
      // [start, end) spans of `text` (original characters) where a term matches, merged and sorted.
      var f = folded(text), spans = [];
      terms.forEach(function (term) {
        for (var at = f.text.indexOf(term); at !== -1; at = f.text.indexOf(term, at + term.length)) {
          spans.push([f.from[at], f.from[at + term.length - 1] + 1]);
        }
      });
      spans.sort(function (a, b) { return a[0] - b[0]; });
      var merged = [];
      spans.forEach(function (s) {
        var last = merged[merged.length - 1];
        if (last && s[0] <= last[1]) last[1] = Math.max(last[1], s[1]); else merged.push(s.slice());
      });
      return merged;
    }
    function marked(element, text, terms) {
      // `text` into `element` with every match in <mark> (text nodes only: nothing is parsed as HTML).
      element.textContent = "";
      var at = 0;
      ranges(text, terms).forEach(function (span) {
        element.appendChild(document.createTextNode(text.slice(at, span[0])));
        var mark = document.createElement("mark");
        mark.textContent = text.slice(span[0], span[1]);
        element.appendChild(mark);
        at = span[1];
      });
      element.appendChild(document.createTextNode(text.slice(at)));
    }
    function snippet(text, foldedText, terms) {
      // The part of an answer around its first match: why this result came up. Only a window around
      // the match in the folded text (nearly where it is in the original) is mapped, not the whole answer.
      var first = Infinity;
      terms.forEach(function (term) { var at = foldedText.indexOf(term); if (at !== -1 && at < first) first = at; });
      if (first === Infinity) return "";
      var offset = Math.max(0, first - 120);
      var spans = ranges(text.slice(offset, first + SNIPPET + 120), terms);
      if (!spans.length) { offset = 0; spans = ranges(text, terms); }
      if (!spans.length) return "";
      var start = Math.max(0, offset + spans[0][0] - 40), end = Math.min(text.length, start + SNIPPET);
      spans = [[spans[0][0] + offset]];
      if (start > 0) { var space = text.indexOf(" ", start); if (space !== -1 && space < spans[0][0]) start = space + 1; }
      return (start > 0 ? "…" : "") + text.slice(start, end).trim() + (end < text.length ? "…" : "");
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
            questions.push({ title: q[Q.question], topic: p[P.title], url: q[Q.url], difficulty: q[Q.difficulty], text: q[Q.text],
                             fields: [fold(q[Q.question]), fold(q[Q.tags]),
                                      fold(p[P.title] + " " + category), fold(q[Q.text])] });
          });
          return { title: p[P.title], topic: category + " · " + t("kind." + p[P.kind] + ".label"), url: p[P.url], difficulty: "", text: p[P.summary],
                   fields: [fold(p[P.title]), fold(p[P.tags]), fold(category), fold(p[P.summary])] };
        }).concat(questions);
        return index;
      });
      return loading;
    }
    var WEIGHTS = [10, 6, 4, 1];
    function termsOf(query) { return fold(query).split(/\s+/).filter(Boolean); }
    function find(query) {
      var terms = termsOf(query);
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
    function render(query, keepMore) {
      var hits = find(query), terms = termsOf(query);
      list.textContent = "";
      hits.slice(0, limit).forEach(function (hit) {
        var item = template.content.firstElementChild.cloneNode(true);
        var link = $("a", item), chip = $(".chip", item), excerpt = $(".search-result__snippet", item);
        link.href = new URL(hit.doc.url, rootUrl).href;
        marked($(".search-result__title", item), hit.doc.title, terms);
        $(".search-result__topic", item).textContent = hit.doc.topic;
        var words = snippet(hit.doc.text || "", hit.doc.fields[3], terms);
        if (words && excerpt) marked(excerpt, words, terms); else if (excerpt) excerpt.remove();
        if (hit.doc.difficulty) {
          chip.textContent = t("difficulty." + hit.doc.difficulty);
          chip.classList.add("chip--" + hit.doc.difficulty);
        } else {
          chip.remove();
        }
        list.appendChild(item);
      });
      status.textContent = !hits.length ? t("search.nothing", { query: query })
        : hits.length > limit ? t("search.some", { shown: limit, total: hits.length })
        : t("search.all", { count: hits.length });
      if (!keepMore) more.hidden = hits.length <= limit;
      more.textContent = t("search.show_all", { count: hits.length });
    }
    // "Show all N results": the rest of the list, for a query that matches more than the first 20.
    var more = $("[data-search-more]");
    more.addEventListener("click", function () {
      var first = list.children.length;
      limit = Infinity;
      render(input.value.trim(), true);
      var next = list.children[first] && $("a", list.children[first]);
      if (next) next.focus();
      more.hidden = true;  // (only once focus has moved on: hiding the focused button would close the panel)
    });
    function update() {
      var query = input.value.trim();
      limit = LIMIT;
      if (!query) { panel.hidden = true; return; }
      panel.hidden = false;
      if (!index) status.textContent = t("search.loading");
      load().then(function () { if (input.value.trim() === query) render(query); },
                  function () { status.textContent = t("search.failed"); });
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
    // Words typed before the script came (on a slow network; the 404 page loads its scripts late) are searched now.
    if (input.value.trim() && document.activeElement === input) update();
    show(form);
  });
})();
