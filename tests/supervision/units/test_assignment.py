from sqlalchemy import event
from sqlmodel import select

from reformflow.core import db
from reformflow.core.settings import settings
from reformflow.models import Assignment, Task, TaskEvent, Unit
from reformflow.supervision.ledger import store_document
from reformflow.supervision.units.assignment import assign_tasks
from reformflow.supervision.units.directory import MentionProblem, load_directory
from tests.factories import directory_file, document, ledger, no_decisions, outbox_units, task


def assignments(session):
    names = {u.id: u.name for u in session.exec(select(Unit))}
    return sorted((names[a.unit_id], a.role) for a in session.exec(select(Assignment)))


def test_groups_fan_out_and_lead_wins_over_co(session, tmp_path):
    ledger(session, tmp_path, [task("1", ["各区政府"], ["市财政局", "福田区政府"])],
           groups={"各区政府": ["福田区政府", "南山区政府"]})
    assert assignments(session) == [("南山区政府", "lead"), ("市财政局", "co"), ("福田区政府", "lead")]


def test_assigning_twice_changes_nothing(session, tmp_path):
    directory = ledger(session, tmp_path, [task("1", ["市公安局"], ["市税务局"])])
    again = assign_tasks(directory, no_decisions(), session=session)
    assert (again.added, again.changed, again.removed) == ([], [], [])
    assert len(assignments(session)) == 2


def test_a_changed_document_updates_assignments_and_says_why(session, tmp_path):
    directory = ledger(session, tmp_path, [task("1", ["市公安局"], ["市税务局"])])
    store_document(document([task("1", ["市税务局"], [])]), session=session)
    summary = assign_tasks(directory, no_decisions(), session=session)
    assert summary.changed == ["plan.txt#1 → 市税务局: co → lead"]
    assert summary.removed == ["plan.txt#1 → 市公安局: no longer named"]
    assert assignments(session) == [("市税务局", "lead")]


def test_placeholders_and_unknown_names_go_to_review(session, tmp_path):
    store_document(document([task("1", ["市公安局", "各有关单位", "市外星局"])]), session=session)
    directory = load_directory(directory_file(tmp_path / "d.yaml", outbox_units("市公安局"),
                                              placeholders=["各有关单位"]))
    summary = assign_tasks(directory, no_decisions(), session=session)
    assert [(r.mention, r.reason) for r in summary.review] == [
        ("各有关单位", MentionProblem.PLACEHOLDER), ("市外星局", MentionProblem.NOT_IN_DIRECTORY)]
    assert assignments(session) == [("市公安局", "lead")]


def test_a_re_run_reads_and_compares_and_writes_nothing(session, tmp_path):
    directory = ledger(session, tmp_path, [task(str(n), ["市公安局"], ["市税务局", "各区政府"]) for n in range(1, 30)],
                       groups={"各区政府": ["福田区政府", "南山区政府"]})
    writes = []

    def count(conn, cursor, statement, *args):
        if statement.lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE", "COPY")):
            writes.append(statement)

    event.listen(db.get_engine(settings.office), "before_cursor_execute", count)
    try:
        again = assign_tasks(directory, no_decisions(), session=session)
        session.flush()
    finally:
        event.remove(db.get_engine(settings.office), "before_cursor_execute", count)
    assert (again.added, again.changed, again.removed, writes) == ([], [], [], [])
    assert len(assignments(session)) == 29 * 4


def test_a_task_that_loses_its_lead_waits_for_the_office_and_one_that_gains_it_is_assigned(session, tmp_path):
    directory = ledger(session, tmp_path, [task("1", ["市公安局"]), task("2", [], ["市税务局"])])
    assert [t.stage for t in session.exec(select(Task).order_by(Task.id))] == ["assigned", "unassigned"]
    store_document(document([task("1", [], ["市公安局"]), task("2", ["市税务局"])]), session=session)
    assign_tasks(directory, no_decisions(), session=session)
    assert [t.stage for t in session.exec(select(Task).order_by(Task.id))] == ["unassigned", "assigned"]
    events = session.exec(select(TaskEvent.task_id, TaskEvent.kind, TaskEvent.detail).order_by(TaskEvent.id)).all()
    assert [tuple(e) for e in events][-2:] == [(1, "unassigned", "没有牵头单位"), (2, "assigned", "")]
