"""One task from a measure's text and its unit clause: units, milestones, deadline, convention, confidence."""

from __future__ import annotations

from dataclasses import dataclass

from reformflow.parsing.clauses import UnitMention
from reformflow.parsing.confidence import DEFAULT_LEAD, INHERITED_UNITS, judge
from reformflow.parsing.deadlines import (
    STANDING,
    STANDING_WORDS,
    Deadline,
    find_deadlines,
    find_milestones,
    parse_deadline_cell,
)
from reformflow.parsing.model import ExtractedTask, Milestone, Problem


@dataclass
class TaskParts:
    source: str
    code: str
    title: str
    area: str | None
    line: int
    original: str
    year: int | None


def _deadline(text: str, mention: UnitMention, year: int | None) -> tuple[Deadline | None, list[Milestone]]:
    """The latest of the prose's dated phrases and the date inside the unit clause (`6月底完成`, read like a
    table cell); a clause that says `持续推进` with no date in the prose makes a standing task."""
    milestones = find_milestones(text, year)
    phrases = find_deadlines(text, year)
    cell = parse_deadline_cell(mention.deadline_text, year) if mention.deadline_text else None
    if cell and cell.due:
        phrases.append(cell)
        if not any(m.due == cell.due for m in milestones):
            milestones.append(Milestone(cell.due, mention.deadline_text))
    if phrases:
        return max(phrases, key=lambda d: d.due), milestones
    if cell or STANDING_WORDS[0] in text:  # a clause date that is no date (`持续推进`, `待定`) is kept as said
        return cell or Deadline(None, STANDING_WORDS[0], STANDING), milestones
    return None, milestones


def build_task(parts: TaskParts, text: str, mention: UnitMention | None, problems: list[Problem],
               inherited: bool = False) -> ExtractedTask:
    mention = mention or UnitMention()
    deadline, milestones = _deadline(text, mention, parts.year)
    if not (mention.lead or mention.co):
        problems.append(Problem(parts.source, parts.line, f"task {parts.code}: no responsible units named"))
    task = ExtractedTask(
        source=parts.source, code=parts.code, area=parts.area, title=parts.title, text=text,
        original_text=parts.original, line=parts.line, lead_units=list(mention.lead), co_units=list(mention.co),
        deadline=deadline.due if deadline else None,
        deadline_text=deadline.text if deadline else mention.deadline_text,  # `待定` stays, as a doubt
        deadline_kind=deadline.kind if deadline else None,
        milestones=sorted(milestones, key=lambda m: m.due),
        convention=mention.convention,
    )
    notes = [DEFAULT_LEAD] * mention.assumed + [INHERITED_UNITS] * (inherited and bool(mention.lead or mention.co))
    judge(task, notes)
    return task


def build_table_task(parts: TaskParts, text: str, mention: UnitMention, deadline_cell: str,
                     problems: list[Problem]) -> ExtractedTask:
    """A table row: the 完成时限 cell is the deadline (each date in it a milestone); without one, the measure's text."""
    if not deadline_cell:
        return build_task(parts, text, mention, [])
    deadline = parse_deadline_cell(deadline_cell, parts.year)
    if deadline is None:
        problems.append(Problem(parts.source, parts.line,
                                f"task {parts.code}: deadline '{deadline_cell}' is not a date"))
    milestones = find_milestones(deadline_cell, parts.year) or (
        [Milestone(deadline.due, deadline_cell)] if deadline and deadline.due else [])
    task = ExtractedTask(
        source=parts.source, code=parts.code, area=parts.area, title=parts.title, text=text,
        original_text=parts.original, line=parts.line, lead_units=mention.lead, co_units=mention.co,
        deadline=deadline.due if deadline else None, deadline_text=deadline_cell,
        deadline_kind=deadline.kind if deadline else None, milestones=milestones, convention=mention.convention,
    )
    judge(task, [DEFAULT_LEAD] * mention.assumed)
    return task
