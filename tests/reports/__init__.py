"""Helpers of the reports' tests: plans built with the ORM, PDFs read back with pypdf."""

from __future__ import annotations

import datetime
import io
import re

from pypdf import PdfReader

from associations.models import AcademicYear, AnnualPlan, Association, PlanItem, PlanSection, WorkForm
from tests import factories as f

# Text extraction gives back the lines as laid out: words hyphenated at a line end (soft hyphen,
# U+2010 or «-» followed by the line break) and any whitespace are removed before searching.
_BREAKS = re.compile(r"[\u00ad\u2010\-]\s*\n")
_SPACE = re.compile(r"\s+")

A4_BOTTOM_MARGIN_PT = 2 / 2.54 * 72


def marker(i: int) -> str:
    """A distinctive string per item, which no hyphenation or layout can confuse with another."""
    return f"ПП{i:03d}"


def make_plan(
    association: Association,
    year: AcademicYear,
    *,
    items: int = 10,
    status: str = AnnualPlan.Status.APPROVED,
    content=None,
    **fields,
) -> AnnualPlan:
    """A plan with a header, `items` items across the first four sections (from migration 0003),
    forms of work, two responsible people and every kind of execution mark."""
    sections = list(PlanSection.objects.order_by("order", "name"))[:4]
    forms = list(WorkForm.objects.order_by("order", "name"))
    people = [
        f.PersonFactory(
            school=association.school, district=association.district,
            last_name="Лебедева", first_name="Наталья", patronymic="Петровна",
        ),
        f.PersonFactory(
            school=association.school, district=association.district,
            last_name="Орлов", first_name="Сергей", patronymic="",
        ),
    ]
    header = {
        "theme": "Формирование воспитательной среды класса как условие развития личности обучающегося",
        "goal": "Повышение профессиональной компетентности классных руководителей",
        "tasks": "Изучить нормативные документы\n- Обобщить опыт работы\nОрганизовать взаимопосещение",
        "expected_results": "Рост числа открытых мероприятий и участников конкурсов",
    }
    header.update(fields)
    plan = AnnualPlan.objects.create(association=association, academic_year=year, status=status, **header)
    rows = []
    for i in range(1, items + 1):
        kind = i % 4
        rows.append(
            PlanItem(
                plan=plan,
                position=i,
                section=sections[(i - 1) * len(sections) // items],
                content=content(i) if content else f"Мероприятие {marker(i)}: классный час «Разговоры о важном»",
                form=forms[i % len(forms)],
                timing=PlanItem.Timing.MONTH if kind else PlanItem.Timing.THROUGHOUT,
                month=[9, 10, 11, 12, 1, 2, 3, 4, 5][i % 9] if kind else None,
                execution=[
                    PlanItem.Execution.PENDING,
                    PlanItem.Execution.DONE,
                    PlanItem.Execution.MOVED,
                    PlanItem.Execution.CANCELLED,
                ][kind],
                executed_on=datetime.date(2025, 10, 15) if kind == 1 else None,
                moved_timing="на ноябрь" if kind == 2 else "",
                execution_note="по приказу" if kind == 3 else "",
            )
        )
    created = PlanItem.objects.bulk_create(rows)
    through = PlanItem.responsible.through
    through.objects.bulk_create(
        [through(planitem_id=item.pk, person_id=person.pk) for item in created for person in people]
    )
    return plan


def pdf_reader(content: bytes) -> PdfReader:
    return PdfReader(io.BytesIO(content))


def pdf_text(content: bytes) -> str:
    """All the text of a PDF, with hyphenation undone and no whitespace at all."""
    raw = "\n".join(page.extract_text() for page in pdf_reader(content).pages)
    return flat(raw)


def flat(text: str) -> str:
    return _SPACE.sub("", _BREAKS.sub("", text))


def page_texts(content: bytes) -> list[str]:
    return [page.extract_text() for page in pdf_reader(content).pages]


def footer_texts(content: bytes) -> list[str]:
    """Per page, the text printed in the bottom margin (below 2 cm from the paper's edge)."""
    footers = []
    for page in pdf_reader(content).pages:
        found = []

        def visit(text, cm, tm, font, size, found=found):
            y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
            if text.strip() and y < A4_BOTTOM_MARGIN_PT:
                found.append(text.strip())

        page.extract_text(visitor_text=visit)
        footers.append(" ".join(found))
    return footers


def embedded_files(content: bytes) -> list[str]:
    """What a PDF carries besides its pages: embedded files in the catalog's name tree and
    file-attachment annotations on any page."""
    reader = pdf_reader(content)
    found = []
    names = reader.trailer["/Root"].get("/Names")
    if names is not None and "/EmbeddedFiles" in names.get_object():
        found.append("/Names/EmbeddedFiles")
    for number, page in enumerate(reader.pages, start=1):
        for annotation in page.get("/Annots") or []:
            if annotation.get_object().get("/Subtype") == "/FileAttachment":
                found.append(f"page {number}: /FileAttachment")
    found.extend(reader.attachments.keys())
    return found


def image_count(content: bytes) -> int:
    return sum(len(page.images) for page in pdf_reader(content).pages)
