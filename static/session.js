/* studysite session: one card at a time on the review page. review.js chooses the cards and sends
   them in a "studysite:session" event; each answer is a review in the card's history (core.js), and
   "Review again" brings the card back a few cards later in the same session. */
(function () {
  "use strict";
  studysite.feature("session", function (page) {
    var $ = studysite.$, $$ = studysite.$$, t = studysite.t, announce = studysite.announce;
    var sessionEl = $("[data-session]"), summaryEl = $("[data-session-summary]");
    if (!sessionEl || !window.studysiteFsrs) return;
    var fsrs = window.studysiteFsrs, store = page.store, session = null;

    function loadCards(topic) {
      var url = new URL(topic.cards, page.rootUrl).href;
      return studysite.loadScript(url).then(function () {
        var data = (window.studysiteCards || {})[topic.url];
        if (!data) throw new Error("no cards for " + topic.url);
        return data;
      });
    }
    function rebase(container, base) {
      // Answers link relative to their topic's page: point them there from this page.
      $$("[href], [src], [poster]", container).forEach(function (el) {
        ["href", "src", "poster"].forEach(function (name) {
          var value = el.getAttribute(name);
          if (value === null || /^(?:[a-z][a-z0-9+.-]*:|\/\/)/i.test(value)) return;
          // A link to a place inside the answer itself (a footnote) stays on this page.
          if (value.charAt(0) === "#" && container.querySelector("[id=\"" + CSS.escape(value.slice(1)) + "\"]")) return;
          el.setAttribute(name, new URL(value, base).href);
        });
      });
      $$("[srcset]", container).forEach(function (el) {
        el.setAttribute("srcset", el.getAttribute("srcset").split(",").map(function (part) {
          var bits = part.trim().split(/\s+/);
          bits[0] = new URL(bits[0], base).href;
          return bits.join(" ");
        }).join(", "));
      });
    }
    function startSession(kind, queue) {
      if (!queue.length) { announce(t(kind === "drill" ? "review.nothing_to_drill" : "review.nothing_to_review")); return; }
      session = { kind: kind, queue: queue, answered: 0, grades: { 1: 0, 2: 0, 3: 0, 4: 0 }, seen: {},
                  started: Date.now(), current: null, revealed: false, skipped: 0, unsaved: 0 };
      paintNote();
      // A learner who starts reviewing wants the schedule kept: ask the browser (a user gesture).
      if (navigator.storage && navigator.storage.persist) navigator.storage.persist().catch(function () {});
      $("[data-review-overview]").hidden = true;
      $(".review-hero").hidden = true;
      summaryEl.hidden = true;
      sessionEl.hidden = false;
      $("[data-session-title]").textContent = t(kind === "drill" ? "session.drill" : "session.review");
      nextCard();
    }
    function paintSessionProgress() {
      var done = session.answered, total = done + session.queue.length;
      var track = $("[data-session-progress]");
      track.setAttribute("aria-valuemax", String(total));
      track.setAttribute("aria-valuenow", String(done));
      track.setAttribute("aria-valuetext", t("session.answered", { done: done, total: total }));
      $("[data-session-fill]").style.width = (total ? 100 * done / total : 0) + "%";
      $("[data-session-count]").textContent = t("session.card", { number: Math.min(done + 1, total), total: total });
    }
    function nextCard() {
      if (!session.queue.length) { endSession(); return; }
      var question = session.queue[0];
      session.current = question;
      session.revealed = false;
      session.shown = false;  // (until its topic's cards have loaded, nothing can be revealed or answered)
      $("[data-action=reveal]").hidden = true;
      paintSessionProgress();
      loadCards(question.topic).then(function (data) {
        if (!session || session.current !== question) return;
        var card = data.cards.filter(function (c) { return c[0] === question.id; })[0];
        if (!card) throw new Error("question not found");
        showCard(question, card, data);
        // Fetch the next card's topic while this one is read.
        if (session.queue[1]) loadCards(session.queue[1].topic).catch(function () {});
      }).catch(function () {
        if (!session || session.current !== question) return;
        // The site changed since the index loaded (or a file is missing): skip the card, say so.
        session.skipped += 1;
        paintNote();
        session.queue.shift();
        nextCard();
      });
    }
    function showCard(question, card, data) {
      var el = $("[data-session-card]"), base = new URL(question.topic.url, page.rootUrl).href;
      el.lang = data.language || "";
      el.className = "card session__card card--" + question.difficulty;
      $("[data-card-number]").textContent = String(question.number);
      var topicLink = $("[data-card-topic]");
      topicLink.href = base + "#" + question.id;
      topicLink.textContent = t("session.topic", { topic: question.topic.title, number: question.number });
      $$("[data-chip]", el).forEach(function (chip) { chip.hidden = chip.dataset.chip !== question.difficulty; });
      var heading = $("[data-card-question]");
      heading.innerHTML = card[1];
      var answer = $("[data-card-answer]");
      answer.innerHTML = card[2];
      rebase(answer, base);
      rebase(heading, base);
      answer.hidden = true;
      $("[data-grades]").hidden = true;
      $("[data-action=reveal]").hidden = false;
      session.shown = true;
      paintWhen(question);
      $("[data-action=reveal]").focus({ preventScroll: true });
      sessionEl.scrollIntoView({ block: "start" });
      announce(t("session.announce", { number: session.answered + 1, question: heading.textContent }));
    }
    function paintWhen(question) {
      // What each grade would do: "Review again" brings the card back in this session.
      var state = store.state(question.key, question.difficulty), day = studysite.today();
      $$("[data-grade]").forEach(function (button) {
        var grade = Number(button.dataset.grade), when = $("[data-when]", button);
        if (grade === 1) { when.textContent = t("session.again_now"); return; }
        var next = fsrs.review(state, grade, day, fsrs.PRIOR[question.difficulty]);
        var days = fsrs.interval(next.s, store.settings().retention);
        when.textContent = days === 1 ? t("session.tomorrow") : t("session.in_days", { count: days });
      });
    }
    function paintNote() {
      // What went wrong in this session stays in view until it ends (and is said in the summary).
      var note = $("[data-card-error]"), parts = [];
      if (session.skipped) parts.push(t("session.skipped", { count: session.skipped }));
      if (session.unsaved) parts.push(t("session.unsaved", { answers: t("plural.answer", { count: session.unsaved }) }));
      note.textContent = parts.join(" ");
      note.hidden = !parts.length;
    }
    function reveal() {
      if (!session || session.revealed || !session.shown) return;
      session.revealed = true;
      $("[data-card-answer]").hidden = false;
      $("[data-grades]").hidden = false;
      $("[data-action=reveal]").hidden = true;
      // The answer next (a screen reader reads it), then the grades one Tab away.
      $("[data-card-answer]").focus({ preventScroll: true });
    }
    function grade(value) {
      if (!session || !session.revealed || !session.shown) return;
      var question = session.queue.shift();
      if (!store.review(question.key, value, false)) { session.unsaved += 1; paintNote(); }
      session.answered += 1;
      session.grades[value] += 1;
      session.seen[question.key] = true;
      if (value === 1) {
        // Back into this session a few cards later (at the end if fewer are left).
        session.queue.splice(Math.min(3, session.queue.length), 0, question);
      }
      nextCard();
    }
    function endSession() {
      var s = session;
      session = null;
      sessionEl.hidden = true;
      var minutes = Math.max(1, Math.round((Date.now() - s.started) / 60000));
      var cards = Object.keys(s.seen).length;
      $("[data-summary-text]").textContent = s.answered
        ? t("session.done", { cards: t("plural.card", { count: cards }), answers: s.answered > cards ? t("session.answers", { count: s.answered }) : "",
                               minutes: t("plural.minute", { count: minutes }) })
        : t("session.ended");
      var problems = $("[data-card-error]").textContent;
      if (problems) $("[data-summary-text]").textContent += " " + problems;
      $$("[data-summary-count]").forEach(function (el) { el.textContent = String(s.grades[el.dataset.summaryCount]); });
      summaryEl.hidden = false;
      document.dispatchEvent(new CustomEvent("studysite:session-end"));  // review.js says what is still due
      $("#summary-title").focus();
    }
    sessionEl.addEventListener("click", function (event) {
      var button = event.target.closest("button");
      if (!button) return;
      if (button.dataset.action === "reveal") reveal();
      else if (button.dataset.grade) grade(Number(button.dataset.grade));
      else if (button.dataset.action === "end") endSession();
    });
    summaryEl.addEventListener("click", function (event) {
      if (!event.target.closest("[data-action=back]")) return;
      summaryEl.hidden = true;
      $(".review-hero").hidden = false;
      $("[data-review-overview]").hidden = false;
      var start = $("[data-action=start]");
      if (start.disabled) $("#today-title").focus(); else start.focus();  // (nothing left: the day's summary)
    });
    page.keys.push(function (event) {
      if (!session) return false;
      var onControl = event.target && event.target.closest && event.target.closest("button, a, input, select");
      if ((event.key === " " || event.key === "Enter") && !session.revealed) {
        // A focused control (End session, the topic link) keeps its own Space and Enter.
        if (onControl && !onControl.matches("[data-action=reveal]")) return false;
        reveal();
        return true;
      }
      if (/^[1-4]$/.test(event.key) && session.revealed) { grade(Number(event.key)); return true; }
      return false;
    });
    document.addEventListener("studysite:session", function (event) { startSession(event.detail.kind, event.detail.queue); }, page.forPage);
  });
})();
