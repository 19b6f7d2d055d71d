"""Reads of meetings and protocols, scoped through associations.access.

Every page's reads are here, with their related rows fetched up front, so that a page's query
count does not grow with its agenda, its attendance or its protocol's items.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import ngettext

from associations import access
from associations.access import User
from associations.models import AcademicYear, Association, ClassAssignment, Membership, Person
from meetings.declension import heard_line, heard_separator
from meetings.filters import DecisionFilter
from meetings.models import (
    PRESENT_LIST_LIMIT,
    AgendaItem,
    Attendance,
    Decision,
    DecisionFile,
    Guest,
    Meeting,
    Protocol,
    ProtocolItem,
    ProtocolScan,
)
from meetings.visits import selectors as visit_selectors


def meetings_visible_to(user: User) -> QuerySet[Meeting]:
    """Meetings of the associations the user may see: their school's and their district's
    РМО events for a school's people, the whole district for the methodologist (the rules:
    associations.access)."""
    return access.visible(user, "meeting", Meeting.objects.all())


def meeting_for_user(user: User, pk: int | str, *, queryset: QuerySet[Meeting] | None = None) -> Meeting:
    return access.object_for_user(user, "meeting", pk, queryset=queryset)


def protocols_visible_to(user: User) -> QuerySet[Protocol]:
    """Protocols of the associations the user may see: signed ones to everyone there, drafts
    only to those who write or oversee them (associations.access)."""
    return access.visible(user, "protocol", Protocol.objects.all())


def protocol_for_user(user: User, pk: int | str, *, queryset: QuerySet[Protocol] | None = None) -> Protocol:
    return access.object_for_user(user, "protocol", pk, queryset=queryset)


# --- the association's meetings -------------------------------------------------------------


@dataclass
class AssociationMeetings:
    association: Association
    year: AcademicYear
    years: list[AcademicYear]
    meetings: list[Meeting]
    can_record: bool
    can_see_drafts: bool


def association_meetings(*, user, pk, year: AcademicYear) -> AssociationMeetings:
    """The association's meetings of one academic year, each with its protocol (if any)."""
    association = access.association_for_user(
        user, pk, queryset=Association.objects.select_related("school", "district")
    )
    meetings = list(
        association.meetings.filter(academic_year=year)
        .select_related("protocol")
        .annotate(agenda_count=Count("agenda"))
        .order_by("starts_at", "pk")
    )
    return AssociationMeetings(
        association=association,
        year=year,
        years=list(AcademicYear.objects.order_by("-start_year")),
        meetings=meetings,
        can_record=access.can_record_meeting(user, association),
        # The protocol rule asked of a draft of this association (in memory, no query).
        can_see_drafts=access.allows(user, "protocol", Protocol(association=association, status=Protocol.Status.DRAFT)),
    )


# --- one meeting ------------------------------------------------------------------------------


def _meeting_queryset() -> QuerySet[Meeting]:
    # The protocol's association too: access.allows reads the protocol's rule in memory.
    return Meeting.objects.select_related(
        "association", "association__school", "association__district", "academic_year", "plan_item__plan",
        "protocol", "protocol__association",
    )


def meeting_agenda(meeting: Meeting) -> list[AgendaItem]:
    return list(
        meeting.agenda.prefetch_related(
            Prefetch("speakers", queryset=Person.objects.order_by("last_name", "first_name"))
        ).order_by("position", "pk")
    )


def scan_of(protocol: Protocol) -> ProtocolScan | None:
    """The protocol's scan, read without a query when it was fetched with select_related."""
    try:
        return protocol.scan
    except ProtocolScan.DoesNotExist:
        return None


def protocol_of(meeting: Meeting) -> Protocol | None:
    """The meeting's protocol, read without a query when it was fetched with select_related."""
    try:
        return meeting.protocol
    except Protocol.DoesNotExist:
        return None


@dataclass
class MeetingDetail:
    meeting: Meeting
    agenda: list[AgendaItem]
    guests: list[Guest]
    present: int
    absent: int
    can_record: bool
    protocol: Protocol | None  # the protocol, if this user may open it
    protocol_pending: bool  # a draft exists that this user may not open yet

    @property
    def attendance_marked(self) -> bool:
        return bool(self.present or self.absent)

    @property
    def has_started(self) -> bool:
        return self.meeting.starts_at <= timezone.now()

    @property
    def is_frozen(self) -> bool:
        """The protocol is signed: the meeting's record is what the protocol says."""
        protocol = protocol_of(self.meeting)
        return protocol is not None and protocol.is_signed

    @property
    def awaits_outcome(self) -> bool:
        """Over (its end has passed) and still «запланировано»: to be marked held or cancelled."""
        meeting = self.meeting
        return meeting.status == Meeting.Status.PLANNED and meeting.ends_at <= timezone.now() and not self.is_frozen


def meeting_detail(*, user, pk) -> MeetingDetail:
    # The РМО's visit to the meeting, if the user sees it: in the meeting's own query.
    meeting = meeting_for_user(user, pk, queryset=visit_selectors.with_visit(_meeting_queryset(), user=user))
    counts = meeting.attendance.aggregate(
        n_present=Count("pk", filter=Q(present=True)), n_absent=Count("pk", filter=Q(present=False))
    )
    protocol = protocol_of(meeting)
    visible = protocol is not None and access.allows(user, "protocol", protocol)
    return MeetingDetail(
        meeting=meeting,
        agenda=meeting_agenda(meeting),
        guests=list(meeting.guests.order_by("full_name", "pk")),
        present=counts["n_present"],
        absent=counts["n_absent"],
        can_record=access.allows(user, "meeting", meeting, "record"),
        protocol=protocol if visible else None,
        protocol_pending=protocol is not None and not visible,
    )


def meeting_read(*, user, pk) -> Meeting:
    """The meeting with its association, year, plan item and protocol: 404 to outsiders."""
    return meeting_for_user(user, pk, queryset=_meeting_queryset())


def meeting_for_edit(*, user, pk) -> Meeting:
    """The meeting for its editor and actions: 404 to outsiders, 403 to those who only read."""
    meeting = meeting_for_user(user, pk, queryset=_meeting_queryset())
    if not access.allows(user, "meeting", meeting, "record"):
        raise PermissionDenied
    return meeting


def meeting_for_sign_in(*, user, pk) -> Meeting:
    """The meeting for its sign-in sheet, to those who run it (the rule «meeting» «record»);
    404 to everyone else, readers included: the sheet is the organisers' paper. A cancelled
    meeting has none (nobody comes to sign)."""
    meetings = _meeting_queryset().exclude(status=Meeting.Status.CANCELLED)
    return access.get_visible_or_404(access.visible(user, "meeting", meetings, action="record"), pk)


# --- attendance -------------------------------------------------------------------------------


@dataclass
class AttendanceRow:
    person: Person
    present: bool
    absence_reason: str
    recorded: bool  # an Attendance row exists
    member: bool  # a member of the association in the meeting's year


@dataclass
class AttendanceSheet:
    meeting: Meeting
    rows: list[AttendanceRow]
    guests: list[Guest]
    can_record: bool

    @property
    def present(self) -> int:
        return sum(1 for r in self.rows if r.recorded and r.present)

    @property
    def absent(self) -> int:
        return sum(1 for r in self.rows if r.recorded and not r.present)

    @property
    def recorded(self) -> bool:
        return any(r.recorded for r in self.rows)

    @property
    def unmarked(self) -> int:
        """Members of the year not marked on a sheet already saved (added to the association
        later): the protocol cannot be signed until they are."""
        return sum(1 for r in self.rows if r.member and not r.recorded) if self.recorded else 0

    @property
    def is_frozen(self) -> bool:
        protocol = protocol_of(self.meeting)
        return protocol is not None and protocol.is_signed


def attendance_sheet(*, meeting: Meeting, user) -> AttendanceSheet:
    """Every member of the association for the meeting's academic year, with their mark (a
    member not yet marked counts as present in the form, not in the counts), and anyone marked
    who is no longer a member; alphabetical."""
    members = (
        Membership.objects.filter(association_id=meeting.association_id, academic_year_id=meeting.academic_year_id)
        .select_related("person")
    )
    marks = {a.person_id: a for a in meeting.attendance.select_related("person")}
    rows: dict[int, AttendanceRow] = {}
    for membership in members:
        mark = marks.get(membership.person_id)
        rows[membership.person_id] = AttendanceRow(
            person=membership.person,
            present=mark.present if mark else True,
            absence_reason=mark.absence_reason if mark else "",
            recorded=mark is not None,
            member=True,
        )
    for person_id, mark in marks.items():
        if person_id not in rows:
            rows[person_id] = AttendanceRow(
                person=mark.person, present=mark.present, absence_reason=mark.absence_reason,
                recorded=True, member=False,
            )
    ordered = sorted(
        rows.values(), key=lambda r: (r.person.last_name, r.person.first_name, r.person.patronymic, r.person.pk)
    )
    return AttendanceSheet(
        meeting=meeting,
        rows=ordered,
        guests=list(meeting.guests.order_by("full_name", "pk")),
        can_record=access.allows(user, "meeting", meeting, "record"),
    )


# --- the protocol -----------------------------------------------------------------------------


def protocol_queryset() -> QuerySet[Protocol]:
    return Protocol.objects.select_related(
        "meeting", "meeting__academic_year", "association", "association__school", "association__district",
        "academic_year", "chair", "secretary", "signed_by",
    )


@dataclass
class ProtocolDetail:
    protocol: Protocol
    meeting: Meeting
    organisation: str
    present: list[Attendance]
    absent: list[Attendance]
    guests: list[Guest]
    agenda: list[AgendaItem]
    items: list[ProtocolItem]
    can_record: bool
    present_list_limit: int = PRESENT_LIST_LIMIT
    scan: ProtocolScan | None = None  # the signed paper's scan, beside the PDF
    decisions: list[Decision] = field(default_factory=list)  # those the user sees, with their result files

    @property
    def present_listed(self) -> bool:
        """The names of those present go into the protocol itself; above the limit, only the
        count and «список прилагается»."""
        return len(self.present) <= self.present_list_limit

    @property
    def present_phrase(self) -> str:
        """«11 человек», «2 человека» (the same catalogue entry as the PDF's)."""
        count = len(self.present)
        return ngettext("%(count)d человек", "%(count)d человек", count) % {"count": count}

    @property
    def can_edit(self) -> bool:
        return self.can_record and not self.protocol.is_signed

    @property
    def can_attach_scan(self) -> bool:
        """Those who record the protocol attach the signed paper's scan, once."""
        return self.can_record and self.protocol.is_signed and self.scan is None


def protocol_detail(*, user, pk) -> ProtocolDetail:
    """The protocol's page: what it says (`protocol_read`), its scan (in the protocol's query) and,
    of a signed protocol, the decisions the user sees with their result files (one more query
    when it has decisions)."""
    protocol = protocol_for_user(user, pk, queryset=protocol_queryset().select_related("scan__file"))
    detail = protocol_read(protocol=protocol, user=user)
    detail.scan = scan_of(protocol)
    if protocol.is_signed:
        decisions = [d for item in detail.items for d in item.decisions.all()]
        detail.decisions = decision_files(
            [d for d in decisions if access.allows(user, "decision", d)], user=user
        )
    return detail


def decision_files(decisions, *, user: User) -> list[Decision]:
    """Sets on each decision of a list (or page) `result_files` (one query for all, none for an
    empty list), each file's `can_remove` (access: «decision_file», «remove») and the decision's
    `can_attach` (access: «decision», «mark»), evaluated in memory: the decisions come with their
    protocol and association. Returns the decisions as a list."""
    decisions = list(decisions)
    by_decision: dict[int, list[DecisionFile]] = {d.pk: [] for d in decisions}
    if decisions:
        for decision_file in DecisionFile.objects.filter(decision__in=decisions).select_related("file").order_by(
            "uploaded_at", "pk"
        ):
            by_decision[decision_file.decision_id].append(decision_file)
    for decision in decisions:
        decision.can_attach = access.allows(user, "decision", decision, "mark")
        decision.result_files = by_decision[decision.pk]
        for decision_file in decision.result_files:
            decision_file.decision = decision
            decision_file.can_remove = access.allows(user, "decision_file", decision_file, "remove")
    return decisions


def protocol_read(*, protocol: Protocol, user) -> ProtocolDetail:
    """Everything the protocol says, in order: six queries whatever its size (five when no
    question names a speaker from the list)."""
    meeting = protocol.meeting
    association = protocol.association
    attendance = list(
        meeting.attendance.select_related("person").order_by(
            "person__last_name", "person__first_name", "person__patronymic"
        )
    )
    items = list(
        protocol.items.select_related("heard_person__school", "agenda_item")
        .prefetch_related(
            # The speaker's classes that year: СЛУШАЛИ names them as the PDF does.
            Prefetch(
                "heard_person__class_assignments",
                queryset=ClassAssignment.objects.filter(academic_year_id=protocol.academic_year_id).order_by(
                    "grade", "letter"
                ),
            ),
            Prefetch("decisions", queryset=Decision.objects.select_related("responsible").order_by("due_on", "pk")),
        )
        .order_by("position", "pk")
    )
    for item in items:
        item.heard_line = heard_line(item)
        item.heard_separator = heard_separator(item.heard_line)
    organisation = association.school.name if association.school_id else association.district.education_department
    return ProtocolDetail(
        protocol=protocol,
        meeting=meeting,
        organisation=organisation,
        present=[a for a in attendance if a.present],
        absent=[a for a in attendance if not a.present],
        guests=list(meeting.guests.order_by("full_name", "pk")),
        agenda=meeting_agenda(meeting),
        items=items,
        can_record=access.allows(user, "protocol", protocol, "record"),
    )


def protocol_for_edit(*, user, pk) -> Protocol:
    """The protocol for its editor and actions: 404 to those who may not see it, 403 to those
    who only read it."""
    protocol = protocol_for_user(user, pk, queryset=protocol_queryset())
    if not access.allows(user, "protocol", protocol, "record"):
        raise PermissionDenied
    return protocol


def present_count(meeting: Meeting) -> int:
    return meeting.attendance.filter(present=True).count()


# --- decisions under control (the control page, «мои поручения») ---------------------------


def decisions_under_control(*, user: User) -> QuerySet[Decision]:
    """The control page's decisions, of signed protocols: the user's own and every one of the
    associations they control (the rules: associations.access, «decision», «control»)."""
    return access.visible(user, "decision", Decision.objects.all(), action="control")


def _with_context(queryset: QuerySet[Decision]) -> QuerySet[Decision]:
    return queryset.select_related(
        "responsible",
        "protocol_item__protocol__association__school",
        "protocol_item__protocol__meeting",
    )


def mark_overdue(decisions, today: datetime.date | None = None, *, user: User | None = None):
    """Sets `overdue` and `days_overdue` on each decision of a list (or page) and, given the
    user, `can_mark` (access: «decision», «mark»; fetched with its protocol and association,
    no query); returns the decisions."""
    today = today or timezone.localdate()
    for decision in decisions:
        decision.overdue = decision.is_overdue(today)
        decision.days_overdue = (today - decision.due_on).days if decision.overdue else 0
        if user is not None:
            decision.can_mark = decision.status == Decision.Status.OPEN and access.allows(
                user, "decision", decision, "mark"
            )
    return decisions


MY_DECISIONS_ON_HOME = 20


def my_decisions(*, user: User, limit: int = MY_DECISIONS_ON_HOME) -> list[Decision]:
    """«Мои поручения»: the user's own open decisions (of signed protocols), the earliest due
    first."""
    queryset = _with_context(
        access.visible(user, "decision", Decision.objects.filter(status=Decision.Status.OPEN), action="own")
    )
    return mark_overdue(list(queryset.order_by("due_on", "pk")[:limit]), user=user)


@dataclass
class DecisionControl:
    filterset: DecisionFilter
    decisions: QuerySet[Decision]
    controls: bool  # heads, secretaries, methodologists: the association's decisions, not only their own
    open_count: int
    overdue_count: int


def decision_control(*, user: User, params) -> DecisionControl:
    """The control page: the decisions under the user's control, filtered (the open ones by
    default)."""
    scope = decisions_under_control(user=user)
    today = timezone.localdate()
    counts = scope.filter(status=Decision.Status.OPEN).aggregate(
        open=Count("pk"), overdue=Count("pk", filter=Q(due_on__lt=today))
    )
    filterset = DecisionFilter(params, queryset=_with_context(scope), user=user)
    queryset = filterset.qs
    if not filterset.form.cleaned_data.get("state"):
        # A malformed state is dropped by the form: fall back to the open ones, in due order.
        queryset = queryset.filter(status=Decision.Status.OPEN).order_by("due_on", "pk")
    return DecisionControl(
        filterset=filterset,
        decisions=queryset,
        controls=access.can(user).control_decisions,
        open_count=counts["open"],
        overdue_count=counts["overdue"],
    )


def extract_item(*, user: User, pk: int | str) -> ProtocolItem:
    """A question of a signed protocol for its extract: to the protocol's readers and to the
    person responsible for one of its decisions (access.protocol_items_for_extract); 404 to
    anyone else and for a draft's question (a draft has no extract: it may still change)."""
    return access.get_visible_or_404(
        access.protocol_items_for_extract(user, ProtocolItem.objects.select_related("protocol__academic_year")), pk
    )


# --- the home page: what waits for those who record meetings and control decisions ------------------

HOME_ROWS = 10


@dataclass
class HomeList:
    """A home block's first rows and how many there are in all."""

    rows: list
    total: int

    @property
    def more(self) -> int:
        return self.total - len(self.rows)


def _home_list(queryset: QuerySet, limit: int = HOME_ROWS) -> HomeList:
    rows = list(queryset[:limit])
    return HomeList(rows=rows, total=len(rows) if len(rows) < limit else queryset.count())


@dataclass
class RecordingTasks:
    """The secretary's (and the head's) work waiting on the home page: the meetings of the
    associations whose meetings they record (by their role, not as an administrator)."""

    without_protocol: HomeList  # held, and no protocol yet
    drafts: HomeList  # draft protocols: to finish and sign
    to_mark: HomeList  # started in the past and still «запланировано»


def recording_tasks(*, user: User) -> RecordingTasks | None:
    """None for a user who records no association's meetings by their role; else three lists,
    the oldest first, at most two queries each whatever the number of meetings."""
    if not access.reaches_by_role(user, "meeting", "record"):
        return None
    recorded = access.visible_by_role(user, "meeting", Meeting.objects.all(), action="record").select_related(
        "association"
    )
    drafts = access.visible_by_role(
        user, "protocol", Protocol.objects.filter(status=Protocol.Status.DRAFT), action="record"
    ).select_related("association", "meeting")
    return RecordingTasks(
        without_protocol=_home_list(
            recorded.filter(status=Meeting.Status.HELD, protocol__isnull=True).order_by("starts_at", "pk")
        ),
        drafts=_home_list(drafts.order_by("meeting__starts_at", "pk")),
        to_mark=_home_list(
            recorded.filter(status=Meeting.Status.PLANNED, starts_at__lt=timezone.now()).order_by("starts_at", "pk")
        ),
    )


def _open_decisions(queryset: QuerySet[Decision], *, user: User, overdue_only: bool) -> HomeList:
    today = timezone.localdate()
    queryset = queryset.filter(status=Decision.Status.OPEN)
    if overdue_only:
        queryset = queryset.filter(due_on__lt=today)
    listed = _home_list(_with_context(queryset).order_by("due_on", "pk"))
    mark_overdue(listed.rows, today, user=user)
    return listed


def overdue_decisions(*, user: User) -> HomeList | None:
    """The overdue decisions of the associations whose decisions the user controls by their role
    (the head's and the secretary's МО), the longest overdue first; None for anyone else."""
    if not access.reaches_by_role(user, "association", "record"):
        return None
    scope = access.visible_by_role(user, "decision", Decision.objects.all(), action="control").filter(
        protocol_item__protocol__association__in=access.visible_by_role(user, "association", action="record")
    )
    return _open_decisions(scope, user=user, overdue_only=True)


@dataclass
class OverseenDecisions:
    decisions: HomeList  # the open ones, the overdue first (the earliest due first)
    overdue: int


def overseen_decisions(*, user: User) -> OverseenDecisions | None:
    """The deputy director's «решения на контроле»: the open decisions of the school's signed
    protocols (access.decisions_overseen); None for a user who oversees no school."""
    roles = access.roles_for(user)
    if not roles.deputy_school_ids:
        return None
    scope = access.decisions_overseen(user, Decision.objects.filter(status=Decision.Status.OPEN))
    decisions = _open_decisions(scope, user=user, overdue_only=False)
    overdue = sum(1 for d in decisions.rows if d.overdue)
    if decisions.more:
        overdue = scope.filter(due_on__lt=timezone.localdate()).count()
    return OverseenDecisions(decisions=decisions, overdue=overdue)
