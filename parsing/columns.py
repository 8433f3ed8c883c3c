"""Which column of a task table holds what: by its header words, and by its content when the header says nothing.

Issuers name columns differently (牵头单位 / 责任单位 / 责任部门 / 主办单位 / 指导部门, 完成时限 / 时间节点 / 完成时间,
改革措施 / 主要内容 / 工作任务 …), so a header word is matched exactly first, then as the start of the cell, then
anywhere in it. A column no header word names is judged by what its cells are: agency names, dates, small
numbers, or the long text of the measure.
"""

from __future__ import annotations

import re

from reformflow.parsing.deadlines import parse_deadline_cell
from reformflow.parsing.names import all_agencies, split_units
from reformflow.parsing.text import clean

# Header words → field, most specific first. `units` is a column of responsible units that does not say who leads.
HEADERS = {
    "code": ("序号", "编号", "序"),
    "area": ("所属领域", "改革领域", "重点领域", "领域", "类别", "板块", "方面"),
    "title": ("任务名称", "事项名称", "举措名称", "改革举措", "项目名称", "名称"),
    "text": ("改革措施", "主要任务", "工作任务", "任务内容", "具体措施", "改革事项", "主要内容", "工作内容", "工作措施",
             "具体内容", "重点任务", "任务措施", "政策措施", "工作举措", "具体举措", "目标任务", "措施", "内容", "任务",
             "举措"),
    "lead": ("牵头单位", "牵头部门", "主办单位", "主责单位", "牵头责任单位", "牵头"),
    "co": ("配合单位", "配合部门", "协办单位", "协办部门", "参与单位", "协同单位", "协同部门", "配合"),
    "units": ("责任单位", "责任部门", "指导部门", "实施单位", "负责单位", "责任主体", "实施主体", "承办单位", "单位",
              "部门"),
    "deadline": ("完成时限", "完成时间", "时间节点", "完成期限", "时间安排", "进度安排", "时间要求", "时限", "时间"),
    "skip": ("推广范围", "适用范围", "推广区域", "备注", "完成情况", "进展情况"),
}
_TASK_FIELDS = {"text", "title"}
_OTHER_FIELDS = {"lead", "co", "units", "deadline"}  # a number and a text alone are any list, not a ledger


def _match(cell: str, how: str) -> str | None:
    for field_name, words in HEADERS.items():
        for word in words:
            if (how == "exact" and cell == word) or (how == "start" and cell.startswith(word)) or (
                    how == "within" and len(cell) <= 12 and word in cell and len(word) >= 2):
                return field_name
    return None


def header_map(cells: list[str]) -> dict[str, int] | None:
    """Column index per field, or None when the row is not a header row."""
    if not cells or cells[0].strip().isdigit():  # a numbered task row: no need to look closer
        return None
    normalised = [re.sub(r"\s+", "", clean(cell)) for cell in cells]
    if any(len(cell) > 20 for cell in normalised):
        return None
    found: dict[str, int] = {}
    for how in ("exact", "start", "within"):
        for index, cell in enumerate(normalised):
            field_name = _match(cell, how) if cell and index not in found.values() else None
            if field_name and field_name not in found:
                found[field_name] = index
    found.pop("skip", None)
    if not (found.keys() & _TASK_FIELDS and found.keys() & _OTHER_FIELDS):
        return None
    if "text" not in found:  # a table with only a name column: the name is the measure
        found["text"] = found.pop("title")
    return found


def _share(cells: list[str], test) -> float:
    filled = [cell for cell in cells if cell]
    return sum(1 for cell in filled if test(cell)) / len(filled) if filled else 0.0


def _is_units(cell: str) -> bool:
    return all_agencies(split_units(cell))


def infer_columns(rows: list[list[str]], columns: dict[str, int] | None, year: int | None) -> dict[str, int] | None:
    """Complete (or find) the column map from the cells: units, deadlines, numbers, the longest text."""
    width = max((len(row) for row in rows), default=0)
    found = dict(columns or {})
    taken = set(found.values())
    by_column = {i: [clean(row[i]) if i < len(row) else "" for row in rows] for i in range(width) if i not in taken}
    if "code" not in found:
        numbered = [i for i, cells in by_column.items() if _share(cells, lambda c: c.isdigit() and len(c) <= 3) > 0.8]
        if numbered:
            found["code"] = numbered[0]
    if not found.keys() & {"lead", "co", "units"}:
        unit_columns = [i for i, cells in by_column.items() if i not in found.values()
                        and _share(cells, _is_units) > 0.6]
        for field_name, index in zip(("units", "co"), unit_columns, strict=False):
            found[field_name] = index
    if "deadline" not in found:
        dated = [i for i, cells in by_column.items() if i not in found.values()
                 and _share(cells, lambda c: len(c) < 30 and parse_deadline_cell(c, year or 2000)) > 0.6]
        if dated:
            found["deadline"] = dated[0]
    if "text" not in found:
        free = [i for i in by_column if i not in found.values()]
        if free:
            found["text"] = max(free, key=lambda i: sum(len(c) for c in by_column[i]))
    if not ({"text"} <= found.keys() and found.keys() & {"lead", "co", "units"}):
        return None
    return found
