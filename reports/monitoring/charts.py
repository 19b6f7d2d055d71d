"""The monitoring's charts as SVG geometry, computed here and drawn by one template
(`reports/monitoring/_chart.html`) into the page and into the PDF alike: the distribution over
the levels (per period) and the class or group means of September and May.

Pure: scores in, rectangles and labels out. Every coordinate is a string written with a dot
(a template would localise a float to «12,5», which is no SVG number); colours are attributes,
not CSS, so WeasyPrint draws the same picture. Each chart has a text table beside it in the
templates (the same figures, for screen readers and for print in black and white).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _

from reports.monitoring.scoring import Dynamics, LevelShare, Score, comma

# Two series (September, May) told apart by more than colour: the second is hatched.
SERIES = (
    {"fill": "#6c8ebf", "pattern": ""},
    {"fill": "#d9822b", "pattern": "hatch"},
)
TEXT_COLOUR = "#212529"
GRID_COLOUR = "#dee2e6"

LEFT, RIGHT, TOP, BOTTOM = 36.0, 8.0, 28.0, 40.0
MIN_WIDTH = 520.0
CATEGORY_MIN = 56.0  # a category's width at the least (a class of a long school table)
PLOT_HEIGHT = 150.0


def _n(value: float) -> str:
    return f"{value:.1f}"


@dataclass(frozen=True)
class Bar:
    x: str
    y: str
    width: str
    height: str
    fill: str
    pattern: str
    text: str  # the value written above the bar
    text_x: str
    text_y: str
    title: str  # a tooltip: «май: хороший — 12 (48 %)»


@dataclass(frozen=True)
class Label:
    x: str
    y: str
    text: str


@dataclass(frozen=True)
class Swatch:
    x: str
    y: str
    text_x: str
    fill: str
    pattern: str
    text: str


@dataclass(frozen=True)
class DistributionTable:
    """A distribution as its text table: a row per level, a count and a percentage per period."""

    periods: tuple[str, ...]
    rows: tuple[tuple[str, tuple[LevelShare, ...]], ...]
    counted: tuple[int, ...]


@dataclass(frozen=True)
class Chart:
    width: str
    height: str
    title: str
    bars: tuple[Bar, ...]
    categories: tuple[Label, ...]
    gridlines: tuple[tuple[str, str, Label], ...]  # (y, x2, its label)
    legend: tuple[Swatch, ...]
    baseline: str
    plot_right: str
    table: DistributionTable | None = None  # the figures of a distribution chart, as text

    @property
    def empty(self) -> bool:
        return not self.bars


def grouped_bars(
    *,
    title: str,
    categories: Sequence[str],
    series: Sequence[tuple[str, Sequence[Decimal | float | None], Sequence[str], Sequence[str]]],
    maximum: float,
    ticks: Sequence[tuple[float, str]],
) -> Chart:
    """Bars per category, one per series: `series` is (name, values, value texts, titles);
    a None value draws no bar."""
    width = max(MIN_WIDTH, LEFT + RIGHT + CATEGORY_MIN * len(categories))
    height = TOP + PLOT_HEIGHT + BOTTOM
    plot = width - LEFT - RIGHT
    step = plot / max(len(categories), 1)
    bar_width = min(28.0, step * 0.8 / max(len(series), 1))
    baseline = TOP + PLOT_HEIGHT
    bars = []
    for s_index, (_name, values, texts, titles) in enumerate(series):
        style = SERIES[s_index % len(SERIES)]
        for c_index, value in enumerate(values):
            if value is None:
                continue
            share = max(0.0, min(float(value) / maximum, 1.0)) if maximum else 0.0
            bar_height = PLOT_HEIGHT * share
            group_left = LEFT + step * c_index + (step - bar_width * len(series)) / 2
            x = group_left + bar_width * s_index
            bars.append(Bar(
                x=_n(x), y=_n(baseline - bar_height), width=_n(bar_width), height=_n(bar_height),
                fill=style["fill"], pattern=style["pattern"], text=texts[c_index],
                text_x=_n(x + bar_width / 2), text_y=_n(baseline - bar_height - 3), title=titles[c_index],
            ))
    labels = tuple(
        Label(x=_n(LEFT + step * index + step / 2), y=_n(baseline + 14), text=text)
        for index, text in enumerate(categories)
    )
    gridlines = tuple(
        (_n(baseline - PLOT_HEIGHT * (value / maximum)), _n(width - RIGHT), Label(x=_n(LEFT - 4), y=_n(
            baseline - PLOT_HEIGHT * (value / maximum) + 3), text=text))
        for value, text in ticks
    ) if maximum else ()
    legend = []
    x = LEFT
    for s_index, (name, *_rest) in enumerate(series):
        style = SERIES[s_index % len(SERIES)]
        legend.append(Swatch(x=_n(x), y=_n(8), text_x=_n(x + 16), fill=style["fill"], pattern=style["pattern"],
                             text=name))
        x += 24 + 7 * len(name)
    return Chart(
        width=_n(width), height=_n(height), title=title, bars=tuple(bars), categories=labels,
        gridlines=gridlines, legend=tuple(legend), baseline=_n(baseline), plot_right=_n(width - RIGHT),
    )


def _percent(value: int) -> str:
    return f"{value}\u00a0%"


def distribution_chart(periods: Sequence[tuple[str, Score | None]]) -> Chart:
    """The share of pupils at each level, a bar per period («сентябрь», «май»)."""
    periods = [(name, score) for name, score in periods if score is not None and score.counted]
    bands = [band.name for band in periods[0][1].method.bands] if periods else []
    series = []
    for name, score in periods:
        shares = {share.name: share for share in score.distribution}
        values = [shares[band].percent if band in shares else None for band in bands]
        series.append((
            name, values, [_percent(v) if v is not None else "" for v in values],
            [f"{name}: {band} — {shares[band].count} ({_percent(shares[band].percent)})" if band in shares else ""
             for band in bands],
        ))
    chart = grouped_bars(
        title=_("Распределение учеников по уровням воспитанности, %"), categories=bands, series=series,
        maximum=100, ticks=[(v, _percent(v)) for v in (0, 25, 50, 75, 100)],
    )
    table = DistributionTable(
        periods=tuple(name for name, _score in periods),
        rows=tuple(
            (band, tuple(next(s for s in score.distribution if s.name == band) for _name, score in periods))
            for band in bands
        ),
        counted=tuple(score.counted for _name, score in periods),
    )
    return dataclasses.replace(chart, table=table)


def means_chart(rows: Sequence[tuple[str, Dynamics]], *, scale_max: int) -> Chart:
    """The mean of each class (or school) in September and in May."""
    series = []
    for index, name in enumerate((_("сентябрь"), _("май"))):
        scores = [dynamics.september if index == 0 else dynamics.may for _label, dynamics in rows]
        values = [score.mean if score is not None else None for score in scores]
        texts = [comma(value, score.method.decimals) if value is not None else "" for value, score in
                 zip(values, scores, strict=True)]
        series.append((name, values, texts, [f"{rows[i][0]}, {name}: {texts[i]}" if texts[i] else ""
                                             for i in range(len(rows))]))
    return grouped_bars(
        title=_("Средний балл в сентябре и в мае"), categories=[label for label, _dynamics in rows], series=series,
        maximum=float(scale_max), ticks=[(v, str(v)) for v in range(0, scale_max + 1)],
    )


# --- the charts of the pages and documents ----------------------------------------------------------


def _periods(dynamics: Dynamics) -> list[tuple[str, Score | None]]:
    return [(_("сентябрь"), dynamics.september), (_("май"), dynamics.may)]


@dataclass(frozen=True)
class PupilRow:
    number: int
    initials: str
    grades: tuple[str, ...]  # a quality's grade (the mean of its raters), «4,5»; «—» when missing
    mean: str
    level: str


def pupil_rows(score: Score) -> list[PupilRow]:
    """The per-pupil rows of a class's sheet, as text (for its per-pupil readers only)."""
    decimals = score.method.decimals
    return [
        PupilRow(
            number=pupil.number, initials=pupil.initials,
            grades=tuple(comma(grade, decimals) for grade in pupil.quality_grades),
            mean=comma(pupil.mean, decimals), level=pupil.level or "—",
        )
        for pupil in score.pupils
    ]


def quality_means(score: Score) -> list[tuple[object, str]]:
    return [(quality, comma(mean, score.method.decimals)) for quality, mean in score.quality_means]


def class_charts(result) -> dict:
    """A class's result (`selectors.ClassResult`): its distribution (beside September's and
    May's when the class has both), its means per quality and, to its per-pupil readers, the
    pupils' rows."""
    if result.dynamics is not None:
        periods = _periods(result.dynamics)
    else:
        periods = [(result.monitoring.period_label, result.score)]
    return {
        "distribution_chart": distribution_chart(periods),
        "quality_means": quality_means(result.score),
        "pupil_rows": pupil_rows(result.score) if result.pupils_view else [],
    }


def _group_charts(groups, labels) -> list[tuple[object, Chart, Chart]]:
    return [
        (
            group,
            distribution_chart(_periods(group.total.dynamics)),
            means_chart([(labels(row), row.dynamics if hasattr(row, "dynamics") else row.total.dynamics)
                         for row in group.rows], scale_max=group.total.method.scale_max),
        )
        for group in groups
    ]


def school_charts(summary) -> dict:
    """A school's table (`selectors.SchoolSummary`): per grade band, the distribution of its
    total and the means of its classes."""
    return {"group_charts": _group_charts(summary.groups, lambda row: row.class_assignment.label)}


def district_charts(summary) -> dict:
    """A district's table (`selectors.DistrictSummary`): per grade band, the distribution of
    the district's total and the means of its schools."""
    return {"group_charts": _group_charts(summary.bands, lambda row: row.school.short_name)}
