"""The monthly bulletin for a province-sized ledger: computing the numbers, then writing every output.

    python -m bench.bulletin [--tasks 20000] [--units 500] [--repeat 3]
"""

from __future__ import annotations

import tempfile
import time
from datetime import UTC, date, datetime
from pathlib import Path

from sqlalchemy import func, insert
from sqlmodel import select

from bench.common import province_arguments, timing_row
from bench.remind import build_ledger
from reformflow.core import db
from reformflow.core.settings import settings
from reformflow.models import Assignment, StatusReport, Task
from reformflow.supervision.bulletin.compute import compute_bulletin
from reformflow.supervision.bulletin.publish import publish_bulletin

STATUSES = ("in_progress", "in_progress", "completed", "lagging", "not_started")


def add_reports(months: int = 12) -> int:
    """A year of reports: each month, four in five assignments report once."""
    total = 0
    with db.transaction(settings.office) as session:
        assignments = list(session.exec(select(Assignment)))
        for month in range(1, months + 1):
            rows = [{"task_id": a.task_id, "unit_id": a.unit_id, "period": f"2020-{month:02d}",
                     "status": STATUSES[(n + month) % 5], "progress": (n * 7 + month * 5) % 101,
                     "narrative": "按计划推进。", "submitted_at": datetime(2020, month, 1 + n % 20, tzinfo=UTC)}
                    for n, a in enumerate(assignments) if (n + month) % 5]
            session.execute(insert(StatusReport), rows)
            total += len(rows)
    return total


def main() -> None:
    parser = province_arguments()
    args = parser.parse_args()
    compute, publish, baseline = [], [], []
    with tempfile.TemporaryDirectory() as folder:
        settings.data_dir, settings.database_url = Path(folder), None
        build_ledger(args.tasks, args.units, port=25)
        reports = add_reports()
        for run in range(args.repeat):
            with db.transaction(settings.office) as session:
                start = time.perf_counter()
                data = compute_bulletin("2020-06", date(2020, 6, 30 - run), session=session)
                compute.append(time.perf_counter() - start)
                start = time.perf_counter()
                publish_bulletin(data, Path(folder) / "bulletins", session=session)
                publish.append(time.perf_counter() - start)
                start = time.perf_counter()
                session.exec(select(Task.status, func.count()).group_by(Task.status)).all()
                baseline.append(time.perf_counter() - start)
    print(f"{args.tasks} tasks, {args.units} units, {args.tasks * 3} assignments, {reports} reports\n")
    print("| step | min | median |\n|---|---|---|")
    print(timing_row("compute the numbers", compute))
    print(timing_row("baseline: one GROUP BY query of task status", baseline, digits=3))
    print(timing_row("write JSON, HTML, Markdown, charts and Word", publish))


if __name__ == "__main__":
    main()
