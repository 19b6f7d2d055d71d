"""The figures of a monitoring, computed in this one place from the method's data.

A quality's итоговая оценка is the mean of its raters' grades; a pupil's mean is the mean of the
quality grades, rounded to the method's decimals (ROUND_HALF_UP), and their level is the band
that mean falls in (half-open: lower ≤ mean < upper, the top band including the scale's
maximum). A pupil is counted once every quality has at least one grade. A class's mean is the
mean of its counted pupils' (unrounded) means, rounded the same way; its level is the band of
that; its distribution is the counted pupils per band, with whole percentages that add up to 100
(largest remainders). A school's or a district's figure pools the pupils of its classes: the
same arithmetic over more pupils (`pool`).

Pure: it reads plain values (`MethodData`), so the pages, the documents, the import's report
and the bench use the same rule, and a test changes a band and sees a pupil move level.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_UP, Decimal
from itertools import pairwise

from django.utils.translation import gettext as _


@dataclass(frozen=True)
class QualityData:
    id: int
    name: str
    short_name: str


@dataclass(frozen=True)
class Band:
    name: str
    lower: Decimal
    upper: Decimal


@dataclass(frozen=True)
class MethodData:
    """What the arithmetic needs of a method, read once (`method_data`)."""

    id: int
    label: str  # «Методика Н.П. Капустиной (1–4 классы), версия 1»
    grade_from: int
    grade_to: int
    qualities: tuple[QualityData, ...]
    raters: tuple[str, ...]  # Rater values, in the method's order
    scale: tuple[tuple[int, str], ...]  # (value, label), highest first
    bands: tuple[Band, ...]  # highest first
    decimals: int = 1

    @property
    def scale_min(self) -> int:
        return min(value for value, _label in self.scale)

    @property
    def scale_max(self) -> int:
        return max(value for value, _label in self.scale)

    @property
    def values(self) -> frozenset[int]:
        return frozenset(value for value, _label in self.scale)

    @property
    def grades_label(self) -> str:
        return f"{self.grade_from}–{self.grade_to}"


def method_data(method) -> MethodData:
    """A Method with its qualities, raters, scale and bands (prefetch them: `selectors.METHOD_PREFETCH`)."""
    return MethodData(
        id=method.pk,
        label=str(method),
        grade_from=method.grade_from,
        grade_to=method.grade_to,
        qualities=tuple(QualityData(q.pk, q.name, q.short_name) for q in method.qualities.all()),
        raters=tuple(r.rater for r in method.raters.all()),
        scale=tuple(sorted(((s.value, s.label) for s in method.scale.all()), reverse=True)),
        bands=tuple(
            sorted((Band(b.name, Decimal(b.lower), Decimal(b.upper)) for b in method.bands.all()),
                   key=lambda band: band.lower, reverse=True)
        ),
        decimals=method.decimals,
    )


def rounded(value: Decimal, decimals: int) -> Decimal:
    return value.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)


def comma(value: Decimal | None, decimals: int = 1) -> str:
    """«4,1»: a mean as Russian documents write it; «—» for none."""
    if value is None:
        return "—"
    return f"{rounded(value, decimals):.{decimals}f}".replace(".", ",")


def band_for(mean: Decimal | None, method: MethodData) -> Band | None:
    """The band a (rounded) mean falls in: lower ≤ mean < upper, or the top band at its upper."""
    if mean is None:
        return None
    for band in method.bands:
        if band.lower <= mean < band.upper:
            return band
    top = method.bands[0] if method.bands else None
    if top is not None and mean == top.upper:
        return top
    return None


def bands_problems(bands: Sequence[tuple[str, Decimal, Decimal]], *, scale_min: int, scale_max: int) -> list[str]:
    """What is wrong with a method's bands, in Russian: they must cover [scale_min, scale_max]
    from the lowest band's lower bound to the top band's upper one, without gaps or overlaps."""
    if not bands:
        return [_("Укажите уровни: без них уровень воспитанности не определить.")]
    ordered = sorted(bands, key=lambda band: band[1])
    problems = []
    if ordered[0][1] > scale_min:
        problems.append(
            _("Нижний уровень «%(name)s» должен начинаться с наименьшего балла шкалы (%(value)s).")
            % {"name": ordered[0][0], "value": scale_min}
        )
    if ordered[-1][2] != scale_max:
        problems.append(
            _("Высший уровень «%(name)s» должен заканчиваться наибольшим баллом шкалы (%(value)s).")
            % {"name": ordered[-1][0], "value": scale_max}
        )
    for below, above in pairwise(ordered):
        if below[2] < above[1]:
            problems.append(
                _("Между уровнями «%(below)s» и «%(above)s» разрыв: от %(from)s до %(to)s.")
                % {"below": below[0], "above": above[0], "from": comma(below[2], 2), "to": comma(above[1], 2)}
            )
        elif below[2] > above[1]:
            problems.append(
                _("Уровни «%(below)s» и «%(above)s» пересекаются: граница одного — %(to)s, другого — %(from)s.")
                % {"below": below[0], "above": above[0], "from": comma(above[1], 2), "to": comma(below[2], 2)}
            )
    return problems


def _bound_text(value: Decimal, method: MethodData, *, digits: int | None = None) -> str:
    """A band's bound as Russian documents write it: «4,0», «4,45»; the scale's ends whole («5»)."""
    if value == value.to_integral_value() and int(value) in (method.scale_min, method.scale_max):
        return str(int(value))
    if digits is None:
        digits = max(method.decimals, -value.normalize().as_tuple().exponent)
    return comma(value, digits)


def band_rows(method: MethodData) -> list[dict]:
    """The level bands as the questionnaire writes them, highest first: `closed` — the means the
    band takes, once rounded to the method's decimals («4,5–5», «4,0–4,4»; None for a band no
    rounded mean falls in), and `half_open` — the interval as stored («от 4,0 включительно до
    4,5, не включая»; the top band includes the scale's maximum)."""
    step = Decimal(1).scaleb(-method.decimals)
    rows = []
    for index, band in enumerate(method.bands):
        top = index == 0
        low = band.lower.quantize(step, rounding=ROUND_CEILING)
        high = band.upper.quantize(step, rounding=ROUND_FLOOR)
        if not top and high == band.upper:
            high -= step
        closed = None
        if low <= high:
            low_text, high_text = (_bound_text(value, method, digits=method.decimals) for value in (low, high))
            closed = low_text if low == high else f"{low_text}–{high_text}"
        lower, upper = _bound_text(band.lower, method), _bound_text(band.upper, method)
        if top:
            half_open = _("от %(lower)s до %(upper)s включительно") % {"lower": lower, "upper": upper}
        else:
            half_open = _("от %(lower)s включительно до %(upper)s, не включая") % {"lower": lower, "upper": upper}
        rows.append({"band": band, "closed": closed, "half_open": half_open})
    return rows


# --- a class ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class PupilGrades:
    """A pupil's row as entered: (quality id, rater) → value."""

    number: int
    initials: str
    grades: dict[tuple[int, str], int]


@dataclass(frozen=True)
class PupilScore:
    number: int
    initials: str
    grades: dict[tuple[int, str], int]
    quality_grades: tuple[Decimal | None, ...]  # in the method's order of qualities
    mean: Decimal | None  # rounded; None until every quality has a grade
    raw_mean: Decimal | None
    level: str | None

    @property
    def complete(self) -> bool:
        return self.mean is not None

    @property
    def label(self) -> str:
        return f"{self.number}. {self.initials}" if self.initials else str(self.number)


@dataclass(frozen=True)
class LevelShare:
    name: str
    count: int
    percent: int  # whole percent of the counted pupils; the shares add up to 100


@dataclass(frozen=True)
class Score:
    """A class's (or a pooled group's) figures. `pupils` is empty for aggregates."""

    method: MethodData
    counted: int  # pupils with every quality graded
    mean: Decimal | None  # rounded
    level: str | None
    distribution: tuple[LevelShare, ...]  # every band, highest first
    quality_means: tuple[tuple[QualityData, Decimal | None], ...]
    pupils: tuple[PupilScore, ...] = ()
    entered: int = 0  # pupils on the list, counted or not
    raw_means: tuple[Decimal, ...] = field(default=(), repr=False)  # for pooling
    quality_sums: tuple[tuple[Decimal, int], ...] = field(default=(), repr=False)

    @property
    def mean_text(self) -> str:
        return comma(self.mean, self.method.decimals)

    def aggregate(self) -> Score:
        """The same figures without the per-pupil rows (what district-level readers get)."""
        return Score(
            method=self.method, counted=self.counted, mean=self.mean, level=self.level,
            distribution=self.distribution, quality_means=self.quality_means, pupils=(), entered=self.entered,
            raw_means=self.raw_means, quality_sums=self.quality_sums,
        )


def _mean(values: Sequence[Decimal]) -> Decimal | None:
    return sum(values, Decimal(0)) / len(values) if values else None


#: A quality has at most three raters (`Rater`), and 6 is a multiple of every count of them: a
#: quality's grade × 6 is a whole number, and a pupil's mean is a whole number over 6 × the
#: qualities — exact, whether it is computed here or summed by the database (the district's
#: table, `selectors.pupil_means`), so both round a mean at a band's bound the same way.
RATER_LCM = 6


def pupil_mean(total: int, qualities: int) -> Decimal:
    """A pupil's unrounded mean from `total`, the sum over the qualities of RATER_LCM × the
    quality's grades' sum ÷ their count."""
    return Decimal(total) / Decimal(RATER_LCM * qualities)


def score_pupil(pupil: PupilGrades, method: MethodData) -> PupilScore:
    quality_grades = []
    total = 0
    for quality in method.qualities:
        given = [pupil.grades[(quality.id, rater)] for rater in method.raters if (quality.id, rater) in pupil.grades]
        quality_grades.append(Decimal(sum(given)) / len(given) if given else None)
        total += RATER_LCM * sum(given) // len(given) if given else 0
    complete = bool(quality_grades) and all(grade is not None for grade in quality_grades)
    raw = pupil_mean(total, len(quality_grades)) if complete else None
    mean = rounded(raw, method.decimals) if raw is not None else None
    band = band_for(mean, method)
    return PupilScore(
        number=pupil.number, initials=pupil.initials, grades=dict(pupil.grades),
        quality_grades=tuple(quality_grades), mean=mean, raw_mean=raw, level=band.name if band else None,
    )


def shares(counts: Sequence[int]) -> list[int]:
    """Whole percentages of `counts` that add up to 100 (largest remainders); zeros for none."""
    total = sum(counts)
    if not total:
        return [0 for _count in counts]
    exact = [Decimal(count * 100) / total for count in counts]
    whole = [int(value) for value in exact]
    by_remainder = sorted(range(len(counts)), key=lambda i: (exact[i] - whole[i], counts[i]), reverse=True)
    for i in by_remainder[: 100 - sum(whole)]:
        whole[i] += 1
    return whole


def _score(method: MethodData, raw_means: Sequence[Decimal], quality_sums: Sequence[tuple[Decimal, int]],
           *, pupils: tuple[PupilScore, ...] = (), entered: int = 0) -> Score:
    raw = _mean(raw_means)
    mean = rounded(raw, method.decimals) if raw is not None else None
    band = band_for(mean, method)
    counts = {b.name: 0 for b in method.bands}
    for value in raw_means:
        pupil_band = band_for(rounded(value, method.decimals), method)
        if pupil_band is not None:
            counts[pupil_band.name] += 1
    percents = shares(list(counts.values()))
    return Score(
        method=method,
        counted=len(raw_means),
        mean=mean,
        level=band.name if band else None,
        distribution=tuple(LevelShare(name, count, percent)
                           for (name, count), percent in zip(counts.items(), percents, strict=True)),
        quality_means=tuple(
            (quality, rounded(total / n, method.decimals) if n else None)
            for quality, (total, n) in zip(method.qualities, quality_sums, strict=True)
        ),
        pupils=pupils,
        entered=entered,
        raw_means=tuple(raw_means),
        quality_sums=tuple(quality_sums),
    )


def score_class(method: MethodData, pupils: Iterable[PupilGrades]) -> Score:
    scored = tuple(score_pupil(pupil, method) for pupil in sorted(pupils, key=lambda p: p.number))
    counted = [pupil for pupil in scored if pupil.complete]
    quality_sums = []
    for index in range(len(method.qualities)):
        grades = [pupil.quality_grades[index] for pupil in counted]
        quality_sums.append((sum(grades, Decimal(0)), len(grades)))
    return _score(method, [pupil.raw_mean for pupil in counted], quality_sums, pupils=scored, entered=len(scored))


def score_means(method: MethodData, raw_means: Sequence[Decimal], *, entered: int) -> Score:
    """A class's figures from its counted pupils' unrounded means alone (the district's table:
    its mean, level and distribution; no quality means, no pupils)."""
    return _score(method, raw_means, [(Decimal(0), 0) for _quality in method.qualities], entered=entered)


def pool(method: MethodData, scores: Iterable[Score]) -> Score:
    """The figures of several classes of one method as one group of pupils (a school's total,
    a district's grade band): never per-pupil rows."""
    scores = list(scores)
    raw_means = [value for score in scores for value in score.raw_means]
    quality_sums = []
    for index in range(len(method.qualities)):
        total = sum((score.quality_sums[index][0] for score in scores if score.quality_sums), Decimal(0))
        n = sum(score.quality_sums[index][1] for score in scores if score.quality_sums)
        quality_sums.append((total, n))
    return _score(method, raw_means, quality_sums, entered=sum(score.entered for score in scores))


@dataclass(frozen=True)
class Dynamics:
    """September → May of one class (or group)."""

    september: Score | None
    may: Score | None

    @property
    def change(self) -> Decimal | None:
        if self.september is None or self.may is None or self.september.mean is None or self.may.mean is None:
            return None
        return self.may.mean - self.september.mean

    @property
    def change_text(self) -> str:
        change = self.change
        if change is None:
            return "—"
        decimals = (self.may or self.september).method.decimals
        sign = "+" if change > 0 else ("−" if change < 0 else "±")
        return sign + comma(abs(change), decimals)
