"""Forms of meetings and protocols: the meeting with its agenda and guests, the attendance
sheet, the protocol's editor (header, questions, decisions of each question), cancel and sign.

Choices are read once per request (`MeetingChoices`, `ProtocolChoices`) and every row of every
formset shares them, as the plan editor does (associations/plans/forms.py): the editor's query
count stays the same with 3 or 30 rows.
"""

from __future__ import annotations

import datetime
import re
from collections import defaultdict
from dataclasses import dataclass

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.forms.models import inlineformset_factory
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from associations.files.forms import UploadField
from associations.models import LATE_AUGUST_DAY, SCAN_TYPES, AcademicYear, Appointment, Association, Person, PlanItem
from associations.selectors import choices_of_people, pickable_people
from meetings.models import (
    ITEM_MAX_DECISIONS,
    NOTE_MAX_LENGTH,
    PROTOCOL_MAX_ITEMS,
    AgendaItem,
    Attendance,
    Decision,
    Guest,
    Meeting,
    Protocol,
    ProtocolItem,
)
from meetings.services import academic_year_proposed_for
from rmo_portal.editors import (
    LAST_POSITION,
    ExistingItemField,
    FastSelect,
    InvalidFieldsMixin,
    NumberedRowMixin,
    Row,
    SharedChoicesFormSet,
    SharedModelChoiceField,
    SharedModelMultipleChoiceField,
    formset_rows,
)
from rmo_portal.pickers import PickerList, PickerSelect, PickerSelectMultiple, people_search_url

AGENDA_EXTRA = 2
GUEST_EXTRA = 1
ITEM_EXTRA = 1
DECISION_EXTRA = 1

SM = "form-control form-control-sm"
SELECT_SM = "form-select form-select-sm"
DATE_WIDGET = forms.DateInput(attrs={"type": "date", "class": SM}, format="%Y-%m-%d")

# «О подготовке …», «Об итогах …», «Обо всём …»: the agenda's questions start so (the
# protocol's conventions, see domain/russian-documents.md §1).
AGENDA_TITLE = re.compile(r"^(?:О|Об|Обо)\s+\S", re.IGNORECASE)


def agenda_title_ok(title: str) -> bool:
    return bool(AGENDA_TITLE.match(title.strip()))


class RowField(ExistingItemField):
    """The hidden id of an existing row (agenda question, guest, protocol question, decision)."""

    default_error_messages = {
        "invalid_choice": _(
            "Эту строку уже удалил другой пользователь. Если она нужна, перенесите текст в новую строку."
        ),
    }


def association_people(
    association: Association, *, also: Q | None = None, academic_year: AcademicYear | None = None,
) -> list[Person]:
    """The people the association's records may name (associations.selectors.pickable_people):
    the school's, or for the РМО the whole district; or, given `academic_year`, the РМО's
    members, officers and methodical office of that year. One query."""
    return pickable_people(
        association, academic_year=academic_year, also=also, whole_district=academic_year is None
    )


class _RowFormSet(SharedChoicesFormSet):
    """The meetings' editors' rows; rows without a number are numbered on."""

    id_field = RowField

    def kept_forms(self) -> list:
        """The forms that will be saved: existing rows not deleted, and new rows filled in."""
        return [
            f for f in self.forms
            if not (self.can_delete and self._should_delete_form(f))
            and (f.instance.pk is not None or f.has_changed())
        ]

    def clean(self):
        super().clean()
        if any(self.errors):
            return
        kept = self.kept_forms()
        numbered = [f.instance.position for f in kept if f.instance.position != LAST_POSITION]
        following = max(numbered, default=0)
        for form in kept:
            if form.instance.position == LAST_POSITION:
                following += 1
                form.instance.position = following


class _RowForm(NumberedRowMixin, InvalidFieldsMixin, forms.ModelForm):
    def clean(self):
        cleaned = super().clean()
        if "position" in self.fields and cleaned.get("position") is None:
            cleaned["position"] = LAST_POSITION
        return cleaned


# --- the meeting ------------------------------------------------------------------------------


@dataclass
class MeetingChoices:
    """The meeting form's choices, read once: academic years, the association's plan items of
    the years around the meeting, and the association's people for the speakers."""

    association: Association
    years: dict[int, AcademicYear]
    year_choices: list
    plan_items: dict[int, PlanItem]
    plan_item_choices: list
    people: dict[int, Person]
    people_choices: list

    @cached_property
    def people_list(self) -> PickerList:
        return PickerList(self.people_choices)

    @classmethod
    def for_meeting(cls, association: Association, meeting: Meeting | None = None) -> MeetingChoices:
        years = list(AcademicYear.objects.order_by("-start_year"))
        current = AcademicYear.start_year_for(timezone.localdate())
        near = [current - 1, current, current + 1]
        items_q = Q(plan__association=association, plan__academic_year__start_year__in=near)
        if meeting is not None and meeting.pk:
            items_q |= Q(plan__association=association, plan__academic_year_id=meeting.academic_year_id)
            if meeting.plan_item_id:
                items_q |= Q(pk=meeting.plan_item_id)
        plan_items = list(
            PlanItem.objects.filter(items_q)
            .select_related("plan__academic_year")
            .order_by("-plan__academic_year__start_year", "position", "pk")
        )
        speakers = None
        if meeting is not None and meeting.pk:
            speakers = Q(pk__in=AgendaItem.speakers.through.objects.filter(agendaitem__meeting=meeting).values(
                "person_id"
            ))
        people = association_people(association, also=speakers)

        groups: dict[str, list] = {}
        for item in plan_items:
            label = gettext("План на %(year)s") % {"year": item.plan.academic_year}
            text = item.content if len(item.content) <= 90 else item.content[:88] + "…"
            groups.setdefault(label, []).append((item.pk, f"{item.position}. {text}"))
        return cls(
            association=association,
            years={y.pk: y for y in years},
            year_choices=[("", _("по дате заседания")), *((y.pk, str(y)) for y in years)],
            plan_items={i.pk: i for i in plan_items},
            plan_item_choices=[("", "—"), *groups.items()],
            people={p.pk: p for p in people},
            people_choices=choices_of_people(people, association=association),
        )

    def speakers_field(self) -> forms.Field:
        return SharedModelMultipleChoiceField(
            objects=self.people, choices=self.people_choices, label=_("Докладчики"), required=False,
            error_messages={"invalid_choice": _("Выбран педагог не из этого объединения.")},
            widget=PickerSelectMultiple(
                attrs={"class": f"{SELECT_SM} agenda-speakers"}, shared=self.people_list,
                search_url=people_search_url(self.association.pk, whole_district=True),
            ),
        )


def year_note(day: datetime.date | None) -> str:
    """What the form says about the year a date proposes: a meeting in the last days of August
    belongs to the coming year, and the form says so."""
    if day is None:
        return ""
    start = AcademicYear.proposed_start_year_for(day)
    year = f"{start}/{start + 1}"
    if AcademicYear.is_late_august(day):
        return gettext(
            "Учебный год по дате: %(year)s — заседание в конце августа относится к следующему учебному году."
        ) % {"year": year}
    return gettext("Учебный год по дате: %(year)s.") % {"year": year}


class MeetingForm(InvalidFieldsMixin, forms.ModelForm):
    """The meeting's own fields. The date and the time are two inputs; `academic_year` left
    blank is proposed from the date (`services.academic_year_proposed_for`). `version` is the
    meeting's version when the form was opened: the optimistic lock of `meeting_save`."""

    date = forms.DateField(label=_("Дата"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    time = forms.TimeField(
        label=_("Время начала"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        initial=datetime.time(15, 0),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0, required=False)
    academic_year = forms.Field(required=False)
    plan_item = forms.Field(required=False)

    class Meta:
        model = Meeting
        fields = ["kind", "theme", "duration_minutes", "place", "academic_year", "plan_item"]
        widgets = {"theme": forms.Textarea(attrs={"rows": 2})}
        error_messages = {"theme": {"required": _("Укажите тему.")}}

    def __init__(self, *args, choices: MeetingChoices, **kwargs):
        super().__init__(*args, **kwargs)
        self.choices = choices
        self.fields["academic_year"] = SharedModelChoiceField(
            objects=choices.years, choices=choices.year_choices, label=_("Учебный год"), required=False,
            help_text=_("Заседание в конце августа (с %(day)d-го) относится к следующему учебному году.")
            % {"day": LATE_AUGUST_DAY},
            widget=FastSelect(attrs={"class": "form-select", "data-year-select": ""}),
        )
        self.fields["plan_item"] = SharedModelChoiceField(
            objects=choices.plan_items, choices=choices.plan_item_choices, label=_("Пункт плана"), required=False,
            help_text=_("Пункт плана объединения на этот учебный год, который проводится этим заседанием."),
            error_messages={"invalid_choice": _("Такого пункта в плане объединения нет.")},
            widget=FastSelect(attrs={"class": "form-select"}),
        )
        self.fields["date"].widget.attrs.update(
            {"data-year-date": "", "data-late-august-day": str(LATE_AUGUST_DAY)}
        )
        if self.instance.pk and not self.is_bound:
            local = timezone.localtime(self.instance.starts_at)
            self.initial.update({"date": local.date(), "time": local.time().replace(second=0, microsecond=0)})
            self.fields["version"].initial = self.instance.version

    @property
    def year_note(self) -> str:
        value = self["date"].value()
        if isinstance(value, str):
            try:
                value = datetime.date.fromisoformat(value)
            except ValueError:
                try:
                    value = datetime.datetime.strptime(value, "%d.%m.%Y").date()
                except ValueError:
                    value = None
        return year_note(value if isinstance(value, datetime.date) else None)

    def clean(self):
        """The date and time make `starts_at`; a blank year is proposed from the date. The year's
        rules are the model's (`Meeting.clean`, run by the form's model validation)."""
        cleaned = super().clean()
        day, time = cleaned.get("date"), cleaned.get("time")
        if day is None or time is None:
            return cleaned
        starts_at = timezone.make_aware(datetime.datetime.combine(day, time))
        self.instance.starts_at = starts_at
        cleaned["starts_at"] = starts_at
        if cleaned.get("academic_year") is None and "academic_year" not in self.errors:
            try:
                cleaned["academic_year"] = academic_year_proposed_for(day=day)
            except ValidationError as error:
                self.add_error("date", error.messages)
        return cleaned

    def values(self) -> dict:
        """What `services.meeting_create` and `services.meeting_save` take."""
        data = self.cleaned_data
        return {
            "kind": data["kind"], "theme": data["theme"], "starts_at": data["starts_at"],
            "duration_minutes": data["duration_minutes"], "place": data["place"],
            "academic_year": data["academic_year"], "plan_item": data["plan_item"],
        }


class AgendaItemForm(_RowForm):
    class Meta:
        model = AgendaItem
        fields = ["position", "title", "speakers", "guest_speakers"]
        widgets = {
            "position": forms.NumberInput(attrs={"class": f"{SM} row-position", "min": 1}),
            "title": forms.Textarea(attrs={"rows": 2, "class": f"{SM} agenda-title"}),
            "guest_speakers": forms.TextInput(attrs={"class": SM}),
        }
        error_messages = {"title": {"required": _("Сформулируйте вопрос повестки.")}}

    speakers = forms.Field(required=False)  # replaced by the shared choices

    def __init__(self, *args, choices: MeetingChoices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["position"].required = False
        self.fields["speakers"] = choices.speakers_field()
        self.fields["guest_speakers"].help_text = _("Фамилия И.О., должность — если докладывает приглашённый.")

    def clean_title(self):
        title = " ".join(self.cleaned_data["title"].split())
        if not agenda_title_ok(title):
            raise ValidationError(
                _("Вопрос повестки начинается с «О», «Об» или «Обо»: «О подготовке к …», «Об итогах …»."),
                code="agenda_title",
            )
        return title[0].upper() + title[1:]


class GuestForm(_RowForm):
    class Meta:
        model = Guest
        fields = ["full_name", "position"]
        widgets = {
            "full_name": forms.TextInput(attrs={"class": SM, "placeholder": _("Петрова Е.Н.")}),
            "position": forms.TextInput(attrs={"class": SM, "placeholder": _("заместитель директора по ВР")}),
        }
        error_messages = {"full_name": {"required": _("Укажите фамилию и инициалы.")}}

    def __init__(self, *args, choices=None, **kwargs):
        super().__init__(*args, **kwargs)


class BaseAgendaFormSet(_RowFormSet):
    pass


class BaseGuestFormSet(_RowFormSet):
    def clean(self):
        # Guests have no numbers.
        super(_RowFormSet, self).clean()


AgendaFormSet = inlineformset_factory(
    Meeting, AgendaItem, form=AgendaItemForm, formset=BaseAgendaFormSet, extra=AGENDA_EXTRA,
    can_delete=True, max_num=PROTOCOL_MAX_ITEMS, validate_max=True,  # each question becomes one of the protocol
)
GuestFormSet = inlineformset_factory(
    Meeting, Guest, form=GuestForm, formset=BaseGuestFormSet, extra=GUEST_EXTRA,
    can_delete=True, max_num=50, validate_max=True,
)


def agenda_formset(meeting: Meeting, data=None, *, choices: MeetingChoices) -> BaseAgendaFormSet:
    rows = meeting_rows_agenda(meeting)
    formset = AgendaFormSet(data, instance=meeting, prefix="agenda", choices=choices, rows=rows)
    formset.initial_extra = [{"position": len(rows) + i} for i in range(1, AGENDA_EXTRA + 1)]
    return formset


def meeting_rows_agenda(meeting: Meeting) -> list[AgendaItem]:
    if meeting.pk is None:
        return []
    return list(meeting.agenda.prefetch_related("speakers").order_by("position", "pk"))


def guest_formset(meeting: Meeting, data=None) -> BaseGuestFormSet:
    rows = list(meeting.guests.order_by("full_name", "pk")) if meeting.pk else []
    return GuestFormSet(data, instance=meeting, prefix="guests", choices=None, rows=rows)


class CancelForm(forms.Form):
    reason = forms.CharField(
        label=_("Причина отмены"), max_length=300,
        widget=forms.TextInput(attrs={"placeholder": _("Например: карантин по гриппу")}),
        error_messages={"required": _("Укажите причину отмены.")},
    )


# --- attendance -------------------------------------------------------------------------------

PRESENT, ABSENT = "1", "0"


class AttendanceRowForm(InvalidFieldsMixin, forms.Form):
    """One person's mark. `person` is their id among the sheet's people (no query per row)."""

    person = forms.Field(widget=forms.HiddenInput)
    present = forms.ChoiceField(
        choices=[(PRESENT, _("присутствовал(а)")), (ABSENT, _("отсутствовал(а)"))],
        error_messages={"required": _("Отметьте: присутствовал(а) или отсутствовал(а).")},
    )
    absence_reason = forms.CharField(
        label=_("Причина отсутствия"), required=False, max_length=200,
        widget=forms.TextInput(attrs={"class": f"{SM} attendance-reason", "placeholder": _("больничный лист")}),
    )

    def __init__(self, *args, people: dict[int, Person], **kwargs):
        super().__init__(*args, **kwargs)
        self.people = people
        self.fields["person"] = RowField(objects=people, widget=forms.HiddenInput)
        self.fields["person"].required = True

    @property
    def person_obj(self) -> Person | None:
        value = self["person"].value()
        try:
            return self.people.get(int(getattr(value, "pk", value)))
        except (TypeError, ValueError):
            return None

    @property
    def is_absent(self) -> bool:
        return str(self["present"].value()) == ABSENT

    @property
    def is_present(self) -> bool:
        return str(self["present"].value()) == PRESENT

    def clean(self):
        cleaned = super().clean()
        mark = Attendance(present=cleaned.get("present") != ABSENT, absence_reason=cleaned.get("absence_reason", ""))
        try:
            mark.clean()  # the rule is the model's
        except ValidationError as error:
            self.add_error(None, error)
        return cleaned

    def row(self) -> dict:
        data = self.cleaned_data
        present = data["present"] == PRESENT
        reason = "" if present else data["absence_reason"]
        return {"person": data["person"], "present": present, "absence_reason": reason}


class BaseAttendanceFormSet(forms.BaseFormSet):
    """The sheet: one row per person of the sheet, every member of the year among them. A row is
    never «empty» (a crafted POST that calls every row extra must still mark them), and a POST
    that leaves out a member is refused: present + absent always equals the members."""

    def __init__(self, *args, people: dict[int, Person], members: set[int] = frozenset(), **kwargs):
        self.people = people
        self.members = set(members)
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index):
        return {**super().get_form_kwargs(index), "people": self.people}

    def _construct_form(self, i, **kwargs):
        return super()._construct_form(i, **{**kwargs, "empty_permitted": False, "use_required_attribute": False})

    def clean(self):
        if any(self.errors):
            return
        posted = {form.cleaned_data["person"].pk for form in self.forms}
        left_out = [self.people[pk] for pk in self.members - posted]
        if left_out:
            raise ValidationError(
                _("В листе нет: %(names)s. Откройте страницу заново и отметьте всех членов объединения.")
                % {"names": ", ".join(sorted(p.short_name for p in left_out))}
            )
        seen = set()
        for form in self.forms:
            person = form.cleaned_data.get("person") if hasattr(form, "cleaned_data") else None
            if person is None:
                continue
            if person.pk in seen:
                raise ValidationError(_("%(name)s отмечен(а) дважды.") % {"name": person.short_name})
            seen.add(person.pk)

    def rows(self) -> list[dict]:
        return [form.row() for form in self.forms]


AttendanceFormSet = forms.formset_factory(
    AttendanceRowForm, formset=BaseAttendanceFormSet, extra=0, max_num=1000, validate_max=True
)


def _initial_mark(row, sheet) -> str | None:
    """A marked row shows its mark; before the sheet is first saved everyone is proposed present;
    a member added after that appears unmarked, to be marked on purpose."""
    if row.recorded:
        return PRESENT if row.present else ABSENT
    return None if sheet.recorded else PRESENT


def attendance_formset(sheet, data=None) -> BaseAttendanceFormSet:
    people = {row.person.pk: row.person for row in sheet.rows}
    initial = [
        {"person": row.person.pk, "present": _initial_mark(row, sheet), "absence_reason": row.absence_reason}
        for row in sheet.rows
    ]
    members = {row.person.pk for row in sheet.rows if row.member}
    return AttendanceFormSet(data, initial=initial, prefix="att", people=people, members=members)


# --- the protocol -----------------------------------------------------------------------------


@dataclass
class ProtocolChoices:
    """The protocol editor's choices, read once: the association's people (chair, secretary,
    speakers, responsible), the meeting's agenda, the current head and secretary (proposed as
    chair and secretary of a new protocol)."""

    people: dict[int, Person]
    people_choices: list
    agenda: dict[int, AgendaItem]
    agenda_choices: list
    head_id: int | None
    secretary_id: int | None
    search_url: str | None = None

    @cached_property
    def people_list(self) -> PickerList:
        return PickerList(self.people_choices)

    @classmethod
    def for_protocol(cls, protocol: Protocol, *, whole_district: bool = False) -> ProtocolChoices:
        association = protocol.association
        meeting = protocol.meeting
        today = timezone.localtime(meeting.starts_at).date()
        appointments = {
            role: person_id
            for role, person_id in Appointment.objects.in_office(today)
            .filter(association=association)
            .order_by("starts_on")
            .values_list("role", "person_id")
        }
        chosen = [pk for pk in (protocol.chair_id, protocol.secretary_id, *appointments.values()) if pk]
        also = (
            Q(pk__in=chosen)
            | Q(pk__in=ProtocolItem.objects.filter(protocol=protocol).values("heard_person_id"))
            | Q(pk__in=Decision.objects.filter(protocol_item__protocol=protocol).values("responsible_id"))
        )
        people = association_people(
            association, also=also, academic_year=None if whole_district else protocol.academic_year
        )
        agenda = list(meeting.agenda.prefetch_related("speakers").order_by("position", "pk"))
        return cls(
            people={p.pk: p for p in people},
            people_choices=choices_of_people(people, association=association),
            agenda={a.pk: a for a in agenda},
            agenda_choices=[("", "—"), *((a.pk, str(a)[:120]) for a in agenda)],
            head_id=appointments.get(Appointment.Role.HEAD),
            secretary_id=appointments.get(Appointment.Role.SECRETARY),
            search_url=people_search_url(
                association.pk, year_pk=protocol.academic_year_id, whole_district=whole_district
            ),
        )

    def person_field(self, label, *, required=False, css="", **kwargs) -> forms.Field:
        return SharedModelChoiceField(
            objects=self.people, choices=[("", "—"), *self.people_choices], label=label, required=required,
            error_messages={
                "invalid_choice": _("Выбран педагог не из этого объединения."),
                **kwargs.pop("error_messages", {}),
            },
            widget=PickerSelect(
                attrs={"class": f"{SELECT_SM} {css}".strip()}, shared=self.people_list, search_url=self.search_url,
            ),
            **kwargs,
        )


class ProtocolHeaderForm(InvalidFieldsMixin, forms.ModelForm):
    """The protocol's header. The version the editor was opened at is read by the view (the
    optimistic lock of `services.protocol_save`)."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0, required=False)
    chair = forms.Field(required=False)
    secretary = forms.Field(required=False)

    class Meta:
        model = Protocol
        fields = ["chair", "secretary", "decided_label"]
        widgets = {"decided_label": forms.RadioSelect}

    def __init__(self, *args, choices: ProtocolChoices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["chair"] = choices.person_field(_("Председатель"))
        self.fields["secretary"] = choices.person_field(_("Секретарь"))
        self.fields["decided_label"].label = _("Раздел решений называется")
        if not self.is_bound:
            self.fields["version"].initial = self.instance.version
            if self.instance.chair_id is None and choices.head_id in choices.people:
                self.initial["chair"] = choices.head_id
            if self.instance.secretary_id is None and choices.secretary_id in choices.people:
                self.initial["secretary"] = choices.secretary_id


VOTE_WIDGET = {"class": f"{SM} vote-input", "min": 0}


class ProtocolItemForm(_RowForm):
    class Meta:
        model = ProtocolItem
        fields = [
            "position", "agenda_item", "heard_person", "heard_name", "heard", "spoke", "decided",
            "votes_for", "votes_against", "votes_abstained",
        ]
        widgets = {
            "position": forms.NumberInput(attrs={"class": f"{SM} row-position", "min": 1}),
            "heard_name": forms.TextInput(attrs={"class": SM}),
            "heard": forms.Textarea(attrs={"rows": 3, "class": SM}),
            "spoke": forms.Textarea(attrs={"rows": 2, "class": SM}),
            "decided": forms.Textarea(attrs={"rows": 3, "class": SM}),
            "votes_for": forms.NumberInput(attrs=VOTE_WIDGET),
            "votes_against": forms.NumberInput(attrs=VOTE_WIDGET),
            "votes_abstained": forms.NumberInput(attrs=VOTE_WIDGET),
        }

    agenda_item = forms.Field(required=False)
    heard_person = forms.Field(required=False)

    def __init__(self, *args, choices: ProtocolChoices, present: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.present = present
        self.fields["position"].required = False
        self.fields["agenda_item"] = SharedModelChoiceField(
            objects=choices.agenda, choices=choices.agenda_choices, label=_("Вопрос повестки"), required=False,
            error_messages={"invalid_choice": _("Такого вопроса в повестке нет.")},
            widget=FastSelect(attrs={"class": SELECT_SM}),
        )
        self.fields["heard_person"] = choices.person_field(_("СЛУШАЛИ: докладчик"))
        self.fields["heard_name"].label = _("как в протоколе (необязательно)")
        self.fields["heard_name"].help_text = _("Например: «Соколову М.Ю., классного руководителя 6 «Б» класса».")
        self.fields["votes_for"].label = _("«за»")
        self.fields["votes_against"].label = _("«против»")
        self.fields["votes_abstained"].label = _("«воздержались»")
        for name in ("votes_for", "votes_against", "votes_abstained"):
            self.fields[name].widget.attrs["data-present"] = str(present)
        if not self.is_bound and self.instance.pk and self.instance.heard_person_id is None:
            # The question's first speaker, as the agenda has them.
            agenda = choices.agenda.get(self.instance.agenda_item_id)
            speakers = list(agenda.speakers.all()) if agenda else []
            if speakers and speakers[0].pk in choices.people:
                self.initial["heard_person"] = speakers[0].pk

    def clean(self):
        cleaned = super().clean()
        votes = ProtocolItem(**{n: cleaned.get(n) for n in ("votes_for", "votes_against", "votes_abstained")})
        message = votes.votes_error(self.present)  # the rule is the model's
        if message:
            self.add_error("votes_for", message)
        return cleaned

    @property
    def vote_errors(self) -> list[str]:
        return [e for n in ("votes_for", "votes_against", "votes_abstained") for e in self.errors.get(n, [])]


class BaseProtocolItemFormSet(_RowFormSet):
    def __init__(self, *args, present: int, **kwargs):
        self.present = present
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index):
        return {**super().get_form_kwargs(index), "present": self.present}


ProtocolItemFormSet = inlineformset_factory(
    Protocol, ProtocolItem, form=ProtocolItemForm, formset=BaseProtocolItemFormSet, extra=ITEM_EXTRA,
    can_delete=True, max_num=PROTOCOL_MAX_ITEMS, validate_max=True,
)


class DecisionForm(InvalidFieldsMixin, forms.ModelForm):
    class Meta:
        model = Decision
        fields = ["text", "responsible", "due_on"]
        widgets = {
            "text": forms.Textarea(attrs={"rows": 2, "class": SM}),
            "due_on": DATE_WIDGET,
        }
        error_messages = {
            "text": {"required": _("Напишите, что решили.")},
            "due_on": {"required": _("Укажите срок.")},
        }

    responsible = forms.Field()

    def __init__(self, *args, choices: ProtocolChoices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["responsible"] = choices.person_field(
            _("Ответственный"), required=True, error_messages={"required": _("Укажите ответственного.")}
        )


class BaseDecisionFormSet(_RowFormSet):
    def clean(self):
        super(_RowFormSet, self).clean()  # decisions have no numbers of their own


DecisionFormSet = inlineformset_factory(
    ProtocolItem, Decision, form=DecisionForm, formset=BaseDecisionFormSet, extra=DECISION_EXTRA,
    can_delete=True, max_num=ITEM_MAX_DECISIONS, validate_max=True,
)

DECISION_TEMPLATE_PREFIX = "dec-__item__"
#: The decisions of a question not saved yet: dec-new-<the question's index in the formset>.
NEW_DECISIONS_PREFIX = "dec-new-"


class ProtocolEditor:
    """The whole editor: header, questions, and one decisions formset per question: prefix
    dec-<question id> for a saved one, dec-new-<form index> for a new one (its decisions are
    saved with it). Eight queries, whatever the protocol's size."""

    def __init__(self, protocol: Protocol, data=None, *, present: int, whole_district: bool = False):
        self.protocol = protocol
        self.present = present
        self.choices = ProtocolChoices.for_protocol(protocol, whole_district=whole_district)
        self.header = ProtocolHeaderForm(data, instance=protocol, choices=self.choices)
        items = list(protocol.items.order_by("position", "pk"))
        self.items = ProtocolItemFormSet(
            data, instance=protocol, prefix="items", choices=self.choices, rows=items, present=present
        )
        self.items.initial_extra = [{"position": len(items) + i} for i in range(1, ITEM_EXTRA + 1)]
        by_item: dict[int, list] = defaultdict(list)
        for decision in Decision.objects.filter(protocol_item__protocol=protocol).order_by("due_on", "pk"):
            by_item[decision.protocol_item_id].append(decision)
        self.decisions = {
            item.pk: DecisionFormSet(
                data, instance=item, prefix=f"dec-{item.pk}", choices=self.choices, rows=by_item[item.pk]
            )
            for item in items
        }
        for index, form in enumerate(self.items.forms):
            if form.instance.pk is not None:
                form.decisions = self.decisions.get(form.instance.pk)
            else:
                form.decisions = self._new_decisions(form, f"{NEW_DECISIONS_PREFIX}{index}", data)

    def _new_decisions(self, form, prefix: str, data):
        """The decisions of a new question, bound to the question's own (unsaved) instance: the
        item formset saves it first, then these are saved under it. A page posted without them
        (an older page) simply has none."""
        if data is not None and f"{prefix}-TOTAL_FORMS" not in data:
            return None
        return DecisionFormSet(data, instance=form.instance, prefix=prefix, choices=self.choices, rows=[])

    @cached_property
    def new_item_template(self):
        """The blank question the page clones for «Добавить вопрос», with its decisions."""
        form = self.items.empty_form
        form.decisions = self._new_decisions(form, f"{NEW_DECISIONS_PREFIX}__prefix__", None)
        return form

    @cached_property
    def decision_template(self):
        formset = DecisionFormSet(
            instance=ProtocolItem(), prefix=DECISION_TEMPLATE_PREFIX, choices=self.choices, rows=[]
        )
        return formset.empty_form

    def _deleted(self, form) -> bool:
        return self.items.can_delete and self.items._should_delete_form(form)

    def _new_forms(self) -> list:
        """The new questions the page sent decisions for, unless marked for deletion."""
        return [
            f for f in self.items.forms
            if f.instance.pk is None and f.decisions is not None and not self._deleted(f)
        ]

    def is_valid(self) -> bool:
        valid = self.header.is_valid()
        valid = self.items.is_valid() and valid
        deleted = {f.instance.pk for f in self.items.deleted_forms} if self.items.is_bound else set()
        for pk, formset in self.decisions.items():
            if pk not in deleted:
                valid = formset.is_valid() and valid
        for form in self._new_forms():
            if form.has_changed():
                valid = form.decisions.is_valid() and valid
            elif any(d.has_changed() for d in form.decisions.forms):
                # Decisions typed under a question left blank: say so rather than drop them.
                form.add_error(None, _("Запишите вопрос, к которому относятся решения, или удалите решения."))
                valid = False
        return valid

    def header_values(self) -> dict:
        """What `services.protocol_save` takes for the header."""
        return {name: self.header.cleaned_data[name] for name in ("chair", "secretary", "decided_label")}

    def item_rows(self) -> list[Row]:
        """The questions to save, each with its decisions (`Row.children["decisions"]`), for
        `services.protocol_save`; a deleted question takes its decisions with it."""
        return formset_rows(
            self.items, children=lambda form: {"decisions": formset_rows(form.decisions)} if form.decisions else {}
        )

    def bad_rows(self) -> int:
        count = sum(1 for e in self.items.errors if e) + bool(self.items.non_form_errors())
        deleted = {f.instance.pk for f in self.items.deleted_forms} if self.items.is_bound else set()
        count += sum(
            1 for pk, fs in self.decisions.items() if pk not in deleted for e in fs.errors if e
        )
        count += sum(1 for f in self._new_forms() if f.has_changed() for e in f.decisions.errors if e)
        return count


class SignForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("Протокол проверен: после подписания его нельзя изменить"),
        error_messages={"required": _("Подтвердите, что протокол проверен.")},
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )
    votes_confirmed = forms.BooleanField(
        label=_("Голосов меньше, чем присутствовало, — подсчёт проверен"),
        required=False,
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )


# --- decisions under control ---------------------------------------------------------------


class DecisionDoneForm(forms.Form):
    """What meetings/decision_done_form.html posts (written out there: one form per row, each
    with its own field ids). An empty date means today."""

    done_on = forms.DateField(label=_("Дата выполнения"), required=False)
    note = forms.CharField(label=_("Что сделано"), required=False, max_length=NOTE_MAX_LENGTH)


# --- files beside the protocol ------------------------------------------------------------------


class ProtocolScanForm(InvalidFieldsMixin, forms.Form):
    """The scan of the signed protocol on paper: PDF, JPEG or PNG (the file module checks the
    content and the size next to the field; nothing is stored until the service runs)."""

    file = UploadField(
        label=_("Скан подписанного протокола"), allowed=SCAN_TYPES,
        widget=forms.FileInput(attrs={"class": "form-control form-control-sm"}),
    )


class DecisionFileForm(forms.Form):
    """A result of a decision (written out in meetings/decision_files.html: one form per row)."""

    file = UploadField(label=_("Файл результата"))
