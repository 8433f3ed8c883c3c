"""From a file to an ExtractedDocument: reading, metadata (title, year, issue date), layout choice."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

from reformflow.core.hygiene import safe_line, safe_text, unsafe_characters
from reformflow.parsing.clauses import stated_convention
from reformflow.parsing.columns import infer_columns
from reformflow.parsing.confidence import SCANNED, judge
from reformflow.parsing.limits import LIMITS, DocumentLimits
from reformflow.parsing.model import ExtractedDocument, ExtractedTask, Problem
from reformflow.parsing.names import all_agencies, split_units
from reformflow.parsing.prose import parse_prose
from reformflow.parsing.sources import ExtractionError, SourceText, read_source
from reformflow.parsing.tables import header_map, is_table_line, parse_tables, split_cells
from reformflow.parsing.text import clean, repair_mojibake

__all__ = ["ExtractionError", "extract_file", "extract_source", "extract_text"]

_TITLE_END = re.compile(r"(?:方案|清单|意见|计划|措施|通知|办法|要点|规划|台账)(?:（\d{4}—\d{4}年）)?$")
_ISSUED = re.compile(r"^(?:发布时间：)?(\d{4})(?:年|-)(\d{1,2})(?:月|-)(\d{1,2})日?$")
_DOC_NUMBER = re.compile(r"〔(\d{4})〕\d+号")
_ENDS = "方案|清单|意见|计划|措施|通知|办法|要点|规划|台账"
_GLUED_NUMBER = re.compile(rf"^(.{{4,80}}(?:{_ENDS}))[^，。\s〔]{{1,6}}〔(\d{{4}})〕\d+号$")
_NUMBERED = re.compile(r"^(?:[一二三四五六七八九十]+、|（[一二三四五六七八九十]+）|\d+[.．、])")
# Units named once for every item below: `以下政策措施均需各县区人民政府、园区管委会落实，不再单独列出`.
_UNITS_BELOW = re.compile(r"以下[^。；]{0,12}?均(?:需|由|要)([^。；]{2,80}?)(?:负责)?(?:落实|实施)[，；]?"
                          r"(?:均)?不再(?:单独|一一|逐项|重复|另行)?列出")


def _title_line(line: str) -> str:
    """A table row whose cells all say the same thing (a merged title row) counts as that text."""
    if is_table_line(line):
        cells = {cell for cell in split_cells(line) if cell}
        return cells.pop() if len(cells) == 1 else ""
    return line


def _title(lines: list[str]) -> str:
    cleaned = [clean(repair_mojibake(_title_line(line)).text).lstrip("#").strip() for line in lines[:80]]
    cleaned = [line for line in cleaned if line]  # a title broken over two lines may have a blank line between
    # A crawler runs the title and the document's number together: `…的通知国办发〔2020〕43号`.
    cleaned = [_GLUED_NUMBER.sub(r"\1", line) for line in cleaned]
    for index, line in enumerate(cleaned):
        if 4 <= len(line) <= 80 and _TITLE_END.search(line) and "《" not in line and not _NUMBERED.match(line):
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
    if m := _GLUED_NUMBER.search(text.lstrip().split("\n", 1)[0]):  # the title line, with the number run on
        return int(m.group(2))
    return None


def _convention(lines: list[str]) -> str | None:
    """The lead/co rule the document states once (`列第一位者为牵头单位，下同`), in either script."""
    return stated_convention("\n".join(clean(line) for line in lines if "牵头" in line or "牽頭" in line))


def _is_table_document(lines: list[str]) -> bool:
    """A task table: a header row names its columns, or (no header) its cells show numbers, units and measures."""
    rows = [split_cells(line) for line in lines if is_table_line(line) and not line.strip().startswith("|-")]
    return any(header_map(row) for row in rows) or (len(rows) >= 3 and infer_columns(rows, None, None) is not None)


def extract_text(name: str, text: str) -> ExtractedDocument:
    return extract_source(name, SourceText(text.splitlines()))


def extract_source(name: str, source: SourceText) -> ExtractedDocument:
    clean.cache_clear()  # the cache serves one document's repeats; a new document starts afresh
    problems = [Problem(name, None, note) for note in source.notes]  # what the reader could not do
    lines = _safe_lines(name, source.lines, problems)
    title = _title(lines)
    issued_on = _issued_on(lines)
    year = _year(title, "\n".join(clean(line) for line in lines[:60]), issued_on)
    convention = _convention(lines)
    if _is_table_document(lines):
        tasks = parse_tables(name, lines, year, problems, convention)
    else:
        tasks = parse_prose(name, lines, year, convention, problems)
    if not tasks:
        problems.append(Problem(name, None, "no tasks found: neither a task table nor numbered items"))
    for task in tasks if source.scanned else ():  # read by OCR: every task goes to the office's review
        judge(task, [SCANNED])
    _add_units_named_for_all_below(lines, tasks)
    _flag_duplicate_codes(name, tasks, problems)
    for problem in problems:
        if problem.line and source.places:
            problem.where = source.place(problem.line)
    return ExtractedDocument(name, title, year, issued_on, tasks, problems, scanned=source.scanned)


def _safe_lines(name: str, lines: list[str], problems: list[Problem]) -> list[str]:
    """Lines without NUL or control characters, which PostgreSQL, Word and Excel refuse; said once, so the
    office knows the file carried them (a NUL deep inside a text file usually means a damaged copy)."""
    unsafe = [ch for ch in unsafe_characters("\n".join(lines)) if ch != "U+000D"]  # one scan, not one a line
    if unsafe:
        problems.append(Problem(name, None, f"control characters removed (line breaks kept): {', '.join(unsafe)}"))
    return [safe_text(line) for line in lines]


def _add_units_named_for_all_below(lines: list[str], tasks: list[ExtractedTask]) -> None:
    """The document names, once, units that answer for every item after that point; they join those items."""
    for number, line in enumerate(lines, start=1):
        found = _UNITS_BELOW.search(clean(line)) if "不再" in line else None  # cleaning every line costs
        units = split_units(found.group(1)) if found else []
        if not all_agencies(units):
            continue
        for task in tasks:
            if task.line > number:
                task.co_units += [u for u in units if u not in task.co_units and u not in task.lead_units]


def _flag_duplicate_codes(name: str, tasks: list, problems: list[Problem]) -> None:
    seen: dict[str, int] = {}
    for task in tasks:
        if task.code in seen:
            problems.append(Problem(name, task.line, f"task {task.code} appears again (first at line "
                                                     f"{seen[task.code]}); the later one replaces it"))
        seen[task.code] = task.line


def extract_file(path: str | Path, limits: DocumentLimits = LIMITS) -> ExtractedDocument:
    path = Path(path)
    # read_source says clearly what is wrong with a file, and refuses one beyond the limits before parsing it.
    # The name is stored and printed too: a control character in it would reach the terminal and the Word notice.
    return extract_source(safe_line(path.name), read_source(path, limits))
