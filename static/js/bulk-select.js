// Lists with bulk actions: a "select all on this page" box over the row checkboxes.
// The table's data-bulk-select names the rows' checkboxes (default "applications").
// Without JavaScript the box stays hidden and each row is ticked on its own.
(function () {
  "use strict";
  document.querySelectorAll("table[data-bulk-select]").forEach(function (table) {
    var wrapper = table.querySelector("[data-bulk-select-all]");
    var all = wrapper && wrapper.querySelector('input[type="checkbox"]');
    var name = table.getAttribute("data-bulk-select") || "applications";
    var rows = Array.prototype.slice.call(
      table.querySelectorAll('tbody input[type="checkbox"]')
    ).filter(function (box) { return box.name === name; });
    if (!all || rows.length === 0) {
      return;
    }
    wrapper.hidden = false;

    function reflectRows() {
      var ticked = rows.filter(function (box) { return box.checked; }).length;
      all.checked = ticked === rows.length;
      all.indeterminate = ticked > 0 && ticked < rows.length;
    }

    all.addEventListener("change", function () {
      rows.forEach(function (box) { box.checked = all.checked; });
      all.indeterminate = false;
    });
    rows.forEach(function (box) { box.addEventListener("change", reflectRows); });
    // The browser may restore ticks after "back"; start from what is shown.
    reflectRows();
  });
})();
