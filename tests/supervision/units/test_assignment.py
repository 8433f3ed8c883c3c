from sqlmodel import select

from reformflow.models import Assignment, Unit
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
