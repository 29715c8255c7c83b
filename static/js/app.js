// Behaviour every page may use, wired up from data- attributes: the Content-Security-Policy allows no inline
// script or event-handler attributes, so templates say what they want and this file does it.
//   <button data-print>                     prints the page
//   <select data-autosubmit>                submits its form when the choice changes
//   <form data-confirm="Question?">         asks before submitting
//   <input type="checkbox" data-check-all=".selector">  ticks or clears every box matching the selector
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    const button = event.target.closest("[data-print]");
    if (button) {
      event.preventDefault();
      window.print();
    }
  });
  document.addEventListener("change", function (event) {
    const target = event.target;
    if (target.matches("select[data-autosubmit]") && target.form) {
      target.form.submit();
    }
    if (target.matches("input[type=checkbox][data-check-all]")) {
      document.querySelectorAll(target.dataset.checkAll).forEach(function (box) {
        box.checked = target.checked;
      });
    }
  });
  document.addEventListener("submit", function (event) {
    const form = event.target;
    if (form.dataset && form.dataset.confirm && !window.confirm(form.dataset.confirm)) {
      event.preventDefault();
    }
  });
})();
