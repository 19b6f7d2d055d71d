"""Writes of a visit's link to a meeting: link (or move the link to another meeting) and unlink.

Who may is the visit's writers (`associations.access`, kind «visit», action «write»: the
district's methodical office and the administrators). The meeting must be one the user sees, of
the visited school's МО (`MeetingVisit.clean`), of the visit's academic year and not cancelled.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from associations import access
from associations.access import User
from associations.models import Visit
from meetings.models import Meeting, MeetingVisit


def visit_meeting_error(*, visit: Visit, meeting: Meeting) -> str:
    """Why `meeting` cannot be the one `visit` was to ("" when it can), beyond the school, which
    is the model's rule: another academic year, or a cancelled meeting."""
    if meeting.academic_year_id != visit.academic_year_id:
        return _("Заседание %(date)s — другого учебного года: посещение было %(visited)s.") % {
            "date": _local_date(meeting), "visited": visit.visited_on.strftime("%d.%m.%Y"),
        }
    if meeting.status == Meeting.Status.CANCELLED:
        return _("Заседание %(date)s отменено: его не посещали.") % {"date": _local_date(meeting)}
    return ""


def _local_date(meeting: Meeting) -> str:
    return timezone.localtime(meeting.starts_at).strftime("%d.%m.%Y")


def _require_writer(user: User, visit: Visit) -> None:
    if not access.allows(user, "visit", visit, "write"):
        raise PermissionDenied


@transaction.atomic
def visit_link(*, visit: Visit, meeting: Meeting, user: User) -> MeetingVisit:
    """Link the visit to the meeting visited (a visit is linked to one meeting at most: linking
    it again moves the link). Raises PermissionDenied for a user who does not write the visit or
    does not see the meeting, ValidationError (field «meeting») for a meeting of another school,
    another academic year, or a cancelled one."""
    _require_writer(user, visit)
    if not access.allows(user, "meeting", meeting):
        raise PermissionDenied
    error = visit_meeting_error(visit=visit, meeting=meeting)
    if error:
        raise ValidationError({"meeting": error})
    link = MeetingVisit.objects.select_for_update().filter(visit=visit).first() or MeetingVisit(visit=visit)
    link.meeting = meeting
    link.full_clean()
    link.save()
    return link


@transaction.atomic
def visit_unlink(*, visit: Visit, user: User) -> None:
    """Take the link away (the visit stays). Raises ValidationError when there is none."""
    _require_writer(user, visit)
    link = MeetingVisit.objects.select_for_update().filter(visit=visit).first()
    if link is None:
        raise ValidationError(_("Посещение и так не связано с заседанием."))
    link.delete()
