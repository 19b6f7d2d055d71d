"""Links from the pages of associations to the pages of the apps above them.

associations is the lowest layer: it imports nothing of meetings or reports and its templates
name none of their URLs. Yet its pages link to theirs — the association's meetings, the
meetings that carry out each plan item, the plan as PDF and XLSX. The higher app fills these
registries in at start-up (its `AppConfig.ready()`), and the pages of associations render what
the providers return:

    plan_item_links   provider(items) -> {item id: [Link, …]}; the plan page, under each item.
                      One query for all the items at most, whatever their number: the plan
                      page's query count does not grow with its rows.
    association_links provider(*, association, year, user, can_write) -> [Link, …]; the
                      association's page (its card "Заседания").
    plan_links        provider(plan, *, user) -> [Link, …]; the plan page's actions.
    visit_links       provider(visit, *, user, can_write) -> [Link | ActionForm, …]; the visit's
                      page (records of methodical work): the meeting visited, and the form that
                      links the visit to a meeting or unlinks it.
    appointment_links provider(appointment, *, user) -> [Link, …]; an appointment's documents
                      (the acknowledgment sheet of its instruction), on the acknowledgment page
                      and the list of acknowledgments: no query.
    attestation_schedule_links provider(association, *, user) -> [Link, …]; a school МО's
                      perspective schedule of attestation as PDF and XLSX (no query).

Providers run in the order they were registered (the order of INSTALLED_APPS); an app that is
not installed registers nothing, and its links are simply absent.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Link:
    """A link a page of associations shows: `label` links to `url`; `status` (optional) is a
    muted note after it, such as a meeting's "отменено"; `primary` marks the main action of a
    group of buttons; `testid` is the element's data-testid, for the tests."""

    label: str
    url: str
    status: str = ""
    primary: bool = False
    testid: str = ""


@dataclass(frozen=True)
class ActionForm:
    """A small POST form a page of associations shows for a higher app: a button (`button`) that
    posts to `action`, with at most one select (`field`, its `choices` as (value, label) pairs,
    `selected` the value chosen first, `field_label` its label); `danger` styles the button as a
    removal; `testid` is the form's data-testid."""

    action: str
    button: str
    field: str = ""
    field_label: str = ""
    choices: tuple[tuple[str, str], ...] = ()
    selected: str = ""
    danger: bool = False
    testid: str = ""


class _Registry:
    def __init__(self, name: str) -> None:
        self.name = name
        self._providers: list[Callable] = []

    def register(self, provider: Callable) -> Callable:
        """Add a provider (once: registering it again changes nothing). Returns it, so that
        this also serves as a decorator."""
        if provider not in self._providers:
            self._providers.append(provider)
        return provider

    def unregister(self, provider: Callable) -> None:
        if provider in self._providers:
            self._providers.remove(provider)

    @property
    def providers(self) -> tuple[Callable, ...]:
        return tuple(self._providers)

    def __repr__(self) -> str:
        return f"<links.{self.name}: {len(self._providers)} provider(s)>"


class LinkRegistry(_Registry):
    """Providers of a list of links for one object of a page; their lists one after another."""

    def __call__(self, *args, **kwargs) -> list[Link]:
        return [link for provider in self._providers for link in provider(*args, **kwargs)]


class ItemLinkRegistry(_Registry):
    """Providers of links for many rows at once, {row id: [Link, …]}; their lists merged per row."""

    def __call__(self, items: Iterable) -> dict[int, list[Link]]:
        items = list(items)
        merged: dict[int, list[Link]] = {}
        if not items:
            return merged
        for provider in self._providers:
            for pk, links in provider(items).items():
                merged.setdefault(pk, []).extend(links)
        return merged


plan_item_links = ItemLinkRegistry("plan_item_links")
association_links = LinkRegistry("association_links")
plan_links = LinkRegistry("plan_links")
visit_links = LinkRegistry("visit_links")
appointment_links = LinkRegistry("appointment_links")
attestation_schedule_links = LinkRegistry("attestation_schedule_links")
