// The console's small behaviours, bound here instead of inline handlers (the Content-Security-Policy runs
// scripts from files only): select a link on click, print a page, confirm a bulk action, copy a paragraph, show the current tab.
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var el = event.target;
    if (el.hasAttribute && el.hasAttribute("data-select-on-click")) { el.select(); }
    if (el.hasAttribute && el.hasAttribute("data-print")) { window.print(); }
    if (el.hasAttribute && el.hasAttribute("data-copy")) { copyText(el); }
  });

  // Copies the text of the element named by data-copy (its paragraphs one per line) and says so on the button.
  function copyText(button) {
    var source = document.getElementById(button.getAttribute("data-copy"));
    if (!source) { return; }
    var lines = Array.prototype.map.call(source.querySelectorAll("p"), function (p) { return p.textContent; });
    var text = lines.length ? lines.join("\n") : source.textContent;
    var done = function () {
      var label = button.textContent;
      button.textContent = "已复制";
      window.setTimeout(function () { button.textContent = label; }, 1500);
    };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(done);
    } else {
      var range = document.createRange();
      range.selectNodeContents(source);
      var selection = window.getSelection();
      selection.removeAllRanges();
      selection.addRange(range);
      if (document.execCommand("copy")) { done(); }
    }
  }
  document.addEventListener("submit", function (event) {
    var message = event.target.getAttribute && event.target.getAttribute("data-confirm");
    if (message && !window.confirm(message)) { event.preventDefault(); }
  });
  // On a narrow screen the survey tabs scroll sideways: bring the current one into view.
  document.addEventListener("DOMContentLoaded", function () {
    var tabs = document.querySelector("nav.tabs");
    var active = tabs && tabs.querySelector("a.active");
    if (active && tabs.scrollWidth > tabs.clientWidth) {
      tabs.scrollLeft = active.offsetLeft - (tabs.clientWidth - active.offsetWidth) / 2 - tabs.offsetLeft;
    }
  });
})();
