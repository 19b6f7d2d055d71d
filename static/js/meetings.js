/* Портал РМО: meetings, attendance and the protocol editor (meetings/*.html).
 *
 * Every page works without this file (blank rows wait below the formsets, the server checks
 * everything). With it:
 *   - [data-add-row] buttons add a formset row from a <template> and bump its TOTAL_FORMS;
 *   - the meeting form shows the academic year its date proposes (late August → next year);
 *   - an agenda question that does not start with «О», «Об» or «Обо» shows a hint;
 *   - the attendance sheet enables the reason only for the absent and counts as you click;
 *   - a vote with more votes than people present shows a warning;
 *   - the year filter submits itself; leaving an edited form asks for confirmation.
 * Loaded with <script src> (the CSP allows no inline script or style).
 */
(function () {
  "use strict";

  function each(selector, root, fn) {
    Array.prototype.forEach.call((root || document).querySelectorAll(selector), fn);
  }

  // --- formset rows ---------------------------------------------------------------------------

  function addRow(button) {
    var prefix = button.getAttribute("data-add-row");
    var template = document.getElementById(button.getAttribute("data-template"));
    var total = document.querySelector('input[name="' + prefix + '-TOTAL_FORMS"]');
    var container = document.querySelector('[data-rows="' + prefix + '"]');
    if (!template || !total || !container) {
      return null;
    }
    var index = parseInt(total.value, 10);
    var html = template.innerHTML;
    var templatePrefix = button.getAttribute("data-template-prefix");
    if (templatePrefix) {
      html = html.split(templatePrefix).join(prefix);
    }
    html = html.replace(/__prefix__/g, String(index));
    var holder = document.createElement("template");
    holder.innerHTML = html.trim();
    var row = holder.content.firstElementChild;
    container.appendChild(row);
    total.value = String(index + 1);
    var position = row.querySelector(".row-position");
    if (position) {
      position.value = String(container.querySelectorAll(".row-position").length);
    }
    each("[data-add-row]", row, function (el) { el.hidden = false; });
    var first = row.querySelector("textarea, input[type=text]");
    if (first) {
      first.focus();
    }
    return row;
  }

  each("[data-add-row]", document, function (button) {
    button.hidden = false;
  });
  each("[data-hide-with-js]", document, function (el) {
    el.hidden = true;
  });

  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-add-row]");
    if (button) {
      addRow(button);
      markDirty();
    }
  });

  document.addEventListener("change", function (event) {
    if (event.target.matches(".row-delete")) {
      var row = event.target.closest(".formset-row");
      if (row) {
        row.classList.toggle("row-deleted", event.target.checked);
      }
    }
    if (event.target.matches("select[data-autosubmit]")) {
      event.target.form.submit();
    }
  });

  // --- the meeting form: the academic year a date proposes -----------------------------------

  var dateInput = document.querySelector("[data-year-date]");
  var yearNote = document.querySelector("[data-year-note]");
  function showYear() {
    var match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(dateInput.value);
    if (!match) {
      yearNote.textContent = "";
      return;
    }
    var year = parseInt(match[1], 10);
    var month = parseInt(match[2], 10);
    var day = parseInt(match[3], 10);
    var lateAugust = month === 8 && day >= parseInt(dateInput.getAttribute("data-late-august-day") || "20", 10);
    var start = lateAugust || month >= 9 ? year : year - 1;
    var text = yearNote.getAttribute(lateAugust ? "data-text-august" : "data-text-normal");
    yearNote.textContent = text.replace("{year}", start + "/" + (start + 1));
  }
  if (dateInput && yearNote) {
    dateInput.addEventListener("input", showYear);
    dateInput.addEventListener("change", showYear);
  }

  // --- agenda questions start with «О», «Об», «Обо» -------------------------------------------

  var agendaTitle = /^\s*(?:о|об|обо)\s+\S/i;
  function checkTitle(textarea) {
    var hint = textarea.parentNode.querySelector(".agenda-title-hint");
    if (hint) {
      hint.hidden = !textarea.value.trim() || agendaTitle.test(textarea.value);
    }
  }
  document.addEventListener("input", function (event) {
    if (event.target.matches(".agenda-title")) {
      checkTitle(event.target);
    }
    if (event.target.matches(".vote-input")) {
      checkVotes(event.target.closest("[data-votes]"));
    }
  });
  each(".agenda-title", document, checkTitle);

  // --- votes cannot exceed those present ------------------------------------------------------

  function checkVotes(group) {
    if (!group) {
      return;
    }
    var total = 0;
    var present = null;
    each(".vote-input", group, function (input) {
      total += parseInt(input.value, 10) || 0;
      present = parseInt(input.getAttribute("data-present"), 10);
    });
    var warning = group.querySelector(".votes-warning");
    if (warning && present !== null && !isNaN(present)) {
      warning.hidden = total <= present;
    }
  }
  each("[data-votes]", document, checkVotes);

  // --- attendance -----------------------------------------------------------------------------

  var sheet = document.getElementById("attendance-form");
  function showRow(row) {
    var absent = row.querySelector('.attendance-present[value="0"]');
    var reason = row.querySelector(".attendance-reason");
    var isAbsent = Boolean(absent && absent.checked);
    row.classList.toggle("is-absent", isAbsent);
    if (reason) {
      reason.disabled = !isAbsent;
    }
  }
  function count() {
    var present = 0;
    var absent = 0;
    each(".attendance-row", sheet, function (row) {
      var mark = row.querySelector(".attendance-present:checked");
      if (mark && mark.value === "1") {
        present += 1;
      } else if (mark) {
        absent += 1;
      }
    });
    each("[data-count-present]", document, function (el) { el.textContent = String(present); });
    each("[data-count-absent]", document, function (el) { el.textContent = String(absent); });
  }
  if (sheet) {
    each(".attendance-row", sheet, showRow);
    sheet.addEventListener("change", function (event) {
      if (event.target.matches(".attendance-present")) {
        var row = event.target.closest(".attendance-row");
        showRow(row);
        count();
        if (event.target.value === "0") {
          var reason = row.querySelector(".attendance-reason");
          if (reason) {
            reason.focus();
          }
        }
      }
    });
  }

  // --- unsaved changes ------------------------------------------------------------------------

  var dirty = false;
  var submitting = false;
  function markDirty() {
    dirty = true;
  }
  each("form[data-dirty-guard]", document, function (form) {
    form.addEventListener("input", markDirty);
    form.addEventListener("change", markDirty);
    form.addEventListener("submit", function () { submitting = true; });
  });
  window.addEventListener("beforeunload", function (event) {
    if (dirty && !submitting) {
      event.preventDefault();
      event.returnValue = "";
    }
  });
})();
