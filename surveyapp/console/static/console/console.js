// The console's small behaviours, bound here instead of inline handlers (the Content-Security-Policy runs
// scripts from files only): select a link on click, print a page, confirm a bulk action.
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var el = event.target;
    if (el.hasAttribute && el.hasAttribute("data-select-on-click")) { el.select(); }
    if (el.hasAttribute && el.hasAttribute("data-print")) { window.print(); }
  });
  document.addEventListener("submit", function (event) {
    var message = event.target.getAttribute && event.target.getAttribute("data-confirm");
    if (message && !window.confirm(message)) { event.preventDefault(); }
  });
})();
