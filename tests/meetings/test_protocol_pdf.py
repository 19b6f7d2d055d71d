"""The protocol's PDF in the layout of the domain spec §1, read back with pypdf: header, people,
agenda, СЛУШАЛИ / ВЫСТУПИЛИ / РЕШИЛИ with decisions and votes, signatures; the list appended
above 15 present; nothing but text from what people typed; the same queries for any size."""

from __future__ import annotations

import datetime
import hashlib

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from associations.models import Person
from meetings import services
from meetings.documents import (
    people_phrase,
    protocol_context,
    protocol_export,
    protocol_pdf,
    quoted,
    russian_quotes,
    typeset,
)
from meetings.models import (
    PRESENT_LIST_LIMIT,
    AgendaItem,
    Attendance,
    Decision,
    Guest,
    Meeting,
    Protocol,
    ProtocolItem,
)
from reports.rendering import PDF_MIMETYPE
from tests import factories as f
from tests.helpers import embedded_files, flat, footer_texts, image_count, page_texts, pdf_text

M, F = Person.Gender.MALE, Person.Gender.FEMALE
PASSWD_LINE = "root:x:0:0"


def norm(text: str) -> str:
    """Text as `flat` gives it, also without hyphens, which a line end may add or take away."""
    return flat(text).replace("-", "").replace("\u2010", "").replace("\u00ad", "")


def text_of(pdf: bytes) -> str:
    return norm(pdf_text(pdf))


MEMBERS = [  # (last, first, patronymic, gender); with the head and the teacher of conftest: 12
    ("Абрамова", "Елена", "Викторовна", F),
    ("Горький", "Максим", "Алексеевич", M),
    ("Ёлкина", "Ирина", "Олеговна", F),
    ("Никитина", "Светлана", "Олеговна", F),
    ("Орлов", "Сергей", "Иванович", M),
    ("Римский-Корсаков", "Николай", "Андреевич", M),
    ("Толстая", "Анна", "Львовна", F),
    ("Шевченко", "Тарас", "Григорьевич", M),
    ("Белая", "Ольга", "Игоревна", F),
    ("Дюма", "Александр", "Ильич", M),
]


def member(world, last, first, patronymic, gender, **fields) -> Person:
    return f.PersonFactory(school=world.school, last_name=last, first_name=first, patronymic=patronymic,
                           gender=gender, **fields)


@pytest.fixture
def record(world):
    """Protocol № 2 of the school МО: 12 present, Лебедев absent on sick leave, two guests,
    three questions; a vote on the first; decisions with due dates and who answers for them."""
    services.protocol_create(meeting=f.recorded_meeting(world), user=world.head)  # № 1
    meeting = f.recorded_meeting(
        world, kind=Meeting.Kind.WORKSHOP, theme="Профилактика деструктивного поведения обучающихся"
    )
    people = {p[0]: member(world, *p) for p in MEMBERS}
    present = [world.head_person, world.teacher_person, *people.values()]
    absent = member(world, "Лебедев", "Андрей", "Павлович", M)
    services.attendance_save(
        meeting=meeting, user=world.head,
        rows=[{"person": p, "present": True} for p in present]
        + [{"person": absent, "present": False, "absence_reason": "больничный лист"}],
    )
    Guest.objects.create(meeting=meeting, full_name="Петрова Е.Н.", position="заместитель директора по ВР")
    Guest.objects.create(meeting=meeting, full_name="Зайцева К.М.", position="педагог-психолог")
    first = AgendaItem.objects.create(meeting=meeting, position=1, title="О профилактике деструктивного поведения")
    first.speakers.add(world.teacher_person)
    AgendaItem.objects.create(meeting=meeting, position=2, title="Об организации осенних каникул",
                              guest_speakers="Петрова Е.Н.")
    third = AgendaItem.objects.create(meeting=meeting, position=3, title="Об участии в проекте «Орлята России»")
    third.speakers.add(people["Орлов"], people["Ёлкина"])

    protocol = services.protocol_create(meeting=meeting, user=world.head)
    Protocol.objects.filter(pk=protocol.pk).update(chair=world.head_person, secretary=people["Никитина"])
    items = list(protocol.items.order_by("position"))
    ProtocolItem.objects.filter(pk=items[0].pk).update(
        heard_person=world.teacher_person, heard="О признаках деструктивного поведения СЛУШ1",
        spoke="Петрова Е.Н. — о работе с семьями ВЫСТ1", decided="Информацию принять к сведению РЕШ1",
        votes_for=10, votes_against=0, votes_abstained=1,
    )
    ProtocolItem.objects.filter(pk=items[1].pk).update(
        heard_name="Петрову Е.Н., заместителя директора по ВР,", heard="О плане каникул СЛУШ2",
        decided="Утвердить план мероприятий на каникулы РЕШ2",
    )
    ProtocolItem.objects.filter(pk=items[2].pk).update(
        heard_person=people["Орлов"], heard="О ходе проекта СЛУШ3", decided="Продолжить участие в проекте РЕШ3",
    )
    Decision.objects.create(protocol_item=items[0], text="Провести классные часы РЕШ11",
                            responsible=world.teacher_person, due_on=datetime.date(2025, 12, 1))
    Decision.objects.create(protocol_item=items[0], text="Провести родительские собрания РЕШ12",
                            responsible=people["Ёлкина"], due_on=datetime.date(2025, 12, 20))
    Decision.objects.create(protocol_item=items[2], text="Подготовить отчёт РЕШ31",
                            responsible=people["Орлов"], due_on=datetime.date(2026, 1, 15))
    return Protocol.objects.get(pk=protocol.pk)


def meeting_day(protocol: Protocol) -> str:
    return f"{timezone.localtime(protocol.meeting.starts_at):%d.%m.%Y}"


# --- the document ----------------------------------------------------------------------------


def test_the_protocol_has_the_standard_layout(world, record):
    pdf = protocol_pdf(record)
    assert pdf.startswith(b"%PDF")
    text = text_of(pdf)
    expected_in_order = [
        world.school.name,
        "ПРОТОКОЛ",
        meeting_day(record), "№ 2",
        "заседания методического объединения классных руководителей",
        "Председатель — Волкова А.П.", "Секретарь — Никитина С.О.",
        # alphabetical, ё among the е, Фамилия И.О.
        "Присутствовали: Абрамова Е.В., Белая О.И., Волкова А.П., Горький М.А., Дюма А.И., Ёлкина И.О., "
        "Никитина С.О., Орлов С.И., Римский-Корсаков Н.А., Соколова М.П., Толстая А.Л., Шевченко Т.Г.",
        "Отсутствовали: 1 (Лебедев А.П. — больничный лист)",
        "Приглашённые: Зайцева К.М., педагог-психолог; Петрова Е.Н., заместитель директора по ВР",
        "Тема: «Профилактика деструктивного поведения обучающихся»",
        "Форма: семинар-практикум",
        "ПОВЕСТКА ДНЯ:",
        "1. О профилактике деструктивного поведения (докладчик Соколова М.П.)",
        "2. Об организации осенних каникул (докладчик Петрова Е.Н.)",
        "3. Об участии в проекте «Орлята России» (докладчики Ёлкина И.О., Орлов С.И.)",
        "1. СЛУШАЛИ: Соколову М.П., классного руководителя 6 «Б» класса, — О признаках деструктивного "
        "поведения СЛУШ1.",
        "ВЫСТУПИЛИ: Петрова Е.Н. — о работе с семьями ВЫСТ1",
        "РЕШИЛИ: Информацию принять к сведению РЕШ1.",
        "1.1. Провести классные часы РЕШ11. Срок: до 01.12.2025. Ответственный: Соколова М.П.",
        "1.2. Провести родительские собрания РЕШ12. Срок: до 20.12.2025. Ответственный: Ёлкина И.О.",
        "Голосовали: «за» — 10, «против» — 0, «воздержались» — 1.",
        "2. СЛУШАЛИ: Петрову Е.Н., заместителя директора по ВР, — О плане каникул СЛУШ2.",
        "РЕШИЛИ: Утвердить план мероприятий на каникулы РЕШ2.",
        "3. СЛУШАЛИ: Орлова С.И., учителя, — О ходе проекта СЛУШ3.",
        "РЕШИЛИ: Продолжить участие в проекте РЕШ3.",
        "3.1. Подготовить отчёт РЕШ31. Срок: до 15.01.2026. Ответственный: Орлов С.И.",
        "Председатель", "А.П. Волкова",
        "Секретарь", "С.О. Никитина",
    ]
    position = 0
    for expected in expected_in_order:
        found = text.find(norm(expected), position)
        assert found >= 0, f"{expected!r} missing (or out of order) after {text[position - 40:position]!r}"
        position = found + len(norm(expected))
    assert text.count(norm("Голосовали")) == 1  # only where a vote was held
    assert norm("список прилагается") not in text
    assert norm("Список присутствующих") not in text
    assert "ЧЕРНОВИК" not in text
    assert len(page_texts(pdf)) == len(footer_texts(pdf)) and footer_texts(pdf)[0] == "1"


def test_the_date_is_the_meetings_not_the_day_of_writing(record):
    Meeting.objects.filter(pk=record.meeting_id).update(
        starts_at=timezone.make_aware(datetime.datetime(2025, 11, 14, 15, 0))
    )
    text = text_of(protocol_pdf(record))
    assert norm("ПРОТОКОЛ 14.11.2025 № 2 заседания") in text
    assert f"{timezone.localdate():%d.%m.%Y}" not in text  # the day the PDF is made shows nowhere


def test_the_label_of_the_decisions_can_be_postanovili(record):
    Protocol.objects.filter(pk=record.pk).update(decided_label=Protocol.DecidedLabel.RESOLVED)
    text = text_of(protocol_pdf(record))
    assert text.count(norm("ПОСТАНОВИЛИ:")) == 3
    assert norm("РЕШИЛИ:") not in text
    assert norm("ПОСТАНОВИЛИ: Информацию принять к сведению РЕШ1.") in text


def test_more_than_fifteen_present_gives_the_count_and_appends_the_list(world, record):
    extra = [member(world, f"Кузнецова{i:02d}", "Татьяна", "Александровна", F) for i in range(8)]
    Attendance.objects.bulk_create(Attendance(meeting_id=record.meeting_id, person=p) for p in extra)
    pdf = protocol_pdf(record)
    text = text_of(pdf)
    assert 12 + len(extra) > PRESENT_LIST_LIMIT
    assert norm("Присутствовали: 20 человек (список прилагается)") in text
    assert norm("Абрамова Е.В., Белая О.И.") not in text  # no list in the header
    pages = [norm(page) for page in page_texts(pdf)]
    appendix = pages[-1]
    assert norm("Список присутствующих") in appendix and norm("СЛУШАЛИ") not in appendix
    assert norm(f"Приложение к протоколу № 2 от {meeting_day(record)}") in appendix
    for name in ["Абрамова Елена Викторовна", "Соколова Марина Петровна", "Кузнецова07 Татьяна Александровна"]:
        assert norm(name) in appendix, name
    assert norm("учитель, классный руководитель 6 «Б» класса") in appendix
    assert norm("Всего: 20 человек.") in appendix
    assert norm("Лебедев") not in appendix  # the absent are not on the list of those present


def test_the_district_association_prints_the_department_and_the_district_body(world):
    meeting = Meeting.objects.create(association=world.rmo, academic_year=world.year, theme="Наставничество",
                                     starts_at=f.recorded_meeting(world).starts_at)
    protocol = Protocol.objects.create(meeting=meeting, association=world.rmo, academic_year=world.year, number=1,
                                       chair=world.methodologist.person)
    Attendance.objects.create(meeting=meeting, person=world.teacher_person)
    ProtocolItem.objects.create(protocol=protocol, heard_person=world.teacher_person, heard="Опыт", decided="Принять")
    text = text_of(protocol_pdf(protocol))
    assert norm(world.district.education_department) in text
    assert norm(world.district.methodical_office) in text
    assert norm("заседания районного методического объединения классных руководителей") in text
    assert norm("Соколову М.П., классного руководителя 6 «Б» класса МБОУ «СОШ № 1», — Опыт.") in text
    assert norm("Председатель — Кузнецова Т.А.") in text and norm("Т.А. Кузнецова") in text


def test_a_draft_says_so_on_every_page(world, record):
    extra = [member(world, f"Кузнецова{i:02d}", "Татьяна", "Александровна", F) for i in range(8)]
    Attendance.objects.bulk_create(Attendance(meeting_id=record.meeting_id, person=p) for p in extra)
    pdf = protocol_pdf(record, draft=True)
    assert all("ЧЕРНОВИК" in page for page in page_texts(pdf))
    assert norm("ЧЕРНОВИК — протокол не подписан") in text_of(pdf)


def test_filename_and_export_triple(world, record):
    stem = f"protocol-{world.mo.pk}-{world.year.start_year}-{world.year.start_year + 1}-2"
    assert record.file_name() == f"{stem}.pdf"
    assert record.file_name(draft=True) == f"{stem}-draft.pdf"
    filename, mimetype, content = protocol_export(record, draft=True)
    assert (filename, mimetype) == (f"{stem}-draft.pdf", PDF_MIMETYPE) and content.startswith(b"%PDF")


# --- what people typed stays text ------------------------------------------------------------

IMG = '<img src="file:///etc/passwd">'
LINK = '<link rel="attachment" href="file:///etc/passwd">'


def test_markup_in_the_texts_is_printed_never_followed(world, record, no_network):
    """Every free text of the protocol carries markup that would embed /etc/passwd if it were
    interpreted. It is escaped: the PDF shows it as typed (a protocol records what was written)
    and holds neither the file's content nor any embedded file or image."""
    evil = f"{IMG}{LINK}"
    Meeting.objects.filter(pk=record.meeting_id).update(theme=f"Тема {evil}")
    AgendaItem.objects.filter(meeting_id=record.meeting_id).update(title=f"О вопросе {evil}", guest_speakers=evil)
    Guest.objects.filter(meeting_id=record.meeting_id).update(full_name=evil, position=evil)
    Attendance.objects.filter(meeting_id=record.meeting_id, present=False).update(absence_reason=evil)
    ProtocolItem.objects.filter(protocol=record).update(heard=evil, spoke=evil, decided=evil, heard_name=evil)
    Decision.objects.filter(protocol_item__protocol=record).update(text=evil)
    Person.objects.filter(pk=world.head_person.pk).update(last_name=f"Волкова{IMG}")

    pdf = protocol_pdf(record)
    assert pdf.startswith(b"%PDF")
    text = pdf_text(pdf)
    assert PASSWD_LINE not in text
    assert b"root:x:0:0" not in pdf
    assert embedded_files(pdf) == []
    assert image_count(pdf) == 0
    assert flat(IMG) in text and flat(LINK) in text  # escaped, printed as typed


# --- queries ---------------------------------------------------------------------------------


def test_queries_do_not_grow_with_items_and_people(world, django_assert_num_queries):
    small = f.sized_protocol(world, items=1, attendees=3)
    large = f.sized_protocol(world, items=5, attendees=25)
    with CaptureQueriesContext(connection) as one:
        protocol_pdf(small)
    with CaptureQueriesContext(connection) as five:
        protocol_pdf(large)
    assert len(one) == len(five)
    # 1. the protocol with meeting, association, school, district, year, chair, secretary;
    # 2. the attendance with person and school; 3. their classes of the year; 4. the guests;
    # 5. the agenda; 6. its speakers; 7. the items with speaker, school and agenda question;
    # 8. the speakers' classes of the year; 9. the decisions with who answers for them.
    with django_assert_num_queries(9):
        protocol_pdf(large)
    assert len(protocol_context(large)["attendees"]) == 24  # the appendix: those present


# --- signing ---------------------------------------------------------------------------------


def test_signing_stores_the_pdf_with_the_number_and_the_decisions(world, record):
    signed = services.protocol_sign(protocol=record, user=world.head, votes_confirmed=True)
    data = signed.pdf.open("rb").read()
    assert hashlib.sha256(data).hexdigest() == signed.pdf_sha256
    text = text_of(data)
    assert norm("№ 2") in text
    for decision in ["РЕШ1.", "РЕШ2.", "РЕШ3.", "РЕШ11.", "РЕШ12.", "РЕШ31."]:
        assert decision in text, decision
    assert norm("1.1. Провести классные часы РЕШ11. Срок: до 01.12.2025.") in text
    assert norm("А.П. Волкова") in text and norm("С.О. Никитина") in text
    assert "ЧЕРНОВИК" not in text


# --- small pieces ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("n", "phrase"),
    [
        (1, "1 человек"),
        (5, "5 человек"),
        (16, "16 человек"),
        (21, "21 человек"),
        (25, "25 человек"),
        (2, "2 человека"),
        (22, "22 человека"),
    ],
)
def test_people_are_counted_with_russian_plural_forms(n, phrase):
    from django.utils import translation

    with translation.override("ru"):
        assert people_phrase(n) == phrase


@pytest.mark.parametrize(
    ("typed", "printed"),
    [
        ('Проект "Орлята России"', "Проект «Орлята России»"),
        ('"Проект "Орлята России""', "«Проект „Орлята России“»"),
        ("«Проект «Орлята России»»", "«Проект „Орлята России“»"),
        ('Один " непарный', 'Один " непарный'),
    ],
)
def test_quotes_become_yolochki_and_lapki_inside(typed, printed):
    assert russian_quotes(typed) == printed


def test_titles_are_quoted_once():
    assert quoted("Профилактика") == "«Профилактика»"
    assert quoted("«Профилактика»") == "«Профилактика»"
    assert quoted('Проект "Орлята России"') == "«Проект „Орлята России“»"
    assert quoted("«Орлята» и «Юнармия»") == "«„Орлята“ и „Юнармия“»"


def test_no_line_breaks_inside_numbers_classes_and_initials():
    nbsp = "\u00a0"
    assert typeset("МБОУ «СОШ № 2», 6 «Б», Соколова М.П. и А.П. Волкова — здесь") == (
        f"МБОУ «СОШ №{nbsp}2», 6{nbsp}«Б», Соколова{nbsp}М.П. и А.П.{nbsp}Волкова{nbsp}— здесь"
    )
