"""Reads of the job instruction and its acknowledgment: which instruction an appointment asks its
person to read and its current version, the pages of the version and of the acknowledgment, the
methodologist's list of who has read it, the home page's prompt and the printable sheet's data.

Who reaches an appointment (and who alone acknowledges it) is `access` (kind «appointment»). The
text of an instruction is the same for every district: it is read by the people it concerns
(an appointment of its kind and role, past or present) and by those who check them (the
administrators, the district methodologists, the deputy directors).
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Prefetch, QuerySet
from django.http import Http404
from django.utils import timezone

from associations import access
from associations.access import User
from associations.models import Acknowledgment, Appointment, Instruction, InstructionVersion, Person
from associations.records.instructions.filters import AcknowledgmentFilter

# --- which instruction, which version ----------------------------------------------------------


def current_versions(*, on: datetime.date | None = None, with_text: bool = False) -> dict[int, InstructionVersion]:
    """{instruction id: its current version}: of the versions in effect on `on` (today by
    default), the one with the highest number; an instruction with none in effect is absent.
    One query; the texts (up to 60 000 characters each) only when asked for."""
    on = on or timezone.localdate()
    versions = InstructionVersion.objects.filter(effective_from__lte=on).select_related("instruction")
    if not with_text:
        versions = versions.defer("text")
    current: dict[int, InstructionVersion] = {}
    for version in versions.order_by("instruction_id", "-number"):
        current.setdefault(version.instruction_id, version)
    return current


def _applies(instruction: Instruction, appointment: Appointment) -> bool:
    return instruction.association_kind == appointment.association.kind and instruction.role in ("", appointment.role)


def _best(instructions, appointment: Appointment) -> Instruction | None:
    """The instruction of the appointment's association kind and role: one written for its role
    before one for every role (role ""), then by title."""
    fitting = [i for i in instructions if _applies(i, appointment)]
    fitting.sort(key=lambda i: (i.role == "", i.title))
    return fitting[0] if fitting else None


def instruction_for(*, appointment: Appointment) -> Instruction | None:
    """The instruction the appointment's person acknowledges (None when there is none)."""
    return _best(
        Instruction.objects.filter(association_kind=appointment.association.kind, role__in=["", appointment.role]),
        appointment,
    )


def current_version(*, instruction: Instruction, on: datetime.date | None = None) -> InstructionVersion | None:
    """The instruction's version in effect on `on` (today by default) with the highest number."""
    on = on or timezone.localdate()
    return instruction.versions.filter(effective_from__lte=on).order_by("-number").first()


class VersionIndex:
    """Every instruction and its current version, read once (two queries), to answer for many
    appointments as `instruction_for` and `current_version` answer for one."""

    def __init__(self, instructions: list[Instruction], versions: dict[int, InstructionVersion]):
        self.instructions = instructions
        self.versions = versions

    @classmethod
    def read(cls, *, with_text: bool = False) -> VersionIndex:
        return cls(list(Instruction.objects.all()), current_versions(with_text=with_text))

    def for_appointment(self, appointment: Appointment) -> InstructionVersion | None:
        instruction = _best(self.instructions, appointment)
        return self.versions.get(instruction.pk) if instruction is not None else None

    @property
    def ids(self) -> list[int]:
        return [v.pk for v in self.versions.values()]


# --- the text as paragraphs ------------------------------------------------------------------

_HEADING = re.compile(r"^\d+\.\s+\S")  # «2. Должностные обязанности»: a section, not «3.1. …»
_LIST_MARK = re.compile(r"^[-·•–]\s*")


@dataclass(frozen=True)
class Block:
    kind: str  # "heading", "item" (a line of a list: «- …», «· …») or "paragraph"
    text: str


def text_blocks(text: str) -> list[Block]:
    """The instruction's text as the page and the sheet lay it out: a line each, a section's line
    with no final punctuation («2. Должностные обязанности», not «3.1. …») as a heading, a line that starts
    with a dash or a dot as an item of a list (the mark dropped: the layout draws its own)."""
    blocks = []
    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            continue
        if _LIST_MARK.match(line) and len(line) > 2:
            blocks.append(Block("item", _LIST_MARK.sub("", line, count=1)))
        elif _HEADING.match(line) and len(line) <= 120 and line[-1] not in ".;:,":
            blocks.append(Block("heading", line))
        else:
            blocks.append(Block("paragraph", line))
    return blocks


# --- the version's page --------------------------------------------------------------------


def may_read_instructions(user: User, instruction: Instruction) -> bool:
    """The administrators, the district methodologists and the deputy directors read every
    instruction; anyone else the ones of their own appointments (of its kind and role)."""
    roles = access.roles_for(user)
    if roles.is_admin or roles.is_methodologist or roles.is_deputy:
        return True
    if roles.person is None:
        return False
    own = Appointment.objects.filter(person=roles.person, association__kind=instruction.association_kind)
    if instruction.role:
        own = own.filter(role=instruction.role)
    return own.exists()


@dataclass
class VersionPage:
    version: InstructionVersion
    instruction: Instruction
    blocks: list[Block]
    is_current: bool


def version_page(*, user: User, pk: int | str) -> VersionPage:
    version = access.get_visible_or_404(InstructionVersion.objects.select_related("instruction"), pk)
    if not may_read_instructions(user, version.instruction):
        raise Http404
    current = current_version(instruction=version.instruction)
    return VersionPage(
        version=version,
        instruction=version.instruction,
        blocks=text_blocks(version.text),
        is_current=current is not None and current.pk == version.pk,
    )


# --- one appointment's acknowledgment ------------------------------------------------------------


def _appointments() -> QuerySet[Appointment]:
    return Appointment.objects.select_related("person", "association", "association__school")


def appointment_for_user(user: User, pk: int | str) -> Appointment:
    """The appointment if the user may see it (the person, the methodologist, the deputy, the
    administrators); 404 otherwise."""
    return access.get_visible_or_404(access.visible(user, "appointment", _appointments()), pk)


@dataclass
class AcknowledgmentState:
    """An appointment, the version of its instruction it is asked to read, and whether (when) it
    was: `acknowledgment` of the current version, or None."""

    appointment: Appointment
    version: InstructionVersion | None
    acknowledgment: Acknowledgment | None
    earlier: list[Acknowledgment]  # of the instruction's earlier versions, the latest first

    @property
    def instruction(self) -> Instruction | None:
        return self.version.instruction if self.version is not None else None

    @property
    def is_due(self) -> bool:
        return self.version is not None and self.acknowledgment is None


def acknowledgment_state(appointment: Appointment, *, with_text: bool = True) -> AcknowledgmentState:
    """Three queries: the instructions, their current versions, the appointment's acknowledgments."""
    version = VersionIndex.read(with_text=with_text).for_appointment(appointment)
    mine = list(appointment.acknowledgments.select_related("version").order_by("-version__number", "-pk"))
    current = next((a for a in mine if version is not None and a.version_id == version.pk), None)
    earlier = [
        a for a in mine
        if a is not current and version is not None and a.version.instruction_id == version.instruction_id
    ]
    return AcknowledgmentState(appointment=appointment, version=version, acknowledgment=current, earlier=earlier)


@dataclass
class AcknowledgePage:
    state: AcknowledgmentState
    blocks: list[Block]


def acknowledge_page(*, user: User, pk: int | str) -> AcknowledgePage:
    """The appointed person's page (others who see the appointment get 403: `access`'s
    «acknowledge» is the person's alone)."""
    appointment = appointment_for_user(user, pk)
    if not access.allows(user, "appointment", appointment, "acknowledge"):
        raise PermissionDenied
    state = acknowledgment_state(appointment)
    return AcknowledgePage(state=state, blocks=text_blocks(state.version.text) if state.version else [])


# --- the methodologist's list ----------------------------------------------------------------


@dataclass
class AcknowledgmentRow:
    appointment: Appointment
    version: InstructionVersion | None
    acknowledgment: Acknowledgment | None

    @property
    def person(self) -> Person:
        return self.appointment.person


@dataclass
class AcknowledgmentTable:
    filter: AcknowledgmentFilter
    rows: list[AcknowledgmentRow]
    today: datetime.date

    @property
    def missing_count(self) -> int:
        return sum(1 for row in self.rows if row.version is not None and row.acknowledgment is None)


def may_see_acknowledgments(user: User) -> bool:
    """The list is the district methodologist's, the deputy director's (their school) and the
    administrators'."""
    roles = access.roles_for(user)
    return roles.is_admin or roles.is_methodologist or roles.is_deputy


def acknowledgment_table(*, user: User, params) -> AcknowledgmentTable:
    """Every appointment in force that the user sees, with its person, association, role, the
    current version of its instruction and the acknowledgment of it. Queries, whatever the rows:
    the instructions and their current versions, the filter's schools (when rendered), the
    appointments, their acknowledgments of current versions."""
    if not may_see_acknowledgments(user):
        raise Http404
    today = timezone.localdate()
    index = VersionIndex.read()
    acknowledged = Acknowledgment.objects.filter(version_id__in=index.ids).select_related("version")
    queryset = (
        access.visible(user, "appointment", Appointment.objects.in_office(today))
        .select_related("person", "person__school", "association", "association__school")
        .annotate(has_current=Exists(
            Acknowledgment.objects.filter(appointment=OuterRef("pk"), version_id__in=index.ids)
        ))
        .prefetch_related(Prefetch("acknowledgments", queryset=acknowledged, to_attr="current_acknowledgments"))
        .order_by(
            "association__kind", "association__school__short_name", "association__name", "role", "person__last_name"
        )
    )
    filterset = AcknowledgmentFilter(params, queryset=queryset, user=user)
    rows = []
    for appointment in filterset.qs:
        version = index.for_appointment(appointment)
        acknowledgment = next(
            (a for a in appointment.current_acknowledgments if version is not None and a.version_id == version.pk), None
        )
        if version is None and filterset.only_missing:
            continue  # nothing to read: not «missing»
        rows.append(AcknowledgmentRow(appointment=appointment, version=version, acknowledgment=acknowledgment))
    return AcknowledgmentTable(filter=filterset, rows=rows, today=today)


# --- the home page's prompt ------------------------------------------------------------------


@dataclass
class AcknowledgmentPrompt:
    due: list[AcknowledgmentState]  # the user's appointments in force whose current version is unread
    can_see_list: bool  # the user may open the list of who has read what


def acknowledgment_prompt(*, user: User) -> AcknowledgmentPrompt:
    """What the home page says: the instructions the user has still to acknowledge (one query
    for a person with no appointment in force; with one, three more: its acknowledgments, the
    instructions and their current versions)."""
    roles = access.roles_for(user)
    due: list[AcknowledgmentState] = []
    if roles.person is not None:
        appointments = list(
            Appointment.objects.in_office(timezone.localdate())
            .filter(person=roles.person)
            .select_related("association", "association__school")
            .prefetch_related(
                Prefetch("acknowledgments", queryset=Acknowledgment.objects.only("pk", "appointment_id", "version_id"),
                         to_attr="acknowledgment_list")
            )
            .order_by("association__kind", "association__name", "role")
        )
        if appointments:
            index = VersionIndex.read()
            for appointment in appointments:
                appointment.person = roles.person
                version = index.for_appointment(appointment)
                if version is None or any(a.version_id == version.pk for a in appointment.acknowledgment_list):
                    continue
                due.append(
                    AcknowledgmentState(appointment=appointment, version=version, acknowledgment=None, earlier=[])
                )
    return AcknowledgmentPrompt(due=due, can_see_list=may_see_acknowledgments(user))


# --- the printable sheet -----------------------------------------------------------------------


@dataclass
class AcknowledgmentSheet:
    """What the sheet prints: the instruction's title and text (its current version), the
    person, and the day of their acknowledgment of that version (None: not yet)."""

    appointment: Appointment
    person: Person
    instruction: Instruction
    version: InstructionVersion
    blocks: list[Block]
    acknowledged_on: datetime.date | None


def acknowledgment_sheet(*, user: User, pk: int | str) -> AcknowledgmentSheet:
    """The sheet of an appointment the user sees (404 otherwise, and when its instruction has no
    version in effect)."""
    appointment = appointment_for_user(user, pk)
    state = acknowledgment_state(appointment)
    if state.version is None:
        raise Http404
    return AcknowledgmentSheet(
        appointment=appointment,
        person=appointment.person,
        instruction=state.version.instruction,
        version=state.version,
        blocks=text_blocks(state.version.text),
        acknowledged_on=state.acknowledgment.acknowledged_on if state.acknowledgment else None,
    )
