"""The Word notice as PDF, for printing: converted by LibreOffice headless, so the PDF is the notice as a word
processor lays it out (fonts embedded), not a second rendering that could differ from it.

Debian's `libreoffice-writer-nogui` (`make system-deps`). Each conversion runs in a temporary directory with its
own LibreOffice profile, so parallel flows never share or lock one, and is killed with its process group when
it takes too long.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

from reformflow.parsing.readers.office import INSTALL, soffice

TIMEOUT = 120  # seconds; a 10-page notice takes ~3 s here, most of it LibreOffice's start


class PdfExportError(RuntimeError):
    pass


def export_pdf(docx: Path) -> Path:
    """Write `<name>.pdf` beside `<name>.docx` and return its path."""
    program = soffice()
    if program is None:
        raise PdfExportError(f"{docx.name}: the PDF of the notice is made by LibreOffice, which is not installed: "
                             f"{INSTALL}, or set REFORMFLOW_NOTICE_PDF=false")
    target = docx.with_suffix(".pdf")
    with tempfile.TemporaryDirectory(prefix="reformflow-pdf-") as work:
        folder = Path(work)
        source = folder / "notice.docx"  # an ASCII name: LibreOffice names its output after its input
        shutil.copyfile(docx, source)
        command = [program, f"-env:UserInstallation={(folder / 'profile').as_uri()}", "--headless", "--norestore",
                   "--nolockcheck", "--nodefault", "--convert-to", "pdf:writer_pdf_Export", "--outdir",
                   str(folder / "out"), str(source)]
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True,
                                   env={**os.environ, "HOME": work})
        try:
            _, error = process.communicate(timeout=TIMEOUT)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.communicate()
            raise PdfExportError(f"{docx.name}: LibreOffice did not finish the PDF within {TIMEOUT} s") from None
        converted = folder / "out" / "notice.pdf"
        if not converted.exists():
            reason = error.decode("utf-8", "replace").strip().splitlines()
            raise PdfExportError(f"{docx.name}: LibreOffice could not convert it to PDF "
                                 f"({reason[-1] if reason else f'exit status {process.returncode}'})")
        shutil.move(converted, target)
    return target
