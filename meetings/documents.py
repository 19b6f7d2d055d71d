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
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from associations.models import ClassAssignment, Membership, Person
from meetings.declension import classes_phrase, heard_line, heard_separator
from meetings.models import PRESENT_LIST_LIMIT, Attendance, Decision, Meeting, Protocol, ProtocolItem
from reports import word
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

    @property
    def speakers_label(self) -> str:
        return _("докладчики") if self.several_speakers else _("докладчик")

    @property
    def line(self) -> str:
        """«1. О профилактике (докладчик Соколова М.Ю.)»: the PDF's line as one text (the DOCX)."""
        speakers = f" ({self.speakers_label} {self.speakers})" if self.speakers else ""
        return f"{self.number}. {self.title}{speakers}"


@dataclass(frozen=True)
class DecisionRow:
    number: str  # «1.1»
    text: str
    due_on: datetime.date
    responsible: str  # «Соколова М.Ю.»

    @property
    def due_text(self) -> str:
        """«Срок: до 01.12.2025.»"""
        return f"{_('Срок')}: {_('до')}{NBSP}{self.due_on:%d.%m.%Y}."

    @property
    def responsible_text(self) -> str:
        """«Ответственный: Соколова М.Ю.»"""
        return f"{_('Ответственный')}: {self.responsible}"

    @property
    def line(self) -> str:
        return f"{self.number}. {self.text} {self.due_text} {self.responsible_text}"


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

    @property
    def heard_text(self) -> str:
        """What follows «СЛУШАЛИ:»: the speaker, then what they said."""
        subject = f"{self.heard_subject}{self.heard_separator}" if self.heard_subject else ""
        return f"{subject}{self.heard}"

    @property
    def votes_line(self) -> str:
        """«Голосовали: «за» — 10, «против» — 0, «воздержались» — 1.» ("" without a vote)."""
        if self.votes is None:
            return ""
        dash = f"{NBSP}—{NBSP}"
        return (
            f"{_('Голосовали')}: «{_('за')}»{dash}{self.votes[0]}, «{_('против')}»{dash}{self.votes[1]}, "
            f"«{_('воздержались')}»{dash}{self.votes[2]}."
        )


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


def present_text(names: list[str], *, list_appended: bool) -> str:
    """What follows «Присутствовали:»: the names, or above the limit the count and «список
    прилагается», or a dash."""
    if list_appended:
        return f"{people_phrase(len(names))} ({_('список прилагается')})"
    return ", ".join(names) if names else "—"


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
    present_names = [typeset(a.person.short_name) for a in present]
    absent_rows = [
        typeset(f"{a.person.short_name} — {a.absence_reason.strip()}" if a.absence_reason.strip()
                else a.person.short_name)
        for a in absent
    ]
    guest_rows = [typeset(str(g)) for g in guests]
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
        "present_names": present_names,
        "present_count": people_phrase(len(present)),
        "present_text": present_text(present_names, list_appended=list_appended),
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
        "absent_rows": absent_rows,
        "absent_text": f"{len(absent)} ({'; '.join(absent_rows)})" if absent else "",
        "guests": guests,
        "guest_rows": guest_rows,
        "guests_text": "; ".join(guest_rows),
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


# --- the protocol in Word --------------------------------------------------------------------
# The same context as the PDF, the same texts in the same order: a working copy to paste into
# the school's documents (a signed protocol's issued original stays its stored PDF).


def _docx_organisation(doc, context: dict) -> None:
    for line in context["organisation_lines"]:
        word.paragraph(doc, line, style="Centered")


def _officers(context: dict) -> tuple[str, str]:
    blank = "_" * 20
    return (
        f"{_('Председатель')}{NBSP}— {context['chair_name'] or blank}",
        f"{_('Секретарь')}{NBSP}— {context['secretary_name'] or blank}",
    )


def _docx_item(doc, item: ItemRow, decided_label: str) -> None:
    word.labelled(doc, f"{item.number}. {_('СЛУШАЛИ')}:", item.heard_text)
    if item.spoke:
        word.labelled(doc, f"{_('ВЫСТУПИЛИ')}:", item.spoke)
    if item.decided or item.decisions:
        word.labelled(doc, f"{decided_label}:", item.decided)
        for decision in item.decisions:
            word.paragraph(doc, decision.line)
    if item.votes_line:
        word.paragraph(doc, item.votes_line)


def _signature_name(name: str) -> str:
    return name or "_" * 20


def protocol_docx(protocol: Protocol, *, draft: bool = False) -> bytes:
    """The protocol as a Word document, from `protocol_context` (the PDF's data and wording)."""
    with translation.override(DOCUMENT_LANGUAGE):
        context = protocol_context(protocol, draft=draft)
        number, day = protocol.number, f"{context['meeting_date']:%d.%m.%Y}"
        doc = word.document(title=f"{_('Протокол')} №{NBSP}{number} {_('от')} {day}")
        if draft:
            word.running_header(doc, _("ЧЕРНОВИК — протокол не подписан"))
        _docx_organisation(doc, context)
        word.heading(doc, _("ПРОТОКОЛ"), level=0)
        word.columns(doc, [day], [f"№{NBSP}{number}"])
        word.paragraph(doc, context["body"], style="Centered", bold=True)
        chair, secretary = _officers(context)
        word.columns(doc, [chair], [secretary])
        word.paragraph(doc, f"{_('Присутствовали')}: {context['present_text']}")
        if context["absent_text"]:
            word.paragraph(doc, f"{_('Отсутствовали')}: {context['absent_text']}")
        if context["guests_text"]:
            word.paragraph(doc, f"{_('Приглашённые')}: {context['guests_text']}")
        if context["theme"]:
            word.paragraph(doc, f"{_('Тема')}: {context['theme']}")
        if context["form"]:
            word.paragraph(doc, f"{_('Форма')}: {context['form']}")
        if context["agenda_rows"]:
            word.heading(doc, f"{_('ПОВЕСТКА ДНЯ')}:", level=2)
            for row in context["agenda_rows"]:
                word.paragraph(doc, row.line)
        for item in context["item_rows"]:
            _docx_item(doc, item, context["decided_label"])
        word.paragraph(doc)
        word.signatures(doc, [
            (_("Председатель"), _signature_name(context["chair_signature"])),
            (_("Секретарь"), _signature_name(context["secretary_signature"])),
        ])
        if context["list_appended"]:
            word.page_break(doc)
            word.paragraph(doc, f"{_('Приложение')}\n{_('к протоколу')} №{NBSP}{number} {_('от')} {day}",
                           style="Approval")
            word.heading(doc, _("Список присутствующих"), level=1)
            for row in context["attendees"]:
                position = f"{NBSP}— {row.position}" if row.position else ""
                school = f" ({row.school})" if context["show_school"] and row.school else ""
                word.paragraph(doc, f"{row.number}. {row.full_name}{position}{school}")
            word.paragraph(doc, f"{_('Всего')}: {context['present_count']}.")
        return word.docx_bytes(doc)


def protocol_docx_export(protocol: Protocol) -> ExportFile:
    """(filename, mimetype, bytes): a draft's marked «ЧЕРНОВИК», a signed protocol's from the
    data as signed (nothing of it changes after the signing); never stored."""
    draft = not protocol.is_signed
    name = protocol.file_name(draft=draft).removesuffix(".pdf") + ".docx"
    return name, word.DOCX_MIMETYPE, protocol_docx(protocol, draft=draft)


# --- an extract from a signed protocol: one question, for the person responsible --------------


def extract_title(context: dict) -> str:
    """«ВЫПИСКА ИЗ ПРОТОКОЛА № 2 от 14.11.2025»"""
    return typeset(_("ВЫПИСКА ИЗ ПРОТОКОЛА № %(number)s от %(date)s") % {
        "number": context["protocol"].number, "date": f"{context['meeting_date']:%d.%m.%Y}",
    })


def extract_context(item: ProtocolItem, *, today: datetime.date | None = None) -> dict:
    """The extract of one question: the protocol's context (its queries, its wording) narrowed
    to the question, with its place in the agenda, the count of those present, «Выписка верна»
    and the secretary's signature with the day of the extract."""
    context = protocol_context(item.protocol)
    index = [i.pk for i in context["items"]].index(item.pk)
    agenda_ids = [a.pk for a in context["agenda"]]
    agenda_item_id = context["items"][index].agenda_item_id
    agenda_row = context["agenda_rows"][agenda_ids.index(agenda_item_id)] if agenda_item_id in agenda_ids else None
    context.update(
        item=context["item_rows"][index],
        agenda_row=agenda_row,
        title=extract_title(context),
        officers=_officers(context),
        present_line=f"{_('Присутствовали')}: {context['present_count']}.",
        certified=_("Выписка верна"),
        issued_on=today or timezone.localdate(),
    )
    return context


def _extract_name(item: ProtocolItem, extension: str) -> str:
    stem = item.protocol.file_name().removesuffix(".pdf")
    return f"{stem}-vypiska-{item.position}.{extension}"


def protocol_extract_pdf(item: ProtocolItem) -> ExportFile:
    with translation.override(DOCUMENT_LANGUAGE):
        content = render_pdf("meetings/protocol_extract_pdf.html", extract_context(item))
    return _extract_name(item, "pdf"), PDF_MIMETYPE, content


def protocol_extract_docx(item: ProtocolItem) -> ExportFile:
    with translation.override(DOCUMENT_LANGUAGE):
        context = extract_context(item)
        doc = word.document(title=context["title"])
        _docx_organisation(doc, context)
        word.heading(doc, context["title"], level=0)
        word.paragraph(doc, context["body"], style="Centered", bold=True)
        word.columns(doc, [context["officers"][0]], [context["officers"][1]])
        word.paragraph(doc, context["present_line"])
        if context["agenda_row"] is not None:
            word.heading(doc, f"{_('ПОВЕСТКА ДНЯ')}:", level=2)
            word.paragraph(doc, context["agenda_row"].line)
        _docx_item(doc, context["item"], context["decided_label"])
        word.paragraph(doc)
        word.paragraph(doc, context["certified"])
        word.signatures(doc, [(_("Секретарь"), _signature_name(context["secretary_signature"]))])
        word.paragraph(doc, f"{context['issued_on']:%d.%m.%Y}")
        content = word.docx_bytes(doc)
    return _extract_name(item, "docx"), word.DOCX_MIMETYPE, content


# --- the sign-in sheet (лист регистрации) of a meeting -----------------------------------------
# Printed before the meeting and signed by each participant as they come: the members of the
# association in the meeting's year and its invited guests, alphabetically, with empty rows for
# those who come unannounced.

SIGN_IN_SPARE_ROWS = 5


@dataclass(frozen=True)
class SignInRow:
    number: int
    full_name: str  # «Волкова Анна Игоревна»; a guest as typed («Петров И.С.»)
    position: str  # «учитель, классный руководитель 6 «Б» класса, МБОУ СОШ № 1»


def _guest_key(guest) -> tuple[str, str, str]:
    return guest.full_name.lower().replace("ё", "е"), "", ""


def sign_in_context(meeting: Meeting) -> dict:
    """Everything the sign-in sheet shows, in a fixed number of queries whatever the number of
    people: 1. the members of the association in the meeting's year with their schools; 2. their
    classes that year; 3. the guests. The meeting comes with its association, school and
    district (meetings.selectors.meeting_for_sign_in)."""
    association = meeting.association
    year_classes = ClassAssignment.objects.filter(academic_year_id=meeting.academic_year_id).order_by(
        "grade", "letter"
    )
    members = [
        m.person
        for m in Membership.objects.filter(association_id=association.pk, academic_year_id=meeting.academic_year_id)
        .select_related("person__school")
        .prefetch_related(Prefetch("person__class_assignments", queryset=year_classes))
    ]
    entries = [
        (
            _name_key(person),
            person.full_name,
            ", ".join(
                part
                for part in (
                    _position_nominative(person, list(person.class_assignments.all())),
                    typeset(person.school.short_name) if person.school_id else "",
                )
                if part
            ),
        )
        for person in members
    ]
    entries += [(_guest_key(g), typeset(g.full_name), typeset(g.position)) for g in meeting.guests.all()]
    entries.sort(key=lambda entry: entry[0])
    rows = [
        SignInRow(number=number, full_name=name, position=position)
        for number, (_key, name, position) in enumerate(entries, start=1)
    ]
    if association.is_district:
        district = association.district
        organisation_lines = [n for n in (district.education_department, district.methodical_office) if n]
    else:
        organisation_lines = [association.school.name]
    starts, ends = timezone.localtime(meeting.starts_at), timezone.localtime(meeting.ends_at)
    return {
        "meeting": meeting,
        "association_name": association.name,
        "organisation_lines": organisation_lines,
        "kind": capfirst(meeting.get_kind_display()),
        "meeting_date": starts.date(),
        "time": f"{starts:%H:%M}–{ends:%H:%M}",
        "place": typeset(meeting.place) if meeting.place.strip() else "",
        "theme": quoted(meeting.theme) if meeting.theme.strip() else "",
        "rows": rows,
        "total": people_phrase(len(rows)),
        "spare_numbers": range(len(rows) + 1, len(rows) + 1 + SIGN_IN_SPARE_ROWS),
    }


def sign_in_sheet_pdf(meeting: Meeting) -> ExportFile:
    """(filename, mimetype, bytes) of the sign-in sheet, made on each request, never kept."""
    with translation.override(DOCUMENT_LANGUAGE):
        content = render_pdf("meetings/sign_in_sheet_pdf.html", sign_in_context(meeting))
    day = timezone.localtime(meeting.starts_at).date()
    return f"list-registracii-{meeting.pk}-{day:%Y-%m-%d}.pdf", PDF_MIMETYPE, content
