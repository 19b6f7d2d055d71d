"""A browser's submission of an HTML form, for the load's virtual users (no Django, no
dependencies: the locust process imports it beside gevent).

`form_fields(html, form_id)` gives what a browser would post for the form: every named input,
textarea and select with its current value, checkboxes and radios only when checked, no submit
button (the caller adds the one it presses).
"""

from __future__ import annotations

import re
from html.parser import HTMLParser


class _FormParser(HTMLParser):
    def __init__(self, form_id: str | None):
        super().__init__(convert_charrefs=True)
        self.form_id = form_id
        self.inside = False
        self.depth = 0
        self.fields: list[tuple[str, str]] = []
        self._textarea: str | None = None
        self._text: list[str] = []
        self._select: str | None = None
        self._multiple = False
        self._options: list[tuple[str, bool]] = []
        self._option: list | None = None

    def handle_starttag(self, tag, attrs):
        a = {k: (v if v is not None else "") for k, v in attrs}
        if tag == "form":
            if not self.inside and (self.form_id is None or a.get("id") == self.form_id):
                self.inside = a.get("method", "get").lower() == "post" or self.form_id is not None
            if self.inside:
                self.depth += 1
            return
        if not self.inside:
            return
        name = a.get("name")
        if tag == "input" and name and "disabled" not in a:
            kind = a.get("type", "text").lower()
            if kind in {"submit", "button", "image", "reset", "file"}:
                return
            if kind in {"checkbox", "radio"} and "checked" not in a:
                return
            self.fields.append((name, a.get("value", "on" if kind in {"checkbox", "radio"} else "")))
        elif tag == "textarea" and name and "disabled" not in a:
            self._textarea, self._text = name, []
        elif tag == "select" and name and "disabled" not in a:
            self._select, self._multiple, self._options = name, "multiple" in a, []
        elif tag == "option" and self._select is not None:
            self._option = [a.get("value"), "selected" in a, []]

    def handle_data(self, data):
        if self._textarea is not None:
            self._text.append(data)
        if self._option is not None:
            self._option[2].append(data)

    def handle_endtag(self, tag):
        if not self.inside:
            return
        if tag == "form":
            self.depth -= 1
            if self.depth == 0:
                self.inside = False
                self.form_id = "\0done"  # only the first matching form
        elif tag == "textarea" and self._textarea is not None:
            text = "".join(self._text)
            # A browser drops the one newline that follows <textarea>.
            self.fields.append((self._textarea, text[1:] if text.startswith("\n") else text))
            self._textarea = None
        elif tag == "option" and self._option is not None:
            self._close_option()
        elif tag == "select" and self._select is not None:
            self._close_option()
            chosen = [value for value, selected in self._options if selected]
            if not chosen and not self._multiple and self._options:
                chosen = [self._options[0][0]]
            self.fields.extend((self._select, value) for value in chosen)
            self._select = None

    def _close_option(self):
        if self._option is not None:
            value, selected, text = self._option
            self._options.append((value if value is not None else "".join(text).strip(), selected))
            self._option = None


def form_fields(html: str, form_id: str | None = None) -> list[tuple[str, str]]:
    """The fields of the form with that id (or of the page's first POST form)."""
    parser = _FormParser(form_id)
    parser.feed(html)
    parser.close()
    return parser.fields


def replace(fields: list[tuple[str, str]], name: str, value: str) -> list[tuple[str, str]]:
    """The fields with NAME's (first) value replaced; a KeyError when the form has no such field."""
    for i, (field, _old) in enumerate(fields):
        if field == name:
            return [*fields[:i], (name, value), *fields[i + 1:]]
    raise KeyError(name)


def value(fields: list[tuple[str, str]], name: str) -> str:
    for field, current in fields:
        if field == name:
            return current
    raise KeyError(name)


CSRF_RE = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def csrf_token(html: str) -> str:
    match = CSRF_RE.search(html)
    if match is None:
        raise ValueError("no csrfmiddlewaretoken on the page")
    return match.group(1)


def saved_rows(fields: list[tuple[str, str]]) -> set[str]:
    """The prefixes («items-3») of a formset's rows that are saved objects (their «-id» is
    filled): the empty extra rows are left alone, or a change to them would add a row."""
    return {name[: -len("-id")] for name, current in fields if name.endswith("-id") and current}


def in_saved_row(name: str, rows: set[str]) -> bool:
    return name.rsplit("-", 1)[0] in rows
