"""The plan as the school files it: PDF and XLSX, scoped to who may read the plan."""

from __future__ import annotations

import datetime
import io
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from associations.models import AnnualPlan, Person, WorkForm
from reports.rendering import PDF_MIMETYPE, XLSX_MIMETYPE
from rmo_portal.demo import plans as demo_plans
from tests import factories as f
from tests.helpers import embedded_files, flat, footer_texts, image_count, page_texts, pdf_reader, pdf_text

Status = AnnualPlan.Status


def pdf_url(plan):
    return reverse("reports:plan_pdf", args=[plan.pk])


def xlsx_url(plan):
    return reverse("reports:plan_xlsx", args=[plan.pk])


def year_slug(year) -> str:
    return f"{year.start_year}-{year.start_year + 1}"


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


# --- the PDF ---------------------------------------------------------------------------------


def test_plan_pdf_has_the_header_the_theme_and_every_item(world, plan, client_for):
    response = client_for(world.head).get(pdf_url(plan))
    assert response.status_code == 200
    assert response["Content-Type"] == PDF_MIMETYPE
    assert response["Content-Disposition"] == f'inline; filename="plan-{world.mo.pk}-{year_slug(world.year)}.pdf"'
    assert response.content.startswith(b"%PDF")

    text = pdf_text(response.content)
    for expected in [
        world.school.name,
        "РАССМОТРЕНО", "назаседанииМО,", "протокол№1от29.08.2025",
        "СОГЛАСОВАНО", "ЗаместительдиректорапоВР", "Е.Н.Петрова",
        "УТВЕРЖДАЮ", "ДиректорМБОУ«СОШ№1»", "П.С.Орлов", "приказот01.09.2025№245-од", "«01»сентября2025г.",
        "ПЛАНРАБОТЫ", "методическогообъединенияклассныхруководителейМБОУ«СОШ№1»",
        f"на{world.year}учебныйгод",
        "Методическаятема:", "«Формированиевоспитательнойсредыклассакакусловиеразвитияличностиобучающегося»",
        "Цель:", "Задачи:Изучитьнормативныедокументы Обобщитьопытработы Организоватьвзаимопосещение",
        "1.2.3.",  # the list's numbers, which text extraction puts after the list
        "Ожидаемыерезультаты:",
        "№ п/п Содержание", "Формапроведения", "Сроки", "Ответственный", "Отметкаовыполнении",
        "Аналитико-прогностическаяфункция", "Методическаяфункция",
        "ЛебедеваН.П.", "ОрловС.",
        "выполнено15.10.2025", "перенесено:наноябрь", "отменено:поприказу",
        "втечениегода",
    ]:
        assert flat(expected) in text, expected
    for i in range(1, 26):
        assert f.marker(i) in text, f.marker(i)
    assert "ЧЕРНОВИК" not in text  # approved: the document as issued


def test_plan_pdf_pages_are_numbered_and_repeat_the_table_header(world, client_for):
    plan = f.plan_document(world.mo, world.year, items=60)
    content = client_for(world.head).get(pdf_url(plan)).content
    pages = len(pdf_reader(content).pages)
    assert pages >= 3
    assert footer_texts(content) == [str(n) for n in range(1, pages + 1)]
    # The table starts on page 1; every later page begins with its header again.
    assert all("Отметка о" in text for text in page_texts(content)[1:])


def test_empty_header_fields_print_blank_lines(world, client_for):
    plan = f.plan_document(world.mo, world.year, items=1, status=Status.DRAFT)
    text = pdf_text(client_for(world.head).get(pdf_url(plan)).content)
    assert "протокол№от" in text  # № ___ от ________, lines drawn, no number, no date
    assert "приказот№" in text  # приказ от ________ № ___
    assert "«»20г." in text  # «__» ______ 20__ г.
    assert "None" not in text
    # Not approved yet: whom the school's stamp names is known, their signatures are not.
    assert "СОГЛАСОВАНОЗаместительдиректорапоВРУТВЕРЖДАЮ" in text
    assert "ДиректорМБОУ«СОШ№1»П.С.Орлов" in text  # the school's director (SchoolFactory: «Орлов П.С.»)


@pytest.mark.parametrize("status", [Status.DRAFT, Status.SUBMITTED, Status.RETURNED])
def test_a_plan_not_yet_approved_says_draft_on_every_page(world, client_for, status):
    plan = f.plan_document(world.mo, world.year, items=60, status=status)
    response = client_for(world.admin).get(pdf_url(plan))
    pages = page_texts(response.content)
    assert len(pages) >= 3
    assert all("ЧЕРНОВИК" in page for page in pages)  # the watermark, fixed on every page
    label = AnnualPlan.Status(status).label
    assert flat(f"ЧЕРНОВИК — план не утверждён ({label})") in flat(pages[0])


def test_the_director_of_the_school_is_its_person_with_that_position(world, client_for):
    f.PersonFactory(school=world.school, position=Person.Position.DIRECTOR, last_name="Громов",
                    first_name="Андрей", patronymic="Викторович")
    plan = f.plan_document(world.mo, world.year, items=1, status=Status.DRAFT)
    text = pdf_text(client_for(world.head).get(pdf_url(plan)).content)
    assert "ДиректорМБОУ«СОШ№1»А.В.Громов" in text


def test_rmo_plan_is_issued_by_the_district(world, client_for):
    plan = f.plan_document(world.rmo, world.year, items=3, status=Status.DRAFT)
    text = pdf_text(client_for(world.methodologist).get(pdf_url(plan)).content)
    assert flat(world.district.education_department) in text
    assert "Районныйметодическийкабинет" in text
    assert "назаседанииРМО," in text
    assert "районногометодическогообъединенияклассныхруководителей(Заречныйрайон)" in text
    assert "СОГЛАСОВАНО" not in text  # a school's stamp; the district approves the РМО's plan itself


def test_approved_rmo_plan_names_the_district_official(world, client_for):
    plan = f.plan_document(
        world.rmo, world.year, items=3, considered_protocol_number="1", considered_on=datetime.date(2025, 8, 27),
        approved_by_position="начальник отдела образования", approved_by_name="И.В. Соболева",
        approved_on=datetime.date(2025, 9, 3),
        approval_order_number="112", approval_order_date=datetime.date(2025, 9, 3),
    )
    text = pdf_text(client_for(world.methodologist).get(pdf_url(plan)).content)
    assert "РАССМОТРЕНОназаседанииРМО,протокол№1от27.08.2025" in text
    assert "УТВЕРЖДАЮНачальникотделаобразованияИ.В.Соболеваприказот03.09.2025№112«03»сентября2025г." in text
    assert "СОГЛАСОВАНО" not in text and "ЧЕРНОВИК" not in text


def test_hostile_item_content_is_printed_as_text_and_fetches_nothing(world, client_for):
    hostile = [
        '<img src="file:///etc/passwd">',
        '<link rel="attachment" href="file:///etc/passwd">',
        '<a rel="attachment" href="file:///etc/passwd">вложение</a>',
        '<img src="http://127.0.0.1:9/x.png">',
    ]
    plan = f.plan_document(world.mo, world.year, items=len(hostile), content=lambda i: hostile[i - 1])
    response = client_for(world.head).get(pdf_url(plan))
    assert response.status_code == 200
    text = pdf_text(response.content)
    assert "root:x:0:0" not in text
    assert '<imgsrc="file:///etc/passwd">' in text  # shown as the text it is
    assert embedded_files(response.content) == []
    assert image_count(response.content) == 0


def test_plan_pdf_queries_do_not_grow_with_items(world, client_for, django_assert_num_queries):
    small = f.plan_document(world.mo, world.year, items=10)
    large = f.plan_document(world.other_mo, world.year, items=60)
    client = client_for(world.admin)
    with CaptureQueriesContext(connection) as ten:
        assert client.get(pdf_url(small)).status_code == 200
    with CaptureQueriesContext(connection) as sixty:
        assert client.get(pdf_url(large)).status_code == 200
    assert len(ten) == len(sixty)
    # 1. the session; 2. the user; 3. roles: the user's person (none for this admin, so no
    # appointments); 4. the plan, scoped, with association, school, district and year;
    # 5. its items with section and form; 6. their responsible people; 7. its transitions
    # (plan_selectors.plan_detail reads them for the plan page).
    with django_assert_num_queries(7):
        client.get(pdf_url(large))


# --- the XLSX --------------------------------------------------------------------------------


def test_plan_xlsx_has_a_title_the_header_and_every_item(world, plan, client_for):
    response = client_for(world.deputy).get(xlsx_url(plan))
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX_MIMETYPE
    assert response["Content-Disposition"] == (
        f'attachment; filename="plan-{world.mo.pk}-{year_slug(world.year)}.xlsx"'
    )
    ws = load_workbook(io.BytesIO(response.content)).active
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][0] == world.school.name  # the organisation, then the approval block, then the title
    title = next(row[0] for row in rows if row[0] and str(row[0]).startswith("План работы"))
    assert title.startswith("План работы методического объединения классных руководителей")
    header_index = next(i for i, row in enumerate(rows) if row[0] == "№ п/п")
    assert list(rows[header_index]) == [
        "№ п/п", "Раздел", "Содержание", "Форма проведения", "Сроки", "Ответственный", "Отметка о выполнении",
        "Дата выполнения", "Новый срок", "Примечание",
    ]
    assert ws.cell(row=header_index + 1, column=1).font.bold
    assert ws.freeze_panes == f"A{header_index + 2}"
    assert ws.cell(row=header_index + 2, column=3).alignment.wrap_text
    assert ws.column_dimensions["C"].width > ws.column_dimensions["A"].width
    items = rows[header_index + 1 :]
    assert len(items) == 25
    contents = [row[2] for row in items]
    for i in range(1, 26):
        assert sum(f.marker(i) in c for c in contents) == 1
    first = items[0]
    assert first[0] == 1
    assert first[1] == "Аналитико-прогностическая функция"
    assert first[5] == "Лебедева Н.П., Орлов С."
    assert first[6:] == ("выполнено", datetime.datetime(2025, 10, 15), None, None)


def test_plan_xlsx_keeps_formulas_as_text(world, client_for):
    plan = f.plan_document(world.mo, world.year, items=1, content=lambda i: '=HYPERLINK("http://evil","x")')
    ws = load_workbook(io.BytesIO(client_for(world.head).get(xlsx_url(plan)).content)).active
    cell = next(c for row in ws.iter_rows() for c in row if c.value == '=HYPERLINK("http://evil","x")')
    assert cell.data_type == "s"


# --- who may have it -------------------------------------------------------------------------


@pytest.mark.parametrize("url", [pdf_url, xlsx_url])
@pytest.mark.parametrize(
    ("who", "status", "expected"),
    [
        ("head", Status.DRAFT, 200),
        ("deputy", Status.SUBMITTED, 200),
        ("methodologist", Status.DRAFT, 200),
        ("admin", Status.DRAFT, 200),
        ("teacher", Status.APPROVED, 200),
        ("teacher", Status.DRAFT, 404),
        ("teacher", Status.SUBMITTED, 404),
        ("other_deputy", Status.APPROVED, 404),
        ("other_deputy", Status.DRAFT, 404),
        ("other_district_methodologist", Status.APPROVED, 404),
        ("outsider", Status.APPROVED, 404),
    ],
)
def test_access_to_the_plan_documents(world, client_for, url, who, status, expected):
    plan = f.plan_document(world.mo, world.year, items=2, status=status)
    assert client_for(getattr(world, who)).get(url(plan)).status_code == expected


def test_anonymous_is_sent_to_login(world, client):
    plan = f.plan_document(world.mo, world.year, items=1)
    response = client.get(pdf_url(plan))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_unknown_plan_is_404(world, client_for):
    assert client_for(world.admin).get(reverse("reports:plan_pdf", args=[999999])).status_code == 404
    assert client_for(world.admin).get("/reports/plans/abc/pdf/").status_code == 404


# --- the layout of a long plan -----------------------------------------------------------------

# The demo's plan of МБОУ «Заречная СОШ № 1»: 43 items as a school writes them, its header too.
SCHOOL_PLAN = demo_plans.SCHOOL1_CURRENT
MIN_HYPHENATED = 10  # print.css: hyphenate-limit-chars: 10 4 4


def realistic_plan(world, **fields):
    labels = {"year": "2025/2026", "previous": "2024/2025", "next": "2026/2027"}
    contents = [f"{f.marker(i)} {item.content.format(**labels)}" for i, item in enumerate(SCHOOL_PLAN.items, 1)]
    header = {
        "theme": SCHOOL_PLAN.theme, "goal": SCHOOL_PLAN.goal, "tasks": SCHOOL_PLAN.tasks,
        "expected_results": SCHOOL_PLAN.expected_results,
        "considered_protocol_number": "1", "considered_on": datetime.date(2025, 8, 28),
        "agreed_by_position": "заместитель директора по ВР", "agreed_by_name": "С.И. Павлова",
        "approved_by_position": "директор МБОУ «СОШ № 1»", "approved_by_name": "А.В. Громов",
        "approved_on": datetime.date(2025, 9, 1), "approval_order_number": "231-од",
        "approval_order_date": datetime.date(2025, 9, 1),
    }
    header.update(fields)
    plan = f.plan_document(world.mo, world.year, items=len(contents), content=lambda i: contents[i - 1], **header)
    return plan, contents


@pytest.mark.parametrize("status", [Status.APPROVED, Status.DRAFT])
def test_a_43_item_plan_takes_five_pages_and_begins_on_the_first(world, client_for, status):
    """The content column is the widest, long rows go on to the next page: the demo's plan took
    seven pages, the first holding the header alone, three quarters full."""
    plan, _contents = realistic_plan(world, status=status)
    assert plan.items.count() == 43
    content = client_for(world.admin).get(pdf_url(plan)).content
    pages = page_texts(content)
    assert len(pages) <= 5
    first = flat(pages[0])
    assert "Содержание" in first and flat(f"1 {f.marker(1)}") in first  # the table and its first item
    text = pdf_text(content)
    assert all(f.marker(i) in text for i in range(1, 44))


def _hyphenated_words(pages: list[str]) -> list[str]:
    """The words a line ends inside of, «воспита-» + «тельной», joined (a page's number after a
    word split across pages is left out)."""
    words = []
    for text in pages:
        for match in re.finditer(r"(\w+)[-\u2010\u00ad]\n(\w+)", text):
            if not match.group(2).isdigit():
                words.append((match.group(1), match.group(2)))
    return words


def test_no_short_word_is_hyphenated(world, client_for):
    plan, contents = realistic_plan(world, status=Status.DRAFT)
    content = client_for(world.admin).get(pdf_url(plan)).content
    source = " ".join([*contents, SCHOOL_PLAN.theme, SCHOOL_PLAN.goal, SCHOOL_PLAN.tasks, SCHOOL_PLAN.expected_results,
                       *(form.name for form in WorkForm.objects.all())])
    words = _hyphenated_words(page_texts(content))
    assert words  # long words still break: the test tells something
    short = [
        f"{left}-{right}" for left, right in words
        if len(left + right) < MIN_HYPHENATED and f"{left}-{right}" not in source  # a hyphen of its own: «1-х»
    ]
    assert short == []
    assert all(len(left) >= 4 and len(right) >= 4 for left, right in words if f"{left}-{right}" not in source)
