// Behaviour every page may use, wired up from data- attributes: the Content-Security-Policy allows no inline
// script or event-handler attributes, so templates say what they want and this file does it.
//   <button data-print>                     prints the page
//   <select data-autosubmit>                submits its form when the choice changes
//   <form data-confirm="Question?">         asks before submitting
//   <input type="checkbox" data-check-all=".selector">  ticks or clears every box matching the selector
//   <div class="table-responsive"> or <pre>  that scrolls sideways becomes a focusable region named after what it
//                                           holds (data-region-label, the table's caption or the nearest heading)
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

// A box that scrolls sideways (a wide table on a phone, a long example line) must be reachable with the keyboard,
// which scrolls it with the arrow keys, and must say what it holds when it gets the focus. Only boxes that really
// scroll at the current width become tab stops; the rest are left alone.
(function () {
  "use strict";
  const SCROLLERS = ".table-responsive, pre, [data-scroll-region]";

  function nameFor(box) {
    if (box.dataset.regionLabel) return box.dataset.regionLabel;
    const table = box.querySelector("table");
    if (table) {
      const caption = table.querySelector("caption");
      const label = table.getAttribute("aria-label") || (caption && caption.textContent);
      if (label && label.trim()) return label.trim().replace(/\s+/g, " ");
    }
    const headings = Array.from(document.querySelectorAll("h1, h2, h3, h4, h5, h6, summary"));
    let nearest = null;
    headings.forEach(function (heading) {
      if (heading.compareDocumentPosition(box) & Node.DOCUMENT_POSITION_FOLLOWING) nearest = heading;
    });
    const text = nearest ? nearest.textContent.trim().replace(/\s+/g, " ") : "";
    return (text || (table ? "Table" : "Example")) + " (scrolls sideways)";
  }

  function mark() {
    document.querySelectorAll(SCROLLERS).forEach(function (box) {
      const scrolls = box.scrollWidth > box.clientWidth + 1;
      const ours = box.dataset.regionMarked;
      if (scrolls && !box.hasAttribute("tabindex")) {
        box.setAttribute("tabindex", "0");
        box.setAttribute("role", "region");
        box.dataset.regionMarked = "1";
        if (!box.hasAttribute("aria-label") && !box.hasAttribute("aria-labelledby")) {
          // Two regions of one name would be two landmarks a screen reader cannot tell apart.
          const taken = new Set(
            Array.from(document.querySelectorAll("[role=region][aria-label]"), function (other) {
              return other.getAttribute("aria-label");
            })
          );
          const name = nameFor(box);
          let unique = name;
          for (let n = 2; taken.has(unique); n += 1) unique = name + " " + n;
          box.setAttribute("aria-label", unique);
          box.dataset.regionMarked = "2";
        }
      } else if (!scrolls && ours) {
        box.removeAttribute("tabindex");
        box.removeAttribute("role");
        if (ours === "2") box.removeAttribute("aria-label");
        delete box.dataset.regionMarked;
      }
    });
  }

  let pending = null;
  function later() {
    if (pending) window.cancelAnimationFrame(pending);
    pending = window.requestAnimationFrame(mark);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", mark);
  else mark();
  window.addEventListener("load", mark);
  window.addEventListener("resize", later);
  document.addEventListener("toggle", later, true); // a <details> opened shows a table that may scroll
})();
