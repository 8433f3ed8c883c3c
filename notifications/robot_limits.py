"""Group robots accept so many messages a minute (WeCom and DingTalk 20, Feishu 100); beyond that they refuse
or, worse, answer 200 and drop. Messages over the limit wait for the window to pass."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlmodel import Session, select

from reformflow.models import Message, MessageState, take_lock, utcnow

RATE_LIMITS = {"wecom": 20, "dingtalk": 20, "feishu": 100}
RATE_WINDOW = timedelta(seconds=60)


def robot_free_at(unit_id: int, channel: str, message_id: int, *, session: Session, on_the_wire_since: datetime
                  ) -> datetime | None:
    """When the unit's robot may take this (claimed) message, or None for now. The check and the claim are one
    reservation: the robot's lock serialises concurrent batches, and messages claimed by another batch since
    `on_the_wire_since` count as sent, so two batches never both take the robot's last slot."""
    limit = RATE_LIMITS.get(channel)
    if limit is None:
        return None
    take_lock(f"robot:{unit_id}:{channel}", session=session)
    since = utcnow() - RATE_WINDOW
    same_robot = (Message.unit_id == unit_id, Message.channel == channel, Message.id != message_id)
    sent = list(session.exec(select(Message.sent_at).where(
        *same_robot, Message.state == MessageState.SENT, Message.sent_at > since)))
    in_flight = list(session.exec(select(Message.id).where(
        *same_robot, Message.state == MessageState.SENDING, Message.updated_at > on_the_wire_since)))
    taken = sorted(sent + [utcnow()] * len(in_flight))  # on the wire: as if sent now, to be safe
    return taken[-limit] + RATE_WINDOW if len(taken) >= limit else None
