"""`reformflow outbox …` and `reformflow migrate` as the office and the sysadmin run them."""

from sqlalchemy import text
from sqlmodel import select
from typer.testing import CliRunner

from reformflow.cli.main import app
from reformflow.core import db
from reformflow.core.settings import settings
from reformflow.models import Message
from reformflow.notifications.message import OutgoingMessage
from reformflow.notifications.outbox import enqueue, settle_stale_claims
from reformflow.supervision.units.assignment import sync_units
from reformflow.supervision.units.directory import load_directory
from tests.factories import directory_file, new_session

runner = CliRunner()


def two_messages(session, tmp_path, states: tuple[str, str]) -> list[int]:
    directory = load_directory(directory_file(tmp_path / "d.yaml", {"市公安局": [("email", "mailto://x/?to=a@b.cn")]}))
    unit = sync_units(directory, session=session)["市公安局"]
    for n in range(len(states)):
        enqueue(f"reminder:{n}", unit, "reminder", "email", OutgoingMessage(f"提醒{n}", "正文"), session=session)
    messages = session.exec(select(Message).order_by(Message.id)).all()
    for message, state in zip(messages, states, strict=True):
        message.state = state
        session.add(message)
    session.commit()
    return [m.id for m in messages]


def test_the_in_doubt_hint_is_a_command_that_requeues_the_message(session, tmp_path, monkeypatch):
    from reformflow.notifications import outbox

    doubtful, _ = two_messages(session, tmp_path, ("sending", "sent"))
    monkeypatch.setattr(outbox, "STALE_CLAIM", outbox.timedelta(0))
    settle_stale_claims(session=session, office="shenzhen")
    session.commit()
    hint = session.get(Message, doubtful).last_error
    command = hint[hint.index("`") + 1:hint.rindex("`")].split()
    assert command[:5] == ["reformflow", "--office", "shenzhen", "outbox", "requeue"]
    assert "控制台“消息”页" in hint  # the office's own way, before the command
    result = runner.invoke(app, command[1:])  # exactly what the office is told to type
    assert result.exit_code == 0 and "1 messages queued again" in result.output
    with new_session() as fresh:
        assert fresh.get(Message, doubtful).state == "queued"


def test_requeueing_a_delivered_message_is_refused_and_says_why(session, tmp_path):
    dead, sent = two_messages(session, tmp_path, ("dead", "sent"))
    result = runner.invoke(app, ["outbox", "requeue", str(dead), str(sent)])
    assert result.exit_code == 1 and "1 of 2" in result.output and "not dead or in doubt" in result.output
    with new_session() as fresh:
        assert [fresh.get(Message, i).state for i in (dead, sent)] == ["queued", "sent"]


def test_migrate_brings_a_fresh_ledger_to_head_once(data_dir):
    first = runner.invoke(app, ["migrate"])
    second = runner.invoke(app, ["migrate"])
    assert first.exit_code == second.exit_code == 0 and first.output == second.output
    revision = first.output.split()[-1]
    with db.get_engine(settings.office).connect() as connection:
        assert connection.execute(text("SELECT version_num FROM alembic_version")).scalars().all() == [revision]
