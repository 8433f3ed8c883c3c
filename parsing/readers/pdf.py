"""PDF through pdfplumber: the text layer in reading order, ruled tables as table rows, scanned pages by OCR.

A page is read top to bottom; the tables pdfplumber finds from their ruling lines become markdown rows at their
place, with a merged cell's text on every row and column it covers (as the Word and web readers do), and a
bold run inside a cell kept as `<b>` (the table parser takes it as the task's title). A page with no text but
an image or drawing is a scan: it is rendered and read by Tesseract, and the document is marked scanned.
"""

from __future__ import annotations

import math
import re
import time
import zlib
from pathlib import Path

from reformflow.parsing.readers import ocr
from reformflow.parsing.readers.layout import Line, Table, assemble, furniture, join_wrapped, spaced, tidy
from reformflow.parsing.sources import ExtractionError, SourceText

# Bounds against hostile or mistaken input (a task list runs to tens of pages of ~2,000 characters each):
MAX_PAGES = 500  # more pages is not a task document; refused before any page is parsed
MAX_CHARS_PER_PAGE = 30_000  # ~15× a dense A4 page of Chinese: a page holding more is refused
# A page's drawing instructions, decompressed: ~0.2 MB for a dense page of text. Measured before pdfminer reads
# the page, inflating at most this much, so a deflate bomb is refused without being unpacked.
MAX_CONTENT_BYTES = 20_000_000
MAX_TABLE_EDGES = 5_000  # ruling lines of one page; a real task table has a few hundred (table finding is costly)
MAX_IMAGE_PIXELS = 100_000_000  # an image inside a scanned page (A3 at 600 dpi is 70 MP), checked before rendering
MAX_OCR_PAGES = 40  # 1–3 s of Tesseract a page on 2 cores; a scanned task list runs to 20–30 pages
MAX_SECONDS = 300  # the whole document, checked between pages
OCR_DPI = 300
MAX_RENDER_PIXELS = 40_000_000  # an A3 page at 300 dpi is 17 MP; an oversized page is rendered at lower dpi
SCAN_COVER = 0.6  # text lying on an image covering this much of the page: a scan with an OCR text layer

_BOLD = re.compile(r"bold|heavy|black|demi", re.IGNORECASE)


def read_pdf(path: Path) -> SourceText:
    import pdfplumber
    from pdfminer.pdfdocument import PDFEncryptionError
    from pdfplumber.utils.exceptions import PdfminerException

    name = path.name
    try:
        pdf = pdfplumber.open(path)
    except PdfminerException as exc:
        if exc.args and isinstance(exc.args[0], PDFEncryptionError):
            raise ExtractionError(f"{name}: the PDF is password-protected: save a copy without the password "
                                  f"and extract that") from exc
        raise
    source = SourceText([], [])
    items: list[Line | Table] = []
    ocr_pages: list[int] = []
    skipped: list[int] = []  # scanned pages left unread: Tesseract is not installed
    can_ocr = ocr.available()
    deadline = time.monotonic() + MAX_SECONDS
    with pdf:
        if len(pdf.pages) > MAX_PAGES:
            raise ExtractionError(f"{name}: {len(pdf.pages)} pages; a task document has at most {MAX_PAGES}")
        for number, page in enumerate(pdf.pages, start=1):
            if time.monotonic() > deadline:
                raise ExtractionError(f"{name}: reading took over {MAX_SECONDS} s (stopped at page {number})")
            try:
                _check_size(page, number, name)
                page_items = _text_items(page, number, name)
                if page_items is not None:
                    items.extend(page_items)
                    if _lies_on_a_scan(page):
                        source.scanned = True
                elif page.images or page.curves:  # no text layer, but something drawn: a scan
                    if not can_ocr:
                        skipped.append(number)
                        continue
                    ocr_pages.append(number)
                    if len(ocr_pages) > MAX_OCR_PAGES:
                        raise ExtractionError(f"{name}: more than {MAX_OCR_PAGES} scanned pages; split the file")
                    items.extend(_ocr_page(page, number, name))
            except ExtractionError:
                raise
            except Exception as exc:  # one damaged page: read the rest, and say which page was lost
                source.notes.append(f"page {number} could not be read ({type(exc).__name__}: {exc}); skipped")
            finally:
                page.close()
        pages = len(pdf.pages)
    if skipped:
        pages_text = ", ".join(map(str, skipped))
        if not items:
            raise ExtractionError(f"{name}: no text layer (a scanned PDF): reading it needs OCR: {ocr.INSTALL}")
        source.notes.append(f"pages {pages_text} have no text layer (scanned) and were not read: {ocr.INSTALL}")
    if not any(isinstance(item, Table) or ocr.wordlike(item.text) for item in items):
        if source.notes:  # every page with something on it was damaged
            raise ExtractionError(f"{name}: not a readable .pdf file ({source.notes[0]})")
        if ocr_pages:
            raise ExtractionError(f"{name}: no text found: OCR read nothing from its {len(ocr_pages)} scanned "
                                  f"page(s)")
        raise ExtractionError(f"{name}: no text found: the PDF has no text layer and its {pages} page(s) are blank")
    if ocr_pages:
        source.scanned = True
        source.notes.append(f"page(s) {', '.join(map(str, ocr_pages))} read by OCR (no text layer): check every "
                            f"task against the original")
    elif source.scanned:
        source.notes.append("a scanned PDF whose text layer was made by OCR: check every task against the original")
    assemble(_join_split_rows(items), source, repair=ocr.repair if source.scanned else None)
    return source


_CODE = re.compile(r"^\d{1,4}$")


def _join_cells(top: str, rest: str) -> str:
    """The two parts of a cell that a page break split; a bold title running over the break stays one."""
    if top.endswith("</b>") and rest.startswith("<b>"):
        return join_wrapped([top.removesuffix("</b>"), rest.removeprefix("<b>")])
    return join_wrapped([top, rest])


def _join_split_rows(items: list[Line | Table]) -> list[Line | Table]:
    """A table row that a page break split (Word's default) is one row again.

    The part on the next page is the first row of that page's first table (after a repeated header row): the
    first cell (the 序号) is empty and no cell is a bare number, as a new row's code would be.
    """
    joined: list[Line | Table] = []
    reaches: dict[int, int] = {}  # id of a table → the last page its rows (joined parts) reach
    for item in items:
        previous = joined[-1] if joined else None
        if isinstance(item, Table) and isinstance(previous, Table) \
                and item.page == reaches.get(id(previous), previous.page) + 1 \
                and item.rows and previous.rows and len(item.rows[0]) == len(previous.rows[-1]):
            start = 1 if item.rows[0] == previous.rows[0] and len(item.rows) > 1 else 0  # a repeated header
            first = item.rows[start]
            if not first[0] and any(first) and not any(_CODE.match(cell) for cell in first):
                last = previous.rows[-1]
                previous.rows[-1] = [_join_cells(a, b) for a, b in zip(last, first, strict=True)]
                del item.rows[start]
                if not item.rows or item.rows == previous.rows[:1]:
                    reaches[id(previous)] = item.page
                    continue
        joined.append(item)
    return joined


def _check_size(page, number: int, name: str) -> None:
    from pdfminer.pdftypes import PDFStream, resolve1
    from pdfminer.psparser import LIT

    # The page's own content and the forms it draws (one level down: where producers put page content).
    xobjects = resolve1((page.page_obj.resources or {}).get("XObject")) or {}
    streams = [resolve1(x) for x in xobjects.values()] if isinstance(xobjects, dict) else []
    forms = [x for x in streams if isinstance(x, PDFStream) and resolve1(x.attrs.get("Subtype")) is LIT("Form")]
    size = _content_size([*page.page_obj.contents, *forms], MAX_CONTENT_BYTES)
    if size > MAX_CONTENT_BYTES:
        raise ExtractionError(f"{name}: page {number} holds more than {MAX_CONTENT_BYTES // 1_000_000} MB of "
                              f"drawing instructions; a document page has well under one")
    for image in page.images:
        width, height = image.get("srcsize") or (0, 0)
        if width * height > MAX_IMAGE_PIXELS:
            raise ExtractionError(f"{name}: page {number} holds a {width}×{height}-pixel image, more than the "
                                  f"{MAX_IMAGE_PIXELS // 1_000_000} million a scanned page may have")


def _content_size(contents: list, cap: int) -> int:
    """The decompressed size of a page's content streams, unpacking no more than `cap` bytes of them."""
    from pdfminer.ascii85 import ascii85decode, asciihexdecode
    from pdfminer.pdftypes import (
        LITERALS_ASCII85_DECODE,
        LITERALS_ASCIIHEX_DECODE,
        LITERALS_FLATE_DECODE,
        PDFStream,
        resolve1,
    )

    total = 0
    for stream in (resolve1(item) for item in contents):
        if not isinstance(stream, PDFStream):
            continue
        data = stream.get_rawdata()
        if data is None:  # already decoded
            total += len(stream.get_data())
            continue
        if stream.decipher:
            data = stream.decipher(stream.objid, stream.genno, data, stream.attrs)
        for kind, _ in stream.get_filters():
            if kind in LITERALS_FLATE_DECODE:
                try:
                    data = zlib.decompressobj().decompress(data, cap - total + 1)
                except zlib.error:
                    break
            elif kind in LITERALS_ASCII85_DECODE:
                data = ascii85decode(data)
            elif kind in LITERALS_ASCIIHEX_DECODE:
                data = asciihexdecode(data)
            else:  # a filter content streams do not use: counted as it stands
                break
        total += len(data)
        if total > cap:
            break
    return total


def _inside(obj: dict, box: tuple[float, float, float, float]) -> bool:
    x, y = (obj["x0"] + obj["x1"]) / 2, (obj["top"] + obj["bottom"]) / 2
    return box[0] <= x <= box[2] and box[1] <= y <= box[3]


def _text_items(page, number: int, name: str) -> list[Line | Table] | None:
    """The page's paragraphs' lines and tables in reading order, or None when it has no text layer."""
    if len(page.chars) > MAX_CHARS_PER_PAGE:
        raise ExtractionError(f"{name}: page {number} holds {len(page.chars)} characters, more than the "
                              f"{MAX_CHARS_PER_PAGE} a document page may have")
    if not any(char["text"].strip() for char in page.chars):
        return None
    page = page.dedupe_chars()  # text drawn twice for a bold effect would read `升升级级`
    edges = len(page.rects) + len(page.lines) + len(page.curves)
    tables = page.find_tables() if edges <= MAX_TABLE_EDGES else []
    boxes = [table.bbox for table in tables]
    text_page = page.filter(lambda obj: obj.get("object_type") != "char" or not any(_inside(obj, b) for b in boxes))
    items: list[Line | Table] = []
    for line in text_page.extract_text_lines(strip=True, return_chars=False):
        text = tidy(line["text"])
        if text and not furniture(text, line["top"], page.height):
            items.append(Line(text, line["x0"], line["x1"], line["top"], line["bottom"], number))
    for table in tables:
        chars = [char for char in page.chars if _inside(char, table.bbox)]
        items.append(Table(_table_rows(table, chars), number, table.bbox[1]))
    return sorted(items, key=lambda item: item.top)


def _table_rows(table, chars: list[dict]) -> list[list[str]]:
    """Every row with a cell per column; a merged cell's text fills every slot it covers."""
    cells = table.cells
    texts: dict[tuple, str] = {}
    columns = sorted({cell[0] for cell in cells})  # pdfplumber's rows list their cells by these x0s

    def text_of(box: tuple) -> str:
        if box not in texts:
            texts[box] = _cell_text([char for char in chars if _inside(char, box)])
        return texts[box]

    rows = []
    for row in table.rows:
        top = row.bbox[1]
        values = []
        for index, box in enumerate(row.cells):
            if box is None:  # covered by a cell merged from above or from the left
                x = columns[index] + 0.5
                box = next((c for c in cells if c[0] <= x < c[2] and c[1] <= top + 0.5 < c[3]), None)
            values.append(text_of(box) if box else "")
        rows.append(values)
    return rows


def _cell_text(chars: list[dict]) -> str:
    """A cell's lines joined as one text (wrapping is layout, not content); bold runs marked `<b>`."""
    lines: list[list[dict]] = []
    for char in sorted(chars, key=lambda c: (c["top"], c["x0"])):
        if lines and char["top"] - lines[-1][0]["top"] <= 0.5 * char["size"]:
            lines[-1].append(char)
        else:
            lines.append([char])
    marks: list[tuple[str, bool]] = []  # (text, bold), with the spaces between words
    for line in lines:
        previous = None
        for char in sorted(line, key=lambda c: c["x0"]):
            if previous is None and marks and char["text"].strip() and spaced(marks[-1][0], char["text"]):
                marks.append((" ", False))  # a wrapped line: a space only between Latin words
            elif previous is not None and char["x0"] - previous["x1"] > 0.25 * char["size"]:
                marks.append((" ", False))
            marks.append((char["text"], bool(_BOLD.search(char.get("fontname", "")))))
            previous = char
    out, inside = [], False
    for text, bold in marks:
        if bold != inside and text.strip():
            out.append("<b>" if bold else "</b>")
            inside = bold
        out.append(text)
    return ("".join(out) + ("</b>" if inside else "")).strip()


def _lies_on_a_scan(page) -> bool:
    area = page.width * page.height
    return any((image["x1"] - image["x0"]) * (image["bottom"] - image["top"]) >= SCAN_COVER * area
               for image in page.images)


def _ocr_page(page, number: int, name: str) -> list[Line]:
    inches = (page.width / 72) * (page.height / 72)
    dpi = min(OCR_DPI, int(math.sqrt(MAX_RENDER_PIXELS / inches))) if inches > 0 else OCR_DPI
    image = page.to_image(resolution=dpi).original
    return ocr.ocr_lines(image, name, number, dpi=dpi, scale=72 / dpi)
