"""台账: every task of the ledger with its light, filtered, sorted, paged, and exported to Excel.

The rows are the bulletin's task lines computed as of today (`current_numbers`), so the light and "reported" of a
task here are exactly what the 月度通报 would print; this module only filters and orders them.
"""

from __future__ import annotations

import io
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import StreamingResponse
from openpyxl import Workbook
from sqlmodel import Session, select

from reformflow.console.numbers import current_numbers, task_ids
from reformflow.console.web import console_request, page
from reformflow.models import ROLE_LABELS, STAGE_LABELS, Assignment, Document, Unit, utcnow
from reformflow.parsing.workbook import append_text_row
from reformflow.supervision.status import LIGHT_LABELS

router = APIRouter()
PAGE_SIZE = 50
SORTS = {"code": "文件与序号", "deadline": "完成时限", "overdue": "逾期天数", "light": "灯色", "stage": "阶段",
         "progress": "进度"}
LIGHT_ORDER = {light: index for index, light in enumerate(LIGHT_LABELS)}
STAGE_ORDER = {stage: index for index, stage in enumerate(STAGE_LABELS)}


@dataclass
class Filters:
    document: str = ""
    area: str = ""
    unit: str = ""
    role: str = ""
    stage: str = ""
    light: str = ""
    overdue: bool = False
    due_from: date | None = None
    due_to: date | None = None
    sort: str = "code"
    descending: bool = False
    page: int = 1
    errors: list[str] = field(default_factory=list)

    @classmethod
    def read(cls, params) -> Filters:
        found = cls(**{key: params.get(key, "").strip() for key in ("document", "area", "unit", "role", "stage",
                                                                     "light")})
        found.overdue = params.get("overdue") == "1"
        found.due_from = found._date(params.get("due_from", ""), "完成时限起")
        found.due_to = found._date(params.get("due_to", ""), "完成时限止")
        found.sort = params.get("sort") if params.get("sort") in SORTS else "code"
        found.descending = params.get("order") == "desc"
        found.page = int(params["page"]) if params.get("page", "").isdigit() and int(params["page"]) > 0 else 1
        return found

    def _date(self, value: str, name: str) -> date | None:
        if not value.strip():
            return None
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            self.errors.append(f"“{name}”须为日期（年-月-日），“{value.strip()[:20]}”不是日期；这一条件未使用。")
            return None

    def query(self, **changes) -> str:
        values = {"document": self.document, "area": self.area, "unit": self.unit, "role": self.role,
                  "stage": self.stage, "light": self.light, "overdue": "1" if self.overdue else "",
                  "due_from": self.due_from.isoformat() if self.due_from else "",
                  "due_to": self.due_to.isoformat() if self.due_to else "", "sort": self.sort,
                  "order": "desc" if self.descending else "", "page": str(self.page)}
        values.update({key: str(value) for key, value in changes.items()})
        return urlencode({key: value for key, value in values.items() if value})


def ledger_rows(office: str, filters: Filters, *, session: Session) -> tuple[list[dict], dict]:
    data = current_numbers(office, session=session)
    ids = task_ids(session=session)
    units = defaultdict(list)
    for task_id, name, role in session.exec(select(Assignment.task_id, Unit.name, Assignment.role)
                                            .join(Unit, Unit.id == Assignment.unit_id)):
        units[task_id].append((name, role))
    overdue = {(row["source"], row["code"]): row["days_overdue"] for row in data["overdue"]}
    rows = []
    for line in data["tasks"]:
        key = (line["source"], line["code"])
        task_id = ids[key]
        rows.append({**line, "id": task_id, "units": units[task_id], "days_overdue": overdue.get(key, 0),
                     "due": line["extended_deadline"] or line["deadline"]})
    rows = [row for row in rows if _keep(row, filters)]
    rows.sort(key=_sort_key(filters.sort), reverse=filters.descending)
    return rows, data


def _keep(row: dict, f: Filters) -> bool:
    roles = [role for name, role in row["units"] if name == f.unit] if f.unit else None
    return ((not f.document or row["source"] == f.document) and (not f.area or row["area"] == f.area)
            and (roles is None or (roles and (not f.role or f.role in roles)))
            and (not f.stage or row["stage"] == f.stage) and (not f.light or row["light"] == f.light)
            and (not f.overdue or row["days_overdue"] > 0)
            and (not f.due_from or (row["due"] is not None and row["due"] >= f.due_from.isoformat()))
            and (not f.due_to or (row["due"] is not None and row["due"] <= f.due_to.isoformat())))


def _code_key(code: str) -> tuple:
    return tuple(int(part) if part.isdigit() else 0 for part in code.split("."))


def _sort_key(sort: str):
    if sort == "deadline":
        return lambda r: (r["due"] is None, r["due"] or "", r["source"], _code_key(r["code"]))
    if sort == "overdue":
        return lambda r: (r["days_overdue"], r["source"], _code_key(r["code"]))
    if sort == "light":
        return lambda r: (LIGHT_ORDER.get(r["light"], 99), r["source"], _code_key(r["code"]))
    if sort == "stage":
        return lambda r: (STAGE_ORDER.get(r["stage"], 99), r["source"], _code_key(r["code"]))
    if sort == "progress":
        return lambda r: (r["progress"], r["source"], _code_key(r["code"]))
    return lambda r: (r["source"], _code_key(r["code"]))


@router.get("/ledger")
def ledger_page(request: Request):
    filters = Filters.read(request.query_params)
    with console_request(request) as (session, viewer):
        rows, data = ledger_rows(viewer.office, filters, session=session)
        documents = session.exec(select(Document.source, Document.title).order_by(Document.source)).all()
        unit_names = sorted({name for row in data["tasks"] for name in row["lead_units"]}
                            | {row["unit"] for row in data["units"]})
    pages = max(1, -(-len(rows) // PAGE_SIZE))
    filters.page = min(filters.page, pages)
    shown = rows[(filters.page - 1) * PAGE_SIZE: filters.page * PAGE_SIZE]
    return page(request, "ledger.html.j2", viewer, rows=shown, count=len(rows), pages=pages, f=filters,
                documents=documents, areas=sorted({row["area"] for row in data["tasks"]}), units=unit_names,
                stages=STAGE_LABELS, lights=LIGHT_LABELS, roles=ROLE_LABELS, sorts=SORTS, as_of=data["as_of_label"])


EXPORT_HEADER = ("文件", "序号", "所属领域", "任务", "牵头单位", "配合单位", "完成时限", "批准延期至", "阶段", "灯色",
                 "逾期工作日", "进度", "本期已报送")


@router.get("/ledger.xlsx")
def ledger_export(request: Request):
    """The filtered ledger as an Excel sheet; every cell is text, so nothing an agency typed runs as a formula."""
    filters = Filters.read(request.query_params)
    with console_request(request) as (session, viewer):
        rows, data = ledger_rows(viewer.office, filters, session=session)
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "工作台账"
    append_text_row(sheet, [f"工作台账（截至{data['as_of_label']}，共{len(rows)}项）"])
    append_text_row(sheet, list(EXPORT_HEADER))
    for row in rows:
        append_text_row(sheet, [row["document"], row["code"], row["area"], row["title"],
                                "、".join(n for n, r in row["units"] if r == "lead"),
                                "、".join(n for n, r in row["units"] if r == "co"), row["deadline"] or "文件未规定",
                                row["extended_deadline"] or "", STAGE_LABELS.get(row["stage"], row["stage"]),
                                row["light_label"], str(row["days_overdue"] or ""), f"{row['progress']}%",
                                "是" if row["reported"] else "否"])
    for column, width in zip("ABCDEFGHIJKLM", (28, 6, 18, 40, 24, 30, 12, 12, 10, 14, 10, 6, 10), strict=True):
        sheet.column_dimensions[column].width = width
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    name = f"ledger-{utcnow():%Y%m%d}.xlsx"  # ASCII: some browsers mangle Chinese download names
    return StreamingResponse(buffer, media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                             headers={"Content-Disposition": f'attachment; filename="{name}"',
                                      "Cache-Control": "no-store"})
