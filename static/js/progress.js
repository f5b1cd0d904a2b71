// Progress bars swapped in by htmx get their widths from data-width, as app.js gives
// them on page load (inline styles are blocked by our CSP, so the width is set here).
(function () {
  "use strict";

  function setWidths(root) {
    var bars = Array.prototype.slice.call(root.querySelectorAll("[data-width]"));
    if (root.matches && root.matches("[data-width]")) {
      bars.push(root);
    }
    bars.forEach(function (bar) {
      bar.style.width = Math.max(0, Math.min(100, parseFloat(bar.dataset.width) || 0)) + "%";
    });
  }

  document.body.addEventListener("htmx:afterSwap", function (event) {
    setWidths(event.target);
  });
})();
