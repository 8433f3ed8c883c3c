from datetime import UTC, date, datetime
from pathlib import Path

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


# Revisions (issue #17): a task list revised over time (滚动研提) deletes, inserts, moves and edits tasks at once.
MEASURE_TEXTS = {
    "A": "推行企业开办一窗通办，压缩开办时间至一日。", "B": "全面推行电子营业执照，拓展应用场景。",
    "C": "深化工程建设项目审批制度改革，压减审批时限至九十个工作日。",
    "D": "建立不动产登记一网通办平台，实现登记缴税一次办结。",
    "E": "推进水电气报装联合办理，取消外线工程行政审批。", "F": "健全信用修复机制，公布修复流程和办理时限。",
    "X": "新增：建立企业服务专员制度，提供一对一帮办服务。",
    "C edited": "深化工程建设项目审批制度改革，压减审批时限至八十个工作日。",
}


def numbered(*keys: str):
    """A document whose tasks, numbered 1, 2, … in order, carry these measures (one line each, as in a file)."""
    tasks = []
    for number, key in enumerate(keys, start=1):
        item = task(str(number), ["市公安局"])
        item.text = item.original_text = MEASURE_TEXTS[key]
        item.title, item.line = MEASURE_TEXTS[key][:8], number + 2
        tasks.append(item)
    return document(tasks)


def report_on(session, code: str) -> int:
    unit = session.exec(select(Unit)).first() or Unit(name="市公安局", slug="police")
    session.add(unit)
    session.flush()
    item = session.exec(select(Task).where(Task.code == code)).one()
    session.add(StatusReport(task_id=item.id, unit_id=unit.id, period="2020-06", status="in_progress", progress=30,
                             submitted_at=datetime(2020, 6, 1, tzinfo=UTC)))
    return item.id


def test_a_revision_that_deletes_a_task_and_renumbers_the_rest_imports(session):
    store_document(numbered("A", "B", "C", "D", "E"), session=session)
    d_id = report_on(session, "4")
    session.commit()

    summary = store_document(numbered("A", "C", "D", "E"), session=session)
    session.commit()

    assert (summary.added, summary.changed, summary.removed) == ([], [], ["2"])
    assert sorted(summary.renumbered) == ["3→2", "4→3", "5→4"]
    tasks = {t.code: t for t in session.exec(select(Task))}
    assert tasks["3"].id == d_id and session.exec(select(StatusReport)).one().task_id == d_id
    assert tasks["2（已删除）"].text == MEASURE_TEXTS["B"] and tasks["2（已删除）"].removed_at is not None
    assert [t.text for t in sorted(tasks.values(), key=lambda t: t.code) if t.removed_at is None] == [
        MEASURE_TEXTS[k] for k in "ACDE"]


def test_any_mix_of_insertions_deletions_moves_and_edits_imports_and_reports_follow(session):
    store_document(numbered("A", "B", "C", "D", "E", "F"), session=session)
    ids = {key: report_on(session, code) for key, code in (("C", "3"), ("D", "4"), ("E", "5"))}
    session.commit()

    # B and F deleted, X inserted where B was, C edited, D and E swapped.
    summary = store_document(numbered("A", "X", "C edited", "E", "D"), session=session)
    session.commit()

    assert (summary.added, summary.changed, sorted(summary.removed)) == (["2"], ["3"], ["2", "6"])
    assert (sorted(summary.renumbered), summary.unchanged) == (["4→5", "5→4"], 3)
    live = {t.code: t for t in session.exec(select(Task).where(Task.removed_at.is_(None)))}
    assert (live["3"].id, live["5"].id, live["4"].id) == (ids["C"], ids["D"], ids["E"])
    assert live["3"].text == MEASURE_TEXTS["C edited"]
    assert {r.task_id for r in session.exec(select(StatusReport))} == set(ids.values())
    revision = session.exec(select(DocumentRevision)).all()[-1]
    assert (revision.added, revision.changed, sorted(revision.removed)) == (["2"], ["3"], ["2", "6"])

    # The deleted B comes back in a later revision: the same task (its history), not a new one.
    b_id = session.exec(select(Task).where(Task.text == MEASURE_TEXTS["B"])).one().id
    again = store_document(numbered("A", "B", "X", "C edited", "E", "D"), session=session)
    session.commit()
    assert session.exec(select(Task).where(Task.code == "2")).one().id == b_id
    assert again.added == [] and len(session.exec(select(Task)).all()) == 7


def test_the_revision_record_counts_only_real_changes_on_a_real_document(session):
    """One deadline changed and a line added to the preface (which moves every task's line): 1 changed, not 206."""
    import reformflow
    from reformflow.parsing import extract_text

    path = Path(reformflow.__file__).parent / "samples" / "documents" / "002_21bdac3652985b47.txt"
    text = path.read_text(encoding="utf-8")
    store_document(extract_text(path.name, text), session=session)
    session.commit()
    line = next(line for line in text.splitlines() if "压缩银行开户时间" in line)
    revised = text.replace(line, line.replace("2020年6月底", "2020年9月底"), 1)
    revised = revised.replace("\n", "\n本清单根据工作进展滚动调整。\n", 1)

    summary = store_document(extract_text(path.name, revised), session=session)
    session.commit()

    assert (summary.changed, summary.added, summary.removed, summary.renumbered) == (["7"], [], [], [])
    revision = session.exec(select(DocumentRevision)).all()[-1]
    assert (revision.revision, revision.changed) == (2, ["7"])
    # the line itself is kept current
    assert [t.line for t in session.exec(select(Task).where(Task.code == "8"))] == [59]
