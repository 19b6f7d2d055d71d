/* Портал РМО: the plan editor (associations/plan_edit.html).
 *
 * The page works without this file: № п/п are typed by hand and a few blank rows wait below the
 * plan's items. With it:
 *   - «Добавить строку» clones the formset's empty form from <template id="plan-item-template">
 *     and bumps items-TOTAL_FORMS (the blank rows of a fresh page are removed first);
 *   - ↑ / ↓ swap a row with its neighbour and rewrite every row's № п/п in the new order;
 *   - a row shows the month or the dates according to its «Сроки»;
 *   - a row marked for deletion is greyed out;
 *   - leaving the page with unsaved changes asks for confirmation.
 * Loaded with <script src> (the CSP allows no inline script).
 */
(function () {
  "use strict";

  var editor = document.getElementById("plan-editor");
  if (!editor) {
    return;
  }
  var table = editor.querySelector("[data-plan-rows]");
  var template = document.getElementById("plan-item-template");
  var total = editor.querySelector('input[name$="-TOTAL_FORMS"]');
  var dirty = false;
  var submitting = false;

  function rows() {
    return Array.prototype.slice.call(table.querySelectorAll("tbody.plan-item"));
  }

  function renumber() {
    rows().forEach(function (row, index) {
      var input = row.querySelector(".plan-position");
      if (input) {
        input.value = String(index + 1);
      }
    });
  }

  function showTiming(row) {
    var select = row.querySelector(".plan-timing");
    if (select) {
      row.classList.add("js-timing");
      row.setAttribute("data-timing", select.value);
    }
  }

  function showDeleted(row) {
    var box = row.querySelector(".plan-delete");
    row.classList.toggle("plan-row-deleted", Boolean(box && box.checked));
  }

  function setUp(row) {
    showTiming(row);
    showDeleted(row);
  }

  function addRow() {
    var index = parseInt(total.value, 10);
    var holder = document.createElement("table");
    holder.innerHTML = template.innerHTML.replace(/__prefix__/g, String(index));
    var row = holder.querySelector("tbody.plan-item");
    table.appendChild(row);
    total.value = String(index + 1);
    row.querySelector(".plan-position").value = String(rows().length);
    row.querySelectorAll("[data-js-only]").forEach(function (el) { el.hidden = false; });
    setUp(row);
    return row;
  }

  // A fresh page (nothing posted) comes with blank rows for typing without JavaScript; here
  // rows are added on demand instead. They are the formset's last forms, so dropping them
  // and lowering TOTAL_FORMS keeps the numbering of the forms contiguous.
  var blank = table.querySelectorAll("tbody[data-blank-row]");
  if (blank.length) {
    blank.forEach(function (row) { row.remove(); });
    total.value = String(parseInt(total.value, 10) - blank.length);
  }

  editor.querySelectorAll("[data-js-only]").forEach(function (el) { el.hidden = false; });
  editor.querySelectorAll("[data-no-js-note]").forEach(function (el) { el.hidden = true; });
  rows().forEach(setUp);
  if (!rows().length) {
    addRow();
  }

  editor.querySelector("[data-plan-add]").addEventListener("click", function () {
    var row = addRow();
    dirty = true;
    var content = row.querySelector("textarea");
    if (content) {
      content.focus();
    }
  });

  table.addEventListener("click", function (event) {
    var button = event.target.closest("[data-move]");
    if (!button) {
      return;
    }
    var row = button.closest("tbody.plan-item");
    if (button.getAttribute("data-move") === "up") {
      var previous = row.previousElementSibling;
      if (previous && previous.matches("tbody.plan-item")) {
        table.insertBefore(row, previous);
      }
    } else {
      var next = row.nextElementSibling;
      if (next && next.matches("tbody.plan-item")) {
        table.insertBefore(next, row);
      }
    }
    renumber();
    dirty = true;
    button.focus();
  });

  table.addEventListener("change", function (event) {
    var row = event.target.closest("tbody.plan-item");
    if (!row) {
      return;
    }
    if (event.target.matches(".plan-timing")) {
      showTiming(row);
    } else if (event.target.matches(".plan-delete")) {
      showDeleted(row);
    }
  });

  editor.addEventListener("input", function () { dirty = true; });
  editor.addEventListener("change", function () { dirty = true; });
  editor.addEventListener("submit", function () { submitting = true; });
  window.addEventListener("beforeunload", function (event) {
    if (dirty && !submitting) {
      event.preventDefault();
      event.returnValue = "";
    }
  });
})();
