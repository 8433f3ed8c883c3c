"""Positioned text lines (from a PDF's text layer or from OCR) put back into paragraphs.

A page breaks a paragraph into lines at the right margin; the task parsers expect one paragraph a line, as a
pasted text gives. A line that reaches (nearly) the right margin continues into the next one unless the next is
indented (the first line of a Chinese paragraph is indented two characters), starts with an item number, or lies
further below than the line spacing.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from statistics import median

_CJK = "\u2e80-\u9fff\uf900-\ufaff\u3000-\u303f\uff00-\uffef"  # ideographs, CJK punctuation, full-width forms
_CJK_CHAR = re.compile(rf"[{_CJK}]")
_GAP_IN_CJK = re.compile(rf"(?<=[{_CJK}])[ \t\u00a0]+(?=[{_CJK}])")
_NUMBERED = re.compile(r"^(?:[一二三四五六七八九十百]+[、.．]|[（(][一二三四五六七八九十百\d]{1,3}[)）]"
                       r"|\d{1,3}[.．、](?!\d)|[①-⑳]|第[一二三四五六七八九十百\d]+[条章节])")
_SENTENCE_END = ("。", "！", "？", "；", "：", "!", "?", ";", ":")
# `- 3 -`, `— 3 —` (OCR reads the dashes as `一`), `第3页 共9页`, `3/9`: page furniture, not text, when it
# stands in the top or bottom tenth of the page.
PAGE_NUMBER = re.compile(r"^[\s\-—–－一]*(?:\d{1,4}|第\s*\d+\s*页(?:\s*[，,/]?\s*共\s*\d+\s*页)?|\d+\s*/\s*\d+)"
                         r"[\s\-—–－一]*$")


def furniture(text: str, top: float, page_height: float) -> bool:
    return bool(PAGE_NUMBER.match(text)) and not 0.1 * page_height < top < 0.9 * page_height


@dataclass
class Line:
    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    page: int

    @property
    def height(self) -> float:
        return self.bottom - self.top


def tidy(text: str) -> str:
    """No spaces between Chinese characters: a PDF's spacing and Tesseract both put them there."""
    return _GAP_IN_CJK.sub("", " ".join(text.split()))


def spaced(left: str, right: str) -> bool:
    """Whether two lines of one paragraph join with a space: only between Latin words, never at Chinese."""
    return not (_CJK_CHAR.match(left) or _CJK_CHAR.match(right) or left in "+-/(\"'" or right in "+-/)\"',.;:!?")


def join_wrapped(parts: list[str]) -> str:
    """Lines of one paragraph or table cell as one text."""
    text = ""
    for part in (p.strip() for p in parts):
        if part:
            text += (" " if text and spaced(text[-1], part[0]) else "") + part
    return text


@dataclass
class Margins:
    left: float
    right: float
    em: float  # the body text's size: the unit of indents and gaps

    @classmethod
    def of(cls, lines: list[Line]) -> Margins:
        if not lines:
            return cls(0.0, 0.0, 1.0)
        rights = sorted(line.x1 for line in lines)
        return cls(left=min(line.x0 for line in lines), right=rights[int(0.9 * (len(rights) - 1))],
                   em=max(median(line.height for line in lines), 1.0))


def continues(previous: Line, line: Line, margins: Margins) -> bool:
    """Whether `line` carries on the paragraph that `previous` ends."""
    # A line that stops short ended its paragraph. Short by up to two characters is still a full line: a closing
    # mark may not start a line, so `局、` moves down whole and leaves a ragged right edge.
    short = margins.right - previous.x1
    if short > 2.5 * margins.em or (short > margins.em and previous.text.endswith(_SENTENCE_END)):
        return False
    if line.x0 > margins.left + margins.em or _NUMBERED.match(line.text):
        return False
    return line.page != previous.page or line.top - previous.bottom <= 1.5 * margins.em


@dataclass
class Table:
    rows: list[list[str]]
    page: int
    top: float = 0.0


def assemble(items: list[Line | Table], source, repair: Callable[[str], str] | None = None) -> None:
    """Append paragraphs and table rows, in reading order, to `source` (a SourceText), each with its place;
    `repair` undoes OCR's typical misreadings in each paragraph and cell."""
    from reformflow.parsing.sources import markdown_row

    lines = [item for item in items if isinstance(item, Line)]
    margins = Margins.of(lines)
    paragraph: list[Line] = []
    tables = 0
    repair = repair or (lambda text: text)

    def flush() -> None:
        if paragraph:
            source.lines.append(repair(tidy(join_wrapped([line.text for line in paragraph]))))
            source.places.append(f"page {paragraph[0].page}")
            paragraph.clear()

    for item in items:
        if isinstance(item, Line):
            if paragraph and not continues(paragraph[-1], item, margins):
                flush()
            paragraph.append(item)
            continue
        flush()
        tables += 1
        for number, row in enumerate(item.rows, start=1):
            source.lines.append(markdown_row([repair(tidy(cell)) for cell in row]))
            source.places.append(f"page {item.page} table {tables} row {number}")
    flush()
