// Session history: the register opens scrolled to its latest sessions (the oldest, from September, are a scroll
// away to the left), and the reason for an absence shows as a tooltip on hover, and on tap on a phone (the cell is
// focusable). Without this script the register opens at its first session and the reason is still in the cell's
// title and its accessible name.
(function () {
  "use strict";
  document.querySelectorAll("[data-scroll-to-end]").forEach(function (el) {
    el.scrollLeft = el.scrollWidth;
  });
  if (!window.bootstrap) return;
  document.querySelectorAll(".register-grid [data-bs-toggle='tooltip']").forEach(function (el) {
    new window.bootstrap.Tooltip(el, { trigger: "hover focus" });
  });
})();
