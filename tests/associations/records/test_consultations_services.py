"""The consultation service's rules (the people of each kind, the district, the logs the user
writes, the version) and the teacher page's selector of a person's consultations."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from associations.models import Consultation
from associations.records.consultations import selectors, services
from rmo_portal.editors import VersionConflict
from tests import factories as f


def october(world, day: int = 7) -> datetime.date:
    return datetime.date(world.year.start_year, 10, day)


def values(world, **changes) -> dict:
    data = {
        "association": world.mo, "kind": Consultation.Kind.INDIVIDUAL, "topic": "Работа с родителями",
        "consultant": world.head_person, "held_on": october(world), "form": Consultation.Form.IN_PERSON,
        "duration_minutes": 30,
    }
    data.update(changes)
    return data


def save(world, *, user=None, consulted=None, consultation=None, version=None, **changes):
    return services.consultation_save(
        consultation=consultation or Consultation(), values=values(world, **changes),
        consulted=[world.teacher_person] if consulted is None else consulted, user=user or world.head,
        version=version,
    )


def test_an_individual_consultation_is_for_one_person(world):
    consultation = save(world)
    assert list(consultation.consulted.all()) == [world.teacher_person]
    assert consultation.academic_year == world.year
    with pytest.raises(ValidationError) as error:
        save(world, consulted=[world.teacher_person, f.PersonFactory(school=world.school)])
    assert "для одного человека, а выбрано 2" in error.value.message_dict["consulted"][0]
    with pytest.raises(ValidationError) as error:
        save(world, consulted=[])
    assert "выберите одного" in error.value.message_dict["consulted"][0]


def test_a_group_consultation_is_for_two_or_more(world):
    with pytest.raises(ValidationError) as error:
        save(world, kind=Consultation.Kind.GROUP)
    assert error.value.message_dict["consulted"] == [
        "Групповая консультация — для двух человек и больше. Для одного человека укажите вид «индивидуальная»."
    ]
    group = save(world, kind=Consultation.Kind.GROUP, consulted=[world.teacher_person, world.deputy.person])
    assert group.consulted.count() == 2


def test_the_people_are_the_districts_and_the_consultant_is_not_among_them(world):
    far = f.PersonFactory(school=world.other_district_mo.school, last_name="Дальняя")
    with pytest.raises(ValidationError) as error:
        save(world, consulted=[far])
    assert "Не из района объединения: Дальняя М.П." in error.value.message_dict["consulted"][0]
    with pytest.raises(ValidationError) as error:
        save(world, consultant=far)
    assert error.value.message_dict["consultant"] == ["Консультант — не из района объединения."]
    with pytest.raises(ValidationError) as error:
        save(world, consulted=[world.head_person])
    assert "консультант" in error.value.message_dict["consulted"][0]
    # The other school of the district is the district's: the РМО's and a school МО's logs both name it.
    other = f.PersonFactory(school=world.other_school)
    assert list(save(world, consulted=[other]).consulted.all()) == [other]


def test_too_many_people_are_refused(world):
    people = [f.PersonFactory(school=world.school) for _ in range(services.CONSULTED_MAX + 1)]
    with pytest.raises(ValidationError) as error:
        save(world, kind=Consultation.Kind.GROUP, consulted=people)
    assert "не больше 100 человек" in error.value.message_dict["consulted"][0]


def test_the_duration_and_the_year_are_the_models(world):
    with pytest.raises(ValidationError) as error:
        save(world, duration_minutes=481)
    assert "duration_minutes" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        save(world, held_on=datetime.date(2090, 10, 1))
    assert "учебный год не заведён" in error.value.message_dict["held_on"][0]


def test_only_the_logs_writers_save_into_it(world):
    with pytest.raises(PermissionDenied):
        save(world, user=world.deputy)  # the deputy oversees the school МО's log: reads, never writes
    with pytest.raises(PermissionDenied):
        save(world, user=world.methodologist)  # the methodologist writes the РМО's log, not a school's
    consultation = save(world, user=world.methodologist, association=world.rmo, consultant=world.methodologist.person)
    # Moving it into a log the user does not write is refused too.
    with pytest.raises(PermissionDenied):
        save(world, user=world.methodologist, consultation=consultation, association=world.mo, version=1)
    assert Consultation.objects.get().association == world.rmo


def test_a_stale_version_is_a_conflict_and_writes_nothing(world):
    consultation = save(world)
    save(world, consultation=consultation, version=1, topic="Первая правка")
    with pytest.raises(VersionConflict) as conflict:
        save(world, consultation=Consultation.objects.get(), version=1, topic="Вторая правка")
    assert conflict.value.obj.topic == "Первая правка"
    assert Consultation.objects.get().topic == "Первая правка"


def test_delete_is_the_writers(world):
    consultation = save(world)
    with pytest.raises(PermissionDenied):
        services.consultation_delete(consultation=consultation, user=world.deputy)
    services.consultation_delete(consultation=consultation, user=world.head)
    assert not Consultation.objects.exists()


# --- the teacher's page: a person's consultations ------------------------------------------------


def test_consultations_of_a_person_consulted_or_consulting_newest_first(world):
    teacher = world.teacher_person
    consulted = f.ConsultationFactory(
        association=world.mo, consultant=world.head_person, consulted=[teacher], held_on=october(world, 3)
    )
    group = f.ConsultationFactory(
        association=world.rmo, kind=Consultation.Kind.GROUP, consultant=world.methodologist.person,
        consulted=[teacher, world.head_person], held_on=october(world, 20),
    )
    consulting = f.ConsultationFactory(
        association=world.mo, consultant=teacher, consulted=[world.head_person], held_on=october(world, 10)
    )
    f.ConsultationFactory(association=world.mo, consultant=world.head_person, consulted=[world.deputy.person])
    assert selectors.consultations_of(person=teacher) == [group, consulting, consulted]


def test_consultations_of_reads_two_queries_whatever_their_number(world, django_assert_num_queries):
    teacher = world.teacher_person

    def add():
        f.ConsultationFactory(
            association=world.mo, kind=Consultation.Kind.GROUP, consultant=world.head_person,
            consulted=[teacher, f.PersonFactory(school=world.school)],
        )

    add()
    # 1 the consultations with their logs, schools, consultants and years, 2 their people (prefetch)
    with django_assert_num_queries(2):
        rows = selectors.consultations_of(person=teacher)
        names = [[p.short_name for p in c.consulted.all()] + [c.consultant.short_name, c.association.name]
                 for c in rows]
    assert len(names) == 1
    for _ in range(10):
        add()
    with django_assert_num_queries(2):
        rows = selectors.consultations_of(person=teacher)
        names = [[p.short_name for p in c.consulted.all()] + [c.consultant.short_name, c.association.name]
                 for c in rows]
    assert len(names) == 11
