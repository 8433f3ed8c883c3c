"""Legacy Word (.doc) and WPS (.wps) documents: converted to .docx by LibreOffice headless, then read as .docx.

Debian's `libreoffice-writer-nogui` (`make system-deps`). Each conversion runs in a temporary directory with
its own LibreOffice profile, so parallel extractions (several Prefect workers) never share or lock one.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

from reformflow.parsing.limits import LIMITS, DocumentLimits
from reformflow.parsing.sources import ExtractionError, SourceText, read_docx

INSTALL = "install the Debian package libreoffice-writer-nogui (make system-deps)"
TIMEOUT = 120  # seconds for one conversion; a 50-page .doc takes ~3 s here, most of it LibreOffice's start
# What a .doc or .wps may hold: a Word 97–2003 / WPS binary (an OLE container), RTF, or Word's XML or web
# formats (many .doc files published on government sites are web pages or MHT saved under that name).
_OLE, _ZIP = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", b"PK\x03\x04"
_TEXT_STARTS = (b"{\\rtf", b"<", b"mime-version:")


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def read_legacy_word(path: Path, data: bytes, limits: DocumentLimits = LIMITS) -> SourceText:
    name, suffix = path.name, path.suffix.lower()
    if data.startswith(_ZIP):  # a .docx under an old name: no conversion needed
        return read_docx(path, limits)
    head = data[:64].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if not (data.startswith(_OLE) or head.startswith(_TEXT_STARTS)):
        raise ExtractionError(f"{name}: not a Word or WPS document (neither a Word/WPS binary, RTF nor Word XML)")
    program = soffice()
    if program is None:
        raise ExtractionError(f"{name}: {suffix} files are converted by LibreOffice, which is not installed: "
                              f"{INSTALL}")
    with tempfile.TemporaryDirectory(prefix="reformflow-soffice-") as work:
        folder = Path(work)
        # A plain ASCII name: LibreOffice names its output after the input, and a name starting with `-` or
        # holding characters the locale cannot encode would go wrong. It picks its import filter by content.
        source = folder / f"input{suffix}"
        source.write_bytes(data)
        command = [program, f"-env:UserInstallation={(folder / 'profile').as_uri()}", "--headless", "--norestore",
                   "--nolockcheck", "--nodefault", "--convert-to", "docx:MS Word 2007 XML",
                   "--outdir", str(folder / "out"), str(source)]
        # Its own session: on a time-out the whole process group (oosplash and soffice.bin) is killed.
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True,
                                   env={**os.environ, "HOME": work})
        try:
            _, error = process.communicate(timeout=TIMEOUT)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.communicate()
            raise ExtractionError(f"{name}: LibreOffice did not finish converting it within {TIMEOUT} s") from None
        converted = folder / "out" / "input.docx"
        if not converted.exists():
            reason = error.decode("utf-8", "replace").strip().splitlines()
            raise ExtractionError(f"{name}: LibreOffice could not convert it to .docx "
                                  f"({reason[-1] if reason else f'exit status {process.returncode}'})")
        return read_docx(converted, limits)
