// The review's weighted total (0–100), recomputed while the reviewer scores.
// Same formula as reviews/scoring.weighted_total: sum(points / max × weight) /
// sum(weight) × 100, two decimals, rounded half up, comma as the decimal
// separator. An empty field counts as 0 here; the server stores the real total
// on submission.
(function () {
  "use strict";
  var form = document.querySelector("[data-review-form]");
  if (!form) return;
  var output = form.querySelector("[data-review-total]");
  if (!output) return;
  var inputs = form.querySelectorAll("input[data-max][data-weight]");

  function total() {
    var numerator = 0;
    var weights = 0;
    for (var i = 0; i < inputs.length; i++) {
      var input = inputs[i];
      var max = parseFloat(input.dataset.max);
      var weight = parseFloat(input.dataset.weight);
      if (!(max > 0) || !(weight > 0)) continue;
      var raw = String(input.value || "").trim();
      var points = raw === "" ? 0 : Number(raw);
      if (!Number.isInteger(points) || points < 0 || points > max) return null;
      numerator += (points / max) * weight;
      weights += weight;
    }
    if (weights === 0) return 0;
    return (numerator / weights) * 100;
  }

  function format(value) {
    // Half up at the second decimal; the epsilon absorbs binary floating-point noise.
    var rounded = Math.round((value + 1e-9) * 100) / 100;
    return rounded.toFixed(2).replace(".", ",");
  }

  var last = null;
  function update() {
    var value = total();
    var text = value === null ? "—" : format(value);
    if (text !== last) {
      output.textContent = text;
      last = text;
    }
  }

  form.addEventListener("input", update);
  form.addEventListener("change", update);
  update();
})();
