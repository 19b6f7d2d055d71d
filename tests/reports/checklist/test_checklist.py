"""The documentation checklist's computation (`reports.checklist.selectors`): each of the eight
items of §6 fulfilled by what the portal holds (or an uploaded document) and missing without it,
with what fulfils it and what to do; «N из 8»; the district's completeness table; and a fixed
number of queries whatever the number of associations and records."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from associations.models import AcademicYear, Appointment, ClassAssignment
from meetings.models import Meeting
from reports.checklist.models import ChecklistItem
from reports.checklist.selectors import association_checklist, checklists_for, district_completeness
from tests import factories as f
from tests.reports.checklist.data import document as _document
from tests.reports.checklist.data import fulfil, fulfil_all
from tests.reports.checklist.data import head_appointment as _head_appointment
from tests.reports.checklist.data import held_meeting as _held

Item = ChecklistItem
pytestmark = pytest.mark.django_db


def _checklist(world, association=None, year=None):
    return association_checklist(association=association or world.mo, year=year or world.year)


# --- each item, both ways ---------------------------------------------------------------------------


@pytest.mark.parametrize("item", list(Item))
def test_each_item_is_missing_with_what_to_do_and_done_once_the_portal_holds_it(world, item):
    before = _checklist(world).item(item)
    assert not before.done
    assert before.todo  # what to do, in Russian
    fulfil(world, item)
    after = _checklist(world).item(item)
    assert after.done, item
    assert after.todo == ""
    if item != Item.REGULATION:
        assert after.evidence and all(e.url for e in after.evidence), item  # what fulfils it, with a link


def test_none_of_the_eight_and_then_all_of_them(world):
    checklist = _checklist(world)
    assert (checklist.done, checklist.total, checklist.complete) == (0, 8, False)
    assert checklist.done_text == "0 из 8"
    assert [s.item for s in checklist.missing] == list(Item)
    fulfil_all(world)
    checklist = _checklist(world)
    assert (checklist.done, checklist.done_text, checklist.complete, checklist.missing) == (8, "8 из 8", True, [])


def test_the_order_counts_only_with_its_scan_and_of_a_head_in_office_during_the_year(world):
    assert _checklist(world).item(Item.ORDER).todo == "Загрузите скан приказа об открытии МО и назначении руководителя."
    fulfil(world, Item.ORDER)
    state = _checklist(world).item(Item.ORDER)
    appointment = _head_appointment(world)
    assert state.done
    assert f"Приказ № {appointment.order_number} от 26.08.2024" in state.evidence[0].text
    assert state.evidence[0].url.endswith(f"/appointments/{appointment.pk}/order-scan/")
    # the same appointment ended before the year began: not this year's head
    Appointment.objects.filter(pk=appointment.pk).update(ends_on=world.year.starts_on - datetime.timedelta(days=1))
    state = _checklist(world).item(Item.ORDER)
    assert not state.done
    assert state.todo == "Внесите назначение руководителя МО и загрузите скан приказа."


def test_an_uploaded_document_fulfils_its_item_for_its_year_or_for_every_year(world):
    last_year = AcademicYear.objects.get(start_year=world.year.start_year - 1)
    _document(world, Item.ORDER, year=last_year)  # last year's: not this year's
    assert not _checklist(world).item(Item.ORDER).done
    assert _checklist(world, year=last_year).item(Item.ORDER).done
    forever = _document(world, Item.REGULATION, year=None)  # «для всех лет»
    assert _checklist(world).item(Item.REGULATION).documents == [forever]
    assert _checklist(world, year=last_year).item(Item.REGULATION).done
    _document(world, Item.INSTRUCTIONS)
    state = _checklist(world).item(Item.INSTRUCTIONS)
    assert state.done and not state.todo
    # another association's document fulfils nothing here
    _document(world, Item.BANK, association=world.other_mo)
    assert not _checklist(world).item(Item.BANK).done


@pytest.mark.parametrize(("status", "done", "todo"), [
    ("draft", False, "Утвердите план: отправьте его на рассмотрение."),
    ("returned", False, "Утвердите план: отправьте его на рассмотрение."),
    ("submitted", False, "Утвердите план: он на рассмотрении."),
    ("approved", True, ""),
])
def test_the_plan_counts_once_approved(world, status, done, todo):
    plan = f.AnnualPlanFactory(association=world.mo, academic_year=world.year, status=status)
    state = _checklist(world).item(Item.PLAN)
    assert (state.done, state.todo) == (done, todo)
    assert state.evidence[0].url == reverse("associations:plan", args=[plan.pk])


def test_the_protocols_need_a_held_meeting_and_every_held_one_signed(world):
    state = _checklist(world).item(Item.PROTOCOLS)
    assert (state.done, state.progress) == (False, "0 из 0")
    assert state.todo == "Проведите заседание МО и подпишите его протокол."
    for days in (10, 40, 70):
        _held(world, days=days)
    _held(world, days=100, signed=False)
    f.MeetingFactory(association=world.mo, academic_year=world.year, status=Meeting.Status.PLANNED)  # not held
    state = _checklist(world).item(Item.PROTOCOLS)
    assert (state.done, state.progress) == (False, "3 из 4")
    assert "1 проведённое заседание" in state.todo
    assert "3 из 4" in state.evidence[0].text
    _held(world, days=130, protocol=False)
    assert _checklist(world).item(Item.PROTOCOLS).progress == "3 из 5"
    f.mark_signed(Meeting.objects.get(protocol__status="draft").protocol)
    Meeting.objects.filter(protocol__isnull=True, status=Meeting.Status.HELD).delete()
    state = _checklist(world).item(Item.PROTOCOLS)
    assert (state.done, state.progress) == (True, "4 из 4")


@pytest.mark.parametrize(("status", "done"), [
    ("draft", False), ("returned", False), ("submitted", True), ("accepted", True),
])
def test_the_analysis_counts_once_submitted(world, status, done):
    f.analysis_of(world.mo, world.year, status=status)
    state = _checklist(world).item(Item.ANALYSIS)
    assert state.done == done
    assert state.evidence[0].url.endswith(f"/analysis/associations/{world.mo.pk}/{world.year.start_year}/")


def test_monitoring_and_inspections_by_monitoring_or_by_visits_of_the_school(world):
    assignment = ClassAssignment.objects.get(teacher=world.teacher_person, academic_year=world.year)
    # another school's monitoring and visits count for it, not here
    other = f.ClassAssignmentFactory(teacher=f.PersonFactory(school=world.other_school), academic_year=world.year)
    f.class_monitoring(other, pupils=3)
    f.VisitFactory(school=world.other_school)
    assert not _checklist(world).item(Item.MONITORING).done
    assert _checklist(world, world.other_mo).item(Item.MONITORING).done
    f.VisitFactory(school=world.school)
    state = _checklist(world).item(Item.MONITORING)
    assert state.done and [e.text for e in state.evidence] == ["Посещения и проверки: 1"]
    f.class_monitoring(assignment, pupils=6)
    state = _checklist(world).item(Item.MONITORING)
    assert [e.text for e in state.evidence] == ["Мониторинг воспитанности: 1 класс", "Посещения и проверки: 1"]


def test_a_monitoring_without_pupils_is_no_result(world):
    assignment = ClassAssignment.objects.get(teacher=world.teacher_person, academic_year=world.year)
    f.class_monitoring(assignment, pupils=0)
    assert not _checklist(world).item(Item.MONITORING).done


def test_the_rmo_counts_the_districts_monitoring_visits_and_bank(world):
    for item in (Item.MONITORING, Item.BANK):
        assert not _checklist(world, world.rmo).item(item).done
    f.VisitFactory(school=world.other_school)
    f.MaterialFactory(owner=world.methodologist.person, visibility="district", school=None)
    rmo = _checklist(world, world.rmo)
    assert rmo.item(Item.MONITORING).done and rmo.item(Item.BANK).done
    assert "/monitoring/districts/" not in rmo.item(Item.MONITORING).evidence[0].url  # the visits' list
    # the other district's РМО: none of it
    other = _checklist(world, world.other_district_rmo)
    assert not other.item(Item.MONITORING).done and not other.item(Item.BANK).done


def test_instructions_by_the_heads_acknowledgment_or_a_document(world):
    appointment = _head_appointment(world)
    f.AcknowledgmentFactory(appointment=f.AppointmentFactory(association=world.other_mo))  # another МО's head
    assert not _checklist(world).item(Item.INSTRUCTIONS).done
    acknowledgment = f.AcknowledgmentFactory(appointment=appointment)
    state = _checklist(world).item(Item.INSTRUCTIONS)
    assert state.done
    assert "Волкова А." in state.evidence[0].text and acknowledgment.version.instruction.title in state.evidence[0].text


def test_the_bank_needs_a_published_material_of_the_year(world):
    f.MaterialFactory(owner=world.teacher_person, visibility="draft")  # a draft is not in the bank
    last_year = AcademicYear.objects.get(start_year=world.year.start_year - 1)
    f.MaterialFactory(owner=world.teacher_person, visibility="school", academic_year=last_year)
    assert not _checklist(world).item(Item.BANK).done
    f.MaterialFactory(owner=world.teacher_person, visibility="district")
    state = _checklist(world).item(Item.BANK)
    assert state.done and state.evidence[0].text == "В банке данных 1 материал года"


# --- the district's table -----------------------------------------------------------------------


def test_the_district_table_has_a_row_per_association_the_rmo_first_and_totals_per_item(world):
    fulfil_all(world)
    fulfil(world, Item.PLAN, world.other_mo)
    table = district_completeness(district=world.district, year=world.year)
    assert [row.association for row in table] == [world.rmo, world.mo, world.other_mo]
    # the РМО: the district's monitoring and data bank (its schools'), nothing of its own
    assert [(row.done, row.total) for row in table.rows] == [(2, 8), (8, 8), (1, 8)]
    assert (table.count, table.complete, table.incomplete) == (3, 1, 2)
    other = table.rows[2]
    assert other.missing_text == "Приказ, Положение, Протоколы, Анализ, Мониторинг, Инструкции, Банк данных"
    totals = {t.item: t.text for t in table.item_totals}
    assert totals[Item.PLAN] == "2 из 2 школ"
    assert totals[Item.ORDER] == "1 из 2 школ"
    # the other district's associations are not in it
    assert world.other_district_mo not in [row.association for row in table]


def _queries(function) -> int:
    with CaptureQueriesContext(connection) as captured:
        function()
    return len(captured)


def test_the_computation_takes_a_fixed_number_of_queries(world):
    # the documents, the heads, their acknowledgments, the plans, the held meetings, the analyses,
    # the monitoring, the visits, the data bank — for one association as for the district's
    def district():
        table = district_completeness(district=world.district, year=world.year)
        return [row.done for row in table]

    fulfil_all(world)
    one = _queries(lambda: _checklist(world))
    assert one == 9
    few = _queries(district)
    assert few == 10  # and the associations of the district
    for _ in range(4):
        mo = f.school_with_mo(world.district, year=world.year)
        fulfil_all(world, mo)
        _held(world, mo, days=50)
        _document(world, Item.ORDER, association=mo)
    assert _queries(district) == few
    assert _queries(lambda: _checklist(world)) == one


def test_checklists_for_no_association_reads_nothing(world):
    assert _queries(lambda: checklists_for([], world.year)) == 0


def test_the_dashboards_card_counts_and_links_the_districts_table(world):
    from django.template.loader import render_to_string

    fulfil_all(world)
    table = district_completeness(district=world.district, year=world.year)
    card = render_to_string("reports/checklist/_completeness_card.html", {"table": table})
    assert 'data-testid="dashboard-checklist-complete">1 из 3<' in card
    assert 'data-testid="dashboard-checklist-incomplete">2<' in card
    assert reverse("reports:checklist_district", args=[world.district.pk, world.year.start_year]) in card
    assert "1 из 2 школ" in card
