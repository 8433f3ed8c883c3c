"""The monthly bulletin for a province-sized ledger: computing the numbers, then writing every output.

    python -m bench.bulletin [--tasks 20000] [--units 500] [--repeat 3] [--database-url URL]

The ledger is bench.remind's (20,000 tasks, 60,000 assignments) with a year of reports (576,000 rows). The
baseline, measured in the same run, is one GROUP BY of the year's reports by status: what reading them at all
costs on this machine at this moment.
"""

from __future__ import annotations

import json
import statistics
import tempfile
from datetime import UTC, date, datetime
from pathlib import Path

from sqlalchemy import func, insert, select

from bench.common import TIMED_HEADER, Timing, province_arguments, stopwatch, timed_row
from bench.remind import analyze, build_ledger, reset_database
from reformflow.core import db
from reformflow.core.calendar import WorkingCalendar
from reformflow.core.settings import settings
from reformflow.models import Assignment, StatusReport
from reformflow.supervision.bulletin.compute import compute_bulletin
from reformflow.supervision.bulletin.publish import publish_bulletin

STATUSES = ("in_progress", "in_progress", "completed", "lagging", "not_started")


def add_reports(months: int = 12) -> int:
    """A year of reports: each month, four in five assignments report once."""
    total = 0
    with db.transaction(settings.office) as session:
        assignments = session.execute(select(Assignment.task_id, Assignment.unit_id).order_by(Assignment.id)).all()
        for month in range(1, months + 1):
            rows = [{"task_id": task_id, "unit_id": unit_id, "period": f"2020-{month:02d}",
                     "status": STATUSES[(n + month) % 5], "progress": (n * 7 + month * 5) % 101,
                     "narrative": "按计划推进。", "problems": "", "next_steps": "", "source": "import",
                     "submitted_at": datetime(2020, month, 1 + n % 20, tzinfo=UTC)}
                    for n, (task_id, unit_id) in enumerate(assignments) if (n + month) % 5]
            session.connection().execute(insert(StatusReport.__table__), rows)
            total += len(rows)
    return total


def measure(tasks: int, units: int, repeat: int, database_url: str | None) -> tuple[dict[str, list[Timing]], int]:
    times: dict[str, list[Timing]] = {"compute": [], "baseline": [], "publish": []}
    with tempfile.TemporaryDirectory() as folder:
        settings.data_dir, settings.database_url = Path(folder), database_url
        if database_url:
            reset_database(database_url)
        build_ledger(tasks, units, port=25)
        reports = add_reports()
        analyze()
        calendar = WorkingCalendar()
        for run in range(repeat):
            with db.transaction(settings.office) as session:
                with stopwatch(times["baseline"]):
                    session.execute(select(StatusReport.status, func.count()).group_by(StatusReport.status)).all()
                with stopwatch(times["compute"]):
                    data = compute_bulletin("2020-06", date(2020, 6, 30 - run), session=session, calendar=calendar)
                with stopwatch(times["publish"]):
                    publish_bulletin(data, Path(folder) / "bulletins", session=session)
        db.get_engine(settings.office).dispose()
    return times, reports


def main() -> None:
    parser = province_arguments()
    parser.add_argument("--database-url", help="e.g. postgresql+psycopg://postgres@127.0.0.1/reformflow_bench "
                                               "(its public schema is emptied); default: SQLite in a temp dir")
    parser.add_argument("--json", action="store_true", help="print the medians as one JSON line")
    args = parser.parse_args()
    times, reports = measure(args.tasks, args.units, args.repeat, args.database_url)
    if args.json:
        print(json.dumps({key: [statistics.median(t.wall for t in runs), statistics.median(t.cpu for t in runs)]
                          for key, runs in times.items()}))
        return
    backend = "PostgreSQL" if args.database_url else "SQLite"
    print(f"{args.tasks} tasks, {args.units} units, {args.tasks * 3} assignments, {reports} reports ({backend})\n")
    print(TIMED_HEADER)
    print(timed_row(f"bulletin numbers with a year of reports ({backend})", times["compute"], digits=3))
    print(timed_row("baseline: one GROUP BY of the year's reports", times["baseline"], digits=3))
    print(timed_row("bulletin files: JSON, HTML, Markdown, charts, Word", times["publish"]))


if __name__ == "__main__":
    main()
