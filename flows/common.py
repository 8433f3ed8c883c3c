"""What every flow needs: today's date in the office's time zone, and outbox delivery in batches."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from prefect import get_run_logger, task
from prefect.artifacts import create_table_artifact
from prefect.cache_policies import NO_CACHE
from prefect.events import emit_event
from sqlmodel import select

from models import Message, Unit
from notifications.outbox import DispatchReport, dispatch, due_message_ids, settle_stale_claims
from reformflow import db
from reformflow.config import settings
from supervision.reminders import ReminderPolicy
from supervision.workdays import OfficeHours, WorkingCalendar

BATCH_SIZE = 50
QUIET_EXEMPT = ("outbox",)


def office_now() -> datetime:
    return datetime.now(ZoneInfo(settings.timezone))


def office_today() -> date:
    return office_now().date()


def working_calendar() -> WorkingCalendar:
    return WorkingCalendar(settings.extra_holidays, settings.extra_workdays)


def reminder_policy() -> ReminderPolicy:
    return ReminderPolicy(working_calendar(), tuple(settings.reminder_days_before), settings.overdue_every_days,
                          settings.escalate_after_days_overdue)


def office_hours() -> OfficeHours:
    return OfficeHours(working_calendar(), settings.office_hours_start, settings.office_hours_end)


@task(name="deliver-batch", cache_policy=NO_CACHE)
def deliver_batch(message_ids: list[int]) -> DispatchReport:
    """Send one batch; each message is committed on its own, so a crash loses at most the one in flight."""
    with db.session() as session:
        report = dispatch(message_ids, session=session, max_attempts=settings.max_send_attempts)
        _announce(report.sent, session=session)
    return report


def _queue_batches(stage: str, batches: list[list[int]]) -> DispatchReport:
    """Hand the batches to the task workers and return at once; each batch is a task run the UI shows."""
    logger = get_run_logger()
    rows = []
    for batch in batches:
        future = deliver_batch.delay(batch)
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


def deliver_outbox(stage: str, now: datetime | None = None) -> DispatchReport:
    """Deliver everything due in the outbox, in batches, within office hours; leave a table artifact."""
    logger = get_run_logger()
    now = now or office_now()
    with db.session() as session:
        doubtful = settle_stale_claims(session=session)
        for message_id in doubtful:
            logger.warning("message %s was being sent when its sender stopped: marked in_doubt for the office "
                           "(reformflow outbox list --state in_doubt)", message_id)
        hours = office_hours()
        ids = due_message_ids(session=session, limit=10_000)
        if not hours.is_open(now):
            # Quiet hours are for people: the local outbox is a folder and disturbs nobody.
            quiet = due_message_ids(session=session, limit=10_000, exclude_channels=QUIET_EXEMPT)
            ids = sorted(set(ids) - set(quiet))
            if quiet:
                logger.info("%s: outside office hours; %d messages wait until %s", stage, len(quiet),
                            hours.next_opening(now).isoformat(timespec="minutes"))
    batches = [ids[start:start + BATCH_SIZE] for start in range(0, len(ids), BATCH_SIZE)]
    if settings.task_queue:
        return _queue_batches(stage, batches)
    total = DispatchReport()
    # Batches run side by side on the flow's thread pool: most of a send is waiting on the mail server.
    futures = [deliver_batch.submit(batch) for batch in batches]
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
