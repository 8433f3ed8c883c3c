"""The office's review of what agencies file: 销号, returns, extensions (the original deadline stays)."""

from datetime import date

import pytest
from sqlmodel import select

from reformflow.models import Message, StatusReport, Task, Unit, utcnow
from reformflow.supervision.reports.submissions import ingest_report, pending_reviews, review
from tests.factories import ledger, task


@pytest.fixture
def filed(session, tmp_path):
    ledger(session, tmp_path, [task("1", ["市公安局"], deadline=date(2020, 6, 30)),
                               task("2", ["市公安局"], deadline=date(2020, 6, 30))])
    unit = session.exec(select(Unit).where(Unit.name == "市公安局")).one()
    tasks = {t.code: t for t in session.exec(select(Task))}
    done = StatusReport(task_id=tasks["1"].id, unit_id=unit.id, period="2020-06", status="completed", progress=100,
                        narrative="已上线。", submitted_at=utcnow(), source="web")
    later = StatusReport(task_id=tasks["2"].id, unit_id=unit.id, period="2020-06", status="extension_requested",
                         progress=40, narrative="推进中。", problems="跨部门数据未打通。",
                         requested_deadline=date(2020, 9, 30), submitted_at=utcnow(), source="web")
    session.add_all([done, later])
    session.commit()
    return done, later


def test_ingesting_updates_the_task_and_tells_the_office(session, filed):
    done, later = filed
    assert ingest_report(done.id, session=session) and ingest_report(later.id, session=session)
    messages = session.exec(select(Message).where(Message.kind == "review")).all()
    assert sorted(m.subject.split("报告")[1] for m in messages) == ["任务1已完成，申请销号", "任务2申请延期"]
    assert session.get(Task, done.task_id).status == "completed"
    assert ingest_report(done.id, session=session) == []  # again: nothing new for the office
    assert [r.id for r, _, _ in pending_reviews(session=session)] == [done.id, later.id]


def test_accepting_a_completion_closes_the_task(session, filed):
    done, _ = filed
    review(done.id, "accepted", None, session=session)
    assert session.get(Task, done.task_id).closed_at is not None
    assert [r.id for r, _, _ in pending_reviews(session=session)] == [filed[1].id]


def test_returning_a_completion_needs_a_comment_and_reopens_the_task(session, filed):
    done, _ = filed
    with pytest.raises(ValueError, match="needs a comment"):
        review(done.id, "returned", None, session=session)
    review(done.id, "returned", "缺少验收材料", session=session)
    assert session.get(Task, done.task_id).status == "in_progress"


def test_an_approved_extension_moves_the_deadline_and_keeps_the_original(session, filed):
    _, later = filed
    review(later.id, "approved", None, session=session)
    item = session.get(Task, later.task_id)
    assert (item.deadline, item.extended_deadline, item.due) == (date(2020, 6, 30), date(2020, 9, 30),
                                                                  date(2020, 9, 30))


def test_decisions_that_do_not_fit_the_report_are_refused(session, filed):
    done, later = filed
    with pytest.raises(ValueError, match="cannot be approved"):
        review(done.id, "approved", None, session=session)
    with pytest.raises(ValueError, match="cannot be accepted"):
        review(later.id, "accepted", None, session=session)
