"""assign: the directory mirrored into the ledger, and every task's units turned into assignments."""

from __future__ import annotations

from datetime import date

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_table_artifact
from prefect.cache_policies import NO_CACHE

from reformflow.core import db
from reformflow.core.offices import get_office
from reformflow.core.settings import settings
from reformflow.flows.common import deliver_outbox
from reformflow.flows.office import office_today, report_links
from reformflow.supervision.units.assignment import AssignSummary, assign_tasks
from reformflow.supervision.units.directory import Directory, load_directory
from reformflow.supervision.units.notices import queue_assignment_notices
from reformflow.supervision.units.resolution import load_decisions
from reformflow.supervision.units.suggestions import TaskSuggestions, suggest_for_ledger


@task(name="load-directory", cache_policy=NO_CACHE)
def load(path: str) -> Directory:
    return load_directory(path)


@task(name="assign-units", cache_policy=NO_CACHE, retries=2, retry_delay_seconds=2)
def assign(office: str, directory: Directory) -> AssignSummary:
    with db.transaction(office) as session:
        summary = assign_tasks(directory, load_decisions(get_office(office).decisions_path), session=session)
    return summary


@task(name="queue-assignment-notices", cache_policy=NO_CACHE, retries=2, retry_delay_seconds=2)
def notify_units(office: str, as_of: date) -> list[str]:
    """交办通知 to every unit for the tasks newly assigned to it."""
    with db.transaction(office) as session:
        return queue_assignment_notices(as_of, session=session, links=report_links(office),
                                        within=settings.acknowledge_within_days)


@task(name="suggest-units", cache_policy=NO_CACHE)
def suggest_units(office: str) -> list[TaskSuggestions]:
    with db.transaction(office) as session:
        return suggest_for_ledger(session=session)


@flow(name="assign")
def assign_flow(office: str | None = None, directory_file: str | None = None,
                as_of: date | None = None) -> AssignSummary:
    """Assign the office's tasks from its directory (or the directory file given)."""
    logger = get_run_logger()
    office = get_office(office).slug
    directory = load(str(directory_file or get_office(office).directory))
    summary = assign(office, directory)
    logger.info("%s", summary.describe())
    notices = notify_units(office, as_of or office_today())
    logger.info("交办通知: %d messages queued", len(notices))
    for change in summary.changed + summary.removed + summary.notes:
        logger.info("assignment: %s", change)
    changes = [("added", c) for c in summary.added] + [("changed", c) for c in summary.changed]
    changes += [("removed", c) for c in summary.removed] + [("resolved", n) for n in summary.notes]
    if changes and len(changes) < 5000:
        create_table_artifact(key=f"{office}-assignment-changes", table=[{"change": k, "what": v} for k, v in changes],
                              description="What this assignment run changed, and why")
    suggestions = suggest_units(office)
    if suggestions:
        create_table_artifact(
            key=f"{office}-unit-suggestions",
            table=[{"document": s.source, "task": s.code, "title": s.title,
                    "suggested leads": "；".join(f"{x.unit} {x.score:.2f}" for x in s.suggestions)}
                   for s in suggestions],
            description="Suggested lead units for tasks that name none; `reformflow units confirm` to accept",
        )
    if summary.review:
        create_table_artifact(
            key=f"{office}-units-to-review",
            table=[{"document": r.source, "task": r.code, "mention": r.mention, "reason": r.reason,
                    "candidates": "、".join(f"{name} ({score:.0f})" for name, score in r.candidates)}
                   for r in summary.review],
            description="Unit mentions the office must resolve: `reformflow units check`, then `units decide`",
        )
    deliver_outbox(office, "assign")
    return summary
