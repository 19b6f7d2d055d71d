"""The annual analysis' charts as SVG geometry, from its figures alone (`YearFigures`, live or as
frozen at submission): the attendance of each held meeting, the plan's execution, and the
monitoring's distribution over the levels in September and May, a chart per grade band.

Pure functions, no query: they lay the figures out with the monitoring's `grouped_bars`, and one
template draws them into the page and into the PDF alike (`reports/monitoring/_chart.html`).
Each chart has its text table beside it: the meetings' and the plan's tables of the figures, and
the monitoring's `DistributionTable` (drawn by `reports/monitoring/_distribution_table.html`).
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass

from django.utils.translation import gettext as _

from reports.analysis.figures import MonitoringBand, YearFigures, percent_text
from reports.monitoring.charts import Chart, DistributionTable, grouped_bars


def _percent(value: int) -> str:
    return f"{value}\u00a0%"


#: The scale of a chart of percents: 0 to 100 % in quarters (the dashboard's charts use it too).
PERCENT_TICKS = tuple((float(v), _percent(v)) for v in (0, 25, 50, 75, 100))


def count_ticks(maximum: int) -> tuple[int, list[tuple[float, str]]]:
    """A scale for counts up to `maximum`: its top (a multiple of the step, at least 1) and its
    gridlines from 0, four steps at most (the dashboard's charts use it too)."""
    maximum = max(maximum, 1)
    step = max(1, math.ceil(maximum / 4))
    top = step * math.ceil(maximum / step)
    return top, [(float(value), str(value)) for value in range(0, top + 1, step)]


def attendance_chart(figures: YearFigures) -> Chart:
    """A bar per held meeting (by its date): present of marked, in percent; a meeting with no marks
    draws no bar."""
    rows = figures.meetings.held_meetings
    values = [row.attendance for row in rows]
    series = [(
        _("явка, %"), values, [percent_text(value) if value is not None else "" for value in values],
        [f"{row.day:%d.%m.%Y} {row.theme}: {row.attendance_text} ({row.present}/{row.marked})" for row in rows],
    )] if rows else []
    return grouped_bars(
        title=_("Посещаемость заседаний, %"), categories=[f"{row.day:%d.%m}" for row in rows], series=series,
        maximum=100, ticks=PERCENT_TICKS,
    )


def plan_chart(figures: YearFigures) -> Chart:
    """The approved plan's items: done, moved, cancelled, not marked, a bar each (none before the
    plan is approved)."""
    plan = figures.plan
    if not plan.approved or not plan.total:
        return grouped_bars(title=_("Выполнение плана, пунктов"), categories=[], series=[], maximum=1, ticks=[])
    labels = [_("выполнено"), _("перенесено"), _("отменено"), _("не отмечено")]
    counts = [plan.done, plan.moved, plan.cancelled, plan.pending]
    top, ticks = count_ticks(max(counts))
    series = [(
        _("пунктов"), counts, [str(count) for count in counts],
        [f"{label}: {count}" for label, count in zip(labels, counts, strict=True)],
    )]
    return grouped_bars(title=_("Выполнение плана, пунктов"), categories=labels, series=series, maximum=top,
                        ticks=ticks)


def _band_distribution(band: MonitoringBand) -> Chart:
    periods = [(name, score) for name, score in ((_("сентябрь"), band.september), (_("май"), band.may))
               if score is not None and score.counted]
    levels = list(band.levels)
    series = []
    for name, score in periods:
        shares = {share.name: share for share in score.distribution}
        values = [shares[level].percent if level in shares else None for level in levels]
        series.append((
            name, values, [_percent(v) if v is not None else "" for v in values],
            [f"{name}: {level} — {shares[level].count} ({_percent(shares[level].percent)})" if level in shares
             else "" for level in levels],
        ))
    chart = grouped_bars(
        title=_("Распределение учеников по уровням воспитанности, %"), categories=levels if periods else [],
        series=series, maximum=100, ticks=PERCENT_TICKS,
    )
    table = DistributionTable(
        periods=tuple(name for name, _score in periods),
        rows=tuple(
            (level, tuple(next(s for s in score.distribution if s.name == level) for _name, score in periods))
            for level in levels
            if all(any(s.name == level for s in score.distribution) for _name, score in periods)
        ),
        counted=tuple(score.counted for _name, score in periods),
    )
    return dataclasses.replace(chart, table=table)


@dataclass(frozen=True)
class BandChart:
    band: MonitoringBand
    chart: Chart  # the distribution, September beside May; its table in chart.table


def monitoring_charts(figures: YearFigures) -> list[BandChart]:
    """A distribution chart per grade band with a result in September or May."""
    result = []
    for band in figures.monitoring.bands:
        chart = _band_distribution(band)
        if not chart.empty:
            result.append(BandChart(band=band, chart=chart))
    return result


def year_charts(figures: YearFigures) -> dict:
    """Every chart of the analysis, under the names its templates use."""
    return {
        "attendance_chart": attendance_chart(figures),
        "plan_chart": plan_chart(figures),
        "monitoring_charts": monitoring_charts(figures),
    }
