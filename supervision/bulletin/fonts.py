"""The notice's fonts as the machine that makes its PDF has them: found through fontconfig (what LibreOffice
uses), measured with fontTools, so table columns are as wide as the text really is in that face."""

from __future__ import annotations

import shutil
import subprocess
import unicodedata
from functools import lru_cache
from itertools import pairwise

from fontTools.ttLib import TTFont


@lru_cache(maxsize=16)
def font_file(family: str) -> tuple[str, int] | None:
    """The file and face index fontconfig uses for `family`, or None when only a substitute is installed."""
    if not shutil.which("fc-match"):
        return None
    result = subprocess.run(["fc-match", "-f", "%{family}\n%{file}\n%{index}", family], capture_output=True,
                            text=True, timeout=30, check=False)
    lines = result.stdout.splitlines()
    if result.returncode or len(lines) < 3 or family.casefold() not in lines[0].casefold().split(","):
        return None
    return lines[1], int(lines[2] or 0)


def missing(families: list[str]) -> list[str]:
    return [family for family in dict.fromkeys(families) if font_file(family) is None]


@lru_cache(maxsize=16)
def _advances(family: str) -> tuple[dict[int, float], float] | None:
    """Each character's advance width in em, and the face's width for a character it lacks."""
    found = font_file(family)
    if found is None:
        return None
    face = TTFont(found[0], fontNumber=found[1], lazy=True)
    units = face["head"].unitsPerEm
    metrics = face["hmtx"].metrics
    widths = {code: metrics[glyph][0] / units for code, glyph in face.getBestCmap().items() if glyph in metrics}
    return widths, 1.0


def _wide(ch: str) -> bool:
    return unicodedata.east_asian_width(ch) in "WF"


def text_width(text: str, size: float, family: str | None = None) -> float:
    """Width in points. Without the face (an office's own font not installed here): CJK characters and
    full-width punctuation one em, anything else 0.6 em, a little generous so nothing wraps that should not.
    Word and LibreOffice add about a fifth of an em where Chinese meets Latin letters or digits (2020年6月)."""
    measured = _advances(family) if family else None
    if measured is None:
        width = sum(size if _wide(ch) else size * 0.6 for ch in text)
    else:
        widths, fallback = measured
        width = sum(widths.get(ord(ch), fallback) * size for ch in text)
    changes = sum(_wide(a) != _wide(b) for a, b in pairwise(text))
    return width + changes * size * 0.25
