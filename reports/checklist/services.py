"""The checklist's writes: a document uploaded for an item (`checklist_document_add`) and its
removal (`checklist_document_remove`). Who may is `associations.access` («checklist» «upload»,
«checklist_document» «remove»): the association's writers. The file goes through the file
module (`file_store` inside `files_atomic`: a refusal stores nothing; `file_discard` deletes the
blob once the removal commits)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from associations import access
from associations.files.services import file_discard, file_store, files_atomic
from associations.models import AcademicYear, Association
from reports.checklist.forms import DOCUMENT_TYPES
from reports.checklist.models import ChecklistDocument, ChecklistItem
from reports.checklist.selectors import UPLOADABLE

#: How many documents one item of an association keeps (every list has a bound).
ITEM_MAX_DOCUMENTS = 10


def checklist_document_add(
    *, association: Association, year: AcademicYear, item: str, upload, user, title: str = "",
    for_all_years: bool = False,
) -> ChecklistDocument:
    """A document fulfilling `item` of the association's checklist, for `year` or (for_all_years)
    for every year: the order, the regulation, an instructional document."""
    with files_atomic():
        locked = Association.objects.select_for_update(of=("self",)).get(pk=association.pk)
        if not access.allows(user, "checklist", locked, "upload"):
            raise PermissionDenied
        if item not in UPLOADABLE:
            raise ValidationError(_("К этому пункту документ не загружают: его выполняют записи портала."))
        count = ChecklistDocument.objects.filter(association_id=locked.pk, item=item).count()
        if count >= ITEM_MAX_DOCUMENTS:
            raise ValidationError(
                ngettext(
                    "К пункту уже загружен %(count)d документ — больше нельзя. Удалите ненужный.",
                    "К пункту уже загружено %(count)d документов — больше нельзя. Удалите ненужные.",
                    count,
                ) % {"count": count},
                code="too_many_documents",
            )
        document = ChecklistDocument(
            association=locked, academic_year=None if for_all_years else year, item=ChecklistItem(item),
            title=title.strip(), uploaded_by=user,
        )
        document.full_clean(exclude=["file"])  # the title, before anything is stored
        document.file = file_store(upload=upload, user=user, allowed=DOCUMENT_TYPES)
        document.save()
    return document


@transaction.atomic
def checklist_document_remove(*, document: ChecklistDocument, user) -> None:
    """Removes an uploaded document and its file (the blob once the transaction commits)."""
    locked = ChecklistDocument.objects.select_for_update(of=("self",)).select_related(
        "file", "association"
    ).get(pk=document.pk)
    if not access.allows(user, "checklist_document", locked, "remove"):
        raise PermissionDenied
    stored = locked.file
    locked.delete()
    file_discard(stored)
