// Continuum's own script: no inline script anywhere, so the Content-Security-Policy can forbid it.
(function () {
  "use strict";

  // Quick exit: leave for a neutral site and replace this page in the history, so that the
  // browser's Back button does not return to it. Pressing Escape twice quickly does the same.
  function quickExit(url) {
    document.title = "";
    document.body.replaceChildren();
    window.location.replace(url);
  }

  document.addEventListener("click", function (event) {
    var link = event.target.closest("[data-quick-exit]");
    if (!link) return;
    event.preventDefault();
    quickExit(link.getAttribute("href"));
  });

  var lastEscape = 0;
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    var link = document.querySelector("[data-quick-exit]");
    if (!link) return;
    var now = Date.now();
    if (now - lastEscape < 800) quickExit(link.getAttribute("href"));
    lastEscape = now;
  });

  // Filters submit on change for people who use a mouse; the button stays for everyone else.
  document.addEventListener("change", function (event) {
    var form = event.target.closest("form[data-autosubmit]");
    if (form) form.requestSubmit();
  });
})();
