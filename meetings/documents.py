"""The protocol as the education department expects it (domain spec §1, Росархив order № 199),
rendered by reports.rendering (the one rendering leaf any app may call).

`protocol_context` reads everything the document shows in a fixed number of queries, whatever
the number of items, decisions and people, and prepares the wording: names as lists write them
(«Волкова А.И.») and as signatures do («А.И. Волкова»), the speaker in the accusative after
СЛУШАЛИ, «ёлочки», and non-breaking spaces where a line must not break (№ 2, 6 «Б», М.Ю.).
The template only lays out; every text people typed reaches it escaped.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field

from django.core.cache import cache
from django.db.models import Count, Max, Prefetch
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from associations.models import ClassAssignment, Person
from meetings.declension import classes_phrase, heard_line, heard_separator
from meetings.models import PRESENT_LIST_LIMIT, Attendance, Decision, Meeting, Protocol
from reports.rendering import PDF_MIMETYPE, ExportFile, render_pdf

# Documents go to the education department in Russian whatever the reader's browser says.
DOCUMENT_LANGUAGE = "ru"


NBSP = "\u00a0"


# --- typography ------------------------------------------------------------------------------

_OPENING_CONTEXT = set(" \t\n([{«„—–-/")
_NUMERO = re.compile(r"№\s+(?=\S)")
_CLASS_LETTER = re.compile(r"(?<=\d)[ \t]+(?=«[А-ЯЁA-Z]»)")  # 6 «Б»
_INITIALS_AFTER = re.compile(r"\b([А-ЯЁ][а-яё]+(?:-[А-ЯЁ][а-яё]+)?)[ \t]+(?=[А-ЯЁ]\.)")  # Соколова М.Ю.
_INITIALS_BEFORE = re.compile(r"(?<=[А-ЯЁ]\.)[ \t]+(?=[А-ЯЁ][а-яё])")  # М.Ю. Соколова
_DASH = re.compile(r"[ \t]+(?=—)")  # a dash never starts a line


def russian_quotes(text: str) -> str:
    """Straight quotes become «ёлочки», and quotes inside quotes „лапки“: «Проект „Орлята
    России“». Text whose quotes do not pair up is left as typed."""
    out = []
    depth = 0
    for i, char in enumerate(text):
        opening = char in "«„" or (char == '"' and (i == 0 or text[i - 1] in _OPENING_CONTEXT))
        closing = char == "»" or (char == "“" and depth > 0) or (char == '"' and not opening)
        if opening:
            out.append("«" if depth == 0 else "„")
            depth += 1
        elif closing:
            if depth == 0:
                return text
            depth -= 1
            out.append("»" if depth == 0 else "“")
        else:
            out.append(char)
    return "".join(out) if depth == 0 else text


def typeset(text: str) -> str:
    """Quotes and the spaces no line may break at; stripped of surrounding whitespace."""
    text = _NUMERO.sub("№" + NBSP, russian_quotes(text.strip()))
    text = _INITIALS_AFTER.sub(lambda m: m.group(1) + NBSP, text)
    for pattern in (_CLASS_LETTER, _INITIALS_BEFORE, _DASH):
        text = pattern.sub(NBSP, text)
    return text


def _quoted_whole(text: str) -> bool:
    """Whether the text is one quotation from its first character to its last."""
    text = russian_quotes(text)
    if len(text) < 2 or text[0] != "«" or text[-1] != "»":
        return False
    depth = 0
    for char in text[:-1]:
        depth += (char in "«„") - (char in "»“")
        if depth == 0:
            return False
    return True


def quoted(text: str) -> str:
    """A title in «ёлочки», once, with quotes inside in „лапках“: «Проект „Орлята России“»."""
    text = text.strip()
    if _quoted_whole(text):
        text = text[1:-1]
    return typeset(f"«{text}»")


def sentence(text: str) -> str:
    """The text with a full stop at its end unless it already ends a sentence."""
    text = text.rstrip()
    return text if not text or text[-1] in ".!?…" else f"{text}."


def people_phrase(count: int) -> str:
    """«1 человек», «2 человека», «5 человек», «21 человек»: the forms come from the catalogue."""
    return ngettext("%(count)d человек", "%(count)d человек", count) % {"count": count}


def _name_key(person: Person) -> tuple[str, str, str]:
    """Alphabetical as a Russian reader means it: «Ёлкина» among the «Е», whatever the database."""

    def fold(value: str) -> str:
        return value.lower().replace("ё", "е")

    return fold(person.last_name), fold(person.first_name), fold(person.patronymic)


# --- what the template shows -----------------------------------------------------------------


@dataclass(frozen=True)
class AgendaRow:
    number: int
    title: str
    speakers: str  # «Соколова М.Ю.», «Соколова М.Ю., Петрова Е.Н. (заместитель директора по ВР)»
    several_speakers: bool


@dataclass(frozen=True)
class DecisionRow:
    number: str  # «1.1»
    text: str
    due_on: datetime.date
    responsible: str  # «Соколова М.Ю.»


@dataclass(frozen=True)
class ItemRow:
    number: int
    heard_subject: str  # «Соколову М.Ю., классного руководителя 6 «Б» класса»
    heard_separator: str  # «, — » after an apposition, « — » after a bare name
    heard: str
    spoke: str
    decided: str
    decisions: list[DecisionRow] = field(default_factory=list)
    votes: tuple[int, int, int] | None = None


@dataclass(frozen=True)
class AttendeeRow:
    number: int
    full_name: str
    short_name: str
    position: str  # «учитель, классный руководитель 6 «Б» класса»
    school: str


def _position_nominative(person: Person, assignments: list[ClassAssignment]) -> str:
    parts = []
    if person.position != Person.Position.OTHER:
        parts.append(str(person.get_position_display()))
    if assignments:
        parts.append(f"классный руководитель {classes_phrase(assignments)}")
    return typeset(", ".join(parts))


def _speakers(agenda_item) -> str:
    names = [p.short_name for p in sorted(agenda_item.speakers.all(), key=_name_key)]
    if agenda_item.guest_speakers.strip():
        names.append(agenda_item.guest_speakers.strip())
    return typeset(", ".join(names))


def protocol_context(protocol: Protocol, *, draft: bool = False) -> dict:
    """Everything the protocol's PDF shows, read in a fixed number of queries:

    1. the protocol with its meeting, association, school, district, year, chair and secretary;
    2. the attendance with each person and their school; 3. those people's classes that year;
    4. the guests; 5. the agenda; 6. its speakers; 7. the protocol's items with their speaker
    (and school) and agenda question; 8. the speakers' classes that year; 9. the decisions
    with who answers for them. (Queries 3, 6, 8 and 9 are skipped when there is nothing to
    fetch them for.)

    The protocol is read as stored, so a preview shows what was saved.
    """
    protocol = Protocol.objects.select_related(
        "meeting", "association__school", "association__district", "academic_year", "chair", "secretary"
    ).get(pk=protocol.pk)
    meeting: Meeting = protocol.meeting
    association = protocol.association
    year_classes = ClassAssignment.objects.filter(academic_year_id=protocol.academic_year_id).order_by(
        "grade", "letter"
    )

    attendance = sorted(
        Attendance.objects.filter(meeting_id=meeting.pk)
        .select_related("person__school")
        .prefetch_related(Prefetch("person__class_assignments", queryset=year_classes)),
        key=lambda a: _name_key(a.person),
    )
    present = [a for a in attendance if a.present]
    absent = [a for a in attendance if not a.present]
    guests = sorted(meeting.guests.all(), key=lambda g: g.full_name.lower().replace("ё", "е"))
    agenda = list(meeting.agenda.prefetch_related("speakers").order_by("position", "pk"))
    items = list(
        protocol.items.select_related("heard_person__school", "agenda_item")
        .prefetch_related(
            Prefetch("heard_person__class_assignments", queryset=year_classes),
            Prefetch("decisions", queryset=Decision.objects.select_related("responsible").order_by("pk")),
        )
        .order_by("position", "pk")
    )

    if association.is_district:
        district = association.district
        organisation_lines = [n for n in (district.education_department, district.methodical_office) if n]
        body = _("заседания районного методического объединения классных руководителей")
    else:
        organisation_lines = [association.school.name]
        body = _("заседания методического объединения классных руководителей")
    meeting_date = timezone.localtime(meeting.starts_at).date()

    item_rows = []
    for number, item in enumerate(items, start=1):
        subject = typeset(heard_line(item))
        heard = item.heard.strip() or (item.agenda_item.title if item.agenda_item else "")
        decisions = [
            DecisionRow(
                number=f"{number}.{index}",
                text=typeset(sentence(decision.text)),
                due_on=decision.due_on,
                responsible=typeset(decision.responsible.short_name),
            )
            for index, decision in enumerate(item.decisions.all(), start=1)
        ]
        item_rows.append(
            ItemRow(
                number=number,
                heard_subject=subject,
                heard_separator=heard_separator(subject) if heard else "",
                heard=typeset(sentence(heard)),
                spoke=typeset(item.spoke),
                decided=typeset(sentence(item.decided)),
                decisions=decisions,
                votes=(item.votes_for or 0, item.votes_against or 0, item.votes_abstained or 0)
                if item.has_vote
                else None,
            )
        )

    list_appended = len(present) > PRESENT_LIST_LIMIT
    return {
        "protocol": protocol,
        "meeting": meeting,
        "draft": draft,
        "organisation": " ".join(organisation_lines),
        "organisation_lines": organisation_lines,
        "body": body,
        "meeting_date": meeting_date,
        "chair_name": typeset(protocol.chair.short_name) if protocol.chair else "",
        "secretary_name": typeset(protocol.secretary.short_name) if protocol.secretary else "",
        "chair_signature": protocol.chair.signature_name if protocol.chair else "",
        "secretary_signature": protocol.secretary.signature_name if protocol.secretary else "",
        "present": present,
        "present_names": [typeset(a.person.short_name) for a in present],
        "present_count": people_phrase(len(present)),
        "list_appended": list_appended,
        "attendees": [
            AttendeeRow(
                number=number,
                full_name=a.person.full_name,
                short_name=a.person.short_name,
                position=_position_nominative(a.person, list(a.person.class_assignments.all())),
                school=typeset(a.person.school.short_name) if a.person.school_id else "",
            )
            for number, a in enumerate(present, start=1)
        ],
        "absent": absent,
        "absent_rows": [
            typeset(f"{a.person.short_name} — {a.absence_reason.strip()}" if a.absence_reason.strip()
                    else a.person.short_name)
            for a in absent
        ],
        "guests": guests,
        "guest_rows": [typeset(str(g)) for g in guests],
        "theme": quoted(meeting.theme) if meeting.theme.strip() else "",
        "form": meeting.get_kind_display() if meeting.kind != Meeting.Kind.SESSION else "",
        "agenda": agenda,
        "agenda_rows": [
            AgendaRow(
                number=number,
                title=typeset(a.title),
                speakers=_speakers(a),
                several_speakers=len(a.speakers.all()) + bool(a.guest_speakers.strip()) > 1,
            )
            for number, a in enumerate(agenda, start=1)
        ],
        "items": items,
        "item_rows": item_rows,
        "decided_label": protocol.decided_label,
        "show_school": association.is_district,
    }


def protocol_pdf(protocol: Protocol, *, draft: bool = False) -> bytes:
    """The protocol's PDF; `draft=True` marks every page «ЧЕРНОВИК» (previews before signing)."""
    with translation.override(DOCUMENT_LANGUAGE):
        return render_pdf("meetings/protocol_pdf.html", protocol_context(protocol, draft=draft))


DRAFT_CACHE_SECONDS = 10 * 60


def protocol_draft_key(protocol: Protocol) -> str:
    """What a draft's preview depends on: the protocol's and the meeting's versions, and the
    attendance as last saved (saving it replaces its rows, so their ids change). A name changed
    in the admin shows within DRAFT_CACHE_SECONDS."""
    marks = Attendance.objects.filter(meeting_id=protocol.meeting_id).aggregate(n=Count("pk"), last=Max("pk"))
    return (
        f"protocol-draft:{protocol.pk}:{protocol.version}:{protocol.meeting.version}:"
        f"{marks['n']}:{marks['last']}"
    )


def protocol_draft_pdf(protocol: Protocol) -> bytes:
    """The draft's preview, rendered once per version of what it shows (every GET rendered it
    again: a long draft took seconds each time)."""
    key = protocol_draft_key(protocol)
    pdf = cache.get(key)
    if pdf is None:
        pdf = protocol_pdf(protocol, draft=True)
        cache.set(key, pdf, DRAFT_CACHE_SECONDS)
    return pdf


def protocol_export(protocol: Protocol, *, draft: bool = False) -> ExportFile:
    """(filename, mimetype, bytes), the exporters' contract."""
    content = protocol_draft_pdf(protocol) if draft else protocol_pdf(protocol)
    return protocol.file_name(draft=draft), PDF_MIMETYPE, content
