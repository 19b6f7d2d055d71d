"""The visit's editor: its fields (date, school, what was visited, who visited, the teacher whose
event it was, the event, purpose, findings) and its recommendations as rows (text, due date) in
one page, saved together by `services.visit_create` / `visit_update`.

The choices are read once per request (`VisitChoices`: the schools the user writes visits to,
their people, the visitors) and validated without a query (the editor kit's shared fields); the
rows are the kit's (`NumberedRowMixin`, `SharedChoicesFormSet`), so the page's query count does
not grow with its rows. The model's rules (the teacher of another school, a date outside any
academic year) come back from the service and are shown next to their fields.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django import forms
from django.db.models import Q
from django.forms.models import inlineformset_factory
from django.utils import timezone
from django.utils.translation import gettext as gettext_now
from django.utils.translation import gettext_lazy as _

from associations import access
from associations.access import User
from associations.models import Appointment, Association, Person, School
from associations.records.models import (
    FINDINGS_MAX_LENGTH,
    NOTE_MAX_LENGTH,
    RECOMMENDATION_MAX_LENGTH,
    TITLE_MAX_LENGTH,
    VISIT_MAX_RECOMMENDATIONS,
    Visit,
    VisitRecommendation,
)
from associations.records.visits.services import VISIT_FIELDS, recommendation_due_error
from rmo_portal.editors import (
    LAST_POSITION,
    FastSelect,
    InvalidFieldsMixin,
    NumberedRowMixin,
    SharedChoicesFormSet,
    SharedModelChoiceField,
)

# Blank rows offered below the recommendations, for typing without JavaScript.
EXTRA_ROWS = 2
SM = "form-control form-control-sm"
DATE_INPUT = {"type": "date"}


@dataclass
class VisitChoices:
    """The editor's choices, read once (three queries): the schools the user writes visits to,
    the people of those schools (the teacher whose event it was), the visitors (the districts'
    methodical office and РМО heads, the user, the visit's own visitor)."""

    schools: dict[int, School]
    school_choices: list
    people: dict[int, Person]
    people_choices: list
    visitors: dict[int, Person]
    visitor_choices: list

    @classmethod
    def for_user(cls, user: User, visit: Visit | None = None) -> VisitChoices:
        schools = [
            school
            for school in access.visible(user, "school", School.objects.select_related("district")).order_by(
                "district__name", "short_name"
            )
            if access.allows(user, "visit", Visit(school=school), "write")
        ]
        school_ids = [s.pk for s in schools]
        district_ids = {s.district_id for s in schools}
        several_districts = len(district_ids) > 1
        existing = visit is not None and visit.pk is not None

        people_q = Q(school_id__in=school_ids)
        if existing and visit.visited_person_id:
            people_q |= Q(pk=visit.visited_person_id)
        people = list(
            Person.objects.filter(people_q).select_related("school").order_by(
                "school__short_name", "last_name", "first_name", "patronymic", "pk"
            )
        )

        rmo_heads = Appointment.objects.in_office(timezone.localdate()).filter(
            role=Appointment.Role.HEAD, association__kind=Association.Kind.DISTRICT,
            association__district_id__in=district_ids,
        )
        me = access.roles_for(user).person
        visitors_q = Q(district_id__in=district_ids, school__isnull=True) | Q(pk__in=rmo_heads.values("person_id"))
        if me is not None:
            visitors_q |= Q(pk=me.pk)
        if existing:
            visitors_q |= Q(pk=visit.visitor_id)
        visitors = list(
            Person.objects.filter(visitors_q).select_related("school", "district").order_by(
                "last_name", "first_name", "patronymic", "pk"
            )
        )
        return cls(
            schools={s.pk: s for s in schools},
            school_choices=[
                (s.pk, f"{s.short_name} ({s.district.name})" if several_districts else s.short_name) for s in schools
            ],
            people={p.pk: p for p in people},
            people_choices=_grouped_by_school(people),
            visitors={p.pk: p for p in visitors},
            visitor_choices=[(p.pk, _visitor_label(p)) for p in visitors],
        )


def _grouped_by_school(people: list[Person]) -> list:
    groups: dict[str, list] = {}
    for person in people:
        label = person.school.short_name if person.school_id else gettext_now("Методический кабинет")
        groups.setdefault(str(label), []).append((person.pk, person.short_name))
    return list(groups.items())


def _visitor_label(person: Person) -> str:
    where = person.school.short_name if person.school_id else gettext_now("методический кабинет")
    return f"{person.short_name} ({where})"


class VisitForm(InvalidFieldsMixin, forms.Form):
    """The visit's own fields. An existing visit's page posts its `version` beside the form: the
    optimistic lock of `record_save`."""

    visited_on = forms.DateField(
        label=_("Дата посещения"), widget=forms.DateInput(attrs=DATE_INPUT, format="%Y-%m-%d"),
        error_messages={"required": _("Укажите дату посещения."), "invalid": _("Введите дату: 15.10.2025.")},
    )
    target = forms.ChoiceField(
        label=_("Что посещено"), choices=[("", "—"), *Visit.Target.choices],
        error_messages={"required": _("Выберите, что посещено.")},
    )
    event_title = forms.CharField(
        label=_("Мероприятие"), max_length=TITLE_MAX_LENGTH, required=False,
        help_text=_("Тема заседания или название мероприятия: «Классный час „Россия — наш общий дом“»."),
    )
    purpose = forms.CharField(
        label=_("Цель посещения"), max_length=NOTE_MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Укажите цель посещения.")},
    )
    findings = forms.CharField(
        label=_("Выводы"), max_length=FINDINGS_MAX_LENGTH, required=False, widget=forms.Textarea(attrs={"rows": 6}),
    )

    def __init__(self, *args, choices: VisitChoices, visit: Visit | None = None, default_visitor: Person | None = None,
                 **kwargs):
        existing = visit is not None and visit.pk is not None
        if existing and "initial" not in kwargs:
            kwargs["initial"] = {
                "visited_on": visit.visited_on, "school": visit.school_id, "target": visit.target,
                "visitor": visit.visitor_id, "visited_person": visit.visited_person_id,
                "event_title": visit.event_title, "purpose": visit.purpose, "findings": visit.findings,
            }
        elif not existing:
            initial = kwargs.setdefault("initial", {})
            if len(choices.schools) == 1:
                initial.setdefault("school", next(iter(choices.schools)))
            if default_visitor is not None and default_visitor.pk in choices.visitors:
                initial.setdefault("visitor", default_visitor.pk)
        super().__init__(*args, **kwargs)
        self.choices = choices
        self.fields["school"] = SharedModelChoiceField(
            objects=choices.schools, choices=[("", "—"), *choices.school_choices], label=_("Школа"),
            widget=FastSelect(attrs={"class": "form-select"}),
            error_messages={
                "required": _("Выберите школу."),
                "invalid_choice": _("Выберите школу из списка: посещения других школ вы не вносите."),
            },
        )
        self.fields["visitor"] = SharedModelChoiceField(
            objects=choices.visitors, choices=[("", "—"), *choices.visitor_choices], label=_("Кто посетил"),
            widget=FastSelect(attrs={"class": "form-select"}),
            error_messages={
                "required": _("Укажите, кто посетил."),
                "invalid_choice": _("Выберите из списка: методический кабинет или руководитель РМО района."),
            },
        )
        self.fields["visited_person"] = SharedModelChoiceField(
            objects=choices.people, choices=[("", "—"), *choices.people_choices], label=_("Чьё мероприятие"),
            required=False, help_text=_("Педагог школы, чьё мероприятие посещено (если есть)."),
            widget=FastSelect(attrs={"class": "form-select"}),
            error_messages={"invalid_choice": _("Выберите педагога из списка.")},
        )
        self.order_fields(
            ["visited_on", "school", "target", "visitor", "visited_person", "event_title", "purpose", "findings"]
        )

    def values(self) -> dict:
        return {name: self.cleaned_data[name] for name in VISIT_FIELDS}


# --- the recommendations ------------------------------------------------------------------------


class RecommendationForm(NumberedRowMixin, InvalidFieldsMixin, forms.ModelForm):
    class Meta:
        model = VisitRecommendation
        fields = ["position", "text", "due_on"]
        widgets = {
            "position": forms.NumberInput(attrs={"class": f"{SM} row-position", "min": 1}),
            "text": forms.Textarea(attrs={"rows": 2, "class": f"{SM} recommendation-text"}),
            "due_on": forms.DateInput(attrs={**DATE_INPUT, "class": SM}, format="%Y-%m-%d"),
        }
        error_messages = {
            "text": {"required": _("Напишите текст рекомендации.")},
            "due_on": {"invalid": _("Введите дату: 15.10.2025.")},
        }

    def __init__(self, *args, choices=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["position"].required = False
        self.fields["text"].max_length = RECOMMENDATION_MAX_LENGTH

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("position") is None:
            cleaned["position"] = LAST_POSITION
        return cleaned

    def _get_validation_exclusions(self):
        # The rows are numbered 1..n by the service (`visit_create`, `visit_update`): two rows
        # may ask for the same number, and the unique (visit, position) is not the form's to check
        # (nor worth a query per row).
        return {*super()._get_validation_exclusions(), "visit"}

    def validate_unique(self):
        pass


class BaseRecommendationFormSet(SharedChoicesFormSet):
    """The visit's recommendations; `visited_on` (set by the view from the visit's form) lets a
    row's due date be checked against the visit's date next to the row."""

    default_error_messages = {
        "too_many_forms": _("У посещения не может быть больше %(num)d рекомендаций."),
    }
    visited_on: datetime.date | None = None

    def validate_unique(self):
        pass  # see RecommendationForm._get_validation_exclusions

    def clean(self):
        super().clean()
        for form in self.forms:
            if not hasattr(form, "cleaned_data") or form in self.deleted_forms or not form.has_changed():
                continue
            error = recommendation_due_error(visited_on=self.visited_on, due_on=form.cleaned_data.get("due_on"))
            if error:
                form.add_error("due_on", error)


RecommendationFormSet = inlineformset_factory(
    Visit,
    VisitRecommendation,
    form=RecommendationForm,
    formset=BaseRecommendationFormSet,
    extra=EXTRA_ROWS,
    can_delete=True,
    max_num=VISIT_MAX_RECOMMENDATIONS,
    validate_max=True,
)


def recommendation_formset(visit: Visit, data=None, *, rows: list[VisitRecommendation],
                           visited_on: datetime.date | None = None) -> BaseRecommendationFormSet:
    """The editor's rows: the visit's recommendations (`rows`, read by the selector), then
    EXTRA_ROWS blank rows numbered on from the last."""
    formset = RecommendationFormSet(data, instance=visit, prefix="recs", choices=None, rows=rows)
    formset.visited_on = visited_on if visited_on is not None else visit.visited_on
    formset.initial_extra = [{"position": len(rows) + i} for i in range(1, EXTRA_ROWS + 1)]
    return formset


# --- the school's follow-up mark ------------------------------------------------------------------


class RecommendationMarkForm(InvalidFieldsMixin, forms.Form):
    """The school's mark on one recommendation: when it was carried out, and a note. The rules
    (not before the visit, not in the future) are the service's; its errors land on these fields."""

    done_on = forms.DateField(
        label=_("Выполнено"), widget=forms.DateInput(attrs={**DATE_INPUT, "class": SM}, format="%Y-%m-%d"),
        error_messages={"required": _("Укажите дату выполнения."), "invalid": _("Введите дату: 15.10.2025.")},
    )
    done_note = forms.CharField(
        label=_("Отметка школы"), required=False, max_length=NOTE_MAX_LENGTH,
        widget=forms.TextInput(attrs={"class": SM, "placeholder": _("Что сделано")}),
    )

    def __init__(self, *args, recommendation: VisitRecommendation, **kwargs):
        kwargs.setdefault("prefix", f"mark-{recommendation.pk}")
        kwargs.setdefault("initial", {"done_on": timezone.localdate(), "done_note": recommendation.done_note})
        super().__init__(*args, **kwargs)
        self.recommendation = recommendation
