// "Copy" buttons: copy the text of the element named by data-copy. Without JavaScript the
// buttons stay hidden and the text can be selected by hand (it selects whole on a tap).
(function () {
  "use strict";
  document.querySelectorAll("button[data-copy]").forEach(function (button) {
    var source = document.querySelector(button.dataset.copy);
    if (!source || !navigator.clipboard) {
      return;
    }
    var label = button.textContent;
    button.hidden = false;
    button.addEventListener("click", function () {
      navigator.clipboard.writeText(source.textContent.trim()).then(function () {
        button.textContent = button.dataset.copied || label;
        window.setTimeout(function () {
          button.textContent = label;
        }, 2000);
      });
    });
  });
})();
