"""Helpers shared by the tests that build nothing (the data comes from tests/factories.py): a
client of one's own, the messages and the form values of a page, query counts, and PDFs read
back with pypdf. A plain module, imported by test modules; fixtures live in tests/conftest.py."""

from __future__ import annotations

import io
import re
from html.parser import HTMLParser

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from pypdf import PdfReader

# --- clients and pages --------------------------------------------------------------------------


def login(user) -> Client:
    """A client of its own, for tests with two people at once."""
    client = Client()
    client.force_login(user)
    return client


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


class _FormFields(HTMLParser):
    """The values a browser would post for one <form> of a page (nothing inside <template>)."""

    def __init__(self, form_id: str):
        super().__init__(convert_charrefs=True)
        self.form_id = form_id
        self.inside = False
        self.template_depth = 0
        self.data: dict[str, list[str]] = {}
        self._select: tuple[str, bool] | None = None
        self._select_options: list[tuple[str, bool]] = []
        self._option_value: str | None = None
        self._textarea: str | None = None
        self._text: list[str] = []

    def _add(self, name, value):
        self.data.setdefault(name, []).append(value)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and a.get("id") == self.form_id:
            self.inside = True
            return
        if tag == "template":
            self.template_depth += 1
        if not self.inside or self.template_depth or "disabled" in a:
            return
        name = a.get("name")
        if tag == "input" and name:
            kind = a.get("type", "text")
            if kind in ("radio", "checkbox"):
                if "checked" in a:
                    self._add(name, a.get("value", "on"))
            elif kind not in ("submit", "button", "file"):  # a browser sends no file's value
                self._add(name, a.get("value", ""))
        elif tag == "select" and name:
            self._select = (name, "multiple" in a)
            self._select_options = []
        elif tag == "option" and self._select:
            self._select_options.append((a.get("value", ""), "selected" in a))
        elif tag == "textarea" and name:
            self._textarea = name
            self._text = []

    def handle_endtag(self, tag):
        if tag == "template":
            self.template_depth -= 1
        if tag == "form" and self.inside:
            self.inside = False
        if tag == "select" and self._select:
            name, multiple = self._select
            chosen = [v for v, selected in self._select_options if selected]
            if not chosen and not multiple and self._select_options:
                chosen = [self._select_options[0][0]]
            for value in chosen:
                self._add(name, value)
            if multiple and not chosen:
                self.data.setdefault(name, [])
            self._select = None
        if tag == "textarea" and self._textarea:
            text = "".join(self._text)
            self._add(self._textarea, text[1:] if text.startswith("\n") else text)
            self._textarea = None

    def handle_data(self, data):
        if self._textarea:
            self._text.append(data)


def form_data(response, form_id: str) -> dict:
    """What the page's form would post, as a dict for the test client (lists for selects with
    several values)."""
    parser = _FormFields(form_id)
    parser.feed(response.content.decode())
    assert parser.data, f"no form #{form_id} on the page"
    return {name: values if len(values) != 1 else values[0] for name, values in parser.data.items()}


# --- query counts -------------------------------------------------------------------------------


def get_counting_queries(client, path: str, **params):
    """(the number of queries, the response) of a GET that must answer 200."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path, params)
    assert response.status_code == 200
    return len(queries.captured_queries), response


def count_queries(client, path: str, **params) -> int:
    """The number of queries of a GET that must answer 200."""
    return get_counting_queries(client, path, **params)[0]


# --- PDFs ---------------------------------------------------------------------------------------

# Text extraction gives back the lines as laid out: words hyphenated at a line end (soft hyphen,
# U+2010 or «-» followed by the line break) and any whitespace are removed before searching.
_BREAKS = re.compile(r"[\u00ad\u2010\-]\s*\n")
_SPACE = re.compile(r"\s+")

A4_BOTTOM_MARGIN_PT = 2 / 2.54 * 72


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


def body(response) -> bytes:
    """A response's bytes, streamed (a file download) or not."""
    return b"".join(response.streaming_content) if response.streaming else response.content


def _blob_count(path: str = "files") -> int:
    from django.core.files.storage import default_storage

    if not default_storage.exists(path):
        return 0
    dirs, files = default_storage.listdir(path)
    return len(files) + sum(_blob_count(f"{path}/{d}") for d in dirs)


def stored() -> tuple[int, int]:
    """The stored files: their rows, and the blobs in the storage's files/ tree."""
    from associations.models import StoredFile

    return StoredFile.objects.count(), _blob_count()


def load_demo(*args: str) -> str:
    """`manage.py load_demo` with these arguments; what it printed."""
    import io

    from django.core.management import call_command

    out = io.StringIO()
    call_command("load_demo", *args, stdout=out)
    return out.getvalue()


def material_form(world, files=(), **values) -> dict:
    """A new bank card's form as a browser posts it: a class hour of the current year for the
    5th and 6th classes, «моя школа», and `files` as (kind, upload) rows; `values` override."""
    import datetime

    from meetings.bank.models import MAX_FILES, EventForm, UpbringingDirection

    body = {
        "title": "Классный час «Моя Родина — Россия»",
        "form": EventForm.objects.get(name="Классный час").pk,
        "direction": UpbringingDirection.objects.get(name="Патриотическое воспитание").pk,
        "module": "",
        "grades": ["5", "6"],
        "held_on": datetime.date(world.year.start_year, 10, 15).isoformat(),
        "level": "school",
        "goal": "Воспитание любви к Родине",
        "tasks": "Рассказать о символах России",
        "description": "Беседа, презентация, викторина.",
        "meeting": "",
        "plan_item": "",
        "visibility": "school",
        "files-TOTAL_FORMS": "3",
        "files-INITIAL_FORMS": "0",
        "files-MIN_NUM_FORMS": "0",
        "files-MAX_NUM_FORMS": str(MAX_FILES),
    }
    for index in range(3):
        body[f"files-{index}-kind"] = "scenario"
    for index, (kind, upload) in enumerate(files):
        body[f"files-{index}-kind"] = kind
        body[f"files-{index}-file"] = upload
    body.update(values)
    return body
