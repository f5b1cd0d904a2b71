// Budget table: line totals, grand total, requested amount and own-contribution
// share computed while typing. The server computes them again on saving; these
// numbers are only a preview.
(function () {
  "use strict";
  var table = document.querySelector("[data-budget]");
  if (!table) return;
  var requiredShare = parse(table.dataset.requiredShare);

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
  // The call's rules and their messages, worded by the server (applicants/submission.py).
  var box = document.querySelector("[data-budget-problems]");
  var rules = box ? box.closest("[data-max-amount]") : null;

  function fill(template, values) {
    return template.replace(/\{(\w+)\}/g, function (match, key) {
      return key in values ? values[key] : match;
    });
  }
  function showProblems(lines, total, own, requested, shareText) {
    if (!rules) return [];
    var problems = [];
    if (lines === 0) return problems; // an empty budget is listed on the submit page
    var max = grosze(parse(rules.dataset.maxAmount));
    var min = grosze(parse(rules.dataset.minAmount));
    if (requested > max) {
      problems.push(fill(rules.dataset.overMax, { amount: money(requested), over: money(requested - max) }));
    } else if (requested < min) {
      problems.push(fill(rules.dataset.underMin, { amount: money(requested), under: money(min - requested) }));
    }
    // Compared exactly like the server: own × 100 ≥ required × total.
    if (requiredShare > 0 && own * 100 < requiredShare * total) {
      problems.push(fill(rules.dataset.shareMissed, { share: shareText }));
    }
    var list = box.querySelector("[data-budget-problem-list]");
    list.replaceChildren.apply(
      list,
      problems.map(function (text) {
        var item = document.createElement("li");
        item.textContent = text;
        return item;
      })
    );
    box.hidden = problems.length === 0;
    return problems;
  }

  function recompute() {
    var total = 0;
    var own = 0;
    var lines = 0;
    table.querySelectorAll("[data-budget-row]").forEach(function (row) {
      var deleted = row.querySelector('input[name$="-DELETE"]');
      var quantityInput = row.querySelector('input[name$="-quantity"]');
      var unitCostInput = row.querySelector('input[name$="-unit_cost"]');
      var quantity = parse(quantityInput.value);
      var unitCost = parse(unitCostInput.value);
      var lineTotal = grosze(quantity * unitCost);
      var cell = row.querySelector("[data-line-total]");
      if (cell) cell.textContent = money(lineTotal);
      if (deleted && deleted.checked) return;
      if (quantityInput.value.trim() || unitCostInput.value.trim()) lines += 1;
      total += lineTotal;
      own += grosze(parse(row.querySelector('input[name$="-own_contribution"]').value));
    });
    var requested = total - own;
    // In hundredths of a per cent, rounded down like the server (applicants/budget.py):
    // a share that misses the call's rule never reads as enough.
    var share = total > 0 ? Math.floor((own * 10000) / total) / 100 : 0;
    var shareText = share.toFixed(2).replace(".", ",");
    document.querySelector("[data-total-cost]").textContent = money(total);
    document.querySelector("[data-own-total]").textContent = money(own);
    var requestedCell = document.querySelector("[data-requested]");
    requestedCell.textContent = money(requested);
    var shareCell = document.querySelector("[data-own-share]");
    shareCell.textContent = shareText + "%";
    shareCell.classList.toggle("text-danger-emphasis", requiredShare > 0 && share < requiredShare);
    var problems = showProblems(lines, total, own, requested, shareText);
    if (rules) {
      var max = grosze(parse(rules.dataset.maxAmount));
      var min = grosze(parse(rules.dataset.minAmount));
      requestedCell.classList.toggle("text-danger-emphasis", lines > 0 && (requested > max || requested < min));
    }
    return problems;
  }
  table.addEventListener("input", recompute);
  table.addEventListener("change", recompute);
  document.addEventListener("formset:added", recompute);
  recompute();
})();
