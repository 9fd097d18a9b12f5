/* studysite code: a copy button on each code block. */
(function () {
  "use strict";
  studysite.feature("code", function (page) {
    var $ = studysite.$, $$ = studysite.$$, show = studysite.show;
    var copyText = studysite.copyText;
    $$("[data-copy-code]").forEach(function (button) {
      var code = button.closest(".code").querySelector("pre");
      button.setAttribute("aria-label", studysite.t("code.copy_label"));
      button.textContent = studysite.t("code.copy");
      button.addEventListener("click", function () {
        copyText(code.textContent.replace(/\n$/, "")).then(function () {
          button.textContent = studysite.t("code.copied");
        }, function () {
          button.textContent = studysite.t("code.select");
        }).then(function () {
          setTimeout(function () { button.textContent = studysite.t("code.copy"); }, 1500);
        });
      });
      show(button);
    });
  });
})();
