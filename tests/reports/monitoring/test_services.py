"""The monitoring's writes (reports.monitoring.services): start, the grid's save, a new version."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from associations.models import ClassAssignment
from reports.monitoring import services
from reports.monitoring.models import ClassMonitoring, Grade, Method, MonitoredPupil
from reports.monitoring.scoring import PupilGrades, method_data
from rmo_portal.editors import VersionConflict
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def six_b(world):
    return ClassAssignment.objects.get(teacher=world.teacher_person, grade=6, letter="Б")


def _grades(method, value=4, *, number=1, initials=""):
    data = method_data(method)
    return PupilGrades(number=number, initials=initials,
                       grades={(q.id, r): value for q in data.qualities for r in data.raters})


def test_the_seeded_methods_cover_every_grade_with_their_qualities(world):
    primary, secondary = services.current_method(3), services.current_method(9)
    assert (primary.grade_from, primary.grade_to, secondary.grade_from, secondary.grade_to) == (1, 4, 5, 11)
    assert [q.name for q in primary.qualities.all()] == [
        "Любознательность", "Прилежание (трудолюбие)", "Отношение к природе", "Я и школа", "Прекрасное в моей жизни",
    ]
    assert secondary.qualities.count() == 10
    assert all(q.indicators.exists() for q in secondary.qualities.all())
    assert [b.name for b in primary.bands.all()] == ["высокий", "хороший", "средний", "низкий"]
    assert services.methods_seed() == 0  # idempotent


def test_the_class_teacher_starts_a_period_once(world, six_b):
    monitoring = services.monitoring_start(user=world.teacher, class_assignment=six_b, period="may")
    assert (monitoring.method.grade_from, monitoring.period_label) == (5, "май")
    with pytest.raises(ValidationError) as refused:
        services.monitoring_start(user=world.head, class_assignment=six_b, period="may")
    assert refused.value.message_dict == {
        "period": ["Мониторинг класса за этот срок уже начат: откройте его в списке."]
    }
    named = services.monitoring_start(
        user=world.head, class_assignment=six_b, period="named", period_name="  декабрь (промежуточный) "
    )
    assert named.period_label == "декабрь (промежуточный)"
    with pytest.raises(ValidationError) as unnamed:
        services.monitoring_start(user=world.teacher, class_assignment=six_b, period="named", period_name=" ")
    assert "period_name" in unnamed.value.message_dict


@pytest.mark.parametrize("who", ["deputy", "methodologist", "other_deputy"])
def test_readers_and_outsiders_do_not_start(world, six_b, who):
    with pytest.raises(PermissionDenied):
        services.monitoring_start(user=getattr(world, who), class_assignment=six_b, period="may")
    assert not ClassMonitoring.objects.exists()


def test_the_grid_is_saved_whole_with_the_version_checked(world, six_b):
    monitoring = services.monitoring_start(user=world.teacher, class_assignment=six_b, period="september")
    method = monitoring.method
    pupils = [_grades(method, 4, number=n) for n in range(1, 25)]
    saved = services.grid_save(user=world.teacher, monitoring=monitoring, version=1, pupils=pupils)
    assert saved.version == 2
    assert MonitoredPupil.objects.filter(monitoring=monitoring).count() == 24
    assert Grade.objects.filter(pupil__monitoring=monitoring).count() == 24 * 10 * 2
    # The head saved the grid meanwhile; the teacher's older version is refused, nothing changes.
    services.grid_save(user=world.head, monitoring=monitoring, version=2, pupils=pupils[:20])
    with pytest.raises(VersionConflict) as conflict:
        services.grid_save(user=world.teacher, monitoring=monitoring, version=2, pupils=pupils)
    assert "Таблицу уже сохранил другой пользователь" in str(conflict.value)
    assert conflict.value.obj.version == 3
    assert MonitoredPupil.objects.filter(monitoring=monitoring).count() == 20


@pytest.mark.parametrize(
    ("pupil", "message"),
    [
        (dict(value=7), "Оценки — только баллы шкалы методики: 5, 4, 3, 2, 1 (не 7)."),
        (dict(initials="Иванов"), "Только инициалы, например «А.П.»"),
        (dict(number=41), "Номер ученика — от 1 до 40."),
    ],
)
def test_a_bad_row_saves_nothing(world, six_b, pupil, message):
    monitoring = services.monitoring_start(user=world.teacher, class_assignment=six_b, period="september")
    with pytest.raises(ValidationError) as refused:
        services.grid_save(user=world.teacher, monitoring=monitoring, version=1,
                           pupils=[_grades(monitoring.method, number=2), _grades(monitoring.method, **pupil)])
    assert message in refused.value.messages[0]
    assert not MonitoredPupil.objects.exists()


def test_numbers_are_unique_in_a_class(world, six_b):
    monitoring = services.monitoring_start(user=world.teacher, class_assignment=six_b, period="september")
    with pytest.raises(ValidationError) as refused:
        services.grid_save(user=world.teacher, monitoring=monitoring, version=1,
                           pupils=[_grades(monitoring.method, number=3), _grades(monitoring.method, number=3)])
    assert refused.value.messages == ["Номера учеников повторяются: 3."]


def test_the_deputy_reads_but_does_not_save(world, six_b):
    monitoring = f.class_monitoring(six_b)
    with pytest.raises(PermissionDenied):
        services.grid_save(user=world.deputy, monitoring=monitoring, version=1, pupils=[])


def test_a_new_version_is_a_copy_made_current_and_new_monitorings_take_it(world, six_b):
    used = f.class_monitoring(six_b).method
    assert used.in_use()
    new = services.method_new_version(method=used)
    used.refresh_from_db()
    assert (new.version, new.is_current, used.is_current, new.previous) == (2, True, False, used)
    assert [q.name for q in new.qualities.all()] == [q.name for q in used.qualities.all()]
    def indicators(method):
        return sum(q.indicators.count() for q in method.qualities.all())

    def bands(method):
        return [(b.name, b.lower, b.upper) for b in method.bands.all()]

    assert (indicators(new), bands(new)) == (indicators(used), bands(used))
    assert not new.in_use()
    assert services.monitoring_start(user=world.teacher, class_assignment=six_b, period="may").method == new
    assert Method.objects.filter(name=used.name).count() == 2


def test_a_method_in_use_never_changes_by_any_path_that_saves(world, six_b):
    method = f.class_monitoring(six_b).method
    band = method.bands.get(name="хороший")
    band.lower = "4.2"
    with pytest.raises(ValidationError, match="уже сохранены результаты"):
        band.save()
    quality = method.qualities.first()
    with pytest.raises(ValidationError):
        quality.indicators.first().delete()
    with pytest.raises(ValidationError):
        quality.delete()
    method.grade_to = 9
    with pytest.raises(ValidationError):
        method.save()
    method.refresh_from_db()
    method.note = "Версия прошлого года."  # a note or retiring it is not a change of the method
    method.is_current = False
    method.save()
    assert method.bands.get(name="хороший").lower == 4
    assert quality.indicators.count() == 3
