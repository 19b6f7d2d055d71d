"""A GET writes nothing: no INSERT, UPDATE or DELETE (django_session included: the clients log
in before the capture) while the main pages, their files and feeds are read by a class teacher,
the МО's head and the district's methodologist, whatever each of them is answered (a page, a
403, a 404). The objects are the access matrix's (`tests.access_matrix_data.Scene`).
"""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from associations.models import InstructionVersion
from meetings.models import CalendarToken

ROLES = ("teacher", "head", "methodologist")
WRITE = re.compile(r"^\s*(INSERT|UPDATE|DELETE|REPLACE|MERGE|TRUNCATE)\b", re.IGNORECASE)


def _url(name, attribute=None, query=""):
    def build(scene, role):
        args = [getattr(scene, attribute).pk] if attribute else []
        return reverse(name, args=args) + query

    return build


def _world_url(name, attribute):
    return lambda scene, role: reverse(name, args=[getattr(scene.world, attribute).pk])


PAGES = {
    "home": _url("home"),
    "association list": _url("associations:list"),
    "association": _world_url("associations:detail", "mo"),
    "people": _url("associations:people"),
    "person": _world_url("associations:person", "teacher_person"),
    "plan (approved)": _url("associations:plan", "plan_approved"),
    "plan (draft)": _url("associations:plan", "plan_draft"),
    "plan editor": _url("associations:plan_edit", "plan_draft"),
    "plan import from Word": _world_url("associations:plan_import", "mo"),
    "association's meetings": _world_url("meetings:association_meetings", "mo"),
    "new meeting form": _world_url("meetings:meeting_create", "mo"),
    "meeting": _url("meetings:meeting", "meeting"),
    "meeting editor": _url("meetings:meeting_edit", "meeting"),
    "attendance": _url("meetings:attendance", "meeting"),
    "protocol (draft)": _url("meetings:protocol", "protocol_draft"),
    "protocol (signed)": _url("meetings:protocol", "protocol_signed"),
    "protocol editor": _url("meetings:protocol_edit", "protocol_draft"),
    "protocol PDF (draft)": _url("meetings:protocol_pdf", "protocol_draft"),
    "protocol PDF (signed)": _url("meetings:protocol_pdf", "protocol_signed"),
    "protocol DOCX (draft)": _url("meetings:protocol_docx", "protocol_draft"),
    "protocol DOCX (signed)": _url("meetings:protocol_docx", "protocol_signed"),
    "protocol extract PDF": lambda scene, role: reverse(
        "meetings:protocol_extract_pdf", args=[scene.decision.protocol_item_id]
    ),
    "protocol extract DOCX": lambda scene, role: reverse(
        "meetings:protocol_extract_docx", args=[scene.decision.protocol_item_id]
    ),
    "protocol extract (a draft's question)": lambda scene, role: reverse(
        "meetings:protocol_extract_docx", args=[scene.protocol_draft.items.get().pk]
    ),
    "schedule": _url("meetings:schedule"),
    "schedule (past)": _url("meetings:schedule", query="?past=1"),
    "calendar": _url("meetings:calendar"),
    "decisions": _url("meetings:decisions"),
    "feed settings": _url("meetings:feed_settings"),
    "calendar feed": lambda scene, role: reverse("meetings:feed", args=[scene.token(role)]),
    "association feed": lambda scene, role: reverse(
        "meetings:association_feed", args=[scene.token(role), scene.world.mo.pk]
    ),
    "district plans": _url("reports:district_plans"),
    "district plans XLSX": _url("reports:district_plans_xlsx"),
    "plan PDF": _url("reports:plan_pdf", "plan_approved"),
    "plan XLSX": _url("reports:plan_xlsx", "plan_approved"),
    "plan DOCX": _url("reports:plan_docx", "plan_approved"),
    "contests": _url("associations:contests"),
    "new contest entry form": _url("associations:contest_entry_create"),
    "contest entry editor": lambda scene, role: reverse(
        "associations:contest_entry_edit", args=[scene.records.contest_entry.pk]
    ),
    "district contest results": _url("associations:contest_results"),
    "visits": _url("associations:visits"),
    "new visit form": _url("associations:visit_create"),
    "visit": lambda scene, role: reverse("associations:visit", args=[scene.records.visit.pk]),
    "visit editor": lambda scene, role: reverse("associations:visit_edit", args=[scene.records.visit.pk]),
    "instruction's version": lambda scene, role: reverse(
        "associations:instruction", args=[InstructionVersion.objects.order_by("pk").values_list("pk", flat=True)[0]]
    ),
    "acknowledge": lambda scene, role: reverse("associations:acknowledge", args=[scene.records.head_appointment.pk]),
    "acknowledgments": _url("associations:acknowledgments"),
    "courses": _url("associations:courses"),
    "new course form": _url("associations:course_create"),
    "course editor": lambda scene, role: reverse("associations:course_edit", args=[scene.records.course.pk]),
    "courses overview": _url("associations:courses_overview"),
    "acknowledgment sheet": lambda scene, role: reverse(
        "reports:acknowledgment_sheet", args=[scene.records.head_appointment.pk]
    ),
    "acknowledgment sheet DOCX": lambda scene, role: reverse(
        "reports:acknowledgment_sheet_docx", args=[scene.records.head_appointment.pk]
    ),
    "attestation schedule DOCX": _world_url("reports:attestation_schedule_docx", "mo"),
    "monitoring": _url("reports:monitoring"),
    "monitoring class result": lambda scene, role: reverse(
        "reports:monitoring_result", args=[scene.monitoring.september.pk]
    ),
    "monitoring class sheet PDF": lambda scene, role: reverse(
        "reports:monitoring_result_pdf", args=[scene.monitoring.september.pk]
    ),
    "monitoring class sheet XLSX": lambda scene, role: reverse(
        "reports:monitoring_result_xlsx", args=[scene.monitoring.september.pk]
    ),
    "monitoring start": lambda scene, role: reverse("reports:monitoring_start", args=[scene.monitoring.unstarted.pk]),
    "monitoring school": _world_url("reports:monitoring_school", "school"),
    "monitoring school PDF": _world_url("reports:monitoring_school_pdf", "school"),
    "monitoring school XLSX": _world_url("reports:monitoring_school_xlsx", "school"),
    "monitoring class sheet DOCX": lambda scene, role: reverse(
        "reports:monitoring_result_docx", args=[scene.monitoring.september.pk]
    ),
    "monitoring school DOCX": _world_url("reports:monitoring_school_docx", "school"),
    "monitoring district": _world_url("reports:monitoring_district", "district"),
    "monitoring method": lambda scene, role: reverse("reports:monitoring_method", args=[scene.monitoring.method.pk]),
    "monitoring grid": lambda scene, role: reverse("reports:monitoring_edit", args=[scene.monitoring.may.pk]),
    "monitoring template": lambda scene, role: reverse("reports:monitoring_template", args=[scene.monitoring.may.pk]),
    "monitoring import form": lambda scene, role: reverse("reports:monitoring_import", args=[scene.monitoring.may.pk]),
    # the annual analysis (reports.analysis)
    "analysis (draft)": lambda scene, role: reverse(
        "reports:analysis", args=[scene.world.mo.pk, scene.world.year.start_year]
    ),
    "analysis (not started)": lambda scene, role: reverse(
        "reports:analysis", args=[scene.world.mo.pk, scene.analyses.unstarted_year.start_year]
    ),
    "analysis (submitted)": lambda scene, role: reverse(
        "reports:analysis", args=[scene.world.mo.pk, scene.analyses.submitted.academic_year.start_year]
    ),
    "analysis editor": lambda scene, role: reverse("reports:analysis_edit", args=[scene.analyses.draft.pk]),
    "analysis PDF (draft)": lambda scene, role: reverse("reports:analysis_pdf", args=[scene.analyses.draft.pk]),
    "analysis PDF (accepted)": lambda scene, role: reverse("reports:analysis_pdf", args=[scene.analyses.accepted.pk]),
    # The methodologist's board of the analyses (reports.analysis.rollup), all and the late ones.
    "analysis board": lambda scene, role: reverse(
        "reports:analysis_board", args=[scene.world.district.pk, scene.world.year.start_year]
    ),
    "analysis board (late)": lambda scene, role: reverse(
        "reports:analysis_board", args=[scene.world.district.pk, scene.world.year.start_year]
    ) + "?status=late",
    "district summary": lambda scene, role: reverse(
        "reports:district_summary", args=[scene.world.district.pk, scene.world.year.start_year]
    ) + "?sort=attendance&order=desc",
    "district summary (frozen)": lambda scene, role: reverse(
        "reports:district_summary", args=[scene.world.district.pk, scene.previous_year.start_year]
    ),
    "district summary PDF": lambda scene, role: reverse(
        "reports:district_summary_pdf", args=[scene.world.district.pk, scene.world.year.start_year]
    ),
    "district summary XLSX": lambda scene, role: reverse(
        "reports:district_summary_xlsx", args=[scene.world.district.pk, scene.world.year.start_year]
    ),
    # The home page's dashboard (the methodologist's) for a district asked by `?district=`.
    "home with a district": lambda scene, role: reverse("home") + f"?district={scene.world.district.pk}",
    "documentation checklist": lambda scene, role: reverse(
        "reports:checklist", args=[scene.world.mo.pk, scene.world.year.start_year]
    ),
    "documentation checklist's file": lambda scene, role: reverse(
        "reports:checklist_file", args=[scene.checklist.document.pk]
    ),
    "district documentation completeness": lambda scene, role: reverse(
        "reports:checklist_district", args=[scene.world.district.pk, scene.world.year.start_year]
    ),
    "analysis XLSX (draft)": lambda scene, role: reverse("reports:analysis_xlsx", args=[scene.analyses.draft.pk]),
    "analysis XLSX (accepted)": lambda scene, role: reverse("reports:analysis_xlsx", args=[scene.analyses.accepted.pk]),
    "analysis DOCX (draft)": lambda scene, role: reverse("reports:analysis_docx", args=[scene.analyses.draft.pk]),
    "analysis DOCX (accepted)": lambda scene, role: reverse("reports:analysis_docx", args=[scene.analyses.accepted.pk]),
    "district summary DOCX": lambda scene, role: reverse(
        "reports:district_summary_docx", args=[scene.world.district.pk, scene.world.year.start_year]
    ),
    "data bank": _url("meetings:materials"),
    "data bank search": _url("meetings:materials", query="?q=классный+час&grade=5"),
    "new card form": _url("meetings:material_create"),
    "card": lambda scene, role: reverse("meetings:material", args=[scene.bank.school_card.pk]),
    "card editor": lambda scene, role: reverse("meetings:material_edit", args=[scene.bank.school_card.pk]),
    "card deletion page": lambda scene, role: reverse("meetings:material_delete", args=[scene.bank.school_card.pk]),
    "card's file": lambda scene, role: reverse("meetings:material_file", args=[scene.bank.school_file.pk]),
    "card's thumbnail": lambda scene, role: reverse("meetings:material_thumbnail", args=[scene.bank.school_file.pk]),
    "protocol's scan": lambda scene, role: reverse("meetings:protocol_scan", args=[scene.scans.protocol_scanned.pk]),
    "protocol with its scan": lambda scene, role: reverse("meetings:protocol", args=[scene.scans.protocol_scanned.pk]),
    "plan item's file": lambda scene, role: reverse(
        "associations:plan_item_file", args=[scene.scans.plan_item_file.pk]
    ),
    "decision's file": lambda scene, role: reverse("meetings:decision_file", args=[scene.scans.decision_file.pk]),
    "order's scan": lambda scene, role: reverse(
        "associations:appointment_order_scan", args=[scene.scans.order_scanned.pk]
    ),
    "sign-in sheet": lambda scene, role: reverse("meetings:sign_in_sheet_pdf", args=[scene.meeting.pk]),
    "meeting's .ics": lambda scene, role: reverse("meetings:meeting_ics", args=[scene.meeting.pk]),
    "calendar's week": lambda scene, role: reverse("meetings:calendar") + "?view=week&date=2026-12-07",
    "people search": lambda scene, role: reverse("associations:people_search", args=[scene.world.mo.pk]) + "?q=ва",
    "people search (members to add)": lambda scene, role: reverse(
        "associations:people_search", args=[scene.world.mo.pk]
    ) + f"?q=ва&for=members&year={scene.world.year.pk}",
    "record people search": lambda scene, role: reverse(
        "associations:record_people_search", args=["consultation"]
    ) + "?q=ва",
    "card authors search": lambda scene, role: reverse("meetings:material_authors_search") + "?q=ва",
}


def writes_of_get(client, url, *, method: str = "get") -> tuple[int, list[str]]:
    """The answer's status and the writing statements run while answering a GET of `url`."""
    with CaptureQueriesContext(connection) as queries:
        response = getattr(client, method)(url)
        if response.streaming:
            b"".join(response.streaming_content)
    return response.status_code, [q["sql"] for q in queries.captured_queries if WRITE.match(q["sql"])]


@pytest.mark.parametrize("page", list(PAGES))
def test_a_get_writes_nothing(scene, page):
    failures = []
    for role in ROLES:
        url = PAGES[page](scene, role)
        status, writes = writes_of_get(scene.clients[role], url)
        assert status in (200, 302, 403, 404), f"GET {url} as {role}: {status}"
        if writes:
            failures.append(f"GET {url} as {role} ({status}) wrote:\n    " + "\n    ".join(writes))
    assert not failures, "\n" + "\n".join(failures)


def test_the_first_visit_to_feed_settings_writes_nothing(scene):
    CalendarToken.objects.filter(user=scene.users["teacher"]).delete()
    status, writes = writes_of_get(scene.clients["teacher"], reverse("meetings:feed_settings"))
    assert status == 200
    assert writes == []


def test_the_capture_sees_a_write(scene):
    """The check itself: a POST that writes (a new calendar token) is seen writing."""
    status, writes = writes_of_get(scene.clients["teacher"], reverse("meetings:feed_settings"), method="post")
    assert status == 302
    assert any("calendartoken" in sql.lower() for sql in writes), writes
