"""Reading documents of every kind an office receives into one shape: text lines, tables as markdown rows.

Word (.docx), web pages (.html) and Excel ledgers (.xlsx) become the same lines a pasted text would give,
so one set of parsers serves them all. Each line keeps where it came from (`Sheet1 row 7`) for problems.
PDF, legacy Word (.doc, .wps) and scans (images, PDFs without a text layer) are read by the modules of
`reformflow.parsing.readers`, into the same shape.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from charset_normalizer import from_bytes

from reformflow.core.hygiene import safe_text
from reformflow.parsing.limits import LIMITS, DocumentLimits, check_html, check_ooxml, check_regular_file
from reformflow.parsing.model import ExtractionError

__all__ = ["ExtractionError", "SourceText", "decode_text", "markdown_row", "read_docx", "read_source"]

TEXT, DOCX, HTML, XLSX = (".txt", ".md"), (".docx",), (".html", ".htm"), (".xlsx",)
PDF, LEGACY_WORD, IMAGES = (".pdf",), (".doc", ".wps"), (".png", ".jpg", ".jpeg", ".tif", ".tiff")
SUPPORTED = TEXT + DOCX + HTML + XLSX + PDF + LEGACY_WORD + IMAGES
# Formats an office receives that cannot be read here, and what to do instead. OFD: PyPI has no maintained
# reader fit to depend on (easyofd imports PyMuPDF and rewrites sys.path; ofdkit is a months-old alpha).
REFUSED = {".ofd": "OFD files cannot be read here: open it in an OFD reader (数科OFD, 福昕OFD or WPS) and "
                   "export it to PDF, then extract the PDF"}
LEGACY_ENCODINGS = ("gb18030", "big5")


@dataclass
class SourceText:
    lines: list[str]
    places: list[str] = field(default_factory=list)  # where each line came from, when not "line N"
    scanned: bool = False  # read by OCR: every task needs the office's review
    notes: list[str] = field(default_factory=list)  # what the reader could not do (a page skipped): problems

    def place(self, line: int) -> str:
        return self.places[line - 1] if self.places and 0 < line <= len(self.places) else f"line {line}"


def markdown_row(cells: list[str]) -> str:
    # A cell's line breaks of every kind (Excel's Alt+Enter, Word's \x0b) become <br>: a row is one line.
    return "| " + " | ".join(safe_text(cell).replace("|", "｜").replace("\n", "<br>").strip() for cell in cells) + " |"


def decode_text(data: bytes, name: str) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    # GB18030 decodes almost any bytes, so it cannot be tried blindly before Big5: let the detector choose.
    best = from_bytes(data, cp_isolation=list(LEGACY_ENCODINGS)).best()
    if best is None:
        raise ExtractionError(f"{name}: not UTF-8, GB18030 or Big5 text")
    return str(best)


def read_source(path: Path, limits: DocumentLimits = LIMITS) -> SourceText:
    """The file's text as lines, or an ExtractionError naming the file: an unknown type, a file beyond
    `limits`, or one that cannot be read."""
    suffix = path.suffix.lower()
    if suffix in REFUSED:
        raise ExtractionError(f"{path.name}: {REFUSED[suffix]}")
    if suffix not in SUPPORTED:
        raise ExtractionError(f"{path.name}: unsupported file type '{path.suffix or '(none)'}' "
                              f"(supported: {', '.join(SUPPORTED)})")
    check_regular_file(path, limits.max_bytes)  # before opening: /dev/zero never ends, a FIFO blocks
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ExtractionError(f"{path}: cannot read: {exc.strerror}") from exc
    if not data.strip():
        raise ExtractionError(f"{path.name}: the file is empty")
    try:
        if suffix in DOCX:
            return read_docx(path, limits)
        if suffix in XLSX:
            return _read_xlsx(path, limits)
        if suffix in PDF:
            from reformflow.parsing.readers.pdf import read_pdf

            return read_pdf(path)
        if suffix in LEGACY_WORD:
            from reformflow.parsing.readers.office import read_legacy_word

            return read_legacy_word(path, data, limits)
        if suffix in IMAGES:
            from reformflow.parsing.readers.ocr import read_image

            return read_image(path)
    except ExtractionError:
        raise
    except Exception as exc:  # a damaged or mislabelled Office file: say so, naming the file
        raise ExtractionError(f"{path.name}: not a readable {suffix} file ({type(exc).__name__}: {exc})") from exc
    if b"\x00" in data[:4096]:
        raise ExtractionError(f"{path.name}: binary content, not a text document")
    text = decode_text(data, path.name)
    if suffix in HTML:
        from reformflow.parsing.html import read_html  # it builds on this module's SourceText

        check_html(text, path.name, limits)
        try:
            return read_html(text)
        except Exception as exc:  # markup BeautifulSoup trips over: name the file, never a traceback
            raise ExtractionError(f"{path.name}: not a readable web page ({type(exc).__name__}: {exc})") from exc
    return SourceText(text.splitlines())


def read_docx(path: Path, limits: DocumentLimits = LIMITS) -> SourceText:
    import docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    check_ooxml(path, "docx", limits)  # python-docx holds the whole package in memory: judge it first
    document = docx.Document(str(path))
    source = SourceText([], [])
    paragraphs = tables = 0
    for child in document.element.body.iterchildren():
        if child.tag.endswith("}p"):
            paragraphs += 1
            source.lines.append(Paragraph(child, document).text)
            source.places.append(f"paragraph {paragraphs}")
        elif child.tag.endswith("}tbl"):
            tables += 1
            for number, row in enumerate(Table(child, document).rows, start=1):
                source.lines.append(markdown_row([cell.text for cell in row.cells]))
                source.places.append(f"table {tables} row {number}")
    return source


def _cell_value(value: object) -> str:
    if isinstance(value, datetime | date):
        return f"{value.year}年{value.month}月{value.day}日"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return "" if value is None else str(value)


def _read_xlsx(path: Path, limits: DocumentLimits) -> SourceText:
    from openpyxl import load_workbook

    check_ooxml(path, "xlsx", limits)  # openpyxl holds every cell as an object: count them first
    workbook = load_workbook(path, data_only=True)
    source = SourceText([], [])
    for sheet in workbook.worksheets:
        # Rows are read as the rectangle from A1 to the last cell: a stray cell at XFD1048576 spans billions.
        if (span := sheet.max_row * sheet.max_column) > limits.max_cells:
            raise ExtractionError(f"{path.name}: sheet {sheet.title} spans {sheet.max_row:,} rows × "
                                  f"{sheet.max_column:,} columns, more than the {limits.max_cells:,} cells a "
                                  f"ledger may have ({span:,})")
        filled: dict[tuple[int, int], object] = {}
        for merged in sheet.merged_cells.ranges:  # a merged cell's value belongs to every cell it covers
            value = sheet.cell(merged.min_row, merged.min_col).value
            for row in range(merged.min_row, merged.max_row + 1):
                for col in range(merged.min_col, merged.max_col + 1):
                    filled[(row, col)] = value
        for number, row in enumerate(sheet.iter_rows(), start=1):
            values = [filled.get((cell.row, cell.column), cell.value) for cell in row]
            if any(value not in (None, "") for value in values):
                source.lines.append(markdown_row([_cell_value(v) for v in values]))
                source.places.append(f"sheet {sheet.title} row {number}")
    return source
