"""The acknowledgment sheet of an appointment: the instruction's title and text (its current
version), ending with the line the person signs:

    С инструкцией ознакомлена ________ М.П. Иванова «15» октября 2025 г.

«ознакомлен» / «ознакомлена» by the person's gender, the name as signatures write it, and the
day of the acknowledgment once it is given in the portal (blanks «__» ________ 20__ г. before).
The data is `associations.records.instructions.selectors.acknowledgment_sheet`; the layout
`reports/records/acknowledgment_sheet.html` with print.css, through `reports.rendering`.
"""

from __future__ import annotations

import datetime

from django.utils import translation
from django.utils.translation import gettext as _

from associations.models import Person
from associations.records.instructions.selectors import AcknowledgmentSheet
from reports.rendering import PDF_MIMETYPE, ExportFile, render_pdf
from reports.selectors import date_words

DOCUMENT_LANGUAGE = "ru"


def acknowledged_word(person: Person) -> str:
    """«ознакомлена» for a woman, «ознакомлен» for a man."""
    return _("ознакомлена") if person.gender == Person.Gender.FEMALE else _("ознакомлен")


def sheet_date(day: datetime.date | None) -> str:
    """«15» октября 2025 г. once acknowledged; "" before (the template draws the blanks)."""
    return date_words(day) if day is not None else ""


def sheet_context(sheet: AcknowledgmentSheet) -> dict:
    return {
        "sheet": sheet,
        "title": sheet.instruction.title,
        "blocks": sheet.blocks,
        "acknowledged_word": acknowledged_word(sheet.person),
        "signature_name": sheet.person.signature_name,
        "date_words": sheet_date(sheet.acknowledged_on),
    }


def acknowledgment_sheet_pdf(sheet: AcknowledgmentSheet) -> ExportFile:
    with translation.override(DOCUMENT_LANGUAGE):
        pdf = render_pdf("reports/records/acknowledgment_sheet.html", sheet_context(sheet))
    stem = f"oznakomlenie-{sheet.appointment.pk}-redakciya-{sheet.version.number}"
    return f"{stem}.pdf", PDF_MIMETYPE, pdf
