"""Deadlines: `2020年6月底` → 2020-06-30, `6月底前` with the document's year, `长期坚持` → standing.

Input is text already cleaned (simplified, no stray spaces). A task may state several dated phrases
(`年底前完成…，明年6月底前实现…`): each is a milestone and the deadline is the latest. Spans (`5年内`), processing
limits (`14个工作日内办结`), start dates (`自2020年1月1日起`), edition years (`2020年版`) and issue dates
(`2022年1月29日印发`) are not deadlines.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date

from reformflow.parsing.model import Milestone

EXPLICIT, INFERRED, STANDING, INHERITED = "explicit", "inferred", "standing", "inherited"
STANDING_WORDS = ("长期坚持", "持续推进", "长期推进")

_FULL = re.compile(r"(?P<y>\d{4})年(?:(?P<m>\d{1,2})月(?:(?P<d>\d{1,2})日|(?P<end>底+|末))?|(?P<yend>底|末))")
_YEARLESS = re.compile(r"(?<![\d年])(?P<m>\d{1,2})月(?:(?P<d>\d{1,2})日|底+|末)?")
_BY = "(?:前|以前|之前)"
# A dated phrase of a task: `到2020年底`, `2022年10月底前`, `明年6月底前`, `年底前`, `上半年`, `三季度末`, `2025年前`.
_PHRASE = re.compile(
    r"(?=[到于在至]?(?:\d{4}年|今年|本年|当年|明年|次年|年[底末]|\d{1,2}月|[一二三四1-4]季度|[上下]半年))"
    r"(?P<to>到|于|在|至)?(?:(?P<y>\d{4})年|(?P<rel>今年|本年|当年|明年|次年|(?<![每逐近两三四五十\d])年(?=[底末])))?"
    r"(?:(?P<m>\d{1,2})月(?:(?P<d>\d{1,2})日|(?P<end>底+|末|中旬|下旬|上旬))?|(?P<yend>底|末)"
    rf"|(?P<half>上半年|下半年)|(?P<q>[一二三四1-4])季度(?:末)?)?(?P<by>{_BY}|完成|起)?"
)
_NOT_BEFORE = re.compile(r"(?:自|从|截至|截止|截止到|每|每个|逐|每年|每季度|每月)$")
_QUARTER = {"一": 3, "二": 6, "三": 9, "四": 12, "1": 3, "2": 6, "3": 9, "4": 12}


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
    if groups.get("half"):
        return date(year, 6, 30) if groups["half"] == "上半年" else date(year, 12, 31)
    if groups.get("q"):
        return _month_end(year, _QUARTER[groups["q"]])
    month = int(groups["m"]) if groups.get("m") else 12
    if not 1 <= month <= 12:
        return None
    if groups.get("d"):
        try:
            return date(year, month, int(groups["d"]))
        except ValueError:
            return None
    if groups.get("end") in ("上旬", "中旬"):
        return date(year, month, 10 if groups["end"] == "上旬" else 20)
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
    if (phrases := find_deadlines(cell, year)) or (phrases := _bare_years(cell)):
        return Deadline(max(d.due for d in phrases), cell, phrases[-1].kind)
    yearless = _YEARLESS.search(cell)
    if yearless and year:
        due = _to_date(yearless, year)
        return Deadline(due, cell, INFERRED) if due else None
    return None


def _bare_years(cell: str) -> list[Deadline]:
    """A cell that is only a year (`2023年`, `2023年内`): by its end."""
    m = re.fullmatch(r"(\d{4})年(?:内|全年|年内)?(?:完成)?", cell)
    return [Deadline(date(int(m.group(1)), 12, 31), cell, EXPLICIT)] if m else []


def find_deadline(text: str, year: int | None) -> Deadline | None:
    """A deadline stated in prose: `2022年底前`, `到2020年底`, `9月底前,…`. The latest one wins."""
    if any(word in text for word in STANDING_WORDS[:1]):
        return Deadline(None, STANDING_WORDS[0], STANDING)
    candidates = find_deadlines(text, year)
    return max(candidates, key=lambda d: d.due) if candidates else None


def _deadline(m: re.Match, text: str, year: int | None) -> Deadline | None:
    """One match of _PHRASE as a deadline, or None when it is not a `by`-phrase or not a date."""
    g = m.groupdict()
    dated = g["m"] or g["yend"] or g["half"] or g["q"]
    if not (g["y"] or g["rel"] or g["m"] or ((g["q"] or g["half"]) and g["by"])):
        return None  # `底前` alone: no year word, too vague
    before = text[max(0, m.start() - 4):m.start()] + (g["to"] or "")
    if g["to"] == "至" and re.search(r"[日月年底]$", before[:-1]):
        return None  # `2019年1月1日至12月31日`: the end of a policy window, not a deadline
    if g["by"] == "起" or _NOT_BEFORE.search(before) or (g["to"] == "于" and g["by"] != "前"):
        return None
    if not dated:
        return None  # `到2025年` is a plan's horizon, `2020年版` an edition, `2019年将…` a year: none is a deadline
    if not (g["to"] in ("到", "至", "在") or g["by"] or g["end"] in ("底", "末") or g["yend"]):
        return None  # `2022年1月29日印发`: a date, not a deadline
    base = int(g["y"]) if g["y"] else year
    if base is None:
        return None
    if g["rel"] in ("明年", "次年"):
        base += 1
    due = _to_date(m, base)
    if due is None:
        return None
    return Deadline(due, m.group(), EXPLICIT if g["y"] else INFERRED)


def find_deadlines(text: str, year: int | None) -> list[Deadline]:
    """Every `by`-phrase in the text, in order."""
    found = []
    for m in _PHRASE.finditer(text):
        if m.group() and (deadline := _deadline(m, text, year)):
            found.append(deadline)
    return found


_CLAUSE_END = re.compile(r"[，。；！？\n]")


def find_milestones(text: str, year: int | None) -> list[Milestone]:
    """Each dated phrase with the words it governs (`年底前完成系统改造`), in the order the text gives them."""
    milestones: list[Milestone] = []
    for m in _PHRASE.finditer(text):
        if not m.group() or not (deadline := _deadline(m, text, year)):
            continue
        end = _CLAUSE_END.search(text, m.end())
        phrase = text[m.start():end.start() if end else len(text)].lstrip("到于在至")
        if not any(item.due == deadline.due and item.text == phrase for item in milestones):
            milestones.append(Milestone(deadline.due, phrase[:60]))
    return milestones
