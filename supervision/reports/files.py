"""Report files: the Excel sheet a unit fills (`reports template`), and reading filled sheets or CSV files.

Headers may be the English column names (`source, code, unit, status, progress, note, reported_at`) or the
Chinese ones the template writes; columns the template adds for reading (任务名称, 职责, 完成时限) are ignored.
"""

from __future__ import annotations

import csv
import stat
from datetime import date, datetime
from itertools import islice
from pathlib import Path

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.worksheet.datavalidation import DataValidation
from sqlmodel import Session, select

from reformflow.core.hygiene import safe_line, safe_text
from reformflow.models import STATUS_LABELS, Assignment, Document, Task, Unit
from reformflow.parsing import LIMITS, ExtractionError
from reformflow.parsing.limits import check_ooxml
from reformflow.parsing.workbook import append_text_row

HEADERS = {"source": "文件", "code": "序号", "unit": "单位", "status": "状态", "progress": "进度",
           "note": "进展情况", "reported_at": "报送日期"}
# Optional columns: an extension request (申请延期) names the date asked for and why.
OPTIONAL = {"requested_deadline": "申请延期至", "problems": "存在问题"}
INFO = ("任务名称", "职责", "完成时限")
COLUMN_LABELS = HEADERS | OPTIONAL  # the column names an office reads in errors
_BY_HEADER = {**{k: k for k in HEADERS | OPTIONAL}, **{v: k for k, v in (HEADERS | OPTIONAL).items()}}


# A unit's sheet has one row per task and report: a few hundred. A larger file is a mistake (or worse).
MAX_ROWS = 20_000
MAX_BYTES = 20 * 2**20
_MULTILINE = ("note", "problems")


class ReportFileError(ValueError):
    pass


def write_template(unit: Unit, period: str, path: Path, *, session: Session) -> Path:
    rows = session.exec(select(Assignment, Task, Document).join(Task, Task.id == Assignment.task_id)
                        .join(Document, Document.id == Task.document_id)
                        .where(Assignment.unit_id == unit.id, Task.removed_at.is_(None))
                        .order_by(Document.source, Task.id)).all()
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = period
    header = ["文件", "序号", *INFO, "单位", "状态", "进度", "进展情况", "报送日期", *OPTIONAL.values()]
    sheet.append(header)
    for cell in sheet[1]:
        cell.font, cell.fill = Font(bold=True), PatternFill("solid", fgColor="DDEBF7")
    for assignment, task, document in rows:
        append_text_row(sheet, [document.source, task.code, task.title, "牵头" if assignment.role == "lead" else "配合",
                      task.due.isoformat() if task.due else "未规定", unit.name, "", None, "", "", "", ""])
    last = max(2, sheet.max_row)
    status = DataValidation(type="list", formula1='"' + ",".join(STATUS_LABELS.values()) + '"', allow_blank=True)
    progress = DataValidation(type="whole", operator="between", formula1="0", formula2="100", allow_blank=True)
    sheet.add_data_validation(status)
    sheet.add_data_validation(progress)
    status.add(f"G2:G{last}")
    progress.add(f"H2:H{last}")
    for column, width in zip("ABCDEFGHIJKL", (26, 6, 36, 6, 12, 18, 10, 6, 50, 12, 12, 30), strict=True):
        sheet.column_dimensions[column].width = width
    sheet.freeze_panes = "A2"
    path.parent.mkdir(parents=True, exist_ok=True)
    workbook.save(path)
    return path


def _text(value: object) -> str:
    if isinstance(value, datetime | date):
        return value.date().isoformat() if isinstance(value, datetime) else value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return "" if value is None else str(value).strip()


def read_rows(path: Path) -> list[tuple[str, dict[str, str]]]:
    """(where, values) per filled row: `第3行` for CSV, `工作表 2020-06 第3行` for Excel. Text comes out safe to
    store (no NUL or control characters: a line break pasted from Word stays a line break in 进展情况)."""
    _check_file(path)
    try:
        if path.suffix.lower() == ".xlsx":
            return _xlsx_rows(path)
        return _rows(path.name, "", _csv_table(path))
    except ReportFileError:
        raise
    except (OSError, UnicodeDecodeError, ValueError, KeyError) as exc:
        raise ReportFileError(f"{path.name}：无法读取：{exc}") from exc


def _csv_table(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.reader(handle)
        try:
            return list(islice(reader, MAX_ROWS + 2))  # one more than allowed: enough to know it is too long
        except csv.Error as exc:  # a field longer than csv's limit, a broken quote
            raise ReportFileError(f"{path.name} 第{reader.line_num}行：无法读取：{exc}") from exc


def _check_file(path: Path) -> None:
    """A regular file of a report's size: a FIFO would block the import, a device never end."""
    try:
        info = path.stat()
    except OSError as exc:
        raise ReportFileError(f"{path.name}：无法读取：{exc.strerror}") from exc
    if not stat.S_ISREG(info.st_mode):
        raise ReportFileError(f"{path.name}：不是普通文件（设备、管道或目录），无法导入")
    if info.st_size > MAX_BYTES:
        raise ReportFileError(f"{path.name}：文件有{info.st_size / 2**20:.0f} MB，报送文件最大{MAX_BYTES // 2**20} MB")
    if path.suffix.lower() == ".xlsx":
        try:  # judged by its declared sizes before openpyxl unpacks it
            check_ooxml(path, "xlsx", LIMITS)
        except ExtractionError as exc:
            raise ReportFileError(f"{path.name}：文件过大或已损坏，未导入（{exc}）") from exc


def _xlsx_rows(path: Path) -> list[tuple[str, dict[str, str]]]:
    workbook = load_workbook(path, data_only=True, read_only=True)
    rows = []
    for sheet in workbook.worksheets:
        table = [[_text(v) for v in row] for row in islice(sheet.iter_rows(values_only=True), MAX_ROWS + 2)]
        rows += _rows(path.name, f"工作表 {sheet.title} ", table)
    return rows


def _rows(name: str, sheet: str, table: list[list[str]]) -> list[tuple[str, dict[str, str]]]:
    if not table:
        raise ReportFileError(f"{name} {sheet}是空的")
    if len(table) > MAX_ROWS + 1:
        raise ReportFileError(f"{name} {sheet}超过{MAX_ROWS}行：请拆分后分批导入")
    keys = [_BY_HEADER.get(safe_line(cell).strip()) for cell in table[0]]
    missing = [f"{HEADERS[k]}（{k}）" for k in HEADERS if k not in keys]
    if missing:
        raise ReportFileError(f"{name} {sheet}第1行：缺少列 {'、'.join(missing)}")
    rows = []
    for number, row in enumerate(table[1:], start=2):
        values = dict.fromkeys(OPTIONAL, "")
        values |= {key: _safe(key, row[i] if i < len(row) else "") for i, key in enumerate(keys) if key}
        if any(values.values()):
            rows.append((f"{sheet}第{number}行", values))
    return rows


def _safe(key: str, value: str) -> str:
    """Narratives keep their line breaks; one-line fields (unit, status, dates) get spaces instead."""
    return (safe_text(value) if key in _MULTILINE else safe_line(value)).strip()
