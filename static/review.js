/* studysite review: the review page. What is due across the site (per category and topic, the next
   7 days), filters kept in the URL, settings, and sessions: one card at a time, due cards and a daily
   share of new ones interleaved by topic, or a drill of N cards whether due or not. Every answer is a
   review in the card's history (core.js); the schedule is FSRS (fsrs.js). */
(function () {
  "use strict";
  studysite.feature("review", function (page) {
    var $ = studysite.$, $$ = studysite.$$, show = studysite.show, t = studysite.t;
    var announce = studysite.announce, positions = studysite.positions;
    var overview = $("[data-review-overview]");
    if (!overview || !window.studysiteFsrs) return;
    var store = page.store, body = page.body;
    var filters = { category: "", topic: "", tag: "", difficulties: [] };
    var index = null, inSession = false;


    /* ---- The site's questions (review-index.js). ---- */
    function readIndex(raw) {
      var T = positions(raw.fields.topic), Q = positions(raw.fields.question), topics = [], byKey = Object.create(null);
      raw.topics.forEach(function (t) {
        var topic = { url: t[T.url], title: t[T.title], category: t[T.category], tags: t[T.tags], cards: t[T.cards], questions: [],
                      position: topics.length };
        topic.questions = t[T.questions].map(function (q, n) {
          var question = { id: q[Q.id], difficulty: q[Q.difficulty], tags: q[Q.tags], topic: topic, number: n + 1,
                           key: topic.url + "#" + q[Q.id] };
          byKey[question.key] = question;
          return question;
        });
        topics.push(topic);
      });
      var total = topics.reduce(function (n, t) { return n + t.questions.length; }, 0);
      return { categories: raw.categories, topics: topics, byKey: byKey, total: total };
    }
    function matches(question) {
      var topic = question.topic;
      if (filters.category && topic.category !== filters.category) return false;
      if (filters.topic && topic.url !== filters.topic) return false;
      // A question's own tags, else its topic's (as search and the tag pages read them).
      if (filters.tag && (question.tags.length ? question.tags : topic.tags).indexOf(filters.tag) === -1) return false;
      if (filters.difficulties.length && filters.difficulties.indexOf(question.difficulty) === -1) return false;
      return true;
    }

    /* ---- What is due: every question's state, replayed from its history. ---- */
    function compute() {
      // What is studied comes from the store (a few thousand histories), what is new from the index's
      // counts: a site of 15,000 questions is not walked question by question unless a filter is set.
      performance.mark("studysite:due-start");
      var day = studysite.today(), settings = store.settings(), filtered = anyFilter();
      var result = { day: day, due: [], fresh: [], topics: [], forecast: [0, 0, 0, 0, 0, 0, 0], overdue: 0, introduced: 0,
                     known: 0, total: index.total, freshCount: 0 };
      var rows = index.topics.map(function (topic) {
        return { topic: topic, due: 0, fresh: 0, studied: 0, shown: filtered ? 0 : topic.questions.length };
      });
      var cards = store.data.cards;
      for (var id in cards) {
        var q = index.byKey[id];
        if (!q) continue;  // (no longer on the site: its history is kept, and not counted)
        var s = store.state(id, q.difficulty), row = rows[q.topic.position];
        if (s.first === day) result.introduced += 1;  // (the daily limit counts the whole site)
        if (s.grade !== 1) result.known += 1;
        if (filtered && !matches(q)) continue;
        row.studied += 1;
        if (s.due <= day) {
          row.due += 1;
          result.due.push({ question: q, due: s.due });
          if (s.due < day) result.overdue += 1;
        } else if (s.due - day <= 7) {
          result.forecast[s.due - day - 1] += 1;
        }
      }
      var wanted = Math.max(0, settings.newPerDay - result.introduced);
      rows.forEach(function (row) {
        if (filtered) {
          row.topic.questions.forEach(function (q) { if (matches(q)) row.shown += 1; });
        }
        row.fresh = row.shown - row.studied;
        result.freshCount += row.fresh;
        if (row.shown) result.topics.push(row);
        // The day's new cards, in the site's order (only as many as may start today).
        for (var i = 0; i < row.topic.questions.length && result.fresh.length < wanted && row.fresh; i++) {
          var q = row.topic.questions[i];
          if (!cards[q.key] && (!filtered || matches(q))) result.fresh.push(q);
        }
      });
      result.newToday = result.fresh.length;
      performance.measure("studysite:due", "studysite:due-start");
      return result;
    }
    function anyFilter() { return !!(filters.category || filters.topic || filters.tag || filters.difficulties.length); }

    /* ---- The overview. ---- */
    function paintOverview() {
      var r = compute(), settings = store.settings();
      var text = t("review.due", { cards: t("plural.card", { count: r.due.length }) }) +
        (r.overdue ? t("review.overdue", { count: r.overdue }) : "") +
        t("review.to_start", { cards: t("plural.new_card", { count: r.newToday }) }) +
        (r.freshCount > r.newToday ? t("review.not_started", { count: r.freshCount, per_day: settings.newPerDay }) : "");
      $("[data-today-text]").textContent = text;
      $("[data-overall-progress]").textContent = t("progress.overall", { known: r.known, count: r.total });
      var start = $("[data-action=start]");
      start.disabled = !(r.due.length + r.newToday);
      start.textContent = r.due.length + r.newToday ? t("review.start", { count: r.due.length + r.newToday }) : t("review.nothing");
      $("[data-drill-form] [type=submit]").disabled = !r.topics.length;

      paintBreakdown(r);

      var days = $("[data-forecast]"), dayTemplate = $("#forecast-day-template"), most = Math.max.apply(null, r.forecast.concat([1]));
      days.textContent = "";
      r.forecast.forEach(function (count, n) {
        var li = dayTemplate.content.firstElementChild.cloneNode(true), label = $(".forecast__label", li);
        label.textContent = n === 0 ? t("review.tomorrow") : t("review.in_days", { count: n + 1 });
        if (n > 0) label.dataset.day = r.day + n + 1;  // (named by nameDays once the forecast is in view)
        $(".forecast__fill", li).style.width = (100 * count / most) + "%";
        $(".forecast__count", li).textContent = t("plural.card", { count: count });
        days.appendChild(li);
      });
      if (daysSeen) nameDays();

      var orphans = Object.keys(store.data.cards).filter(function (key) { return !index.byKey[key]; }).length;
      var note = $("[data-orphans]");
      note.hidden = !orphans;
      note.textContent = t("review.orphans", { count: orphans });
      return r;
    }

    function paintBreakdown(r) {
      // Per category, then its topics; on a large site only the topics with cards due (the rest are
      // counted in one line), so a thousand topics do not make a thousand rows.
      var fragment = document.createDocumentFragment(), groups = [], byCategory = new Map();
      var large = r.topics.length > 60;
      r.topics.forEach(function (row) {
        var slug = row.topic.category;
        if (!byCategory.has(slug)) groups.push(byCategory.set(slug, { slug: slug, due: 0, fresh: 0, studied: 0, shown: 0, rows: [] }).get(slug));
        var group = byCategory.get(slug);
        group.due += row.due; group.fresh += row.fresh; group.studied += row.studied; group.shown += row.shown;
        group.rows.push(row);
      });
      function fill(template, title, href, row) {
        var tr = $(template).content.firstElementChild.cloneNode(true), link = $("a", tr);
        link.href = new URL(href, page.rootUrl).href;
        link.textContent = title;
        $("[data-col=due]", tr).textContent = String(row.due);
        $("[data-col=new]", tr).textContent = String(row.fresh);
        $("[data-col=studied]", tr).textContent = t("review.studied", { studied: row.studied, shown: row.shown });
        tr.classList.toggle("is-due", row.due > 0);
        fragment.appendChild(tr);
      }
      groups.forEach(function (group) {
        fill("#review-category-template", index.categories[group.slug] || group.slug, group.slug + "/index.html", group);
        var shown = large ? group.rows.filter(function (row) { return row.due > 0; }) : group.rows;
        shown.forEach(function (row) { fill("#review-row-template", row.topic.title, row.topic.url, row); });
        if (shown.length < group.rows.length) {
          var more = $("#review-more-template").content.firstElementChild.cloneNode(true);
          $("td", more).textContent = t("review.more_topics", { topics: t("plural.topic", { count: group.rows.length - shown.length }) });
          fragment.appendChild(more);
        }
      });
      if (!groups.length) fragment.appendChild($("#review-empty-row-template").content.firstElementChild.cloneNode(true));
      $("[data-breakdown]").replaceChildren(fragment);
    }

    /* ---- Filters, kept in the URL like the topic pages' filters. ---- */
    function readUrl() {
      var params = new URLSearchParams(location.search);
      function known(select, value) { return $$("option", select).some(function (o) { return o.value === value; }) ? value : ""; }
      filters.category = known($("[data-filter=category]"), params.get("category") || "");
      filters.topic = known($("[data-filter=topic]"), params.get("topic") || "");
      filters.tag = known($("[data-filter=tag]"), params.get("tag") || "");
      filters.difficulties = (params.get("difficulty") || "").split(",").filter(function (d, at, all) {
        return /^(easy|medium|hard)$/.test(d) && all.indexOf(d) === at;
      });
      // A topic outside the chosen category would choose nothing: the category wins.
      var topic = $("[data-filter=topic] option[value=\"" + CSS.escape(filters.topic) + "\"]");
      if (filters.topic && filters.category && topic && topic.dataset.category !== filters.category) filters.topic = "";
    }
    function writeUrl() {
      var parts = [];
      ["category", "topic", "tag"].forEach(function (name) { if (filters[name]) parts.push(name + "=" + encodeURIComponent(filters[name]).replace(/%2F/g, "/")); });
      if (filters.difficulties.length) parts.push("difficulty=" + filters.difficulties.join(","));
      try { history.replaceState(null, "", location.pathname + (parts.length ? "?" + parts.join("&") : "")); }
      catch (e) { /* some file:// set-ups refuse; the filter still works */ }
    }
    function paintFilters() {
      ["category", "topic", "tag"].forEach(function (name) { $("[data-filter=" + name + "]").value = filters[name]; });
      $$("[data-filter-difficulty]").forEach(function (b) {
        b.setAttribute("aria-pressed", String(filters.difficulties.indexOf(b.dataset.filterDifficulty) !== -1));
      });
      // Topics of other categories are left out of the topic list while a category is chosen.
      $$("[data-filter=topic] option[data-category]").forEach(function (o) {
        o.hidden = o.disabled = !!filters.category && o.dataset.category !== filters.category;
      });
      var any = filters.category || filters.topic || filters.tag || filters.difficulties.length;
      $("[data-action=clear-filters]").hidden = !any;
      var shown = index ? index.topics.reduce(function (n, t) { return n + t.questions.filter(matches).length; }, 0) : 0;
      $("[data-filter-summary]").textContent = any ? t("review.chosen", { count: shown }) : t("review.all");
    }
    function filtersChanged() { paintFilters(); writeUrl(); paintOverview(); }
    overview.addEventListener("change", function (event) {
      var select = event.target.closest("[data-filter]");
      if (!select) return;
      filters[select.dataset.filter] = select.value;
      if (select.dataset.filter === "category" && filters.topic && index) {
        var topic = index.topics.filter(function (t) { return t.url === filters.topic; })[0];
        if (topic && topic.category !== filters.category && filters.category) filters.topic = "";
      }
      filtersChanged();
    });
    overview.addEventListener("click", function (event) {
      var button = event.target.closest("button");
      if (!button) return;
      if (button.dataset.filterDifficulty) {
        var at = filters.difficulties.indexOf(button.dataset.filterDifficulty);
        if (at === -1) filters.difficulties.push(button.dataset.filterDifficulty); else filters.difficulties.splice(at, 1);
        filtersChanged();
      } else if (button.dataset.action === "clear-filters") {
        filters = { category: "", topic: "", tag: "", difficulties: [] };
        filtersChanged();
      } else if (button.dataset.action === "start") {
        var r = compute();
        // Most overdue first, then in the site's order; then the day's new cards.
        r.due.sort(function (a, b) {
          return a.due - b.due || a.question.topic.position - b.question.topic.position || a.question.number - b.question.number;
        });
        startSession("review", interleave(r.due.map(function (d) { return d.question; }).concat(r.fresh)));
      }
    });
    $("[data-drill-form]").addEventListener("submit", function (event) {
      event.preventDefault();
      var size = Math.max(1, Math.min(1000, parseInt($("[data-drill-size]").value, 10) || 10));
      var chosen = [];
      index.topics.forEach(function (t) { t.questions.forEach(function (q) { if (matches(q)) chosen.push(q); }); });
      startSession("drill", shuffle(chosen).slice(0, size));
    });

    /* ---- Settings. ---- */
    function paintSettings() {
      var settings = store.settings();
      $("[data-setting=newPerDay]").value = String(settings.newPerDay);
      var retention = $("[data-setting=retention]");
      if (!$$("option", retention).some(function (o) { return Number(o.value) === settings.retention; })) {
        var option = document.createElement("option");
        option.value = String(settings.retention);
        option.textContent = Math.round(settings.retention * 100) + "%";
        retention.appendChild(option);
      }
      retention.value = String(settings.retention);
      $("[data-setting=shortcuts]").checked = settings.shortcuts;
      $$(".session__key").forEach(function (key) { key.hidden = !settings.shortcuts; });
      studysite.announceShortcuts(settings.shortcuts);
    }
    $(".review-settings").addEventListener("change", function (event) {
      var input = event.target, name = input.dataset.setting;
      if (name === "newPerDay") {
        var n = parseInt(input.value, 10);
        if (isNaN(n) || n < 0 || n > 9999) { paintSettings(); return; }
        store.setting(name, n);
      } else if (name === "retention") store.setting(name, Number(input.value));
      else if (name === "shortcuts") store.setting(name, input.checked);
      paintSettings();
      paintOverview();
      announce(t("review.saved"));
    });

    /* ---- Sessions (session.js runs them). ---- */
    function shuffle(list) {
      var copy = list.slice();
      for (var i = copy.length - 1; i > 0; i--) {
        var j = Math.floor(Math.random() * (i + 1)), swap = copy[i];
        copy[i] = copy[j]; copy[j] = swap;
      }
      return copy;
    }
    function interleave(questions) {
      // One topic after another in turn, each keeping its own order: no run of one topic's cards.
      var groups = [], byTopic = new Map();
      questions.forEach(function (q) {
        if (!byTopic.has(q.topic.url)) groups.push(byTopic.set(q.topic.url, []).get(q.topic.url));
        byTopic.get(q.topic.url).push(q);
      });
      var out = [];
      for (var round = 0; out.length < questions.length; round++) {
        groups.forEach(function (g) { if (round < g.length) out.push(g[round]); });
      }
      return out;
    }
    function startSession(kind, queue) {
      if (!queue.length) { announce(t(kind === "drill" ? "review.nothing_to_drill" : "review.nothing_to_review")); return; }
      inSession = true;
      document.dispatchEvent(new CustomEvent("studysite:session", { detail: { kind: kind, queue: queue } }));
    }
    document.addEventListener("studysite:session-end", function () {
      inSession = false;
      var r = paintOverview();
      $("[data-summary-next]").textContent = r.due.length
        ? t("review.still_due", { count: r.due.length })
        : t("review.tomorrow_due", { cards: t("plural.card", { count: r.forecast[0] }) });
    }, page.forPage);
    document.addEventListener("studysite:storechange", function () {
      if (index && !inSession) { paintSettings(); paintOverview(); }
    }, page.forPage);

    // The forecast's days are named ("Tue 8 Dec") when it first comes into view: a page's first date
    // costs a phone 40 to 130 ms while the browser loads its calendars. Until then: "In 2 days".
    var daysSeen = !window.IntersectionObserver;
    function nameDays() {
      $$(".forecast__label[data-day]").forEach(function (label) {
        label.textContent = studysite.dayLabel(Number(label.dataset.day));
        delete label.dataset.day;
      });
    }
    if (!daysSeen) {
      var seen = new IntersectionObserver(function (entries) {
        if (!entries.some(function (entry) { return entry.isIntersecting; })) return;
        seen.disconnect();
        daysSeen = true;
        nameDays();
      }, { rootMargin: "200px" });
      seen.observe($(".forecast"));
      page.signal.addEventListener("abort", function () { seen.disconnect(); });
    }

    $("[data-review-needs-script]").hidden = true;
    paintSettings();
    readUrl();
    writeUrl();  // (what the page could not use is dropped from the address too)
    paintFilters();
    studysite.loadScript(body.dataset.reviewIndex).then(function () {
      index = readIndex(window.studysiteReviewIndex);
      if (!index.total) { $("[data-review-empty]").hidden = false; return; }
      paintFilters();
      paintOverview();
      show(overview);
    }, function () {
      var note = $("[data-review-needs-script]");
      note.textContent = t("review.no_index");
      note.hidden = false;
      note.removeAttribute("data-without-script");  // (said only without scripts, until now)
    });
  });
})();
