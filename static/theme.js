/* studysite theme: the light / dark switch (the saved choice is applied before paint, in <head>). */
(function () {
  "use strict";
  studysite.feature("theme", function (page) {
    var $ = studysite.$, $$ = studysite.$$, show = studysite.show;
    var forPage = page.forPage;
    var button = $("[data-theme-toggle]");
    if (!button) return;
    var media = window.matchMedia("(prefers-color-scheme: dark)");
    function current() { return document.documentElement.dataset.theme || (media.matches ? "dark" : "light"); }
    function label() {
      var text = studysite.t(current() === "dark" ? "theme.to_light" : "theme.to_dark");
      button.setAttribute("aria-label", text);
      button.title = text;
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
  });
})();
