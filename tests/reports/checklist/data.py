"""The documentation checklist's test data (a plain module, no tests): what the portal holds
that fulfils each of the eight items (`fulfil`), a held meeting, an uploaded document, and the
rule test's documents (`documents_everywhere`, for tests/associations/test_access_rules.py)."""

from __future__ import annotations

import datetime

from django.utils import timezone

from associations.models import Appointment, Association
from meetings.models import Meeting
from reports.checklist.models import ChecklistDocument, ChecklistItem
from tests import factories as f

Item = ChecklistItem


def head_appointment(world, association=None) -> Appointment:
    return Appointment.objects.filter(association=association or world.mo, role=Appointment.Role.HEAD).first()


def held_meeting(world, association=None, *, days: int = 20, signed: bool = True, protocol: bool = True) -> Meeting:
    """A meeting of the year held `days` after its start (in the past), with a protocol signed or not."""
    association = association or world.mo
    starts = timezone.make_aware(datetime.datetime.combine(
        world.year.starts_on + datetime.timedelta(days=days), datetime.time(15)))
    starts = min(starts, timezone.now() - datetime.timedelta(hours=days + 1))
    meeting = f.MeetingFactory(association=association, starts_at=starts, academic_year=world.year,
                               status=Meeting.Status.HELD)
    if protocol:
        made = f.ProtocolFactory(meeting=meeting)
        if signed:
            f.mark_signed(made)
    return meeting


def document(world, item, *, association=None, year="this", by=None) -> ChecklistDocument:
    """An uploaded document of `item` (of the world's year; `year=None`: for every year)."""
    return ChecklistDocument.objects.create(
        association=association or world.mo, item=item, title=f"Документ: {item}",
        academic_year=world.year if year == "this" else year, file=f.StoredFileFactory(), uploaded_by=by,
    )


def fulfil(world, item, association=None) -> None:
    """What the portal holds that fulfils `item` for the association (the world's МО)."""
    association = association or world.mo
    school = association.school
    if item == Item.ORDER:
        Appointment.objects.filter(pk=head_appointment(world, association).pk).update(
            order_scan=f.StoredFileFactory(original_name="Приказ.pdf"))
    elif item == Item.REGULATION:
        document(world, item, association=association)
    elif item == Item.PLAN:
        f.AnnualPlanFactory(association=association, academic_year=world.year, status="approved",
                            approved_on=world.year.starts_on)
    elif item == Item.PROTOCOLS:
        held_meeting(world, association)
    elif item == Item.ANALYSIS:
        f.analysis_of(association, world.year, status="submitted")
    elif item == Item.MONITORING:
        teacher = f.PersonFactory(school=school)
        f.class_monitoring(f.ClassAssignmentFactory(teacher=teacher, academic_year=world.year), pupils=3)
    elif item == Item.INSTRUCTIONS:
        f.AcknowledgmentFactory(appointment=head_appointment(world, association))
    elif item == Item.BANK:
        f.MaterialFactory(owner=f.PersonFactory(school=school), visibility="school")


def fulfil_all(world, association=None) -> None:
    for item in Item:
        fulfil(world, item, association)


def documents_everywhere():
    """The rule test's rows of «checklist_document»: a document of every association (created on
    the first call, in the test's transaction), with the association its rules read loaded."""
    if not ChecklistDocument.objects.exists():
        for association in Association.objects.order_by("pk"):
            ChecklistDocument.objects.create(association=association, item=Item.REGULATION,
                                             file=f.StoredFileFactory())
    return ChecklistDocument.objects.select_related("association")
