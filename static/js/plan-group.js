// Planning a group: when the programme changes, the staff choices are listed again with those trained in it
// first and the others marked "(not trained in ...)", before anything is saved (the server does the same when
// it draws the form, and warns again on saving). Coming from "who needs support", the suggested name follows the
// programme until the name is edited by hand.
(function () {
  "use strict";
  const form = document.getElementById("intervention-form");
  const programme = document.getElementById("id_programme");
  if (!form || !programme) return;
  const note = document.getElementById("training-note");
  const name = document.getElementById("id_name");

  function staffSelects() {
    return form.querySelectorAll('select[name="lead"], select[name^="staff-"][name$="-user"]');
  }

  function chosen() {
    const option = programme.selectedOptions[0];
    if (!option || !option.value) return null;
    const trained = (option.dataset.trained || "").split(" ").filter(Boolean);
    return { name: option.dataset.name || option.textContent.trim(), trained: new Set(trained) };
  }

  function relabel() {
    const picked = chosen();
    staffSelects().forEach(function (select) {
      const options = Array.from(select.options).filter(function (o) { return o.value && o.dataset.label; });
      options.forEach(function (option) {
        const untrained = picked && !picked.trained.has(option.value);
        option.textContent = option.dataset.label + (untrained ? " (not trained in " + picked.name + ")" : "");
      });
      options.sort(function (a, b) {
        const rank = function (o) { return picked && !picked.trained.has(o.value) ? 1 : 0; };
        return rank(a) - rank(b) || (a.dataset.order < b.dataset.order ? -1 : a.dataset.order > b.dataset.order ? 1 : 0);
      });
      options.forEach(function (option) { select.appendChild(option); });
    });
    if (note) {
      note.textContent = picked
        ? "Staff trained in " + picked.name + " are listed first; the others are marked “not trained”."
        : "";
    }
  }

  // The name as suggested: "<programme or subject>: <years> (<term>)". Renamed only while it is still that.
  let suggested = name && name.dataset.nameSuffix !== undefined ? name.value : null;
  function rename() {
    if (suggested === null || name.value !== suggested) return;
    const picked = chosen();
    suggested = (picked ? picked.name : name.dataset.nameDefault) + name.dataset.nameSuffix;
    name.value = suggested;
  }

  programme.addEventListener("change", function () {
    relabel();
    rename();
  });
})();
