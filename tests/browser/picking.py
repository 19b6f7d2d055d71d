"""Picking people in the portal's pickers (static/js/pickers.js, Tom Select) the way a person
does: type part of the surname into the field, choose the name among the suggestions."""

from __future__ import annotations

from playwright.sync_api import expect


def pick(scope, label: str, typed: str, name: str) -> None:
    """In `scope` (a page or a row), type `typed` into the picker labelled `label` and choose
    `name`; the name then shows as chosen (a chip, or the single picker's value)."""
    field = scope.get_by_role("combobox", name=label, exact=True)
    field.focus()
    field.press_sequentially(typed)
    scope.locator(".ts-dropdown").get_by_role("option", name=name, exact=True).click()
    expect(chosen(scope, name)).to_be_visible()
    expect(scope.locator(".ts-dropdown:visible")).to_have_count(0)


def chosen(scope, name: str):
    """The chosen name in a picker of `scope`."""
    return scope.locator(".ts-control .item").filter(has_text=name)
