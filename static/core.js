/* studysite core: what every feature script shares, and the page's lifetime.
   Plain deferred scripts, one per feature (ES modules do not load from file://). A feature registers
   with studysite.feature(name, wire) and is wired once per page: at load, and again when the dev
   server swaps in a rebuilt <body>. Every control a feature drives is in the markup with `hidden`;
   the feature reveals and wires it, and a page reads fine without any script. */
(function () {
  "use strict";

  var features = [];
  var lifetime = null;

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

  function makeStore(rootUrl) {
    /* ---- Storage: one JSON record per site, kept in memory when localStorage is unavailable. ---- */
    return (function () {
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
  }

  function start(previous) {
    // Listeners outside the body live as long as this page: a swap aborts them before rewiring.
    if (lifetime) lifetime.abort();
    lifetime = new AbortController();
    var forPage = { signal: lifetime.signal };
    var body = document.body;
    var rootUrl = new URL(body.dataset.root || "./", location.href);
    var keyHandlers = [];
    document.addEventListener("keydown", function (event) {
      if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey) return;
      if (isTyping(event.target)) return;
      if ($("dialog[open]")) return;  // a dialog owns the keyboard while open
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
    features.forEach(function (feature) {
      // One feature's failure (odd markup in one card, say) leaves the others working.
      try { feature.wire(page); } catch (error) { console.error("studysite " + feature.name + ":", error); }
    });
  }

  window.studysite = {
    feature: function (name, wire) { features.push({ name: name, wire: wire }); },
    $: $, $$: $$, show: show, plural: plural, copyText: copyText, isTyping: isTyping
  };
  // Deferred scripts all run before DOMContentLoaded: by then every feature has registered.
  document.addEventListener("DOMContentLoaded", function () { start(null); });
  document.addEventListener("studysite:swap", function (event) { start(event.detail.previous); });
})();
