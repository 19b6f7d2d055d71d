"""Every write of the monitoring: a class's monitoring started for a period, its grid saved in one
go (the grid page and the XLSX import both), a method's new version, the seeded methods.

The checks of a pupil's row (`pupil_problems`) are here once: the grid's form shows them next
to the row, the import in its per-row report.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from associations import access
from associations.models import ClassAssignment
from reports.monitoring import kapustina
from reports.monitoring.models import (
    INITIALS_RE,
    MAX_PUPILS,
    ClassMonitoring,
    Grade,
    Indicator,
    LevelBand,
    Method,
    MethodRater,
    MonitoredPupil,
    Period,
    Quality,
    ScaleValue,
)
from reports.monitoring.scoring import MethodData, PupilGrades, method_data
from rmo_portal.editors import VersionConflict

METHOD_PREFETCH = ("qualities", "raters", "scale", "bands")


def methods_seed() -> int:
    """The seeded versions of Капустина's method, where they are missing (a flushed database)."""
    return kapustina.seed(
        Method=Method, MethodRater=MethodRater, Quality=Quality, Indicator=Indicator,
        ScaleValue=ScaleValue, LevelBand=LevelBand,
    )


def current_method(grade: int) -> Method:
    """The current version of the method for a class of `grade` (with its data prefetched)."""
    method = (
        Method.objects.filter(is_current=True, grade_from__lte=grade, grade_to__gte=grade)
        .prefetch_related(*METHOD_PREFETCH)
        .order_by("-version", "pk")
        .first()
    )
    if method is None:
        raise ValidationError(
            _("Для %(grade)s класса нет действующей методики: её добавляет администратор.") % {"grade": grade}
        )
    return method


def monitoring_start(*, user, class_assignment: ClassAssignment, period: str, period_name: str = "") -> ClassMonitoring:
    """A class's monitoring for a period, by the current method for its grade. The class's writers
    only (its class teacher, the school's МО head); a period already started is refused."""
    if not access.allows(user, "monitored_class", class_assignment, "write"):
        raise PermissionDenied
    period_name = period_name.strip() if period == Period.NAMED else ""
    method = current_method(class_assignment.grade)
    monitoring = ClassMonitoring(
        class_assignment=class_assignment, method=method, period=period, period_name=period_name, updated_by=user,
    )
    monitoring.full_clean(exclude=["class_assignment", "method", "updated_by"], validate_unique=False)
    if ClassMonitoring.objects.filter(
        class_assignment=class_assignment, period=period, period_name=period_name
    ).exists():
        raise ValidationError(
            {"period": _("Мониторинг класса за этот срок уже начат: откройте его в списке.")}
        )
    try:
        with transaction.atomic():
            monitoring.save()
    except IntegrityError:  # started by someone else a moment ago
        raise ValidationError(
            {"period": _("Мониторинг класса за этот срок уже начат: откройте его в списке.")}
        ) from None
    return monitoring


def pupil_problems(method: MethodData, pupil: PupilGrades) -> list[str]:
    """What is wrong with one pupil's row, in Russian (empty when it may be saved)."""
    problems = []
    if not 1 <= pupil.number <= MAX_PUPILS:
        problems.append(_("Номер ученика — от 1 до %(max)s.") % {"max": MAX_PUPILS})
    if pupil.initials and not INITIALS_RE.match(pupil.initials):
        problems.append(
            _("Только инициалы, например «А.П.»: полное имя ребёнка — его персональные данные, оно сюда не вносится.")
        )
    qualities = {quality.id for quality in method.qualities}
    values = method.values
    bad = sorted({value for (quality, rater), value in pupil.grades.items()
                  if quality in qualities and rater in method.raters and value not in values})
    if bad:
        problems.append(
            _("Оценки — только баллы шкалы методики: %(scale)s (не %(bad)s).")
            % {"scale": ", ".join(str(v) for v, _label in method.scale), "bad": ", ".join(str(v) for v in bad)}
        )
    if any(quality not in qualities or rater not in method.raters for quality, rater in pupil.grades):
        problems.append(_("Оценка по качеству или от оценивающего, которых нет в методике."))
    return problems


def grid_save(*, user, monitoring: ClassMonitoring, version: int, pupils: Sequence[PupilGrades]) -> ClassMonitoring:
    """Replaces the class's pupils and grades with `pupils`, in one transaction, with the
    optimistic lock: a `version` older than the monitoring's raises VersionConflict and saves
    nothing. Every row is checked (`pupil_problems`); numbers are unique in the class."""
    if not access.allows(user, "monitoring", monitoring, "write"):
        raise PermissionDenied
    method = method_data(
        Method.objects.prefetch_related(*METHOD_PREFETCH).get(pk=monitoring.method_id)
    )
    if len(pupils) > MAX_PUPILS:
        raise ValidationError(_("В классе не больше %(max)s учеников.") % {"max": MAX_PUPILS})
    numbers = [pupil.number for pupil in pupils]
    twice = sorted({number for number in numbers if numbers.count(number) > 1})
    if twice:
        raise ValidationError(
            _("Номера учеников повторяются: %(numbers)s.") % {"numbers": ", ".join(str(n) for n in twice)}
        )
    for pupil in pupils:
        problems = pupil_problems(method, pupil)
        if problems:
            raise ValidationError(
                _("Ученик № %(number)s: %(problems)s") % {"number": pupil.number, "problems": " ".join(problems)}
            )
    with transaction.atomic():
        current = ClassMonitoring.objects.select_for_update().get(pk=monitoring.pk)
        if version < current.version:
            who = current.updated_by.get_full_name() or current.updated_by.get_username() if current.updated_by else ""
            raise VersionConflict(
                current,
                _("Таблицу уже сохранил другой пользователь (%(who)s): ваши оценки не сохранены. "
                  "Проверьте его изменения; сохраните ещё раз, чтобы записать свои.") % {"who": who or "—"},
            )
        MonitoredPupil.objects.filter(monitoring=current).delete()
        rows = MonitoredPupil.objects.bulk_create(
            MonitoredPupil(monitoring=current, number=pupil.number, initials=pupil.initials) for pupil in pupils
        )
        Grade.objects.bulk_create(
            Grade(pupil=row, quality_id=quality, rater=rater, value=value)
            for row, pupil in zip(rows, pupils, strict=True)
            for (quality, rater), value in sorted(pupil.grades.items())
        )
        current.version += 1
        current.updated_by = user
        current.save(update_fields=["version", "updated_by", "updated_at"])
    return current


def method_new_version(*, method: Method) -> Method:
    """A copy of `method` as its next version, made current in its place: its qualities with their
    indicators, raters, scale and bands; the old version stays as the results that use it left
    it. Made by the admin (the admin's action)."""
    with transaction.atomic():
        source = Method.objects.select_for_update().get(pk=method.pk)
        latest = Method.objects.filter(name=source.name).order_by("-version").values_list("version", flat=True)[0]
        copy = Method.objects.create(
            name=source.name, author=source.author, version=latest + 1, grade_from=source.grade_from,
            grade_to=source.grade_to, level_rule=source.level_rule, decimals=source.decimals, is_current=True,
            previous=source, note=source.note,
        )
        Method.objects.filter(name=source.name).exclude(pk=copy.pk).update(is_current=False)
        MethodRater.objects.bulk_create(
            MethodRater(method=copy, rater=r.rater, position=r.position) for r in source.raters.all()
        )
        ScaleValue.objects.bulk_create(
            ScaleValue(method=copy, value=s.value, label=s.label) for s in source.scale.all()
        )
        LevelBand.objects.bulk_create(
            LevelBand(method=copy, name=b.name, lower=b.lower, upper=b.upper) for b in source.bands.all()
        )
        for quality in source.qualities.prefetch_related("indicators"):
            new = Quality.objects.create(
                method=copy, position=quality.position, name=quality.name, short_name=quality.short_name
            )
            Indicator.objects.bulk_create(
                Indicator(quality=new, position=i.position, text=i.text) for i in quality.indicators.all()
            )
    return copy
