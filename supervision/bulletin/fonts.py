"""The notice's fonts as the machine that makes its PDF has them: found through fontconfig (what LibreOffice
uses), measured with FreeType (matplotlib's binding), so table columns are as wide as the text really is in that
face."""

from __future__ import annotations

import shutil
import subprocess
import threading
import unicodedata
from functools import lru_cache
from itertools import pairwise

from matplotlib.ft2font import FT2Font, LoadFlags


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


class _Advances:
    """Each character's advance width in em, read from the face the first time it is asked for. A CJK face maps
    45,000 characters and a notice uses a few hundred: reading them all (fontTools' hmtx and cmap) took 0.4 s of
    every process that wrote a notice. The advance is the face's own (hmtx, unscaled, unhinted), the same
    figure for every character of the four default faces."""

    def __init__(self, path: str, index: int) -> None:
        self._face = FT2Font(path, face_index=index)
        self._em = self._face.units_per_EM
        self._widths: dict[str, float] = {}
        self._lock = threading.Lock()  # a FreeType face is not to be used by two threads at once

    def __call__(self, ch: str) -> float:
        width = self._widths.get(ch)
        if width is None:
            with self._lock:
                glyph = self._face.get_char_index(ord(ch))
                advance = self._face.load_glyph(glyph, flags=LoadFlags.NO_SCALE).horiAdvance if glyph else None
            width = advance / self._em if advance is not None else 1.0  # a character the face lacks: one em
            self._widths[ch] = width
        return width


@lru_cache(maxsize=16)
def _advances(family: str) -> _Advances | None:
    found = font_file(family)
    return _Advances(*found) if found else None


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
        width = sum(measured(ch) * size for ch in text)
    changes = sum(_wide(a) != _wide(b) for a, b in pairwise(text))
    return width + changes * size * 0.25
