/* studysite code: a copy button on each code block. */
(function () {
  "use strict";
  studysite.feature("code", function (page) {
    var $ = studysite.$, $$ = studysite.$$, show = studysite.show;
    var copyText = studysite.copyText;
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
  });
})();
