"""The file module's checks (associations/files/services.py): each refusal stores nothing and says
why in Russian; each accepted type is stored under a generated name with its detected type."""

import hashlib
import io
import re
import zipfile

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import TemporaryUploadedFile

from associations.files import services
from associations.files.models import StoredFile
from associations.files.services import FileRefused, Type
from tests.associations.files import samples
from tests.factories import TINY_PDF

MB = 1024 * 1024


def _refusal(upload, user, **kwargs) -> str:
    with pytest.raises(FileRefused) as refused:
        services.file_store(upload=upload, user=user, **kwargs)
    return " ".join(refused.value.messages)


# --- refused: nothing stored, the reason said -------------------------------------------------------


def test_a_program_renamed_pdf_is_refused(nothing_stored, user):
    message = _refusal(samples.upload("Сценарий.pdf", samples.EXE), user)
    assert message.startswith("Файл «Сценарий.pdf» — не PDF, а исполняемый файл Windows (EXE): такие файлы не")
    assert "Можно загрузить: PDF, DOCX, XLSX, PPTX, ODT, ODS, ODP, JPEG, PNG." in message


def test_a_60_mb_file_is_refused_before_it_is_read(nothing_stored, user, monkeypatch):
    big = samples.temporary_upload("Презентация.pdf", 60 * MB)
    assert isinstance(big, TemporaryUploadedFile)
    monkeypatch.setattr(services, "_detect", lambda *a, **k: pytest.fail("the content was read"))
    message = _refusal(big, user)
    assert message.startswith("Файл «Презентация.pdf» больше 20 МБ: уменьшите его")


def test_a_file_of_exactly_20_mb_is_taken(db, user):
    stored = services.file_store(upload=samples.temporary_upload("Доклад.pdf", 20 * MB), user=user)
    assert stored.size == 20 * MB == services.FILE_MAX_BYTES


def test_an_html_page_called_pdf_is_refused(nothing_stored, user):
    message = _refusal(samples.upload("отчёт.pdf", samples.HTML), user)
    assert message.startswith("Файл «отчёт.pdf» — не PDF, а похоже на HTML-страницу: сохраните страницу как PDF.")


def test_a_zip_bomb_disguised_as_docx_is_refused_unread(nothing_stored, user, zip_bomb, monkeypatch):
    with zipfile.ZipFile(zip_bomb) as archive:
        assert sum(m.file_size for m in archive.infolist()) > 1024**3  # declared
    assert zip_bomb.stat().st_size < 8 * MB
    opened = []
    real_open = zipfile.ZipFile.open
    monkeypatch.setattr(zipfile.ZipFile, "open", lambda self, name, *a, **k: opened.append(name) or real_open(
        self, name, *a, **k))
    with zip_bomb.open("rb") as handle:
        upload = TemporaryUploadedFile("Сценарий.docx", "application/octet-stream", zip_bomb.stat().st_size, None)
        for chunk in iter(lambda: handle.read(MB), b""):
            upload.write(chunk)
        upload.seek(0)
    message = _refusal(upload, user)
    assert message.startswith("Файл «Сценарий.docx» — архив, который распаковывается в слишком большой объём")
    assert "zip-бомб" in message
    assert opened == []  # refused from the central directory alone


def test_a_dense_zip_under_the_total_bound_is_refused_by_its_ratio(nothing_stored, user, tmp_path):
    path = samples.zip_bomb_docx(tmp_path / "x.docx", declared=200 * MB)
    message = _refusal(samples.upload("x.docx", path.read_bytes()), user)
    assert "распаковывается в слишком большой объём" in message


@pytest.mark.parametrize(
    ("width", "height", "said"),
    [
        pytest.param(100_000, 100_000, "больше 40 млн точек.", id="10-gigapixels-DecompressionBombError"),
        pytest.param(10_000, 10_000, "10000×10000 точек, не больше 40 млн точек.",
                     id="100-megapixels-DecompressionBombWarning"),
    ],
)
def test_a_decompression_bomb_png_is_refused(nothing_stored, user, width, height, said):
    content = samples.png_declaring(width, height)
    assert len(content) < 64 * 1024
    message = _refusal(samples.upload("фото.png", content), user)
    assert message.startswith(f"Изображение «фото.png» слишком большое: {said}")


def test_an_image_over_the_portal_limit_is_refused_by_its_header_undecoded(nothing_stored, user, monkeypatch):
    from PIL import ImageFile

    monkeypatch.setattr(ImageFile.ImageFile, "load", lambda self: pytest.fail("the image was decoded"))
    content = samples.png_truncated(9000, 9000)  # 81 million pixels: under Pillow's 89, over the portal's 40
    message = _refusal(samples.upload("x.png", content), user)
    assert message == (
        "Изображение «x.png» слишком большое: 9000×9000 точек, не больше 40 млн точек. Уменьшите его и загрузите снова."
    )


@pytest.mark.parametrize("weasyprint_loaded", [False, True])
def test_an_image_that_does_not_decode_is_refused_at_the_upload(nothing_stored, user, monkeypatch, weasyprint_loaded):
    from PIL import ImageFile

    monkeypatch.setattr(ImageFile, "LOAD_TRUNCATED_IMAGES", weasyprint_loaded)  # WeasyPrint sets it at import
    content = samples.png_truncated(2000, 2000)
    from PIL import Image

    with Image.open(io.BytesIO(content)) as image:
        image.verify()  # what the check alone would have taken
    message = _refusal(samples.upload("фото.png", content), user)
    assert message.startswith("Изображение «фото.png» повреждено: оно не открывается целиком.")
    assert ImageFile.LOAD_TRUNCATED_IMAGES is weasyprint_loaded  # set back


def test_an_image_is_stored_with_its_thumbnail(db, user):
    stored = services.file_store(upload=samples.upload("фото.jpg", samples.image_bytes("JPEG", (1600, 900))), user=user)
    from PIL import Image

    with default_storage.open(services.thumbnail_name(stored), "rb") as handle, Image.open(handle) as thumb:
        assert (thumb.format, thumb.size) == ("JPEG", (320, 180))


def test_an_image_whose_row_fails_leaves_neither_blob_nor_thumbnail(nothing_stored, user, monkeypatch):
    def fail(**kwargs):
        raise RuntimeError("the row")

    monkeypatch.setattr(StoredFile.objects, "create", fail)
    with pytest.raises(RuntimeError):
        services.file_store(upload=samples.upload("фото.png", samples.image_bytes("PNG")), user=user)


# --- a zip's end record is read before zipfile reads its central directory --------------------------


@pytest.fixture
def no_zipfile(monkeypatch):
    monkeypatch.setattr(services.zipfile, "ZipFile", lambda *a, **k: pytest.fail("zipfile.ZipFile was constructed"))


@pytest.mark.parametrize(
    "content",
    [
        pytest.param(lambda: samples.zip_of_empty_members(services.ZIP_MAX_MEMBERS + 1), id="members"),
        pytest.param(lambda: samples.zip_declaring(entries=3, directory=3 * MB), id="directory-bytes"),
        pytest.param(lambda: samples.zip_declaring(entries=400_000, directory=100, zip64=True), id="zip64-members"),
        pytest.param(lambda: samples.zip_declaring(entries=3, directory=30 * MB, zip64=True), id="zip64-bytes"),
    ],
)
def test_a_zip_of_too_many_members_is_refused_before_its_directory_is_read(nothing_stored, user, no_zipfile, content):
    message = _refusal(samples.upload("Сценарий.docx", content()), user)
    assert message.startswith("Файл «Сценарий.docx»: слишком много файлов внутри архива (больше 10\u00a0000)")
    assert "слишком большой объём" not in message


def test_a_zip_of_as_many_members_as_allowed_is_read(nothing_stored, user):
    message = _refusal(samples.upload("архив.docx", samples.zip_of_empty_members(services.ZIP_MAX_MEMBERS)), user)
    assert "— не DOCX, а ZIP-архив" in message


def test_a_zip64_document_is_read_through_its_zip64_end_record(db, user):
    import struct

    content = samples.ooxml_bytes("docx")
    at = content.rindex(b"PK\x05\x06")
    _sig, _d, _c, _here, entries, directory, offset, _comment = struct.unpack("<4s4H2LH", content[at:at + 22])
    record = struct.pack("<4sQ2H2L4Q", b"PK\x06\x06", 44, 45, 45, 0, 0, entries, entries, directory, offset)
    locator = struct.pack("<4sLQL", b"PK\x06\x07", 0, at, 1)
    end = struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, 0xFFFF, 0xFFFF, 0xFFFFFFFF, 0xFFFFFFFF, 0)
    zip64 = content[:at] + record + locator + end
    with zipfile.ZipFile(io.BytesIO(zip64)) as archive:
        assert len(archive.infolist()) == entries
    stored = services.file_store(upload=samples.upload("x.docx", zip64), user=user)
    assert stored.type == Type.DOCX


# --- a PDF ends as one ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "content",
    [
        pytest.param(b"%PDF-1.4\n" + bytes(5000), id="no-end"),
        pytest.param(b"%PDF-1.4\n" + bytes(5000) + b"%%EOF\n" + bytes(3000), id="end-too-far"),
        pytest.param(b"%PDF-", id="only-the-header"),
    ],
)
def test_a_file_that_only_starts_as_a_pdf_is_refused(nothing_stored, user, content):
    message = _refusal(samples.upload("отчёт.pdf", content), user)
    assert message.startswith("Файл «отчёт.pdf» повреждён: это не целый PDF — у него нет конца")


@pytest.mark.parametrize(
    "content",
    [
        pytest.param(lambda: TINY_PDF, id="tiny"),
        pytest.param(lambda: samples.pdf_bytes(), id="rendered"),
        pytest.param(lambda: TINY_PDF + b"\r\n  \n", id="trailing-whitespace"),
        pytest.param(lambda: TINY_PDF + bytes(2000), id="junk-after"),
    ],
)
def test_a_pdf_that_ends_with_eof_is_taken(db, user, content):
    assert services.file_store(upload=samples.upload("отчёт.pdf", content()), user=user).type == Type.PDF


def test_the_bench_pdf_is_taken(db, tmp_path):
    from rmo_portal.management.commands.bench import _write_pdf_like

    path = tmp_path / "bench.pdf"
    _write_pdf_like(path, 20 * MB)
    with path.open("rb") as handle:
        from django.core.files import File

        assert services.file_check(File(handle, name="bench.pdf")).type == Type.PDF


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("пусто.pdf", b"", "Файл «пусто.pdf» пуст."),
        ("архив.docx", None, "Файл «архив.docx» — не DOCX, а ZIP-архив: такие файлы не принимаются."),
        ("макрос.xlsx", "xlsm", "Файл «макрос.xlsx» — не XLSX, а книга Excel с макросами (XLSM): сохраните"),
        ("битый.docx", b"PK\x03\x04 not a zip at all", "Файл «битый.docx» повреждён: архив документа не читается."),
        ("битое.jpg", b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(40), "Файл «битое.jpg» повреждён: изображение не"),
        ("картинка.pdf", b"GIF89a\x01\x00\x01\x00\x00\x00\x00;", "— не PDF, а изображение GIF: сохраните изображение"),
        ("старый.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(1024), "документ старого формата Microsoft Office"),
        ("рисунок.png", b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"/>', "изображение SVG"),
        ("заметка.pdf", "Просто текст".encode(), "— не PDF, а текстовый файл"),
        ("данные.bin", bytes(range(1, 9)) * 10, "Файл «данные.bin»: тип не распознан"),
        ("a.pdf", b"\x7fELF\x02\x01\x01" + bytes(60), "исполняемый файл Linux (ELF)"),
    ],
)
def test_other_types_are_refused_with_the_reason(nothing_stored, user, name, content, expected):
    if content is None:
        from io import BytesIO

        buffer = BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            archive.writestr("readme.txt", "hello")
        content = buffer.getvalue()
    elif isinstance(content, str):
        content = samples.ooxml_bytes(content)
    assert expected in _refusal(samples.upload(name, content), user)


def test_a_type_not_allowed_here_is_refused(nothing_stored, user):
    message = _refusal(samples.upload("фото.jpg", samples.image_bytes("JPEG")), user, allowed={Type.PDF})
    assert message == "Файл «фото.jpg» — JPEG, а здесь принимаются только PDF."


def test_the_budget_of_a_card_is_kept(nothing_stored, user):
    content = samples.image_bytes("PNG")
    message = _refusal(samples.upload("фото.png", content), user, budget=len(content) - 1)
    assert message.startswith("Файл «фото.png» (")
    assert "не помещается: файлов у карточки может быть не больше 100 МБ, осталось" in message
    assert _refusal(samples.upload("фото.png", content), user, budget=0) == (
        "Файл «фото.png» не добавлен: у карточки уже 100 МБ файлов, больше нельзя."
    )


def test_file_check_stores_nothing(nothing_stored):
    checked = services.file_check(samples.upload("x.pdf", samples.pdf_bytes()))
    assert (checked.type, checked.name, checked.content_type) == (Type.PDF, "x.pdf", "application/pdf")


# --- names -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "shown"),
    [
        ("../../x.pdf", "x.pdf"),
        ("..\\..\\windows\\x.pdf", "x.pdf"),
        ("C:\\Users\\Марина\\Сценарий.pdf", "Сценарий.pdf"),
        ("Сценарий\u202efdp.exe", "Сценарийfdp.pdf"),
        ("\u2066Отчёт\u2069 \u200eпо\u200f\u061c теме.pdf", "Отчёт по теме.pdf"),
        ("\x00\x1b[31mкрасный\x7f.pdf", "[31mкрасный.pdf"),
        ("...htaccess", "файл.pdf"),
        ("..Сценарий.pdf", "Сценарий.pdf"),
        ("  .pdf", "файл.pdf"),
        ("\u202e", "файл.pdf"),
        ("Сценарий", "Сценарий.pdf"),
        ("ПЛАН.PDF", "ПЛАН.PDF"),
        ("строка\nвторая.pdf", "строка вторая.pdf"),
    ],
)
def test_the_display_name_is_cleaned(name, shown):
    assert services.clean_name(name, type=Type.PDF) == shown


def test_a_long_name_is_trimmed_keeping_the_extension():
    shown = services.clean_name("Классный час " * 40 + ".docx", type=Type.DOCX)
    assert len(shown) == StoredFile._meta.get_field("original_name").max_length
    assert shown.endswith("час.docx") or shown.endswith(".docx")
    assert not re.search(r"\s\.docx$", shown)


def test_a_path_in_the_name_is_neutralised_and_stored_as_the_file_name(db, user):
    upload = samples.upload("x.pdf", samples.pdf_bytes())
    upload._name = "../../x.pdf"  # as a client could send it (Django's own parser strips it too)
    stored = services.file_store(upload=upload, user=user)
    assert stored.original_name == "x.pdf"
    assert ".." not in stored.storage_name


def test_a_bidirectional_override_is_stripped_from_the_stored_name(db, user):
    stored = services.file_store(upload=samples.upload("отчёт\u202efdp.jpg", samples.image_bytes("JPEG")), user=user)
    assert stored.original_name == "отчётfdp.jpg"
    assert not any(0x202A <= ord(c) <= 0x202E or 0x2066 <= ord(c) <= 0x2069 for c in stored.original_name)


def test_a_png_called_pdf_is_kept_as_png(db, user):
    stored = services.file_store(upload=samples.upload("x.pdf", samples.image_bytes("PNG")), user=user)
    assert (stored.type, stored.original_name) == (Type.PNG, "x.png")


# --- accepted ------------------------------------------------------------------------------------------


ACCEPTED = [
    ("Сценарий.pdf", samples.pdf_bytes, Type.PDF),
    ("Разработка.docx", lambda: samples.ooxml_bytes("docx"), Type.DOCX),
    ("Таблица.xlsx", samples.xlsx_bytes, Type.XLSX),
    ("Презентация.pptx", lambda: samples.ooxml_bytes("pptx"), Type.PPTX),
    ("Текст.odt", lambda: samples.odf_bytes("odt"), Type.ODT),
    ("Таблица.ods", lambda: samples.odf_bytes("ods"), Type.ODS),
    ("Слайды.odp", lambda: samples.odf_bytes("odp"), Type.ODP),
    ("Фото.jpg", lambda: samples.image_bytes("JPEG"), Type.JPEG),
    ("Фото.jpeg", lambda: samples.image_bytes("JPEG"), Type.JPEG),
    ("Схема.png", lambda: samples.image_bytes("PNG"), Type.PNG),
]


@pytest.mark.parametrize(("name", "make", "type"), ACCEPTED, ids=[a[0] for a in ACCEPTED])
def test_each_accepted_type_is_stored_by_content(db, user, name, make, type):
    content = make()
    before = samples.storage_listing()
    stored = services.file_store(upload=samples.upload(name, content), user=user)

    stored.refresh_from_db()
    assert (stored.type, stored.original_name, stored.size) == (type, name, len(content))
    assert stored.sha256 == hashlib.sha256(content).hexdigest()
    assert stored.uploaded_by == user
    assert re.fullmatch(r"files/\d{4}/\d{2}/[0-9a-f]{32}", stored.storage_name)
    thumbnails = {services.thumbnail_name(stored)} if type in services.IMAGE_TYPES else set()
    assert samples.storage_listing() - before == {stored.storage_name} | thumbnails
    with default_storage.open(stored.storage_name, "rb") as handle:
        assert handle.read() == content


def test_an_unnamed_type_gets_its_extension(db, user):
    stored = services.file_store(upload=samples.upload("Разработка", samples.ooxml_bytes("docx")), user=user)
    assert stored.original_name == "Разработка.docx"


def test_the_imports_take_csv_by_content_only_when_asked(db):
    text = "Фамилия;Имя\nСоколова;Марина\n".encode()
    assert services.checked_bytes(text, name="staff.csv", allowed={Type.XLSX}, csv=True).type == services.CSV
    with pytest.raises(FileRefused, match="текстовый файл"):
        services.checked_bytes(text, name="staff.csv", allowed={Type.XLSX})
    with pytest.raises(FileRefused, match="исполняемый файл Windows"):
        services.checked_bytes(samples.EXE, name="staff.csv", allowed={Type.XLSX}, csv=True)
