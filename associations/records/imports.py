"""Import of attestation results and professional development courses from XLSX (or CSV) into
a district, in the admin: the file is read by `associations.sheets` (the bounds, the headers,
the row report) as the staff import reads it, and each row is written by the kind's service.

All or nothing. Each row names one person of the district by full name (and school when given:
an unknown, ambiguous or other district's name is the row's error); its values are read (a
category by its Russian name or the usual abbreviation, dates as ДД.ММ.ГГГГ or date cells, the
course's organisation from the reference list). Then, in the file's order and inside one
transaction, every row goes through its service — `attestation_rule_error` and
`attestation_create`, or `course_create` — so the rules are the services' own and a row may rely
on an earlier one of the same file (a высшая, then a педагог-наставник for the same person).
If any row is wrong the transaction is rolled back: nothing is kept, and the report names each
wrong row as the spreadsheet numbers it (the header is row 1) with the reason in Russian. A row
already recorded (the same person, category and date; the same person, programme and dates) is
left out with a note, so importing a file twice adds nothing.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from associations import sheets
from associations.models import District, Person, School
from associations.records.attestation.services import attestation_create, attestation_rule_error
from associations.records.courses.services import course_create
from associations.records.models import Attestation, Category, Course, CourseProvider
from associations.sheets import Column

# --- the columns ---------------------------------------------------------------------------------

PERSON_COLUMNS: tuple[Column, ...] = (
    Column("last_name", gettext_lazy("Фамилия")),
    Column("first_name", gettext_lazy("Имя")),
    Column("patronymic", gettext_lazy("Отчество"), required=False),
    Column("school", gettext_lazy("Школа"), ("ОО", "образовательная организация", "учреждение"), required=False),
)

ATTESTATION_COLUMNS: tuple[Column, ...] = (
    *PERSON_COLUMNS,
    Column("category", gettext_lazy("Категория"), ("квалификационная категория",)),
    Column(
        "granted_on",
        gettext_lazy("Дата присвоения"),
        ("дата присвоения категории", "дата установления", "дата установления категории", "дата аттестации"),
    ),
    Column("order_number", gettext_lazy("Номер приказа"), ("№ приказа", "приказ №", "приказ")),
    Column("order_date", gettext_lazy("Дата приказа")),
    Column("order_issuer", gettext_lazy("Кем издан приказ"), ("кем издан",), required=False),
)

COURSE_COLUMNS: tuple[Column, ...] = (
    *PERSON_COLUMNS,
    Column("title", gettext_lazy("Название программы"), ("программа", "название курсов", "тема курсов")),
    Column("provider", gettext_lazy("Организация"), ("организация курсов", "где проходил", "где проходила")),
    Column(
        "hours",
        gettext_lazy("Часов"),
        ("часы", "объём, часов", "объем, часов", "объём часов", "объем часов", "количество часов"),
    ),
    Column("starts_on", gettext_lazy("Начало"), ("дата начала", "начало курсов")),
    Column("ends_on", gettext_lazy("Окончание"), ("дата окончания", "окончание курсов")),
    Column(
        "document_number",
        gettext_lazy("Номер удостоверения"),
        ("№ удостоверения", "удостоверение", "номер документа"),
        required=False,
    ),
)

NAME_MAX_LENGTH = 80

#: A category by its Russian name (Category's labels) or the usual abbreviation.
CATEGORY_ALIASES = {
    "сзд": Category.SZD,
    "с.з.д": Category.SZD,
    "соответствие": Category.SZD,
    "соответствие должности": Category.SZD,
    "1": Category.FIRST,
    "i": Category.FIRST,
    "высш": Category.HIGHEST,
    "методист": Category.METHODIST,
    "наставник": Category.MENTOR,
}
CATEGORY_SUFFIXES = (" квалификационная категория", " кв. категория", " кв.категория", " категория", " кв.к", " кк")
HOURS_RE = re.compile(r"^(?P<hours>\d{1,5})(?:[.,]0+)?\s*(?:ч|час|часа|часов|ак\. ч|ак\.ч)?\.?$")


def parse_category(raw: str) -> str:
    """«высшая», «Высшая квалификационная категория», «СЗД», «1 категория» → the Category."""
    key = sheets.normalize(raw).rstrip(".")
    for suffix in CATEGORY_SUFFIXES:
        key = key.removesuffix(suffix)
    mapping = sheets.choice_map(Category.choices) | CATEGORY_ALIASES
    if key in mapping:
        return mapping[key]
    raise ValueError(
        _("«%(value)s» — неизвестная категория; допустимо: СЗД, первая, высшая, педагог-методист, "
          "педагог-наставник.") % {"value": raw}
    )


def parse_hours(value: Any) -> int:
    raw = sheets.text(value)
    match = HOURS_RE.match(sheets.normalize(raw))
    if not match:
        raise ValueError(_("«%(value)s» — не число часов.") % {"value": raw})
    return int(match["hours"])


# --- the report ----------------------------------------------------------------------------------


@dataclass
class RecordImportReport(sheets.RowReport):
    """The staff import's report, for records: the rows written (or, on a check, to be written)
    and those left out as already recorded."""

    kind: str = ""  # "attestation" or "course"
    created: int = 0
    skipped: int = 0
    records: list = field(default_factory=list, repr=False)  # the records written (kept after success only)

    def records_phrase(self, count: int) -> str:
        if self.kind == "attestation":
            return ngettext(
                "%(count)d запись об аттестации", "%(count)d записей об аттестации", count
            ) % {"count": count}
        return ngettext(
            "%(count)d запись о курсах повышения квалификации",
            "%(count)d записей о курсах повышения квалификации",
            count,
        ) % {"count": count}

    @property
    def counts(self) -> str:
        text = self.records_phrase(self.created)
        if self.skipped:
            text += "; " + ngettext(
                "%(count)d строка уже была внесена и пропущена",
                "%(count)d строк уже были внесены и пропущены",
                self.skipped,
            ) % {"count": self.skipped}
        return text

    @property
    def summary(self) -> str:
        if self.problems:
            return self.failure_summary()
        if self.dry_run:
            return _("Проверка пройдена, ничего не записано. При импорте: %(counts)s.") % {"counts": self.counts}
        return _("Импорт из «%(file)s» выполнен: %(counts)s.") % {"file": self.filename, "counts": self.counts}


# --- the people of the district ----------------------------------------------------------------


class _People:
    """The district's people and schools, read once; a row's person found by name and school."""

    def __init__(self, district: District) -> None:
        self.district = district
        self.schools: dict[str, School] = {}
        for school in School.objects.filter(district=district):
            for name in (school.short_name, school.name):
                if name:
                    self.schools.setdefault(sheets.normalize(name), school)
        self.by_name: dict[tuple[str, str], list[Person]] = {}
        for person in Person.objects.filter(district=district).select_related("school"):
            key = sheets.name_key(person.last_name, person.first_name, person.patronymic)
            self.by_name.setdefault(key[:2], []).append(person)

    def school(self, raw: str) -> School:
        school = self.schools.get(sheets.normalize(raw))
        if school is None:
            raise ValueError(
                _("«%(value)s» — такой школы нет в районе «%(district)s».")
                % {"value": raw, "district": self.district.name}
            )
        return school

    def person(self, *, last_name: str, first_name: str, patronymic: str, school: School | None) -> Person:
        full_name = " ".join(p for p in (last_name, first_name, patronymic) if p)
        key = sheets.name_key(last_name, first_name, patronymic)
        found = self.by_name.get(key[:2], [])
        if patronymic:  # an empty cell: the name alone, whatever the patronymic
            found = [p for p in found if sheets.normalize(p.patronymic) == key[2]]
        if school is not None:
            in_school = [p for p in found if p.school_id == school.pk]
            if not in_school:
                if found:
                    raise ValueError(
                        _("%(name)s — нет в школе «%(school)s» (есть в районе: %(where)s).")
                        % {"name": full_name, "school": school.short_name, "where": self._where(found)}
                    )
                raise ValueError(
                    _("%(name)s — нет в школе «%(school)s».") % {"name": full_name, "school": school.short_name}
                )
            found = in_school
        if not found:
            raise ValueError(
                _("%(name)s — нет среди педагогов района «%(district)s»: проверьте ФИО или сначала импортируйте "
                  "список сотрудников школы.") % {"name": full_name, "district": self.district.name}
            )
        if len(found) > 1:
            if school is None and len({p.school_id for p in found}) > 1:
                raise ValueError(
                    _("в районе несколько педагогов «%(name)s» (%(where)s): укажите школу в столбце «Школа».")
                    % {"name": full_name, "where": self._where(found)}
                )
            raise ValueError(
                _("несколько записей «%(name)s» в одной школе: укажите отчество или объедините записи.")
                % {"name": full_name}
            )
        return found[0]

    @staticmethod
    def _where(people: Sequence[Person]) -> str:
        return ", ".join(
            sorted({p.school.short_name if p.school else str(_("методический кабинет")) for p in people})
        )


# --- one kind of record ------------------------------------------------------------------------


@dataclass
class _Row:
    row: int
    name: str
    person: Person
    values: dict[str, Any]


@dataclass(frozen=True)
class RecordImport:
    """What differs between the kinds: the columns, how a row's values are read, what makes two
    rows the same record, and the service that writes one."""

    kind: str
    columns: tuple[Column, ...]
    sheet_title: Any
    empty_message: Any
    read: Callable[[dict[str, Any], Callable[[str, str], None], dict], dict[str, Any]]
    same_record: Callable[[Person, dict[str, Any]], tuple]
    recorded: Callable[[Sequence[int]], set[tuple]]
    write: Callable[..., Any]
    #: The model's fields → the columns, for the services' errors.
    field_columns: dict[str, str]
    help_rows: Callable[[], list[tuple[Any, str]]]

    @property
    def column_by_key(self) -> dict[str, Column]:
        return {column.key: column for column in self.columns}


def _required_text(cells, key: str, fail) -> str:
    value = sheets.text(cells.get(key))
    if not value:
        fail(key, _("не заполнено."))
    return value


def _date(cells, key: str, fail, *, required: bool = True) -> datetime.date | None:
    raw = cells.get(key)
    if sheets.is_blank(raw):
        if required:
            fail(key, _("не заполнено (ДД.ММ.ГГГГ)."))
        return None
    try:
        return sheets.parse_date(raw)
    except ValueError as error:
        fail(key, str(error))
        return None


# attestation


def _attestation_read(cells, fail, context) -> dict[str, Any]:
    category = None
    raw = sheets.text(cells.get("category"))
    if not raw:
        fail("category", _("не заполнено."))
    else:
        try:
            category = parse_category(raw)
        except ValueError as error:
            fail("category", str(error))
    return {
        "category": category,
        "granted_on": _date(cells, "granted_on", fail),
        "order_number": _required_text(cells, "order_number", fail),
        "order_date": _date(cells, "order_date", fail),
        "order_issuer": sheets.text(cells.get("order_issuer")),
    }


def _attestation_same(person: Person, values) -> tuple:
    return (person.pk, values["category"], values["granted_on"])


def _attestation_recorded(person_ids) -> set[tuple]:
    return set(Attestation.objects.filter(person_id__in=person_ids).values_list("person_id", "category", "granted_on"))


def _attestation_write(*, person: Person, values, user) -> Attestation:
    # The rule first, as the service's forms ask it: its refusal quotes the Порядок's point.
    error = attestation_rule_error(person=person, category=values["category"], on=values["granted_on"])
    if error:
        raise ValidationError({"category": error})
    return attestation_create(person=person, user=user, **values)


def _attestation_help() -> list[tuple[Any, str]]:
    return [
        (_("Категория"), _("СЗД (соответствие занимаемой должности), первая, высшая, педагог-методист, "
                           "педагог-наставник")),
        (_("Даты"), _("ДД.ММ.ГГГГ или ячейка с датой")),
        (_("Школа"), _("краткое наименование, как в портале; можно не заполнять, если ФИО в районе одно")),
        (_("Правила"), _("педагог-методист и педагог-наставник — только при действующей высшей категории "
                         "(строка с высшей может стоять выше в этом же файле)")),
    ]


ATTESTATION_IMPORT = RecordImport(
    kind="attestation",
    columns=ATTESTATION_COLUMNS,
    sheet_title=gettext_lazy("Аттестация"),
    empty_message=gettext_lazy("В файле нет ни одной строки с результатами аттестации."),
    read=_attestation_read,
    same_record=_attestation_same,
    recorded=_attestation_recorded,
    write=_attestation_write,
    field_columns={
        "category": "category", "granted_on": "granted_on", "order_number": "order_number",
        "order_date": "order_date", "order_issuer": "order_issuer",
    },
    help_rows=_attestation_help,
)


# courses


def _course_read(cells, fail, context) -> dict[str, Any]:
    provider = None
    raw = sheets.text(cells.get("provider"))
    if not raw:
        fail("provider", _("не заполнено."))
    else:
        providers = context.get("providers")
        if providers is None:
            providers = context["providers"] = {
                sheets.normalize(p.name): p for p in CourseProvider.objects.all()
            }
        provider = providers.get(sheets.normalize(raw))
        if provider is None:
            fail("provider", _("«%(value)s» нет в справочнике организаций курсов: исправьте название или добавьте "
                               "организацию в справочник.") % {"value": raw})
    hours = None
    raw = sheets.text(cells.get("hours"))
    if not raw:
        fail("hours", _("не заполнено."))
    else:
        try:
            hours = parse_hours(raw)
        except ValueError as error:
            fail("hours", str(error))
    return {
        "title": _required_text(cells, "title", fail),
        "provider": provider,
        "hours": hours,
        "starts_on": _date(cells, "starts_on", fail),
        "ends_on": _date(cells, "ends_on", fail),
        "document_number": sheets.text(cells.get("document_number")),
    }


def _course_same(person: Person, values) -> tuple:
    return (person.pk, sheets.normalize(values["title"]), values["starts_on"], values["ends_on"])


def _course_recorded(person_ids) -> set[tuple]:
    return {
        (person_id, sheets.normalize(title), starts_on, ends_on)
        for person_id, title, starts_on, ends_on in Course.objects.filter(person_id__in=person_ids).values_list(
            "person_id", "title", "starts_on", "ends_on"
        )
    }


def _course_write(*, person: Person, values, user) -> Course:
    return course_create(person=person, user=user, **values)


def _course_help() -> list[tuple[Any, str]]:
    return [
        (_("Организация"), _("как в справочнике «Организации курсов» портала")),
        (_("Часов"), _("целое число от 1 до 2000")),
        (_("Даты"), _("ДД.ММ.ГГГГ или ячейка с датой; окончание не раньше начала")),
        (_("Школа"), _("краткое наименование, как в портале; можно не заполнять, если ФИО в районе одно")),
    ]


COURSE_IMPORT = RecordImport(
    kind="course",
    columns=COURSE_COLUMNS,
    sheet_title=gettext_lazy("Курсы"),
    empty_message=gettext_lazy("В файле нет ни одной строки с курсами."),
    read=_course_read,
    same_record=_course_same,
    recorded=_course_recorded,
    write=_course_write,
    field_columns={
        "title": "title", "provider": "provider", "hours": "hours", "starts_on": "starts_on",
        "ends_on": "ends_on", "document_number": "document_number",
    },
    help_rows=_course_help,
)


# --- the service ---------------------------------------------------------------------------------


def _messages(spec: RecordImport, error: ValidationError) -> list[str]:
    """A service's ValidationError as the report's messages, each under its column's header."""
    if not hasattr(error, "error_dict"):
        return list(error.messages)
    labels = spec.column_by_key
    messages = []
    for name, errors in error.message_dict.items():
        column = labels.get(spec.field_columns.get(name, ""))
        messages += [f"{column.label}: {message}" if column is not None else message for message in errors]
    return messages


def _read_rows(spec: RecordImport, *, people: _People, table, report: RecordImportReport) -> list[_Row]:
    """Each row's person and values, read without writing; the wrong rows go to the report."""
    labels = spec.column_by_key
    context: dict = {}
    rows: list[_Row] = []
    for number, cells in table:
        errors: list[str] = []

        def fail(key: str, message: str, errors=errors) -> None:
            errors.append(f"{labels[key].label}: {message}")

        names = {}
        for key in ("last_name", "first_name", "patronymic"):
            value = sheets.text(cells.get(key))
            if not value and key != "patronymic":
                fail(key, _("не заполнено."))
            elif len(value) > NAME_MAX_LENGTH:
                fail(key, _("длиннее %(max)d знаков.") % {"max": NAME_MAX_LENGTH})
            names[key] = value
        school = None
        raw = sheets.text(cells.get("school"))
        if raw:
            try:
                school = people.school(raw)
            except ValueError as error:
                fail("school", str(error))
        person = None
        if not errors:
            try:
                person = people.person(**names, school=school)
            except ValueError as error:
                errors.append(str(error))
        values = spec.read(cells, fail, context)
        name = " ".join(v for v in names.values() if v)
        if errors:
            report.problems.append(sheets.RowProblem(row=number, name=name, messages=errors))
        else:
            rows.append(_Row(row=number, name=person.full_name, person=person, values=values))
    return rows


def records_import(
    spec: RecordImport, *, district: District, file, filename: str, user, dry_run: bool = False
) -> RecordImportReport:
    report = RecordImportReport(filename=PurePath(filename or "").name, dry_run=dry_run, kind=spec.kind)
    table = sheets.table_rows(
        data=sheets.read_upload(file), filename=filename, columns=spec.columns, report=report,
        empty_message=str(spec.empty_message),
    )
    people = _People(district)
    rows = _read_rows(spec, people=people, table=table, report=report)

    seen: dict[tuple, int] = {}
    unique: list[_Row] = []
    for row in rows:
        key = spec.same_record(row.person, row.values)
        if key in seen:
            report.problem(row=row.row, name=row.name, message=_("повторяет строку %(row)d файла.") % {
                "row": seen[key]})
            continue
        seen[key] = row.row
        unique.append(row)

    with transaction.atomic():
        # One import into a district at a time: what was checked stays true until it is written.
        District.objects.select_for_update().get(pk=district.pk)
        recorded = spec.recorded(sorted({row.person.pk for row in unique}))
        created = []
        for row in unique:
            if spec.same_record(row.person, row.values) in recorded:
                report.skipped += 1
                report.notes.append(sheets.RowNote(row=row.row, name=row.name, message=_("уже внесена — пропущена.")))
                continue
            try:
                # A savepoint a row: a refused row leaves the transaction usable for the next rows,
                # which are still checked (against the rows before them) for the report.
                with transaction.atomic():
                    created.append(spec.write(person=row.person, values=row.values, user=user))
            except ValidationError as error:
                for message in _messages(spec, error):
                    report.problem(row=row.row, name=row.name, message=message)
            except IntegrityError:
                report.problem(row=row.row, name=row.name, message=_(
                    "не удалось записать: данные изменились во время импорта. Повторите загрузку."))
        report.problems.sort(key=lambda p: p.row)
        report.created = len(created)
        if report.problems or dry_run:
            # Nothing is kept: every row was checked by the services in the file's order.
            transaction.set_rollback(True)
            if report.problems:
                report.created = 0
        else:
            report.records = created
    return report


def attestation_import(*, district: District, file, filename: str, user, dry_run: bool = False) -> RecordImportReport:
    """Import results of attestation into the district's people (XLSX or CSV). Raises
    ValidationError for a file that cannot be read at all; returns a report whose `problems` list
    the wrong rows (nothing is written then) or whose counts say what was written."""
    return records_import(ATTESTATION_IMPORT, district=district, file=file, filename=filename, user=user,
                           dry_run=dry_run)


def course_import(*, district: District, file, filename: str, user, dry_run: bool = False) -> RecordImportReport:
    """Import courses the district's people took (XLSX or CSV); as `attestation_import`."""
    return records_import(COURSE_IMPORT, district=district, file=file, filename=filename, user=user,
                           dry_run=dry_run)


def import_template(spec: RecordImport) -> bytes:
    """An empty workbook with the kind's headers and a sheet of allowed values."""
    return sheets.template_workbook(title=str(spec.sheet_title), columns=spec.columns, help_rows=spec.help_rows())


def attestation_import_template() -> bytes:
    return import_template(ATTESTATION_IMPORT)


def course_import_template() -> bytes:
    return import_template(COURSE_IMPORT)

