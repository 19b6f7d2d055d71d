import datetime

import pytest
from django.utils import timezone

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
def test_reading_the_current_year_never_writes(django_assert_num_queries):
    # The migration created the years up to the coming one; reading them is one SELECT each.
    with django_assert_num_queries(2):
        assert AcademicYear.objects.current() == AcademicYear.objects.current()
    current = AcademicYear.start_year_for(timezone.localdate())
    assert set(AcademicYear.objects.values_list("start_year", flat=True)) == set(range(2020, current + 2))


@pytest.mark.django_db
def test_a_missing_year_is_not_created_by_reading_it():
    with pytest.raises(AcademicYear.DoesNotExist):
        AcademicYear.objects.for_date(datetime.date(2060, 10, 1))
    assert not AcademicYear.objects.filter(start_year=2060).exists()


@pytest.mark.django_db
def test_the_academic_years_command_creates_the_coming_year_once(capsys):
    from django.core.management import call_command

    AcademicYear.objects.filter(start_year__gt=2021).delete()
    call_command("academic_years", "--until", "2023")
    assert "2022/2023, 2023/2024" in capsys.readouterr().out
    call_command("academic_years", "--until", "2023")
    assert "нет новых" in capsys.readouterr().out
    assert sorted(AcademicYear.objects.values_list("start_year", flat=True)) == [2020, 2021, 2022, 2023]


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


def test_a_missing_current_year_is_a_page_that_says_who_adds_it(world, client_for, monkeypatch):
    from django.utils import timezone

    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: datetime.date(2061, 10, 1))
    assert not AcademicYear.objects.filter(start_year=2061).exists()
    response = client_for(world.teacher).get("/")
    assert response.status_code == 503
    page = response.content.decode()
    assert "Учебный год не заведён" in page and "manage.py academic_years" in page
