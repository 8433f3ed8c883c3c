"""OCR of scanned pages and images through the Tesseract command line with its simplified-Chinese data.

Debian's `tesseract-ocr` and `tesseract-ocr-chi-sim` (`make system-deps`). Words come back with their boxes
(Tesseract's TSV output), so the lines are put back into paragraphs as a PDF's are. A document read this way is
marked scanned: every task of it goes to the office's review.
"""

from __future__ import annotations

import csv
import io
import os
import re
import shutil
import subprocess
from pathlib import Path

from reformflow.parsing.readers.layout import Line, assemble, furniture, join_wrapped
from reformflow.parsing.sources import ExtractionError, SourceText

LANGUAGE = "chi_sim"
INSTALL = "install the Debian packages tesseract-ocr and tesseract-ocr-chi-sim (make system-deps)"
# Bounds against hostile input: an A3 page at 300 dpi is 17 MP, an A4 page at 600 dpi 35 MP (more: refused).
MAX_PIXELS = 40_000_000
MAX_FRAMES = 40  # pages of a multi-page TIFF
TIMEOUT = 120  # seconds for one page; a dense A4 page takes 1–3 s here
SMALL = 1700  # narrower than this (an A4 page under ~150 dpi): enlarged twice, Tesseract wants bigger glyphs

# Tesseract's usual misreadings of an official document's punctuation: a unit bracket opened as `《`/`〈` or
# closed as `》`/`〉`, and the colon after a unit label read as a semicolon.
_OPENED_AS_TITLE = re.compile(r"[《〈]([^《》〈〉（）()]*[)）])")
_CLOSED_AS_TITLE = re.compile(r"([（(][^《》〈〉（）()]*)[》〉]")
_WORDLIKE = re.compile(r"[\w\u3400-\u9fff]{2}")
_LABEL_COLON = re.compile(r"((?:牵头|责任|配合|协办|主办|承办|参与)(?:单位|部门))\s*[:：]?\s*[;；]")


def wordlike(text: str) -> bool:
    """Whether OCR read text, not specks (`|`, `一`) from a blank or a picture."""
    return bool(_WORDLIKE.search(text))


def available() -> bool:
    return shutil.which("tesseract") is not None


def repair(text: str) -> str:
    text = _OPENED_AS_TITLE.sub(r"（\1", text)
    text = _CLOSED_AS_TITLE.sub(r"\1）", text)
    return _LABEL_COLON.sub(r"\1：", text)


def read_image(path: Path) -> SourceText:
    from PIL import Image, ImageOps, ImageSequence

    name = path.name
    if not available():
        raise ExtractionError(f"{name}: an image is read by OCR, and Tesseract is not installed: {INSTALL}")
    items: list[Line] = []
    with Image.open(path) as image:  # reads the header only: sizes are checked before any pixel is decoded
        frames = getattr(image, "n_frames", 1)
        if frames > MAX_FRAMES:
            raise ExtractionError(f"{name}: {frames} pages; an image file may have at most {MAX_FRAMES}")
        for number, frame in enumerate(ImageSequence.Iterator(image), start=1):
            if frame.width * frame.height > MAX_PIXELS:
                raise ExtractionError(f"{name}: {frame.width}×{frame.height} pixels is more than the "
                                      f"{MAX_PIXELS // 1_000_000} million an image may have: scan the page at 300 dpi")
            dpi = frame.info.get("dpi", (0, 0))[0]
            page = ImageOps.exif_transpose(frame)  # a phone photo's rotation lives in its EXIF data
            scale = 1.0
            if page.width < SMALL:
                scale = 0.5
                page = page.resize((page.width * 2, page.height * 2))
                dpi *= 2
            items.extend(ocr_lines(page, name, number, dpi=round(dpi) if dpi >= 70 else None, scale=scale))
    if not any(wordlike(line.text) for line in items):
        raise ExtractionError(f"{name}: no text found: OCR read nothing from the image")
    source = SourceText([], [], scanned=True)
    source.notes.append("read by OCR from an image: check every task against the original")
    assemble(items, source, repair=repair)
    return source


def _grey(image):
    """Greyscale on a white ground: a transparent background must not turn black."""
    from PIL import Image

    if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
        ground = Image.new("RGBA", image.size, "white")
        ground.alpha_composite(image.convert("RGBA"))
        image = ground
    return image.convert("L")


def ocr_lines(image, name: str, page: int, dpi: int | None, scale: float) -> list[Line]:
    """The page's text lines in Tesseract's reading order; boxes multiplied by `scale` (to PDF points)."""
    png = io.BytesIO()
    _grey(image).save(png, "PNG")
    command = ["tesseract", "stdin", "stdout", "-l", LANGUAGE, "--psm", "3"]
    command += ["--dpi", str(dpi)] if dpi else []
    # One thread: Tesseract's OpenMP threads make it about five times slower on this 2-core machine.
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}
    try:
        done = subprocess.run([*command, "tsv"], input=png.getvalue(), capture_output=True, timeout=TIMEOUT,
                              env=env, check=False)
    except FileNotFoundError:
        raise ExtractionError(f"{name}: page {page} is a scan, read by OCR, and Tesseract is not installed: "
                              f"{INSTALL}") from None
    except subprocess.TimeoutExpired:
        raise ExtractionError(f"{name}: OCR of page {page} took more than {TIMEOUT} s") from None
    if done.returncode != 0:
        error = done.stderr.decode("utf-8", "replace").strip()
        if "Failed loading language" in error or "chi_sim" in error:
            raise ExtractionError(f"{name}: Tesseract has no simplified-Chinese data: install the Debian "
                                  f"package tesseract-ocr-chi-sim (make system-deps)")
        reason = error.splitlines()[-1] if error else f"exit status {done.returncode}"
        raise ExtractionError(f"{name}: OCR of page {page} failed ({reason})")
    lines = _lines(done.stdout.decode("utf-8", "replace"), page, scale)
    return [line for line in lines if not furniture(line.text, line.top, image.height * scale)]


def _lines(tsv: str, page: int, scale: float) -> list[Line]:
    words: dict[tuple[str, str, str], list[dict]] = {}
    for row in csv.DictReader(io.StringIO(tsv), delimiter="\t", quoting=csv.QUOTE_NONE):
        # Every word, however unsure: Tesseract gives correct Chinese words confidences as low as 0.
        if row.get("level") == "5" and (row.get("text") or "").strip():
            words.setdefault((row["block_num"], row["par_num"], row["line_num"]), []).append(row)
    lines = []
    for line in words.values():  # dicts keep Tesseract's order: its reading order
        left = min(int(w["left"]) for w in line)
        right = max(int(w["left"]) + int(w["width"]) for w in line)
        top = min(int(w["top"]) for w in line)
        bottom = max(int(w["top"]) + int(w["height"]) for w in line)
        text = join_wrapped([w["text"] for w in line])
        lines.append(Line(text, left * scale, right * scale, top * scale, bottom * scale, page))
    return lines
