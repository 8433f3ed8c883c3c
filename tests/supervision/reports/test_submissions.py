"""What the office hears of what agencies file: the lead's completion claims and extension requests, once."""

from datetime import date

import pytest
from sqlmodel import select

from reformflow.models import Message, Review, TaskStage
from reformflow.supervision.lifecycle import TransitionError
from reformflow.supervision.reports.submissions import ingest_report, pending_reviews, review
from tests.factories import file_report, ledger, task, task_coded


@pytest.fixture
def filed(session, tmp_path):
    ledger(session, tmp_path, [task("1", ["市公安局"], ["市税务局"], deadline=date(2020, 6, 30)),
                               task("2", ["市公安局"], deadline=date(2020, 6, 30))])
    done = file_report(session, "1", "市公安局", "completed", 100, narrative="已上线。")
    later = file_report(session, "2", "市公安局", "extension_requested", 40, requested=date(2020, 9, 30),
                        problems="跨部门数据未打通。")
    co = file_report(session, "1", "市税务局", "completed", 100, narrative="配合工作已按分工推进。")
    session.commit()
    return done, later, co


def test_the_office_hears_of_the_leads_claims_and_requests_once(session, filed):
    done, later, co = filed
    assert ingest_report(done.id, session=session) and ingest_report(later.id, session=session)
    assert ingest_report(co.id, session=session) == []  # a co-unit's part: no 销号 request
    messages = session.exec(select(Message).where(Message.kind == "review")).all()
    assert sorted(m.subject.split("报告")[1] for m in messages) == ["任务1已完成，申请销号", "任务2申请延期"]
    assert task_coded(session, "1").stage == TaskStage.CLAIMED
    assert ingest_report(done.id, session=session) == []  # again: nothing new for the office
    assert [r.id for r, _, _ in pending_reviews(session=session)] == [done.id, later.id]


def test_accepting_a_claim_closes_the_task_and_leaves_the_list(session, filed):
    done, later, _ = filed
    review(done.id, Review.ACCEPTED, None, session=session)
    assert task_coded(session, "1").stage == TaskStage.CLOSED and task_coded(session, "1").closed_at
    assert [r.id for r, _, _ in pending_reviews(session=session)] == [later.id]


def test_decisions_that_do_not_fit_the_report_are_refused_in_chinese(session, filed):
    done, later, _ = filed
    with pytest.raises(TransitionError, match="不是销号或延期申请"):
        review(done.id, Review.APPROVED, None, session=session)
    with pytest.raises(TransitionError, match="不是销号或延期申请"):
        review(later.id, Review.ACCEPTED, None, session=session)
    with pytest.raises(TransitionError, match="没有编号为 999"):
        review(999, Review.ACCEPTED, None, session=session)
