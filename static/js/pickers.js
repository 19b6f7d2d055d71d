/* Портал РМО: pickers of people that search (rmo_portal/pickers.py).
 *
 * Every <select data-picker> becomes a Tom Select (vendored by django-tomselect, loaded just
 * before this file): one types part of a surname or name (any case, ё as е) and picks; the
 * chosen names stay visible as chips with a × to remove them. Without this file the select is
 * an ordinary one.
 *
 * Where the options come from:
 *   - the select's own <option>s;
 *   - data-picker-list="id": a JSON data block written once for all the rows of an editor
 *     (<script type="application/json" id="id">{"options": […], "groups": […]}</script>);
 *   - data-picker-url: the server's search (at least two letters typed), for long lists.
 * Rows added later (an editor's «Добавить строку») are enhanced as they appear.
 * Loaded with <script src> (the CSP allows no inline script).
 */
(function () {
  "use strict";

  if (typeof window.TomSelect !== "function") {
    return;
  }

  var lists = {};

  function escapeHtml(value) {
    return String(value).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }

  function fold(text) {
    return String(text || "").toLowerCase().replace(/ё/g, "е");
  }

  function sharedList(id) {
    if (!(id in lists)) {
      var block = document.getElementById(id);
      var data = { options: [], groups: [] };
      if (block) {
        try {
          data = JSON.parse(block.textContent);
        } catch (error) {
          data = { options: [], groups: [] };
        }
      }
      lists[id] = data;
    }
    return lists[id];
  }

  // Every typed word must be in the name; a name starting with the first word comes first.
  function scoreOf(search) {
    var words = fold(search).split(/\s+/).filter(Boolean);
    return function (item) {
      if (!words.length) {
        return 1;
      }
      var text = fold(item.text);
      for (var i = 0; i < words.length; i++) {
        if (text.indexOf(words[i]) === -1) {
          return 0;
        }
      }
      return text.indexOf(words[0]) === 0 ? 2 : 1;
    };
  }

  function groupsOf(select) {
    var groups = [];
    select.querySelectorAll("optgroup").forEach(function (group) {
      groups.push({ value: group.label, label: group.label });
    });
    return groups;
  }

  function enhance(select) {
    if (select.tomselect || select.closest("template")) {
      return;
    }
    var multiple = select.multiple;
    var url = select.getAttribute("data-picker-url");
    var listId = select.getAttribute("data-picker-list");
    var required = select.hasAttribute("data-required");
    var text = function (name) { return escapeHtml(select.getAttribute("data-text-" + name) || ""); };
    var plugins = {};
    if (multiple) {
      plugins.remove_button = { title: select.getAttribute("data-text-remove") || "×" };
    } else if (!required) {
      plugins.clear_button = { title: select.getAttribute("data-text-clear") || "×" };
    }
    var settings = {
      plugins: plugins,
      placeholder: select.getAttribute("data-placeholder") || "",
      // A single picker's chosen name stands alone; a multiple one invites the next name.
      hidePlaceholder: !multiple,
      allowEmptyOption: false,
      maxOptions: 50,
      // Type a surname, pick, type the next one: the list closes after each pick.
      closeAfterSelect: true,
      // The list follows every keystroke at once: Tom Select's default waits 300 ms, and a pick
      // made meanwhile was followed by that late refresh, which opened the list again over it.
      refreshThrottle: 0,
      optgroupField: "group",
      optgroupValueField: "value",
      optgroupLabelField: "label",
      searchField: ["text"],
      lockOptgroupOrder: true,
      score: scoreOf,
      render: {
        no_results: function () {
          return '<div class="no-results">' + text("none") + "</div>";
        },
      },
    };
    settings.optgroups = groupsOf(select);
    if (url) {
      settings.shouldLoad = function (query) { return query.trim().length >= 2; };
      settings.score = function () { return function () { return 1; }; };
      settings.load = function (query, callback) {
        var self = this;
        var address = new URL(url, window.location.href);
        address.searchParams.set("q", query);
        window.fetch(address.toString(), { credentials: "same-origin", headers: { Accept: "application/json" } })
          .then(function (response) { return response.ok ? response.json() : { results: [] }; })
          .then(function (data) {
            (data.results || []).forEach(function (option) {
              if (option.group && !self.optgroups[option.group]) {
                self.addOptionGroup(option.group, { value: option.group, label: option.group });
              }
            });
            callback(data.results || []);
          })
          .catch(function () { callback(); });
      };
      settings.render.no_results = function (data) {
        return data.input.trim().length >= 2
          ? '<div class="no-results">' + text("none") + "</div>"
          : '<div class="no-results">' + text("short") + "</div>";
      };
    }
    var picker = new window.TomSelect(select, settings);
    // Tom Select moves the label onto its own input and leaves the original select (out of sight,
    // tabindex -1) without a name: it is hidden from assistive technology, which reads and types
    // into the picker's input alone (one combobox per field, not two).
    select.setAttribute("aria-hidden", "true");
    if (listId) {
      // The editor's one list, added after the select's own chosen options (Tom Select keeps
      // the options it is given: each picker gets copies).
      var list = sharedList(listId);
      list.groups.forEach(function (label) {
        if (!picker.optgroups[label]) {
          picker.addOptionGroup(label, { value: label, label: label });
        }
      });
      list.options.forEach(function (option) {
        if (!picker.options[option.value]) {
          picker.addOption({ value: option.value, text: option.text, group: option.group });
        }
      });
    }
    if (select.classList.contains("is-invalid")) {
      picker.wrapper.classList.add("is-invalid");
    }
    if (select.classList.contains("form-select-sm")) {
      picker.wrapper.classList.add("picker-sm");
    }
  }

  function enhanceIn(root) {
    if (root.matches && root.matches("select[data-picker]")) {
      enhance(root);
    }
    if (root.querySelectorAll) {
      root.querySelectorAll("select[data-picker]").forEach(enhance);
    }
  }

  enhanceIn(document);
  new MutationObserver(function (changes) {
    changes.forEach(function (change) {
      change.addedNodes.forEach(function (node) {
        if (node.nodeType === 1 && !node.classList.contains("ts-wrapper") && !node.closest(".ts-wrapper")) {
          enhanceIn(node);
        }
      });
    });
  }).observe(document.body, { childList: true, subtree: true });
})();
