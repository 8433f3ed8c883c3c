"""What a flow would do, shown without running it and without Prefect (`reformflow remind --dry-run`): a
read-only command starts in a second instead of importing the orchestrator it does not use."""

from __future__ import annotations

from datetime import date

from reformflow.core import db
from reformflow.flows.office import reminder_policy
from reformflow.notifications.outbox import unit_channels
from reformflow.supervision.reminders.plan import plan_reminders


def plan_as_json(office: str, as_of: date) -> list[dict]:
    """The sweep's plan without queueing anything (`reformflow remind --dry-run --json`)."""
    with db.transaction(office) as session:
        digests = plan_reminders(as_of, session=session, policy=reminder_policy(office),
                                 channels=unit_channels(session=session))
        return [{"unit": d.unit.name, "channel": d.channel, "rung": d.rung,
                 "tasks": [{"source": t.source, "code": t.code, "deadline": t.deadline.isoformat(), "role": t.role}
                           for t in d.tasks]} for d in digests]
