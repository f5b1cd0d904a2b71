// Budget table: line totals, grand total, requested amount and own-contribution
// share computed while typing. The server computes them again on saving; these
// numbers are only a preview.
(function () {
  "use strict";
  var table = document.querySelector("[data-budget]");
  if (!table) return;
  var requiredShare = parseFloat(table.dataset.requiredShare || "0");

  function parse(value) {
    var number = parseFloat(String(value || "").replace(/\s/g, "").replace(",", "."));
    return isFinite(number) ? number : 0;
  }
  function grosze(value) {
    return Math.round(value * 100);
  }
  function money(cents) {
    var negative = cents < 0;
    cents = Math.abs(cents);
    var whole = String(Math.floor(cents / 100));
    var fraction = String(cents % 100).padStart(2, "0");
    var grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, "\u00a0");
    return (negative ? "\u2212" : "") + grouped + "," + fraction + "\u00a0zł";
  }
  function recompute() {
    var total = 0;
    var own = 0;
    table.querySelectorAll("[data-budget-row]").forEach(function (row) {
      var deleted = row.querySelector('input[name$="-DELETE"]');
      var quantity = parse(row.querySelector('input[name$="-quantity"]').value);
      var unitCost = parse(row.querySelector('input[name$="-unit_cost"]').value);
      var lineTotal = grosze(quantity * unitCost);
      var cell = row.querySelector("[data-line-total]");
      if (cell) cell.textContent = money(lineTotal);
      if (deleted && deleted.checked) return;
      total += lineTotal;
      own += grosze(parse(row.querySelector('input[name$="-own_contribution"]').value));
    });
    var requested = total - own;
    // In hundredths of a per cent, rounded down like the server (applicants/budget.py):
    // a share that misses the call's rule never reads as enough.
    var share = total > 0 ? Math.floor((own * 10000) / total) / 100 : 0;
    document.querySelector("[data-total-cost]").textContent = money(total);
    document.querySelector("[data-own-total]").textContent = money(own);
    document.querySelector("[data-requested]").textContent = money(requested);
    var shareCell = document.querySelector("[data-own-share]");
    shareCell.textContent = share.toFixed(2).replace(".", ",") + "%";
    shareCell.classList.toggle("text-danger", requiredShare > 0 && share < requiredShare);
  }
  table.addEventListener("input", recompute);
  table.addEventListener("change", recompute);
  document.addEventListener("formset:added", recompute);
  recompute();
})();
