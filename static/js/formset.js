// Criteria editor: add rows and move them up or down.
// Without JavaScript the form still works: one empty row is always offered
// and the "Order" numbers decide the order.
(function () {
  "use strict";
  document.querySelectorAll("[data-formset-add]").forEach(function (addButton) {
    var fieldset = addButton.closest("fieldset");
    var list = fieldset.querySelector("[data-formset-list]");
    var template = fieldset.querySelector("[data-formset-template]");
    var total = fieldset.querySelector('input[name$="-TOTAL_FORMS"]');

    function rows() {
      return Array.prototype.slice.call(list.querySelectorAll("[data-formset-row]"));
    }

    function renumber() {
      var position = 0;
      rows().forEach(function (row, index) {
        row.querySelector("[data-formset-number]").textContent = String(index + 1);
        var name = row.querySelector('input[name$="-name"]');
        var order = row.querySelector('input[name$="-ORDER"]');
        if (order && name && name.value.trim() !== "") {
          position += 1;
          order.value = String(position);
        }
      });
    }

    addButton.addEventListener("click", function () {
      var index = parseInt(total.value, 10);
      var html = template.innerHTML.replace(/__prefix__/g, String(index));
      list.insertAdjacentHTML("beforeend", html);
      total.value = String(index + 1);
      renumber();
      var added = rows()[rows().length - 1];
      added.querySelector('input[name$="-name"]').focus();
    });

    list.addEventListener("click", function (event) {
      var button = event.target.closest("[data-formset-up], [data-formset-down]");
      if (!button) return;
      var row = button.closest("[data-formset-row]");
      if (button.hasAttribute("data-formset-up") && row.previousElementSibling) {
        list.insertBefore(row, row.previousElementSibling);
      } else if (button.hasAttribute("data-formset-down") && row.nextElementSibling) {
        list.insertBefore(row.nextElementSibling, row);
      }
      renumber();
      button.focus();
    });
  });
})();
