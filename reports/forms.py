"""Forms of the reports app."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy

from associations import access
from associations.models import AcademicYear, AnnualPlan, School

NO_PLAN = "none"


class DistrictPlansForm(forms.Form):
    """The filters of the district table. Every choice is limited to what the user oversees;
    a malformed value makes its field invalid and is ignored, never a 500."""

    year = forms.TypedChoiceField(coerce=int, required=False, empty_value=None, label=gettext_lazy("Учебный год"))
    school = forms.ModelChoiceField(
        queryset=School.objects.none(), required=False, empty_label=gettext_lazy("все школы"),
        label=gettext_lazy("Школа"),
    )
    status = forms.ChoiceField(
        choices=[
            ("", gettext_lazy("все")),
            *AnnualPlan.Status.choices,
            (NO_PLAN, gettext_lazy("нет плана")),
        ],
        required=False,
        label=gettext_lazy("Статус плана"),
    )

    def __init__(self, *args, user, years: list[AcademicYear], **kwargs):
        super().__init__(*args, **kwargs)
        # The years are read once by the caller: a list, not a queryset run at every look.
        self.fields["year"].choices = [(year.pk, str(year)) for year in years]
        self.fields["school"].queryset = access.visible(user, "school", School.objects.all())
