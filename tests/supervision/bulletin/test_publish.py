"""Publishing is all or nothing (issue #17): a failure while writing leaves the published versions as they
were, no half-written folder, and no record; the office is told (see tests/flows/test_bulletin_flow.py)."""

import json
from datetime import date
from pathlib import Path

import pytest
from sqlmodel import select

from reformflow.core.calendar import WorkingCalendar
from reformflow.models import Bulletin, Message
from reformflow.supervision.bulletin import publish
from reformflow.supervision.bulletin.compute import compute_bulletin
from reformflow.supervision.bulletin.publish import publish_bulletin, queue_publish_failure
from tests.factories import ledger, new_session, task

AS_OF = date(2020, 6, 23)


@pytest.fixture
def data(session, tmp_path):
    ledger(session, tmp_path, [task("1", ["A局"], deadline=date(2020, 5, 29)), task("2", ["B局"])])
    return compute_bulletin("2020-06", AS_OF, session=session, calendar=WorkingCalendar())


def changed(data: dict) -> dict:
    return {**data, "totals": {**data["totals"], "overdue": data["totals"]["overdue"] + 1}}


def folder_listing(data_dir: Path) -> list[str]:
    return sorted(path.name for path in (data_dir / "bulletins" / "2020-06").iterdir())


def test_a_failure_while_writing_leaves_the_previous_version_and_no_folder(data, session, data_dir, monkeypatch):
    first = publish_bulletin(data, data_dir / "bulletins", session=session)
    session.commit()
    before = {path.name: path.read_bytes() for path in Path(first.record.html_path).parent.iterdir()}

    def broken_docx(*args):
        Path(args[2]).write_bytes(b"PK\x03\x04 half a notice")  # python-docx dies mid-file, as it did on \x0b
        raise ValueError("All strings must be XML compatible")

    monkeypatch.setattr(publish, "write_docx", broken_docx)
    with pytest.raises(ValueError, match="XML compatible"):
        publish_bulletin(changed(data), data_dir / "bulletins", session=session)
    session.rollback()

    assert folder_listing(data_dir) == ["v1"]  # no v2, no staging folder left behind
    assert {path.name: path.read_bytes() for path in Path(first.record.html_path).parent.iterdir()} == before
    assert [b.version for b in session.exec(select(Bulletin))] == [1]


def test_a_rolled_back_transaction_takes_its_folder_with_it(data, data_dir):
    with new_session() as session:
        published = publish_bulletin(data, data_dir / "bulletins", session=session)
        assert Path(published.record.docx_path).exists()  # in place before the commit, readable at once
        session.rollback()  # e.g. queueing the messages failed after the files were written
    assert folder_listing(data_dir) == []
    with new_session() as session:
        assert session.exec(select(Bulletin)).all() == []


def test_a_committed_version_stays_after_later_savepoints(data, data_dir):
    with new_session() as session:
        published = publish_bulletin(data, data_dir / "bulletins", session=session)
        with session.begin_nested():  # as enqueue does: releasing a savepoint is not the commit
            pass
        session.commit()
    assert Path(published.record.json_path).exists() and folder_listing(data_dir) == ["v1"]


def test_a_folder_left_without_a_record_makes_way(data, session, data_dir):
    orphan = data_dir / "bulletins" / "2020-06" / "v1"
    orphan.mkdir(parents=True)
    (orphan / "bulletin.html").write_text("half written", encoding="utf-8")

    published = publish_bulletin(data, data_dir / "bulletins", session=session)
    session.commit()

    assert folder_listing(data_dir) == ["v1"]
    assert json.loads(Path(published.record.json_path).read_text(encoding="utf-8"))["period"] == "2020-06"
    assert "half written" not in Path(published.record.html_path).read_text(encoding="utf-8")


def test_the_office_is_told_once_a_day_naming_the_error(data, session):
    error = "ValueError: All strings must be XML compatible"
    first = queue_publish_failure("2020-06", AS_OF, error, session=session)
    again = queue_publish_failure("2020-06", AS_OF, error, session=session)
    assert len(first) == 1 and again == []
    message = session.exec(select(Message)).all()[-1]
    assert message.subject == "【月度通报未生成】2020年6月月度通报生成失败"
    assert "错误：ValueError: All strings must be XML compatible" in message.body
    assert "reformflow bulletin --period 2020-06" in message.body
