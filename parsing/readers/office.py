"""Legacy Word (.doc) and WPS (.wps) documents: converted to .docx by LibreOffice headless (core.soffice), then
read as .docx."""

from __future__ import annotations

from pathlib import Path

from reformflow.core.soffice import INSTALL, ConversionError, converted, soffice
from reformflow.parsing.limits import LIMITS, DocumentLimits
from reformflow.parsing.sources import ExtractionError, SourceText, read_docx

TIMEOUT = 120  # seconds for one conversion; a 50-page .doc takes ~3 s here, most of it LibreOffice's start
# What a .doc or .wps may hold: a Word 97–2003 / WPS binary (an OLE container), RTF, or Word's XML or web
# formats (many .doc files published on government sites are web pages or MHT saved under that name).
_OLE, _ZIP = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", b"PK\x03\x04"
_TEXT_STARTS = (b"{\\rtf", b"<", b"mime-version:")


def read_legacy_word(path: Path, data: bytes, limits: DocumentLimits = LIMITS) -> SourceText:
    name, suffix = path.name, path.suffix.lower()
    if data.startswith(_ZIP):  # a .docx under an old name: no conversion needed
        return read_docx(path, limits)
    head = data[:64].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if not (data.startswith(_OLE) or head.startswith(_TEXT_STARTS)):
        raise ExtractionError(f"{name}: not a Word or WPS document (neither a Word/WPS binary, RTF nor Word XML)")
    if soffice() is None:
        raise ExtractionError(f"{name}: {suffix} files are converted by LibreOffice, which is not installed: "
                              f"{INSTALL}")
    try:
        with converted(path, "docx:MS Word 2007 XML", timeout=TIMEOUT) as docx:
            return read_docx(docx, limits)
    except ConversionError as exc:
        raise ExtractionError(f"{name}: {exc}") from None
