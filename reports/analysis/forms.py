"""The forms of the annual analysis' pages: the narrative (`AnalysisForm`, version-checked) and
the reviewer's return (`AnalysisReturnForm`: what to rework, required). They state no rule of
their own: the model's bounds (`bounded_text`) and the services' refusals land on their fields."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from reports.analysis.models import COMMENT_MAX_LENGTH, Analysis


class AnalysisForm(forms.ModelForm):
    """The narrative's sections (the page posts the version it was opened at beside them, read
    with `rmo_portal.editors.posted_version`)."""

    class Meta:
        model = Analysis
        fields = Analysis.NARRATIVE_FIELDS
        widgets = {name: forms.Textarea(attrs={"rows": 6}) for name in Analysis.NARRATIVE_FIELDS}

    def _post_clean(self):
        # The service validates the whole row (full_clean) under its lock; here only the fields'
        # own bounds (max_length), which the form fields already carry.
        pass


class AnalysisReturnForm(forms.Form):
    comment = forms.CharField(
        label=_("Что доработать"), max_length=COMMENT_MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Укажите, что нужно доработать.")},
    )
