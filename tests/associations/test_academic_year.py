import datetime

import pytest

from associations.models import AcademicYear, Person


@pytest.mark.parametrize(
    ("day", "start_year"),
    [
        (datetime.date(2025, 9, 1), 2025),
        (datetime.date(2025, 8, 31), 2024),
        (datetime.date(2025, 12, 31), 2025),
        (datetime.date(2026, 1, 1), 2025),
        (datetime.date(2026, 8, 31), 2025),
        (datetime.date(2026, 9, 1), 2026),
    ],
)
def test_year_of_a_date(day, start_year):
    assert AcademicYear.start_year_for(day) == start_year


@pytest.mark.django_db
def test_year_is_written_with_a_slash_and_spans_september_to_august():
    year = AcademicYear.objects.for_date(datetime.date(2025, 10, 15))
    assert str(year) == "2025/2026"
    assert year.starts_on == datetime.date(2025, 9, 1)
    assert year.ends_on == datetime.date(2026, 8, 31)
    assert datetime.date(2026, 8, 31) in year
    assert datetime.date(2026, 9, 1) not in year


@pytest.mark.django_db
def test_current_year_is_created_once():
    assert AcademicYear.objects.current() == AcademicYear.objects.current()
    assert AcademicYear.objects.count() == 1


@pytest.mark.parametrize(
    ("since", "on", "years"),
    [
        (datetime.date(2020, 9, 1), datetime.date(2025, 8, 31), 4),
        (datetime.date(2020, 9, 1), datetime.date(2025, 9, 1), 5),
        (datetime.date(2020, 2, 29), datetime.date(2025, 2, 28), 4),
        (datetime.date(2026, 1, 1), datetime.date(2025, 1, 1), 0),
    ],
)
def test_experience_counts_full_years(since, on, years):
    assert Person(experience_since=since).experience_years(on=on) == years
