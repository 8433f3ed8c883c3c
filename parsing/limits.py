"""Bounds on what a document may cost to read, checked before the expensive parser sees it.

A task list is a few hundred kilobytes of text in a few hundred paragraphs or rows. A file far beyond that is a
mistake or an attack: a .docx whose one text node inflates from 1.5 MB to 1.5 GB, four million empty
paragraphs, a web page nested 100,000 deep, a path to /dev/zero or a FIFO, a million-row sheet. Each is refused
with the file's name and the bound it broke, in about the time it takes to look, and without being unpacked:
zip entries are judged by the sizes their directory declares (Python's zipfile never inflates an entry past its
declared size: a lie ends in a CRC error), XML parts are counted by a streaming parse that keeps no tree.

The domain never reads settings: the bounds travel as a `DocumentLimits` (the defaults below), which a caller
may replace, as the tests and the benchmark do.
"""

from __future__ import annotations

import io
import stat
import zipfile
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from reformflow.parsing.model import ExtractionError

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_S = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"


@dataclass(frozen=True)
class DocumentLimits:
    max_bytes: int = 100 * 2**20  # a file on disk (a 30-page 300-dpi scan is a few MB)
    max_unzipped_bytes: int = 150 * 2**20  # all entries of a .docx/.xlsx, as its zip directory declares them
    max_part_bytes: int = 40 * 2**20  # one XML part, which the reader holds as a tree (~5× its size in memory)
    max_zip_entries: int = 5_000
    max_paragraphs: int = 100_000  # a 300-page document has ~10,000
    max_rows: int = 20_000  # table rows of a .docx, rows of all sheets of an .xlsx: a province's list has ~2,000
    max_cells: int = 300_000
    max_elements: int = 2_000_000  # XML elements of one part (runs, properties …): bounds the tree's memory
    max_html_bytes: int = 20 * 2**20
    max_html_elements: int = 500_000
    max_html_depth: int = 255  # real pages nest ~20 deep; libxml2 stops at 256 and the tree code is O(depth)


LIMITS = DocumentLimits()


def _megabytes(size: int) -> str:
    return f"{size / 2**20:,.0f} MB" if size >= 2**20 else f"{size:,} bytes"


def check_regular_file(path: Path, max_bytes: int) -> int:
    """The file's size; a device (/dev/zero), a FIFO or a directory is refused before it is opened, since
    reading one never ends or blocks for ever."""
    try:
        info = path.stat()  # follows a symlink: a link to /dev/zero is judged as /dev/zero
    except OSError as exc:
        raise ExtractionError(f"{path}: cannot read: {exc.strerror}") from exc
    if not stat.S_ISREG(info.st_mode):
        kind = ("a directory" if stat.S_ISDIR(info.st_mode) else "a FIFO (named pipe)" if stat.S_ISFIFO(info.st_mode)
                else "a device" if stat.S_ISCHR(info.st_mode) or stat.S_ISBLK(info.st_mode) else "a socket")
        raise ExtractionError(f"{path.name}: not a regular file but {kind}; only files can be read")
    if info.st_size > max_bytes:
        raise ExtractionError(f"{path.name}: {_megabytes(info.st_size)} is more than the {_megabytes(max_bytes)} "
                              f"a task document may have")
    return info.st_size


def check_ooxml(path: Path, kind: str, limits: DocumentLimits = LIMITS) -> None:
    """A .docx (`kind` "docx") or .xlsx ("xlsx") within the bounds, judged before python-docx or openpyxl
    loads it: the declared sizes of its zip entries, then its paragraphs, rows and cells, counted."""
    name = path.name
    try:
        package = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise ExtractionError(f"{name}: not a readable .{kind} file ({exc})") from exc
    with package:
        entries = package.infolist()
        if len(entries) > limits.max_zip_entries:
            raise ExtractionError(f"{name}: {len(entries):,} parts; a .{kind} may have at most "
                                  f"{limits.max_zip_entries:,}")
        total = sum(entry.file_size for entry in entries)
        if total > limits.max_unzipped_bytes:
            raise ExtractionError(f"{name}: unpacks to {_megabytes(total)} (packed {_megabytes(path.stat().st_size)})"
                                  f"; a .{kind} may unpack to at most {_megabytes(limits.max_unzipped_bytes)}")
        for entry in entries:
            if entry.filename.endswith((".xml", ".rels")) and entry.file_size > limits.max_part_bytes:
                raise ExtractionError(f"{name}: its part {entry.filename} unpacks to {_megabytes(entry.file_size)}; "
                                      f"one part may have at most {_megabytes(limits.max_part_bytes)}")
        parts = [entry.filename for entry in entries if _counted(entry.filename, kind)]
        counts = {"paragraphs": 0, "rows": 0, "cells": 0}
        for part in parts:
            with package.open(part) as stream:
                _count(stream, f"{name}: {part}", kind, counts, limits)


def _counted(part: str, kind: str) -> bool:
    """The parts that hold the document's paragraphs and tables (.docx) or its sheets' rows (.xlsx)."""
    if kind == "docx":
        return part == "word/document.xml"
    return part.startswith("xl/worksheets/") and part.endswith(".xml")


def _count(stream: io.BufferedIOBase, where: str, kind: str, counts: dict[str, int], limits: DocumentLimits) -> None:
    """Count paragraphs, rows and cells as the part streams by, stopping at the first bound broken. Each
    element is cleared when it ends, so memory stays flat however long the part."""
    tags = ({f"{_W}p": "paragraphs", f"{_W}tr": "rows", f"{_W}tc": "cells"} if kind == "docx"
            else {f"{_S}row": "rows", f"{_S}c": "cells"})
    bounds = {"paragraphs": limits.max_paragraphs, "rows": limits.max_rows, "cells": limits.max_cells}
    elements = 0
    try:
        for _, element in etree.iterparse(stream, events=("end",), huge_tree=True, resolve_entities=False):
            elements += 1
            what = tags.get(element.tag)
            if element.tag == f"{_S}mergeCell":  # openpyxl makes a cell object for every cell a merge covers
                what = "cells"
                counts[what] += _area(element.get("ref", "")) - 1
            if what:
                counts[what] += 1
                if counts[what] > bounds[what]:
                    raise ExtractionError(f"{where}: more than {bounds[what]:,} {what}; a task document has "
                                          f"far fewer (split the file)")
            if elements > limits.max_elements:
                raise ExtractionError(f"{where}: more than {limits.max_elements:,} XML elements")
            element.clear(keep_tail=True)
            while element.getprevious() is not None:  # and dropped from its parent: the tree stays empty
                del element.getparent()[0]
    except etree.XMLSyntaxError as exc:
        raise ExtractionError(f"{where}: not well-formed XML ({exc})") from exc


def _area(ref: str) -> int:
    """How many cells a range such as `A1:H20` covers (a malformed one counts as one)."""
    from openpyxl.utils.cell import range_boundaries

    try:
        min_col, min_row, max_col, max_row = range_boundaries(ref)
    except (ValueError, TypeError):
        return 1
    return (max_col - min_col + 1) * (max_row - min_row + 1)


def check_html(text: str, name: str, limits: DocumentLimits = LIMITS) -> None:
    """A web page within the bounds, before BeautifulSoup builds its tree (whose code walks the depth at every
    insertion: 100,000 levels would take minutes). libxml2's streaming parse finds depth and size in
    linear time; it never nests deeper than 256, so reaching that depth is enough to know."""
    data = text.encode("utf-8", "replace")
    if len(data) > limits.max_html_bytes:
        raise ExtractionError(f"{name}: {_megabytes(len(data))} of HTML; a web page may have at most "
                              f"{_megabytes(limits.max_html_bytes)}")
    depth = elements = 0
    for event, _ in etree.iterparse(io.BytesIO(data), events=("start", "end"), html=True, huge_tree=True,
                                    encoding="utf-8", recover=True):
        if event == "end":
            depth -= 1
            continue
        depth, elements = depth + 1, elements + 1
        if depth > limits.max_html_depth:
            raise ExtractionError(f"{name}: elements nested more than {limits.max_html_depth} deep; "
                                  f"a web page nests a few dozen")
        if elements > limits.max_html_elements:
            raise ExtractionError(f"{name}: more than {limits.max_html_elements:,} HTML elements")
