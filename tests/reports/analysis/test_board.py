"""The methodologist's board of the district's analyses (`reports:analysis_board`): the school
МО's statuses and dates, lateness around the district's deadline, the counts and their filters,
the deadline's form, «Напомнить» (one e-mail to the head, recorded, not again within 24 hours,
never to a school that is not late) and «Напомнить всем опоздавшим», who may read and act, and
a fixed number of queries whatever the number of schools."""

from __future__ import annotations

import datetime

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from associations.models import Person
from reports.analysis import services
from reports.analysis.models import Analysis, AnalysisDeadline, AnalysisReminder
from tests import factories as f
from tests.helpers import count_queries, login, messages_of

HEAD_EMAIL = "volkova@school1.example"


def _board(world, status: str = "") -> str:
    url = reverse("reports:analysis_board", args=[world.district.pk, world.year.start_year])
    return f"{url}?status={status}" if status else url


def _deadline(world, days: int) -> AnalysisDeadline:
    """The district's deadline `days` from today (negative: passed)."""
    return AnalysisDeadline.objects.create(district=world.district, academic_year=world.year,
                                           due_on=timezone.localdate() + datetime.timedelta(days=days))


def _schools(world) -> dict:
    """СОШ № 1's МО a draft (its head with an e-mail), СОШ № 2's not started; three more school МО:
    submitted, accepted, returned."""
    Person.objects.filter(pk=world.head_person.pk).update(email=HEAD_EMAIL)
    f.analysis_of(world.mo, world.year, by=world.head)
    rows = {"draft": world.mo, "none": world.other_mo}
    for status in ("submitted", "accepted", "returned"):
        association = f.school_with_mo(world.district, year=world.year)
        f.analysis_of(association, world.year, status=status, by=world.head)
        rows[status] = association
    return rows


def _row(html: str, association) -> str:
    start = html.index(f'data-testid="board-row-{association.pk}"')
    return html[start:html.index("</tr>", start)]


# --- the board ----------------------------------------------------------------------------------


def test_the_board_shows_every_school_mo_its_status_and_who_is_late(world):
    rows = _schools(world)
    _deadline(world, -1)
    response = login(world.methodologist).get(_board(world))
    assert response.status_code == 200
    html = response.content.decode()
    for status, label in (("none", "не начат"), ("draft", "черновик"), ("submitted", "на рассмотрении"),
                          ("accepted", "принят"), ("returned", "возвращён на доработку")):
        row = _row(html, rows[status])
        assert label in row, status
        # Late: past the deadline and neither submitted nor accepted (returned too).
        assert ('data-testid="late"' in row) == (status in ("none", "draft", "returned")), status
        assert ('data-testid="remind"' in row) == (status in ("none", "draft", "returned")), status
    assert "Дополните раздел о проблемах." in _row(html, rows["returned"])
    page = response.context["page"]
    counts = {c.key: c.count for c in page.counts}
    assert counts == {"none": 1, "draft": 1, "submitted": 1, "returned": 1, "accepted": 1, "late": 3}
    assert page.total == 5 and 'data-testid="remind-all"' in html
    assert world.other_district_mo.name not in html


@pytest.mark.parametrize(("status", "shown"), [
    ("late", {"none", "draft", "returned"}), ("accepted", {"accepted"}), ("none", {"none"}),
    ("nonsense", {"none", "draft", "submitted", "accepted", "returned"}),
])
def test_the_counts_filter_the_board(world, status, shown):
    rows = _schools(world)
    _deadline(world, -1)
    page = login(world.methodologist).get(_board(world, status)).context["page"]
    assert {r.association.pk for r in page.rows} == {rows[key].pk for key in shown}
    assert next(c for c in page.counts if c.key == "late").url == _board(world, "late")


@pytest.mark.parametrize("days", [0, 5, None])
def test_nobody_is_late_on_the_deadline_before_it_or_without_one(world, days):
    _schools(world)
    if days is not None:
        _deadline(world, days)
    response = login(world.methodologist).get(_board(world))
    assert not any(r.late for r in response.context["page"].rows)
    assert 'data-testid="late"' not in response.content.decode()


# --- the deadline ----------------------------------------------------------------------------------


def _set_deadline(client, world, value: str):
    return client.post(reverse("reports:analysis_deadline", args=[world.district.pk, world.year.start_year]),
                       {"due_on": value})


def test_the_methodologist_sets_and_changes_the_deadline(world):
    client = login(world.methodologist)
    june = datetime.date(world.year.start_year + 1, 6, 10)
    response = _set_deadline(client, world, june.strftime("%d.%m.%Y"))
    assert response.status_code == 302 and response.url == _board(world)
    deadline = AnalysisDeadline.objects.get(district=world.district, academic_year=world.year)
    assert deadline.due_on == june and deadline.set_by == world.methodologist
    _set_deadline(client, world, f"{world.year.start_year + 1}-06-15")
    assert AnalysisDeadline.objects.get().due_on == datetime.date(world.year.start_year + 1, 6, 15)
    html = client.get(_board(world)).content.decode()
    assert f"до 15.06.{world.year.start_year + 1}" in html


@pytest.mark.parametrize(("value", "error"), [
    ("31.02.2026", "Введите дату в виде ДД.ММ.ГГГГ."),
    ("", "Укажите срок сдачи анализа."),
    ("10.06.1999", "Срок должен быть в пределах"),
])
def test_a_bad_deadline_is_the_board_again_with_a_russian_error(world, value, error):
    response = _set_deadline(login(world.methodologist), world, value)
    assert response.status_code == 200
    html = response.content.decode()
    assert error in html and "is-invalid" in html
    assert f'value="{value}"' in html if value else True  # what was typed stays
    assert "Срок не сохранён" in " ".join(messages_of(response))
    assert not AnalysisDeadline.objects.exists()


# --- reminders --------------------------------------------------------------------------------------


def _remind(client, world, association):
    return client.post(reverse("reports:analysis_remind", args=[association.pk, world.year.start_year]))


def test_remind_sends_one_email_to_the_head_and_records_it(world, mailoutbox):
    rows = _schools(world)
    deadline = _deadline(world, -3)
    client = login(world.methodologist)
    response = _remind(client, world, world.mo)
    assert response.status_code == 302 and response.url == _board(world)
    (mail,) = mailoutbox
    assert mail.to == [HEAD_EMAIL] and mail.from_email == settings.DEFAULT_FROM_EMAIL
    assert world.mo.name in mail.subject and str(world.year) in mail.subject
    link = settings.SITE_URL + reverse("reports:analysis", args=[world.mo.pk, world.year.start_year])
    for text in ("Здравствуйте, Анна Петровна!", world.mo.name, str(world.year), deadline.due_on.strftime("%d.%m.%Y"),
                 "черновик", link):
        assert text in mail.body, text
    reminder = AnalysisReminder.objects.get()
    assert (reminder.association, reminder.academic_year, reminder.sent_by) == (world.mo, world.year,
                                                                                world.methodologist)
    assert HEAD_EMAIL in reminder.recipients
    # The board shows it.
    assert HEAD_EMAIL in _row(client.get(_board(world)).content.decode(), rows["draft"])


def test_a_second_reminder_within_24_hours_is_refused(world, mailoutbox):
    _schools(world)
    _deadline(world, -3)
    client = login(world.methodologist)
    _remind(client, world, world.mo)
    response = client.post(reverse("reports:analysis_remind", args=[world.mo.pk, world.year.start_year]),
                           follow=True)
    assert "не раньше чем через 24 часа" in " ".join(messages_of(response))
    assert len(mailoutbox) == 1 and AnalysisReminder.objects.count() == 1
    # A day later it goes again.
    AnalysisReminder.objects.update(sent_at=timezone.now() - datetime.timedelta(hours=25))
    _remind(client, world, world.mo)
    assert len(mailoutbox) == 2 and AnalysisReminder.objects.count() == 2


@pytest.mark.parametrize(("key", "reason"), [
    ("submitted", "не опаздывает"), ("accepted", "не опаздывает"), ("none", "нет руководителя с адресом e-mail"),
])
def test_a_reminder_is_refused_to_a_school_not_late_or_without_a_head_email(world, mailoutbox, key, reason):
    rows = _schools(world)
    _deadline(world, -3)
    client = login(world.methodologist)
    response = client.post(reverse("reports:analysis_remind", args=[rows[key].pk, world.year.start_year]),
                           follow=True)
    assert reason in " ".join(messages_of(response))
    assert mailoutbox == [] and not AnalysisReminder.objects.exists()


def test_before_the_deadline_nobody_is_reminded(world, mailoutbox):
    _schools(world)
    _deadline(world, 2)
    response = _remind(login(world.methodologist), world, world.mo)
    assert response.status_code == 302 and mailoutbox == [] and not AnalysisReminder.objects.exists()


def test_remind_all_reminds_the_late_ones_and_says_who_could_not_be(world, mailoutbox):
    rows = _schools(world)
    _deadline(world, -3)
    returned_head = Person.objects.get(appointments__association=rows["returned"])
    Person.objects.filter(pk=returned_head.pk).update(email="returned@school.example")
    client = login(world.methodologist)
    response = client.post(reverse("reports:analysis_remind_all", args=[world.district.pk, world.year.start_year]),
                           follow=True)
    assert sorted(m.to[0] for m in mailoutbox) == sorted([HEAD_EMAIL, "returned@school.example"])
    said = " ".join(messages_of(response))
    assert "нет руководителя с адресом e-mail" in said  # СОШ № 2: no head at all
    assert set(AnalysisReminder.objects.values_list("association_id", flat=True)) == {world.mo.pk,
                                                                                      rows["returned"].pk}
    returned_mail = next(m for m in mailoutbox if m.to == ["returned@school.example"])
    assert "Дополните раздел о проблемах." in returned_mail.body


def test_a_failing_mail_keeps_no_reminder(world, monkeypatch):
    _schools(world)
    _deadline(world, -3)

    def fail(*args, **kwargs):
        raise OSError("SMTP down")

    monkeypatch.setattr(services, "send_mass_mail", fail)
    response = _remind(login(world.methodologist), world, world.mo)
    assert response.status_code == 302 and not AnalysisReminder.objects.exists()


# --- who ---------------------------------------------------------------------------------------------


def test_the_district_official_reads_the_board_but_does_not_act(world, mailoutbox):
    _schools(world)
    _deadline(world, -3)
    official = f.district_official(world.district).person.user
    client = login(official)
    response = client.get(_board(world))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="remind"' not in html and 'data-testid="deadline-form"' not in html
    assert _remind(client, world, world.mo).status_code == 403
    assert _set_deadline(client, world, "10.06.2026").status_code == 403
    assert client.post(reverse("reports:analysis_remind_all", args=[world.district.pk, world.year.start_year])
                       ).status_code == 403
    assert mailoutbox == [] and AnalysisReminder.objects.count() == 0


def test_the_schools_people_and_another_district_get_404(world):
    _schools(world)
    for user in (world.head, world.deputy, world.teacher, world.other_district_methodologist, world.outsider):
        assert login(user).get(_board(world)).status_code == 404, user
        assert _remind(login(user), world, world.mo).status_code == 404, user
    other = reverse("reports:analysis_board", args=[world.other_district.pk, world.year.start_year])
    assert login(world.methodologist).get(other).status_code == 404
    # A РМО is not reminded (no such school МО on any board).
    assert _remind(login(world.methodologist), world, world.rmo).status_code == 404


def test_service_refuses_the_official(world):
    _schools(world)
    _deadline(world, -3)
    official = f.district_official(world.district).person.user
    with pytest.raises(services.PermissionDenied):
        services.analysis_remind(association=world.mo, year=world.year, user=official)


# --- queries ------------------------------------------------------------------------------------------

#: The board's queries: the session and the user; the user's person (with the district official's
#: subquery) and appointments; the district; the year; the deadline; the district's associations
#: with their last reminder (subqueries); their analyses of the year.
BOARD_QUERIES = 9


def test_the_board_takes_as_many_queries_for_two_schools_as_for_five(world):
    _deadline(world, -1)
    f.analysis_of(world.mo, world.year, status="returned", by=world.head)
    AnalysisReminder.objects.create(association=world.mo, academic_year=world.year, recipients="a@b.example")
    client = login(world.methodologist)
    assert count_queries(client, _board(world)) == BOARD_QUERIES
    for status in ("draft", "submitted", "accepted"):
        association = f.school_with_mo(world.district, year=world.year)
        f.analysis_of(association, world.year, status=status, by=world.head)
        AnalysisReminder.objects.create(association=association, academic_year=world.year, recipients="c@d.example")
    assert count_queries(client, _board(world)) == BOARD_QUERIES
    assert len(client.get(_board(world)).context["page"].rows) == 5
    assert Analysis.objects.filter(association__district=world.district).count() == 4


def test_the_rmo_page_links_the_district_pages_of_the_year_to_the_district_level_only(world):
    page = reverse("associations:detail", args=[world.rmo.pk])
    year = world.year.start_year
    html = login(world.methodologist).get(page).content.decode()
    assert reverse("reports:analysis_board", args=[world.district.pk, year]) in html
    assert reverse("reports:district_summary", args=[world.district.pk, year]) in html
    assert reverse("reports:checklist_district", args=[world.district.pk, year]) in html
    for user in (world.deputy, world.head, world.teacher):
        html = login(user).get(page).content.decode()
        assert 'data-testid="analysis-board-link"' not in html
        assert 'data-testid="district-summary-link"' not in html
    # A school МО's page has none of them, even for the methodologist.
    html = login(world.methodologist).get(reverse("associations:detail", args=[world.mo.pk])).content.decode()
    assert 'data-testid="analysis-board-link"' not in html


def test_a_deadline_outside_its_academic_year_is_refused_by_the_model_too(world):
    """The rule holds whatever saves it (the board's form, the admin): AnalysisDeadline.clean."""
    from django.core.exceptions import ValidationError

    deadline = AnalysisDeadline(district=world.district, academic_year=world.year,
                                due_on=world.year.ends_on + datetime.timedelta(days=1))
    with pytest.raises(ValidationError) as refused:
        deadline.full_clean()
    assert "в пределах" in refused.value.message_dict["due_on"][0]
    deadline.due_on = datetime.date(world.year.start_year + 1, 6, 10)
    deadline.full_clean()
