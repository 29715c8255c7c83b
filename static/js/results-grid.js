// Results grid: spreadsheet-like keys and pasting. Enter / Shift+Enter move down / up a column,
// arrow keys move between cells, Tab moves across (the browser's own order). Pasting several lines
// (a column copied from a spreadsheet) fills down from the cell; tab-separated values fill across.
(function () {
  "use strict";
  const grid = document.getElementById("results-grid");
  if (!grid) return;

  function cell(row, col) {
    return grid.querySelector('input[data-row="' + row + '"][data-col="' + col + '"]');
  }

  function move(input, dRow, dCol) {
    const target = cell(Number(input.dataset.row) + dRow, Number(input.dataset.col) + dCol);
    if (target) {
      target.focus();
      target.select();
    }
    return Boolean(target);
  }

  grid.addEventListener("keydown", function (event) {
    const input = event.target;
    if (!(input instanceof HTMLInputElement) || input.dataset.row === undefined) return;
    if (event.key === "Enter") {
      event.preventDefault();
      move(input, event.shiftKey ? -1 : 1, 0);
    } else if (event.key === "ArrowDown") {
      event.preventDefault();
      move(input, 1, 0);
    } else if (event.key === "ArrowUp") {
      event.preventDefault();
      move(input, -1, 0);
    }
  });

  grid.addEventListener("input", function (event) {
    const input = event.target;
    if (input.dataset && input.dataset.row !== undefined) {
      input.classList.add("is-changed");
    }
  });

  grid.addEventListener("paste", function (event) {
    const input = event.target;
    if (!(input instanceof HTMLInputElement) || input.dataset.row === undefined) return;
    const text = (event.clipboardData || window.clipboardData).getData("text");
    if (!/[\t\r\n]/.test(text.replace(/[\r\n]+$/, ""))) return; // a single value: let the browser paste it
    event.preventDefault();
    const lines = text.replace(/\r\n?/g, "\n").replace(/\n+$/, "").split("\n");
    const row0 = Number(input.dataset.row);
    const col0 = Number(input.dataset.col);
    lines.forEach(function (line, i) {
      line.split("\t").forEach(function (value, j) {
        const target = cell(row0 + i, col0 + j);
        if (target) {
          target.value = value.trim();
          target.classList.add("is-changed");
        }
      });
    });
  });
})();
