"""Text repair: the damage real documents arrive with, undone without dropping text.

Order matters: mojibake is repaired on the raw line (it needs the original code points), pinyin
annotations are removed next, then markup, then script conversion and punctuation.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import opencc

_TONED = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü"
# A reading is lowercase pinyin with at least one tone mark: "(qū)". "(RCEP)" or "(B-READY)" never match.
PINYIN = re.compile(rf"\([a-z{_TONED}]*[{_TONED}][a-z{_TONED}]*\)")
# A `?` that swallowed the opening byte of what follows: `?chuàng)` (a reading) or `?/strong>` (a tag).
_ORPHAN_READING = re.compile(rf"\?(?:[a-z{_TONED}]*[{_TONED}][a-z{_TONED}]*\)|/?[a-z]+>)")
MARKUP = re.compile(r"</?(?:b|strong|br|p|span|em|i|u)\s*/?>", re.IGNORECASE)
CJK = r"\u3000-\u303f\u3400-\u9fff\uff00-\uffef"
_SPACE_NEAR_CJK = re.compile(rf"(?<=[{CJK}])[ \t\u00a0]+|[ \t\u00a0]+(?=[{CJK}])")
LOST = "□"  # stands for characters whose bytes are gone for good; never a silent drop
NUMERALS = "一二三四五六七八九十"


@lru_cache(maxsize=1)
def _t2s() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


def to_simplified(text: str) -> str:
    return _t2s().convert(text)


def strip_pinyin(text: str) -> str:
    return PINYIN.sub("", text)


def strip_markup(text: str) -> str:
    return MARKUP.sub("", text)


# One translation table: full-width digits and letters to ASCII, ASCII brackets and marks to Chinese ones.
_TRANSLATE = str.maketrans({
    **{chr(code): chr(code - 0xFEE0) for code in (*range(0xFF10, 0xFF1A), *range(0xFF21, 0xFF3B),
                                                   *range(0xFF41, 0xFF5B))},
    "(": "（", ")": "）", ";": "；", "!": "！", "?": "？",
})
# "1,000" and "9:00" keep their ASCII marks; a comma or colon anywhere else is Chinese punctuation.
_COMMA_COLON = re.compile(r"(?<!\d)[,:]|[,:](?!\d)")


def normalise(text: str) -> str:
    """Canonical punctuation (full-width in Chinese prose, ASCII digits and letters), no stray spaces."""
    text = text.translate(_TRANSLATE)
    text = _COMMA_COLON.sub(lambda m: "，" if m.group() == "," else "：", text)
    text = _SPACE_NEAR_CJK.sub("", text)
    return text.replace("\u3000", "").strip()


@lru_cache(maxsize=8192)  # a ledger repeats its headers, unit cells and areas on every page
def clean(text: str) -> str:
    """The full repair for a piece of text already free of mojibake: what is stored and displayed."""
    return normalise(to_simplified(strip_markup(strip_pinyin(text))))


@dataclass(frozen=True)
class RepairedLine:
    text: str
    repaired: bool = False  # the line carried GBK frame-shift mojibake
    number: int | None = None  # the "（N）" heading number, when it survived the damage
    lost: bool = False  # some characters could not be recovered


_HEADING_NUMBER = re.compile(rf"^\s*（([{NUMERALS}]+)）")
_GARBLED_NUMBER = re.compile(r"^\s*（[^（）]{1,3}）")


def chinese_numeral(text: str) -> int | None:
    """一 → 1, 十二 → 12, 三十一 → 31; None for anything else."""
    if not text or any(ch not in NUMERALS for ch in text):
        return None
    if "十" not in text:
        return NUMERALS.index(text) + 1 if len(text) == 1 else None
    tens, _, units = text.partition("十")
    value = (NUMERALS.index(tens) + 1 if tens else 1) * 10
    return value + (NUMERALS.index(units) + 1 if units else 0)


def _gbk_bytes(ch: str, raw: bool = False) -> bytes:
    # The damaged text was later normalised to half-width: "Ｗ" became "W". Undo that before re-encoding,
    # except for an ASCII byte that really was one (a trail byte that put the decoder back in frame).
    if ch.isascii() and ch.isalnum() and not raw:
        ch = chr(ord(ch) + 0xFEE0)
    return ch.encode("gb18030")


def _decode_shifted(run: str, resync: int) -> str:
    """Re-encode run[:resync], restore the lost lead byte 0xA1, decode again; the rest of run is intact."""
    data = b"".join(_gbk_bytes(ch, raw=index == resync - 1 and ch.isascii()) for index, ch in enumerate(run[:resync]))
    return (b"\xa1" + data).decode("gb18030", "replace") + run[resync:]


def _unlikely(text: str, vocabulary: frozenset[str]) -> int:
    """How implausible a repair is: characters the rest of the document never uses, and lost bytes."""
    return sum(2 if ch == "\ufffd" else 0 if ch.isascii() or ch in vocabulary else 1 for ch in text)


def repair_mojibake(line: str, vocabulary: frozenset[str] = frozenset()) -> RepairedLine:
    """Undo GBK bytes read one byte out of frame, as in `?。ㄒ唬┲笇?dǎo)思想`.

    The damaged run starts after the leading `?` and ends at the next `?` (a byte pair that did not decode),
    at a pinyin reading, or at an ASCII byte that put the decoder back in frame. Each possible end is tried;
    the repair whose characters the rest of the document (`vocabulary`) uses most wins.
    """
    stripped = line.strip()
    if not stripped.startswith("?") or len(stripped) < 2 or stripped[1].isascii():
        return RepairedLine(line)
    damaged = stripped[1:]
    end = damaged.find("?")
    end = len(damaged) if end < 0 else end
    reading = PINYIN.search(damaged)
    if reading and reading.start() < end:
        end = reading.start()
    run, rest = damaged[:end], damaged[end:]
    if rest.startswith("?"):
        # The `?` swallowed the `(` of a reading: `?chuàng)` stands for one lost character.
        orphan = _ORPHAN_READING.match(rest)
        rest = LOST + rest[orphan.end() if orphan else 1:]
    candidates = [end] + [i + 1 for i, ch in enumerate(run) if ch.isascii() and i + 1 < end]
    decoded = min((_decode_shifted(run, k) for k in candidates), key=lambda d: _unlikely(d, vocabulary))
    decoded = decoded.replace("\ufffd", LOST).lstrip("\u3000 ")
    match = _HEADING_NUMBER.match(decoded)
    number = chinese_numeral(match.group(1)) if match else None
    if not match:  # the number is garbled; keep the title after a closing bracket if one survived
        bracket = _GARBLED_NUMBER.match(decoded)
        decoded = LOST + (decoded[bracket.end():] if bracket else "")
    text = re.sub(f"{LOST}+", LOST, decoded + rest)
    return RepairedLine(text, repaired=True, number=number, lost=LOST in text or not match)
