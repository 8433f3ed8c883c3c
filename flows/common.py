"""What every flow needs: today's date in the office's time zone, and outbox delivery in batches."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from prefect import get_run_logger, task
from prefect.artifacts import create_table_artifact
from prefect.cache_policies import NO_CACHE

from notifications.outbox import DispatchReport, dispatch, due_message_ids
from reformflow import db
from reformflow.config import settings

BATCH_SIZE = 100


def office_today() -> date:
    return datetime.now(ZoneInfo(settings.timezone)).date()


@task(name="deliver-batch", cache_policy=NO_CACHE)
def deliver_batch(message_ids: list[int]) -> DispatchReport:
    """Send one batch; each message is committed on its own, so a crash loses at most the one in flight."""
    with db.session() as session:
        return dispatch(message_ids, session=session, max_attempts=settings.max_send_attempts)


def deliver_outbox(stage: str) -> DispatchReport:
    """Deliver everything due in the outbox, in batches, and leave a table artifact of the outcome."""
    logger = get_run_logger()
    with db.session() as session:
        ids = due_message_ids(session=session, limit=10_000)
    total = DispatchReport()
    for start in range(0, len(ids), BATCH_SIZE):
        report = deliver_batch(ids[start:start + BATCH_SIZE])
        total.sent += report.sent
        total.failed += report.failed
        total.dead += report.dead
    for message_id, error in total.failed + total.dead:
        logger.warning("message %s not delivered: %s", message_id, error)
    logger.info("%s: %d sent, %d to retry, %d dead", stage, len(total.sent), len(total.failed), len(total.dead))
    rows = [{"message": i, "outcome": "sent", "error": ""} for i in total.sent]
    rows += [{"message": i, "outcome": "retry later", "error": e} for i, e in total.failed]
    rows += [{"message": i, "outcome": "dead", "error": e} for i, e in total.dead]
    if rows:
        create_table_artifact(key=f"{stage}-delivery", table=rows, description=f"Outbox delivery by {stage}")
    return total
