"""The plan in Word (issue 15): the form that pastes into the school's annual plan — the approval
block above ONE table, the same text as the PDF in the same order, the readers of the PDF."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from associations.models import AnnualPlan
from reports import word
from tests import factories as f
from tests.helpers import pdf_text
from tests.reports.docx_checks import (
    assert_a4_with_official_margins,
    assert_in_order,
    docx_document,
    docx_flat,
    header_repeats,
    libreoffice_pages,
    table_texts,
)

Status = AnnualPlan.Status


def docx_url(plan):
    return reverse("reports:plan_docx", args=[plan.pk])


@pytest.fixture
def plan(world):
    return f.plan_document(
        world.mo, world.year, items=25,
        considered_protocol_number="1", considered_on=datetime.date(2025, 8, 29),
        agreed_by_position="заместитель директора по ВР", agreed_by_name="Е.Н. Петрова",
        approved_by_position="директор МБОУ «СОШ № 1»", approved_by_name="П.С. Орлов",
        approved_on=datetime.date(2025, 9, 1),
        approval_order_number="245-од", approval_order_date=datetime.date(2025, 9, 1),
    )


def test_plan_docx_is_one_table_with_the_approval_block_above_it(world, plan, client_for):
    response = client_for(world.head).get(docx_url(plan))
    assert response.status_code == 200
    assert response["Content-Type"] == word.DOCX_MIMETYPE
    slug = f"{world.year.start_year}-{world.year.start_year + 1}"
    assert response["Content-Disposition"] == f'attachment; filename="plan-{world.mo.pk}-{slug}.docx"'
    doc = docx_document(response.content)

    assert len(doc.tables) == 1  # the approval block is paragraphs, not a layout table
    table = doc.tables[0]
    rows = table_texts(table)
    assert rows[0] == ["№\nп/п", "Содержание", "Форма проведения", "Сроки", "Ответственный", "Отметка о выполнении"]
    assert header_repeats(table)
    sections = [cells[0] for cells in rows[1:] if len(cells) == 1]  # the merged rows
    assert len(sections) == 4 and sections[0] == "Аналитико-прогностическая функция"
    items = [cells for cells in rows[1:] if len(cells) == 6]
    assert [cells[0] for cells in items] == [str(i) for i in range(1, 26)]
    assert all(f.marker(i) in items[i - 1][1] for i in range(1, 26))

    # The approval block: РАССМОТРЕНО (and СОГЛАСОВАНО) on the left, УТВЕРЖДАЮ after a tab on the
    # right, all before the table.
    body = [p.text for p in doc.paragraphs]
    assert body[1].split("\t") == ["РАССМОТРЕНО", "УТВЕРЖДАЮ"]
    assert body[2].split("\t") == ["на заседании МО,", "Директор МБОУ «СОШ № 1»"]
    assert body[3].split("\t") == ["протокол № 1 от 29.08.2025", "________ П.С. Орлов"]
    assert body[4].split("\t") == ["СОГЛАСОВАНО", "приказ от 01.09.2025 № 245-од"]
    assert body[5].split("\t") == ["Заместитель директора по ВР", "«01» сентября 2025 г."]
    assert body[6] == "________ Е.Н. Петрова"
    assert doc.element.body.index(table._tbl) > doc.element.body.index(doc.paragraphs[6]._p)
    assert not any("ЧЕРНОВИК" in text for text in body)
    assert_a4_with_official_margins(response.content)


def test_plan_docx_says_what_its_pdf_says_in_the_same_order(world, plan, client_for):
    client = client_for(world.head)
    pdf = pdf_text(client.get(reverse("reports:plan_pdf", args=[plan.pk])).content)
    docx = docx_flat(client.get(docx_url(plan)).content)
    # Reading order differs only inside the approval block (two columns): its left column, then
    # the rest of the document.
    keys = [
        world.school.name, "РАССМОТРЕНО", "на заседании МО,", "протокол № 1 от 29.08.2025",
        "СОГЛАСОВАНО", "Заместитель директора по ВР", "Е.Н. Петрова",
    ]
    rest = [
        f"на {world.year} учебный год", "Методическая тема:", "Цель:",
        "Повышение профессиональной компетентности", "Задачи:", "Изучить нормативные документы",
        "Организовать взаимопосещение", "Ожидаемые результаты:", "Содержание", "Форма проведения", "Сроки",
        "Ответственный", "Отметка о выполнении", "Аналитико-прогностическая функция",
        *[f.marker(i) for i in range(1, 26)],
    ]
    for text in (pdf, docx):
        assert_in_order(text, keys)
        assert_in_order(text, ["УТВЕРЖДАЮ", "П.С. Орлов", "приказ от 01.09.2025 № 245-од", *rest])
    for shared in ["Лебедева Н.П.", "выполнено 15.10.2025", "перенесено: на ноябрь", "в течение года"]:
        assert shared.replace(" ", "") in pdf and shared.replace(" ", "") in docx, shared


@pytest.mark.parametrize("status", [Status.DRAFT, Status.SUBMITTED])
def test_a_plan_not_yet_approved_is_marked_draft_with_blanks(world, client_for, status):
    plan = f.plan_document(world.mo, world.year, items=1, status=status)
    doc = docx_document(client_for(world.head).get(docx_url(plan)).content)
    first = doc.paragraphs[0]
    assert first.text == f"ЧЕРНОВИК — план не утверждён ({plan.get_status_display()})"
    assert first.style.name == "Draft Mark"
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "протокол № ________ от ________" in text
    assert "None" not in text
    assert len(doc.tables) == 1


def test_an_empty_plan_says_so_in_its_table(world, client_for):
    plan = f.plan_document(world.mo, world.year, items=0)
    table = docx_document(client_for(world.head).get(docx_url(plan)).content).tables[0]
    assert table_texts(table)[1:] == [["В плане пока нет пунктов."]]


@pytest.mark.parametrize("who, expected", [("head", 200), ("teacher", 200), ("outsider", 404)])
def test_the_docx_has_the_readers_of_the_pdf(world, plan, client_for, who, expected):
    user = {"head": world.head, "teacher": world.teacher, "outsider": world.outsider}[who]
    client = client_for(user)
    assert client.get(docx_url(plan)).status_code == expected
    assert client.get(reverse("reports:plan_pdf", args=[plan.pk])).status_code == expected


def test_the_plan_page_links_the_docx_beside_the_pdf(world, plan):
    from reports.links import plan_links

    labels = [link.label for link in plan_links(plan, user=world.head)]
    assert labels[:2] == ["Скачать PDF", "Скачать DOCX"]


def test_a_60_item_plan_opens_in_libreoffice_as_one_table(world, client_for, tmp_path):
    plan = f.plan_document(world.mo, world.year, items=60)
    content = client_for(world.head).get(docx_url(plan)).content
    assert len(docx_document(content).tables) == 1
    assert libreoffice_pages(content, tmp_path) >= 3


def test_plan_docx_queries_do_not_grow_with_items(world, client_for, django_assert_num_queries):
    small = f.plan_document(world.mo, world.year, items=10)
    large = f.plan_document(world.other_mo, world.year, items=60)
    client = client_for(world.admin)
    client.get(docx_url(small))
    # The PDF's seven (tests/reports/test_plan_documents.py): the session, the user, the roles, the
    # plan, its items, their responsible people, its transitions — whatever the number of items.
    for plan in (small, large):
        with django_assert_num_queries(7):
            assert client.get(docx_url(plan)).status_code == 200
