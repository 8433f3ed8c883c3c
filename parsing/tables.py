"""Ledger tables: markdown rows (from text, Word, Excel or HTML), split across pages, headers repeated, section rows.

A run of table rows is one table. Its columns come from a header row (see columns.py), or, when a page of the
table repeats no header, from the table before it, or from what its cells are. A row whose cells all say the same
thing, or that fills only one cell (`一、知识产权保护方面（共5项）`), is a section: it sets the area of the rows
under it. 所属领域 filled only on the first row of a page carries down.
"""

from __future__ import annotations

import re

from reformflow.parsing.clauses import FIRST_DEFAULT, LABELLED, SINGLE, UnitMention, parse_clause
from reformflow.parsing.columns import header_map, infer_columns
from reformflow.parsing.model import ExtractedTask, Problem
from reformflow.parsing.names import all_agencies, split_units
from reformflow.parsing.task import TaskParts, build_table_task
from reformflow.parsing.text import chinese_numeral, clean, strip_pinyin

__all__ = ["header_map", "is_table_line", "parse_tables", "split_cells"]

_SEPARATOR = re.compile(r"^\|?\s*:?-{2,}")
_BOLD = re.compile(r"<b>(.*?)</b>", re.IGNORECASE | re.DOTALL)
_NUMBERING = re.compile(r"^(?:[一二三四五六七八九十]+、|（[一二三四五六七八九十]+）)")
_COUNT = re.compile(r"（共\s*\d+\s*项）$")
_BREAK = re.compile(r"<br\s*/?>", re.IGNORECASE)
# A 序号 cell that holds the item's own heading: `（一）全面实施行政许可事项清单管理。`.
_HEADED_CODE = re.compile(r"^(?:（([一二三四五六七八九十]+)）|([一二三四五六七八九十]+)、|(\d{1,3})[.．、])(.{4,})$")


def is_table_line(line: str) -> bool:
    return line.lstrip().startswith("|")


def split_cells(line: str) -> list[str]:
    body = line.strip()
    body = body[1:] if body.startswith("|") else body
    body = body[:-1] if body.endswith("|") else body
    return [cell.strip() for cell in body.split("|")]


def _blocks(lines: list[str]) -> list[list[tuple[int, list[str]]]]:
    """Runs of consecutive table rows, each row with its line number."""
    blocks: list[list[tuple[int, list[str]]]] = []
    previous = -1
    for number, line in enumerate(lines, start=1):
        if not is_table_line(line) or _SEPARATOR.match(line.strip()):
            continue
        if previous != number - 1 and not (blocks and _only_blank_between(lines, previous, number)):
            blocks.append([])
        blocks[-1].append((number, split_cells(line)))
        previous = number
    return blocks


def _only_blank_between(lines: list[str], previous: int, number: int) -> bool:
    return all(not line.strip() or _SEPARATOR.match(line.strip()) for line in lines[previous:number - 1])


def _continues(columns: dict[str, int] | None, rows: list[list[str]]) -> bool:
    """A page of the table before it, which repeats no header: as many cells, a number where the number was."""
    if not columns or not rows:
        return False
    width = max(columns.values()) + 1
    numbered = [row for row in rows if len(row) >= width]
    return len(numbered) >= len(rows) / 2 and ("code" not in columns or any(
        row[columns["code"]].strip().isdigit() for row in numbered))


def _section(cells: list[str]) -> str | None:
    """A section row: one text, spanning several cells (merged), or numbered, or alone in the first cell."""
    if len({cell.strip() for cell in cells if cell.strip()}) > 1:
        return None  # the usual task row: several different cells
    cleaned = [clean(cell) for cell in cells]
    filled = {cell for cell in cleaned if cell}
    if len(filled) != 1:
        return None
    text = filled.pop()
    if cleaned.count(text) >= 2 or _NUMBERING.match(text) or (cleaned[0] == text and not text.isdigit()):
        return _COUNT.sub("", _NUMBERING.sub("", text)).strip()
    return None


def parse_tables(name: str, lines: list[str], year: int | None, problems: list[Problem],
                 convention: str | None = None) -> list[ExtractedTask]:
    tasks: list[ExtractedTask] = []
    columns: dict[str, int] | None = None
    for block in _blocks(lines):
        data = [cells for _, cells in block if not header_map(cells)]
        mapped: dict[tuple, dict[str, int]] = {}
        if not any(header_map(cells) for _, cells in block) and not _continues(columns, data):
            columns = infer_columns(data, None, year) or columns
        area: str | None = None
        run: list[ExtractedTask] = []  # consecutive rows under one 序号
        for number, cells in block:
            if header := header_map(cells):
                columns = mapped.setdefault(tuple(cells), infer_columns(data, header, year) or header)
                continue
            if (section := _section(cells)) is not None:
                area, run = section, _number_run(run)
                continue
            if columns is None:
                if len({cell for cell in cells if cell}) >= 3:  # a title row above the header is no problem
                    problems.append(Problem(name, number, "table row before any header row; skipped"))
                continue
            if len(cells) <= max(columns.values()):
                problems.append(Problem(name, number, f"row has {len(cells)} cells, the header has "
                                                      f"{max(columns.values()) + 1}; skipped"))
                continue
            follows = run[0].code if run else None
            task, area = _row_task(name, number, cells, columns, area, year, convention, problems, follows)
            if task:
                run = [*run, task] if task.code == follows else [*_number_run(run), task]
                tasks.append(task)
        _number_run(run)
    return tasks


def _number_run(run: list[ExtractedTask]) -> list[ExtractedTask]:
    """Rows that share one 序号 are the measures of one item (a merged cell, which HTML, Word and Excel repeat on
    every row it spans and a flattened copy leaves blank): they become N.1, N.2 …, as sub-measures do in prose.
    Returns the empty run that starts after it."""
    if len(run) > 1:
        for index, task in enumerate(run, start=1):
            task.code = f"{task.code}.{index}"
    return []


def _code(cell: str) -> tuple[str, str]:
    """The task's number, and the heading a 序号 cell may carry after it (`（一）全面实施…` → `1`, `全面实施…`)."""
    if not (found := _HEADED_CODE.match(cell)):
        return cell, ""
    chinese, listed, digits, heading = found.groups()
    return str(chinese_numeral(chinese or listed) if digits is None else int(digits)), heading.rstrip("。")


def _split_title(cell: str) -> tuple[str, str]:
    bold = _BOLD.search(cell)
    text = clean(cell)
    if bold:
        return clean(bold.group(1)).rstrip("。"), text
    return re.split(r"[。；]", text, maxsplit=1)[0][:60], text


def _unit_cell(raw: str) -> str:
    """A units cell, its lines kept apart: Word and web tables often put one agency on each line of a cell
    (`市行政审批局<br>市司法局`). A line that is no name on its own (a long name wrapped by hand) joins the next."""
    lines = [clean(line) for line in _BREAK.split(raw)]
    text = ""
    for line in filter(None, lines):
        apart = text and all_agencies(split_units(text)[-1:]) and all_agencies(split_units(line)[:1])
        text = f"{text}、{line}" if apart else text + line
    return text


def _units(cell, convention: str | None) -> UnitMention:
    """The units of a row: 牵头单位 and 配合单位 columns as labelled, a 责任单位 column by the convention."""
    lead, co, units = (_unit_cell(cell(f)) for f in ("lead", "co", "units"))
    if lead:
        mention = UnitMention(split_units(lead), split_units(co) + split_units(units), convention=LABELLED)
    else:
        mention = parse_clause(units, convention) or UnitMention(co=split_units(co))
        if co:
            mention.co += [u for u in split_units(co) if u not in mention.co]
        mention.convention = mention.convention or (FIRST_DEFAULT if len(mention.co) else SINGLE)
    mention.co = [unit for unit in mention.co if unit not in mention.lead]
    return mention


def _row_task(name: str, number: int, cells: list[str], columns: dict[str, int], area: str | None,
              year: int | None, convention: str | None, problems: list[Problem],
              follows: str | None) -> tuple[ExtractedTask | None, str | None]:
    def cell(field_name: str) -> str:
        return cells[columns[field_name]] if field_name in columns else ""

    code, heading = _code(clean(cell("code")))
    if not code and follows and clean(cell("text")) and any(clean(cell(f)) for f in ("lead", "units", "deadline")):
        code = follows  # a further measure of the item above, whose merged 序号 cell a copy left blank
    if not code:
        problems.append(Problem(name, number, "row without a 序号; skipped"))
        return None, area
    area = _NUMBERING.sub("", clean(cell("area"))) or area  # an empty cell continues the area above
    title, text = _split_title(cell("text"))
    if named := clean(cell("title")) or heading:
        title, text = named, text if text.startswith(named) else f"{named}：{text}"
    mention = _units(cell, convention)
    parts = TaskParts(name, code, title, area, number, strip_pinyin(cells[columns["text"]]), year)
    task = build_table_task(parts, text, mention, clean(cell("deadline")), problems)
    if not mention.lead:
        problems.append(Problem(name, number, f"task {code}: no lead unit"))
    return task, area
