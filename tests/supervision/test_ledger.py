from datetime import UTC, date, datetime

from sqlmodel import select

from reformflow.models import Document, DocumentRevision, StatusReport, Task, Unit
from reformflow.supervision.ledger import store_document
from tests.factories import document, task


def test_storing_a_document_twice_adds_nothing(session):
    first = store_document(document([task("1", ["市公安局"]), task("2", ["市税务局"])]), session=session)
    second = store_document(document([task("1", ["市公安局"]), task("2", ["市税务局"])]), session=session)
    session.commit()
    assert (len(first.added), len(second.added), second.unchanged) == (2, 0, 2)
    assert len(session.exec(select(Task)).all()) == 2
    assert session.exec(select(Document)).one().revision == 1


def test_a_revised_document_updates_tasks_and_keeps_their_reports(session):
    store_document(document([task("1", ["市公安局"]), task("2", ["市税务局"])]), session=session)
    session.flush()
    unit = Unit(name="市税务局", slug="tax")
    session.add(unit)
    session.flush()
    old = session.exec(select(Task).where(Task.code == "2")).one()
    session.add(StatusReport(task_id=old.id, unit_id=unit.id, period="2020-06", status="in_progress", progress=50,
                             submitted_at=datetime(2020, 6, 1, tzinfo=UTC)))
    session.commit()

    revised = [task("2", ["市税务局"], deadline=date(2020, 9, 30)), task("3", ["市财政局"])]
    summary = store_document(document(revised), session=session)
    session.commit()

    assert (summary.added, summary.changed, summary.removed, summary.revision) == (["3"], ["2"], ["1"], 2)
    tasks = {t.code: t for t in session.exec(select(Task))}
    assert tasks["2"].id == old.id and tasks["2"].deadline == date(2020, 9, 30)
    assert tasks["1"].removed_at is not None  # kept, marked removed
    assert session.exec(select(StatusReport)).one().task_id == old.id


def test_shifted_numbering_is_matched_by_text_and_reports_follow(session):
    texts = {"1": "推行企业开办一窗通办，压缩开办时间至一日。", "2": "全面推行电子营业执照，拓展应用场景。",
             "3": "深化工程建设项目审批制度改革，压减审批时限。"}

    def doc(codes_to_texts):
        tasks = []
        for code, text in codes_to_texts.items():
            item = task(code, ["市公安局"])
            item.text = item.original_text = text
            item.title = text[:6]
            tasks.append(item)
        return document(tasks)

    store_document(doc(texts), session=session)
    session.flush()
    unit = Unit(name="市公安局", slug="police")
    session.add(unit)
    session.flush()
    third = session.exec(select(Task).where(Task.code == "3")).one()
    session.add(StatusReport(task_id=third.id, unit_id=unit.id, period="2020-06", status="in_progress", progress=40,
                             submitted_at=datetime(2020, 6, 1, tzinfo=UTC)))
    session.commit()

    new_task = "新增：建立企业服务专员制度，提供一对一帮办服务。"
    revised = {"1": texts["1"], "2": new_task, "3": texts["2"], "4": texts["3"]}
    summary = store_document(doc(revised), session=session)
    session.commit()

    assert sorted(summary.renumbered) == ["2→3", "3→4"]
    assert summary.added == ["2"] and summary.removed == []
    moved = session.exec(select(Task).where(Task.code == "4")).one()
    assert moved.id == third.id  # the same task, its report still attached
    assert session.exec(select(StatusReport)).one().task_id == moved.id
    revision = session.exec(select(DocumentRevision)).all()[-1]
    assert (revision.revision, revision.added, sorted(revision.renumbered)) == (2, ["2"], ["2→3", "3→4"])
