"""The ledger as an Excel 工作台账: one sheet per document, a title row, a header row, one row per task.

The header uses the words the table reader knows, so a workbook written here reads back as the same tasks.
"""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from reformflow.core.hygiene import safe_line, safe_text
from reformflow.parsing.model import ExtractedDocument

HEADER = ("序号", "所属领域", "任务名称", "改革措施", "牵头单位", "责任单位", "完成时限", "时限说明")
WIDTHS = (8, 22, 28, 70, 28, 36, 16, 12)
KIND_LABELS = {"explicit": "文件明确", "inferred": "年份推定", "standing": "长期坚持", "inherited": "沿用总体目标"}
_SHEET_FORBIDDEN = str.maketrans({ch: "_" for ch in "[]:*?/\\"})


def _row(task) -> list[str]:
    deadline = task.deadline_text or (task.deadline.isoformat() if task.deadline else "")
    return [task.code, task.area or "", task.title, task.text, "、".join(task.lead_units),
            "、".join(task.co_units), deadline, KIND_LABELS.get(task.deadline_kind or "", "")]


def append_text_row(sheet, values: list[object]) -> None:
    """Append a row whose text stays text: a cell starting with `=` (a task title, an agency's note) would
    otherwise be written as a formula that Excel evaluates when the office opens the sheet. Control characters
    (a NUL or \x0b in stored text) would make openpyxl refuse the whole sheet: a line break stays one."""
    sheet.append([safe_text(value) if isinstance(value, str) else value for value in values])
    for cell in sheet[sheet.max_row]:
        if isinstance(cell.value, str) and cell.value.startswith("="):
            cell.data_type = "s"


def write_ledger(documents: list[ExtractedDocument], path: Path) -> Path:
    workbook = Workbook()
    workbook.remove(workbook.active)
    for document in documents:
        sheet = workbook.create_sheet(safe_line(Path(document.source).stem).translate(_SHEET_FORBIDDEN)[:31])
        sheet.append([f"{document.title}工作台账"])
        sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(HEADER))
        sheet["A1"].font = Font(bold=True, size=14)
        sheet.append(list(HEADER))
        for cell in sheet[2]:
            cell.font = Font(bold=True)
            cell.fill = PatternFill("solid", fgColor="DDEBF7")
        for task in document.tasks:
            append_text_row(sheet, _row(task))
        for index, width in enumerate(WIDTHS, start=1):
            sheet.column_dimensions[get_column_letter(index)].width = width
        for row in sheet.iter_rows(min_row=3):
            for cell in row:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
        sheet.freeze_panes = "A3"
    path.parent.mkdir(parents=True, exist_ok=True)
    workbook.save(path)
    return path
