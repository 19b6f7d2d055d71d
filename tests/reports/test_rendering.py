"""The rendering leaf: PDF bytes from a template, and a URL fetcher that serves the project's
static files and nothing else. These tests render raw, unescaped HTML on purpose: they prove
that the fetcher, not only the template's escaping, keeps local files and the network out."""

from __future__ import annotations

import base64
import struct
import zlib
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.test import override_settings

from reports.rendering import (
    BASE_URL,
    PDF_MIMETYPE,
    ResourceRefused,
    StaticFilesFetcher,
    file_response,
    html_to_pdf,
    pdf_response,
    render_pdf,
)
from tests.helpers import embedded_files, flat, footer_texts, image_count, page_texts, pdf_reader, pdf_text

PASSWD_LINE = "root:x:0:0"


def png_bytes() -> bytes:
    """A valid 1×1 PNG, made here so that no image file has to live in the repository."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00\xff\x00\x00")) + chunk(b"IEND", b"")
    )


def document(body: str, head: str = "") -> str:
    return (
        '<!doctype html><html lang="ru"><head><meta charset="utf-8">'
        '<link rel="stylesheet" href="/static/css/print.css">'
        f"{head}</head><body><p>Проверка выборки ресурсов.</p>{body}</body></html>"
    )


@pytest.fixture
def local_files(tmp_path: Path) -> dict[str, Path]:
    """Files outside the static files: what an attacker would like to see in a PDF."""
    css = tmp_path / "leak.css"
    css.write_text('@page { @top-center { content: "УТЕЧКА-СТИЛЯ" } }', encoding="utf-8")
    png = tmp_path / "secret.png"
    png.write_bytes(png_bytes())
    return {"css": css, "png": png}


# --- the fetcher, URL by URL -----------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "FILE:///etc/passwd",
        "file://localhost/etc/passwd",
        "file:///dev/urandom",
        "http://127.0.0.1:9/secret.png",
        "https://example.com/static/css/print.css",
        "ftp://example.com/file.txt",
        "gopher://example.com/",
        "https://rmo-portal.invalid/etc/passwd",
        "https://rmo-portal.invalid/media/upload.png",
        "https://rmo-portal.invalid.example.com/static/css/print.css",
        "https://rmo-portal.invalid/static/../../../../etc/passwd",
        "https://rmo-portal.invalid/static/%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
        "https://rmo-portal.invalid/static/css/../../../../../etc/passwd",
        "https://rmo-portal.invalid/static//etc/passwd",
        "https://rmo-portal.invalid/static/%2Fetc%2Fpasswd",
        "https://rmo-portal.invalid/static/..%5c..%5cetc%5cpasswd",
        "https://rmo-portal.invalid/static/css/print.css%00.png",
        "https://rmo-portal.invalid/static/",
        "https://rmo-portal.invalid/static/css/",
        "https://rmo-portal.invalid/static/css/no-such-file.css",
    ],
)
def test_fetcher_refuses_everything_but_static_files(url, no_network):
    with pytest.raises(ResourceRefused):
        StaticFilesFetcher().fetch(url)
    assert no_network == []


def test_fetcher_serves_a_static_file_from_disk(no_network):
    response = StaticFilesFetcher().fetch(f"{BASE_URL}static/css/print.css?v=1#x")
    assert response.read() == Path(finders.find("css/print.css")).read_bytes()
    assert response.content_type == "text/css"
    assert response.charset == "utf-8"
    assert no_network == []


def test_fetcher_serves_collected_files_from_static_root(tmp_path, no_network):
    """In production `{% static %}` names hashed files that only STATIC_ROOT holds."""
    (tmp_path / "css").mkdir()
    (tmp_path / "css" / "print.0123abcd.css").write_text("p { color: black }", encoding="utf-8")
    with override_settings(STATIC_ROOT=str(tmp_path)):
        fetcher = StaticFilesFetcher()
        assert fetcher.fetch(f"{BASE_URL}static/css/print.0123abcd.css").read() == b"p { color: black }"
        with pytest.raises(ResourceRefused):
            fetcher.fetch(f"{BASE_URL}static/../{tmp_path.name}/css/print.0123abcd.css")


def test_fetcher_lets_data_uris_through():
    uri = "data:text/plain;base64," + base64.b64encode("данные".encode()).decode()
    assert StaticFilesFetcher().fetch(uri).read() == "данные".encode()


# --- whole documents -------------------------------------------------------------------------


def test_static_stylesheet_is_fetched_and_applied(no_network):
    """print.css comes through the fetcher: the page numbers of its @page rule and its fonts
    (PT Serif / PT Sans from fonts-paratype) are in the PDF."""
    rows = "".join(f"<tr><td>строка {i}</td></tr>" for i in range(120))
    pdf = html_to_pdf(document(f'<table class="doc-table"><thead><tr><th>Заголовок</th></tr></thead>'
                               f"<tbody>{rows}</tbody></table>"))
    assert pdf.startswith(b"%PDF")
    reader = pdf_reader(pdf)
    assert len(reader.pages) >= 2
    assert footer_texts(pdf) == [str(n) for n in range(1, len(reader.pages) + 1)]
    fonts = {str(font["/BaseFont"]).split("+")[-1] for font in reader.pages[0]["/Resources"]["/Font"].values()}
    assert "PT-Serif" in fonts, fonts
    assert "PT-Sans-Bold" in fonts, fonts
    # A4 portrait.
    assert [round(float(v)) for v in reader.pages[0].mediabox[2:]] == [595, 842]
    # The table's header is repeated on every page.
    assert all("Заголовок" in text for text in page_texts(pdf))
    assert no_network == []


def test_local_files_and_the_network_stay_out_of_raw_html(local_files, no_network, caplog):
    """Unescaped tags that would embed /etc/passwd, a local image, a local stylesheet and a
    remote image: the PDF renders, with none of them in it and no connection attempted."""
    body = (
        '<img src="file:///etc/passwd">'
        f'<img src="file://{local_files["png"]}">'
        '<img src="http://127.0.0.1:9/tracker.png">'
        '<object data="file:///etc/passwd"></object>'
        '<embed src="file:///etc/passwd">'
        '<iframe src="file:///etc/passwd"></iframe>'
        '<a rel="attachment" href="file:///etc/passwd">вложение</a>'
        '<p style="background: url(file:///etc/passwd)">фон</p>'
        '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
        '<image href="file:///etc/passwd" width="10" height="10"/></svg>'
    )
    head = (
        '<link rel="attachment" href="file:///etc/passwd">'
        f'<link rel="stylesheet" href="file://{local_files["css"]}">'
        '<link rel="stylesheet" href="https://example.com/evil.css">'
        '<style>@import url("file:///etc/passwd"); '
        '@font-face { font-family: Leak; src: url("file:///etc/passwd"); }</style>'
    )
    pdf = html_to_pdf(document(body, head))
    assert pdf.startswith(b"%PDF")
    text = pdf_text(pdf)
    assert PASSWD_LINE not in text
    assert "УТЕЧКА" not in text
    assert embedded_files(pdf) == []
    assert image_count(pdf) == 0
    assert b"root:x:0:0" not in pdf
    assert no_network == []
    assert "refused to fetch file:///etc/passwd" in caplog.text


def test_same_html_leaks_with_weasyprints_default_fetcher_but_not_with_ours(local_files):
    """The control: the checks above would see a leak. WeasyPrint's own fetcher embeds a local
    file and draws a local image; ours gives the same HTML neither."""
    from weasyprint import HTML

    secret = local_files["css"]  # any local file will do as an attachment
    html = document(f'<img src="file://{local_files["png"]}">', f'<link rel="attachment" href="file://{secret}">')
    leaked = HTML(string=html).write_pdf()
    assert embedded_files(leaked) != [] and image_count(leaked) == 1
    safe = html_to_pdf(html)
    assert embedded_files(safe) == [] and image_count(safe) == 0


def test_data_uri_image_is_drawn():
    """The one scheme let through fetches nothing: the control for the test above."""
    uri = "data:image/png;base64," + base64.b64encode(png_bytes()).decode()
    assert image_count(html_to_pdf(document(f'<img src="{uri}" width="20">'))) == 1


def test_a_static_attachment_would_be_embedded_so_the_checks_can_see_one():
    """The control for the attachment checks: a link to a static file is embedded."""
    pdf = html_to_pdf(document("", '<link rel="attachment" href="/static/css/print.css">'))
    assert embedded_files(pdf) != []


LOCMEM_TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "OPTIONS": {
            "loaders": [
                (
                    "django.template.loaders.locmem.Loader",
                    {
                        "evil.html": (
                            '{% load static %}<html lang="ru"><head>'
                            '<link rel="stylesheet" href="{% static "css/print.css" %}">'
                            "{{ head|safe }}</head><body><h1>{{ title }}</h1>{{ body|safe }}</body></html>"
                        )
                    },
                )
            ]
        },
    }
]


@override_settings(TEMPLATES=LOCMEM_TEMPLATES)
def test_render_pdf_with_unescaped_template_keeps_passwd_out(local_files, no_network):
    pdf = render_pdf(
        "evil.html",
        {
            "title": "Документ",
            "head": '<link rel="attachment" href="file:///etc/passwd">',
            "body": f'<img src="file:///etc/passwd"><img src="file://{local_files["png"]}">'
            '<a rel="attachment" href="file:///etc/passwd">x</a>',
        },
    )
    assert pdf.startswith(b"%PDF")
    assert "Документ" in pdf_text(pdf)
    assert PASSWD_LINE not in pdf_text(pdf)
    assert embedded_files(pdf) == []
    assert image_count(pdf) == 0
    assert footer_texts(pdf) == ["1"]  # the static stylesheet was fetched
    assert no_network == []


def test_flat_undoes_hyphenation():
    assert flat("клас-\nсный час\u00ad\nПП001") == "классныйчасПП001"


# --- responses -------------------------------------------------------------------------------


def test_pdf_response_is_inline_with_the_filename():
    response = pdf_response("plan-1-2025-2026.pdf", b"%PDF-1.7 test")
    assert response["Content-Type"] == PDF_MIMETYPE
    assert response["Content-Disposition"] == 'inline; filename="plan-1-2025-2026.pdf"'
    assert response.content == b"%PDF-1.7 test"


def test_file_response_takes_the_exporter_triple():
    response = file_response(("таблица.xlsx", "application/octet-stream", b"x"))
    assert response["Content-Disposition"].startswith("attachment; filename*=utf-8''")
    assert response["Content-Length"] == "1"


def test_rendering_imports_no_model():
    """The leaf any app may call: it imports no model and none of the project's apps."""
    source = Path(settings.BASE_DIR, "reports", "rendering.py").read_text(encoding="utf-8")
    imports = [line for line in source.splitlines() if line.startswith(("import ", "from "))]
    assert imports
    assert not [line for line in imports if "models" in line or line.split()[1].split(".")[0] in {
        "associations", "meetings", "reports"}]
