/* studysite's dev server only: a livereload.js plugin that updates the open page in place.
   The server names the pages a rebuild changed. A page that did not change is left alone; one
   that did gets its new <body> swapped in, keeping the scroll position, with no reload (about
   a third of the time). Anything else (a stylesheet, an image, a build error) reloads, and the
   reader's place comes back after it. A save made before this page's live connection was up is
   caught on connecting: the server says which build is current (window.studysiteBuild is the one
   this page shows). */
window.LiveReloadPluginStudysite = (function () {
  "use strict";
  var PREFIX = "studysite:";

  function currentPath() {
    var path = decodeURIComponent(location.pathname).replace(/^\/+/, "");
    return path === "" || /\/$/.test(path) ? path + "index.html" : path;
  }
  // What must match for a body swap to be enough: <html lang> and <head> as the templates wrote it,
  // without what scripts added after load (livereload.js itself, the search index, data scripts).
  function headSignature(doc) {
    var parts = [doc.documentElement.lang];
    Array.prototype.forEach.call(doc.head.children, function (el) {
      var src = el.getAttribute("src") || "";
      if (el.tagName === "TITLE" || el.id === "studysite-dev" || el.hasAttribute("data-loaded") ||
          /livereload\.js|search-index\.js/.test(src)) return;
      parts.push(el.outerHTML);
    });
    return parts.join("\n");
  }
  function swap() {
    fetch(location.href, { cache: "no-store" }).then(function (response) {
      if (!response.ok) throw new Error(String(response.status));
      return response.text();
    }).then(function (text) {
      var next = new DOMParser().parseFromString(text, "text/html");
      var build = /window\.studysiteBuild = (\d+);/.exec(text);
      if (build) window.studysiteBuild = Number(build[1]);
      if (headSignature(next) !== headSignature(document)) { rememberPlace(); location.reload(); return; }
      var x = window.scrollX, y = window.scrollY, previous = document.body;
      document.title = next.title;
      previous.replaceWith(document.adoptNode(next.body));
      window.scrollTo(x, y);
      // The theme's core.js wires the new body, carrying over what it can read in the old one (answers shown).
      document.dispatchEvent(new CustomEvent("studysite:swap", { detail: { previous: previous } }));
    }).catch(function () { rememberPlace(); location.reload(); });
  }

  var SCROLL_KEY = "studysite-dev-scroll:" + location.pathname;
  var onErrorPage = function () { return document.body && document.body.dataset.page === "build-error"; };

  // A reload (a build error, a stylesheet) keeps the reader's place: the error page leaves it stored.
  function rememberPlace() {
    if (!onErrorPage()) sessionStorage.setItem(SCROLL_KEY, JSON.stringify([window.scrollX, window.scrollY]));
  }
  if (sessionStorage.getItem(SCROLL_KEY) !== null) history.scrollRestoration = "manual";  // ours, not the reload's
  window.addEventListener("load", function () {
    var stored = sessionStorage.getItem(SCROLL_KEY);
    if (stored === null || onErrorPage()) return;
    sessionStorage.removeItem(SCROLL_KEY);
    var place = JSON.parse(stored);
    window.scrollTo(place[0], place[1]);
  });
  document.addEventListener("LiveReloadConnect", function () {
    fetch("/.studysite/build", { cache: "no-store" }).then(function (response) {
      return response.json();
    }).then(function (current) {
      if (current.build === window.studysiteBuild) return;
      if (onErrorPage()) { location.reload(); return; }
      swap();
    }).catch(function () {});
  });

  function Plugin() {}
  Plugin.identifier = "studysite";
  Plugin.version = "1";
  Plugin.prototype.reload = function (path) {
    if (path.indexOf(PREFIX) !== 0 || onErrorPage()) { rememberPlace(); return false; }
    var changed = JSON.parse(path.slice(PREFIX.length));
    if (changed.indexOf("search-index.js") !== -1) delete window.studysiteSearchIndex;  // search.js reloads it
    // Review data: core.js forgets the scripts it loaded, so the page reads the new ones.
    document.dispatchEvent(new CustomEvent("studysite:data-changed", { detail: changed }));
    if (changed.indexOf(currentPath()) !== -1) swap();
    return true;  // handled: this page is current
  };
  Plugin.prototype.analyze = function () { return {}; };
  return Plugin;
})();
