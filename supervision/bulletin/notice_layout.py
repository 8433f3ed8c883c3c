"""The page of a Chinese official document (GB/T 9704-2012 党政机关公文格式) in python-docx terms.

A4; margins top 37 mm, left 28 mm, so the text block is 156 mm × 225 mm (bottom 35 mm, right 26 mm); body text
3号 (16 pt) at 22 lines a page; page numbers 4号 as `— 1 —` below the text block, odd pages on the right and
even pages on the left, one character in from the edge. python-docx has no API for fields, borders, table grids
or repeated header rows, so those are written as the WordprocessingML elements Word itself writes.
"""

from __future__ import annotations

import copy
import math
from dataclasses import dataclass

from docx.enum.section import WD_SECTION
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

from reformflow.supervision.bulletin.fonts import text_width

TEXT_WIDTH = Mm(156)
TEXT_HEIGHT = Mm(225)
BODY_SIZE = 16  # 3号
LINE_PITCH = Pt(28.95)  # 225 mm / 22 lines, the pitch GB/T 9704 templates use
TABLE_SIZE = 10.5  # 五号: a table of ten columns cannot be set in 3号
CELL_PADDING = Mm(0.8)  # each side; Word's default 1.9 mm would take 38 mm from a ten-column table


def setup_page(document, body_font: str, footer_font: str) -> None:
    # The styles' own fonts too: LibreOffice sets a field's result (the page number) in the paragraph style's
    # font, not the run's.
    _style_font(document.styles["Normal"], body_font, BODY_SIZE)
    _style_font(document.styles["Footer"], footer_font, 14)
    section = document.sections[0]
    section.start_type = WD_SECTION.NEW_PAGE
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    section.header_distance = Mm(15)
    section.footer_distance = Mm(22)  # the page number's line sits about 7 mm below the text block
    document.settings.odd_and_even_pages_header_footer = True
    _page_number(section.footer.paragraphs[0], footer_font, WD_ALIGN_PARAGRAPH.RIGHT)
    _page_number(section.even_page_footer.paragraphs[0], footer_font, WD_ALIGN_PARAGRAPH.LEFT)


def _style_font(style, font: str, size: float) -> None:
    style.font.name = font
    style.font.size = Pt(size)
    style.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), font)


def _page_number(paragraph, font: str, alignment) -> None:
    """`— PAGE —` in 4号, one character (14 pt) in from the outer edge of the text block."""
    paragraph.alignment = alignment
    inset = Pt(14)
    if alignment == WD_ALIGN_PARAGRAPH.RIGHT:
        paragraph.paragraph_format.right_indent = inset
    else:
        paragraph.paragraph_format.left_indent = inset
    set_run(paragraph.add_run("— "), font, 14)
    field = set_run(paragraph.add_run(), font, 14)
    for kind, text in (("begin", None), (None, " PAGE "), ("separate", None), (None, "1"), ("end", None)):
        if kind:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        elif text == "1":  # the value shown until the field is updated; Word and LibreOffice update it
            element = OxmlElement("w:t")
            element.text = text
        else:
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = text
        field._element.append(element)
    set_run(paragraph.add_run(" —"), font, 14)


def set_run(run, font: str, size: float, bold: bool = False, colour: RGBColor | None = None):
    """Word picks East Asian glyphs from `w:eastAsia`; the same face for Latin letters and digits keeps a line
    in one face (GB/T 9704 asks for nothing else)."""
    run.font.name = font
    fonts = run._element.get_or_add_rPr().get_or_add_rFonts()
    for attribute in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attribute), font)
    run.font.size = Pt(size)
    run.bold = bold
    if colour is not None:
        run.font.color.rgb = colour
    return run


def body_spacing(paragraph, first_line_chars: float = 2, size: float = BODY_SIZE) -> None:
    """Exactly 22 lines a page; paragraphs open two characters in, with no space between them."""
    spacing = paragraph.paragraph_format
    spacing.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    spacing.line_spacing = LINE_PITCH
    spacing.space_before = spacing.space_after = Pt(0)
    spacing.first_line_indent = Pt(size * first_line_chars)


def single_spacing(paragraph) -> None:
    """For pictures and table cells: exact 3号 spacing would clip a picture to one line's height."""
    spacing = paragraph.paragraph_format
    spacing.line_spacing_rule = WD_LINE_SPACING.SINGLE
    spacing.space_before = spacing.space_after = Pt(0)
    spacing.first_line_indent = Pt(0)


def rule(paragraph, colour: str, position: str = "bottom", size_eighths: int = 12) -> None:
    """A line across the text block (版头 separator in red, 版记 lines in black) as a paragraph border."""
    properties = paragraph._element.get_or_add_pPr()
    borders = properties.find(qn("w:pBdr"))
    if borders is None:
        borders = OxmlElement("w:pBdr")
        properties.append(borders)
    line = OxmlElement(f"w:{position}")
    for key, value in (("w:val", "single"), ("w:sz", str(size_eighths)), ("w:space", "1"), ("w:color", colour)):
        line.set(qn(key), value)
    borders.append(line)


# ---- tables whose columns fit their content ----

@dataclass(frozen=True)
class Column:
    """A column of a notice table. `kind`: `number` and `date` never break; `name` is a name or a list of names
    joined by 、 (units, areas), never broken inside a name of up to 14 characters; `text` wraps freely."""

    header: str  # "\n" where it must break, if anywhere
    kind: str = "number"


def fit_widths(columns: list[Column], rows: list[list[str]], font: str | None = None, size: float = TABLE_SIZE,
               total: float = TEXT_WIDTH.pt) -> list[float]:
    """Column widths in points summing to the text width: each column first gets what it cannot do without
    (a number, a date, the longest unit name, a header on at most two lines), then the room left goes to the
    columns whose text would wrap, in proportion to how much wider they would like to be. No column asks for
    more than 40% of the width: one cell listing thirteen district governments must not starve the others."""
    padding = 2 * CELL_PADDING.pt + 2  # and a point to spare for rounding to twips
    minimum, natural = [], []
    for index, column in enumerate(columns):
        cells = [row[index] for row in rows]
        # A header may take two lines when room is short, one when there is room.
        lines = column.header.split("\n")  # a header may say where it breaks: 逾期\n工作日
        head = lines[0] if len(lines) == 1 else max(lines, key=len)
        header = max(text_width(head[:math.ceil(len(head) / 2)], size, font) if len(lines) == 1 else 0,
                     text_width(head, size, font) if len(head) <= 2 or len(lines) > 1 else 0)
        one_line_header = max(text_width(line, size, font) for line in lines)
        widest = min(max((text_width(cell, size, font) for cell in cells), default=0), total * 0.4)
        if column.kind in ("number", "date"):
            least = widest
        elif column.kind == "name":
            least = max((text_width(name, size, font) for cell in cells for name in cell.split("、")), default=0)
            least = min(least, size * 14)
        else:
            least = size * 6
        minimum.append(max(header, least) + padding)
        natural.append(max(one_line_header, widest, least) + padding)
    room = total - sum(minimum)
    if room <= 0:  # more columns than the page holds: shrink everything alike (never happens for the notice)
        return [width * total / sum(minimum) for width in minimum]
    wanted = [n - m for n, m in zip(natural, minimum, strict=True)]
    if sum(wanted) <= room:  # everything fits on one line: the spare room goes to the text columns
        spare = room - sum(wanted)
        flexible = [i for i, c in enumerate(columns) if c.kind in ("text", "name")] or list(range(len(columns)))
        return [n + (spare / len(flexible) if i in flexible else 0) for i, n in enumerate(natural)]
    return [m + room * w / sum(wanted) for m, w in zip(minimum, wanted, strict=True)]


def table(document, columns: list[Column], rows: list[list[str]], body_font: str, header_font: str):
    """A ruled table at the text block's width: fixed layout with its grid written out (LibreOffice ignores
    cell widths without it), the header row repeated on every page, rows never split across pages."""
    widths = fit_widths(columns, rows, body_font)
    grid = document.add_table(rows=1, cols=len(columns))
    grid.style = "Table Grid"
    grid.alignment = WD_TABLE_ALIGNMENT.CENTER
    grid.autofit = False
    _table_properties(grid, widths)
    for cell, column, width in zip(grid.rows[0].cells, columns, widths, strict=True):
        _cell(cell, _header_lines(column.header, width, header_font), width, header_font, centre=True)
    _row_flags(grid.rows[0], header=True)
    if rows:
        _body_rows(grid, columns, widths, rows, body_font)
    return grid


def _body_rows(grid, columns: list[Column], widths: list[float], rows: list[list[str]], font: str) -> None:
    """The rows below the header. Every body row is the same XML but for its text, and python-docx's per-cell
    API costs about a millisecond a cell (each property searches the element's children for its place): one
    row is built through that API, without text, and copied for every row (5,000 cells of a province's unit
    table: 4 s before, 0.2 s now). The text goes in as `Run.text` puts it (tabs and line breaks included)."""
    template = grid.add_row()
    _row_flags(template)
    for cell, column, width in zip(template.cells, columns, widths, strict=True):
        _cell(cell, "", width, font, centre=column.kind != "text" and column.kind != "name")
    blank = template._tr
    grid._tbl.remove(blank)
    for values in rows:
        row = copy.deepcopy(blank)
        for run, value in zip(row.iter(qn("w:r")), values, strict=True):
            if not value:
                continue
            if value.isprintable():  # no tab or line break: one w:t, made as Run.text makes it
                run.add_t(value)
            else:
                run.text = value
        grid._tbl.append(row)


def _header_lines(header: str, width: float, font: str) -> str:
    """A header too wide for its column breaks in the middle (申请/销号), not where the line happens to end
    (申请销/号)."""
    if "\n" in header or text_width(header, TABLE_SIZE, font) + 2 * CELL_PADDING.pt + 2 <= width:
        return header
    middle = math.ceil(len(header) / 2)
    return f"{header[:middle]}\n{header[middle:]}"


def _cell(cell, text: str, width: float, font: str, bold: bool = False, centre: bool = False) -> None:
    cell.width = Pt(width)
    paragraph = cell.paragraphs[0]
    single_spacing(paragraph)
    paragraph.paragraph_format.space_before = paragraph.paragraph_format.space_after = Pt(1.5)  # air in the row
    if centre:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    set_run(paragraph.add_run(text), font, TABLE_SIZE, bold)


def _table_properties(grid, widths: list[float]) -> None:
    """Narrow cell margins and the exact width; the schema orders tblPr's children, so they go before tblLook
    (LibreOffice ignores what is out of place). `autofit = False` already wrote the fixed layout."""
    properties = grid._tbl.tblPr
    margins = OxmlElement("w:tblCellMar")
    for side in ("left", "right"):
        margin = OxmlElement(f"w:{side}")
        margin.set(qn("w:w"), str(int(CELL_PADDING.twips)))
        margin.set(qn("w:type"), "dxa")
        margins.append(margin)
    look = properties.find(qn("w:tblLook"))
    if look is not None:
        look.addprevious(margins)
    else:
        properties.append(margins)
    width = properties.find(qn("w:tblW"))
    width.set(qn("w:type"), "dxa")
    width.set(qn("w:w"), str(sum(int(Pt(w).twips) for w in widths)))
    for column, width in zip(grid._tbl.tblGrid.findall(qn("w:gridCol")), widths, strict=True):
        column.set(qn("w:w"), str(int(Pt(width).twips)))


def _row_flags(row, header: bool = False) -> None:
    properties = row._tr.get_or_add_trPr()
    properties.append(OxmlElement("w:cantSplit"))
    if header:
        properties.append(OxmlElement("w:tblHeader"))
