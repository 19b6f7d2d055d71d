/* Портал РМО: the grid of a class's monitoring (reports/monitoring/edit.html).
 *
 * The page works without this file: plain inputs, posted as they are, checked by the server.
 * With it, the grid is keyboard-first:
 *   - a digit of the method's scale fills a grade cell and moves to the next one (the row's
 *     end goes on to the next row's first grade); any other character is refused;
 *   - the arrow keys move between cells (in № and initials: ← → at the text's edge), Enter
 *     moves down, Backspace / Delete clear a grade cell, Ctrl+Enter saves;
 *   - tab/newline-separated text pasted into a cell (a block copied from Excel) fills the grid
 *     from that cell right and down, adding rows when needed (up to the grid's maximum);
 *   - «Добавить строку» adds a blank row numbered on.
 * The messages are the template's (data-* of #grid-status), translated there.
 * Loaded with <script src> (the CSP allows no inline script).
 */
(function () {
  "use strict";

  var grid = document.getElementById("monitoring-grid");
  if (!grid) {
    return;
  }
  var form = grid.closest("form");
  var body = grid.querySelector("tbody[data-grid-rows]");
  var count = form.querySelector("input[data-grid-count]");
  var addButton = document.getElementById("grid-add-row");
  var saveButton = document.getElementById("grid-save");
  var status = document.getElementById("grid-status");
  var digits = (grid.getAttribute("data-scale") || "").split(",").filter(function (d) { return d.length === 1; });
  var maxRows = parseInt(grid.getAttribute("data-max-rows"), 10) || 40;
  var rowLabel = grid.getAttribute("data-row-label") || "";
  var FIRST_GRADE = 2;

  function rows() {
    return Array.prototype.slice.call(body.querySelectorAll("tr[data-grid-row]"));
  }

  function lastCol(row) {
    var inputs = row.querySelectorAll("input[data-col]");
    return inputs.length - 1;
  }

  function cellAt(r, c) {
    var all = rows();
    if (r < 0 || r >= all.length || c < 0) {
      return null;
    }
    return all[r].querySelector('input[data-col="' + c + '"]');
  }

  function where(input) {
    var row = input.closest("tr[data-grid-row]");
    return { row: rows().indexOf(row), col: parseInt(input.getAttribute("data-col"), 10), tr: row };
  }

  function isGrade(input) {
    return input.classList.contains("grid-grade");
  }

  function say(text) {
    if (status) {
      status.textContent = text;
    }
  }

  function message(name, value) {
    var text = status ? status.getAttribute("data-" + name) || "" : "";
    return text.replace("%s", String(value));
  }

  function go(input) {
    if (input) {
      input.focus();
      if (input.select) {
        input.select();
      }
    }
    return Boolean(input);
  }

  function setGrade(input, value) {
    input.value = value;
    input.classList.remove("is-invalid");
    input.removeAttribute("aria-invalid");
  }

  function nextGrade(at) {
    if (at.col < lastCol(at.tr)) {
      return cellAt(at.row, at.col + 1);
    }
    return cellAt(at.row + 1, FIRST_GRADE);
  }

  function usedNumbers() {
    var used = {};
    rows().forEach(function (row) {
      var number = row.querySelector('input[data-col="0"]');
      if (number && /^\d+$/.test(number.value.trim())) {
        used[parseInt(number.value.trim(), 10)] = true;
      }
    });
    return used;
  }

  function showAddButton() {
    if (addButton) {
      addButton.hidden = false;
      addButton.disabled = rows().length >= maxRows;
    }
  }

  function addRow() {
    var all = rows();
    if (all.length >= maxRows) {
      say(message("full", maxRows));
      return null;
    }
    var index = all.length;
    var copy = all[all.length - 1].cloneNode(true);
    copy.className = "";
    copy.removeAttribute("data-testid");
    var used = usedNumbers();
    var highest = 0;
    Object.keys(used).forEach(function (n) { highest = Math.max(highest, parseInt(n, 10)); });
    var number = highest + 1 <= maxRows ? String(highest + 1) : "";
    Array.prototype.forEach.call(copy.querySelectorAll("input[data-col]"), function (input) {
      input.name = input.name.replace(/^r\d+-/, "r" + index + "-");
      input.value = input.getAttribute("data-col") === "0" ? number : "";
      input.classList.remove("is-invalid");
      input.removeAttribute("aria-invalid");
      input.removeAttribute("aria-describedby");
      var label = input.getAttribute("aria-label") || "";
      input.setAttribute("aria-label", label.replace(/^[^:]*:/, rowLabel + " " + (index + 1) + ":"));
    });
    Array.prototype.forEach.call(copy.querySelectorAll(".grid-result"), function (cell) {
      cell.textContent = "";
    });
    body.appendChild(copy);
    count.value = String(rows().length);
    showAddButton();
    return copy;
  }

  function caretAt(input, end) {
    try {
      var position = end ? input.value.length : 0;
      return input.selectionStart === input.selectionEnd && input.selectionStart === position;
    } catch (error) {
      return true;
    }
  }

  function submit() {
    if (form.requestSubmit) {
      form.requestSubmit(saveButton || undefined);
    } else {
      form.submit();
    }
  }

  grid.addEventListener("keydown", function (event) {
    var input = event.target;
    if (!input.matches || !input.matches("input[data-col]")) {
      return;
    }
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      submit();
      return;
    }
    if (event.altKey || event.ctrlKey || event.metaKey) {
      return;  // the browser's and the system's shortcuts (Ctrl+V pastes, Ctrl+C copies)
    }
    var at = where(input);
    var grade = isGrade(input);
    var target;
    switch (event.key) {
      case "ArrowUp":
        target = cellAt(at.row - 1, at.col);
        break;
      case "ArrowDown":
      case "Enter":
        target = cellAt(at.row + 1, at.col);
        if (event.key === "Enter") {
          event.preventDefault();  // Enter in a cell moves down; the save button saves
        }
        break;
      case "ArrowLeft":
        target = grade || caretAt(input, false) ? cellAt(at.row, at.col - 1) : null;
        break;
      case "ArrowRight":
        target = grade || caretAt(input, true) ? cellAt(at.row, at.col + 1) : null;
        break;
      default:
        target = null;
    }
    if (target) {
      event.preventDefault();
      go(target);
      return;
    }
    if (!grade) {
      if (at.col === 0 && event.key.length === 1 && !/[0-9]/.test(event.key)) {
        event.preventDefault();  // a number is digits
      }
      return;
    }
    if (event.key === "Backspace" || event.key === "Delete") {
      event.preventDefault();
      setGrade(input, "");
      return;
    }
    if (event.key.length === 1) {
      event.preventDefault();
      if (digits.indexOf(event.key) !== -1) {
        setGrade(input, event.key);
        say("");
        go(nextGrade(at));
      } else {
        say(message("not-digit", ""));
      }
    }
  });

  // A virtual keyboard may not say which key it was: keep a grade cell to one digit of the scale.
  grid.addEventListener("input", function (event) {
    var input = event.target;
    if (!input.matches || !input.matches("input.grid-grade")) {
      return;
    }
    var last = input.value.trim().slice(-1);
    if (last && digits.indexOf(last) === -1) {
      say(message("not-digit", ""));
    }
    setGrade(input, digits.indexOf(last) !== -1 ? last : "");
  });

  grid.addEventListener("paste", function (event) {
    var input = event.target;
    if (!input.matches || !input.matches("input[data-col]")) {
      return;
    }
    var data = event.clipboardData || window.clipboardData;
    var text = data ? data.getData("text") : "";
    if (!text) {
      return;
    }
    var block = /[\t\n\r]/.test(text.replace(/[\r\n]+$/, ""));
    if (!block && !isGrade(input)) {
      return;  // one value into № or initials: the browser's own paste
    }
    event.preventDefault();
    var lines = text.replace(/\r\n?/g, "\n").replace(/\n+$/, "").split("\n");
    var at = where(input);
    var filled = 0;
    var refused = 0;
    lines.forEach(function (line, i) {
      var r = at.row + i;
      while (r >= rows().length) {
        if (!addRow()) {
          return;
        }
      }
      line.split("\t").forEach(function (raw, j) {
        var cell = cellAt(r, at.col + j);
        if (!cell) {
          return;
        }
        var value = raw.trim();
        if (!isGrade(cell)) {
          cell.value = value;
          filled += 1;
        } else if (value === "") {
          setGrade(cell, "");
        } else if (digits.indexOf(value) !== -1) {
          setGrade(cell, value);
          filled += 1;
        } else {
          setGrade(cell, "");
          cell.classList.add("is-invalid");
          refused += 1;
        }
      });
    });
    say(message("pasted", filled) + (refused ? " " + message("refused", refused) : ""));
  });

  if (addButton) {
    addButton.addEventListener("click", function () {
      var row = addRow();
      if (row) {
        go(row.querySelector('input[data-col="' + FIRST_GRADE + '"]'));
      }
    });
  }
  showAddButton();
})();
