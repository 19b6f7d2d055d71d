"""What the analysis' tests build, shared by the test modules of this folder (a test module never
imports another): a school МО's year with a record of every kind (`year_of_records`), a day and a
meeting of the world's year, a held meeting with its attendance (`held_meeting`)."""

from __future__ import annotations

import datetime

from django.utils import timezone

from associations.models import (
    AcademicYear,
    AnnualPlan,
    Consultation,
    ContestEntry,
    Level,
    Person,
    PlanItem,
)
from meetings.models import Material, Meeting
from tests import factories as f

HELD, CANCELLED, OPEN_EVENT = Meeting.Status.HELD, Meeting.Status.CANCELLED, Meeting.Kind.OPEN_EVENT


def day_of(world, month: int, day: int = 10) -> datetime.date:
    """A day of the world's year (September–November: in the past, whatever today is)."""
    return datetime.date(world.year.start_year, month, day)


def meeting_of(world, *, association=None, month=10, day=10, **fields) -> Meeting:
    return f.MeetingFactory(
        association=association or world.mo, academic_year=world.year, starts_at=f.at(day_of(world, month, day)),
        **fields,
    )


def year_of_records(world, extra: int = 0) -> dict:
    """A school МО's year with one record of every kind counted (and one beside it that is not),
    and `extra` more members, each with a class, a held meeting with a talk and attendance, a
    confirmed contest entry, a course, a visit's recommendation and a consultation."""
    year, school, mo = world.year, world.school, world.mo
    head, teacher = world.head_person, world.teacher_person
    Person.objects.filter(pk=head.pk).update(experience_since=datetime.date(2024, 9, 1), category="first",
                                             education=Person.Education.VOCATIONAL_PEDAGOGICAL)
    Person.objects.filter(pk=teacher.pk).update(experience_since=datetime.date(2000, 9, 1), category="highest")
    people = f.add_members(world, extra, classes=True)
    staff = [head, teacher, *people]

    plan = f.plan_with_items(mo, year, n_items=4, status=AnnualPlan.Status.APPROVED)
    items = list(plan.items.order_by("position"))  # 1, 2: «Заседания МО»; 3, 4: «Открытые мероприятия»
    PlanItem.objects.filter(pk=items[0].pk).update(execution="done", executed_on=day_of(world, 10))
    PlanItem.objects.filter(pk=items[2].pk).update(execution="moved", moved_timing="декабрь", execution_note="карантин")
    PlanItem.objects.filter(pk=items[3].pk).update(execution="cancelled", execution_note="нет помещения")

    session = meeting_of(world, theme="Установочное заседание", status=HELD, plan_item=items[0], month=9)
    f.AttendanceFactory(meeting=session, person=head)
    f.AttendanceFactory(meeting=session, person=teacher, present=False, absence_reason="больничный лист")
    meeting_of(world, theme="Заседание о буллинге", status=CANCELLED, cancel_reason="карантин", plan_item=items[1])
    meeting_of(world, theme="Заседание в ноябре", month=11)  # scheduled, not held yet
    open_meeting = meeting_of(world, theme="Открытый классный час «Герои»", status=HELD, kind=OPEN_EVENT, month=11)
    f.AgendaItemFactory(meeting=open_meeting, title="О классном часе «Герои»", speakers=[teacher])
    f.AttendanceFactory(meeting=open_meeting, person=head)
    f.AttendanceFactory(meeting=open_meeting, person=teacher)

    rmo_meeting = meeting_of(world, association=world.rmo, theme="Семинар РМО", status=HELD, kind="seminar")
    f.AgendaItemFactory(meeting=rmo_meeting, title="Об опыте работы с родителями", speakers=[teacher])
    f.AgendaItemFactory(meeting=rmo_meeting, position=2, title="О чужом докладе",
                        speakers=[f.PersonFactory(school=world.other_school)])
    other_meeting = meeting_of(world, association=world.other_mo, theme="Заседание СОШ № 2", status=HELD)
    f.AgendaItemFactory(meeting=other_meeting, title="О профориентации", speakers=[head])
    planned_rmo = meeting_of(world, association=world.rmo, theme="Будущий семинар", month=11)
    f.AgendaItemFactory(meeting=planned_rmo, title="О будущем", speakers=[head])  # not held: no talk yet

    f.MaterialFactory(owner=teacher, title="Открытое мероприятие «Дружба»", is_open_event=True, grades=[6])
    f.MaterialFactory(owner=teacher, title="Карточка того же часа", is_open_event=True, meeting=open_meeting,
                      grades=[6])
    f.MaterialFactory(owner=teacher, title="Черновик открытого", is_open_event=True,
                      visibility=Material.Visibility.DRAFT)
    f.MaterialFactory(owner=teacher, title="Обычный классный час")
    f.MaterialFactory(owner=f.PersonFactory(school=world.other_school), title="Открытое в СОШ № 2",
                      is_open_event=True)

    winner = f.ContestEntryFactory(person=teacher, level=Level.MUNICIPAL, result="winner", place=1,
                                   status=ContestEntry.Status.CONFIRMED)
    f.ContestEntryFactory(person=head, level=Level.SCHOOL, status=ContestEntry.Status.CONFIRMED)
    f.ContestEntryFactory(person=head, level=Level.REGIONAL, result="winner")  # waits for confirmation
    f.ContestEntryFactory(person=f.PersonFactory(school=world.other_school, last_name="Чужая"),
                          status=ContestEntry.Status.CONFIRMED)

    f.AttestationFactory(person=teacher, category="highest")  # this year: indefinite
    granted = year.start_year - 4  # before 01.09.2023: the category expires five years on, next academic year
    f.AttestationFactory(
        person=head, category="first", academic_year=AcademicYear.objects.get(start_year=granted),
        granted_on=datetime.date(granted, 10, 7), expires_on=datetime.date(granted + 5, 10, 6),
    )
    f.AttestationApplicationFactory(person=head)

    f.CourseFactory(person=teacher, hours=72)

    visit = f.VisitFactory(school=school, visited_person=teacher)
    f.VisitRecommendationFactory(visit=visit, done_on=day_of(world, 11))
    f.VisitRecommendationFactory(visit=visit)
    f.VisitRecommendationFactory(visit=f.VisitFactory(school=world.other_school))

    f.ConsultationFactory(association=mo, consultant=head, consulted=[teacher])
    f.ConsultationFactory(association=mo, consultant=head, kind=Consultation.Kind.GROUP, consulted=[teacher, head],
                          topic="Классный час по ФРП")
    f.ConsultationFactory(association=world.rmo, consultant=head, consulted=[head])

    for person in people:
        meeting = meeting_of(world, theme=f"Заседание {person.last_name}", status=HELD, month=10, day=20)
        f.AgendaItemFactory(meeting=meeting, title=f"О докладе {person.last_name}", speakers=[person])
        f.AttendanceFactory(meeting=meeting, person=person)
        f.ContestEntryFactory(person=person, status=ContestEntry.Status.CONFIRMED)
        f.CourseFactory(person=person)
        f.VisitRecommendationFactory(visit=visit)
        f.ConsultationFactory(association=mo, consultant=head, consulted=[person])
        for assignment in person.class_assignments.all():
            f.class_monitoring(assignment, pupils=5)

    six_b = teacher.class_assignments.get()
    f.class_monitoring(six_b, pupils=6, values=lambda n, q, r: 1)  # September: low
    f.class_monitoring(six_b, period="may", pupils=6)  # May: all 4
    small = f.ClassAssignmentFactory(teacher=head, academic_year=year, grade=6, letter="А")
    f.class_monitoring(small, pupils=3)
    return {"staff": staff, "plan": plan, "session": session, "open_meeting": open_meeting, "winner": winner,
            "visit": visit, "six_b": six_b}


def held_meeting(world, *, day: int = 20, theme: str = "Итоги четверти") -> Meeting:
    starts = timezone.make_aware(datetime.datetime.combine(world.year.starts_on + datetime.timedelta(days=day),
                                                           datetime.time(15)))
    starts = min(starts, timezone.now() - datetime.timedelta(hours=1))
    meeting = f.MeetingFactory(association=world.mo, starts_at=starts, academic_year=world.year, theme=theme,
                               status=Meeting.Status.HELD)
    f.AttendanceFactory(meeting=meeting, person=world.teacher_person, present=True)
    f.AttendanceFactory(meeting=meeting, person=world.head_person, present=False, absence_reason="болезнь")
    return meeting
