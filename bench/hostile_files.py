"""Hostile documents, built on the spot (none is stored: the largest unpacks to 1.5 GB), for the benchmark
`python -m bench.hostile` and, at smaller sizes, the tests of the document limits.

Each is written straight into its zip or file in chunks, so building one costs little memory whatever it
expands to.
"""

from __future__ import annotations

import io
import os
import zipfile
from pathlib import Path

import docx

_W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
_CHUNK = 1 << 20


def _docx_around(path: Path, write_body) -> Path:
    """A real .docx (python-docx's blank document) whose word/document.xml body is written by `write_body`."""
    blank = io.BytesIO()
    docx.Document().save(blank)
    with zipfile.ZipFile(blank) as source, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for entry in source.infolist():
            if entry.filename != "word/document.xml":
                target.writestr(entry, source.read(entry))
        with target.open("word/document.xml", "w", force_zip64=True) as part:
            part.write(f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:document {_W}><w:body>'
                       .encode())
            write_body(part)
            part.write(b"</w:body></w:document>")
    return path


def text_node_bomb_docx(path: Path, text_bytes: int) -> Path:
    """One paragraph whose one text node holds `text_bytes` of the same character: a few MB packed."""
    def body(part):
        part.write(b"<w:p><w:r><w:t>")
        for start in range(0, text_bytes, _CHUNK):
            part.write(b"a" * min(_CHUNK, text_bytes - start))
        part.write(b"</w:t></w:r></w:p>")
    return _docx_around(path, body)


def many_paragraphs_docx(path: Path, paragraphs: int) -> Path:
    """`paragraphs` paragraphs of one character each."""
    paragraph = b"<w:p><w:r><w:t>x</w:t></w:r></w:p>"
    def body(part):
        for start in range(0, paragraphs, 10_000):
            part.write(paragraph * min(10_000, paragraphs - start))
    return _docx_around(path, body)


_XLSX_PARTS = {
    "[Content_Types].xml": '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
    'package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
    'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/'
    'workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.'
    'spreadsheetml.worksheet+xml"/></Types>',
    "_rels/.rels": '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/'
    'package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/'
    '2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>',
    "xl/workbook.xml": '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/'
    'spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="台账" sheetId="1" r:id="rId1"/></sheets></workbook>',
    "xl/_rels/workbook.xml.rels": '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
    'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.'
    'org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>',
}


def many_rows_xlsx(path: Path, rows: int) -> Path:
    """A ledger sheet with a header and `rows` task rows (序号, 改革措施, 牵头单位, 完成时限), as inline strings."""
    def cell(ref: str, text: str) -> str:
        return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'

    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as package:
        for name, text in _XLSX_PARTS.items():
            package.writestr(name, text)
        with package.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as part:
            part.write(b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/'
                       b'spreadsheetml/2006/main"><sheetData>')
            header = ("序号", "改革措施", "牵头单位", "完成时限")
            part.write(f'<row r="1">{"".join(cell(f"{c}1", t) for c, t in zip("ABCD", header, strict=True))}</row>'
                       .encode())
            for start in range(2, rows + 2, 10_000):
                part.write("".join(
                    f'<row r="{n}">{cell(f"A{n}", str(n - 1))}{cell(f"B{n}", f"压缩企业开办时间（第{n - 1}项）。")}'
                    f'{cell(f"C{n}", "市市场监管局")}{cell(f"D{n}", "2020年6月底")}</row>'
                    for n in range(start, min(start + 10_000, rows + 2))).encode())
            part.write(b"</sheetData></worksheet>")
    return path


def deep_html(path: Path, depth: int) -> Path:
    """A web page whose task table sits inside `depth` nested <div>s."""
    table = "<table><tr><td>序号</td><td>改革措施</td><td>牵头单位</td></tr><tr><td>1</td><td>压缩开办时间。</td>" \
            "<td>市市场监管局</td></tr></table>"
    path.write_text(f"<html><body><p>关于优化营商环境的实施方案</p>{'<div>' * depth}{table}{'</div>' * depth}"
                    "</body></html>", encoding="utf-8")
    return path


def device_link(path: Path, device: str = "/dev/zero") -> Path:
    """A document name pointing at a device that never ends."""
    path.symlink_to(device)
    return path


def fifo(path: Path) -> Path:
    """A named pipe nobody writes to: opening it for reading blocks for ever."""
    os.mkfifo(path)
    return path
