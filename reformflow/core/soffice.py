"""LibreOffice headless, for what only a word processor does well: reading legacy .doc/.wps documents and
printing the Word notice to PDF as it lays it out.

Debian's `libreoffice-writer-nogui` (`make system-deps`). Each conversion runs in a temporary directory with its
own LibreOffice profile, so parallel flows never share or lock one, and in a process group of its own, killed
whole (oosplash and soffice.bin) when it takes too long.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

INSTALL = "install the Debian package libreoffice-writer-nogui (make system-deps)"


class ConversionError(RuntimeError):
    """LibreOffice is missing, timed out or wrote nothing; the message says which (the caller names the file)."""


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


@contextmanager
def converted(source: Path, export_filter: str, *, timeout: int) -> Iterator[Path]:
    """`source` converted with LibreOffice's `export_filter` (`docx:MS Word 2007 XML`, `pdf:writer_pdf_Export`);
    the converted file exists until the block ends."""
    program = soffice()
    if program is None:
        raise ConversionError(f"LibreOffice is not installed: {INSTALL}")
    with tempfile.TemporaryDirectory(prefix="reformflow-soffice-") as work:
        folder = Path(work)
        # A plain ASCII name: LibreOffice names its output after the input, and a name starting with `-` or
        # holding characters the locale cannot encode would go wrong. It picks its import filter by content.
        local = folder / f"input{source.suffix.lower()}"
        shutil.copyfile(source, local)
        command = [program, f"-env:UserInstallation={(folder / 'profile').as_uri()}", "--headless", "--norestore",
                   "--nolockcheck", "--nodefault", "--convert-to", export_filter, "--outdir", str(folder / "out"),
                   str(local)]
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True,
                                   env={**os.environ, "HOME": work})
        try:
            _, error = process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.communicate()
            raise ConversionError(f"LibreOffice did not finish within {timeout} s") from None
        output = folder / "out" / f"input.{export_filter.split(':')[0]}"
        if not output.exists():
            reason = error.decode("utf-8", "replace").strip().splitlines()
            raise ConversionError(f"LibreOffice could not convert it "
                                  f"({reason[-1] if reason else f'exit status {process.returncode}'})")
        yield output
