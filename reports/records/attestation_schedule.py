"""A school МО's perspective schedule of attestation as documents: PDF (A4 landscape, through
`reports.rendering`) and XLSX (through the sheet helper of `reports.exporters`). The data is
`associations.records.attestation.selectors.attestation_schedule`; here is only layout.
"""

from __future__ import annotations

from django.utils import translation
from django.utils.translation import gettext as _

from associations.records.attestation.selectors import Schedule
from reports import word
from reports.exporters import _sheet_bytes
from reports.rendering import PDF_MIMETYPE, XLSX_MIMETYPE, ExportFile, render_pdf
from reports.selectors import date_words

DOCUMENT_LANGUAGE = "ru"


def _expiry(schedule_row) -> str:
    current = schedule_row.status.current
    if current is None:
        return "—"
    return current.expires_on.strftime("%d.%m.%Y") if current.expires_on else _("бессрочно")


def schedule_title(schedule: Schedule) -> str:
    return _("Перспективный план-график аттестации педагогических работников на %(years)s годы") % {
        "years": schedule.title_years,
    }


def schedule_kind() -> str:
    """The first line of the title («Перспективный план-график»), the rest is `schedule_subject`."""
    return _("Перспективный план-график")


def schedule_subject(schedule: Schedule) -> str:
    return _("аттестации педагогических работников на %(years)s годы") % {"years": schedule.title_years}


def schedule_note() -> str:
    """The rules the dates follow, under the table."""
    return _(
        "Категории, установленные с 01.09.2023, — бессрочные (Порядок, утв. приказом Минпросвещения России "
        "от 24.03.2023 № 196); установленные раньше действуют до окончания срока; аттестация на соответствие "
        "занимаемой должности — один раз в пять лет."
    )


def schedule_headers(schedule: Schedule) -> list[str]:
    """The table's header row (PDF, XLSX, DOCX)."""
    return [
        _("№ п/п"), _("Ф.И.О. педагога"), _("Должность"), _("Категория"), _("Дата присвоения"),
        _("Действует по"), *schedule.years,
    ]


def schedule_context(schedule: Schedule) -> dict:
    association = schedule.association
    return {
        "schedule": schedule,
        "title": schedule_title(schedule),
        "kind": schedule_kind(),
        "subject": schedule_subject(schedule),
        "note": schedule_note(),
        "headers": schedule_headers(schedule),
        "school": association.school.name if association.school_id else "",
        "association": association.name,
        "rows": [
            {
                "number": row.number,
                "name": row.person.full_name,
                "position": row.person.get_position_display(),
                "category": row.status.current.get_category_display() if row.status.current else "—",
                "granted_on": row.status.current.granted_on.strftime("%d.%m.%Y") if row.status.current else "—",
                "expires_on": _expiry(row),
                "cells": row.cells,
            }
            for row in schedule.rows
        ],
        "head_name": schedule.head.signature_name if schedule.head else "",
        "made_on": date_words(schedule.today),
    }


def attestation_schedule_pdf(schedule: Schedule) -> ExportFile:
    with translation.override(DOCUMENT_LANGUAGE):
        pdf = render_pdf("reports/records/attestation_schedule.html", schedule_context(schedule))
    return f"{schedule.filename_stem}.pdf", PDF_MIMETYPE, pdf


def attestation_schedule_xlsx(schedule: Schedule) -> ExportFile:
    with translation.override(DOCUMENT_LANGUAGE):
        context = schedule_context(schedule)
        headers = context["headers"]
        rows = [
            [row["number"], row["name"], row["position"], row["category"], row["granted_on"], row["expires_on"],
             *row["cells"]]
            for row in context["rows"]
        ]
        subtitle = " · ".join(part for part in (context["school"], context["association"]) if part)
        content = _sheet_bytes(
            sheet_title=_("График аттестации"),
            title=context["title"],
            subtitle=subtitle,
            headers=headers,
            rows=rows,
            widths=[6, 34, 22, 22, 13, 13, *([18] * len(schedule.years))],
        )
    return f"{schedule.filename_stem}.xlsx", XLSX_MIMETYPE, content


def attestation_schedule_docx(schedule: Schedule) -> ExportFile:
    """The schedule in Word, A4 landscape, from `schedule_context`: the school, the title, one
    table (its header repeated on every page), the note, the head's signature and the day."""
    with translation.override(DOCUMENT_LANGUAGE):
        context = schedule_context(schedule)
        doc = word.document(title=context["title"], landscape=True)
        if context["school"]:
            word.paragraph(doc, context["school"], style="Centered")
        word.heading(doc, context["kind"], level=0)
        word.paragraph(doc, f"{context['subject']}\n{context['association']}", style="Centered")
        rows = [
            [row["number"], row["name"], row["position"], row["category"], row["granted_on"], row["expires_on"],
             *row["cells"]]
            for row in context["rows"]
        ]
        if not rows:
            rows = [[_("В объединении в этом учебном году никого нет."), *([""] * (len(context["headers"]) - 1))]]
        width = word.text_width_cm(doc)
        fixed = [0.04, 0.17, 0.11, 0.11, 0.08, 0.08]
        rest = (1 - sum(fixed)) / max(len(schedule.years), 1)
        word.table(
            doc, context["headers"], rows, widths_cm=[width * share for share in fixed + [rest] * len(schedule.years)],
            merged=[0] if not context["rows"] else (),
        )
        word.paragraph(doc, context["note"], style="Small")
        word.signatures(doc, [(_("Руководитель МО"), context["head_name"] or "_" * 20)])
        word.paragraph(doc, context["made_on"])
        content = word.docx_bytes(doc)
    return f"{schedule.filename_stem}.docx", word.DOCX_MIMETYPE, content
