"""The nomination service's rules (who nominates whom, the association, the outcome's transitions
and dates, the version) and the teacher page's selector of a person's nominations."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from associations.models import Nomination
from associations.records.nominations import selectors, services
from rmo_portal.editors import VersionConflict
from tests import factories as f

Outcome = Nomination.Outcome


def october(world, day: int = 7) -> datetime.date:
    return datetime.date(world.year.start_year, 10, day)


def values(world, **changes) -> dict:
    data = {
        "person": world.teacher_person, "association": world.mo, "reason": "За классный час года",
        "award": "Грамота", "addressee": Nomination.Addressee.SCHOOL, "nominated_on": october(world),
    }
    data.update(changes)
    return data


def save(world, *, user=None, nomination=None, version=None, **changes):
    return services.nomination_save(
        nomination=nomination or Nomination(), values=values(world, **changes), user=user or world.head,
        version=version,
    )


def test_nobody_nominates_themselves(world):
    with pytest.raises(ValidationError) as error:
        save(world, person=world.head_person)
    assert error.value.message_dict["person"] == [
        "Ходатайство о собственном поощрении не оформляют: его вносит руководитель МО или методист района."
    ]
    with pytest.raises(ValidationError):
        save(world, user=world.methodologist, person=world.methodologist.person, association=world.rmo)


def test_the_head_for_their_school_the_methodologist_for_the_district(world):
    other = f.PersonFactory(school=world.other_school)
    with pytest.raises(ValidationError) as error:
        save(world, person=other, association=None)
    assert "руководитель МО — за педагогов своей школы" in error.value.message_dict["person"][0]
    with pytest.raises(ValidationError):
        save(world, user=world.deputy, association=None)  # the deputy reads, never nominates
    with pytest.raises(ValidationError):
        save(world, user=world.other_district_methodologist, association=None)
    assert save(world, user=world.methodologist, person=other, association=world.rmo).person == other
    assert save(world).association == world.mo


def test_the_association_is_one_the_user_writes_and_the_persons(world):
    with pytest.raises(ValidationError) as error:
        save(world, user=world.methodologist, association=world.mo)
    assert error.value.message_dict["association"] == ["От имени этого объединения вы не ходатайствуете."]
    far = f.PersonFactory(school=world.other_district_mo.school, last_name="Дальняя")
    with pytest.raises(ValidationError) as error:
        save(world, user=world.admin, person=far, association=world.rmo)
    assert error.value.message_dict["association"] == ["Дальняя М.П. работает в другом районе."]
    assert save(world, user=world.methodologist, association=None).association is None


def test_the_outcome_goes_from_pending_once(world):
    nomination = save(world)
    assert nomination.outcome == Outcome.PENDING and nomination.outcome_on is None
    with pytest.raises(ValidationError) as error:
        save(world, nomination=nomination, version=1, outcome=Outcome.GRANTED, outcome_on=None)
    assert error.value.message_dict["outcome_on"] == ["Укажите дату итога."]
    nomination = Nomination.objects.get()
    save(world, nomination=nomination, version=1, outcome=Outcome.REFUSED, outcome_on=october(world, 12))
    for to in (Outcome.PENDING, Outcome.GRANTED):
        nomination = Nomination.objects.get()
        with pytest.raises(ValidationError) as error:
            day = None if to == Outcome.PENDING else october(world, 12)
            save(world, nomination=nomination, version=2, outcome=to, outcome_on=day)
        assert "изменить его нельзя" in error.value.message_dict["outcome"][0]
    assert Nomination.objects.get().outcome == Outcome.REFUSED


def test_the_outcome_date(world):
    nomination = save(world)
    with pytest.raises(ValidationError) as error:
        save(world, nomination=nomination, version=1, outcome_on=october(world, 12))
    assert error.value.message_dict["outcome_on"] == ["Ходатайство ещё на рассмотрении: дату итога не указывают."]
    with pytest.raises(ValidationError) as error:
        save(world, nomination=Nomination.objects.get(), version=1, outcome=Outcome.GRANTED,
             outcome_on=october(world, 6))
    assert error.value.message_dict["outcome_on"] == ["Итог не может быть раньше ходатайства."]


def test_a_stale_version_is_a_conflict(world):
    nomination = save(world)
    save(world, nomination=nomination, version=1, award="Благодарность")
    with pytest.raises(VersionConflict) as conflict:
        save(world, nomination=Nomination.objects.get(), version=1, award="Премия")
    assert conflict.value.obj.award == "Благодарность"
    assert Nomination.objects.get().award == "Благодарность"


def test_change_and_delete_are_the_writers(world):
    nomination = save(world)
    with pytest.raises(PermissionDenied):
        save(world, user=world.deputy, nomination=nomination, version=1)
    with pytest.raises(PermissionDenied):
        services.nomination_delete(nomination=nomination, user=world.teacher)
    services.nomination_delete(nomination=nomination, user=world.methodologist)
    assert not Nomination.objects.exists()


# --- the teacher's page: a person's nominations --------------------------------------------------


def test_nominations_of_a_person_newest_first_in_one_query(world, django_assert_num_queries):
    teacher = world.teacher_person
    early = f.NominationFactory(person=teacher, association=world.mo, nominated_on=october(world, 2))
    late = f.NominationFactory(person=teacher, association=world.rmo, nominated_on=october(world, 20))
    f.NominationFactory(person=world.head_person, association=world.rmo)
    # 1 the nominations with their associations, schools and years
    with django_assert_num_queries(1):
        rows = selectors.nominations_of(person=teacher)
        labels = [(n.association.name, n.academic_year.start_year) for n in rows]
    assert rows == [late, early] and len(labels) == 2
    for _ in range(10):
        f.NominationFactory(person=teacher, association=world.mo)
    with django_assert_num_queries(1):
        rows = selectors.nominations_of(person=teacher)
        labels = [(n.association.name if n.association else "", n.academic_year.start_year) for n in rows]
    assert len(labels) == 12
