/* studysite core: what every feature script shares, and the page's lifetime.
   Plain deferred scripts, one per feature (ES modules do not load from file://). A feature registers
   with studysite.feature(name, wire) and is wired once per page, in order: at load, and again when
   the dev server swaps in a rebuilt <body>. Every control a feature drives is in the markup with
   `hidden`; the feature reveals and wires it, and a page reads fine without any script. */
(function () {
  "use strict";

  var features = [], lifetime = null;

  function $(selector, scope) { return (scope || document).querySelector(selector); }
  function $$(selector, scope) { return Array.prototype.slice.call((scope || document).querySelectorAll(selector)); }
  function show(el) { if (el) el.hidden = false; }
  function setText(el, text) { if (el.textContent !== text) el.textContent = text; }  // (unchanged: not laid out again)

  /* ---- The page's words: its catalogue's scripts part, which base.html writes into the page ---- */
  var words = null;
  function t(key, values) {
    // t("study.known", {known: 3, total: 15}); a `count` value picks the plural form of the page's language.
    if (!words) {
      var el = document.getElementById("studysite-strings");
      try { words = el ? JSON.parse(el.textContent) : {}; } catch (e) { words = {}; }
      try { words.plurals = new Intl.PluralRules(words.language || undefined); } catch (e) { /* an odd tag: "other" */ }
    }
    var entry = (words.strings || {})[key];
    if (entry == null) return key;
    if (typeof entry === "object") {
      var form = words.plurals ? words.plurals.select(values.count) : "other";
      entry = entry[form] != null ? entry[form] : entry.other;
    }
    return entry.replace(/\{\{|\}\}|\{(\w+)\}/g, function (all, name) {
      if (!name) return all.charAt(0);  // {{ and }}: a brace
      return values && Object.prototype.hasOwnProperty.call(values, name) ? String(values[name]) : all;
    });
  }
  function announce(text) {
    // Said by screen readers through the page's live region (emptied first, so a repeat is said again).
    var el = $("[data-announce]");
    if (!el) return;
    el.textContent = "";
    setTimeout(function () { el.textContent = text; }, 50);
  }
  function positions(names) {
    // The data scripts' records are arrays whose field names they list once: name -> index.
    var at = {};
    names.forEach(function (name, i) { at[name] = i; });
    return at;
  }
  function stickHeight(bar) {
    // Cards scroll into view below a sticky bar: CSS reads its height from --sticky-height.
    function measure() {
      var sticky = getComputedStyle(bar).position === "sticky";
      var height = sticky ? bar.offsetHeight + "px" : "0px";  // (on the lists, when changed: on <html> it restyled the page)
      $$(".cards").forEach(function (list) { if (list.style.getPropertyValue("--sticky-height") !== height) list.style.setProperty("--sticky-height", height); });
    }
    // Now only for a linked card, scrolled to at start; else after the first layout, which this would force.
    if (location.hash || !window.ResizeObserver) measure();
    if (window.ResizeObserver) {
      var observer = new ResizeObserver(measure);
      observer.observe(bar);
      lifetime.signal.addEventListener("abort", function () { observer.disconnect(); });
    }
    window.addEventListener("resize", measure, { signal: lifetime.signal });
  }

  /* ---- Keyboard helpers ---- */
  function isTyping(target) {
    if (!target || !target.tagName) return false;
    var tag = target.tagName;
    if (tag === "TEXTAREA" || tag === "SELECT" || target.isContentEditable) return true;
    if (tag === "INPUT") return !/^(checkbox|radio|button|submit|reset|file|range|color)$/i.test(target.type);
    return false;
  }

  /* ---- Copying text: the clipboard API where there is one, the old way elsewhere. ---- */
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

  /* ---- Days: reviews are dated by the learner's calendar day (days since 1970-01-01, local time). ---- */
  function today() {
    var now = new Date();
    return Math.floor((now.getTime() - now.getTimezoneOffset() * 60000) / 86400000);
  }
  var formats = {};
  function dayLabel(day, options) {
    // A day number as the learner's calendar shows it ("Mon 7 Dec"), in the page's language. (One
    // formatter per style: making one costs milliseconds, and a topic page labels every card.)
    var style = JSON.stringify(options || null), date = new Date(day * 86400000);
    try {
      if (!formats[style]) formats[style] = new Intl.DateTimeFormat(document.documentElement.lang || undefined,
        Object.assign({ timeZone: "UTC" }, options || { weekday: "short", day: "numeric", month: "short" }));
      return formats[style].format(date);
    } catch (e) { return date.toISOString().slice(0, 10); }
  }
  function dueText(days) {
    if (days < 0) return t("due.overdue", { count: -days });
    if (days === 0) return t("due.today");
    if (days === 1) return t("due.tomorrow");
    return t("due.later", { count: days });
  }

  /* ---- Storage: one versioned JSON record per site, kept in memory when localStorage is unavailable.
     Version 2: cards: { "<topic path>#<question id>": [[day, grade], ...] } (every review, oldest
     first; grade 1 Again, 2 Hard, 3 Good, 4 Easy), checks: { "<page>#<item>": true },
     quizzes: { "<quiz path>": {best, last, total, at} }, settings: {newPerDay, retention, shortcuts}.
     Version 1 kept one mark per card ("known" / "review") with no date: it becomes one review, Good
     or Again, dated the day before it is first read. Histories of questions no longer on the site are kept. ---- */
  var VERSION = 2;
  var DEFAULT_SETTINGS = { newPerDay: 20, retention: 0.9, shortcuts: true };
  function dict() { return Object.create(null); }  // (ids such as "constructor" are ids, not Object's own names)
  function emptyData() { return { version: VERSION, cards: dict(), checks: dict(), quizzes: dict(), settings: {} }; }
  function isObject(value) { return !!value && typeof value === "object" && !Array.isArray(value); }
  function isReview(r) {
    return Array.isArray(r) && r.length === 2 && Number.isInteger(r[0]) && r[0] > 0 && r[0] < 200000 &&
      (r[1] === 1 || r[1] === 2 || r[1] === 3 || r[1] === 4);
  }
  function cleanHistory(raw, migrationDay) {
    // (dated the day before it is first read, so that an old mark does not count as a new card today)
    if (raw === "known") return [[migrationDay - 1, 3]];
    if (raw === "review") return [[migrationDay - 1, 1]];
    if (!Array.isArray(raw)) return null;
    // Read on every page of the site, for thousands of cards: a saved history is kept as it is when
    // it is already clean (the usual case), and copied, cleaned and sorted only when it is not.
    var clean = true;
    for (var i = 0; i < raw.length && clean; i++) clean = isReview(raw[i]) && (i === 0 || raw[i - 1][0] <= raw[i][0]);
    if (clean) return raw.length ? raw : null;
    var reviews = raw.filter(isReview).map(function (r) { return [r[0], r[1]]; });
    // Oldest first; reviews of one day keep their order (Array sort is stable).
    reviews.sort(function (a, b) { return a[0] - b[0]; });
    return reviews.length ? reviews : null;
  }
  function cleanSettings(raw) {
    var clean = {};
    if (!isObject(raw)) return clean;
    if (Number.isInteger(raw.newPerDay) && raw.newPerDay >= 0 && raw.newPerDay <= 9999) clean.newPerDay = raw.newPerDay;
    if (typeof raw.retention === "number" && raw.retention >= 0.7 && raw.retention <= 0.99) clean.retention = raw.retention;
    if (typeof raw.shortcuts === "boolean") clean.shortcuts = raw.shortcuts;
    return clean;
  }
  /** Any saved or imported record, of any version, as a clean current one; null if it is not one. */
  function normalize(raw) {
    if (!isObject(raw)) return null;
    var clean = emptyData(), day = today();
    if (isObject(raw.cards)) Object.keys(raw.cards).forEach(function (id) {
      var history = cleanHistory(raw.cards[id], day);
      if (history) clean.cards[id] = history;
    });
    if (isObject(raw.checks)) Object.keys(raw.checks).forEach(function (id) { if (raw.checks[id] === true) clean.checks[id] = true; });
    if (isObject(raw.quizzes)) Object.keys(raw.quizzes).forEach(function (id) {
      var q = raw.quizzes[id];
      if (isObject(q) && Number.isInteger(q.best) && Number.isInteger(q.total) && q.total > 0 && q.total < 100000 &&
          q.best >= 0 && q.best <= q.total) clean.quizzes[id] = { best: q.best, last: q.last, total: q.total, at: q.at };
    });
    clean.settings = cleanSettings(raw.settings);
    return clean;
  }
  /** Two histories of one question as one: when one continues the other, the longer (on a tie, the one
      reviewed last); when both went on from a shared start (two devices), their shared reviews and
      then every review of each, by day, so that nothing is lost. */
  function combine(mine, theirs) {
    var shared = 0;
    while (shared < mine.length && shared < theirs.length && mine[shared][0] === theirs[shared][0] &&
           mine[shared][1] === theirs[shared][1]) shared += 1;
    if (shared === theirs.length) return mine;
    if (shared === mine.length) return theirs;
    // After the shared start: my reviews, and theirs that I do not have (counted, so that importing a
    // combined history back adds nothing twice), by day; one day's reviews keep their order.
    var have = new Map(), both = mine.slice();
    mine.slice(shared).forEach(function (r) { have.set(r[0] * 4 + r[1], (have.get(r[0] * 4 + r[1]) || 0) + 1); });
    theirs.slice(shared).forEach(function (r) {
      var n = have.get(r[0] * 4 + r[1]) || 0;
      if (n) have.set(r[0] * 4 + r[1], n - 1); else both.push(r);
    });
    return both.sort(function (a, b) { return a[0] - b[0]; });
  }
  /** `incoming` folded into `data`: histories combined (see combine), ticks added, each quiz keeping its
      best score. Returns what changed. */
  function merge(data, incoming) {
    var report = { added: 0, longer: 0, combined: 0, kept: 0, checks: 0, quizzes: 0 };
    Object.keys(incoming.cards).forEach(function (id) {
      var mine = data.cards[id], theirs = incoming.cards[id];
      if (!mine) { data.cards[id] = theirs; report.added += 1; return; }
      var both = combine(mine, theirs);
      if (both === mine) report.kept += 1;
      else { data.cards[id] = both; report[both === theirs ? "longer" : "combined"] += 1; }
    });
    Object.keys(incoming.checks).forEach(function (id) {
      if (!data.checks[id]) { data.checks[id] = true; report.checks += 1; }
    });
    Object.keys(incoming.quizzes).forEach(function (id) {
      var mine = data.quizzes[id], theirs = incoming.quizzes[id];
      if (!mine || theirs.best > mine.best) { data.quizzes[id] = theirs; report.quizzes += 1; }
    });
    return report;
  }

  function makeStore(rootUrl) {
    // The site's root path keeps two sites on one origin (user.github.io/a/ and /b/) apart.
    var key = "studysite:" + rootUrl.pathname;
    var data = emptyData(), persistent = true;
    var migrated = false;
    try {
      var raw = JSON.parse(window.localStorage.getItem(key) || "null"), saved = normalize(raw);
      if (saved) { data = saved; migrated = raw.version !== VERSION; }
    } catch (e) { persistent = false; /* private mode or file:// without storage: the page simply forgets */ }
    var states = new Map();  // id -> its replayed state (with the author's level it was replayed with)
    // Another tab of the site saved: read its data, so a save here does not undo it.
    window.addEventListener("storage", function (event) {
      if (event.key !== key) return;
      try { replaceData(normalize(JSON.parse(event.newValue || "null")) || emptyData()); } catch (e) { return; }
      states.clear();
      document.dispatchEvent(new CustomEvent("studysite:storechange"));
    }, { signal: lifetime.signal });

    function replaceData(fresh) {
      // In place: features keep references to data.cards, data.checks ... for the page's lifetime.
      ["cards", "checks", "quizzes", "settings"].forEach(function (part) {
        Object.keys(data[part]).forEach(function (id) { delete data[part][id]; });
        Object.assign(data[part], fresh[part]);
      });
    }
    function write() {
      try { window.localStorage.setItem(key, JSON.stringify(data)); return true; }
      catch (e) { persistent = false; return false; /* full or refused: kept in memory for this page */ }
    }
    function save() { states.clear(); return write(); }
    function settings() { return Object.assign({}, DEFAULT_SETTINGS, data.settings); }
    /** A card's schedule from its history: null if never reviewed, else FSRS's state plus its due day. */
    function state(id, level) {
      var history = data.cards[id];
      if (!history || !window.studysiteFsrs) return null;  // (most cards of a large site: kept cheap)
      var card = states.get(id);
      if (card && card.level === level) return card;
      card = studysiteFsrs.replay(history, studysiteFsrs.PRIOR[level]);
      card.first = history[0][0];
      card.level = level;
      card.due = studysiteFsrs.due(card, retention());
      states.set(id, card);
      return card;
    }
    function retention() { return typeof data.settings.retention === "number" ? data.settings.retention : DEFAULT_SETTINGS.retention; }
    /** Record a review of `id` today; false if it could not be saved (storage full or refused).
        `correcting`: a topic page's mark, which stands for the day's answer. Today's answers give way
        to it, and the mark the card already shows takes them back. */
    function review(id, grade, correcting) {
      var day = today(), history = (data.cards[id] || []).slice(), last = history[history.length - 1];
      if (correcting && last && last[0] === day) {
        while (history.length && history[history.length - 1][0] === day) history.pop();
        if ((last[1] === 1) !== (grade === 1)) history.push([day, grade]);
      } else {
        history.push([day, grade]);
      }
      if (history.length) data.cards[id] = history; else delete data.cards[id];
      states.delete(id);  // (only this card's schedule changed)
      return write();
    }
    if (migrated) save();  // an older record is dated once, on the day it is first read
    return {
      get data() { return data; },
      get persistent() { return persistent; },
      save: save,
      settings: settings,
      setting: function (name, value) { data.settings[name] = value; data.settings = cleanSettings(data.settings); save(); },
      state: state,
      review: review,
      forget: function (ids) { ids.forEach(function (id) { delete data.cards[id]; }); save(); },
      resetAll: function () { replaceData(Object.assign(emptyData(), { settings: Object.assign({}, data.settings) })); return save(); },
      /** Merge an export (any version); null if the text is not one. */
      importText: function (text) {
        var parsed;
        try { parsed = JSON.parse(text); } catch (e) { return null; }
        if (!isObject(parsed) || (parsed.studysite !== 1 && parsed.studysite !== 2)) return null;
        var incoming = normalize(parsed.progress);
        if (!incoming) return null;
        var report = merge(data, incoming);
        report.saved = save();
        return report;
      },
      exportText: function () {
        return JSON.stringify({ studysite: VERSION, site: rootUrl.pathname, exported: new Date().toISOString().slice(0, 10),
                                progress: data });
      }
    };
  }

  /* ---- The site's data scripts (search and review indexes, a topic's cards): a <script>, because
     fetch() cannot read files next to a page opened from file://. ---- */
  var scripts = {};
  function loadScript(src) {
    if (!scripts[src]) scripts[src] = new Promise(function (resolve, reject) {
      var script = document.createElement("script");
      script.src = src;
      script.setAttribute("data-loaded", "");  // (not part of the page as built: the dev server's swap ignores it)
      script.onload = function () { resolve(); };
      script.onerror = function () { delete scripts[src]; script.remove(); reject(new Error("could not load " + src)); };
      document.head.appendChild(script);
    });
    return scripts[src];
  }

  // The dev server rebuilt some data scripts: load them afresh when next asked.
  document.addEventListener("studysite:data-changed", function (event) {
    Object.keys(scripts).forEach(function (src) {
      var path = new URL(src, location.href).pathname;
      if (!event.detail.some(function (changed) { return path === "/" + changed || path.slice(-changed.length - 1) === "/" + changed; })) return;
      delete scripts[src];
      $$("script[data-loaded]").forEach(function (el) { if (el.src === new URL(src, location.href).href) el.remove(); });
    });
  });

  function announceShortcuts(on) {
    // Single-key shortcuts the learner turned off are not announced to screen readers either.
    $$("[aria-keyshortcuts], [data-keyshortcuts]").forEach(function (el) {
      if (!el.dataset.keyshortcuts) el.dataset.keyshortcuts = el.getAttribute("aria-keyshortcuts");
      if (on) el.setAttribute("aria-keyshortcuts", el.dataset.keyshortcuts); else el.removeAttribute("aria-keyshortcuts");
    });
  }

  function start(previous) {
    // Listeners outside the body live as long as this page: a swap aborts them before rewiring.
    if (lifetime) lifetime.abort();
    lifetime = new AbortController();
    words = null;  // (a swapped-in body brings its own words)
    var forPage = { signal: lifetime.signal };
    var body = document.body;
    var rootUrl = new URL(body.dataset.root || "./", location.href);
    var keyHandlers = [];
    document.addEventListener("keydown", function (event) {
      if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey) return;
      if (isTyping(event.target)) return;
      if ($("dialog[open]")) return;  // a dialog owns the keyboard while open
      if (!page.store.settings().shortcuts) return;  // single-key shortcuts can be turned off (WCAG 2.1.4)
      for (var i = 0; i < keyHandlers.length; i++) {
        if (keyHandlers[i](event)) { event.preventDefault(); return; }
      }
    }, forPage);
    var page = {
      body: body, rootUrl: rootUrl, previous: previous, forPage: forPage, signal: lifetime.signal,
      store: makeStore(rootUrl),
      keys: keyHandlers,  // features push(function (event) { ...; return true when handled; })
      stickHeight: stickHeight
    };
    if (!page.store.settings().shortcuts) announceShortcuts(false);
    // Features are wired in order, a few milliseconds' worth per task: a phone paints and scrolls between
    // two tasks, where all of them at once kept it busy for up to 100 ms (Lighthouse's TBT). Input that
    // comes in between first wires the rest (capturing, before any feature's own listener): no tap is lost.
    // A link to a card is scrolled to as the page loads, below the bars features draw: all at once then.
    var queue = features.slice(), signal = lifetime.signal, budget = location.hash ? Infinity : 4, running = false;
    if (!wired) window.studysite.ready = readyPromise();
    function wire() {
      running = true;
      for (var began = performance.now(); queue.length && !signal.aborted && performance.now() - began < budget;) {
        var feature = queue.shift();
        // One feature's failure (odd markup in one card, say) leaves the others working.
        try { feature.wire(page); } catch (error) { console.error("studysite " + feature.name + ":", error); }
      }
      running = false;
      if (queue.length) { if (!signal.aborted) setTimeout(wire); return; }
      if (!wired || signal.aborted) return;  // (done already: input wired the rest before this task came)
      INPUT.forEach(function (type) { window.removeEventListener(type, wireAll, true); });
      var resolve = wired; wired = null; resolve();
    }
    function wireAll() { budget = Infinity; if (!running) wire(); }
    INPUT.forEach(function (type) { window.addEventListener(type, wireAll, { capture: true, passive: true, signal: signal }); });
    // The first slice too waits for a task of its own: the one that ends the parse already runs this
    // file and the layout Chromium forces after DOMContentLoaded, together a long task on a phone.
    if (budget === Infinity) wire(); else setTimeout(wire);
  }
  var wired = null;  // resolves studysite.ready (the page's first one is there before DOMContentLoaded)
  function readyPromise() { return new Promise(function (resolve) { wired = resolve; }); }
  var INPUT = ["pointerdown", "mousedown", "touchstart", "click", "keydown", "input", "change", "submit", "focusin", "beforeprint"];

  window.studysite = {
    feature: function (name, wire) { features.push({ name: name, wire: wire }); },
    $: $, $$: $$, show: show, setText: setText, t: t, announce: announce,
    positions: positions, copyText: copyText, isTyping: isTyping,
    plural: function (n, word) { return n + " " + word + (n === 1 ? "" : "s"); },  // (English only: for older extra_js)
    loadScript: loadScript, announceShortcuts: announceShortcuts, today: today, dayLabel: dayLabel, dueText: dueText, normalize: normalize, merge: merge,
    ready: readyPromise()
  };
  // Deferred scripts all run before DOMContentLoaded: by then every feature has registered.
  document.addEventListener("DOMContentLoaded", function () { start(null); });
  document.addEventListener("studysite:swap", function (event) { start(event.detail.previous); });
})();
