from datetime import date, timedelta

import pytest
from sqlmodel import select

from models import Message, Task
from supervision.reminders import queue_reminders, rung_for

AS_OF = date(2020, 6, 23)
RUNGS = {"before": [15, 5, 1, 0], "overdue_every": 5, "escalate_after": 10}


@pytest.mark.parametrize(("days_left", "rung"), [
    (30, None), (15, "before-15"), (7, "before-15"), (5, "before-5"), (1, "before-1"), (0, "due"),
    (-1, "overdue-0"), (-4, "overdue-0"), (-5, "overdue-5"), (-12, "overdue-10"),
])
def test_rungs(days_left, rung):
    assert rung_for(days_left, [15, 5, 1, 0], 5) == rung


@pytest.fixture
def reminder_ledger(session, tmp_path):
    from tests.factories import ledger, task

    ledger(session, tmp_path, [
        task("1", ["市公安局"], ["市税务局"], deadline=AS_OF + timedelta(days=3)),
        task("2", ["市公安局"], deadline=AS_OF - timedelta(days=1)),
        task("3", ["市公安局"], deadline=AS_OF + timedelta(days=40)),
        task("4", ["市税务局"], deadline=AS_OF - timedelta(days=12)),
        task("5", ["市税务局"]),  # standing: no deadline, no deadline reminder
    ])
    return session


def sweep(session, day):
    return queue_reminders(day, session=session, before=RUNGS["before"], overdue_every=RUNGS["overdue_every"],
                           escalate_after=RUNGS["escalate_after"])


def test_one_digest_per_unit_listing_its_due_and_overdue_tasks(reminder_ledger):
    plan = sweep(reminder_ledger, AS_OF)
    digests = {d.unit.name: d for d in plan.digests}
    assert sorted(digests) == ["市公安局", "市税务局"]
    assert [(t.code, t.role) for t in digests["市公安局"].tasks] == [("2", "lead"), ("1", "lead")]
    assert [(t.code, t.role) for t in digests["市税务局"].tasks] == [("4", "lead"), ("1", "co")]
    messages = reminder_ledger.exec(select(Message).where(Message.kind == "reminder")).all()
    assert len(messages) == 2
    police = next(m for m in messages if "市公安局" in m.subject)
    assert "已逾期1天" in police.body and "剩余3天" in police.body and "任务3" not in police.body


def test_a_second_sweep_the_same_day_sends_nothing_new(reminder_ledger):
    sweep(reminder_ledger, AS_OF)
    again = sweep(reminder_ledger, AS_OF)
    assert (again.digests, again.queued) == ([], [])
    assert len(reminder_ledger.exec(select(Message)).all()) == 3  # two digests and one escalation


def test_a_rung_is_announced_once_and_the_next_rung_again(reminder_ledger):
    sweep(reminder_ledger, AS_OF)
    assert sweep(reminder_ledger, AS_OF + timedelta(days=1)).digests == []  # still before-5 and overdue-0
    due_day = sweep(reminder_ledger, AS_OF + timedelta(days=3))
    new = {d.unit.name: {t.code: t.rung for t in d.new} for d in due_day.digests}
    assert new == {"市公安局": {"1": "due"}, "市税务局": {"1": "due", "4": "overdue-15"}}


def test_missed_days_are_caught_up(reminder_ledger):
    plan = sweep(reminder_ledger, AS_OF + timedelta(days=10))  # the sweep did not run for ten days
    police = next(d for d in plan.digests if d.unit.name == "市公安局")
    assert {t.code: t.rung for t in police.new} == {"1": "overdue-5", "2": "overdue-10"}


def test_completed_tasks_are_not_reminded(reminder_ledger):
    task = reminder_ledger.exec(select(Task).where(Task.code == "2")).one()
    task.status = "completed"
    reminder_ledger.commit()
    police = next(d for d in sweep(reminder_ledger, AS_OF).digests if d.unit.name == "市公安局")
    assert [t.code for t in police.tasks] == ["1"]


def test_long_overdue_tasks_are_escalated_to_the_office_once(reminder_ledger):
    plan = sweep(reminder_ledger, AS_OF)
    assert [(t.code, t.unit_name) for t in plan.escalations] == [("4", "市税务局")]
    escalation = reminder_ledger.exec(select(Message).where(Message.kind == "escalation")).one()
    assert "市税务局分管领导" in escalation.body and "已逾期12天" in escalation.body
    assert sweep(reminder_ledger, AS_OF + timedelta(days=1)).escalations == []
