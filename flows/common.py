"""What every flow needs: outbox delivery in batches, each batch a task run the admin sees."""

from __future__ import annotations

from datetime import datetime
from functools import partial

from prefect import get_run_logger, task
from prefect.artifacts import create_table_artifact
from prefect.cache_policies import NO_CACHE
from prefect.events import emit_event
from sqlmodel import select

from reformflow.core import db
from reformflow.core.settings import settings
from reformflow.flows.office import office_hours, office_now, sender
from reformflow.models import Message, Unit
from reformflow.notifications.outbox import DispatchReport, deliverable_ids, dispatch, settle_stale_claims

BATCH_SIZE = 50


@task(name="deliver-batch", cache_policy=NO_CACHE)
def deliver_batch(office: str, message_ids: list[int]) -> DispatchReport:
    """Send one batch of the office's outbox, claimed in windows (`settings.dispatch_window`): a process killed
    outright leaves at most one window in doubt, never sent twice blindly, never lost."""
    with sender(office) as courier:  # one SMTP connection per mail server for the whole batch
        report = dispatch(message_ids, transaction=partial(db.transaction, office),
                          max_attempts=settings.max_send_attempts, sender=courier, window=settings.dispatch_window)
    with db.transaction(office) as session:
        _announce(report.sent, session=session)
    return report


def _queue_batches(office: str, stage: str, batches: list[list[int]]) -> DispatchReport:
    """Hand the batches to the task workers and return at once; each batch is a task run the UI shows."""
    logger = get_run_logger()
    rows = []
    for batch in batches:
        future = deliver_batch.delay(office, batch)
        rows.append({"batch task run": str(future.task_run_id), "messages": len(batch),
                     "first": batch[0], "last": batch[-1]})
    if rows:
        logger.info("%s: %d batches queued for the task workers", stage, len(rows))
        create_table_artifact(key=f"{stage}-batches", table=rows, description=f"Delivery batches queued by {stage}")
    return DispatchReport(queued_batches=len(rows))


def _announce(message_ids: list[int], *, session) -> None:
    """One Prefect event per delivered message (`reformflow.reminder.delivered`, …), for automations."""
    if not message_ids:
        return
    rows = session.exec(select(Message, Unit).join(Unit, Unit.id == Message.unit_id)
                        .where(Message.id.in_(message_ids))).all()
    for message, unit in rows:
        emit_event(event=f"reformflow.{message.kind}.delivered",
                   resource={"prefect.resource.id": f"reformflow.message.{message.id}",
                             "prefect.resource.name": message.subject},
                   related=[{"prefect.resource.id": f"reformflow.unit.{unit.slug}",
                             "prefect.resource.role": "recipient", "prefect.resource.name": unit.name}],
                   payload={"channel": message.channel, "key": message.idempotency_key})


def deliver_outbox(office: str, stage: str, now: datetime | None = None) -> DispatchReport:
    """Deliver everything due in the office's outbox, in batches, within office hours; leave a table artifact."""
    logger = get_run_logger()
    now = now or office_now()
    with db.transaction(office) as session:
        doubtful = settle_stale_claims(session=session, office=office)
        ids, waiting = deliverable_ids(now, office_hours(office), session=session)
    for message_id in doubtful:
        logger.warning("message %s was being sent when its sender stopped: marked in_doubt for the office "
                       "(reformflow --office %s outbox list --state in_doubt)", message_id, office)
    if waiting:
        logger.info("%s: outside office hours; %d messages wait until %s", stage, waiting,
                    office_hours(office).next_opening(now).isoformat(timespec="minutes"))
    batches = [ids[start:start + BATCH_SIZE] for start in range(0, len(ids), BATCH_SIZE)]
    if settings.task_queue:
        return _queue_batches(office, stage, batches)
    total = DispatchReport()
    # Batches run side by side on the flow's thread pool: most of a send is waiting on the mail server.
    futures = [deliver_batch.submit(office, batch) for batch in batches]
    for future in futures:
        total.merge(future.result())
    if total.deferred:
        logger.info("%s: %d messages held back by chat robots' rate limits, sent by the next sweep",
                    stage, len(total.deferred))
    for message_id, error in total.failed + total.dead:
        logger.warning("message %s not delivered: %s", message_id, error)
    logger.info("%s: %d sent, %d to retry, %d dead", stage, len(total.sent), len(total.failed), len(total.dead))
    rows = [{"message": i, "outcome": "sent", "error": ""} for i in total.sent]
    rows += [{"message": i, "outcome": "retry later", "error": e} for i, e in total.failed]
    rows += [{"message": i, "outcome": "dead", "error": e} for i, e in total.dead]
    if rows:
        create_table_artifact(key=f"{stage}-delivery", table=rows, description=f"Outbox delivery by {stage}")
    return total
