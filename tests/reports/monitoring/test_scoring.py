"""The monitoring's arithmetic (reports.monitoring.scoring): from the method's data, never code."""

from __future__ import annotations

from decimal import Decimal

import pytest

from reports.monitoring.scoring import (
    Band,
    Dynamics,
    MethodData,
    PupilGrades,
    QualityData,
    band_for,
    bands_problems,
    comma,
    pool,
    score_class,
    shares,
)

D = Decimal
BANDS = (
    Band("высокий", D("4.5"), D("5")),
    Band("хороший", D("4.0"), D("4.5")),
    Band("средний", D("2.9"), D("4.0")),
    Band("низкий", D("1"), D("2.9")),
)
METHOD = MethodData(
    id=1, label="test", grade_from=1, grade_to=4,
    qualities=tuple(QualityData(i, f"q{i}", f"q{i}") for i in range(1, 6)),
    raters=("pupil", "teacher"),
    scale=((5, "всегда"), (4, "часто"), (3, "редко"), (2, "никогда"), (1, "другая позиция")),
    bands=BANDS,
)


def pupil(number: int, *grades: int, teacher: tuple[int, ...] | None = None) -> PupilGrades:
    """A pupil's five qualities graded by themselves (`grades`) and by the teacher (the same
    unless `teacher` says otherwise)."""
    teacher = teacher or grades
    values = {(q, "pupil"): g for q, g in enumerate(grades, start=1)}
    values.update({(q, "teacher"): g for q, g in enumerate(teacher, start=1)})
    return PupilGrades(number=number, initials="", grades=values)


@pytest.mark.parametrize(
    ("mean", "level"),
    [("5", "высокий"), ("4.5", "высокий"), ("4.4", "хороший"), ("4.0", "хороший"), ("3.9", "средний"),
     ("2.9", "средний"), ("2.8", "низкий"), ("1.0", "низкий")],
)
def test_bands_are_half_open_and_the_top_includes_the_maximum(mean, level):
    assert band_for(D(mean), METHOD).name == level


def test_a_pupils_mean_is_the_mean_of_the_quality_grades_each_the_mean_of_its_raters():
    score = score_class(METHOD, [pupil(1, 5, 5, 4, 4, 5, teacher=(5, 4, 4, 4, 4))])
    (row,) = score.pupils
    assert row.quality_grades == (D(5), D("4.5"), D(4), D(4), D("4.5"))
    assert (row.mean, row.level) == (D("4.4"), "хороший")  # 22 / 5 = 4,4


def test_the_class_mean_has_a_decimal_comma_and_its_level_and_distribution():
    pupils = [pupil(1, 5, 5, 5, 5, 5), pupil(2, 4, 4, 4, 4, 4), pupil(3, 4, 4, 4, 4, 5), pupil(4, 3, 3, 3, 3, 3)]
    score = score_class(METHOD, pupils)
    assert score.counted == 4
    assert score.mean_text == "4,1"  # (5 + 4 + 4,2 + 3) / 4 = 4,05 → 4,1
    assert score.level == "хороший"
    assert [(s.name, s.count, s.percent) for s in score.distribution] == [
        ("высокий", 1, 25), ("хороший", 2, 50), ("средний", 1, 25), ("низкий", 0, 0),
    ]
    assert [value for _quality, value in score.quality_means] == [D("4.0"), D("4.0"), D("4.0"), D("4.0"), D("4.3")]


def test_a_pupil_without_every_quality_is_on_the_list_but_not_counted():
    partial = PupilGrades(number=2, initials="", grades={(1, "pupil"): 5})
    score = score_class(METHOD, [pupil(1, 4, 4, 4, 4, 4), partial])
    assert (score.entered, score.counted, score.mean_text) == (2, 1, "4,0")
    assert score.pupils[1].complete is False and score.pupils[1].level is None


def test_one_rater_is_enough_for_a_quality():
    only_teacher = PupilGrades(number=1, initials="", grades={(q, "teacher"): 3 for q in range(1, 6)})
    assert score_class(METHOD, [only_teacher]).pupils[0].mean == D(3)


def test_percentages_add_up_to_a_hundred():
    assert shares([1, 1, 1]) == [34, 33, 33]
    assert sum(shares([2, 3, 7, 11])) == 100
    assert shares([0, 0]) == [0, 0]


def test_a_pooled_total_is_the_mean_over_all_pupils_and_has_no_pupil_rows():
    a = score_class(METHOD, [pupil(1, 5, 5, 5, 5, 5)])
    b = score_class(METHOD, [pupil(1, 3, 3, 3, 3, 3), pupil(2, 3, 3, 3, 3, 3), pupil(3, 3, 3, 3, 3, 3)])
    total = pool(METHOD, [a, b])
    assert (total.counted, total.mean_text, total.level, total.pupils) == (4, "3,5", "средний", ())
    assert [s.count for s in total.distribution] == [1, 0, 3, 0]
    assert a.aggregate().pupils == () and a.aggregate().mean == a.mean


def test_dynamics_from_september_to_may():
    september = score_class(METHOD, [pupil(1, 4, 4, 4, 4, 4)])
    may = score_class(METHOD, [pupil(1, 4, 4, 5, 4, 5)])
    assert Dynamics(september, may).change_text == "+0,4"
    assert Dynamics(may, september).change_text == "−0,4"
    assert Dynamics(september, None).change_text == "—"
    assert comma(None) == "—"


def test_a_changed_band_moves_the_pupil():
    grades = [pupil(1, 4, 4, 4, 5, 5)]  # 4,4
    assert score_class(METHOD, grades).pupils[0].level == "хороший"
    lower_high = MethodData(**{**METHOD.__dict__, "bands": (
        Band("высокий", D("4.4"), D("5")), Band("хороший", D("4.0"), D("4.4")), *BANDS[2:],
    )})
    assert score_class(lower_high, grades).pupils[0].level == "высокий"


def test_bands_with_a_gap_an_overlap_or_short_of_the_scale_are_refused():
    good = [(b.name, b.lower, b.upper) for b in BANDS]
    assert bands_problems(good, scale_min=1, scale_max=5) == []
    gap = [("высокий", D("4.5"), D("5")), ("хороший", D("4.0"), D("4.4")), ("низкий", D("1"), D("4.0"))]
    assert bands_problems(gap, scale_min=1, scale_max=5) == [
        "Между уровнями «хороший» и «высокий» разрыв: от 4,40 до 4,50."
    ]
    overlap = [("высокий", D("4.3"), D("5")), ("низкий", D("1"), D("4.5"))]
    assert "пересекаются" in bands_problems(overlap, scale_min=1, scale_max=5)[0]
    short = [("высокий", D("4.5"), D("4.9")), ("низкий", D("2"), D("4.5"))]
    assert len(bands_problems(short, scale_min=1, scale_max=5)) == 2
    assert bands_problems([], scale_min=1, scale_max=5)
