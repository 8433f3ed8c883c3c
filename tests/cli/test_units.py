"""`reformflow units …` as an office clerk uses it, on the sample documents."""

import pytest
from typer.testing import CliRunner

from reformflow.cli.main import app, sample_documents
from reformflow.parsing import extract_file
from reformflow.supervision.ledger import store_document
from tests.factories import new_session

runner = CliRunner()


@pytest.fixture
def sample_ledger(session):
    """The Shenzhen office's ledger: its two sample documents (2020 and 2022)."""
    for path in sample_documents():
        if path.name.startswith(("000", "002")):
            store_document(extract_file(path), session=session)
    session.commit()


def test_check_lists_what_the_office_must_decide(sample_ledger):
    result = runner.invoke(app, ["units", "check"])
    assert result.exit_code == 0, result.output
    assert "需要办公室确认的单位名称：8 个，涉及 27 处。" in result.output
    assert "各相关单位  —— 泛指单位，需改革办确定具体单位" in result.output
    assert "出现于 12 项任务：002#37" in result.output


def test_a_decision_is_remembered_by_the_next_check(sample_ledger, data_dir):
    decided = runner.invoke(app, ["units", "decide", "各相关单位", "--units", "市发展改革委,市财政局"])
    assert decided.exit_code == 0 and (data_dir / "unit-decisions.yaml").exists()
    result = runner.invoke(app, ["units", "check"])
    assert "需要办公室确认的单位名称：7 个，涉及 15 处。" in result.output
    assert "'各相关单位' → 市发展改革委、市财政局 (decision)" in result.output


def test_deciding_for_a_unit_not_in_the_directory_is_refused(sample_ledger, data_dir):
    result = runner.invoke(app, ["units", "decide", "各相关单位", "--units", "市外星局"])
    assert result.exit_code == 1 and "市外星局" in result.output
    assert not (data_dir / "unit-decisions.yaml").exists()


def assign():
    from reformflow.core.offices import get_office
    from reformflow.supervision.units.assignment import assign_tasks
    from reformflow.supervision.units.directory import load_directory
    from reformflow.supervision.units.resolution import load_decisions

    with new_session() as session:
        office = get_office()
        assign_tasks(load_directory(office.directory), load_decisions(office.decisions_path), session=session)
        session.commit()


def test_suggest_then_confirm(sample_ledger, session):
    """A new list of the office names no units: its tasks get leads suggested from the office's own ledger."""
    from tests.factories import document, task

    unnamed = [task(str(n), []) for n in range(1, 4)]
    store_document(document(unnamed, source="新增任务.txt"), session=session)
    session.commit()
    assign()
    suggested = runner.invoke(app, ["units", "suggest"])
    assert suggested.exit_code == 0 and suggested.output.count("建议牵头") == 3
    first = suggested.output.split("新增任务.txt#1 ", 1)[1].split("\n")[1]
    lead = first.split("建议牵头：", 1)[1].split(" ")[0].split("（")[0]
    assert lead.startswith("市")  # a unit of the Shenzhen directory, learnt from the 2020 list
    confirmed = runner.invoke(app, ["units", "confirm", "新增任务.txt", "1", lead])
    assert confirmed.exit_code == 0, confirmed.output
    assert runner.invoke(app, ["units", "suggest"]).output.count("建议牵头") == 3  # not before the next assign
    assign()
    assert runner.invoke(app, ["units", "suggest"]).output.count("建议牵头") == 2


def test_remind_json_prints_the_plan_without_sending(sample_ledger, data_dir):
    import json

    assign()
    result = runner.invoke(app, ["remind", "--as-of", "2020-06-23", "--dry-run", "--json"])
    assert result.exit_code == 0, result.output
    plan = json.loads(result.output)
    police = next(d for d in plan if d["unit"] == "市公安局")
    assert police["channel"] == "outbox" and police["rung"].startswith("overdue")
    assert {"source", "code", "deadline", "role"} == set(police["tasks"][0])
    assert not (data_dir / "outbox").exists()  # a dry run sends nothing


def test_the_office_reviews_from_the_command_line(sample_ledger):
    from datetime import UTC, datetime

    from sqlmodel import select

    from reformflow.models import Assignment, StatusReport, Unit
    from reformflow.supervision.lifecycle import on_report

    assign()
    with new_session() as session:
        unit = session.exec(select(Unit).where(Unit.name == "市公安局")).one()
        lead = session.exec(select(Assignment).where(Assignment.unit_id == unit.id, Assignment.role == "lead")).first()
        report = StatusReport(task_id=lead.task_id, unit_id=unit.id, period="2020-06", status="completed",
                              progress=100, narrative="已上线。\x1b[31m", source="web",
                              submitted_at=datetime(2020, 6, 20, tzinfo=UTC))
        session.add(report)
        session.flush()
        on_report(report, session=session)
        session.commit()
        report_id = report.id
    listing = runner.invoke(app, ["reports", "review"])
    assert f"{report_id:>6} 市公安局" in listing.output and "已完成" in listing.output
    assert "\x1b" not in listing.output  # an agency's escape codes never reach the terminal
    refused = runner.invoke(app, ["reports", "review", str(report_id), "approve"])
    assert refused.exit_code == 1 and "不是销号或延期申请" in refused.output
    assert runner.invoke(app, ["reports", "review", str(report_id), "accept"]).output.strip().endswith("已销号")
    assert f"{report_id:>6}" not in runner.invoke(app, ["reports", "review"]).output
