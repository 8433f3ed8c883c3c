"""Deadlines: `2020年6月底` → 2020-06-30, `6月底前` with the document's year, `长期坚持` → standing.

Input is text already cleaned (simplified, no stray spaces). Durations (`14个工作日内`, `1天办结`) and
issue dates (`2022年1月29日` without `前`) never match.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date

EXPLICIT, INFERRED, STANDING, INHERITED = "explicit", "inferred", "standing", "inherited"
STANDING_WORDS = ("长期坚持", "持续推进", "长期推进")

_FULL = re.compile(r"(?P<y>\d{4})年(?:(?P<m>\d{1,2})月(?:(?P<d>\d{1,2})日|(?P<end>底+|末))?|(?P<yend>底|末))")
_YEARLESS = re.compile(r"(?<![\d年])(?P<m>\d{1,2})月(?:(?P<d>\d{1,2})日|底+|末)?")
_BY = "(?:前|以前|之前)"


@dataclass(frozen=True)
class Deadline:
    due: date | None
    text: str
    kind: str  # explicit | inferred | standing | inherited


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _to_date(match: re.Match, year: int) -> date | None:
    groups = match.groupdict()
    if groups.get("yend"):
        return date(year, 12, 31)
    month = int(groups["m"]) if groups.get("m") else 12
    if not 1 <= month <= 12:
        return None
    if groups.get("d"):
        try:
            return date(year, month, int(groups["d"]))
        except ValueError:
            return None
    return _month_end(year, month)


def parse_deadline_cell(cell: str, year: int | None) -> Deadline | None:
    """A 完成时限 cell: anything date-like in it is the deadline (`2020年1月` means by the end of January)."""
    cell = cell.strip()
    if not cell:
        return None
    if any(word in cell for word in STANDING_WORDS):
        return Deadline(None, cell, STANDING)
    found = [(m, _to_date(m, int(m.group("y")))) for m in _FULL.finditer(cell)]
    found = [(m, due) for m, due in found if due]
    if found:
        return Deadline(max(due for _, due in found), cell, EXPLICIT)
    yearless = _YEARLESS.search(cell)
    if yearless and year:
        due = _to_date(yearless, year)
        return Deadline(due, cell, INFERRED) if due else None
    return None


_PROSE_FULL = re.compile(rf"(?:到|于|在)?{_FULL.pattern}{_BY}?")
_PROSE_YEARLESS = re.compile(rf"{_YEARLESS.pattern}{_BY}")


def find_deadline(text: str, year: int | None) -> Deadline | None:
    """A deadline stated in prose: `2022年底前`, `到2020年底`, `9月底前,…`. The latest one wins."""
    if any(word in text for word in STANDING_WORDS[:1]):
        return Deadline(None, STANDING_WORDS[0], STANDING)
    candidates = find_deadlines(text, year)
    return max(candidates, key=lambda d: d.due) if candidates else None


def find_deadlines(text: str, year: int | None) -> list[Deadline]:
    """Every `by`-phrase in the text, in order."""
    candidates: list[Deadline] = []
    for m in _PROSE_FULL.finditer(text):
        by_phrase = m.group().startswith("到") or m.group().endswith(("前", "以前", "之前"))
        due = _to_date(m, int(m.group("y")))
        if by_phrase and due:
            candidates.append(Deadline(due, m.group(), EXPLICIT))
    for m in _PROSE_YEARLESS.finditer(text):
        due = _to_date(m, year) if year else None
        if due:
            candidates.append(Deadline(due, m.group(), INFERRED))
    return candidates
