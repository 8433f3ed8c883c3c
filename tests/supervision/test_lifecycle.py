"""Each transition of 交办 → 签收 → 办理 → 申请销号 → 复核 → 办结, with 延期 and 异议, as the office meets them."""

from dataclasses import replace
from datetime import date, timedelta

import pytest
from sqlmodel import select

from reformflow.core.calendar import WorkingCalendar
from reformflow.models import Assignment, EventKind, Message, MessageKind, Review, Role, StatusReport, TaskStage
from reformflow.supervision import lifecycle
from reformflow.supervision.lifecycle import TransitionError, acknowledge, decide_dispute, raise_dispute
from reformflow.supervision.reminders.plan import ReminderPolicy
from reformflow.supervision.reminders.sweep import queue_reminders
from reformflow.supervision.reports.submissions import pending_reviews, review
from reformflow.supervision.units.assignment import assign_tasks
from reformflow.supervision.units.notices import queue_acknowledgement_chases, queue_assignment_notices
from tests.factories import file_report, ledger, links, no_decisions, task, task_coded, unit_named

MONDAY = date(2020, 6, 1)
POLICY = ReminderPolicy(WorkingCalendar())


@pytest.fixture
def plan(session, tmp_path):
    """Task 1: 市公安局 leads, 市税务局 co, due 2020-06-30. Task 2: 市公安局 alone, due 2020-06-30."""
    directory = ledger(session, tmp_path, [task("1", ["市公安局"], ["市税务局"], deadline=date(2020, 6, 30)),
                                           task("2", ["市公安局"], deadline=date(2020, 6, 30)),
                                           task("3", [])])
    session.info["directory"] = directory
    return session


def stage(session, code: str) -> str:
    return task_coded(session, code).stage


def test_assignment_is_交办_and_a_task_without_units_waits_for_the_office(plan):
    assert [stage(plan, c) for c in "123"] == [TaskStage.ASSIGNED, TaskStage.ASSIGNED, TaskStage.UNASSIGNED]
    kinds = [e.kind for e in lifecycle.history(task_coded(plan, "1"), session=plan)]
    assert kinds == [EventKind.ASSIGNED]


def test_each_unit_gets_one_交办通知_listing_its_tasks_as_lead_or_co(plan):
    queued = queue_assignment_notices(MONDAY, session=plan, links=links(), within=3)
    notices = {m.subject: m.body for m in plan.exec(select(Message).where(Message.kind == MessageKind.ASSIGNMENT))}
    assert len(queued) == 2 and sorted(notices) == ["【交办通知】市公安局：2项改革任务（2020年6月1日）",
                                                    "【交办通知】市税务局：1项改革任务（2020年6月1日）"]
    police = notices["【交办通知】市公安局：2项改革任务（2020年6月1日）"]
    assert "| 牵头 |" in police and "/r/" in police and "签收" in police
    assert queue_assignment_notices(MONDAY, session=plan, links=links(), within=3) == []  # once


def test_签收_is_chased_once_after_n_working_days(plan):
    queue_assignment_notices(MONDAY, session=plan, links=links(), within=3)
    acknowledge(task_coded(plan, "2"), unit_named(plan, "市公安局"), session=plan)
    chase = {"calendar": WorkingCalendar(), "within": 3, "links": links(), "session": plan}
    assert queue_acknowledgement_chases(MONDAY + timedelta(days=2), **chase) == []  # 2 working days: not yet
    queued = queue_acknowledgement_chases(MONDAY + timedelta(days=3), **chase)
    bodies = [m.body for m in plan.exec(select(Message).where(Message.kind == MessageKind.ACKNOWLEDGEMENT_CHASE))]
    assert len(queued) == 2  # 市公安局 for task 1 (task 2 is acknowledged), 市税务局 for task 1
    assert all("任务1" in b and "任务2" not in b for b in bodies)
    assert queue_acknowledgement_chases(MONDAY + timedelta(days=4), **chase) == []  # chased once
    assert stage(plan, "2") == TaskStage.ACKNOWLEDGED


def test_a_returned_claim_stays_办理_after_a_later_co_unit_report(plan):
    claim = file_report(plan, "1", "市公安局", "completed", 100, day=date(2020, 6, 12))
    assert stage(plan, "1") == TaskStage.CLAIMED
    review(claim.id, Review.RETURNED, "缺少验收材料", session=plan)
    assert stage(plan, "1") == TaskStage.IN_PROGRESS
    file_report(plan, "1", "市税务局", "completed", 100, day=date(2020, 6, 20))
    assert stage(plan, "1") == TaskStage.IN_PROGRESS and task_coded(plan, "1").closed_at is None
    events = [(e.kind, e.actor, e.detail) for e in lifecycle.history(task_coded(plan, "1"), session=plan)]
    assert (EventKind.RETURNED, "改革办", "缺少验收材料") in events


def test_a_co_unit_claim_does_not_close_and_is_not_for_review(plan):
    co_claim = file_report(plan, "1", "市税务局", "completed", 100)
    assert stage(plan, "1") == TaskStage.IN_PROGRESS
    assert [r.id for r, _, _ in pending_reviews(session=plan)] == []
    with pytest.raises(TransitionError, match="配合单位"):
        review(co_claim.id, Review.ACCEPTED, None, session=plan)
    lead_claim = file_report(plan, "1", "市公安局", "completed", 100)
    assert [r.id for r, _, _ in pending_reviews(session=plan)] == [lead_claim.id]
    review(lead_claim.id, Review.ACCEPTED, None, session=plan)
    assert stage(plan, "1") == TaskStage.CLOSED
    with pytest.raises(TransitionError, match="已于此前审核"):
        review(lead_claim.id, Review.RETURNED, "再看看", session=plan)


def test_returning_needs_a_comment(plan):
    claim = file_report(plan, "1", "市公安局", "completed", 100)
    with pytest.raises(TransitionError, match="退回须说明"):
        review(claim.id, Review.RETURNED, None, session=plan)


def test_an_approved_extension_moves_reminders_and_keeps_the_original(plan):
    request = file_report(plan, "2", "市公安局", "extension_requested", 40, requested=date(2020, 9, 30),
                          problems="跨部门数据未打通。")
    review(request.id, Review.APPROVED, None, session=plan)
    item = task_coded(plan, "2")
    assert (item.deadline, item.extended_deadline, item.due) == (date(2020, 6, 30), date(2020, 9, 30),
                                                                  date(2020, 9, 30))
    digest = next(d for d in queue_reminders(date(2020, 6, 29), session=plan, policy=POLICY, links=links()).digests
                  if d.unit.name == "市公安局")
    assert [t.code for t in digest.tasks] == ["1"]  # task 2 is no longer due on the 30th
    assert "延至 2020-09-30" in lifecycle.history(item, session=plan)[-1].detail


def test_a_dispute_resolved_to_a_new_lead_moves_the_reminders_and_survives_reassignment(plan):
    police, tax = unit_named(plan, "市公安局"), unit_named(plan, "市税务局")
    dispute = raise_dispute(task_coded(plan, "2"), police, "属于税务职责。", tax, session=plan)
    decide_dispute(dispute, True, "同意由市税务局牵头。", session=plan)
    assign_tasks(plan.info["directory"], no_decisions(), session=plan)  # the document still names 市公安局
    roles = {(a.unit_id, a.role) for a in plan.exec(select(Assignment).where(
        Assignment.task_id == task_coded(plan, "2").id))}
    assert roles == {(tax.id, Role.LEAD)}
    digests = {d.unit.name: [t.code for t in d.tasks]
               for d in queue_reminders(date(2020, 6, 29), session=plan, policy=POLICY, links=links()).digests}
    assert "2" in digests["市税务局"] and "2" not in digests["市公安局"]


def test_a_rejected_dispute_changes_nothing_and_a_decided_one_cannot_be_decided_again(plan):
    police = unit_named(plan, "市公安局")
    dispute = raise_dispute(task_coded(plan, "1"), police, "不是我们的。", None, session=plan)
    decide_dispute(dispute, False, "职责清单载明由公安牵头。", session=plan)
    assert stage(plan, "1") == TaskStage.ASSIGNED
    with pytest.raises(TransitionError, match="已处理"):
        decide_dispute(dispute, True, None, session=plan)


def test_a_report_counts_as_签收(plan):
    file_report(plan, "2", "市公安局", "in_progress", 30)
    report = plan.exec(select(StatusReport)).one()
    assert stage(plan, "2") == TaskStage.IN_PROGRESS and report.progress == 30


def test_a_doubtful_reading_is_held_until_the_office_confirms_it(session, tmp_path):
    unsure = replace(task("1", ["市公安局"], deadline=date(2020, 6, 30)), confidence=0.55,
                     doubts=["牵头单位按默认规则推定", "完成时限含糊"])
    ledger(session, tmp_path, [unsure, task("2", ["市公安局"], deadline=date(2020, 6, 30))])
    assert [stage(session, c) for c in "12"] == [TaskStage.DRAFT, TaskStage.ASSIGNED]
    queue_assignment_notices(MONDAY, session=session, links=links(), within=3)
    notice = session.exec(select(Message).where(Message.kind == MessageKind.ASSIGNMENT)).one()
    assert "任务2" in notice.body and "任务1" not in notice.body  # nothing is sent about a doubtful task
    digest, = queue_reminders(date(2020, 6, 29), session=session, policy=POLICY, links=links()).digests
    assert [t.code for t in digest.tasks] == ["2"]
    lifecycle.confirm(task_coded(session, "1"), session=session)
    assert stage(session, "1") == TaskStage.ASSIGNED
    assert queue_assignment_notices(MONDAY, session=session, links=links(), within=3)  # now it is 交办
    kinds = [e.kind for e in lifecycle.history(task_coded(session, "1"), session=session)]
    assert kinds == [EventKind.CONFIRMED, EventKind.ASSIGNED]
    with pytest.raises(TransitionError, match="不是待确认"):
        lifecycle.confirm(task_coded(session, "1"), session=session)


def test_every_task_of_a_scanned_document_waits_for_the_office(session, tmp_path):
    from reformflow.supervision.ledger import store_document
    from tests.factories import document

    scanned = document([task("1", ["市公安局"], deadline=date(2020, 6, 30)), task("2", [])], source="scan.pdf")
    scanned.scanned = True
    store_document(scanned, session=session)
    assert [stage(session, c) for c in "12"] == [TaskStage.DRAFT, TaskStage.UNASSIGNED]  # no units: 待落实


def test_an_older_report_arriving_late_reopens_nothing(plan):
    claim = file_report(plan, "1", "市公安局", "completed", 100, day=date(2020, 6, 12))
    review(claim.id, Review.RETURNED, "缺少验收材料", session=plan)
    file_report(plan, "1", "市公安局", "in_progress", 80, day=date(2020, 6, 18))
    file_report(plan, "1", "市公安局", "completed", 100, day=date(2020, 6, 10))  # an older row of a report file
    item = task_coded(plan, "1")
    assert (item.stage, item.status, item.progress) == (TaskStage.IN_PROGRESS, "in_progress", 80)


def test_a_dispute_is_told_to_the_office_once_and_cannot_propose_the_office(plan):
    police, office = unit_named(plan, "市公安局"), unit_named(plan, "改革办")
    with pytest.raises(TransitionError, match="本单位以外的责任单位"):
        raise_dispute(task_coded(plan, "1"), police, "不是我们的。", office, session=plan)
    with pytest.raises(TransitionError, match="本单位以外的责任单位"):
        raise_dispute(task_coded(plan, "1"), police, "不是我们的。", police, session=plan)
    raise_dispute(task_coded(plan, "1"), police, "不是我们的。", None, session=plan)
    with pytest.raises(TransitionError, match="请勿重复提交"):
        raise_dispute(task_coded(plan, "1"), police, "真的不是。", None, session=plan)
    told, = plan.exec(select(Message).where(Message.kind == MessageKind.DISPUTE)).all()
    assert told.unit_id == office.id and told.subject == "【异议】市公安局对任务1提出异议"


def test_a_document_not_yet_issued_gets_no_交办通知(session, tmp_path):
    from reformflow.supervision.ledger import store_document
    from tests.factories import document

    session.info["directory"] = ledger(session, tmp_path, [task("1", ["市公安局"], deadline=date(2022, 12, 31))])
    store_document(document([task("1", ["市公安局"], deadline=date(2023, 6, 30))], source="later.txt",
                            issued_on=date(2022, 3, 1)), session=session)
    assign_tasks(session.info["directory"], no_decisions(), session=session)
    queue_assignment_notices(MONDAY, session=session, links=links(), within=3)
    body = session.exec(select(Message).where(Message.kind == MessageKind.ASSIGNMENT)).one().body
    assert body.count("| 1 |") == 1  # only the document in force on 2020-06-01


def test_新_marks_tasks_never_reminded_even_after_a_签收_chase(plan):
    queue_assignment_notices(MONDAY, session=plan, links=links(), within=3)
    queue_acknowledgement_chases(MONDAY + timedelta(days=3), session=plan, calendar=WorkingCalendar(), within=3,
                                 links=links())
    digest = next(d for d in queue_reminders(date(2020, 6, 23), session=plan, policy=POLICY, links=links()).digests
                  if d.unit.name == "市公安局")
    assert {t.code for t in digest.first} == {"1", "2"}
