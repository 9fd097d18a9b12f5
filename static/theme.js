/* studysite theme: how the page looks: the light / dark switch (the saved choice is applied before paint,
   in <head>), and a long introduction folded on a phone. */
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

  // A page's long introduction starts folded on a phone (style.css); a short one is simply shown.
  studysite.feature("intro", function (page) {
    var $ = studysite.$, t = studysite.t;
    var box = $("[data-intro]");
    if (!box) return;
    var text = $(".intro__text", box), button = $("[data-action=more-intro]", box);
    var phone = window.matchMedia("(max-width: 40rem)");
    function fit() {
      // Measured only where the fold applies; unfolding it changes nothing when the text fits.
      if (!phone.matches || !box.classList.contains("is-clamped")) return;
      if (text.scrollHeight <= text.clientHeight + 1) { box.classList.remove("is-clamped"); button.hidden = true; }
    }
    button.addEventListener("click", function () {
      var folded = box.classList.toggle("is-clamped");
      button.setAttribute("aria-expanded", String(!folded));
      button.textContent = t(folded ? "intro.more" : "intro.less");
    });
    if (phone.addEventListener) phone.addEventListener("change", fit, page.forPage);
    if (window.ResizeObserver) {  // (after layout, as stickHeight measures)
      var observer = new ResizeObserver(function () { fit(); });
      observer.observe(text);
      page.signal.addEventListener("abort", function () { observer.disconnect(); });
    } else {
      fit();
    }
  });
})();
