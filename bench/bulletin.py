"""The monthly bulletin for a province-sized ledger: computing the numbers, then writing every output.

    python -m bench.bulletin [--tasks 20000] [--units 500] [--repeat 3]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from datetime import UTC, date, datetime
from pathlib import Path

from sqlalchemy import insert
from sqlmodel import select

from bench.remind import build_ledger
from models import Assignment, StatusReport
from reformflow import db
from reformflow.config import settings
from supervision.bulletin import compute_bulletin, publish_bulletin

STATUSES = ("in_progress", "in_progress", "completed", "lagging", "not_started")


def add_reports() -> int:
    """A month of reports: four in five assignments reported once in June."""
    with db.session() as session:
        rows = [{"task_id": a.task_id, "unit_id": a.unit_id, "period": "2020-06", "status": STATUSES[n % 5],
                 "progress": (n * 7) % 101, "narrative": "按计划推进。",
                 "submitted_at": datetime(2020, 6, 1 + n % 20, tzinfo=UTC)}
                for n, a in enumerate(session.exec(select(Assignment))) if n % 5]
        session.execute(insert(StatusReport), rows)
        session.commit()
        return len(rows)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--tasks", type=int, default=20_000)
    parser.add_argument("--units", type=int, default=500)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    compute, publish = [], []
    with tempfile.TemporaryDirectory() as folder:
        settings.data_dir, settings.database_url = Path(folder), None
        build_ledger(args.tasks, args.units, port=25)
        reports = add_reports()
        for run in range(args.repeat):
            with db.session() as session:
                start = time.perf_counter()
                data = compute_bulletin("2020-06", date(2020, 6, 30 - run), session=session)
                compute.append(time.perf_counter() - start)
                start = time.perf_counter()
                publish_bulletin(data, Path(folder) / "bulletins", session=session)
                publish.append(time.perf_counter() - start)
    print(f"{args.tasks} tasks, {args.units} units, {args.tasks * 3} assignments, {reports} reports\n")
    print("| step | min | median |\n|---|---|---|")
    print(f"| compute the numbers | {min(compute):.2f} s | {statistics.median(compute):.2f} s |")
    print(f"| write JSON, HTML, Markdown, charts and Word | {min(publish):.2f} s | "
          f"{statistics.median(publish):.2f} s |")


if __name__ == "__main__":
    main()
