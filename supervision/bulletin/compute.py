"""The monthly bulletin's numbers (月度通报): one computed result that every rendering shows.

Every number uses the definitions of `supervision.status`, which the bulletin prints beside them. The bulletin
of a month is computed as of the month's last day (or as of today, for the month in progress), so re-running it
later changes nothing unless the ledger changed.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date
from itertools import compress
from zoneinfo import ZoneInfo

from sqlmodel import Session

from reformflow.core.calendar import WorkingCalendar
from reformflow.core.collector import collector_paused
from reformflow.models import Role
from reformflow.supervision.bulletin.areas import canonical_areas
from reformflow.supervision.bulletin.rows import Ledger, ReportRow, TaskRow, period_end, read_ledger
from reformflow.supervision.status import (
    COUNTED_ONCE,
    DEFINITIONS,
    LIGHT_LABELS,
    REPORTED,
    UNITS_NOT_REPORTED,
    Judgement,
    Light,
    judge,
)

COUNTS = ("tasks", *(light.value for light in Light), "not_reported")
CHINA = ZoneInfo("Asia/Shanghai")


def definitions() -> list[dict]:
    """The definitions printed in every bulletin, in the order of its columns."""
    rows = [{"term": LIGHT_LABELS[light], "definition": text} for light, text in DEFINITIONS.items()]
    rows += [{"term": "本期已报送", "definition": REPORTED.split("：", 1)[1]},
             {"term": "未报送单位", "definition": UNITS_NOT_REPORTED.split("：", 1)[1]},
             {"term": "计数", "definition": COUNTED_ONCE}]
    return rows


def compute_bulletin(period: str, as_of: date, *, session: Session, calendar: WorkingCalendar,
                     zone: ZoneInfo = CHINA) -> dict:
    as_of = min(as_of, period_end(period))
    with collector_paused():  # a province is ~300,000 rows, tuples and dicts, and no cycles to look for
        # The ledger is freed as _compute returns, inside the block: the collector, back on, then looks only at
        # the bulletin itself (its first pass over what was allocated while paused cost 0.05 s with the ledger).
        return _compute(period, as_of, read_ledger(period, as_of, session, zone), calendar)


def _compute(period: str, as_of: date, ledger: Ledger, calendar: WorkingCalendar) -> dict:
    task_ids, unit_ids, roles = ledger.assigned
    # Whether each assignment's unit reported on its task this period, matched in C (zip, map, set): as a join
    # SQLite planned it badly (2.3 s), and row by row in Python (any() per task) it took 0.14 s of 0.9 s.
    flags = list(map(ledger.reported.__contains__, zip(task_ids, unit_ids, strict=True)))
    reported = set(compress(task_ids, flags))  # tasks on which any of their units reported
    verdicts = _judge_all(ledger.rows, reported, as_of, calendar)
    states = {task_id: (verdict.light, verdict.light not in NOT_DUE) for task_id, verdict in verdicts.items()}
    tasks_out, overdue, counts = _task_lines(ledger, verdicts, states, reported)
    totals, per_area, per_doc = _counter(), defaultdict(_counter), defaultdict(_counter)
    for (area, document, light, missing), n in counts.items():
        for bucket in (totals, per_area[area], per_doc[document]):
            bucket["tasks"] += n
            bucket[light] += n
            bucket["not_reported"] += missing * n
    # unit × role × (light, owes a report) × reported, counted in C; summed per unit by _unit_rows
    per_unit = Counter(zip(unit_ids, roles, map(states.get, task_ids), flags, strict=True))
    return _assemble(period, as_of, totals, _unit_rows(per_unit, ledger.units), overdue, {
        "areas": [{"area": k, **v} for k, v in sorted(per_area.items())],
        "documents": [{"document": k, **v} for k, v in sorted(per_doc.items())],
        "tasks": tasks_out, **_decisions(ledger)})


NOT_DUE = (Light.CLOSED, Light.UNASSIGNED, Light.DRAFT)  # lights that owe no report


def _judge_all(rows: list[TaskRow], reported: set[int], as_of: date, calendar: WorkingCalendar) -> dict[int, Judgement]:
    """Each task's light by `judge`, once per distinct input: tasks share deadlines, stages and progress, so a
    province needs far fewer judgements than tasks (the benchmark's 20,000 tasks: 60)."""
    judged: dict[tuple, Judgement] = {}
    verdicts: dict[int, Judgement] = {}
    for task in rows:
        task_reported = task.id in reported
        key = (task.stage, task.status, task.progress, task.deadline, task.extended_deadline, task.issued,
               task_reported)  # everything judge reads (TaskState, issued, reported); as_of is the same for all
        verdict = judged.get(key)
        if verdict is None:
            verdict = judged[key] = judge(task, issued=task.issued, as_of=as_of, reported=task_reported,
                                          calendar=calendar)
        verdicts[task.id] = verdict
    return verdicts


def _task_lines(ledger: Ledger, verdicts: dict[int, Judgement], states: dict[int, tuple[Light, bool]],
                reported: set[int]) -> tuple[list[dict], list[dict], Counter]:
    """The task lines and overdue lines of the JSON, and the (area, document, light, not reported) counts."""
    areas = canonical_areas({t.area or "" for t in ledger.rows})
    task_ids, unit_ids, roles = ledger.assigned
    leads: dict[int, list[str]] = defaultdict(list)  # the lead units' names in the order of their assignment
    for task_id, unit_id in compress(zip(task_ids, unit_ids, strict=True), map(Role.LEAD.__eq__, roles)):
        leads[task_id].append(ledger.units[unit_id])
    iso = _IsoDates()
    tasks_out, overdue, counts = [], [], Counter()
    for task in ledger.rows:
        verdict, (light, due_report), task_reported = verdicts[task.id], states[task.id], task.id in reported
        area, lead_units = areas[task.area or ""], leads.get(task.id) or []
        counts[area, task.document, light, due_report and not task_reported] += 1
        if light == Light.OVERDUE:
            overdue.append({"document": task.document, "source": task.source, "code": task.code,
                            "title": task.title, "lead_units": lead_units,
                            "deadline": iso[task.extended_deadline or task.deadline],
                            "original_deadline": iso[task.deadline], "days_overdue": verdict.overdue_workdays})
        tasks_out.append({"document": task.document, "source": task.source, "code": task.code, "title": task.title,
                          "lead_units": lead_units, "area": area, "light": light,
                          "light_label": LIGHT_LABELS[light], "stage": task.stage, "progress": task.progress,
                          "deadline": iso[task.deadline], "extended_deadline": iso[task.extended_deadline],
                          "reported": task_reported, "due_report": due_report})
    return tasks_out, overdue, counts


class _IsoDates(dict):
    """date → its ISO text (None → None), written once per distinct date."""

    def __missing__(self, day: date | None) -> str | None:
        text = self[day] = day.isoformat() if day else None
        return text


def _counter() -> dict[str, int]:
    return dict.fromkeys(COUNTS, 0)


def _unit_rows(counts: Counter, names: dict[int, str]) -> dict[int, dict]:
    """Each unit's row from the (unit, role, (light, owes a report), reported) counts."""
    per_unit: dict[int, dict] = {}
    for (unit_id, role, state, reported), n in counts.items():
        if state is None:  # a task the bulletin does not count: removed, or its document not yet issued
            continue
        light, due_report = state
        entry = per_unit.get(unit_id)
        if entry is None:
            entry = per_unit[unit_id] = {"unit": names[unit_id], "lead_tasks": 0, "co_tasks": 0, **_counter(),
                                         "due_report": 0, "reported": 0}
        entry["tasks"] += n
        entry[f"{role}_tasks"] += n
        entry[light] += n
        entry["due_report"] += due_report * n
        entry["reported"] += reported * n
        entry["not_reported"] += (due_report and not reported) * n
    return per_unit


def _assemble(period: str, as_of: date, totals: dict, per_unit: dict, overdue: list, extras: dict) -> dict:
    unit_rows = list(per_unit.values())
    for row in unit_rows:
        row["completion_rate"] = round(row[Light.CLOSED] / row["tasks"], 4)
    unit_rows.sort(key=lambda r: (-r["completion_rate"], r[Light.OVERDUE], r["unit"]))
    for rank, row in enumerate(unit_rows, start=1):
        row["rank"] = rank
    overdue.sort(key=lambda r: (-r["days_overdue"], r["source"], r["code"]))
    # 未报送单位: owes a report this period and filed none at all (see UNITS_NOT_REPORTED).
    not_reported = [r["unit"] for r in unit_rows if r["due_report"] and not r["reported"]]
    return {
        "period": period, "as_of": as_of.isoformat(), "period_label": f"{as_of.year}年{as_of.month}月",
        "as_of_label": chinese_date(as_of), "headline": headline(as_of, totals, len(not_reported)),
        "totals": totals, "units": unit_rows, "overdue": overdue, "units_not_reported": not_reported,
        **extras,
        "definitions": definitions(),
    }


def chinese_date(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def headline(as_of: date, totals: dict, units_not_reported: int) -> str:
    """The bulletin's first sentence, the same in every rendering (web page, Word notice, e-mail, chat)."""
    parts = "，".join(f"{LIGHT_LABELS[light]}{totals[light]}项" for light in Light if totals[light])
    return (f"截至{chinese_date(as_of)}，台账共有改革任务{totals['tasks']}项：{parts}；本期应报送而未报送的任务"
            f"{totals['not_reported']}项，未报送单位{units_not_reported}个。")


def _decisions(ledger: Ledger) -> dict:
    """本期办结 (the office's 销号 this month), pending claims and extension requests, each task once."""
    tasks = {t.id: t for t in ledger.rows}

    def line(report: ReportRow) -> dict:
        task = tasks[report.task_id]
        return {"document": task.document, "code": task.code, "title": task.title,
                "unit": ledger.units[report.unit_id], "progress": report.progress,
                "narrative": report.narrative, "submitted_at": report.submitted_at.date().isoformat(),
                "requested_deadline": report.requested_deadline.isoformat() if report.requested_deadline else None,
                "review": report.review}

    closed = {r.task_id: line(r) for r in ledger.accepted if r.task_id in tasks}
    extensions = [line(r) for r in ledger.extensions if r.task_id in tasks]
    claims = [line(r) for r in ledger.claims if r.task_id in tasks]
    return {"completed_this_period": list(closed.values()), "claims_pending": claims,
            "extension_requests": extensions}
