"""The methodologist's board of a district's analyses (issue 14, point 4): the statuses it sorts
the school МО by, the rule of lateness, and the deadline's form. The board's reads are in
`reports.analysis.selectors` (`analysis_board`), its writes (the deadline, the reminders) in
`reports.analysis.services`; who sees and acts is `associations.access`, the kind «analysis_board»
(see: the district level; act: the methodologist, the department staff, the superuser).

Late: the district's deadline for the year is set, today (the local date) is after it, and the
school МО's analysis is neither submitted nor accepted — not started, a draft, or returned to
rework (a returned one past the deadline is late too).
"""

from __future__ import annotations

import datetime

from django import forms
from django.utils.translation import gettext_lazy as _

from associations.models import AcademicYear
from reports.analysis.models import Analysis, AnalysisDeadline

Status = Analysis.Status

#: The board's «not started» (no analysis of the year yet), beside Analysis.Status.
NOT_STARTED = "none"
NOT_STARTED_LABEL = _("не начат")
#: The board's filter of the late ones (a flag over the statuses above, not a status).
LATE = "late"

#: The board's counts and filters (`?status=`), in the order shown.
BOARD_FILTERS: tuple[tuple[str, object], ...] = (
    (NOT_STARTED, NOT_STARTED_LABEL),
    (Status.DRAFT.value, Status.DRAFT.label),
    (Status.SUBMITTED.value, Status.SUBMITTED.label),
    (Status.RETURNED.value, Status.RETURNED.label),
    (Status.ACCEPTED.value, Status.ACCEPTED.label),
    (LATE, _("просрочен")),
)

#: A school МО is reminded at most once in this time.
REMINDER_INTERVAL = datetime.timedelta(hours=24)


def is_late(status: str, due_on: datetime.date | None, today: datetime.date) -> bool:
    """Whether a school МО whose analysis is in `status` (NOT_STARTED when none) is late on a
    deadline `due_on` (None: no deadline set, nobody is late) on the day `today`."""
    if due_on is None or today <= due_on:
        return False
    return status not in (Status.SUBMITTED, Status.ACCEPTED)


class AnalysisDeadlineForm(forms.Form):
    """The district's deadline for the school МО's analyses of a year: a day of that academic
    year (or the summer after it, until 31 August, its last day)."""

    due_on = forms.DateField(
        label=_("Срок сдачи анализа"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={
            "required": _("Укажите срок сдачи анализа."),
            "invalid": _("Введите дату в виде ДД.ММ.ГГГГ."),
        },
    )

    def __init__(self, *args, year: AcademicYear, **kwargs):
        super().__init__(*args, **kwargs)
        self.year = year

    def clean_due_on(self) -> datetime.date:
        due_on = self.cleaned_data["due_on"]
        error = AnalysisDeadline.due_on_error(due_on, self.year)
        if error is not None:
            raise error
        return due_on
