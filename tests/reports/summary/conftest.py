"""The district summary's data: the world's district with its school МО given a year of varied
records (each МО a different number of each), and more schools of the same shape on demand."""

from __future__ import annotations

import datetime

import pytest

from associations.models import AcademicYear, AnnualPlan, ContestEntry, Level, PlanItem
from meetings.models import Material, Meeting
from tests import factories as f

HELD, CANCELLED, OPEN_EVENT = Meeting.Status.HELD, Meeting.Status.CANCELLED, Meeting.Kind.OPEN_EVENT
CONFIRMED = ContestEntry.Status.CONFIRMED


def _day(year, month: int, day: int = 10) -> datetime.date:
    """A day of the year (September–November: in the past, whatever today is)."""
    return datetime.date(year.start_year, month, day)


def _meeting(association, year, *, month=10, day=10, **fields) -> Meeting:
    return f.MeetingFactory(association=association, academic_year=year, starts_at=f.at(_day(year, month, day)),
                            **fields)


def fill_school(world, mo, i: int, *, venues=()) -> None:
    """A year of records for the school МО `mo`, `i` setting how many of each (0, 1, 2, …):
    members leading classes and a class teacher who is no member; an approved plan (even `i`)
    or a draft one; held, cancelled and scheduled meetings with attendance; an open meeting with
    its card, another card, a draft; talks at its own, the РМО's and another МО's meetings
    (`venues`); courses in and out of the three years; attestation, contests (confirmed or not),
    visits with recommendations, consultations — and records of the year before, never counted."""
    year = world.year
    school = mo.school
    people = f.add_members(world, 2 + i, association=mo, classes=True)
    f.ClassAssignmentFactory(teacher=f.PersonFactory(school=school), academic_year=year)  # not a member
    last_year = AcademicYear.objects.get(start_year=year.start_year - 1)
    f.MembershipFactory(association=mo, person=f.PersonFactory(school=school), academic_year=last_year)

    status = AnnualPlan.Status.APPROVED if i % 2 == 0 else AnnualPlan.Status.SUBMITTED
    plan = f.plan_with_items(mo, year, n_items=4 + i, status=status)
    items = list(plan.items.order_by("position"))
    for item in items[: i // 2 + 1]:
        PlanItem.objects.filter(pk=item.pk).update(execution="done", executed_on=_day(year, 10))
    PlanItem.objects.filter(pk=items[-1].pk).update(execution="cancelled", execution_note="нет помещения")

    for n in range(i + 1):
        meeting = _meeting(mo, year, theme=f"Заседание {n}", status=HELD, day=10 + n)
        for person in people:
            f.AttendanceFactory(meeting=meeting, person=person, present=person != people[-1] or n % 2 == 1,
                                absence_reason="" if person != people[-1] or n % 2 == 1 else "больничный лист")
        if n == 0:
            f.AgendaItemFactory(meeting=meeting, title="О наставничестве", speakers=[people[0], people[1]])
    _meeting(mo, year, theme="Отменённое", status=CANCELLED, cancel_reason="карантин")
    # A meeting that carries out the plan's last item («Открытые мероприятия»): a planned meeting.
    _meeting(mo, year, theme="Запланированное", month=11, plan_item=items[-1])
    _meeting(mo, last_year, theme="Прошлогоднее", status=HELD)

    open_meeting = _meeting(mo, year, theme="Открытый классный час", status=HELD, kind=OPEN_EVENT, month=11)
    f.AttendanceFactory(meeting=open_meeting, person=people[0])
    f.MaterialFactory(owner=people[0], title="Карточка того же часа", is_open_event=True, meeting=open_meeting)
    for n in range(i):
        f.MaterialFactory(owner=people[1], title=f"Открытое мероприятие {n}", is_open_event=True)
    f.MaterialFactory(owner=people[1], title="Черновик", is_open_event=True, visibility=Material.Visibility.DRAFT)
    f.MaterialFactory(owner=people[1], title="Обычный классный час")

    for venue in venues:
        f.AgendaItemFactory(meeting=venue, position=10 + mo.pk, title=f"Опыт {school.short_name}",
                            speakers=[people[i % len(people)]])

    f.CourseFactory(person=people[0], ends_on=_day(year, 10))
    f.CourseFactory(person=people[1], ends_on=datetime.date(year.start_year - 3, 6, 1))  # out of the window

    for person in people[:i]:
        f.AttestationFactory(person=person)
    f.AttestationFactory(person=people[0], academic_year=last_year, granted_on=_day(last_year, 10))

    f.ContestEntryFactory(person=people[0], level=Level.MUNICIPAL, result="winner", place=1, status=CONFIRMED)
    for _n in range(i):
        f.ContestEntryFactory(person=people[1], level=Level.SCHOOL, result="prize", place=2, status=CONFIRMED)
    f.ContestEntryFactory(person=people[1], status=CONFIRMED)  # a participant
    f.ContestEntryFactory(person=people[0], result="winner", place=1)  # not confirmed

    visit = f.VisitFactory(school=school, visited_person=people[0])
    f.VisitRecommendationFactory(visit=visit, done_on=_day(year, 11))
    for _n in range(i + 1):
        f.VisitRecommendationFactory(visit=visit)
    if i:
        f.VisitFactory(school=school)

    for _n in range(i + 1):
        f.ConsultationFactory(association=mo, consultant=people[0], consulted=[people[1]])
    f.ConsultationFactory(association=world.rmo, consultant=people[0], consulted=[people[1]])


def venues_of(world) -> list[Meeting]:
    """Held meetings where the schools' people speak: the РМО's seminar, and a held meeting of
    the other district's МО (not counted: another district)."""
    return [
        _meeting(world.rmo, world.year, theme="Семинар РМО", status=HELD, kind="seminar"),
        _meeting(world.other_district_mo, world.year, theme="Чужой район", status=HELD),
    ]


def add_schools(world, n: int, *, start: int = 0) -> list:
    """n more schools of the world's district, each with its МО filled (`fill_school`)."""
    venues = venues_of(world)
    result = []
    for k in range(n):
        mo = f.AssociationFactory(school=f.SchoolFactory(district=world.district), name=f"МО школы {start + k}")
        fill_school(world, mo, (start + k) % 4, venues=venues)
        result.append(mo)
    return result


@pytest.fixture
def district(world):
    """The world's district with its two school МО filled (i = 1 and 2), one more (i = 0), and a
    school МО with nothing at all this year."""
    venues = venues_of(world)
    fill_school(world, world.mo, 1, venues=venues)
    fill_school(world, world.other_mo, 2, venues=venues)
    extra = f.AssociationFactory(school=f.SchoolFactory(district=world.district, short_name="МБОУ «СОШ № 3»"),
                                 name="МО СОШ № 3")
    fill_school(world, extra, 0, venues=venues)
    empty = f.AssociationFactory(school=f.SchoolFactory(district=world.district, short_name="МБОУ «ООШ № 9»"),
                                 name="МО ООШ № 9")
    # The other district's МО has records too: never in this district's summary.
    fill_school(world, world.other_district_mo, 3)
    return {"mo": world.mo, "other_mo": world.other_mo, "extra": extra, "empty": empty}


@pytest.fixture
def more_schools(world):
    """more_schools(n, start=0): n more filled schools of the world's district."""
    return lambda n, start=0: add_schools(world, n, start=start)


@pytest.fixture
def two_schools(world):
    """The world's district as it is: its two school МО, filled (i = 1 and 2)."""
    venues = venues_of(world)
    fill_school(world, world.mo, 1, venues=venues)
    fill_school(world, world.other_mo, 2, venues=venues)
    return [world.mo, world.other_mo]
