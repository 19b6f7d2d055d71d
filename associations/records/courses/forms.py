"""The form of a course record (create and edit).

The form checks what each field alone can tell (required, a date, a number, the maximum
lengths, a person the user may enter courses for, a provider of the list); the record's own rules
(it ends before it starts, hours out of 1–2000, the academic year of its end) are the model's,
run by the service (`record_save` → `full_clean`), whose errors the view puts next to their
fields. The form does not run the model's validation itself: on an edit the record's academic
year is still the old one until the service sets it from the new end date.
"""

from __future__ import annotations

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from associations import access
from associations.models import Person
from associations.records.courses.filters import PersonChoiceField
from associations.records.courses.services import COURSE_FIELDS
from associations.records.models import Course, CourseProvider
from rmo_portal.editors import FastSelect, InvalidFieldsMixin

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class CourseForm(InvalidFieldsMixin, forms.ModelForm):
    person = PersonChoiceField(
        queryset=Person.objects.none(), label=_("Педагог"),
        error_messages={"invalid_choice": _("Выберите педагога из списка: вносить курсы других вы не можете.")},
    )
    provider = forms.ModelChoiceField(
        queryset=CourseProvider.objects.none(), label=_("Организация"), widget=FastSelect,
        help_text=_("Организации курсов ведёт администратор портала (справочник)."),
        error_messages={"invalid_choice": _("Выберите организацию из списка.")},
    )

    class Meta:
        model = Course
        fields = list(COURSE_FIELDS)
        widgets = {
            "starts_on": DATE_WIDGET,
            "ends_on": DATE_WIDGET,
        }
        error_messages = {
            "title": {"required": _("Укажите название программы.")},
            "hours": {"required": _("Укажите объём курсов в часах.")},
            "starts_on": {"required": _("Укажите дату начала курсов.")},
            "ends_on": {"required": _("Укажите дату окончания курсов.")},
        }
        help_texts = {
            "title": _("Как в удостоверении: «Реализация рабочей программы воспитания в ОО»."),
            "ends_on": _("По дате окончания курсы относятся к учебному году и к «последним 3 годам»."),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = access.record_people(
            user, action="write", queryset=Person.objects.select_related("school")
        ).order_by("last_name", "first_name", "patronymic", "pk")
        in_use = Q(pk=self.instance.provider_id) if self.instance.provider_id else Q(pk__in=[])
        self.fields["provider"].queryset = CourseProvider.objects.filter(Q(is_active=True) | in_use).order_by("name")
        # The model's range of hours, checked by the field too (the same messages, next to it).
        hours = self.fields["hours"]
        for validator in Course._meta.get_field("hours").validators:
            if isinstance(validator, MinValueValidator | MaxValueValidator):
                hours.validators.append(validator)
                hours.widget.attrs["min" if isinstance(validator, MinValueValidator) else "max"] = validator.limit_value

    def values(self) -> dict:
        """The cleaned values the services take (`course_create(**values)`, `course_update(values=…)`)."""
        return {name: self.cleaned_data[name] for name in COURSE_FIELDS}

    def _post_clean(self):
        """No model validation here (see the module's docstring): the service runs it."""
