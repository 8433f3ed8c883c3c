"""Reminder planning with explicit dates around 2020's Dragon Boat holiday (25–27 June, 28 June worked)."""

import json
from datetime import date, timedelta

import pytest
from sqlmodel import select

from reformflow.core import db
from reformflow.core.calendar import WorkingCalendar
from reformflow.core.settings import settings
from reformflow.models import Message, Task, TaskStage, Unit
from reformflow.supervision.reminders.plan import ReminderPolicy
from reformflow.supervision.reminders.sweep import queue_reminders
from tests.factories import ledger, links, task

POLICY = ReminderPolicy(WorkingCalendar(), before=(15, 5, 1, 0), overdue_every=5, escalate_after=10)
TUESDAY = date(2020, 6, 23)


@pytest.mark.parametrize(("left", "rung"), [
    (30, None), (15, "before-15"), (7, "before-15"), (5, "before-5"), (1, "before-1"), (0, "due"),
    (-1, "overdue-0"), (-5, "overdue-0"), (-6, "overdue-5"), (-12, "overdue-10"),
])
def test_rungs_in_working_days(left, rung):
    assert POLICY.rung(left) == rung


@pytest.fixture
def reminder_ledger(session, tmp_path):
    ledger(session, tmp_path, [
        task("1", ["市公安局"], ["市税务局"], deadline=date(2020, 6, 30)),  # 4 working days left: before-5
        task("2", ["市公安局"], deadline=date(2020, 6, 22)),                # overdue by 1 working day
        task("3", ["市公安局"], deadline=date(2020, 8, 31)),                # far off
        task("4", ["市税务局"], deadline=date(2020, 6, 5)),                 # overdue by 12 working days
        task("5", ["市税务局"]),                                            # standing: no deadline reminder
        task("6", ["市公安局"], deadline=date(2020, 6, 28)),                # due on the make-up Sunday
    ], leaders={"分管副市长": ["市税务局"]})
    return session


def sweep(session, day):
    return queue_reminders(day, session=session, policy=POLICY, links=links())


def test_one_digest_per_unit_listing_its_due_and_overdue_tasks(reminder_ledger):
    plan = sweep(reminder_ledger, TUESDAY)
    digests = {d.unit.name: d for d in plan.digests}
    assert sorted(digests) == ["市公安局", "市税务局"]
    assert [(t.code, t.role, t.days_left) for t in digests["市公安局"].tasks] == [
        ("2", "lead", -1), ("6", "lead", 2), ("1", "lead", 4)]
    assert [(t.code, t.role, t.rung) for t in digests["市税务局"].tasks] == [("4", "lead", "overdue-10"),
                                                                           ("1", "co", "before-5")]
    police = reminder_ledger.exec(select(Message).where(Message.kind == "reminder",
                                                        Message.subject.contains("市公安局"))).one()
    assert "已逾期1个工作日" in police.body and "剩余4个工作日" in police.body and "任务3" not in police.body


def test_a_second_sweep_the_same_day_sends_nothing_new(reminder_ledger):
    first = sweep(reminder_ledger, TUESDAY)
    again = sweep(reminder_ledger, TUESDAY)
    assert (again.digests, again.queued) == ([], [])
    assert len(reminder_ledger.exec(select(Message)).all()) == len(first.queued)


def test_nothing_is_planned_on_a_holiday_and_the_next_working_day_catches_up(reminder_ledger):
    sweep(reminder_ledger, TUESDAY)
    sweep(reminder_ledger, date(2020, 6, 24))
    holiday = sweep(reminder_ledger, date(2020, 6, 25))
    assert (holiday.workday, holiday.digests, holiday.queued) == (False, [], [])
    make_up_sunday = sweep(reminder_ledger, date(2020, 6, 28))  # 调休: a working day, task 6 falls due
    police = next(d for d in make_up_sunday.digests if d.unit.name == "市公安局")
    assert {t.code: t.rung for t in police.new} == {"6": "due"}


def test_each_rung_is_announced_once(reminder_ledger):
    sweep(reminder_ledger, TUESDAY)
    wednesday = sweep(reminder_ledger, date(2020, 6, 24))  # only task 6 moved on, to before-1
    assert [(d.unit.name, [(t.code, t.rung) for t in d.new]) for d in wednesday.digests] == [
        ("市公安局", [("6", "before-1")])]
    assert sweep(reminder_ledger, date(2020, 6, 24)).digests == []
    due = sweep(reminder_ledger, date(2020, 6, 30))
    police = next(d for d in due.digests if d.unit.name == "市公安局")
    assert {t.code: t.rung for t in police.new} == {"1": "due", "6": "overdue-0"}


def test_reminders_stop_at_closing_not_at_a_claim(reminder_ledger):
    item = reminder_ledger.exec(select(Task).where(Task.code == "2")).one()
    item.status = "completed"  # the unit says it is done: a claim, still reminded until the office closes it
    reminder_ledger.commit()
    police = next(d for d in sweep(reminder_ledger, TUESDAY).digests if d.unit.name == "市公安局")
    assert [t.code for t in police.tasks] == ["2", "6", "1"]
    item.stage = TaskStage.CLOSED
    reminder_ledger.commit()
    later = TUESDAY + timedelta(days=7)  # the next rung, so that there is a digest to look at
    police = next(d for d in sweep(reminder_ledger, later).digests if d.unit.name == "市公安局")
    assert "2" not in [t.code for t in police.tasks]


def test_long_overdue_lead_tasks_go_to_the_supervisor_and_the_office_once(reminder_ledger):
    plan = sweep(reminder_ledger, TUESDAY)
    assert [(t.code, t.unit_name) for t in plan.escalations] == [("4", "市税务局")]
    escalations = reminder_ledger.exec(select(Message).where(Message.kind == "escalation")).all()
    assert sorted(m.idempotency_key.split(":")[1] for m in escalations) == ["leader-1", "reform-office"]
    assert all("已逾期12个工作日" in m.body and "分管副市长" in m.body for m in escalations)
    assert sweep(reminder_ledger, date(2020, 6, 24)).escalations == []


def test_a_long_digest_is_one_chat_message_with_the_most_urgent_tasks_and_a_link_to_all(session, tmp_path):
    tasks = [task(str(n), ["市公安局"], deadline=date(2020, 6, 30) - timedelta(days=n), title=f"第{n}项改革任务")
             for n in range(1, 61)]
    ledger(session, tmp_path, tasks, units={"市公安局": [("wecom", "wecombot://KEY"), ("feishu", "feishu://TOKEN")]})
    plan = sweep(session, TUESDAY)
    session.commit()  # a unit with two contacts gets a digest on each, and each rung is recorded once
    messages = {m.channel: m for m in session.exec(select(Message).where(Message.kind == "reminder"))}
    assert sorted(messages) == ["feishu", "wecom"] and len([k for k in plan.queued if "reminder" in k]) == 2
    wecom = json.loads(messages["wecom"].body)["markdown_v2"]["content"]
    card = json.dumps(json.loads(messages["feishu"].body)["card"], ensure_ascii=False)
    assert len(wecom.encode()) <= 4096 and "| 序号 | 任务 | 职责 | 时限 | 工作日 |" in wecom
    link = links().url(session.get(Unit, messages["wecom"].unit_id).slug, "2020-06").rsplit(".", 2)[0]  # not its time
    for text in (wecom, card):
        shown = {n for n in range(1, 61) if f"第{n}项改革任务" in text}
        assert shown == set(range(41, 61))  # the 20 longest overdue; the digest lists the most urgent first
        assert "另有40项未列出" in text and link in text


def test_two_sweeps_at_once_queue_each_message_once(reminder_ledger):
    import threading

    results = []

    def run():
        with db.transaction(settings.office) as own:  # as the flow task runs it: the lock is held until the commit
            results.append(sweep(own, TUESDAY))

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    queued = sorted(key for plan in results for key in plan.queued)
    assert len(queued) == len(set(queued)) > 0  # each key queued by exactly one of the sweeps
    assert len(reminder_ledger.exec(select(Message)).all()) == len(queued)


def test_each_milestone_is_reminded_like_a_deadline(session, tmp_path):
    from dataclasses import replace

    from reformflow.parsing import Milestone

    staged = replace(task("1", ["市公安局"], deadline=date(2020, 12, 31)),
                     milestones=[Milestone(date(2020, 6, 30), "6月底前完成平台建设"),
                                 Milestone(date(2020, 12, 31), "年底前全面推广")])
    ledger(session, tmp_path, [staged])
    digest, = sweep(session, TUESDAY).digests
    line, = digest.tasks
    assert (line.deadline, line.milestone, line.days_left) == (date(2020, 6, 30), "6月底前完成平台建设", 4)
    body = session.exec(select(Message)).one().body
    assert "阶段目标：6月底前完成平台建设" in body
    assert sweep(session, date(2020, 7, 7)).digests == []  # a passed milestone is not chased; the deadline is far
