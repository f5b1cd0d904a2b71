// Small enhancements for every page. Everything works without JavaScript.
(function () {
  "use strict";

  // Progress bars: widths come from data-width (inline styles are blocked by our CSP).
  document.querySelectorAll("[data-width]").forEach(function (bar) {
    bar.style.width = Math.max(0, Math.min(100, parseFloat(bar.dataset.width) || 0)) + "%";
  });

  // Character counters under text fields that have a limit.
  document.querySelectorAll("[data-char-count][maxlength]").forEach(function (field) {
    var max = parseInt(field.getAttribute("maxlength"), 10);
    var counter = document.createElement("div");
    counter.className = "form-text text-end char-counter";
    counter.id = field.id + "_counter";
    field.insertAdjacentElement("afterend", counter);
    var described = field.getAttribute("aria-describedby");
    field.setAttribute("aria-describedby", (described ? described + " " : "") + counter.id);
    function update() {
      var used = field.value.length;
      counter.textContent = used + " / " + max;
      counter.classList.toggle("text-danger", used > max * 0.95);
    }
    field.addEventListener("input", update);
    update();
  });

  // Buttons that submit a form are disabled after the first click, so a
  // double-click sends one request (the server is safe either way).
  document.querySelectorAll("form[data-once]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (form.dataset.sent) {
        event.preventDefault();
        return;
      }
      form.dataset.sent = "1";
    });
  });

  // "Back to the previous page" on the error pages goes back in the browser's history,
  // where a form still holds what was typed; without JavaScript the link opens it again.
  document.querySelectorAll("a[data-history-back]").forEach(function (link) {
    link.addEventListener("click", function (event) {
      if (window.history.length > 1) {
        event.preventDefault();
        window.history.back();
      }
    });
  });

  // A form carries the CSRF token of the moment its page was made. When the token changed
  // since (a login in another tab, or a refused form that set a new one), a page kept open
  // or brought back with Back sends the current one, so sending again works.
  function currentCsrfToken() {
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : "";
  }
  document.addEventListener("submit", function (event) {
    var token = currentCsrfToken();
    if (!token) return;
    event.target.querySelectorAll('input[name="csrfmiddlewaretoken"]').forEach(function (input) {
      input.value = token;
    });
  }, true);

  // A page brought back with Back is as it was left, a form marked as sent included:
  // it may be sent again (after a refused form, that is the way to send it).
  window.addEventListener("pageshow", function (event) {
    if (!event.persisted) return;
    document.querySelectorAll("form[data-once]").forEach(function (form) {
      delete form.dataset.sent;
    });
  });

  // A call's pages scroll sideways on a phone: bring the current one into the row's view.
  document.querySelectorAll(".call-nav-pages").forEach(function (row) {
    var current = row.querySelector("[aria-current=page]");
    if (current && row.scrollWidth > row.clientWidth) {
      var item = current.parentElement;
      row.scrollLeft = item.offsetLeft - (row.clientWidth - item.offsetWidth) / 2;
    }
  });
})();
