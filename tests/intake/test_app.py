"""The intake page through its HTTP interface: what an agency sees and what it is refused."""

import re
import secrets
from datetime import date

import pytest
from fastapi.testclient import TestClient
from sqlmodel import select

from reformflow.core.settings import settings
from reformflow.intake.app import create_app
from reformflow.models import Evidence, StatusReport, Task, Unit
from tests.factories import ledger, make_token, task

PERIOD = "2020-06"


@pytest.fixture
def site(session, tmp_path):
    ledger(session, tmp_path, [task("1", ["市公安局"], ["市税务局"], deadline=date(2020, 6, 30)),
                               task("2", ["市税务局"], deadline=date(2020, 9, 30))])
    submitted = []
    client = TestClient(create_app(after_submit=lambda office, report_id: submitted.append((office, report_id))))
    client.submitted = submitted
    return client


def unit_slug(session, name):
    return session.exec(select(Unit).where(Unit.name == name)).one().slug


def task_id(session, code):
    return session.exec(select(Task).where(Task.code == code)).one().id


def open_page(client, token):
    page = client.get(f"/r/{token}")
    csrf = re.search(r'name="csrf" value="([^"]+)"', page.text)
    return page, csrf.group(1) if csrf else None


def post(client, token, task, csrf, files=None, **fields):
    """A form as the page renders it: each rendering carries a new one-time key."""
    data = {"csrf": csrf, "key": secrets.token_urlsafe(24), "status": "in_progress", "progress": "60",
            "narrative": "已完成系统开发。", **fields}
    return client.post(f"/r/{token}/tasks/{task}", data=data, files=files, follow_redirects=False)


def test_a_unit_sees_only_its_tasks_and_files_a_report(site, session):
    token = make_token(unit_slug(session, "市公安局"), PERIOD)
    page, csrf = open_page(site, token)
    assert page.status_code == 200 and "市公安局" in page.text
    assert "任务1" in page.text and "任务2" not in page.text
    response = post(site, token, task_id(session, "1"), csrf)
    assert response.status_code == 303
    confirmation = site.get(response.headers["location"])
    assert "已提交，谢谢" in confirmation.text
    report = session.exec(select(StatusReport)).one()
    assert (report.status, report.progress, report.period, report.source) == ("in_progress", 60, PERIOD, "web")
    assert site.submitted == [("shenzhen", report.id)]  # the event names the office whose ledger holds it


def test_the_lead_sees_what_its_co_units_filed(site, session):
    co = make_token(unit_slug(session, "市税务局"), PERIOD)
    _, csrf = open_page(site, co)
    post(site, co, task_id(session, "1"), csrf, narrative="配合完成数据对接。")
    lead_page, _ = open_page(site, make_token(unit_slug(session, "市公安局"), PERIOD))
    assert "配合单位 市税务局" in lead_page.text and "配合完成数据对接。" in lead_page.text


def test_resubmission_keeps_the_history(site, session):
    token = make_token(unit_slug(session, "市公安局"), PERIOD)
    _, csrf = open_page(site, token)
    post(site, token, task_id(session, "1"), csrf, progress="40")
    post(site, token, task_id(session, "1"), csrf, progress="70")
    assert [r.progress for r in session.exec(select(StatusReport).order_by(StatusReport.id))] == [40, 70]
    assert "本期已报送 2 次" in open_page(site, token)[0].text


@pytest.mark.parametrize(("token", "message"), [
    ("not-a-token", "链接无效"),
    (None, "链接无效"),  # signed with another key: forged
])
def test_forged_tokens_are_refused(site, session, token, message):
    if token is None:
        from itsdangerous import URLSafeTimedSerializer

        token = URLSafeTimedSerializer("attacker", salt="reformflow-report-link").dumps({"u": "unit-1", "p": PERIOD})
    page = site.get(f"/r/{token}")
    assert page.status_code == 403 and message in page.text


def test_an_expired_link_is_refused(site, session, monkeypatch):
    token = make_token(unit_slug(session, "市公安局"), PERIOD)
    monkeypatch.setattr(settings, "link_valid_days", -1)
    page = site.get(f"/r/{token}")
    assert page.status_code == 403 and "已过期" in page.text


def test_another_units_task_is_refused_and_nothing_is_stored(site, session):
    token = make_token(unit_slug(session, "市公安局"), PERIOD)
    _, csrf = open_page(site, token)
    response = post(site, token, task_id(session, "2"), csrf)
    assert response.status_code == 403 and "不属于贵单位" in response.text
    assert session.exec(select(StatusReport)).all() == []


def test_a_post_without_the_forms_csrf_token_is_refused(site, session):
    token = make_token(unit_slug(session, "市公安局"), PERIOD)
    open_page(site, token)
    response = post(site, token, task_id(session, "1"), "forged")
    assert response.status_code == 403 and session.exec(select(StatusReport)).all() == []


@pytest.mark.parametrize(("fields", "field", "message"), [
    ({"progress": "150"}, "progress", "进度应在 0 到 100 之间"),
    ({"narrative": "  "}, "narrative", "请填写进展情况"),
    ({"status": ""}, "status", "请选择任务状态"),
    ({"status": "completed", "progress": "80"}, "progress", "进度应为 100"),
    ({"status": "extension_requested", "requested_deadline": "2020-06-01", "problems": "疫情"},
     "requested_deadline", "应晚于现在的完成时限"),
])
def test_invalid_input_is_shown_inline_and_nothing_is_stored(site, session, fields, field, message):
    token = make_token(unit_slug(session, "市公安局"), PERIOD)
    _, csrf = open_page(site, token)
    response = post(site, token, task_id(session, "1"), csrf, **fields)
    assert response.status_code == 400 and message in response.text
    assert "本次内容尚未保存" in response.text
    assert session.exec(select(StatusReport)).all() == []


@pytest.mark.parametrize(("name", "content", "message"), [
    ("tool.exe", b"MZ\x90\x00", "不接受 .exe 文件"),
    ("page.html", b"<script>alert(1)</script>", "不接受 .html 文件"),
    ("fake.pdf", b"<html>not a pdf", "不是真正的 .pdf 文件"),
    ("big.pdf", b"%PDF" + b"0" * (10 * 1024 * 1024), "文件过大"),  # over 10 MB, within the request limit
])
def test_bad_uploads_are_refused(site, session, name, content, message):
    token = make_token(unit_slug(session, "市公安局"), PERIOD)
    _, csrf = open_page(site, token)
    response = post(site, token, task_id(session, "1"), csrf, files={"evidence": (name, content)})
    assert response.status_code == 400 and message in response.text
    assert session.exec(select(StatusReport)).all() == [] and session.exec(select(Evidence)).all() == []


def test_evidence_is_stored_and_only_ever_downloaded(site, session):
    token = make_token(unit_slug(session, "市公安局"), PERIOD)
    _, csrf = open_page(site, token)
    post(site, token, task_id(session, "1"), csrf, files={"evidence": ("验收报告.pdf", b"%PDF-1.4 report")})
    evidence = session.exec(select(Evidence)).one()
    download = site.get(f"/r/{token}/evidence/{evidence.public_id}")
    assert download.content == b"%PDF-1.4 report"
    assert download.headers["content-type"] == "application/octet-stream"
    assert download.headers["content-disposition"].startswith("attachment")
    other = make_token("nobody", PERIOD)  # a unit that is not in the directory
    assert site.get(f"/r/{other}/evidence/{evidence.public_id}").status_code == 403


def test_script_in_a_narrative_is_escaped_on_the_page(site, session):
    token = make_token(unit_slug(session, "市公安局"), PERIOD)
    _, csrf = open_page(site, token)
    post(site, token, task_id(session, "1"), csrf, narrative="<script>alert('x')</script>")
    page, _ = open_page(site, token)
    assert "<script>alert" not in page.text and "&lt;script&gt;alert" in page.text


def test_签收_and_异议_on_the_page_only_for_the_units_own_tasks(site, session):
    from reformflow.models import Assignment, Dispute

    police = make_token(unit_slug(session, "市公安局"), PERIOD)
    _, csrf = open_page(site, police)
    one, two = task_id(session, "1"), task_id(session, "2")
    assert site.post(f"/r/{police}/tasks/{one}/acknowledge", data={"csrf": "forged"}).status_code == 403
    assert site.post(f"/r/{police}/tasks/{two}/acknowledge", data={"csrf": csrf}).status_code == 403  # not its task
    assert site.post(f"/r/{police}/tasks/{one}/acknowledge", data={"csrf": csrf},
                     follow_redirects=False).status_code == 303
    page, _ = open_page(site, police)
    assert "贵单位已于" in page.text and "签收此任务" not in page.text
    refused = site.post(f"/r/{police}/tasks/{one}/dispute", data={"csrf": csrf, "reason": "不是我们的。",
                                                                 "proposed_lead": "改革办"})
    assert refused.status_code == 400 and "本单位以外的责任单位" in refused.text
    assert site.post(f"/r/{police}/tasks/{one}/dispute", data={"csrf": csrf, "reason": "属于税务职责。",
                     "proposed_lead": "市税务局"}, follow_redirects=False).status_code == 303
    session.expire_all()
    dispute = session.exec(select(Dispute)).one()
    assert (dispute.reason, dispute.proposed_lead_id) == ("属于税务职责。", session.exec(
        select(Unit.id).where(Unit.name == "市税务局")).one())
    acknowledged = session.exec(select(Assignment).where(Assignment.task_id == one,
                                                         Assignment.acknowledged_at.is_not(None))).all()
    assert len(acknowledged) == 1
    assert "贵单位已提出异议（待改革办决定）" in open_page(site, police)[0].text
