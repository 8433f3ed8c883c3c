"""How sure the reader is of a task, and why not: the office reviews low-confidence tasks before anything is sent.

Each doubt is a short Chinese reason the office reads on its review list; each costs the confidence a weight that
says how likely the task is to be wrong because of it (no units at all is worse than a lead chosen by default).
"""

from __future__ import annotations

from collections.abc import Iterable

from reformflow.parsing.deadlines import INFERRED, INHERITED
from reformflow.parsing.model import ExtractedTask

NO_UNITS = "未识别到责任单位"
NO_LEAD = "未识别到牵头单位"
DEFAULT_LEAD = "牵头单位按默认规则推定"
INHERITED_UNITS = "责任单位沿用上级条目"
VAGUE_UNIT = "含泛指单位，需确定具体单位"
TARGET_DEADLINE = "完成时限沿用文件总体目标"
YEAR_INFERRED = "完成时限年份按文件推定"
VAGUE_DEADLINE = "完成时限含糊"
MOJIBAKE = "标题乱码，编号按顺序推定"
SCANNED = "扫描件文字识别，需人工核对"
REVIEW_BELOW = 0.7  # the office sees a task below this before any reminder about it goes out

WEIGHTS = {NO_UNITS: 0.45, NO_LEAD: 0.3, DEFAULT_LEAD: 0.15, INHERITED_UNITS: 0.15, VAGUE_UNIT: 0.1,
           TARGET_DEADLINE: 0.1, YEAR_INFERRED: 0.05, VAGUE_DEADLINE: 0.2, MOJIBAKE: 0.1, SCANNED: 0.35}
_COMPUTED = (NO_UNITS, NO_LEAD, VAGUE_UNIT, TARGET_DEADLINE, YEAR_INFERRED, VAGUE_DEADLINE)
_VAGUE = ("有关", "相关", "各部门", "各单位")


def _computed(task: ExtractedTask) -> list[str]:
    doubts = []
    if not (task.lead_units or task.co_units):
        doubts.append(NO_UNITS)
    elif not task.lead_units:
        doubts.append(NO_LEAD)
    if any(word in unit for unit in task.lead_units + task.co_units for word in _VAGUE):
        doubts.append(VAGUE_UNIT)
    if task.deadline_kind == INHERITED:
        doubts.append(TARGET_DEADLINE)
    elif task.deadline_kind == INFERRED:
        doubts.append(YEAR_INFERRED)
    if task.deadline_text and task.deadline is None and task.deadline_kind is None:
        doubts.append(VAGUE_DEADLINE)
    return doubts


def judge(task: ExtractedTask, notes: Iterable[str] = ()) -> None:
    """Set the task's doubts (kept notes, new notes, and what its fields show) and its confidence."""
    kept = [d for d in task.doubts if d not in _COMPUTED]
    doubts = list(dict.fromkeys([*kept, *notes, *_computed(task)]))
    task.doubts = doubts
    task.confidence = round(max(0.0, 1.0 - sum(WEIGHTS.get(d, 0.1) for d in doubts)), 2)
