// Formset editor: add rows and, where rows have an "Order" field (criteria,
// the parts of a call), move them up or down.
// Each ordered row marks the input that says it is in use with
// data-formset-main; only rows with that input filled in get an "Order"
// number, so an untouched new row stays empty and the server ignores it.
// Without JavaScript the form still works: one empty row is always offered
// and the "Order" numbers decide the order.
(function () {
  "use strict";
  document.querySelectorAll("[data-formset-add]").forEach(function (addButton) {
    var fieldset = addButton.closest("fieldset");
    var list = fieldset.querySelector("[data-formset-list]");
    var template = fieldset.querySelector("[data-formset-template]");
    var total = fieldset.querySelector('input[name$="-TOTAL_FORMS"]');
    // The server refuses more rows than MAX_NUM_FORMS: don't offer them.
    var max = parseInt(fieldset.querySelector('input[name$="-MAX_NUM_FORMS"]').value, 10);
    // Says why the button stopped working, where the eye is (optional).
    var full = fieldset.querySelector("[data-formset-full]");
    // Set once rows were added or moved here: from then on the order on the
    // page is the order to save.
    var arranged = false;

    function rows() {
      return Array.prototype.slice.call(list.querySelectorAll("[data-formset-row]"));
    }

    function renumber() {
      var position = 0;
      rows().forEach(function (row, index) {
        var number = row.querySelector("[data-formset-number]");
        if (number) number.textContent = String(index + 1);
        var main = row.querySelector("[data-formset-main]");
        var order = row.querySelector('input[name$="-ORDER"]');
        if (order && main && main.value.trim() !== "") {
          position += 1;
          order.value = String(position);
        }
      });
    }

    function offerMore() {
      var atLimit = rows().length >= max;
      addButton.disabled = atLimit;
      if (full) full.hidden = !atLimit;
    }

    addButton.addEventListener("click", function () {
      if (rows().length >= max) return;
      var index = parseInt(total.value, 10);
      var html = template.innerHTML.replace(/__prefix__/g, String(index));
      list.insertAdjacentHTML("beforeend", html);
      total.value = String(index + 1);
      arranged = true;
      renumber();
      var added = rows()[rows().length - 1];
      var first =
        added.querySelector("[data-formset-main]") ||
        added.querySelector("input:not([type=hidden]), select, textarea");
      if (first) first.focus();
      // Lets other scripts (e.g. budget.js) react to the new row.
      added.dispatchEvent(new CustomEvent("formset:added", { bubbles: true }));
      offerMore();
    });
    offerMore();

    list.addEventListener("click", function (event) {
      var button = event.target.closest("[data-formset-up], [data-formset-down]");
      if (!button) return;
      var row = button.closest("[data-formset-row]");
      if (button.hasAttribute("data-formset-up") && row.previousElementSibling) {
        list.insertBefore(row, row.previousElementSibling);
      } else if (button.hasAttribute("data-formset-down") && row.nextElementSibling) {
        list.insertBefore(row.nextElementSibling, row);
      }
      arranged = true;
      renumber();
      button.focus();
    });

    // Number again on submit, or a row filled in after the last move would
    // keep no number and be saved last. Without a move, numbers typed into
    // "Order" by hand are left as they are.
    if (fieldset.form) {
      fieldset.form.addEventListener("submit", function () {
        if (arranged) renumber();
      });
    }
  });
})();
