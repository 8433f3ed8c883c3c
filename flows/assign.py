"""assign: the directory mirrored into the ledger, and every task's units turned into assignments."""

from __future__ import annotations

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_table_artifact
from prefect.cache_policies import NO_CACHE

from reformflow import db
from reformflow.config import settings
from supervision.assignment import AssignSummary, assign_tasks
from supervision.directory import Directory, load_directory


@task(name="load-directory", cache_policy=NO_CACHE)
def load(path: str) -> Directory:
    return load_directory(path)


@task(name="assign-units", cache_policy=NO_CACHE, retries=2, retry_delay_seconds=2)
def assign(directory: Directory) -> AssignSummary:
    with db.session() as session:
        summary = assign_tasks(directory, session=session)
        session.commit()
    return summary


@flow(name="assign")
def assign_flow(directory_file: str | None = None) -> AssignSummary:
    logger = get_run_logger()
    directory = load(str(directory_file or settings.directory_file))
    summary = assign(directory)
    logger.info("%s", summary.describe())
    for change in summary.changed + summary.removed:
        logger.info("assignment changed: %s", change)
    if summary.review:
        create_table_artifact(
            key="units-to-review",
            table=[{"document": r.source, "task": r.code, "mention": r.mention, "reason": r.reason}
                   for r in summary.review],
            description="Unit mentions the office must resolve (placeholders, names not in the directory)",
        )
    return summary
