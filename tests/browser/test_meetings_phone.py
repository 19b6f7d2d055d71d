"""The meetings pages on a 390 px phone, as every role who opens them, on the demo district: no
page scrolls sideways (the attendance sheet, the protocol and its editor, the meeting form and
page, the association's meetings, the schedule, the decisions), and each still looks right at
1280 px. The schedule keeps its theme and status on screen, and the teacher's «Отметить
выполнение» stays in reach. Then the confirmation before signing: dismissed, nothing is signed.
"""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from associations.models import Association
from meetings.models import Decision, Meeting, Protocol
from rmo_portal import demo
from tests.browser.helpers import PHONE, VIEWPORT, fits, watch_console

pytestmark = pytest.mark.browser


def _school1_mo() -> Association:
    return Association.objects.get(kind=Association.Kind.SCHOOL, school__short_name="МБОУ «Заречная СОШ № 1»")


def _rmo() -> Association:
    return Association.objects.get(kind=Association.Kind.DISTRICT, district__slug=_school1_mo().district.slug)


def _pages(association: Association) -> dict[str, str]:
    """The association's meetings pages by name: a planned meeting (its page, its form), a held
    one with a draft protocol (attendance, protocol, editor), a signed protocol."""
    meetings = Meeting.objects.filter(association=association)
    protocols = Protocol.objects.filter(association=association).order_by("number")
    planned = meetings.filter(status=Meeting.Status.PLANNED).order_by("starts_at").first()
    draft = protocols.filter(status=Protocol.Status.DRAFT).first()
    signed = protocols.filter(status=Protocol.Status.SIGNED).first()
    assert planned and draft and signed, "the demo has a planned meeting, a draft and a signed protocol"
    return {
        "meetings": reverse("meetings:association_meetings", args=[association.pk]),
        "new": reverse("meetings:meeting_create", args=[association.pk]),
        "meeting": reverse("meetings:meeting", args=[planned.pk]),
        "edit": reverse("meetings:meeting_edit", args=[planned.pk]),
        "attendance": reverse("meetings:attendance", args=[draft.meeting_id]),
        "signed attendance": reverse("meetings:attendance", args=[signed.meeting_id]),
        "draft": reverse("meetings:protocol", args=[draft.pk]),
        "editor": reverse("meetings:protocol_edit", args=[draft.pk]),
        "protocol": reverse("meetings:protocol", args=[signed.pk]),
        "schedule": reverse("meetings:schedule"),
        "past": reverse("meetings:schedule") + "?past=1",
        "decisions": reverse("meetings:decisions"),
    }


# Who opens which page (the head, secretary and methodologist also write; the others read).
ROLES = {
    "sekretar1": ("mo", ["meetings", "new", "meeting", "edit", "attendance", "signed attendance", "draft", "editor",
                         "protocol", "schedule", "decisions"]),
    "rukovoditel1": ("mo", ["meetings", "meeting", "edit", "attendance", "draft", "editor", "protocol", "schedule",
                            "past", "decisions"]),
    "uchitel1": ("mo", ["meetings", "meeting", "attendance", "protocol", "schedule", "past", "decisions"]),
    "zavuch1": ("mo", ["meetings", "meeting", "attendance", "draft", "protocol", "schedule", "decisions"]),
    "metodist": ("rmo", ["meetings", "new", "meeting", "edit", "attendance", "draft", "editor", "protocol",
                         "schedule", "decisions"]),
}


def _on_screen(page, locator) -> None:
    """Visible and within the phone's width (not pushed off to the right)."""
    expect(locator).to_be_visible()
    box = locator.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= page.viewport_size["width"] + 1, box


def test_every_meetings_page_fits_a_phone_as_every_role(demo_district, page, log_in):
    errors = watch_console(page)
    pages = {"mo": _pages(_school1_mo()), "rmo": _pages(_rmo())}
    for username, (which, names) in ROLES.items():
        page.context.clear_cookies()
        page.set_viewport_size(VIEWPORT)
        log_in(username, demo.DEMO_PASSWORD)
        for name in names:
            path = pages[which][name]
            for viewport in (PHONE, VIEWPORT):
                page.set_viewport_size(viewport)
                response = page.goto(path)
                assert response.status == 200, (username, name, response.status)
                try:
                    fits(page)
                except AssertionError as error:
                    raise AssertionError(f"{username}, {name}: {error}") from None
    assert errors == []


def test_the_schedule_keeps_its_theme_and_status_and_the_teacher_can_mark_a_decision(demo_district, page, log_in):
    log_in("uchitel1", demo.DEMO_PASSWORD)
    page.set_viewport_size(PHONE)
    page.goto(reverse("meetings:schedule"))
    upcoming = Meeting.objects.filter(
        association=_school1_mo(), status=Meeting.Status.PLANNED, starts_at__date__gte=timezone.localdate()
    ).order_by("starts_at").first()
    row = page.locator(f'tr[data-meeting="{upcoming.pk}"]')
    _on_screen(page, row.get_by_role("link", name=upcoming.theme))
    _on_screen(page, row.locator(".meeting-status"))
    # The columns dropped on a phone are repeated under the theme.
    expect(row.get_by_test_id("schedule-row-note")).to_contain_text(upcoming.get_kind_display().capitalize())
    fits(page)

    page.goto(reverse("meetings:decisions"))
    mine = Decision.objects.filter(
        responsible__user__username="uchitel1", protocol_item__protocol__status=Protocol.Status.SIGNED,
        status=Decision.Status.OPEN,
    ).first()
    card = page.locator(f'tr[data-decision="{mine.pk}"]')
    mark = card.get_by_text("Отметить выполнение")
    _on_screen(page, mark)
    mark.click()
    _on_screen(page, card.get_by_role("button", name="Выполнено"))
    fits(page)


def test_a_dismissed_confirmation_does_not_sign_the_protocol(demo_district, page, log_in):
    errors = watch_console(page)
    draft = Protocol.objects.filter(association=_school1_mo(), status=Protocol.Status.DRAFT).order_by("number").first()
    log_in("sekretar1", demo.DEMO_PASSWORD)
    page.set_viewport_size(PHONE)
    page.goto(reverse("meetings:protocol", args=[draft.pk]))
    asked: list[str] = []

    def dismiss(dialog) -> None:
        asked.append(dialog.message)
        dialog.dismiss()

    page.once("dialog", dismiss)
    sign = page.get_by_test_id("sign")
    sign.get_by_role("checkbox").first.check()
    sign.get_by_role("button", name="Подписать").click()
    page.wait_for_timeout(300)
    assert asked and "После подписания протокол изменить нельзя" in asked[0]
    assert page.url.endswith(reverse("meetings:protocol", args=[draft.pk]))
    draft.refresh_from_db()
    assert draft.status == Protocol.Status.DRAFT and not draft.pdf_sha256

    # Accepted, the form is sent: the server answers (signed, or a reason why not).
    page.once("dialog", lambda dialog: dialog.accept())
    with page.expect_navigation():
        sign.get_by_role("button", name="Подписать").click()
    expect(page.locator("main .alert").first).to_be_visible()
    assert errors == []
