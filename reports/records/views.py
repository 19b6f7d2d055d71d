"""Thin views of the records' documents: read through the records' selectors (scoped to the
user, 404 to outsiders), lay out in this package, answer with `reports.rendering`."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.views.decorators.http import require_GET

from associations.records.attestation import selectors as attestation_selectors
from associations.records.instructions import selectors as instruction_selectors
from reports.records.acknowledgment_sheet import acknowledgment_sheet_docx, acknowledgment_sheet_pdf
from reports.records.attestation_schedule import (
    attestation_schedule_docx,
    attestation_schedule_pdf,
    attestation_schedule_xlsx,
)
from reports.rendering import file_response


@login_required
@require_GET
def acknowledgment_sheet(request, pk: int):
    """The acknowledgment sheet of an appointment (the instruction's text and the signature line)."""
    sheet = instruction_selectors.acknowledgment_sheet(user=request.user, pk=pk)
    return file_response(acknowledgment_sheet_pdf(sheet), as_attachment=False)


@login_required
@require_GET
def acknowledgment_sheet_docx_view(request, pk: int):
    """The same sheet in Word, to the same readers (the same selector)."""
    sheet = instruction_selectors.acknowledgment_sheet(user=request.user, pk=pk)
    return file_response(acknowledgment_sheet_docx(sheet))


@login_required
@require_GET
def attestation_schedule_pdf_view(request, pk: int):
    """A school МО's perspective schedule of attestation (whoever reads the schedule page)."""
    schedule = attestation_selectors.attestation_schedule(user=request.user, pk=pk)
    return file_response(attestation_schedule_pdf(schedule), as_attachment=False)


@login_required
@require_GET
def attestation_schedule_xlsx_view(request, pk: int):
    schedule = attestation_selectors.attestation_schedule(user=request.user, pk=pk)
    return file_response(attestation_schedule_xlsx(schedule))


@login_required
@require_GET
def attestation_schedule_docx_view(request, pk: int):
    schedule = attestation_selectors.attestation_schedule(user=request.user, pk=pk)
    return file_response(attestation_schedule_docx(schedule))
