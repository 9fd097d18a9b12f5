/* studysite: study tools on top of pages that read fine without them.
   A plain script (ES modules do not load from file://), one section per feature. Every control
   it drives is in the page's markup with `hidden`; this script only reveals and wires it. */
(function () {
  "use strict";

  // Everything below wires one page; the dev server can swap in a rebuilt <body> and call it again
  // (with the body it replaced), so listeners outside the body are bound for this page's lifetime only.
  var lifetime = null;

  function start(previous) {
    if (lifetime) lifetime.abort();
    lifetime = new AbortController();
    var forPage = { signal: lifetime.signal };

    var body = document.body;
    var rootUrl = new URL(body.dataset.root || "./", location.href);

    function $(selector, scope) { return (scope || document).querySelector(selector); }
    function $$(selector, scope) { return Array.prototype.slice.call((scope || document).querySelectorAll(selector)); }
    function show(el) { if (el) el.hidden = false; }
    function plural(n, word) { return n + " " + word + (n === 1 ? "" : "s"); }
    function stickHeight(bar) {
      // Cards scroll into view below a sticky bar: CSS reads its height from --sticky-height.
      function measure() {
        var sticky = getComputedStyle(bar).position === "sticky";
        document.documentElement.style.setProperty("--sticky-height", sticky ? bar.offsetHeight + "px" : "0px");
      }
      measure();
      if (window.ResizeObserver) {
        var observer = new ResizeObserver(measure);
        observer.observe(bar);
        lifetime.signal.addEventListener("abort", function () { observer.disconnect(); });
      }
      window.addEventListener("resize", measure, forPage);
    }

    /* ---- Storage: one JSON record per site, kept in memory when localStorage is unavailable. ---- */
    var store = (function () {
      // The site's root path keeps two sites on one origin (user.github.io/a/ and /b/) apart.
      var key = "studysite:" + rootUrl.pathname;
      var data = { version: 1, cards: {}, checks: {}, quizzes: {} };
      try {
        var saved = JSON.parse(window.localStorage.getItem(key) || "null");
        if (saved && typeof saved === "object") data = normalize(saved);
      } catch (e) { /* private mode or file:// without storage: the page simply forgets */ }

      function normalize(raw) {
        var clean = { version: 1, cards: {}, checks: {}, quizzes: {} };
        ["cards", "checks", "quizzes"].forEach(function (part) {
          if (raw[part] && typeof raw[part] === "object" && !Array.isArray(raw[part])) clean[part] = raw[part];
        });
        Object.keys(clean.cards).forEach(function (id) {
          if (clean.cards[id] !== "known" && clean.cards[id] !== "review") delete clean.cards[id];
        });
        return clean;
      }
      function save() {
        try { window.localStorage.setItem(key, JSON.stringify(data)); } catch (e) { /* keep it in memory */ }
      }
      return {
        get data() { return data; },
        save: save,
        replace: function (raw) { data = normalize(raw); save(); },
        exportText: function () { return JSON.stringify({ studysite: 1, site: rootUrl.pathname, progress: data }, null, 2); }
      };
    })();

    /* ---- Theme: follows the system until the reader picks one; chosen before paint in <head>. ---- */
    (function theme() {
      var button = $("[data-theme-toggle]");
      if (!button) return;
      var media = window.matchMedia("(prefers-color-scheme: dark)");
      function current() { return document.documentElement.dataset.theme || (media.matches ? "dark" : "light"); }
      function label() {
        var next = current() === "dark" ? "light" : "dark";
        button.setAttribute("aria-label", "Switch to " + next + " theme");
        button.title = "Switch to " + next + " theme";
      }
      button.addEventListener("click", function () {
        var next = current() === "dark" ? "light" : "dark";
        document.documentElement.dataset.theme = next;
        try { localStorage.setItem("studysite-theme", next); } catch (e) { /* not persisted */ }
        label();
      });
      if (media.addEventListener) media.addEventListener("change", label, forPage);
      label();
      show(button);
    })();

    /* ---- Keyboard helpers ---- */
    function isTyping(target) {
      if (!target || !target.tagName) return false;
      var tag = target.tagName;
      if (tag === "TEXTAREA" || tag === "SELECT" || target.isContentEditable) return true;
      if (tag === "INPUT") return !/^(checkbox|radio|button|submit|reset|file|range|color)$/i.test(target.type);
      return false;
    }
    var keyHandlers = [];
    document.addEventListener("keydown", function (event) {
      if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey) return;
      if (isTyping(event.target)) return;
      if ($("dialog[open]")) return;  // a dialog owns the keyboard while open
      for (var i = 0; i < keyHandlers.length; i++) {
        if (keyHandlers[i](event)) { event.preventDefault(); return; }
      }
    }, forPage);

    /* ---- Search: loads its index on first use, as a script so it works from file:// too. ---- */
    (function search() {
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
          // Each page: [title, category slug, url, kind, tags, summary, questions]; each question:
          // [question, url, difficulty, tags, answer text]. Pages come first, so a page title wins ties.
          var raw = source = window.studysiteSearchIndex, pages = raw.pages, questions = [];
          index = pages.map(function (p) {
            var category = raw.categories[p[1]] || p[1];
            p[6].forEach(function (q) {
              questions.push({ title: q[0], topic: p[0], url: q[1], difficulty: q[2],
                               fields: [fold(q[0]), fold(q[3]), fold(p[0] + " " + category), fold(q[4])] });
            });
            return { title: p[0], topic: category + " · " + p[3], url: p[2], difficulty: "",
                     fields: [fold(p[0]), fold(p[4]), fold(category), fold(p[5])] };
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
      window.studysiteSearch = { load: load, find: function (q) { return find(q); } };  // for the benchmark
    })();

    /* ---- Code blocks: a copy button on each. ---- */
    function copyText(text) {
      if (navigator.clipboard && window.isSecureContext) return navigator.clipboard.writeText(text);
      return new Promise(function (resolve, reject) {
        // file:// and plain http have no clipboard API: the old way still works there.
        var area = document.createElement("textarea");
        area.value = text;
        area.setAttribute("readonly", "");
        area.style.position = "fixed"; area.style.opacity = "0";
        document.body.appendChild(area);
        area.select();
        var ok = document.execCommand("copy");
        area.remove();
        if (ok) resolve(); else reject(new Error("copy"));
      });
    }
    $$("[data-copy-code]").forEach(function (button) {
      var code = button.closest(".code").querySelector("pre");
      button.setAttribute("aria-label", "Copy code");
      button.addEventListener("click", function () {
        copyText(code.textContent.replace(/\n$/, "")).then(function () {
          button.textContent = "Copied";
        }, function () {
          button.textContent = "Select and copy";
        }).then(function () {
          setTimeout(function () { button.textContent = "Copy"; }, 1500);
        });
      });
      show(button);
    });

    /* ---- Checklists: ticks persist on the checklist page and on topic pages alike. ---- */
    (function checklists() {
      var boxes = $$("input[data-check]");
      if (!boxes.length) return;
      var checks = store.data.checks;
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
          total.textContent = done + " of " + boxes.length + " ticked";
        }
      }
      boxes.forEach(function (box) {
        box.checked = !!checks[box.dataset.check];
        box.addEventListener("change", function () {
          if (box.checked) checks[box.dataset.check] = true; else delete checks[box.dataset.check];
          store.save();
          counts();
        });
      });
      var clear = $("[data-action=clear-checks]");
      if (clear) clear.addEventListener("click", function () {
        if (!window.confirm("Clear every tick on this page?")) return;
        boxes.forEach(function (box) { box.checked = false; delete checks[box.dataset.check]; });
        store.save();
        counts();
      });
      show($("[data-checklist-summary]"));
      counts();
    })();

    /* ---- Progress on the home and category pages, with export and import. ---- */
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

    /* ---- Quiz pages: answer, lock, score, retry, review mistakes; best score per quiz. ---- */
    (function quiz() {
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
        var done = answered(), total = questions.length;
        $("[data-quiz-score]", bar).textContent = done
          ? "Score " + score() + " of " + done + " answered · " + (total - done) + " to go"
          : "0 of " + total + " answered";
        $("[data-quiz-fill]", bar).style.width = (100 * done / total) + "%";
        var best = record();
        var bestEl = $("[data-quiz-best]", bar);
        bestEl.hidden = !best;
        if (best) bestEl.textContent = "Best " + best.best + "/" + best.total;
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
          ? "A new best score (was " + previous.best + "/" + total + ")."
          : "Best score: " + best.best + "/" + total + ".";
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
          $("[data-verdict]", option).textContent = { correct: "Correct", missed: "Correct answer", wrong: "Your answer, wrong", "": "" }[verdict];
        });
        var check = $("[data-action=check]", question);
        if (check) check.hidden = true;
        results[question.id] = right;
        question.dataset.result = right ? "right" : "wrong";
        $("[data-feedback]", question).textContent = right ? "Right!" : "Not quite: the correct answer is marked.";
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
        results = {};
        saved = false;
        questions.forEach(function (question) {
          delete question.dataset.result;
          question.parentNode.hidden = false;
          options(question).forEach(function (option) {
            option.disabled = false;
            option.setAttribute("aria-pressed", "false");
            option.classList.remove("is-correct", "is-wrong", "is-missed");
            $("[data-verdict]", option).textContent = "";
          });
          var check = $("[data-action=check]", question);
          if (check) { check.hidden = false; check.disabled = true; }
          $("[data-feedback]", question).textContent = "";
          var answer = $("[data-answer]", question);
          answer.open = false;
          answer.hidden = true;
          if (mix) {
            var optionList = $(".options", question);
            shuffle($$("li", optionList)).forEach(function (li) { optionList.appendChild(li); });
          }
        });
        if (mix) shuffle(questions.map(function (q) { return q.parentNode; })).forEach(function (li) { list.appendChild(li); });
        // Letters follow the order on screen.
        questions.forEach(function (question) {
          options(question).forEach(function (option, i) { $(".option__letter", option).textContent = String.fromCharCode(65 + i); });
        });
        $("[data-action=review-mistakes]", card).setAttribute("aria-pressed", "false");
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
      bar.classList.add("is-live");
      reset(false);
      show(bar);
      stickHeight(bar);
    })();

    /* ---- Topic pages: study mode, marks, filters, deep links and shortcuts. ---- */
    (function topic() {
      var bar = $("[data-study-bar]");
      if (!bar) return;
      var topicPath = bar.dataset.topic;
      var cards = $$("article.card");
      var cards_by_id = {};
      cards.forEach(function (card) { cards_by_id[card.id] = card; card.tabIndex = -1; });
      var marks = store.data.cards;
      var state = { study: false, onlyReview: false, difficulties: [], tags: [] };
      var current = null;

      function key(card) { return topicPath + "#" + card.id; }
      function announce(text) { var el = $("[data-announce]"); el.textContent = ""; setTimeout(function () { el.textContent = text; }, 50); }
      function item(card) { return card.parentNode; }
      function visibleCards() { return cards.filter(function (c) { return !item(c).hidden; }); }

      // Marks for questions no longer on the page would inflate the counts: drop them.
      Object.keys(marks).forEach(function (id) {
        if (id.indexOf(topicPath + "#") === 0 && !cards_by_id[id.slice(topicPath.length + 1)]) delete marks[id];
      });

      /* Study mode: answers hidden behind "Show answer" until revealed. */
      function setRevealed(card, revealed) {
        var button = $("[data-action=reveal]", card);
        $(".card__answer", card).hidden = state.study && !revealed;
        $("[data-marks]", card).hidden = state.study && !revealed;
        button.setAttribute("aria-expanded", String(!state.study || revealed));
        button.textContent = revealed ? "Hide answer" : "Show answer";
        card.classList.toggle("is-revealed", !!revealed);
      }
      function isRevealed(card) { return !$(".card__answer", card).hidden; }
      function setStudy(on) {
        state.study = on;
        body.classList.toggle("is-studying", on);
        $("[data-action=study]", bar).setAttribute("aria-pressed", String(on));
        cards.forEach(function (card) {
          $("[data-reveal]", card).hidden = !on;
          setRevealed(card, false);
        });
      }

      /* Marks: known / review, saved under the question's stable id. */
      function paintMark(card) {
        var mark = marks[key(card)] || "";
        card.dataset.mark = mark;
        $("[data-action=known]", card).setAttribute("aria-pressed", String(mark === "known"));
        $("[data-action=review]", card).setAttribute("aria-pressed", String(mark === "review"));
      }
      function setMark(card, mark) {
        if (marks[key(card)] === mark) delete marks[key(card)]; else marks[key(card)] = mark;
        store.save();
        paintMark(card);
        paintProgress();
        if (state.onlyReview) applyFilters();
      }
      function paintButtons() {
        var any = cards.some(function (c) { return marks[key(c)]; });
        var review = cards.some(function (c) { return marks[key(c)] === "review"; });
        $("[data-action=reset]", bar).disabled = !any;
        $("[data-action=only-review]", bar).disabled = !review && !state.onlyReview;
      }
      function paintProgress() {
        paintButtons();
        var known = cards.filter(function (c) { return marks[key(c)] === "known"; }).length;
        var review = cards.filter(function (c) { return marks[key(c)] === "review"; }).length;
        var track = $("[data-progress-bar]", bar);
        track.setAttribute("aria-valuenow", String(known));
        track.setAttribute("aria-valuetext", known + " of " + cards.length + " known");
        $("[data-progress-fill]", bar).style.width = (100 * known / cards.length) + "%";
        $("[data-progress-text]", bar).textContent = known + " of " + cards.length + " known" +
          (review ? " · " + review + " to review" : "");
        $("[data-review-count]", bar).textContent = String(review);
      }

      /* Filters: difficulty OR difficulty, AND tag OR tag, AND "only review"; kept in the URL. */
      function matches(card) {
        if (state.difficulties.length && state.difficulties.indexOf(card.dataset.difficulty) === -1) return false;
        if (state.tags.length) {
          var tags = card.dataset.tags ? card.dataset.tags.split("|") : [];
          if (!state.tags.some(function (t) { return tags.indexOf(t) !== -1; })) return false;
        }
        if (state.onlyReview && marks[key(card)] !== "review") return false;
        return true;
      }
      function applyFilters() {
        cards.forEach(function (card) { item(card).hidden = !matches(card); });
        var shown = visibleCards().length;
        $("[data-filter-count]", bar).textContent = shown + " of " + cards.length;
        $$("[data-filter-difficulty]", bar).forEach(function (b) {
          b.setAttribute("aria-pressed", String(state.difficulties.indexOf(b.dataset.filterDifficulty) !== -1));
        });
        $$("[data-filter-tag]", bar).forEach(function (b) {
          b.setAttribute("aria-pressed", String(state.tags.indexOf(b.dataset.filterTag) !== -1));
        });
        $("[data-action=only-review]", bar).setAttribute("aria-pressed", String(state.onlyReview));
        var filtered = state.difficulties.length || state.tags.length || state.onlyReview;
        $("[data-action=clear-filters]", bar).hidden = !filtered;
        $("[data-empty-note]").hidden = shown > 0;
        $("[data-empty-text]").textContent = state.onlyReview && !cards.some(function (c) { return marks[key(c)] === "review"; })
          ? "No card is marked “Review again” yet." : "No question matches these filters.";
        paintButtons();
        writeUrl();
      }
      function toggle(list, value) {
        var at = list.indexOf(value);
        if (at === -1) list.push(value); else list.splice(at, 1);
      }
      function writeUrl() {
        // Built by hand so the commas stay readable in a shared link (URLSearchParams writes %2C).
        var parts = [];
        if (state.difficulties.length) parts.push("difficulty=" + state.difficulties.join(","));
        if (state.tags.length) parts.push("tag=" + state.tags.map(encodeURIComponent).join(","));
        if (state.onlyReview) parts.push("only=review");
        if (state.study) parts.push("study=1");
        var query = parts.join("&");
        try { history.replaceState(null, "", location.pathname + (query ? "?" + query : "") + location.hash); }
        catch (e) { /* some file:// set-ups refuse; the filter still works */ }
      }
      function readUrl() {
        var params = new URLSearchParams(location.search);
        var known = { easy: 1, medium: 1, hard: 1 };
        var tags = $$("[data-filter-tag]", bar).map(function (b) { return b.dataset.filterTag; });
        state.difficulties = (params.get("difficulty") || "").split(",").filter(function (d) { return known[d]; });
        state.tags = (params.get("tag") || "").split(",").filter(function (t) { return tags.indexOf(t) !== -1; });
        state.onlyReview = params.get("only") === "review";
        return params.get("study") === "1";
      }

      /* Moving between cards. */
      function focusCard(card) {
        if (!card) return;
        current = card;
        card.focus({ preventScroll: true });
        card.scrollIntoView({ block: "nearest" });
        cards.forEach(function (c) { c.classList.toggle("is-current", c === card); });
      }
      function stickyBottom() {
        return getComputedStyle(bar).position === "sticky" ? Math.max(0, bar.getBoundingClientRect().bottom) : 0;
      }
      function currentCard() {
        if (current && !item(current).hidden) return current;
        var visible = visibleCards(), top = stickyBottom() + 24;
        // The first card that shows below the sticky bar, else the first visible one.
        for (var i = 0; i < visible.length; i++) {
          if (visible[i].getBoundingClientRect().bottom > top) return visible[i];
        }
        return visible[0] || null;
      }
      function keepInView(card, change) {
        // Run `change` (which may fold answers away) without losing the reader's place.
        var before = card ? card.getBoundingClientRect().top : 0;
        change();
        if (card) window.scrollBy(0, card.getBoundingClientRect().top - before);
      }
      function move(step) {
        var visible = visibleCards();
        if (!visible.length) return;
        var at = visible.indexOf(current && !item(current).hidden ? current : null);
        var next = at === -1 ? (step > 0 ? currentCard() : visible[visible.length - 1]) : visible[at + step];
        if (at !== -1 && !next) return;
        focusCard(next);
      }

      /* Deep links: scroll to the card, show it even if a filter hid it, and highlight it. */
      function openHash() {
        var card = cards_by_id[decodeURIComponent(location.hash.slice(1))];
        if (!card) return;
        if (item(card).hidden) {
          state.difficulties = []; state.tags = []; state.onlyReview = false;
          applyFilters();
        }
        if (state.study) setRevealed(card, true);
        focusCard(card);
        card.scrollIntoView({ block: "start" });
        card.classList.remove("is-highlighted");
        void card.offsetWidth;  // restart the highlight animation
        card.classList.add("is-highlighted");
      }
      /* Wiring. */
      bar.addEventListener("click", function (event) {
        var button = event.target.closest("button");
        if (!button) return;
        var action = button.dataset.action;
        if (action === "study") setStudy(!state.study), writeUrl();
        else if (action === "only-review") { state.onlyReview = !state.onlyReview; applyFilters(); }
        else if (action === "clear-filters") { state.difficulties = []; state.tags = []; state.onlyReview = false; applyFilters(); }
        else if (action === "shortcuts") $("#shortcuts-dialog").showModal();
        else if (action === "reset") {
          if (!window.confirm("Forget every Got it / Review again mark on this topic?")) return;
          cards.forEach(function (card) { delete marks[key(card)]; paintMark(card); });
          store.save();
          paintProgress();
          applyFilters();
        } else if (button.dataset.filterDifficulty) { toggle(state.difficulties, button.dataset.filterDifficulty); applyFilters(); }
        else if (button.dataset.filterTag) { toggle(state.tags, button.dataset.filterTag); applyFilters(); }
      });
      $("[data-empty-note] [data-action=clear-filters]").addEventListener("click", function () {
        state.difficulties = []; state.tags = []; state.onlyReview = false; applyFilters();
      });
      $(".cards").addEventListener("click", function (event) {
        var button = event.target.closest("button[data-action]");
        if (!button) return;
        var card = button.closest("article.card");
        current = card;
        var action = button.dataset.action;
        if (action === "reveal") setRevealed(card, !isRevealed(card));
        else if (action === "known" || action === "review") {
          var next = visibleCards()[visibleCards().indexOf(card) + 1];
          setMark(card, action);
          if (item(card).hidden) focusCard(next || currentCard());  // "only review" just hid it
        }
        else if (action === "copy-link") {
          var url = location.href.split("#")[0].split("?")[0] + "#" + card.id;
          copyText(url).then(function () {
            button.classList.add("is-copied");
            button.title = "Link copied";
            announce("Link copied");
          }, function () {
            announce("Copying failed. The link is " + url);
          }).then(function () {
            setTimeout(function () {
              button.title = "Copy link";
              button.classList.remove("is-copied");
            }, 1500);
          });
        }
      });
      keyHandlers.push(function (event) {
        var target = event.target;
        var onControl = target && target.closest && target.closest("button, a, summary, input, select, textarea, label");
        switch (event.key) {
          case "j": move(1); return true;
          case "k": move(-1); return true;
          case "s":
            var anchor = currentCard();
            keepInView(anchor, function () { setStudy(!state.study); });
            writeUrl();
            return true;
          case "?": $("#shortcuts-dialog").showModal(); return true;
          case " ":
            if (onControl || !state.study) return false;  // let buttons and page scrolling work
            var card = currentCard();
            if (!card) return false;
            setRevealed(card, !isRevealed(card));
            focusCard(card);  // after revealing, so the answer is scrolled into view too
            return true;
          case "g": case "r":
            var marked = currentCard();
            if (!marked) return false;
            if (state.study && !isRevealed(marked)) setRevealed(marked, true);
            var after = visibleCards()[visibleCards().indexOf(marked) + 1];
            setMark(marked, event.key === "g" ? "known" : "review");
            announce(marks[key(marked)] === "known" ? "Marked: got it" : marks[key(marked)] ? "Marked: review again" : "Mark removed");
            if (item(marked).hidden || marks[key(marked)]) focusCard(after || currentCard());
            return true;
        }
        return false;
      });

      cards.forEach(function (card) {
        paintMark(card);
        show($("[data-action=copy-link]", card));
      });
      var study = readUrl();
      setStudy(study);
      applyFilters();
      paintProgress();
      show(bar);
      stickHeight(bar);
      if (previous) {
        // After a swap the reader stays where they were, with the same answers showing.
        $$("article.card.is-revealed", previous).forEach(function (old) {
          if (cards_by_id[old.id] && state.study) setRevealed(cards_by_id[old.id], true);
        });
      } else {
        openHash();
      }
      window.addEventListener("hashchange", openHash, forPage);
    })();
  }

  start(null);
  document.addEventListener("studysite:swap", function (event) { start(event.detail.previous); });
})();
