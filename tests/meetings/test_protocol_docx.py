"""The protocol and its extract in Word (issue 15): the DOCX reads back (python-docx) with the same
texts as the PDF of the same document, in the same order; a draft is marked «ЧЕРНОВИК»; a signed
protocol's DOCX is made from the data as signed and never stored; the extract of one question goes
to the protocol's readers and to the person responsible, never of a draft; LibreOffice opens both."""

from __future__ import annotations

import datetime
import io
import shutil
import subprocess
from pathlib import Path

import pytest
from django.core.files.storage import default_storage
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from docx import Document
from docx.oxml.ns import qn

from associations.models import ClassAssignment
from meetings import documents, services
from meetings.models import Decision, Protocol, ProtocolItem
from reports import word
from tests import factories as f
from tests.helpers import login, pdf_reader, pdf_text
from tests.meetings.test_protocol_pdf import meeting_day, norm
from tests.meetings.test_protocol_pdf import record as record


def docx_flat(data: bytes) -> str:
    return norm("\n".join(word.docx_text(data)))


def assert_in_order(text: str, keys: list[str], *, what: str) -> None:
    position = 0
    for key in keys:
        found = text.find(norm(key), position)
        assert found >= 0, f"{what}: {key!r} missing (or out of order) after {text[max(position - 40, 0):position]!r}"
        position = found + len(norm(key))


def protocol_keys(world, protocol) -> list[str]:
    """The protocol's key texts in the order of the document (test_protocol_pdf's layout)."""
    return [
        world.school.name, "ПРОТОКОЛ", meeting_day(protocol), "№ 2",
        "заседания методического объединения классных руководителей",
        "Председатель — Волкова А.П.", "Секретарь — Никитина С.О.",
        "Присутствовали: Абрамова Е.В., Белая О.И., Волкова А.П.",
        "Отсутствовали: 1 (Лебедев А.П. — больничный лист)",
        "Приглашённые: Зайцева К.М., педагог-психолог; Петрова Е.Н., заместитель директора по ВР",
        "Тема: «Профилактика деструктивного поведения обучающихся»", "Форма: семинар-практикум",
        "ПОВЕСТКА ДНЯ:",
        "1. О профилактике деструктивного поведения (докладчик Соколова М.П.)",
        "3. Об участии в проекте «Орлята России» (докладчики Ёлкина И.О., Орлов С.И.)",
        "1. СЛУШАЛИ: Соколову М.П., классного руководителя 6 «Б» класса, — О признаках деструктивного "
        "поведения СЛУШ1.",
        "ВЫСТУПИЛИ: Петрова Е.Н. — о работе с семьями ВЫСТ1",
        "РЕШИЛИ: Информацию принять к сведению РЕШ1.",
        "1.1. Провести классные часы РЕШ11. Срок: до 01.12.2025. Ответственный: Соколова М.П.",
        "1.2. Провести родительские собрания РЕШ12. Срок: до 20.12.2025. Ответственный: Ёлкина И.О.",
        "Голосовали: «за» — 10, «против» — 0, «воздержались» — 1.",
        "2. СЛУШАЛИ: Петрову Е.Н., заместителя директора по ВР, — О плане каникул СЛУШ2.",
        "3. СЛУШАЛИ: Орлова С.И., учителя, — О ходе проекта СЛУШ3.",
        "3.1. Подготовить отчёт РЕШ31. Срок: до 15.01.2026. Ответственный: Орлов С.И.",
        "Председатель", "А.П. Волкова", "Секретарь", "С.О. Никитина",
    ]


def header_texts(data: bytes) -> str:
    doc = Document(io.BytesIO(data))
    section = doc.sections[0]
    return " ".join(p.text for header in (section.first_page_header, section.header) for p in header.paragraphs)


# --- the protocol --------------------------------------------------------------------------------


def test_the_docx_says_what_the_pdf_says_in_the_same_order(world, record):
    keys = protocol_keys(world, record)
    pdf = documents.protocol_pdf(record)
    name, mimetype, data = documents.protocol_docx_export(record)
    assert_in_order(norm(pdf_text(pdf)), keys, what="PDF")
    assert_in_order(docx_flat(data), keys, what="DOCX")
    assert name == record.file_name(draft=True).removesuffix(".pdf") + ".docx"
    assert mimetype == word.DOCX_MIMETYPE
    assert docx_flat(data).count(norm("Голосовали")) == 1


def test_the_docx_is_a4_with_the_official_margins_and_styles(record):
    doc = Document(io.BytesIO(documents.protocol_docx(record)))
    section = doc.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    assert [round(m.mm) for m in (section.left_margin, section.right_margin, section.top_margin,
                                  section.bottom_margin)] == [20, 10, 20, 20]
    styles = {p.style.name for p in doc.paragraphs}
    assert {"Title", "Centered", "Heading 2"} <= styles
    assert doc.styles["Normal"].font.name == "Times New Roman"
    # the labels are bold runs, not a bold paragraph
    heard = next(p for p in doc.paragraphs if p.text.startswith("1. СЛУШАЛИ"))
    assert heard.runs[0].bold and not heard.runs[1].bold


def test_a_draft_says_so_on_every_page_a_signed_one_does_not(world, record):
    draft = documents.protocol_docx(record, draft=True)
    assert "ЧЕРНОВИК" in header_texts(draft)
    assert "ЧЕРНОВИК" not in "".join(word.docx_text(draft))  # in the header, as the PDF's mark on each page
    signed = services.protocol_sign(protocol=record, user=world.head, votes_confirmed=True)
    data = documents.protocol_docx(signed)
    assert "ЧЕРНОВИК" not in header_texts(data)


def test_the_signed_protocols_docx_follows_its_stored_pdf_and_is_not_stored(world, record):
    signed = services.protocol_sign(protocol=record, user=world.head, votes_confirmed=True)
    stored = signed.pdf.open("rb").read()
    files_before = default_storage.listdir("protocols/" + signed.pdf.name.split("/")[1])[1]
    response = login(world.teacher).get(reverse("meetings:protocol_docx", args=[signed.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == word.DOCX_MIMETYPE
    assert response["Content-Disposition"].startswith("attachment")
    assert f"{signed.file_name().removesuffix('.pdf')}.docx" in response["Content-Disposition"]
    assert_in_order(norm(pdf_text(stored)), protocol_keys(world, signed), what="stored PDF")
    assert_in_order(docx_flat(response.content), protocol_keys(world, signed), what="DOCX")
    after = Protocol.objects.get(pk=signed.pk)
    assert (after.pdf.name, after.pdf_sha256) == (signed.pdf.name, signed.pdf_sha256)
    assert default_storage.listdir("protocols/" + signed.pdf.name.split("/")[1])[1] == files_before


def test_a_drafts_docx_is_for_the_drafts_readers_and_never_cached(world, record):
    url = reverse("meetings:protocol_docx", args=[record.pk])
    assert login(world.teacher).get(url).status_code == 404  # a class teacher reads it once signed
    response = login(world.head).get(url)
    assert response.status_code == 200 and response["Cache-Control"] == "private, no-store"
    assert "ЧЕРНОВИК" in header_texts(response.content)


def test_the_appended_list_comes_after_the_signatures(world):
    protocol = f.sized_protocol(world, items=1, attendees=20)
    texts = word.docx_text(documents.protocol_docx(protocol))
    joined = norm("\n".join(texts))
    assert_in_order(joined, ["Присутствовали: 19 человек (список прилагается)", "Секретарь", "Приложение",
                             "Список присутствующих", "1. Участник01 Инна Ивановна", "Всего: 19 человек."],
                    what="DOCX")


def test_the_page_shows_the_docx_beside_the_pdf(world, record):
    page = login(world.head).get(reverse("meetings:protocol", args=[record.pk])).content.decode()
    assert reverse("meetings:protocol_docx", args=[record.pk]) in page
    assert 'data-testid="protocol-extract"' not in page  # a draft has no extract


# --- the extract ---------------------------------------------------------------------------------


@pytest.fixture
def signed(world, record):
    return services.protocol_sign(protocol=record, user=world.head, votes_confirmed=True)


def first_item(protocol) -> ProtocolItem:
    return protocol.items.order_by("position", "pk").first()


def extract_keys(world, protocol) -> list[str]:
    return [
        world.school.name, f"ВЫПИСКА ИЗ ПРОТОКОЛА № 2 от {meeting_day(protocol)}",
        "заседания методического объединения классных руководителей",
        "Председатель — Волкова А.П.", "Секретарь — Никитина С.О.", "Присутствовали: 12 человек.",
        "ПОВЕСТКА ДНЯ:", "1. О профилактике деструктивного поведения (докладчик Соколова М.П.)",
        "1. СЛУШАЛИ: Соколову М.П., классного руководителя 6 «Б» класса, — О признаках деструктивного "
        "поведения СЛУШ1.",
        "РЕШИЛИ: Информацию принять к сведению РЕШ1.",
        "1.1. Провести классные часы РЕШ11. Срок: до 01.12.2025. Ответственный: Соколова М.П.",
        "1.2. Провести родительские собрания РЕШ12. Срок: до 20.12.2025. Ответственный: Ёлкина И.О.",
        "Голосовали: «за» — 10, «против» — 0, «воздержались» — 1.",
        "Выписка верна", "Секретарь", "С.О. Никитина", datetime.date.today().strftime("%d.%m.%Y"),
    ]


def test_the_extract_has_one_question_in_pdf_and_docx_alike(world, signed):
    item = first_item(signed)
    pdf_name, pdf_type, pdf = documents.protocol_extract_pdf(item)
    docx_name, docx_type, docx = documents.protocol_extract_docx(item)
    keys = extract_keys(world, signed)
    assert_in_order(norm(pdf_text(pdf)), keys, what="PDF")
    assert_in_order(docx_flat(docx), keys, what="DOCX")
    for text in (norm(pdf_text(pdf)), docx_flat(docx)):
        assert "СЛУШ2" not in text and "РЕШ31" not in text and "ЧЕРНОВИК" not in text
        assert norm("Абрамова") not in text  # the count, not the names
    assert (pdf_name, pdf_type) == (f"protocol-{world.mo.pk}-{world.year.start_year}-{world.year.start_year + 1}"
                                    "-2-vypiska-1.pdf", "application/pdf")
    assert docx_name.endswith("-vypiska-1.docx") and docx_type == word.DOCX_MIMETYPE


def test_the_extract_goes_to_the_readers_and_to_the_person_responsible(world, signed):
    item = first_item(signed)
    elkina = Decision.objects.get(protocol_item=item, text__endswith="РЕШ12").responsible
    # Ёлкина answers for 1.2 but works at another school now: she reads the protocol no more.
    elkina.user = f.UserFactory(username="elkina")
    elkina.school = world.other_school
    elkina.save()
    for name in ("pdf", "docx"):
        url = reverse(f"meetings:protocol_extract_{name}", args=[item.pk])
        assert login(world.teacher).get(url).status_code == 200  # a reader of the signed protocol
        assert login(elkina.user).get(url).status_code == 200  # the person responsible
        assert login(world.other_deputy).get(url).status_code == 404
        assert login(world.outsider).get(url).status_code == 404
        other = reverse(f"meetings:protocol_extract_{name}", args=[signed.items.order_by("position")[2].pk])
        assert login(elkina.user).get(other).status_code == 404  # a question with nothing of hers
    response = login(world.teacher).get(reverse("meetings:protocol_extract_docx", args=[item.pk]))
    assert response["Content-Disposition"].startswith("attachment") and response["Cache-Control"] == "private"


def test_a_drafts_question_has_no_extract(world, record):
    item = first_item(record)
    for name in ("pdf", "docx"):
        url = reverse(f"meetings:protocol_extract_{name}", args=[item.pk])
        assert login(world.head).get(url).status_code == 404  # the draft's writer too
        assert login(world.admin).get(url).status_code == 404


def test_the_extract_reads_the_same_queries_for_any_protocol(world, django_assert_num_queries):
    small = f.sized_protocol(world, items=1, attendees=3)
    large = f.sized_protocol(world, items=5, attendees=25)
    for protocol in (small, large):
        f.mark_signed(protocol)
    client = login(world.head)
    counts = []
    for protocol in (small, large):
        url = reverse("meetings:protocol_extract_docx", args=[first_item(protocol).pk])
        client.get(url)  # the session and the roles' first reads
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]
    # 1. the session; 2. the user; 3. the person (roles); 4. the appointments (roles); 5. the
    # question, if the user may have its extract; 6–14. the protocol's context (documents.protocol_context).
    url = reverse("meetings:protocol_extract_pdf", args=[first_item(large).pk])
    with django_assert_num_queries(14):
        assert client.get(url).status_code == 200


def test_the_links_to_the_extract(world, signed):
    page = login(world.teacher).get(reverse("meetings:protocol", args=[signed.pk])).content.decode()
    assert page.count('data-testid="protocol-extract"') == 3
    for item in signed.items.all():
        assert reverse("meetings:protocol_extract_pdf", args=[item.pk]) in page
        assert reverse("meetings:protocol_extract_docx", args=[item.pk]) in page
    home = login(world.teacher).get(reverse("home")).content.decode()  # «мои поручения»: РЕШ11 is hers
    assert reverse("meetings:protocol_extract_docx", args=[first_item(signed).pk]) in home


# --- LibreOffice ---------------------------------------------------------------------------------


def libreoffice_pages(tmp_path: Path, name: str, data: bytes) -> int:
    source = tmp_path / name
    source.write_bytes(data)
    subprocess.run(  # noqa: S603
        [shutil.which("soffice"), f"-env:UserInstallation=file://{tmp_path}/lo", "--headless", "--convert-to", "pdf",
         "--outdir", str(tmp_path), str(source)],
        check=True, timeout=120, capture_output=True,
    )
    return len(pdf_reader((tmp_path / source.with_suffix(".pdf").name).read_bytes()).pages)


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
def test_libreoffice_opens_the_protocol_and_the_extract(world, tmp_path):
    # Above 15 present the list of those present is appended on a page of its own: two pages.
    protocol = f.sized_protocol(world, items=2, attendees=20)
    # one line a person in the list (the factories' class letters grow with the sequence: «5 «В1» класса»)
    ClassAssignment.objects.filter(teacher__last_name__startswith="Участник").delete()
    assert libreoffice_pages(tmp_path, "protocol.docx", documents.protocol_docx(protocol)) == 2
    f.mark_signed(protocol)
    _name, _type, extract = documents.protocol_extract_docx(first_item(protocol))
    assert libreoffice_pages(tmp_path, "extract.docx", extract) == 1


def test_the_docx_table_of_signatures_has_no_header_row(record):
    # The signatures are a borderless layout table, not a data table: no repeated header row.
    doc = Document(io.BytesIO(documents.protocol_docx(record)))
    for table in doc.tables:
        assert table._tbl.find(".//" + qn("w:tblHeader")) is None
