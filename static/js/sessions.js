// Session history: the reason for an absence shows as a tooltip on hover, and on tap on a phone (the cell is
// focusable). Without this script the same reason is still in the cell's title and its accessible name.
(function () {
  "use strict";
  if (!window.bootstrap) return;
  document.querySelectorAll(".register-grid [data-bs-toggle='tooltip']").forEach(function (el) {
    new window.bootstrap.Tooltip(el, { trigger: "hover focus" });
  });
})();
