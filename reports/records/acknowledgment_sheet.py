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
from reports import word
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


def _stem(sheet: AcknowledgmentSheet) -> str:
    return f"oznakomlenie-{sheet.appointment.pk}-redakciya-{sheet.version.number}"


def acknowledgment_sheet_pdf(sheet: AcknowledgmentSheet) -> ExportFile:
    with translation.override(DOCUMENT_LANGUAGE):
        pdf = render_pdf("reports/records/acknowledgment_sheet.html", sheet_context(sheet))
    return f"{_stem(sheet)}.pdf", PDF_MIMETYPE, pdf


BLANK_DATE = "«__» ____________ 20__ г."  # the day to write in by hand, as the PDF's blanks draw it


def acknowledgment_line(context: dict) -> str:
    """«С инструкцией ознакомлена ________ М.П. Иванова «15» октября 2025 г.», the blanks drawn
    with underscores (the PDF draws them as lines)."""
    day = context["date_words"] or BLANK_DATE
    return f"{_('С инструкцией')} {context['acknowledged_word']} {'_' * 14} {context['signature_name']} {day}"


def acknowledgment_sheet_docx(sheet: AcknowledgmentSheet) -> ExportFile:
    """The same sheet in Word, from `sheet_context`: the title, the text's blocks (headings,
    list items «– …», paragraphs) and the signature line."""
    with translation.override(DOCUMENT_LANGUAGE):
        context = sheet_context(sheet)
        doc = word.document(title=context["title"])
        word.heading(doc, context["title"], level=0)
        for block in context["blocks"]:
            if block.kind == "heading":
                word.heading(doc, block.text, level=2)
            elif block.kind == "item":
                word.paragraph(doc, f"–\u00a0{block.text}")
            else:
                word.paragraph(doc, block.text)
        word.paragraph(doc)
        word.paragraph(doc, acknowledgment_line(context), style="Signature")
        content = word.docx_bytes(doc)
    return f"{_stem(sheet)}.docx", word.DOCX_MIMETYPE, content
