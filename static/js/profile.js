// Who applies: show only the part of the form for the chosen kind of applicant.
(function () {
  "use strict";
  var radios = document.querySelectorAll('input[name="kind"]');
  if (!radios.length) return;
  function update() {
    var chosen = document.querySelector('input[name="kind"]:checked');
    document.querySelectorAll("[data-kind]").forEach(function (part) {
      part.hidden = !chosen || part.dataset.kind !== chosen.value;
    });
  }
  radios.forEach(function (radio) { radio.addEventListener("change", update); });
  update();
})();
