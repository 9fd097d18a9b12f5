/* studysite study: study mode, marks, filters, deep links and shortcuts on topic pages. */
(function () {
  "use strict";
  studysite.feature("study", function (page) {
    var $ = studysite.$, $$ = studysite.$$, show = studysite.show, announce = studysite.announce;
    var store = page.store, keyHandlers = page.keys, forPage = page.forPage, stickHeight = page.stickHeight, previous = page.previous, copyText = studysite.copyText, t = studysite.t, rootUrl = page.rootUrl, body = page.body;
    var bar = $("[data-study-bar]");
    if (!bar) return;
    var topicPath = bar.dataset.topic;
    var cards = $$("article.card");
    var cards_by_id = {};
    cards.forEach(function (card) { cards_by_id[card.id] = card; });  // (focusable by script: tabindex=-1 in topic.html)
    var state = { study: false, onlyReview: false, difficulties: [], tags: [] };
    var current = null;

    function key(card) { return topicPath + "#" + card.id; }
    function schedule(card) { return store.state(key(card), card.dataset.difficulty); }
    /* A card's mark is its last answer: "review" after Again, "known" after any other grade. */
    function markOf(card) { var s = schedule(card); return !s ? "" : s.grade === 1 ? "review" : "known"; }
    /* To review: due today or before, or last answered "Review again". */
    function toReview(card) { var s = schedule(card); return !!s && (s.grade === 1 || s.due <= studysite.today()); }
    function item(card) { return card.parentNode; }
    function visibleCards() { return cards.filter(function (c) { return !item(c).hidden; }); }

    /* Study mode: answers hidden behind "Show answer" until revealed. */
    function setRevealed(card, revealed) {
      var button = $("[data-action=reveal]", card);
      $(".card__answer", card).hidden = state.study && !revealed;
      $("[data-marks]", card).hidden = state.study && !revealed;
      button.setAttribute("aria-expanded", String(!state.study || revealed));
      button.textContent = t(revealed ? "study.hide" : "study.show");
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

    /* Marks: Got it (Good) / Review again (Again), each a review in the question's history under its
       stable id; a second click on the same mark takes back today's answer. */
    function paintMark(card) {
      var mark = markOf(card), s = schedule(card), due = $("[data-due]", card);
      card.dataset.mark = mark;
      $("[data-action=known]", card).setAttribute("aria-pressed", String(mark === "known"));
      $("[data-action=review]", card).setAttribute("aria-pressed", String(mark === "review"));
      if (due) {
        due.hidden = !s;
        if (s) {
          var days = s.due - studysite.today();
          due.textContent = studysite.dueText(days);
          due.dataset.day = s.due;
          due.removeAttribute("title");  // (the date is named when a pointer first rests on it: see nameDue)
          due.classList.toggle("is-due", days <= 0);
        }
      }
    }
    function setMark(card, mark) {
      if (!store.review(key(card), mark === "known" ? 3 : 1, true)) {
        announce(t("study.unsaved"));
      }
      paintMark(card);
      paintProgress();
      if (state.onlyReview) applyFilters();
    }
    function paintButtons() {
      var any = Object.keys(store.data.cards).some(function (id) { return id.indexOf(topicPath + "#") === 0; });
      var review = cards.some(toReview);
      $("[data-action=reset]", bar).disabled = !any;
      $("[data-action=only-review]", bar).disabled = !review && !state.onlyReview;
    }
    function paintProgress() {
      paintButtons();
      var known = cards.filter(function (c) { return markOf(c) === "known"; }).length;
      var review = cards.filter(toReview).length, text = t("study.known", { known: known, total: cards.length });
      var track = $("[data-progress-bar]", bar), fill = $("[data-progress-fill]", bar);
      // Written only when changed: at start the page usually shows what topic.html drew.
      if (track.getAttribute("aria-valuenow") !== String(known)) {
        track.setAttribute("aria-valuenow", String(known));
        track.setAttribute("aria-valuetext", text);
        fill.style.width = (100 * known / cards.length) + "%";
      }
      // (how many are to review is the "Only cards to review (n)" button's: the text keeps its length)
      studysite.setText($("[data-progress-text]", bar), text);
      studysite.setText($("[data-review-count]", bar), String(review));
    }

    /* Filters: difficulty OR difficulty, AND tag OR tag, AND "only review"; kept in the URL. */
    function matches(card) {
      if (state.difficulties.length && state.difficulties.indexOf(card.dataset.difficulty) === -1) return false;
      if (state.tags.length) {
        var tags = card.dataset.tags ? card.dataset.tags.split("|") : [];
        if (!state.tags.some(function (t) { return tags.indexOf(t) !== -1; })) return false;
      }
      if (state.onlyReview && !toReview(card)) return false;
      return true;
    }
    function applyFilters() {
      cards.forEach(function (card) { item(card).hidden = !matches(card); });
      var shown = visibleCards().length;
      $("[data-filter-count]", bar).textContent = t("study.shown", { shown: shown, total: cards.length });
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
      $("[data-empty-text]").textContent = state.onlyReview && !cards.some(toReview)
        ? t("study.none_to_review") : t("study.none_match");
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
      var sheet = /(?:^|[?&])(print=[^&]*)/.exec(location.search);  // print.js's printable sheet stays chosen
      if (sheet) parts.push(sheet[1]);
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
        if (!window.confirm(t("study.reset"))) return;
        store.forget(Object.keys(store.data.cards).filter(function (id) { return id.indexOf(topicPath + "#") === 0; }));
        cards.forEach(paintMark);
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
          button.title = t("study.copied");
          announce(t("study.copied"));
        }, function () {
          announce(t("study.copy_failed", { url: url }));
        }).then(function () {
          setTimeout(function () {
            button.title = t("study.copy");
            button.classList.remove("is-copied");
          }, 1500);
        });
      }
    });
    // A "due" tag's tooltip names the day. Named on demand: a page's first date costs a phone 40 to 130 ms.
    $(".cards").addEventListener("pointerover", function nameDue(event) {
      var due = event.target.closest("[data-due]");
      if (due && due.dataset.day && !due.title) {
        due.title = t("due.next", { day: studysite.dayLabel(Number(due.dataset.day), { weekday: "long", day: "numeric", month: "long", year: "numeric" }) });
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
          var now = markOf(marked);
          announce(t(now === "known" ? "study.marked_known" : now ? "study.marked_again" : "study.unmarked"));
          if (item(marked).hidden || now) focusCard(after || currentCard());
          return true;
      }
      return false;
    });

    // Start-up changes only what differs from the page as topic.html draws it (no marks, no filters,
    // answers shown): on a phone the start-up is most of the time the page does not answer taps.
    cards.forEach(function (card) { if (store.data.cards[key(card)]) paintMark(card); });
    if (readUrl()) setStudy(true);
    if (/[?&](difficulty|tag|only)=/.test(location.search)) applyFilters();
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
    document.addEventListener("studysite:storechange", function () {
      cards.forEach(paintMark);
      paintProgress();
      applyFilters();
    }, forPage);
  });
})();
