"""The annual analysis in the admin (`reports.analysis.admin`): analyses are read, never added or
changed, and a submitted or accepted one never deleted (a draft may be); the deadlines are set by
the district's staff user or a superuser; the reminders are only read; a staff user sees the rows
of their own district only."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from associations.models import StaffDistrict
from reports.analysis.models import Analysis, AnalysisDeadline, AnalysisReminder, AnalysisTransition
from tests import factories as f
from tests.helpers import login


def _staff(district, username: str):
    user = f.UserFactory(username=username, is_staff=True)
    user.user_permissions.set(Permission.objects.filter(content_type__app_label="reports"))
    StaffDistrict.objects.create(user=user, district=district)
    return user


@pytest.fixture
def analyses(world):
    accepted = f.analysis_of(world.mo, world.year, status="accepted", by=world.head, accepted_by=world.deputy)
    AnalysisTransition.objects.create(analysis=accepted, from_status="submitted", to_status="accepted",
                                      by=world.deputy, by_name="Петрова Е.П.")
    previous = f.AcademicYearFactory(start_year=world.year.start_year - 1)
    draft = f.analysis_of(world.other_mo, world.year, by=world.head)
    far = f.analysis_of(world.other_district_mo, previous, status="submitted", by=world.head)
    return {"accepted": accepted, "draft": draft, "far": far}


def _url(name: str, *args) -> str:
    return reverse(f"admin:reports_{name}", args=args)


def test_an_accepted_analysis_is_shown_read_only_and_a_posted_change_writes_nothing(world, analyses):
    accepted = analyses["accepted"]
    client = login(world.admin)
    page = client.get(_url("analysis_change", accepted.pk))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Цель достигнута" in html and "Петрова Е.П." in html  # the narrative, the review's step
    assert 'name="_save"' not in html
    before = Analysis.objects.filter(pk=accepted.pk).values().get()
    response = client.post(_url("analysis_change", accepted.pk), {
        "goals_assessment": "Переписано в админке", "status": "draft", "_save": "Сохранить",
    })
    assert response.status_code == 403
    assert Analysis.objects.filter(pk=accepted.pk).values().get() == before
    assert client.get(_url("analysis_add")).status_code == 403


def test_a_frozen_analysis_is_never_deleted_a_draft_may_be(world, analyses):
    client = login(world.admin)
    accepted = analyses["accepted"]
    assert client.get(_url("analysis_delete", accepted.pk)).status_code == 403
    assert client.post(_url("analysis_delete", accepted.pk), {"post": "yes"}).status_code == 403
    assert client.post(_url("analysis_delete", analyses["far"].pk), {"post": "yes"}).status_code == 403
    assert Analysis.objects.filter(pk__in=[accepted.pk, analyses["far"].pk]).count() == 2
    # No bulk deletion at all: it would reach the frozen ones.
    changelist = client.get(_url("analysis_changelist")).content.decode()
    assert "delete_selected" not in changelist
    response = client.post(_url("analysis_delete", analyses["draft"].pk), {"post": "yes"})
    assert response.status_code == 302 and not Analysis.objects.filter(pk=analyses["draft"].pk).exists()


def test_history_revert_is_refused(world, analyses):
    accepted = analyses["accepted"]
    version = accepted.history.first()
    url = reverse("admin:reports_analysis_simple_history", args=[accepted.pk, version.history_id])
    client = login(world.admin)
    assert client.post(url, {"goals_assessment": "Откат"}).status_code == 403
    accepted.refresh_from_db()
    assert accepted.goals_assessment == "Цель достигнута, задачи в основном решены."


def test_the_list_filters_and_searches(world, analyses):
    client = login(world.admin)
    page = client.get(_url("analysis_changelist"), {"status__exact": "accepted"}).content.decode()
    assert world.mo.name in page and world.other_mo.name not in page
    page = client.get(_url("analysis_changelist"), {"q": "Озёрной"}).content.decode()
    assert world.other_district_mo.name in page and world.mo.name not in page


def test_a_staff_user_sees_their_districts_analyses_only(world, analyses):
    staff = login(_staff(world.district, "otdel"))
    page = staff.get(_url("analysis_changelist")).content.decode()
    assert world.mo.name in page and world.other_mo.name in page and world.other_district_mo.name not in page
    assert staff.get(_url("analysis_change", analyses["far"].pk)).status_code == 404
    other = login(_staff(world.other_district, "otdel2"))
    page = other.get(_url("analysis_changelist")).content.decode()
    assert world.other_district_mo.name in page and world.mo.name not in page
    assert other.get(_url("analysis_change", analyses["accepted"].pk)).status_code == 404


def test_the_districts_staff_sets_its_deadline_and_nobody_elses(world):
    user = _staff(world.district, "otdel")
    staff = login(user)
    response = staff.post(_url("analysisdeadline_add"), {
        "district": world.district.pk, "academic_year": world.year.pk, "due_on": "10.06.2027",
    })
    assert response.status_code == 302, response.content.decode()[:2000]
    deadline = AnalysisDeadline.objects.get()
    assert deadline.due_on == datetime.date(2027, 6, 10) and deadline.set_by == user
    # Another district is not offered: the form says so, nothing is written.
    response = staff.post(_url("analysisdeadline_add"), {
        "district": world.other_district.pk, "academic_year": world.year.pk, "due_on": "11.06.2027",
    })
    assert response.status_code == 200 and AnalysisDeadline.objects.count() == 1
    # One a district and year: a second is an error next to the form, not a 500.
    response = staff.post(_url("analysisdeadline_add"), {
        "district": world.district.pk, "academic_year": world.year.pk, "due_on": "12.06.2027",
    })
    assert response.status_code == 200 and AnalysisDeadline.objects.count() == 1
    other = login(_staff(world.other_district, "otdel2"))
    assert world.district.name not in other.get(_url("analysisdeadline_changelist")).content.decode()
    assert other.get(_url("analysisdeadline_change", deadline.pk)).status_code == 404
    # The superuser changes it.
    response = login(world.admin).post(_url("analysisdeadline_change", deadline.pk), {
        "district": world.district.pk, "academic_year": world.year.pk, "due_on": "15.06.2027",
    })
    assert response.status_code == 302
    deadline.refresh_from_db()
    assert deadline.due_on == datetime.date(2027, 6, 15) and deadline.set_by == world.admin


def test_reminders_are_only_read(world):
    reminder = AnalysisReminder.objects.create(association=world.mo, academic_year=world.year,
                                               sent_by=world.methodologist, recipients="volkova@example.ru")
    far = AnalysisReminder.objects.create(association=world.other_district_mo, academic_year=world.year,
                                          recipients="far@example.ru")
    staff = login(_staff(world.district, "otdel"))
    page = staff.get(_url("analysisreminder_changelist")).content.decode()
    assert "volkova@example.ru" in page and "far@example.ru" not in page
    assert staff.get(_url("analysisreminder_change", reminder.pk)).status_code == 200
    assert staff.post(_url("analysisreminder_change", reminder.pk), {"recipients": "x@example.ru"}).status_code == 403
    assert staff.post(_url("analysisreminder_delete", reminder.pk), {"post": "yes"}).status_code == 403
    assert staff.get(_url("analysisreminder_add")).status_code == 403
    assert staff.get(_url("analysisreminder_change", far.pk)).status_code == 404
    reminder.refresh_from_db()
    assert reminder.recipients == "volkova@example.ru"
