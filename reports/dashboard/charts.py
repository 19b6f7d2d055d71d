"""The dashboard's charts as SVG geometry (`reports.monitoring.charts.grouped_bars`, drawn by
`reports/monitoring/_chart.html`): plan execution by month, plan statuses across the district,
attendance per meeting. Pure: the selector's rows in, a `Chart` out. Every chart has its text
table beside it in the template (the same figures, for screen readers and print)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from reports.analysis.charts import PERCENT_TICKS, count_ticks
from reports.monitoring.charts import Chart, grouped_bars


def months_chart(rows) -> Chart:
    """Plan items due in each month of the year: planned and done (`selectors.MonthRow`)."""
    top, ticks = count_ticks(max((row.planned for row in rows), default=0))
    planned, done = _("запланировано"), _("выполнено")
    return grouped_bars(
        title=_("Выполнение планов по месяцам"),
        categories=[row.short_label for row in rows],
        series=[
            (planned, [row.planned or None for row in rows], [str(row.planned) for row in rows],
             [f"{row.label}: {planned} — {row.planned}" for row in rows]),
            (done, [row.done or None for row in rows], [str(row.done) for row in rows],
             [f"{row.label}: {done} — {row.done}" for row in rows]),
        ],
        maximum=top, ticks=ticks,
    )


def statuses_chart(counts) -> Chart:
    """A bar per plan status across the district (`selectors.StatusCount`)."""
    top, ticks = count_ticks(max((c.count for c in counts), default=0))
    return grouped_bars(
        title=_("Планы объединений района по статусам"),
        categories=[c.short_label for c in counts],
        series=[(
            _("объединений"), [c.count or None for c in counts], [str(c.count) for c in counts],
            [f"{c.label}: {c.count}" for c in counts],
        )],
        maximum=top, ticks=ticks,
    )


def attendance_chart(rows) -> Chart:
    """The present share at each held meeting of the district РМО (`selectors.AttendanceRow`); a
    meeting without attendance marks draws no bar."""
    return grouped_bars(
        title=_("Явка на заседания РМО, %"),
        categories=[f"{row.day:%d.%m}" for row in rows],
        series=[(
            _("присутствовали"), [row.attendance for row in rows], [row.attendance_text for row in rows],
            [f"{row.day:%d.%m.%Y}: {row.attendance_text} ({row.present}/{row.marked})" for row in rows],
        )],
        maximum=100, ticks=PERCENT_TICKS,
    )
