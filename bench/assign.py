"""Assignment for a province-sized ledger: resolving 60,000 unit mentions against a 500-unit directory.

    python -m bench.assign [--tasks 20000] [--units 500] [--repeat 3] [--database-url URL]
"""

from __future__ import annotations

import json
import statistics
import tempfile
from datetime import date
from pathlib import Path

from bench.common import TIMED_HEADER, Timing, province_arguments, stopwatch, timed_row
from bench.remind import reset_database
from bench.synthetic import AREAS
from reformflow.core import db
from reformflow.core.settings import settings
from reformflow.parsing import ExtractedDocument, ExtractedTask
from reformflow.supervision.ledger import store_document
from reformflow.supervision.units.assignment import assign_tasks
from reformflow.supervision.units.directory import load_directory, normalise_name
from reformflow.supervision.units.resolution import Decisions
from tests.factories import directory_file


def unit_name(n: int) -> str:
    return f"市第{n}局"


def build(folder: Path, tasks: int, units: int, database_url: str | None):
    settings.data_dir, settings.database_url = folder, database_url
    if database_url:
        reset_database(database_url)
    names = [unit_name(n) for n in range(units)]
    directory = load_directory(directory_file(folder / "directory.yaml",
                                              {name: [("outbox", f"outbox://u{n}")] for n, name in enumerate(names)},
                                              aliases={name: [name.replace("市", "深圳市", 1)] for name in names}))
    items = [ExtractedTask(source="province.txt", code=str(n), area=AREAS[n % len(AREAS)], title=f"任务{n}",
                           text=f"第{n}项改革任务。", original_text="", line=n,
                           lead_units=[names[n % units]], co_units=[names[(n + 7) % units],
                                                                    names[(n + 13) % units].replace("市", "深圳市", 1)],
                           deadline=date(2020, 6, 30)) for n in range(tasks)]
    with db.transaction(settings.office) as session:
        document = ExtractedDocument("province.txt", "全省任务清单", 2020, date(2020, 1, 1), items)
        store_document(document, session=session)
    return directory, items


def main() -> None:
    parser = province_arguments()
    parser.add_argument("--database-url", help="e.g. postgresql+psycopg://postgres@127.0.0.1/reformflow_bench "
                                               "(its public schema is emptied); default: SQLite in a temp dir")
    parser.add_argument("--json", action="store_true", help="print the medians as one JSON line")
    args = parser.parse_args()
    first: list[Timing] = []
    again: list[Timing] = []
    baseline: list[Timing] = []
    for _ in range(args.repeat):
        with tempfile.TemporaryDirectory() as folder:
            directory, items = build(Path(folder), args.tasks, args.units, args.database_url)
            decisions = Decisions(Path(folder) / "decisions.yaml")
            for runs in (first, again):  # the first run creates 60,000 assignments, the second changes nothing
                with db.transaction(settings.office) as session, stopwatch(runs):
                    assign_tasks(directory, decisions, session=session)
            names = directory.names
            with stopwatch(baseline):
                for item in items:
                    [names[normalise_name(m)] for m in item.lead_units + item.co_units]
            db.get_engine(settings.office).dispose()
    if args.json:
        print(json.dumps({key: [statistics.median(t.wall for t in runs), statistics.median(t.cpu for t in runs)]
                          for key, runs in (("first", first), ("again", again), ("baseline", baseline))}))
        return
    backend = "PostgreSQL" if args.database_url else "SQLite"
    print(f"{args.tasks} tasks, {args.units} units, {args.tasks * 3} mentions ({backend})\n")
    print(TIMED_HEADER)
    for label, runs in (("assign: first run, creating every assignment", first),
                        ("assign: re-run, nothing to change", again),
                        ("baseline: looking every mention up in a dict", baseline)):
        print(timed_row(label, runs))


if __name__ == "__main__":
    main()
