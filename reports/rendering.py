"""The project's one rendering module: a template and its context in, PDF bytes out.

It imports no model, so any app may call it (meetings does, to keep a signed protocol's PDF as
issued). WeasyPrint fetches every stylesheet, image, font and attachment a document names
through `StaticFilesFetcher`, which serves the project's own static files from disk and refuses
everything else: `file://` (so a document can never embed /etc/passwd), `http(s)://`, `ftp:` …
A refused resource makes WeasyPrint log a warning and leave it out; the document still renders.
Only `data:` URIs pass, since they carry their bytes with them and fetch nothing.

When WeasyPrint fails (a bug of a template or of WeasyPrint, memory, a font missing), the
failure is logged here for the admin and raised as `RenderError`, one exception with a Russian
message. It is a ValidationError: an action that stores a PDF (signing a protocol, accepting an
analysis) renders it inside its transaction, so it is refused like any other refusal, with this
message, and leaves everything as it was; a download that fails with it gets the 503 page
«Документ не удалось сформировать» from `rmo_portal.errors.server_error`, not a 500.

Exporters hand their result over as `(filename, mimetype, bytes)` (pretix's exporter
contract); `file_response` turns such a triple into the HTTP response.
"""

from __future__ import annotations

import functools
import gc
import logging
import mimetypes
import posixpath
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import unquote, urljoin

from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.exceptions import SuspiciousFileOperation, ValidationError
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from weasyprint import CSS, HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

logger = logging.getLogger(__name__)

PDF_MIMETYPE = "application/pdf"
XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

#: What an exporter returns: (filename, mimetype, bytes).
ExportFile = tuple[str, str, bytes]

# The origin documents are rendered against. The host cannot exist (RFC 2606 reserves
# `.invalid`) and nothing is ever requested from it: it only gives `/static/…` in a template an
# absolute URL that the fetcher recognises and maps onto the static files on disk.
BASE_URL = "https://rmo-portal.invalid/"


class RenderError(ValidationError):
    """A document could not be made (WeasyPrint failed): the Russian message for the user; the
    cause, for the admin, is in the log and in `__cause__`."""

    def __init__(self, message: str | None = None):
        super().__init__(
            message
            or _("Документ не удалось сформировать: ошибка при подготовке PDF. Ничего не изменено; попробуйте "
                 "позже, а если ошибка повторится, сообщите администратору."),
            code="render_failed",
        )


class ResourceRefused(ValueError):
    """A document asked for something other than the project's own static files."""


class StaticFilesFetcher(URLFetcher):
    """A WeasyPrint URL fetcher that reads static files from disk and refuses every other URL.

    WeasyPrint 70 wants a `URLFetcher` subclass overriding `fetch(url, headers=None)` and
    returning a `URLFetcherResponse`: the old style, a plain function returning a dict (and
    `weasyprint.default_url_fetcher`), is gone — `urls.fetch` asserts the response type and
    reads the fetcher's `_fail_on_errors` when a fetch fails, so a plain function would turn
    every refused resource into a crash. Any other exception raised here becomes a warning
    and the resource is skipped.

    `/static/<name>` (resolved against `BASE_URL`, or `STATIC_URL` itself when that is absolute)
    is looked up with the staticfiles finders (the source files, as in development and tests),
    then in `STATIC_ROOT` through the static files storage (collected and hashed names, as in
    production). Nothing goes to the network or to any other path of the file system.
    """

    def __init__(self) -> None:
        # The parent's own opener is only ever used for data: URIs; keep it to that.
        super().__init__(allowed_protocols={"data"}, allow_redirects=False, fail_on_errors=False)
        self.static_prefix = urljoin(BASE_URL, settings.STATIC_URL)

    def fetch(self, url: str, headers=None) -> URLFetcherResponse:
        if url.startswith("data:"):
            return super().fetch(url, headers)
        path = self.static_file(url)
        if path is None:
            logger.warning("PDF: refused to fetch %s (only the project's static files are allowed)", url[:200])
            raise ResourceRefused(f"not one of the project's static files: {url[:200]}")
        mimetype = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        if mimetype.startswith("text/"):
            mimetype += "; charset=utf-8"
        return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": mimetype})

    def static_file(self, url: str) -> Path | None:
        """The file on disk a static URL names, or None for anything else."""
        if not url.startswith(self.static_prefix):
            return None
        name = unquote(url[len(self.static_prefix) :].split("#", 1)[0].split("?", 1)[0])
        if not name or "\x00" in name or "\\" in name or name.startswith("/"):
            return None
        name = posixpath.normpath(name)
        if name == ".." or name.startswith("../"):
            return None
        for candidate in (self._found(name), self._collected(name)):
            if candidate is not None and candidate.is_file():
                return candidate
        return None

    @staticmethod
    def _found(name: str) -> Path | None:
        try:
            found = finders.find(name)
        except SuspiciousFileOperation:
            return None
        return Path(found) if isinstance(found, str) else None

    @staticmethod
    def _collected(name: str) -> Path | None:
        if not settings.STATIC_ROOT:
            return None
        try:
            return Path(staticfiles_storage.path(name))
        except (NotImplementedError, SuspiciousFileOperation):
            return None


@contextmanager
def _cyclic_gc_paused() -> Iterator[None]:
    """Keep Python's cyclic garbage collector out of a rendering, then let it collect once.

    WeasyPrint builds a document as objects in reference cycles (the element tree, the styles,
    the boxes: some 50,000 for a 60-item plan). Created while the collector is on, they set off
    collection after collection mid-render, among them full collections of the whole process
    heap (Django and everything loaded with it), a seventh of a plan's time here. Paused, the
    document is collected once, as young garbage, when the rendering is over.
    """
    if not gc.isenabled():  # someone else paused it; they will turn it back on
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()
        gc.collect(0)


# The print stylesheet every document of the project uses (static/css/print.css).
PRINT_CSS = "css/print.css"


@functools.lru_cache(maxsize=8)
def _parsed(url: str, path: str, mtime_ns: int) -> CSS:
    return CSS(string=Path(path).read_text(encoding="utf-8"), base_url=url, url_fetcher=StaticFilesFetcher())


def stylesheet(name: str) -> CSS:
    """A static stylesheet, parsed once and reused by every rendering (WeasyPrint parses a
    linked one anew for each document); a changed file has a new mtime and is parsed again."""
    fetcher = StaticFilesFetcher()
    url = urljoin(fetcher.static_prefix, name)
    path = fetcher.static_file(url)
    if path is None:
        raise FileNotFoundError(f"no static stylesheet {name}")
    return _parsed(url, str(path), path.stat().st_mtime_ns)


# A run of this many characters without a space (an entity counts as one) gets a zero-width
# space every BREAK_EVERY characters: the place to break a word longer than its line. The
# stylesheet's `overflow-wrap: anywhere` would break it too, but with `hyphens: auto` WeasyPrint
# tries to hyphenate the whole run, and a 2 000-character word took 8 s to lay out.
LONG_RUN = 40
BREAK_EVERY = 20
_TEXT = re.compile(r">([^<]+)<")
_RUN = re.compile(r"(?:&[#\w]+;|[^\s<&])" + f"{{{LONG_RUN + 1},}}")
_RAW = re.compile(r"(<(style|script)\b.*?</\2\s*>)", re.S | re.I)
_TOKEN = re.compile(r"&[#\w]+;|.", re.S)
ZWSP = "\u200b"


def _breakable_run(match: re.Match) -> str:
    tokens = _TOKEN.findall(match.group(0))
    return ZWSP.join("".join(tokens[i : i + BREAK_EVERY]) for i in range(0, len(tokens), BREAK_EVERY))


def breakable(html: str) -> str:
    """The HTML with a place to break in every overlong run of its text (tags, styles and
    scripts untouched)."""
    parts = _RAW.split(html)
    out = []
    index = 0
    while index < len(parts):
        out.append(_TEXT.sub(lambda text: ">" + _RUN.sub(_breakable_run, text.group(1)) + "<", parts[index]))
        if index + 1 < len(parts):
            out.append(parts[index + 1])  # a <style> or <script> element, as it is
        index += 3  # split() also returns the tag name group
    return "".join(out)


def html_to_pdf(html: str, *, stylesheets: tuple[str, ...] = (PRINT_CSS,)) -> bytes:
    """PDF bytes of an HTML document styled by the project's static `stylesheets`, fetching
    nothing but the project's static files. Overlong words get places to break (`breakable`).
    Any failure is logged and raised as RenderError."""
    try:
        css = [stylesheet(name) for name in stylesheets]
        html = breakable(html)
        with _cyclic_gc_paused():
            return HTML(string=html, base_url=BASE_URL, url_fetcher=StaticFilesFetcher()).write_pdf(stylesheets=css)
    except Exception as error:
        logger.error("PDF не сформирован (%s символов HTML)", len(html), exc_info=True)
        raise RenderError() from error


def render_pdf(template_name: str, context: dict) -> bytes:
    """Render a Django template (autoescaped, as always) and print it to PDF with print.css.

    The caller chooses the language (`translation.override`) and copies whatever must stay as
    issued; this function only lays out.
    """
    return html_to_pdf(render_to_string(template_name, context))


def file_response(export: ExportFile, *, as_attachment: bool = True) -> HttpResponse:
    """The HTTP response for an exporter's (filename, mimetype, bytes). Every document is of
    someone's school or district: no shared cache may keep it (`Cache-Control: private`)."""
    filename, mimetype, content = export
    response = HttpResponse(content, content_type=mimetype)
    response["Cache-Control"] = "private"
    response["Content-Disposition"] = content_disposition_header(as_attachment, filename)
    response["Content-Length"] = str(len(content))
    return response


def pdf_response(filename: str, pdf_bytes: bytes, *, as_attachment: bool = False) -> HttpResponse:
    """A PDF, shown in the browser by default (people print from there)."""
    return file_response((filename, PDF_MIMETYPE, pdf_bytes), as_attachment=as_attachment)
