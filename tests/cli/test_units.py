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
    for path in sample_documents():
        store_document(extract_file(path), session=session)
    session.commit()


def test_check_lists_what_the_office_must_decide(sample_ledger):
    result = runner.invoke(app, ["units", "check"])
    assert result.exit_code == 0, result.output
    assert "需要办公室确认的单位名称：9 个，涉及 28 处。" in result.output
    assert "各相关单位  —— 泛指单位，需改革办确定具体单位" in result.output
    assert "出现于 12 项任务：002#37" in result.output
    assert "未写明责任单位的任务 66 项（001：38 项，003：28 项）" in result.output


def test_a_decision_is_remembered_by_the_next_check(sample_ledger, data_dir):
    decided = runner.invoke(app, ["units", "decide", "各相关单位", "--units", "市发展改革委,市财政局"])
    assert decided.exit_code == 0 and (data_dir / "unit-decisions.yaml").exists()
    result = runner.invoke(app, ["units", "check"])
    assert "需要办公室确认的单位名称：8 个，涉及 16 处。" in result.output
    assert "'各相关单位' → 市发展改革委、市财政局 (decision)" in result.output


def test_deciding_for_a_unit_not_in_the_directory_is_refused(sample_ledger, data_dir):
    result = runner.invoke(app, ["units", "decide", "各相关单位", "--units", "市外星局"])
    assert result.exit_code == 1 and "市外星局" in result.output
    assert not (data_dir / "unit-decisions.yaml").exists()


def assign():
    from reformflow.core.settings import settings
    from reformflow.supervision.units.assignment import assign_tasks
    from reformflow.supervision.units.directory import load_directory
    from reformflow.supervision.units.resolution import load_decisions

    with new_session() as session:
        assign_tasks(load_directory(settings.directory_file), load_decisions(settings.decisions_path),
                     session=session)
        session.commit()


def test_suggest_then_confirm(sample_ledger):
    assign()
    suggested = runner.invoke(app, ["units", "suggest"])
    assert suggested.exit_code == 0
    expected = "001_c110c19f1d91e6ad.txt#3 打造数据要素市场化配置改革先行地\n    建议牵头：市政务服务数据管理局"
    assert expected in suggested.output
    assert suggested.output.count("建议牵头") == 66
    confirmed = runner.invoke(app, ["units", "confirm", "001_c110c19f1d91e6ad.txt", "3", "市政务服务数据管理局"])
    assert confirmed.exit_code == 0
    assert runner.invoke(app, ["units", "suggest"]).output.count("建议牵头") == 66  # not before the next assign
    assign()
    assert runner.invoke(app, ["units", "suggest"]).output.count("建议牵头") == 65


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
