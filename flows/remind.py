"""reminder-sweep: plan today's digests and escalations, queue them in the outbox, deliver in batches."""

from __future__ import annotations

from datetime import date

from prefect import flow, get_run_logger, tags, task
from prefect.artifacts import create_table_artifact
from prefect.cache_policies import NO_CACHE

from reformflow.core import db
from reformflow.core.offices import get_office
from reformflow.core.settings import settings
from reformflow.flows.common import deliver_outbox
from reformflow.flows.office import office_today, reminder_policy, report_links, working_calendar
from reformflow.supervision.reminders.sweep import SweepPlan, queue_reminders
from reformflow.supervision.units.notices import queue_acknowledgement_chases


@task(name="plan-and-queue-reminders", cache_policy=NO_CACHE, retries=2, retry_delay_seconds=2)
def plan_and_queue(office: str, as_of: date) -> SweepPlan:
    with db.transaction(office) as session:
        return queue_reminders(as_of, session=session, policy=reminder_policy(office), links=report_links(office))


@task(name="chase-acknowledgements", cache_policy=NO_CACHE, retries=2, retry_delay_seconds=2)
def chase_acknowledgements(office: str, as_of: date) -> list[str]:
    with db.transaction(office) as session:
        return queue_acknowledgement_chases(as_of, session=session, calendar=working_calendar(office),
                                            within=settings.acknowledge_within_days, links=report_links(office))


@flow(name="reminder-sweep")
def reminder_sweep(office: str | None = None, as_of: date | None = None) -> dict:
    logger = get_run_logger()
    office = get_office(office).slug
    as_of = as_of or office_today()
    with tags(f"office:{office}", f"as-of:{as_of.isoformat()}", f"period:{as_of.strftime('%Y-%m')}"):
        plan = plan_and_queue(office, as_of)
        acknowledgements = chase_acknowledgements(office, as_of)
    if not plan.workday:
        logger.info("%s is not a working day: no reminders planned (missed rungs go out on the next one)", as_of)
    logger.info("%s: %d digests planned, %d escalations, %d new messages queued, %d 签收催办", as_of,
                len(plan.digests), len(plan.escalations), len(plan.queued), len(acknowledgements))
    create_table_artifact(
        key=f"{office}-reminder-plan",
        table=[{"unit": d.unit.name, "channel": d.channel, "rung": d.rung, "tasks": len(d.tasks), "new": len(d.new)}
               for d in plan.digests] or [{"unit": "—", "channel": "—", "rung": "nothing new to announce today",
                                          "tasks": 0, "new": 0}],
        description=f"Reminder digests planned for {as_of}" + ("" if plan.workday else " (not a working day)"),
    )
    delivery = deliver_outbox(office, "reminder-sweep")
    return {"as_of": as_of.isoformat(), "queued": len(plan.queued) + len(acknowledgements), "sent": len(delivery.sent),
            "failed": len(delivery.failed), "dead": len(delivery.dead), "batches": delivery.queued_batches}
