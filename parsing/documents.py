"""From a file to an ExtractedDocument: reading, metadata (title, year, issue date), layout choice."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

from reformflow.parsing.model import ExtractedDocument, Problem
from reformflow.parsing.prose import parse_prose
from reformflow.parsing.sources import ExtractionError, SourceText, read_source
from reformflow.parsing.tables import header_map, is_table_line, parse_tables, split_cells
from reformflow.parsing.text import clean, repair_mojibake

__all__ = ["ExtractionError", "extract_file", "extract_source", "extract_text"]

_TITLE_END = re.compile(r"(?:方案|清单|意见|计划|措施|通知|办法|要点|规划|台账)(?:（\d{4}—\d{4}年）)?$")
_ISSUED = re.compile(r"^(?:发布时间：)?(\d{4})(?:年|-)(\d{1,2})(?:月|-)(\d{1,2})日?$")
_DOC_NUMBER = re.compile(r"〔(\d{4})〕\d+号")


def _title_line(line: str) -> str:
    """A table row whose cells all say the same thing (a merged title row) counts as that text."""
    if is_table_line(line):
        cells = {cell for cell in split_cells(line) if cell}
        return cells.pop() if len(cells) == 1 else ""
    return line


def _title(lines: list[str]) -> str:
    cleaned = [clean(repair_mojibake(_title_line(line)).text).lstrip("#").strip() for line in lines[:80]]
    for index, line in enumerate(cleaned):
        if 4 <= len(line) <= 60 and _TITLE_END.search(line) and "《" not in line:
            previous = cleaned[index - 1] if index else ""
            # A title broken over two lines: the first half is short and has no punctuation.
            if previous and 6 <= len(previous) <= 30 and not re.search(r"[。，：；、]", previous) \
                    and not _ISSUED.match(previous) and "政府" not in previous[-4:]:
                return previous + line
            return line
    return next((line for line in cleaned if line), "")


def _issued_on(lines: list[str]) -> date | None:
    for line in lines[:40]:
        if m := _ISSUED.match(clean(line)):
            try:
                return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
            except ValueError:
                continue
    return None


def _year(title: str, text: str, issued_on: date | None) -> int | None:
    """The year a yearless deadline (`6月底前`) belongs to: title, then issue date, then 文号."""
    if m := re.search(r"(\d{4})(?:—\d{4})?年", title):
        return int(m.group(1))
    if issued_on:
        return issued_on.year
    # Only the document's own number counts, on a line of its own; cited documents carry others.
    if m := re.search(rf"^\S{{0,8}}{_DOC_NUMBER.pattern}$", text, re.MULTILINE):
        return int(m.group(1))
    return None


def _is_table_document(lines: list[str]) -> bool:
    return any(is_table_line(line) and header_map(split_cells(line)) for line in lines)


def extract_text(name: str, text: str) -> ExtractedDocument:
    return extract_source(name, SourceText(text.splitlines()))


def extract_source(name: str, source: SourceText) -> ExtractedDocument:
    lines = source.lines
    title = _title(lines)
    issued_on = _issued_on(lines)
    year = _year(title, "\n".join(clean(line) for line in lines[:60]), issued_on)
    problems: list[Problem] = []
    if _is_table_document(lines):
        tasks = parse_tables(name, lines, year, problems)
    else:
        lead_before_comma = any("逗号前为牵头单位" in clean(line) for line in lines)
        tasks = parse_prose(name, lines, year, lead_before_comma, problems)
    if not tasks:
        problems.append(Problem(name, None, "no tasks found: neither a task table nor numbered items"))
    _flag_duplicate_codes(name, tasks, problems)
    for problem in problems:
        if problem.line and source.places:
            problem.where = source.place(problem.line)
    return ExtractedDocument(name, title, year, issued_on, tasks, problems)


def _flag_duplicate_codes(name: str, tasks: list, problems: list[Problem]) -> None:
    seen: dict[str, int] = {}
    for task in tasks:
        if task.code in seen:
            problems.append(Problem(name, task.line, f"task {task.code} appears again (first at line "
                                                     f"{seen[task.code]}); the later one replaces it"))
        seen[task.code] = task.line


def extract_file(path: str | Path) -> ExtractedDocument:
    path = Path(path)
    return extract_source(path.name, read_source(path))
