from datetime import UTC, date, datetime

from sqlmodel import select

from models import Document, StatusReport, Task, Unit
from supervision.ledger import store_document
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
