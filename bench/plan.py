"""Reminder planning and queueing for a province-sized ledger, with its baselines and a scaling run.

    python -m bench.plan [--tasks 20000] [--units 500] [--repeat 3] [--database-url URL]
    python -m bench.plan --scaling 2000,20000,100000 [--repeat 1]
    python -m bench.plan --json …   (one line of medians, for bench.before_after)

The sweep of 2020-06-23 over bench.remind's ledger (20,000 tasks, 60,000 assignments, 500 units with an e-mail
contact) plans and queues 500 digests and records about 40,000 rungs. Measured in the same run, on the same
ledger: the baseline, one plain SELECT of the open assignments with their tasks, units and documents (the
database's floor for reading what the plan needs), and the rendering of the 500 digests alone (Jinja2).
"""

from __future__ import annotations

import json
import statistics
import tempfile
from pathlib import Path

from sqlalchemy import select

from bench.common import TIMED_HEADER, Timing, province_arguments, stopwatch, timed_row
from bench.remind import AS_OF, build_ledger, reset_database
from reformflow.core import db
from reformflow.core.calendar import WorkingCalendar
from reformflow.core.settings import settings
from reformflow.flows.office import report_links
from reformflow.models import Assignment, Document, Task, Unit
from reformflow.notifications.render import render_for_channel
from reformflow.supervision.reminders.plan import ReminderPolicy
from reformflow.supervision.reminders.sweep import queue_reminders


def baseline_select(session) -> Timing:
    found: list[Timing] = []
    with stopwatch(found):
        session.connection().execute(
        select(Task.id, Task.code, Task.title, Task.deadline, Assignment.role, Unit.id, Unit.name, Document.title)
        .join(Task, Task.id == Assignment.task_id).join(Unit, Unit.id == Assignment.unit_id)
            .join(Document, Document.id == Task.document_id).where(Task.stage == "assigned")).all()
    return found[0]


def render_alone(plan) -> Timing:
    found: list[Timing] = []
    with stopwatch(found):
        for digest in plan.digests:
            render_for_channel("reminder", digest.channel, digest=digest, as_of=AS_OF, office_name="改革办",
                               link=report_links(settings.office).url(digest.unit.slug, "2020-06"))
    return found[0]


def run_once(tasks: int, units: int, database_url: str | None) -> dict[str, Timing]:
    with tempfile.TemporaryDirectory() as folder:
        settings.data_dir, settings.database_url = Path(folder), database_url
        if database_url:
            reset_database(database_url)
        build_ledger(tasks, units, port=25)
        policy = ReminderPolicy(WorkingCalendar())
        with db.transaction(settings.office) as session:
            baseline, planning = baseline_select(session), []
            with stopwatch(planning):
                plan = queue_reminders(AS_OF, session=session, policy=policy, links=report_links(settings.office))
            assert len(plan.queued) == units, len(plan.queued)
        rendering = render_alone(plan)
        db.get_engine(settings.office).dispose()
    return {"plan": planning[0], "baseline": baseline, "render": rendering}


def medians(runs: list[dict[str, Timing]]) -> dict[str, Timing]:
    return {key: Timing(statistics.median(run[key].wall for run in runs),
                        statistics.median(run[key].cpu for run in runs)) for key in runs[0]}


def main() -> None:
    parser = province_arguments()
    parser.add_argument("--database-url", help="e.g. postgresql+psycopg://postgres@127.0.0.1/reformflow_bench "
                                               "(its public schema is emptied); default: SQLite in a temp dir")
    parser.add_argument("--scaling", help="task counts, e.g. 2000,20000,100000: one row each")
    parser.add_argument("--json", action="store_true", help="print the medians as one JSON line")
    args = parser.parse_args()
    backend = "PostgreSQL" if args.database_url else "SQLite"
    if args.scaling:
        print(f"Scaling ({backend}, {args.units} units, 3 assignments a task, {args.repeat} run(s) each)\n")
        print("| tasks | plan and queue | CPU | CPU per 1,000 tasks | baseline SELECT | its CPU per 1,000 tasks |\n"
              "|---|---|---|---|---|---|")
        for tasks in (int(n) for n in args.scaling.split(",")):
            found = medians([run_once(tasks, args.units, args.database_url) for _ in range(args.repeat)])
            plan, baseline = found["plan"], found["baseline"]
            print(f"| {tasks:,} | {plan.wall:.2f} s | {plan.cpu:.2f} s | {plan.cpu / tasks * 1000:.3f} s | "
                  f"{baseline.wall:.3f} s | {baseline.cpu / tasks * 1000:.4f} s |", flush=True)
        return
    runs = [run_once(args.tasks, args.units, args.database_url) for _ in range(args.repeat)]
    if args.json:
        print(json.dumps({key: [value.wall, value.cpu] for key, value in medians(runs).items()}))
        return
    print(f"{args.tasks} tasks, {args.units} units, {args.tasks * 3} assignments: {args.units} digests ({backend})\n")
    print(TIMED_HEADER)
    print(timed_row(f"reminder plan + queue, {backend}", [r["plan"] for r in runs]))
    print(timed_row("of which rendering the 500 digests alone (Jinja2)", [r["render"] for r in runs]))
    print(timed_row("baseline: one SELECT of the open assignments", [r["baseline"] for r in runs], digits=3))


if __name__ == "__main__":
    main()
