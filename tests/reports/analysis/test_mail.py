"""The review's e-mails (`services.analysis_notify`, sent on the transition's commit): a submitted
analysis to its reviewers (a school МО's to the school's deputy director, the РМО's to the
district's officials), an accepted or returned one to the head who submitted it, with the link
to the analysis and the comment; a mail that fails fails no transition."""

from __future__ import annotations

import logging

import pytest
from django.conf import settings
from django.urls import reverse

from associations.models import Person
from reports.analysis import services
from reports.analysis.models import Analysis
from tests import factories as f
from tests.helpers import login

Status = Analysis.Status


@pytest.fixture
def emails(world):
    """Addresses for the world's people (the deputy's on their login only: a person's own address
    first, else their login's)."""
    Person.objects.filter(pk=world.head_person.pk).update(email="volkova@example.ru")
    Person.objects.filter(pk=world.teacher_person.pk).update(email="sokolova@example.ru")
    world.deputy.email = "Petrova@Example.ru"
    world.deputy.save(update_fields=["email"])
    Person.objects.filter(pk=world.other_deputy.person.pk).update(email="nikitina@example.ru")
    Person.objects.filter(pk=world.methodologist.person.pk).update(email="kuznetsova@example.ru")
    return world


def _page_url(analysis) -> str:
    return settings.SITE_URL + reverse(
        "reports:analysis", args=[analysis.association_id, analysis.academic_year.start_year]
    )


def test_a_submitted_analysis_goes_to_the_schools_deputy(emails, mailoutbox, django_capture_on_commit_callbacks):
    world = emails
    analysis = f.analysis_of(world.mo, world.year, by=world.head)
    with django_capture_on_commit_callbacks(execute=True):
        response = login(world.head).post(reverse("reports:analysis_submit", args=[analysis.pk]))
    assert response.status_code == 302
    (letter,) = mailoutbox
    assert letter.to == ["petrova@example.ru"]  # not the other school's deputy, not the head
    assert letter.subject == f"Анализ работы на рассмотрение: {world.mo.name}, {world.year}"
    assert "Волкова А.П. отправил(а) на рассмотрение анализ работы" in letter.body
    assert _page_url(analysis) in letter.body and letter.body.count("http") == 1


def test_the_rmo_analysis_goes_to_the_district_officials(emails, mailoutbox, django_capture_on_commit_callbacks):
    world = emails
    official = f.district_official(world.district)
    Person.objects.filter(pk=official.person.pk).update(email="soboleva@example.ru")
    f.district_official(world.other_district, username="chuzhoy")  # not this district's
    analysis = f.analysis_of(world.rmo, world.year, by=world.methodologist)
    with django_capture_on_commit_callbacks(execute=True):
        services.analysis_submit(analysis=analysis, user=world.methodologist)
    assert [letter.to for letter in mailoutbox] == [["soboleva@example.ru"]]
    assert world.rmo.name in mailoutbox[0].subject


def test_acceptance_and_return_go_to_the_head_who_submitted(emails, mailoutbox, django_capture_on_commit_callbacks):
    world = emails
    analysis = f.analysis_of(world.mo, world.year, by=world.head)
    services.analysis_submit(analysis=analysis, user=world.head)  # its mail not sent: not committed here
    with django_capture_on_commit_callbacks(execute=True):
        response = login(world.deputy).post(reverse("reports:analysis_return", args=[analysis.pk]),
                                            {"comment": "Дополните раздел о проблемах:\nнет данных за май."})
    assert response.status_code == 302
    (returned,) = mailoutbox
    assert returned.to == ["volkova@example.ru"]
    assert returned.subject == f"Анализ работы возвращён на доработку: {world.mo.name}, {world.year}"
    assert returned.body.startswith(f"{world.deputy.person.short_name} вернул(а) на доработку анализ работы "
                                    f"«{world.mo.name}» за {world.year} учебный год.")
    assert "Что доработать:\nДополните раздел о проблемах:\nнет данных за май." in returned.body
    assert _page_url(analysis) in returned.body

    services.analysis_submit(analysis=analysis, user=world.head)
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.analysis_accept(analysis=analysis, user=world.deputy, render=lambda a: b"%PDF-1.4 test\n%%EOF\n")
    (accepted,) = mailoutbox
    assert accepted.to == ["volkova@example.ru"]
    assert accepted.subject == f"Анализ работы принят: {world.mo.name}, {world.year}"
    assert "принял(а) анализ работы" in accepted.body and _page_url(analysis) in accepted.body
    assert "Что доработать" not in accepted.body


def test_no_mail_before_the_commit_nor_for_a_refused_transition(emails, mailoutbox, django_capture_on_commit_callbacks):
    world = emails
    analysis = f.analysis_of(world.mo, world.year, by=world.head)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        login(world.deputy).post(reverse("reports:analysis_submit", args=[analysis.pk]))  # not the deputy's
        login(world.head).post(reverse("reports:analysis_accept", args=[analysis.pk]))  # not a submitted one
    assert callbacks == [] and mailoutbox == []
    analysis.refresh_from_db()
    assert analysis.status == Status.DRAFT


def test_nobody_to_tell_sends_nothing(world, mailoutbox, django_capture_on_commit_callbacks):
    analysis = f.analysis_of(world.mo, world.year, by=world.head)  # nobody has an address
    with django_capture_on_commit_callbacks(execute=True):
        services.analysis_submit(analysis=analysis, user=world.head)
    assert mailoutbox == []


def test_a_failing_mail_is_logged_and_the_transition_stands(emails, mailoutbox, monkeypatch, caplog,
                                                            django_capture_on_commit_callbacks):
    world = emails

    def broken(*args, **kwargs):
        raise ConnectionRefusedError("SMTP down")

    monkeypatch.setattr(services, "send_mass_mail", broken)
    analysis = f.analysis_of(world.mo, world.year, by=world.head)
    with caplog.at_level(logging.ERROR, logger="reports.analysis.services"):
        with django_capture_on_commit_callbacks(execute=True):
            response = login(world.head).post(reverse("reports:analysis_submit", args=[analysis.pk]))
    assert response.status_code == 302
    analysis.refresh_from_db()
    assert analysis.status == Status.SUBMITTED
    assert mailoutbox == [] and "Не отправлено письмо" in caplog.text


def test_notify_false_tells_nobody(emails, mailoutbox, django_capture_on_commit_callbacks):
    """The demo's data is built through the services without e-mails."""
    world = emails
    analysis = f.analysis_of(world.mo, world.year, by=world.head)
    with django_capture_on_commit_callbacks(execute=True):
        services.analysis_submit(analysis=analysis, user=world.head, notify=False)
        services.analysis_return(analysis=analysis, user=world.deputy, comment="Доработать", notify=False)
    assert mailoutbox == []
