"""The project's one Word module: every DOCX the portal gives out is built here, with python-docx,
from the same context (and the same wording functions) as the document's PDF.

Like `reports.rendering` it imports no model, so any app may call it (meetings does, for the
protocol and its extract). What it makes is a real Word document, not a picture of one:

- A4, the margins of official documents (ГОСТ Р 7.0.97-2016: left 20 mm, right 10 mm, top and
  bottom 20 mm), portrait or landscape;
- styles rather than direct formatting: the body in «Normal» (Times New Roman 12 pt, every
  school's Word has it), headings in «Title» / «Heading 1» / «Heading 2», tables in «Table Grid»
  with the project's «Table Text» paragraph style, the approval blocks and signatures in their own
  paragraph styles («Approval», «Signature»);
- real tables whose header row repeats on every page (`w:tblHeader`) and whose rows do not break
  across pages;
- page numbers in the header, centred, from the second page (a PAGE field, as ГОСТ asks);
- the signature lines as a borderless two-column table (role left, name right, a line between).

    doc = word.document(title="Протокол № 3")
    word.heading(doc, "Протокол № 3", level=0)
    word.table(doc, ["№", "Содержание"], [["1", "…"]], widths_cm=[1, 15])
    word.signatures(doc, [("Председатель", "Волкова А.С."), ("Секретарь", "Белякова А.В.")])
    return word.docx_bytes(doc)

`DOCX_MIMETYPE` and `docx_bytes` let exporters hand their result over as the same
`(filename, mimetype, bytes)` triple as the PDFs and the XLSX.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt
from docx.table import Table

DOCX_MIMETYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

FONT = "Times New Roman"
BODY_PT = 12
TABLE_PT = 10

# ГОСТ Р 7.0.97-2016, п. 5.3: поля не менее 20 мм (левое, верхнее, нижнее) и 10 мм (правое).
MARGINS_MM = {"left": 20, "right": 10, "top": 20, "bottom": 20}


def _font(style, *, size: int, bold: bool = False, italic: bool = False) -> None:
    style.font.name = FONT
    style.font.size = Pt(size)
    style.font.bold = bold
    style.font.italic = italic
    # Cyrillic text takes the East Asian / complex-script slots too in some Word versions.
    rpr = style.element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.append(fonts)
    for attribute in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attribute), FONT)


def _paragraph_style(doc: DocxDocument, name: str, *, size: int = BODY_PT, bold: bool = False,
                     italic: bool = False, align=None, space_after: int = 0, base: str = "Normal"):
    styles = doc.styles
    style = styles[name] if name in [s.name for s in styles] else styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
    style.base_style = styles[base] if name != base else None
    _font(style, size=size, bold=bold, italic=italic)
    style.paragraph_format.space_after = Pt(space_after)
    style.paragraph_format.space_before = Pt(0)
    if align is not None:
        style.paragraph_format.alignment = align
    return style


def _styles(doc: DocxDocument) -> None:
    normal = doc.styles["Normal"]
    _font(normal, size=BODY_PT)
    normal.paragraph_format.space_after = Pt(4)
    normal.paragraph_format.line_spacing = 1.1
    for name, size in (("Title", 14), ("Heading 1", 13), ("Heading 2", 12), ("Heading 3", 12)):
        style = doc.styles[name]
        _font(style, size=size, bold=True)
        style.font.color.rgb = None
        style.paragraph_format.space_before = Pt(8 if name != "Title" else 0)
        style.paragraph_format.space_after = Pt(4)
        style.paragraph_format.keep_with_next = True
    doc.styles["Title"].paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    # The Title style of the default template has a bottom border and a theme font: plain here.
    title_ppr = doc.styles["Title"].element.get_or_add_pPr()
    for border in title_ppr.findall(qn("w:pBdr")):
        title_ppr.remove(border)
    _paragraph_style(doc, "Table Text", size=TABLE_PT, space_after=0)
    _paragraph_style(doc, "Table Heading", size=TABLE_PT, bold=True, space_after=0, align=WD_ALIGN_PARAGRAPH.CENTER)
    _paragraph_style(doc, "Approval", size=BODY_PT, space_after=0)
    _paragraph_style(doc, "Signature", size=BODY_PT, space_after=0)
    _paragraph_style(doc, "Centered", size=BODY_PT, align=WD_ALIGN_PARAGRAPH.CENTER, space_after=4)
    _paragraph_style(doc, "Small", size=TABLE_PT, space_after=2)
    _paragraph_style(doc, "Draft Mark", size=BODY_PT, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, space_after=6)


# A style set by name makes python-docx look the name up among every style of the document (a
# third of a 60-item plan's time): the ids are looked up once and set on the paragraph directly.
_STYLE_IDS: dict[str, str] = {}


def _set_style(paragraph, name: str | None) -> None:
    if name is None:
        return
    style_id = _STYLE_IDS.get(name)
    if style_id is None:
        part = paragraph.part
        styles = part.styles if hasattr(part, "styles") else part._document_part.styles  # a header's part
        style_id = _STYLE_IDS[name] = styles[name].style_id
    paragraph._p.get_or_add_pPr().get_or_add_pStyle().val = style_id


def _add_paragraph(doc: DocxDocument, text: str = "", style: str | None = None):
    paragraph = doc.add_paragraph(text)
    _set_style(paragraph, style)
    return paragraph


def _page_number_header(section) -> None:
    """A centred PAGE field in the header, left out on the first page (ГОСТ Р 7.0.97, п. 5.4)."""
    section.different_first_page_header_footer = True
    paragraph = section.header.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = paragraph.add_run()
    for kind, text in (("begin", None), (None, "PAGE"), ("separate", None), (None, "2"), ("end", None)):
        if kind is not None:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
            run._r.append(element)
        elif text == "PAGE":
            instr = OxmlElement("w:instrText")
            instr.set(qn("xml:space"), "preserve")
            instr.text = " PAGE "
            run._r.append(instr)
        else:
            shown = OxmlElement("w:t")
            shown.text = text
            run._r.append(shown)


def document(*, title: str = "", landscape: bool = False) -> DocxDocument:
    """A new A4 document with the project's styles, margins and page numbers."""
    doc = Document()
    _styles(doc)
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    if landscape:
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = section.page_height, section.page_width
    section.left_margin = Mm(MARGINS_MM["left"])
    section.right_margin = Mm(MARGINS_MM["right"])
    section.top_margin = Mm(MARGINS_MM["top"])
    section.bottom_margin = Mm(MARGINS_MM["bottom"])
    section.header_distance = Mm(10)
    _page_number_header(section)
    if title:
        doc.core_properties.title = title
    doc.core_properties.author = "Портал РМО"
    doc.core_properties.language = "ru-RU"
    return doc


def text_width_cm(doc: DocxDocument) -> float:
    """The width between the margins, in centimetres."""
    section = doc.sections[-1]
    return (section.page_width - section.left_margin - section.right_margin) / 360000


def heading(doc: DocxDocument, text: str, *, level: int = 1):
    """«Title» for level 0, «Heading N» otherwise."""
    return _add_paragraph(doc, text, "Title" if level == 0 else f"Heading {level}")


def paragraph(doc: DocxDocument, text: str = "", *, style: str | None = None, bold: bool = False):
    """A paragraph; line breaks in `text` stay line breaks within it."""
    para = _add_paragraph(doc, "", style)
    lines = text.split("\n")
    for index, line in enumerate(lines):
        run = para.add_run(line)
        run.bold = bold or None
        if index < len(lines) - 1:
            run.add_break(WD_BREAK.LINE)
    return para


def numbered(doc: DocxDocument, items: Iterable[str]) -> None:
    """A numbered list («List Number»)."""
    for item in items:
        _add_paragraph(doc, item, "List Number")


def page_break(doc: DocxDocument) -> None:
    doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)


def _repeat_header(row) -> None:
    trpr = row._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    trpr.append(header)


def _keep_row_together(row) -> None:
    trpr = row._tr.get_or_add_trPr()
    cant = OxmlElement("w:cantSplit")
    cant.set(qn("w:val"), "true")
    trpr.append(cant)


def _cell_text(cell, text: str, *, style: str, bold: bool = False) -> None:
    cell.text = ""
    lines = str(text).split("\n")
    para = cell.paragraphs[0]
    _set_style(para, style)
    for index, line in enumerate(lines):
        run = para.add_run(line)
        if bold:
            run.bold = True
        if index < len(lines) - 1:
            run.add_break(WD_BREAK.LINE)


def table(
    doc: DocxDocument,
    header: Sequence[str],
    rows: Iterable[Sequence[object]],
    *,
    widths_cm: Sequence[float] | None = None,
    header_rows: Sequence[Sequence[str]] = (),
    bold_rows: Iterable[int] = (),
    merged: Iterable[int] = (),
) -> Table:
    """A real Word table («Table Grid»): `header` as its first row, repeated on every page
    (more header rows above it with `header_rows`), then `rows` (None shows as empty). Rows whose
    index is in `merged` are one cell across the table (a section's name in a plan); those in
    `bold_rows` are bold (a total). No row breaks across pages."""
    columns = len(header)
    grid = doc.add_table(rows=0, cols=columns)
    grid.style = doc.styles["Table Grid"]
    grid.alignment = WD_TABLE_ALIGNMENT.CENTER
    grid.autofit = widths_cm is None
    bold = set(bold_rows)
    merge = set(merged)
    for head in (*header_rows, header):
        row = grid.add_row()
        _repeat_header(row)
        for cell, text in zip(row.cells, head, strict=False):
            _cell_text(cell, text, style="Table Heading")
    for index, values in enumerate(rows):
        row = grid.add_row()
        _keep_row_together(row)
        values = ["" if value is None else str(value) for value in values]
        if index in merge:
            cell = row.cells[0].merge(row.cells[-1])
            _cell_text(cell, values[0], style="Table Text", bold=True)
            continue
        for cell, text in zip(row.cells, values, strict=False):
            _cell_text(cell, text, style="Table Text", bold=index in bold)
    if widths_cm is not None:
        # The grid's columns too — LibreOffice lays a table out by its w:gridCol widths
        for column, width in zip(grid.columns, widths_cm, strict=False):
            column.width = Cm(width)
        for row in grid.rows:
            for cell, width in zip(row.cells, widths_cm, strict=False):
                cell.width = Cm(width)
    _add_paragraph(doc, "", "Small")  # Word joins two adjacent tables into one: keep them apart
    return grid


def _borderless(grid: Table) -> None:
    tblpr = grid._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:val"), "nil")
        borders.append(element)
    tblpr.append(borders)


def columns(doc: DocxDocument, left: Sequence[str], right: Sequence[str], *, style: str = "Approval") -> Table:
    """Two blocks side by side without borders (an approval block: «РАССМОТРЕНО … / УТВЕРЖДАЮ …»),
    one line a paragraph."""
    grid = doc.add_table(rows=1, cols=2)
    _borderless(grid)
    for cell, lines in zip(grid.rows[0].cells, (left, right), strict=True):
        cell.text = ""
        first = True
        for line in lines:
            para = cell.paragraphs[0] if first else cell.add_paragraph()
            _set_style(para, style)
            para.add_run(line)
            first = False
    _add_paragraph(doc, "", "Small")
    return grid


def signatures(doc: DocxDocument, lines: Sequence[tuple[str, str]]) -> Table:
    """The signature lines: the role on the left, a line to sign on, the name on the right."""
    grid = doc.add_table(rows=0, cols=3)
    _borderless(grid)
    width = text_width_cm(doc)
    for role, name in lines:
        row = grid.add_row()
        for cell, text, share in zip(row.cells, (role, "_" * 18, name), (0.4, 0.3, 0.3), strict=True):
            _cell_text(cell, text, style="Signature")
            cell.width = Cm(width * share)
    return grid


def docx_bytes(doc: DocxDocument) -> bytes:
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


def docx_text(data: bytes) -> list[str]:
    """The document's text in reading order: its paragraphs and its tables' cells, each once (a
    merged cell once), empty ones left out — what the tests compare with the PDF's text."""
    doc = Document(io.BytesIO(data))
    body = doc.element.body
    texts: list[str] = []

    def para_text(element) -> str:
        return "".join(
            (node.text or "") if node.tag == qn("w:t") else "\n" for node in element.iter(qn("w:t"), qn("w:br"))
        )

    for child in body.iterchildren():
        if child.tag == qn("w:p"):
            text = para_text(child)
            if text.strip():
                texts.append(text.strip())
        elif child.tag == qn("w:tbl"):
            for row in child.iter(qn("w:tr")):
                seen = set()
                for cell in row.iter(qn("w:tc")):
                    text = "\n".join(para_text(para) for para in cell.iter(qn("w:p"))).strip()
                    # W2: the elements themselves, not id(): a proxy's id is reused once it is freed.
                    if text and cell not in seen:
                        seen.add(cell)
                        texts.append(text)
    return texts


def labelled(doc: DocxDocument, label: str, text: str, *, style: str | None = None):
    """A paragraph that begins with a bold label («Цель:») and goes on in plain text."""
    para = _add_paragraph(doc, "", style)
    para.add_run(label).bold = True
    lines = f" {text}".split("\n") if text else []
    for index, line in enumerate(lines):
        run = para.add_run(line)
        if index < len(lines) - 1:
            run.add_break(WD_BREAK.LINE)
    return para


def two_columns(doc: DocxDocument, left: Sequence[str], right: Sequence[str], *, style: str = "Approval",
                split_cm: float | None = None, bold: Iterable[str] = ()) -> None:
    """Two blocks side by side without a table (the plan's approval block: «РАССМОТРЕНО …» on the
    left, «УТВЕРЖДАЮ …» on the right), so that a document pasted into another stays one-table:
    a paragraph per pair of lines, the right line after a tab stop at `split_cm` (the middle of
    the text by default). The paragraphs hang from that stop, so a long right line wraps within
    the right column; a left line too long for its column takes a paragraph of its own. Lines
    equal to one of `bold` (the blocks' labels) are bold."""
    strong = set(bold)
    width = text_width_cm(doc)
    split = split_cm if split_cm is not None else width / 2
    fits = int(split / 0.23)  # characters of 12 pt Times New Roman in the left column, roughly
    pending_left = list(left)
    pending_right = list(right)
    while pending_left or pending_right:
        left_line = pending_left.pop(0) if pending_left else ""
        right_line = pending_right.pop(0) if pending_right and len(left_line) <= fits else ""
        para = _add_paragraph(doc, "", style)
        para.paragraph_format.left_indent = Cm(split)
        para.paragraph_format.first_line_indent = Cm(-split)
        para.paragraph_format.tab_stops.add_tab_stop(Cm(split))
        para.add_run(left_line).bold = left_line in strong or None
        if right_line:
            para.add_run().add_tab()
            para.add_run(right_line).bold = right_line in strong or None
    _add_paragraph(doc, "", "Small")


def merge(grid: Table, first_row: int, first_column: int, last_row: int, last_column: int) -> None:
    """Join a rectangle of a table's cells into one (a two-row header: «Сентябрь» over its
    three columns, «Класс» down both rows); the text of the first cell stays."""
    cell = grid.cell(first_row, first_column).merge(grid.cell(last_row, last_column))
    # The empty cells joined leave their empty paragraphs behind: only the first text stays.
    for para in cell.paragraphs[1:]:
        if not para.text.strip():
            para._p.getparent().remove(para._p)


def plain_table(doc: DocxDocument, rows: Sequence[Sequence[object]], *, widths_cm: Sequence[float] | None = None,
                bold_rows: Iterable[int] = ()) -> Table:
    """A table of rows with no header row (a document's key figures: a label, a number)."""
    rows = list(rows)
    grid = table(doc, [""] * max(len(row) for row in rows), rows, widths_cm=widths_cm, bold_rows=bold_rows)
    grid._tbl.remove(grid.rows[0]._tr)
    return grid


def running_header(doc: DocxDocument, text: str, *, style: str = "Draft Mark") -> None:
    """A line above the text of every page, the first included (a draft's «ЧЕРНОВИК»), in the
    header beside the page number."""
    section = doc.sections[-1]
    for header in (section.first_page_header, section.header):
        header.is_linked_to_previous = False
        first = header.paragraphs[0]
        para = first if not first.text and not first.runs else header.add_paragraph()
        _set_style(para, style)
        para.add_run(text)
