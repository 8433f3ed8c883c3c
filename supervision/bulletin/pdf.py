"""The Word notice as PDF, for printing: converted by LibreOffice headless, so the PDF is the notice as a word
processor lays it out (fonts embedded), not a second rendering that could differ from it.

The conversion itself (its own profile and process group, a time limit) is core.soffice's.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from reformflow.core.soffice import INSTALL, ConversionError, converted, soffice

TIMEOUT = 120  # seconds; a 10-page notice takes ~3 s here, most of it LibreOffice's start


class PdfExportError(RuntimeError):
    pass


def export_pdf(docx: Path) -> Path:
    """Write `<name>.pdf` beside `<name>.docx` and return its path."""
    if soffice() is None:
        raise PdfExportError(f"{docx.name}: the PDF of the notice is made by LibreOffice, which is not installed: "
                             f"{INSTALL}, or set REFORMFLOW_NOTICE_PDF=false")
    target = docx.with_suffix(".pdf")
    try:
        with converted(docx, "pdf:writer_pdf_Export", timeout=TIMEOUT) as pdf:
            shutil.move(pdf, target)
    except ConversionError as exc:
        raise PdfExportError(f"{docx.name}: {exc}") from None
    return target
