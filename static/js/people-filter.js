/* Портал РМО: a search box above a long list of people (a <select> with a thousand options,
 * as the РМО's «Добавить в состав» has).
 *
 * <input data-filter-select="<select id>" hidden> is shown by this file and, as the user
 * types, hides the options whose text does not contain every typed word (case and «ё»
 * ignored); chosen options always stay visible. Without this file the plain list works.
 * Loaded with <script src> (the CSP allows no inline script).
 */
(function () {
  "use strict";

  function normal(text) {
    return text.toLowerCase().replace(/ё/g, "е");
  }

  Array.prototype.forEach.call(document.querySelectorAll("input[data-filter-select]"), function (input) {
    var select = document.getElementById(input.getAttribute("data-filter-select"));
    if (!select) {
      return;
    }
    input.hidden = false;
    var texts = Array.prototype.map.call(select.options, function (option) {
      return normal(option.text);
    });
    input.addEventListener("input", function () {
      var words = normal(input.value).split(/\s+/).filter(Boolean);
      Array.prototype.forEach.call(select.options, function (option, index) {
        option.hidden = !option.selected && !words.every(function (word) {
          return texts[index].indexOf(word) !== -1;
        });
      });
    });
    input.addEventListener("keydown", function (event) {
      if (event.key === "Enter") {
        event.preventDefault(); // Enter filters; it does not submit a half-made choice
      }
    });
  });
})();
