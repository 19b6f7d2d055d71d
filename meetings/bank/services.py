"""Writes of the data bank: a material's card created and saved (version-checked) with its
classes, authors and files, published to the district, deleted; one of its files deleted.

The rules of a card, enforced here and quoted on refusal:

- the owner is the person of the user who adds it; the school and the district are the owner's;
- the academic year is the date held's (the current year when no date is given);
- one class at least, 1–11; at most MAX_AUTHORS authors, of the card's school (of the district's
  methodical office for a card with no school), the owner when none are chosen;
- the meeting and the plan item it links to are of the card's school's associations or of the
  district РМО, and the user sees them;
- visibility: a card with no school is a draft or the district's; only the owner makes a card
  a draft; another editor sends a school card to the district only with the right to publish;
- files: at most MAX_FILES a card, FILE_MAX_BYTES a file and CARD_MAX_BYTES a card (what is there
  and what is added); a photo is a JPEG or a PNG. A refused file stores nothing: the whole save
  runs in `files_atomic()`, which also removes the blobs stored before the refusal.

Who may change a card is `associations.access` («material»: write, publish). After every save the
search index is refreshed (`meetings.bank.search.material_index`).
"""

from __future__ import annotations

import copy
import datetime
from collections.abc import Mapping, Sequence
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import F, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from associations import access
from associations.files.services import (
    ALL_TYPES,
    CARD_MAX_BYTES,
    IMAGE_TYPES,
    FileRefused,
    file_discard,
    file_store,
    files_atomic,
)
from associations.models import AcademicYear, Association, Person, PlanItem
from meetings.bank.models import GRADES, MAX_AUTHORS, MAX_FILES, Material, MaterialFile, MaterialGrade
from meetings.bank.search import material_index
from meetings.models import Meeting
from rmo_portal.editors import VersionConflict

#: What the service sets from the card's form.
MATERIAL_FIELDS = (
    "title", "form", "direction", "module", "held_on", "level", "is_open_event", "goal", "tasks", "description",
    "meeting", "plan_item", "visibility",
)

#: A file row of the card's form: (kind, the upload).
FileRow = tuple[str, UploadedFile]

DRAFT, SCHOOL, DISTRICT = Material.Visibility.DRAFT, Material.Visibility.SCHOOL, Material.Visibility.DISTRICT


class MaterialFileRefused(ValidationError):
    """A file of the card refused; `index` is its place among the files posted (the form shows the
    message next to that file's input)."""

    def __init__(self, message: str, *, index: int):
        super().__init__(message)
        self.index = index


# --- the scopes a card's choices come from (the form's choices, the service's checks) -------------


def author_scope(material: Material) -> Q:
    """Who may be an author of the card (Person): the people of its school, or of the district's
    methodical office for a card with no school."""
    if material.school_id:
        return Q(school_id=material.school_id)
    return Q(district_id=material.district_id, school__isnull=True)


def link_scope(material: Material) -> Q:
    """The associations (Association) a card's meeting and plan item may be of: its school's and
    the district's РМО."""
    district = Q(kind=Association.Kind.DISTRICT, district_id=material.district_id)
    return district | Q(school_id=material.school_id) if material.school_id else district


# --- the rules, by field ------------------------------------------------------------------------------


def material_year(held_on: datetime.date | None) -> AcademicYear:
    """The card's academic year: the date held's, or the current one when no date is given."""
    day = held_on or timezone.localdate()
    try:
        return AcademicYear.objects.for_date(day)
    except AcademicYear.DoesNotExist:
        start = AcademicYear.start_year_for(day)
        raise ValidationError({
            "held_on": _("%(year)s учебный год не заведён в портале: обратитесь к администратору.")
            % {"year": f"{start}/{start + 1}"}
        }) from None


def material_grades_errors(grades: Sequence[int]) -> str:
    """What is wrong with the card's classes ('' when nothing is)."""
    if not grades:
        return _("Отметьте хотя бы один класс.")
    if any(grade not in GRADES for grade in grades):
        return _("Классы — с 1 по 11.")
    return ""


def material_files_errors(*, material: Material | None, files: Sequence[FileRow]) -> dict[int, str]:
    """What is wrong with the files added to the card (by their place among `files`): more than
    MAX_FILES files in all, or more than CARD_MAX_BYTES with the files it already has. A file's own
    limits (type, FILE_MAX_BYTES) are the file module's."""
    count, used = 0, 0
    if material is not None and material.pk is not None:
        totals = MaterialFile.objects.filter(material_id=material.pk).aggregate(size=Sum("file__size"))
        count = MaterialFile.objects.filter(material_id=material.pk).count()
        used = totals["size"] or 0
    errors: dict[int, str] = {}
    for index, (_kind, upload) in enumerate(files):
        count += 1
        if count > MAX_FILES:
            errors[index] = ngettext(
                "У карточки не больше %(max)d файла: этот уже лишний. Удалите ненужные файлы или объедините их.",
                "У карточки не больше %(max)d файлов: этот уже лишний. Удалите ненужные файлы или объедините их.",
                MAX_FILES,
            ) % {"max": MAX_FILES}
            continue
        used += upload.size or 0
        if used > CARD_MAX_BYTES:
            errors[index] = _(
                "Файлы одной карточки — не больше %(max)d МБ вместе, а с этим файлом получается %(total)s МБ. "
                "Удалите ненужные файлы или уменьшите этот."
            ) % {"max": CARD_MAX_BYTES // (1024 * 1024), "total": _megabytes(used)}
    return errors


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f}".replace(".", ",")


def _authors_errors(material: Material, authors: Sequence[Person], already: set[int]) -> str:
    if len(authors) > MAX_AUTHORS:
        return ngettext(
            "У карточки не больше %(max)d автора.", "У карточки не больше %(max)d авторов.", MAX_AUTHORS,
        ) % {"max": MAX_AUTHORS}
    scope = author_scope(material)
    strangers = [
        person.short_name for person in authors if person.pk not in already and not access.evaluate(scope, person)
    ]
    if strangers:
        if material.school_id:
            return _("Авторы — педагоги школы карточки: %(names)s не из неё.") % {"names": ", ".join(strangers)}
        return _("Авторы — методисты района: %(names)s не из методического кабинета.") % {
            "names": ", ".join(strangers)
        }
    return ""


def _links_errors(material: Material, user, previous: Material | None) -> dict[str, str]:
    errors = {}
    scope = link_scope(material)
    meeting: Meeting | None = material.meeting
    if meeting is not None and (previous is None or previous.meeting_id != meeting.pk):
        association = Association.objects.filter(pk=meeting.association_id)
        if not (association.filter(scope).exists() and access.allows(user, "meeting", meeting)):
            errors["meeting"] = _("Выберите заседание МО школы карточки или РМО района из списка.")
    item: PlanItem | None = material.plan_item
    if item is not None and (previous is None or previous.plan_item_id != item.pk):
        plans = access.visible(user, "plan").filter(pk=item.plan_id, association__in=Association.objects.filter(scope))
        if not plans.exists():
            errors["plan_item"] = _("Выберите пункт плана МО школы карточки или РМО района из списка.")
    return errors


def _visibility_errors(material: Material, user, previous: Material | None) -> str:
    wanted, was = material.visibility, previous.visibility if previous is not None else None
    if wanted == SCHOOL and not material.school_id:
        return _("У этой карточки нет школы (её добавил методист района): выберите «весь район» или черновик.")
    owner = access.roles_for(user).person
    is_owner = owner is not None and owner.pk == material.owner_id
    if previous is None or is_owner or wanted == was:
        return ""
    if wanted == DRAFT:
        return _("Сделать карточку черновиком может только тот, кто её добавил.")
    if wanted == DISTRICT and not access.allows(user, "material", previous, "publish"):
        return _("Опубликовать карточку для района может руководитель МО школы или методист района.")
    return ""


# --- writes ---------------------------------------------------------------------------------------


def material_create(*, user, values: Mapping[str, Any], grades: Sequence[int], authors: Sequence[Person],
                    files: Sequence[FileRow]) -> Material:
    """A new card of the user's person (its owner; the school and district are theirs), with its
    classes, authors (the owner when none) and files."""
    person = access.roles_for(user).person
    if person is None:
        raise PermissionDenied(_("Карточку добавляет педагог, а у вашей учётной записи нет карточки педагога."))
    material = Material(owner=person, school_id=person.school_id, district_id=person.district_id)
    with files_atomic():
        return _material_apply(
            material=material, previous=None, user=user, values=values, grades=grades, authors=authors, files=files,
        )


def material_save(*, material: Material, user, version: int | None, values: Mapping[str, Any],
                  grades: Sequence[int], authors: Sequence[Person], files: Sequence[FileRow]) -> Material:
    """Save an existing card: locked first; a `version` older than the card's raises VersionConflict
    with the card as it is now (nothing written). Returns the card as saved (`material` itself is
    left as it was read)."""
    with files_atomic():
        current = Material.objects.select_for_update().get(pk=material.pk)
        if not access.allows(user, "material", current, "write"):
            raise PermissionDenied
        if version is not None and current.version != version:
            raise VersionConflict(
                current,
                _("Карточку уже изменил другой пользователь, пока вы её редактировали. Ниже — её текущее "
                  "состояние; ваши изменения остались в форме (файлы выберите заново) — проверьте и сохраните "
                  "ещё раз."),
            )
        previous = copy.copy(current)
        current.version += 1
        return _material_apply(
            material=current, previous=previous, user=user, values=values, grades=grades, authors=authors,
            files=files,
        )


def _material_apply(*, material: Material, previous: Material | None, user, values: Mapping[str, Any],
                    grades: Sequence[int], authors: Sequence[Person], files: Sequence[FileRow]) -> Material:
    for name in MATERIAL_FIELDS:
        if name in values:
            setattr(material, name, values[name])
    material.academic_year = material_year(material.held_on)
    errors: dict[str, str] = {}
    try:
        material.full_clean()
    except ValidationError as error:
        errors.update({name: " ".join(messages) for name, messages in error.message_dict.items()})
    grades = sorted(set(grades))
    if message := material_grades_errors(grades):
        errors["grades"] = message
    already = {person.pk for person in previous.authors.all()} if previous is not None else set()
    authors = list(authors) or [material.owner]
    if message := _authors_errors(material, authors, already):
        errors["authors"] = message
    for name, message in _links_errors(material, user, previous).items():
        errors.setdefault(name, message)
    if message := _visibility_errors(material, user, previous):
        errors.setdefault("visibility", message)
    if errors:
        raise ValidationError(errors)
    file_errors = material_files_errors(material=material, files=files)
    if file_errors:
        index = min(file_errors)
        raise MaterialFileRefused(file_errors[index], index=index)

    if material.visibility == DISTRICT and (previous is None or previous.visibility != DISTRICT):
        material.published_by = user
    elif material.visibility != DISTRICT:
        material.published_by = None
    material._history_user = user
    material.save()
    _grades_set(material, grades, fresh=previous is None)
    material.authors.set(authors)
    _files_add(material, user, files)
    material_index(material)
    return material


def _grades_set(material: Material, grades: list[int], *, fresh: bool) -> None:
    have = set() if fresh else set(material.grades.values_list("grade", flat=True))
    if not fresh and have - set(grades):
        material.grades.exclude(grade__in=grades).delete()
    MaterialGrade.objects.bulk_create(
        [MaterialGrade(material=material, grade=grade) for grade in grades if grade not in have]
    )


def _files_add(material: Material, user, files: Sequence[FileRow]) -> None:
    """Store each file (within what the card has left of CARD_MAX_BYTES) and attach it."""
    if not files:
        return
    used = MaterialFile.objects.filter(material=material).aggregate(size=Sum("file__size"))["size"] or 0
    for index, (kind, upload) in enumerate(files):
        allowed = IMAGE_TYPES if kind == MaterialFile.Kind.PHOTO else ALL_TYPES
        try:
            stored = file_store(upload=upload, user=user, allowed=allowed, budget=CARD_MAX_BYTES - used)
        except FileRefused as error:
            raise MaterialFileRefused(" ".join(error.messages), index=index) from error
        used += stored.size
        MaterialFile.objects.create(material=material, kind=kind, file=stored)


@transaction.atomic
def material_publish(*, material: Material, user) -> Material:
    """A school card goes to the district (its school's МО head, the methodologist, staff); who
    published it is kept."""
    current = Material.objects.select_for_update().get(pk=material.pk)
    if current.visibility == DISTRICT:
        raise ValidationError(_("Карточка уже видна всему району."))
    if not access.allows(user, "material", current, "publish"):
        raise PermissionDenied
    current.visibility = DISTRICT
    current.published_by = user
    current.version += 1
    current._history_user = user
    current.save(update_fields=["visibility", "published_by", "version", "updated_at"])
    material_index(current)
    return current


def material_delete(*, material: Material, user) -> None:
    """Delete the card, its classes and files (the files' blobs once the deletion is committed)."""
    if not access.allows(user, "material", material, "write"):
        raise PermissionDenied
    material_remove(material=material, user=user)


@transaction.atomic
def material_remove(*, material: Material, user) -> None:
    """The deletion itself, asked by whoever already may (the site's `material_delete`, the admin)."""
    stored = [row.file for row in MaterialFile.objects.filter(material=material).select_related("file")]
    material._history_user = user  # simple-history: who deleted it
    material.delete()
    for file in stored:
        file_discard(file)


@transaction.atomic
def material_file_delete(*, material_file: MaterialFile, user) -> None:
    """Delete one file of a card (its blob once committed)."""
    if not access.allows(user, "material_file", material_file, "write"):
        raise PermissionDenied
    material = Material.objects.select_for_update().get(pk=material_file.material_id)
    stored = material_file.file
    material_file.delete()
    file_discard(stored)
    # The card changed: an editor open on it meets a conflict instead of missing the removal.
    Material.objects.filter(pk=material.pk).update(version=F("version") + 1)
    material_index(material)
