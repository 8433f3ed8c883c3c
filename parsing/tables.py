"""Ledger tables: markdown tables split across pages, headers repeated, 所属领域 filled only once per page."""

from __future__ import annotations

import re

from reformflow.parsing.deadlines import parse_deadline_cell
from reformflow.parsing.model import ExtractedTask, Problem
from reformflow.parsing.text import clean, strip_pinyin
from reformflow.parsing.units import split_units

# Header words → field. The first header that matches a field wins.
COLUMNS = {
    "code": ("序号", "编号"),
    "title": ("任务名称", "事项名称", "任务名"),
    "area": ("所属领域", "领域", "类别"),
    "text": ("改革措施", "主要任务", "工作任务", "任务内容", "具体措施", "改革事项", "任务"),
    "lead": ("牵头单位", "牵头部门"),
    "co": ("责任单位", "配合单位", "协办单位"),
    "deadline": ("完成时限", "完成时间", "时间节点", "时限"),
}
_SEPARATOR = re.compile(r"^\|?\s*:?-{2,}")
_BOLD = re.compile(r"<b>(.*?)</b>", re.IGNORECASE | re.DOTALL)
_NUMBERING = re.compile(r"^[一二三四五六七八九十]+、")


def is_table_line(line: str) -> bool:
    return line.lstrip().startswith("|")


def split_cells(line: str) -> list[str]:
    body = line.strip()
    body = body[1:] if body.startswith("|") else body
    body = body[:-1] if body.endswith("|") else body
    return [cell.strip() for cell in body.split("|")]


def header_map(cells: list[str]) -> dict[str, int] | None:
    """Column index per field, or None when the row is not a header row."""
    if not cells or cells[0].strip().isdigit():  # a numbered task row: no need to look closer
        return None
    found: dict[str, int] = {}
    normalised = [clean(cell) for cell in cells]
    for field_name, words in COLUMNS.items():
        for index, cell in enumerate(normalised):
            if any(cell == word or cell.startswith(word) for word in words) and index not in found.values():
                found[field_name] = index
                break
    return found if {"code", "text"} <= found.keys() else None


def _split_title(cell: str) -> tuple[str, str]:
    bold = _BOLD.search(cell)
    text = clean(cell)
    if bold:
        return clean(bold.group(1)).rstrip("。"), text
    return re.split(r"[。；]", text, maxsplit=1)[0][:60], text


def parse_tables(name: str, lines: list[str], year: int | None, problems: list[Problem]) -> list[ExtractedTask]:
    tasks: list[ExtractedTask] = []
    columns: dict[str, int] | None = None
    area: str | None = None
    for number, line in enumerate(lines, start=1):
        if not is_table_line(line) or _SEPARATOR.match(line.strip()):
            continue
        cells = split_cells(line)
        if header := header_map(cells):
            columns = header
            continue
        if columns is None:
            if len({cell for cell in cells if cell}) >= 3:  # a title row above the header is no problem
                problems.append(Problem(name, number, "table row before any header row; skipped"))
            continue
        if len(cells) <= max(columns.values()):
            problems.append(Problem(name, number, f"row has {len(cells)} cells, the header has "
                                                  f"{max(columns.values()) + 1}; skipped"))
            continue
        task, area = _row_task(name, number, cells, columns, area, year, problems)
        if task:
            tasks.append(task)
    return tasks


def _row_task(name: str, number: int, cells: list[str], columns: dict[str, int], area: str | None,
              year: int | None, problems: list[Problem]) -> tuple[ExtractedTask | None, str | None]:
    def cell(field_name: str) -> str:
        return cells[columns[field_name]] if field_name in columns else ""

    code = clean(cell("code"))
    if not code:
        problems.append(Problem(name, number, "row without a 序号; skipped"))
        return None, area
    area = _NUMBERING.sub("", clean(cell("area"))) or area  # an empty cell continues the area above
    title, text = _split_title(cell("text"))
    title = clean(cell("title")) or title
    lead, co = split_units(clean(cell("lead"))), split_units(clean(cell("co")))
    co = [unit for unit in co if unit not in lead]
    deadline_cell = clean(cell("deadline"))
    deadline = parse_deadline_cell(deadline_cell, year)
    if deadline_cell and deadline is None:
        problems.append(Problem(name, number, f"task {code}: deadline '{deadline_cell}' is not a date"))
    if not lead:
        problems.append(Problem(name, number, f"task {code}: no lead unit"))
    return ExtractedTask(
        source=name, code=code, area=area, title=title, text=text,
        original_text=strip_pinyin(cells[columns["text"]]), line=number,
        lead_units=lead, co_units=co,
        deadline=deadline.due if deadline else None,
        deadline_text=deadline_cell or None,
        deadline_kind=deadline.kind if deadline else None,
    ), area
