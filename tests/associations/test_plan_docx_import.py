"""The plan brought in from the school's Word file (issue 15, point 3): plan files laid out three
ways, built here with python-docx, each read into a preview that accounts for every row, then a
draft plan of the rows kept; the refusals next to the file field; who may; the preview's query
count, flat in the rows."""

from __future__ import annotations

import datetime
import io

import docx
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from associations.models import AcademicYear, AnnualPlan, PlanItem, PlanSection, WorkForm
from associations.plans import docx_import
from associations.plans.forms import plan_import_token
from tests import factories as f
from tests.helpers import login, messages_of

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


# --- the files --------------------------------------------------------------------------------------


def _table(document, rows: list, *, merged: set[int] = frozenset()):
    """A Word table of `rows` (lists of cell texts); the rows in `merged` are one cell across."""
    width = max(len(r) for r in rows)
    table = document.add_table(rows=len(rows), cols=width)
    table.style = "Table Grid"
    for index, values in enumerate(rows):
        cells = table.rows[index].cells
        if index in merged:
            cell = cells[0].merge(cells[-1])
            cell.text = values[0]
            continue
        for cell, value in zip(cells, values, strict=False):
            cell.text = value
    return table


def _bytes(document) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def plan_file_a() -> bytes:
    """The usual layout: the header on the first row (№, content, form, timing, responsible), a
    table of the МО's members before it (not a plan), merged section rows, a row left blank, and
    the theme, goal and tasks above."""
    document = docx.Document()
    document.add_paragraph("План работы МО классных руководителей на учебный год")
    document.add_paragraph("Методическая тема: Воспитание гражданина в современной школе")
    document.add_paragraph("Цель: повышение профессионального мастерства классных руководителей")
    document.add_paragraph("Задачи:")
    document.add_paragraph("1. Изучить новые формы воспитательной работы.")
    document.add_paragraph("2. Обобщить опыт классных руководителей.")
    _table(document, [["ФИО", "Должность"], ["Волкова Анна Петровна", "педагог-организатор"]])
    _table(document, [
        ["№ п/п", "Содержание работы", "Форма проведения", "Сроки", "Ответственный"],
        ["Заседания МО"],
        ["1", "Планирование работы на год", "заседание", "сентябрь", "Волкова А.П."],
        ["2", "Новые формы работы с родителями", "семинар-практикум", "сентябрь–октябрь", "Соколова М.П."],
        ["Открытые мероприятия"],
        ["3", "Открытый классный час «Моя семья»", "открытый классный час", "в течение года", "Иванова И.И."],
        ["", "", "", "", ""],
        ["4", "Неделя классных руководителей", "фестиваль", "01.02.2025", "Волкова А.П., Соколова М.П."],
    ], merged={1, 4})
    return _bytes(document)


def plan_file_b(items: int = 4) -> bytes:
    """Columns in another order (timing first, no number), the header on the second row under
    a merged title, months as a range with spaces, a date, «по графику», an unknown section."""
    document = docx.Document()
    timings = ["сентябрь - октябрь", "01.09", "по графику", "I четверть"]
    people = ["Соколова М.П.", "Волкова", "руководитель МО", "учителя-предметники"]
    rows = [["План работы на год"], ["Сроки", "Ответственные", "Мероприятие", "Форма"], ["Работа с кадрами"]]
    for n in range(items):
        rows.append([timings[n % 4], people[n % 4], f"Мероприятие плана № {n + 1}", "консультация"])
    _table(document, rows, merged={0, 2})
    return _bytes(document)


def plan_file_c() -> bytes:
    """A section column («Направление деятельности») instead of section rows, other header words,
    the header repeated inside the table, the head as «руководитель ШМО»."""
    document = docx.Document()
    _table(document, [
        ["Направление деятельности", "Тема", "Дата проведения", "Ответственные исполнители"],
        ["", "Консультации", "", ""],
        ["Консультации", "Как вести дневник наблюдений", "ноябрь", "руководитель ШМО"],
        ["Направление деятельности", "Тема", "Дата проведения", "Ответственные исполнители"],
        ["Контроль и анализ", "Анализ работы за полугодие", "декабрь-январь", "А.П. Волкова"],
        ["Конкурсы", "Конкурс «Самый классный классный»", "весна", "Соколова Марина Петровна"],
    ])
    return _bytes(document)


def upload(content: bytes, name: str = "План МО.docx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=DOCX)


def url(name, *args):
    return reverse(f"associations:{name}", args=args)


@pytest.fixture
def next_year(world):
    return AcademicYear.objects.get(start_year=world.year.start_year + 1)


@pytest.fixture
def section():
    return PlanSection.objects.get(name="Работа с документацией")


def preview_of(world, content: bytes, year, section):
    return docx_import.plan_preview(
        docx_import.plan_read(content, filename="План.docx"), association=world.mo, year=year, default_section=section
    )


def by_content(preview) -> dict:
    return {row.content: row for row in preview.items}


# --- reading and recognising -------------------------------------------------------------------------


def test_the_usual_layout_every_row_accounted_for(world, next_year, section):
    preview = preview_of(world, plan_file_a(), next_year, section)

    # Every row of the plan table, in order (the members' table skipped): sections, items, the blank row.
    assert [(r.raw.number, r.status) for r in preview.rows] == [
        (2, "section"), (3, "ok"), (4, "ok"), (5, "section"), (6, "warning"), (7, "skipped"), (8, "warning"),
    ]
    assert preview.rows[5].messages == ["строка пропущена: пустая"]
    rows = by_content(preview)
    first = rows["Планирование работы на год"]
    assert first.section.name == "Заседания МО"
    assert first.form.name == "заседание"
    assert (first.timing.timing, first.timing.month) == (PlanItem.Timing.MONTH, 9)
    assert first.responsible == [world.head_person]
    second = rows["Новые формы работы с родителями"]
    assert second.form.name == "семинар-практикум"
    assert second.timing.timing == PlanItem.Timing.DATES
    start = next_year.start_year
    assert (second.timing.date_from, second.timing.date_to) == (
        datetime.date(start, 9, 1), datetime.date(start, 10, 31)
    )
    assert second.responsible == [world.teacher_person]
    third = rows["Открытый классный час «Моя семья»"]
    assert third.section.name == "Открытые мероприятия"
    assert third.timing.timing == PlanItem.Timing.THROUGHOUT
    assert third.responsible == []
    assert third.messages == ["ответственный не найден: Иванова И.И."]
    assert third.note == "Ответственный (текстом): Иванова И.И."
    fourth = rows["Неделя классных руководителей"]
    assert fourth.form is None and "Форма (в файле): фестиваль" in fourth.note
    assert fourth.timing.date_from == datetime.date(start + 1, 2, 1)  # moved into the plan's year
    assert fourth.responsible == [world.head_person, world.teacher_person]
    assert preview.header == {
        "theme": "Воспитание гражданина в современной школе",
        "goal": "повышение профессионального мастерства классных руководителей",
        "tasks": "1. Изучить новые формы воспитательной работы.\n2. Обобщить опыт классных руководителей.",
    }


def test_columns_in_another_order_header_on_the_second_row(world, next_year, section):
    preview = preview_of(world, plan_file_b(), next_year, section)

    assert [(r.raw.number, r.kind) for r in preview.rows] == [
        (3, "section"), (4, "item"), (5, "item"), (6, "item"), (7, "item"),
    ]
    assert "раздел «Работа с кадрами» не найден" in preview.rows[0].messages[0]
    items = preview.items
    assert all(r.section == section for r in items)  # the upload's section for an unknown one
    assert all(r.note.startswith("Раздел (в файле): Работа с кадрами") or "Работа с кадрами" in r.note for r in items)
    assert [r.content for r in items] == [f"Мероприятие плана № {n}" for n in range(1, 5)]
    assert all(r.form.name == "консультация" for r in items)
    start = next_year.start_year
    assert (items[0].timing.date_from, items[0].timing.date_to) == (datetime.date(start, 9, 1),
                                                                     datetime.date(start, 10, 31))
    assert (items[1].timing.timing, items[1].timing.date_from) == (PlanItem.Timing.DATES, datetime.date(start, 9, 1))
    assert items[2].timing.timing == PlanItem.Timing.SCHEDULE
    assert (items[3].timing.date_from, items[3].timing.date_to) == (datetime.date(start, 9, 1),
                                                                     datetime.date(start, 10, 31))
    assert [r.responsible for r in items] == [[world.teacher_person], [world.head_person], [world.head_person], []]
    assert "ответственный не найден: учителя-предметники" in items[3].messages


def test_a_section_column_and_a_repeated_header(world, next_year, section):
    preview = preview_of(world, plan_file_c(), next_year, section)

    assert [(r.raw.number, r.status) for r in preview.rows] == [
        (2, "section"), (3, "ok"), (4, "skipped"), (5, "ok"), (6, "warning"),
    ]
    assert preview.rows[0].messages == ["раздел плана «Консультации»"]  # named in the content's cell alone
    assert preview.rows[2].messages == ["строка пропущена: повтор заголовка таблицы"]
    first, second, third = preview.items
    assert (first.section.name, first.responsible, first.timing.month) == ("Консультации", [world.head_person], 11)
    assert second.section.name == "Контроль и анализ"
    assert second.responsible == [world.head_person]  # «А.П. Волкова»
    assert (second.timing.date_from, second.timing.date_to) == (
        datetime.date(next_year.start_year, 12, 1), datetime.date(next_year.start_year + 1, 1, 31)
    )
    assert third.responsible == [world.teacher_person]
    assert third.section.name == "Конкурсы профессионального мастерства"  # by its first word
    assert any("сроки не распознаны: «весна»" in m for m in third.messages)
    assert "Сроки (в файле): весна" in third.note


def test_people_by_surname_and_initials(world, next_year):
    namesake = f.PersonFactory(school=world.school, last_name="Соколова", first_name="Ольга", patronymic="Ивановна")
    people = docx_import.People.for_plan(world.mo, next_year)
    # The head is Анна Петровна: «И.П. Волкова» is not her; «Соколова» alone is two people.
    assert people.find("И.П. Волкова") == ([], ["И.П. Волкова"])
    assert people.find("Соколова") == ([], ["Соколова"])
    assert people.find("Соколова О.И.; Соколова М. П.") == ([namesake, world.teacher_person], [])
    assert people.find("зам. директора по ВР Петрова Е.П.\nВолкова Анна Петровна") == (
        [world.deputy.person, world.head_person], []
    )
    assert people.find("все классные руководители") == ([], ["все классные руководители"])


def test_a_file_without_a_plan_table(world):
    document = docx.Document()
    document.add_paragraph("Сентябрь — заседание МО, ответственный Волкова А.П.")
    _table(document, [["ФИО", "Должность"], ["Волкова А.П.", "руководитель МО"]])
    with pytest.raises(Exception) as error:
        docx_import.plan_read(_bytes(document), filename="x.docx")
    assert "не найдена таблица плана" in " ".join(error.value.messages)


# --- the pages -------------------------------------------------------------------------------------------


def _post_preview(client, world, next_year, section, content, name="План МО.docx"):
    return client.post(url("plan_import", world.mo.pk), {
        "year": next_year.pk, "default_section": section.pk, "file": upload(content, name),
    })


def test_the_plan_card_links_to_the_import(world, next_year):
    response = login(world.head).get(url("detail", world.mo.pk), {"year": next_year.pk})
    assert f'{url("plan_import", world.mo.pk)}?year={next_year.pk}' in response.content.decode()


def test_upload_preview_confirm_creates_the_draft(world, next_year, section):
    client = login(world.head)
    page = client.get(url("plan_import", world.mo.pk), {"year": next_year.pk})
    assert page.status_code == 200
    assert page.context["form"]["year"].value() == str(next_year.pk)

    response = _post_preview(client, world, next_year, section, plan_file_a())
    assert response.status_code == 200
    assert not AnnualPlan.objects.filter(association=world.mo, academic_year=next_year).exists()
    html = response.content.decode()
    assert html.count('data-testid="import-row"') == 7
    assert "ответственный не найден: Иванова И.И." in html
    preview = response.context["preview"]
    payload = response.context["confirm"]["payload"].value()
    keep = [row.index for row in preview.items if row.content != "Неделя классных руководителей"]  # one dropped

    response = client.post(url("plan_import_confirm", world.mo.pk), {"payload": payload, "keep": keep, "header": "on"})
    plan = AnnualPlan.objects.get(association=world.mo, academic_year=next_year)
    assert response.status_code == 302 and response.url == url("plan", plan.pk)
    assert plan.status == AnnualPlan.Status.DRAFT
    assert plan.theme == "Воспитание гражданина в современной школе"
    assert plan.task_list == ["Изучить новые формы воспитательной работы.", "Обобщить опыт классных руководителей."]
    items = list(plan.items.order_by("position").prefetch_related("responsible"))
    assert [(i.position, i.section.name, i.content, i.form.name, i.timing_label) for i in items] == [
        (1, "Заседания МО", "Планирование работы на год", "заседание", "сентябрь"),
        (2, "Заседания МО", "Новые формы работы с родителями", "семинар-практикум",
         f"01.09.{next_year.start_year} – 31.10.{next_year.start_year}"),
        (3, "Открытые мероприятия", "Открытый классный час «Моя семья»", "открытый классный час", "в течение года"),
    ]
    assert [list(i.responsible.all()) for i in items] == [[world.head_person], [world.teacher_person], []]
    assert items[2].execution_note == "Ответственный (текстом): Иванова И.И."
    assert items[2].execution == PlanItem.Execution.PENDING
    page = client.get(response.url)
    assert "Ответственный (текстом): Иванова И.И." in page.content.decode()
    assert "Создан черновик плана" in " ".join(messages_of(page))
    # The editor shows it beside the row's pickers, where the head resolves it.
    editor = client.get(url("plan_edit", plan.pk)).content.decode()
    assert 'data-testid="item-note">Ответственный (текстом): Иванова И.И.' in editor


def test_the_header_can_be_left_out_and_the_file_b_comes_in(world, next_year, section):
    client = login(world.head)
    response = _post_preview(client, world, next_year, section, plan_file_b())
    payload = response.context["confirm"]["payload"].value()
    keep = [row.index for row in response.context["preview"].items]
    client.post(url("plan_import_confirm", world.mo.pk), {"payload": payload, "keep": keep})
    plan = AnnualPlan.objects.get(association=world.mo, academic_year=next_year)
    assert plan.theme == ""
    assert plan.items.count() == 4
    assert set(plan.items.values_list("timing", flat=True)) == {PlanItem.Timing.DATES, PlanItem.Timing.SCHEDULE}
    assert WorkForm.objects.get(name="консультация").pk in set(plan.items.values_list("form_id", flat=True))


def test_nothing_kept_nothing_created(world, next_year, section):
    client = login(world.head)
    response = _post_preview(client, world, next_year, section, plan_file_a())
    payload = response.context["confirm"]["payload"].value()
    response = client.post(url("plan_import_confirm", world.mo.pk), {"payload": payload})
    assert response.status_code == 200
    assert "Не отмечено ни одной строки" in " ".join(messages_of(response))
    assert not AnnualPlan.objects.filter(association=world.mo, academic_year=next_year).exists()


def test_more_items_than_a_plan_holds_creates_nothing(world, next_year, section):
    client = login(world.head)
    response = _post_preview(client, world, next_year, section, plan_file_b(101))
    payload = response.context["confirm"]["payload"].value()
    keep = [row.index for row in response.context["preview"].items]
    response = client.post(url("plan_import_confirm", world.mo.pk), {"payload": payload, "keep": keep})
    assert response.status_code == 200
    assert "не может быть больше 100 пунктов" in " ".join(messages_of(response))
    assert response.context["kept"] == set(keep)  # the marks as the head left them
    assert not AnnualPlan.objects.filter(association=world.mo, academic_year=next_year).exists()


def test_a_year_planned_meanwhile_creates_nothing(world, next_year, section):
    client = login(world.head)
    response = _post_preview(client, world, next_year, section, plan_file_a())
    payload = response.context["confirm"]["payload"].value()
    keep = [row.index for row in response.context["preview"].items]
    f.plan_with_items(world.mo, next_year, responsible=[world.head_person])
    items = PlanItem.objects.count()
    response = client.post(url("plan_import_confirm", world.mo.pk), {"payload": payload, "keep": keep})
    assert response.status_code == 200
    assert "уже есть" in " ".join(messages_of(response))
    assert PlanItem.objects.count() == items


def test_a_tampered_or_foreign_payload_is_refused(world, next_year, section):
    client = login(world.head)
    response = client.post(url("plan_import_confirm", world.mo.pk), {"payload": "x" * 40, "keep": [0]})
    assert response.status_code == 302 and response.url == url("plan_import", world.mo.pk)
    plan_file = docx_import.plan_read(plan_file_a(), filename="a.docx")
    foreign = plan_import_token(plan_file, association=world.other_mo, year=next_year, section=section)
    response = client.post(url("plan_import_confirm", world.mo.pk), {"payload": foreign, "keep": [1]}, follow=True)
    assert "загрузите файл ещё раз" in " ".join(messages_of(response))
    assert not AnnualPlan.objects.filter(academic_year=next_year).exists()


@pytest.mark.parametrize(
    ("name", "content", "words"),
    [
        ("План.docx", f.TINY_PDF, "PDF"),
        ("План.docx", "Сентябрь; заседание; Волкова".encode(), "текстовый файл"),
        ("План.pdf", f.TINY_PDF, "PDF"),
    ],
)
def test_a_file_that_is_not_docx_is_refused_next_to_the_field(world, next_year, section, name, content, words):
    response = _post_preview(login(world.head), world, next_year, section, content, name)
    assert response.status_code == 200
    assert response.context["preview"] is None
    errors = " ".join(response.context["form"].errors["file"])
    assert words in errors and "DOCX" in errors


def test_a_docx_without_a_plan_table_is_refused_next_to_the_field(world, next_year, section):
    document = docx.Document()
    document.add_paragraph("План работы")
    response = _post_preview(login(world.head), world, next_year, section, _bytes(document))
    assert response.status_code == 200
    assert "В файле нет таблиц" in " ".join(response.context["form"].errors["file"])


def test_a_year_with_a_plan_cannot_be_chosen(world, section):
    f.plan_with_items(world.mo, world.year, responsible=[world.head_person])
    response = _post_preview(login(world.head), world, world.year, section, plan_file_a())
    assert "план уже есть" in " ".join(response.context["form"].errors["year"])


def test_only_the_writers_of_the_association(world, next_year, section):
    assert login(world.deputy).get(url("plan_import", world.mo.pk)).status_code == 403
    assert login(world.teacher).get(url("plan_import", world.mo.pk)).status_code == 403
    assert login(world.other_deputy).get(url("plan_import", world.mo.pk)).status_code == 404
    assert login(world.methodologist).get(url("plan_import", world.rmo.pk)).status_code == 200


def test_the_preview_query_count_is_flat_in_rows(world, next_year, section):
    client = login(world.head)
    counts = []
    for items in (10, 40):
        content = plan_file_b(items)
        with CaptureQueriesContext(connection) as queries:
            response = _post_preview(client, world, next_year, section, content)
        assert response.status_code == 200
        assert len(response.context["preview"].items) == items
        counts.append(len(queries.captured_queries))
    # The session, the user, their person and appointments (their roles), the association; the
    # year and the section posted; the sections, the forms of work, the people, the head (for
    # «руководитель МО»).
    assert counts[0] == counts[1] == 11


def test_a_plan_table_without_content_is_refused(world, next_year, section):
    document = docx.Document()
    _table(document, [["Содержание", "Сроки", "Ответственный"], ["", "сентябрь", "Волкова А.П."], ["", "", ""]])
    response = _post_preview(login(world.head), world, next_year, section, _bytes(document))
    assert "нет ни одной строки с содержанием" in " ".join(response.context["form"].errors["file"])
