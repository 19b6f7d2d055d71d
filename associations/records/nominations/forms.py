"""The form of a nomination for encouragement: whom (among those the user may nominate), on
behalf of which association, for what, the award, to whom, when; once made, its outcome and the
outcome's date. The choices are read once (two queries) and validated without a query."""

from __future__ import annotations

from dataclasses import dataclass

from django import forms
from django.utils.translation import gettext as gettext_now
from django.utils.translation import gettext_lazy as _

from associations.access import User
from associations.models import Association, Nomination, Person
from associations.records.models import NOTE_MAX_LENGTH
from associations.records.nominations import selectors
from associations.records.nominations.services import NOMINATION_FIELDS, OUTCOME_FIELDS
from rmo_portal.editors import FastSelect, InvalidFieldsMixin, SharedModelChoiceField

AWARD_MAX_LENGTH = Nomination._meta.get_field("award").max_length
DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


@dataclass
class NominationChoices:
    people: dict[int, Person]
    people_choices: list
    associations: dict[int, Association]
    association_choices: list

    @classmethod
    def for_user(cls, user: User, nomination: Nomination | None = None) -> NominationChoices:
        also = nomination.person if nomination is not None and nomination.pk is not None else None
        people = selectors.nominable_people(user=user, also=also)
        associations = selectors.nominating_associations(user=user)
        if nomination is not None and nomination.association_id and nomination.association_id not in {
            a.pk for a in associations
        }:
            associations.append(nomination.association)
        several = len({p.district_id for p in people} | {a.district_id for a in associations}) > 1
        groups: dict[str, list] = {}
        for person in people:
            group = person.school.short_name if person.school_id else gettext_now("Методический кабинет")
            if several:
                group = f"{person.district.name}: {group}"
            groups.setdefault(str(group), []).append((person.pk, person.short_name))
        return cls(
            people={p.pk: p for p in people},
            people_choices=list(groups.items()),
            associations={a.pk: a for a in associations},
            association_choices=[(a.pk, a.name) for a in associations],
        )


class NominationForm(InvalidFieldsMixin, forms.Form):
    """A new nomination (without the outcome: it starts «на рассмотрении»), or an existing one with
    its outcome (whose page posts its `version` beside the form)."""

    def __init__(self, *args, choices: NominationChoices, nomination: Nomination | None = None, **kwargs):
        existing = nomination is not None and nomination.pk is not None
        if existing and "initial" not in kwargs:
            kwargs["initial"] = {
                "person": nomination.person_id, "association": nomination.association_id,
                "reason": nomination.reason, "award": nomination.award, "addressee": nomination.addressee,
                "nominated_on": nomination.nominated_on, "outcome": nomination.outcome,
                "outcome_on": nomination.outcome_on, "outcome_note": nomination.outcome_note,
            }
        elif not existing:
            initial = kwargs.setdefault("initial", {})
            if len(choices.associations) == 1:
                initial.setdefault("association", next(iter(choices.associations)))
        super().__init__(*args, **kwargs)
        self.with_outcome = existing
        self.fields["person"] = SharedModelChoiceField(
            objects=choices.people, choices=[("", "—"), *choices.people_choices], label=_("Кого представляют"),
            widget=FastSelect(attrs={"class": "form-select"}),
            error_messages={"invalid_choice": _(
                "Выберите педагога из списка: руководитель МО представляет педагогов своей школы, методист — "
                "педагогов района, но никто — самого себя."
            )},
        )
        self.fields["association"] = SharedModelChoiceField(
            objects=choices.associations, choices=[("", "—"), *choices.association_choices], required=False,
            label=_("Ходатайствует объединение"), widget=FastSelect(attrs={"class": "form-select"}),
            error_messages={"invalid_choice": _("Выберите объединение из списка.")},
        )
        self.fields["reason"] = forms.CharField(
            max_length=NOTE_MAX_LENGTH, label=_("За что"),
            widget=forms.Textarea(attrs={"rows": 2, "maxlength": NOTE_MAX_LENGTH}),
        )
        self.fields["award"] = forms.CharField(
            max_length=AWARD_MAX_LENGTH, required=False, label=_("Вид поощрения"),
            help_text=_("Грамота, благодарность, премия …"),
            widget=forms.TextInput(attrs={"maxlength": AWARD_MAX_LENGTH}),
        )
        self.fields["addressee"] = forms.ChoiceField(
            choices=[("", "—"), *Nomination.Addressee.choices], label=_("Куда направлено"),
        )
        self.fields["nominated_on"] = forms.DateField(label=_("Дата ходатайства"), widget=DATE_WIDGET)
        if existing:
            self.fields["outcome"] = forms.ChoiceField(choices=Nomination.Outcome.choices, label=_("Итог"))
            self.fields["outcome_on"] = forms.DateField(
                required=False, label=_("Дата итога"), widget=DATE_WIDGET,
                help_text=_("Обязательна, когда итог внесён; пока ходатайство на рассмотрении — пусто."),
            )
            self.fields["outcome_note"] = forms.CharField(
                max_length=NOTE_MAX_LENGTH, required=False, label=_("Примечание к итогу"),
                widget=forms.TextInput(attrs={"maxlength": NOTE_MAX_LENGTH}),
            )

    def values(self) -> dict:
        names = NOMINATION_FIELDS + (OUTCOME_FIELDS if self.with_outcome else ())
        return {name: self.cleaned_data[name] for name in names}
