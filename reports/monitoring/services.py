"""Every write of the monitoring: a class's monitoring started for a period, its grid saved in one
go (the grid page and the XLSX import both), a method's new version, the seeded methods.

The checks of a pupil's row (`pupil_problems`) are here once: the grid's form shows them next
to the row, the import in its per-row report.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import PurePath

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from associations import access, sheets
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
from reports.monitoring.scoring import MethodData, PupilGrades, method_data, score_class
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
            # The method's row locked: an admin saving it (who locks it too) cannot change it
            # between the check that it is still unused and the first monitoring that uses it.
            list(Method.objects.select_for_update().filter(pk=method.pk).values_list("pk"))
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


# --- the XLSX import (helper: import) -------------------------------------------------------------


@dataclass
class GridImportReport(sheets.RowReport):
    """What an upload of the grid's workbook found: the wrong rows (nothing saved then), or the
    pupils saved and how many of them the results count."""

    pupils: int = 0
    counted: int = 0

    @property
    def summary(self) -> str:
        return ngettext(
            "Таблица загружена из файла: %(count)d ученик, учтено в результатах — %(counted)d.",
            "Таблица загружена из файла: %(count)d учеников, учтено в результатах — %(counted)d.",
            self.pupils,
        ) % {"count": self.pupils, "counted": self.counted}


def _cell_number(raw: str) -> int | None:
    return int(raw) if raw.isdecimal() and raw.isascii() and len(raw) <= 3 else None


def grid_import(
    *, user, monitoring: ClassMonitoring, version: int, file, filename: str, overwrite: bool = False
) -> GridImportReport:
    """The class's grid replaced by an uploaded workbook (or CSV) of the template's columns
    (`workbook.columns`), all or nothing. A file that cannot be read, has unknown or missing
    columns or no pupil raises a ValidationError (next to the file field); wrong rows are named
    in the report as the spreadsheet numbers them, and nothing is saved. A right file is saved
    by `grid_save`, with its checks and its version check (a VersionConflict saves nothing).
    Blank rows (a number alone, as the template numbers them) are skipped.

    A template carries the monitoring it was made of and the grid's version at the download
    (`workbook.stamp`): a template of another class or period is refused, and the older of the
    two versions (the download's, the upload page's) is the one checked, so that a save made
    after the download is not overwritten unless the user, shown the conflict, sends the file
    again (`overwrite`)."""
    from reports.monitoring import workbook

    method = method_data(monitoring.method)
    report = GridImportReport(filename=PurePath(filename or "").name)
    data = sheets.read_upload(file)
    stamped_monitoring, stamped_version = workbook.stamp(data)
    if stamped_monitoring is not None and stamped_monitoring != monitoring.pk:
        raise ValidationError(
            _("Это шаблон другого класса или срока: скачайте шаблон на этой странице и перенесите в него оценки."),
            code="other_monitoring",
        )
    if stamped_version is not None and not overwrite:
        version = min(version, stamped_version)
    table = sheets.table_rows(
        data=data, filename=filename, columns=workbook.columns(method), report=report,
        empty_message=_("В файле нет ни одного ученика: заполните строки под заголовками."),
        sheet_name=str(workbook.GRADES_SHEET),
    )
    scale = ", ".join(str(value) for value, _label in method.scale)
    grade_columns = workbook.grade_columns(method)
    entered: list[tuple[int, PupilGrades]] = []
    for row, cells in table:
        raw_number = sheets.text(cells.get(workbook.NUMBER))
        initials = "".join(sheets.text(cells.get(workbook.INITIALS)).split()).upper()
        grades: dict[tuple[int, str], int] = {}
        letters = []
        for column in grade_columns:
            raw = sheets.text(cells.get(column.key))
            if not raw:
                continue
            number = _cell_number(raw)
            if number is None:
                letters.append(raw)
            else:
                grades[column.grade_key] = number  # out of the scale: pupil_problems says so
        if not initials and not grades and not letters:
            report.rows -= 1  # a blank row, with the template's number or none
            continue
        number = _cell_number(raw_number)
        name = _("№ %(number)s") % {"number": raw_number} if raw_number else _("без номера")
        messages = []
        if not raw_number:
            messages.append(_("Укажите № ученика по списку класса: без номера строку не загрузить."))
        elif number is None:
            messages.append(_("№ ученика — число от 1 до %(max)s.") % {"max": MAX_PUPILS})
        if letters:
            messages.append(
                _("Оценки — только цифры баллов шкалы (%(scale)s), а не «%(bad)s».")
                % {"scale": scale, "bad": "», «".join(letters[:3])}
            )
        pupil = PupilGrades(number=1 if number is None else number, initials=initials, grades=grades)
        messages.extend(pupil_problems(method, pupil))
        for message in messages:
            report.problem(row=row, name=name, message=message)
        if number is not None:
            entered.append((row, pupil))
    first_row: dict[int, int] = {}
    for row, pupil in entered:
        if pupil.number in first_row:
            report.problem(
                row=row, name=_("№ %(number)s") % {"number": pupil.number},
                message=_("№ %(number)s уже есть в строке %(row)s: у каждого ученика свой номер.")
                % {"number": pupil.number, "row": first_row[pupil.number]},
            )
        else:
            first_row[pupil.number] = row
    if report.problems:
        report.problems.sort(key=lambda problem: problem.row)
        return report
    if not entered:
        raise ValidationError(_("В файле нет ни одного ученика: заполните строки под заголовками."), code="empty")
    pupils = [pupil for _row, pupil in entered]
    grid_save(user=user, monitoring=monitoring, version=version, pupils=pupils)
    report.pupils = len(pupils)
    report.counted = score_class(method, pupils).counted
    return report
