"""Pickers of people that search: a plain <select> (or <select multiple>) marked with
`data-picker`, which static/js/pickers.js turns into a Tom Select (the files vendored by
django-tomselect) where one types part of a surname and the chosen names stay visible as chips.

Why not django-tomselect's own widgets: they render an inline <script> per field (and inline
styles in their messages), which the portal's Content Security Policy forbids. Here the widget
writes only markup and data attributes; the one script file does the rest. Without JavaScript
the select is an ordinary select.

Three ways of carrying the choices:

- inline: the select's own <option>s (a form with one or two pickers);
- shared (`PickerList`): an editor of many rows (the plan's 60 items, a protocol's decisions)
  writes the list once, as a JSON data block next to the first row, and each row's select holds
  only its chosen options; a row with nothing chosen yet keeps the whole list, so that the page
  still works without JavaScript, and the rows of a <template> (names with «__») hold nothing;
- searched on the server (`search_url`): over `SEARCH_FROM` choices, the select holds only its
  chosen options and the picker asks the search endpoint (associations:people_search) as one
  types.

The field validates as before: the widget changes only what is rendered.
"""

from __future__ import annotations

import itertools
import json
from html import escape
from urllib.parse import urlencode

from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from rmo_portal.editors import FastSelect, fast_flatatt

# More choices than this and the picker searches on the server.
SEARCH_FROM = 200
# At most this many people in one answer of the search.
SEARCH_LIMIT = 20

PLACEHOLDER = _("Начните вводить фамилию…")
# What the picker says, handed to the script as data attributes (it has no catalogue of its own).
TEXTS = {
    "data-text-none": _("Никого не нашли: проверьте фамилию."),
    "data-text-short": _("Введите хотя бы две буквы фамилии."),
    "data-text-remove": _("Убрать"),
    "data-text-clear": _("Очистить"),
}

_ids = itertools.count(1)


def _flat(choices) -> list[tuple[str, str, str]]:
    """(value, label, group) of every choice but the empty one."""
    flat = []
    for value, label in choices:
        if isinstance(label, (list, tuple)):
            flat.extend((str(v), str(text), str(value)) for v, text in label if v not in ("", None))
        elif value not in ("", None):
            flat.append((str(value), str(label), ""))
    return flat


class PickerList:
    """One list of choices shared by the pickers of an editor's rows, written once per page."""

    def __init__(self, choices):
        self.choices = choices
        self.id = f"picker-list-{next(_ids)}"
        self.written = False

    def data_block(self) -> str:
        options = [{"value": v, "text": t, "group": g} for v, t, g in _flat(self.choices)]
        groups = list(dict.fromkeys(o["group"] for o in options if o["group"]))
        payload = json.dumps({"options": options, "groups": groups}, ensure_ascii=False)
        # In a <script type="application/json"> only «</» could end the block early.
        payload = payload.replace("</", "<\\/")
        return f'<script type="application/json" id="{self.id}">{payload}</script>'


class PickerSelect(FastSelect):
    """A select of people to pick by typing (see the module's docstring)."""

    def __init__(self, attrs=None, *, placeholder=PLACEHOLDER, shared: PickerList | None = None,
                 search_url: str | None = None):
        attrs = dict(attrs or {})
        attrs.pop("size", None)
        classes = attrs.get("class", "form-select").split()
        attrs["class"] = " ".join([*classes, "picker"])
        super().__init__(attrs)
        self.placeholder = placeholder
        self.shared = shared
        self.search_url = search_url
        self._flat_slot = [None]  # (choices, language, their _flat): shared by the widget's copies

    def _flat_choices(self) -> list[tuple[str, str, str]]:
        """`_flat` of the choices, kept for a list of choices in the slot the widget's copies
        share (FastSelect._written holds the options, this one the flat list)."""
        choices, language = self.choices, get_language()
        slot = getattr(self, "_flat_slot", None) if type(choices) is list else None
        cached = slot[0] if slot is not None else None
        if cached is not None and cached[0] is choices and cached[1] == language:
            return cached[2]
        flat = _flat(choices)
        if slot is not None:
            slot[0] = (choices, language, flat)
        return flat

    def render(self, name, value, attrs=None, renderer=None):
        attrs = dict(attrs or {})
        attrs["data-picker"] = "multiple" if self.allow_multiple_selected else "single"
        attrs["data-placeholder"] = str(self.placeholder)
        attrs.update((key, str(text)) for key, text in TEXTS.items())
        if self.is_required:
            attrs["data-required"] = "1"
        selected = {v for v in self.format_value(value) if v not in ("", None)}
        template_row = "__" in name
        # A model field's choices query on every pass: read them once here (and once for the
        # rows of an editor, whose pickers share one list of choices).
        flat = self._flat_choices() if self.search_url is not None or self.shared is not None else None
        remote = self.search_url is not None and len(flat) > SEARCH_FROM
        before = ""
        if remote:
            attrs["data-picker-url"] = self.search_url
            only_chosen = True
        elif self.shared is not None:
            attrs["data-picker-list"] = self.shared.id
            if not template_row and not self.shared.written:
                self.shared.written = True
                before = self.shared.data_block()
            only_chosen = template_row or bool(selected)
        else:
            only_chosen = False
        if not only_chosen:
            return mark_safe(before + super().render(name, value, attrs, renderer))
        final_attrs = self.build_attrs(self.attrs, attrs)
        final_attrs["name"] = name
        if self.allow_multiple_selected:
            final_attrs["multiple"] = True
        parts = [before, f"<select{fast_flatatt(final_attrs)}>"]
        if not self.allow_multiple_selected:
            parts.append('<option value="">—</option>')
        for option_value, label, _group in flat:
            if option_value in selected:
                parts.append(f'<option value="{escape(option_value)}" selected>{escape(label)}</option>')
        parts.append("</select>")
        # Every value and label is escaped above; the data block is JSON without «</».
        return mark_safe("".join(parts))


class PickerSelectMultiple(PickerSelect):
    allow_multiple_selected = True

    def value_from_datadict(self, data, files, name):
        try:
            getter = data.getlist
        except AttributeError:
            getter = data.get
        return getter(name)

    def value_omitted_from_data(self, data, files, name):
        return False

    def format_value(self, value):
        if value is None:
            return []
        if not isinstance(value, (tuple, list)):
            value = [value]
        return [str(v) if v is not None else "" for v in value]


def people_search_url(association_pk: int, *, year_pk: int | None = None, whole_district: bool = False,
                      members: bool = False) -> str:
    """The address of the people search (associations:people_search) for one picker's set."""
    params = {}
    if year_pk is not None:
        params["year"] = year_pk
    if whole_district:
        params["people"] = "district"
    if members:
        params["for"] = "members"
    url = reverse("associations:people_search", args=[association_pk])
    return f"{url}?{urlencode(params)}" if params else url


def record_people_search_url(people_for: str) -> str:
    """The address of the search (associations:record_people_search) of a record form's people
    that belong to no one association: «consultation» (a consultation's consultant and the
    people consulted), «contest» (a contest entry's participant), «team» (its co-participants)."""
    return reverse("associations:record_people_search", args=[people_for])


def _folded(text: str) -> str:
    return text.casefold().replace("ё", "е")


def people_options(people, query: str, *, limit: int = SEARCH_LIMIT) -> list[dict]:
    """The picker's options of those of `people` (read with their school) whose name holds every
    word of `query` (any case, ё as е), a name starting with the first word first, at most
    `limit`; grouped by school (the methodical office for those of no school). Matched in
    Python, as associations.selectors.people_search: SQLite's LIKE folds only Latin letters."""
    words = [_folded(word) for word in query.split()][:4]
    if not words:
        return []
    found = [
        person for person in people
        if all(word in _folded(f"{person.last_name} {person.first_name} {person.patronymic}") for word in words)
    ]
    found.sort(key=lambda person: not _folded(person.last_name).startswith(words[0]))
    office = str(_("Методический кабинет"))
    return [
        {"value": str(person.pk), "text": person.short_name,
         "group": person.school.short_name if person.school_id else office}
        for person in found[:limit]
    ]
