"""The office's decisions taken in the console: each changes the ledger through the lifecycle's own functions,
shows in the task's history and is written to the audit log with who took it."""

from datetime import date

from sqlmodel import select

from reformflow.models import (
    Assignment,
    AuditEntry,
    Bulletin,
    Dispute,
    Message,
    StatusReport,
    Task,
    TaskEvent,
)
from tests.console.conftest import csrf_of, log_in
from tests.factories import task_coded, unit_named


def claim_of(session, code):
    task = task_coded(session, code)
    return session.exec(select(StatusReport).where(StatusReport.task_id == task.id)).one()


def audit_trail(session):
    session.expire_all()
    return [(e.user, e.action, e.target) for e in session.exec(select(AuditEntry).order_by(AuditEntry.id))
            if e.action != "登录"]


def test_staff_accepts_one_claim_and_returns_another_with_a_comment(client, office):
    log_in(client, "staff")
    csrf = csrf_of(client, "/console/review")
    page = client.get("/console/review").text
    assert page.index("升级一窗通平台") < page.index("推行电子发票") < page.index("推行联合验收")  # oldest first
    accepted = client.post(f"/console/review/{claim_of(office, '1').id}", data={"decision": "accept", "csrf": csrf})
    assert "已对报告" in accepted.text
    refused = client.post(f"/console/review/{claim_of(office, '2').id}", data={"decision": "return", "csrf": csrf})
    assert refused.status_code == 400 and "退回须说明缺少什么" in refused.text
    office.expire_all()
    assert task_coded(office, "2").stage == "claimed"  # a refused decision changes nothing
    client.post(f"/console/review/{claim_of(office, '2').id}",
                data={"decision": "return", "comment": "缺少验收材料", "csrf": csrf})
    office.expire_all()
    assert (task_coded(office, "1").stage, task_coded(office, "2").stage) == ("closed", "in_progress")
    assert claim_of(office, "2").review_comment == "缺少验收材料"
    history = client.get(f"/console/tasks/{task_coded(office, '2').id}").text
    assert "退回" in history and "缺少验收材料" in history
    assert audit_trail(office) == [("staff", "已销号", "报告1（任务1 升级一窗通平台）"),
                                   ("staff", "退回", "报告2（任务2 推行电子发票）")]
    remaining = client.get("/console/review").text
    assert "升级一窗通平台" not in remaining and "推行联合验收" in remaining


def test_an_approved_extension_sets_the_deadline_in_force_and_keeps_the_original(client, office):
    log_in(client, "staff")
    client.post(f"/console/review/{claim_of(office, '3').id}",
                data={"decision": "approve", "csrf": csrf_of(client)})
    office.expire_all()
    task = task_coded(office, "3")
    assert (task.deadline, task.extended_deadline) == (date(2020, 6, 15), date(2020, 8, 31))
    ledger = client.get("/console/ledger?light=overdue").text
    assert "推行联合验收" not in ledger  # no longer red as of 2020-06-23
    page = client.get(f"/console/tasks/{task.id}").text
    assert "已批准延期至 2020-08-31" in page and "2020-06-15" in page


def test_a_unit_mention_is_decided_with_a_click_and_the_task_is_assigned(client, office):
    log_in(client, "admin")
    page = client.get("/console/units").text
    assert "各有关单位" in page and "泛指单位" in page
    response = client.post("/console/units/decide", data={"mention": "各有关单位", "units": "市税务局",
                                                           "csrf": csrf_of(client)})
    assert "新增交办 1 处" in response.text
    office.expire_all()
    task = task_coded(office, "5")
    leads = office.exec(select(Assignment).where(Assignment.task_id == task.id)).all()
    assert [(a.unit_id, a.role) for a in leads] == [(unit_named(office, "市税务局").id, "lead")]
    assert task.stage == "assigned"
    notice = office.exec(select(Message).where(Message.kind == "assignment",
                                               Message.unit_id == unit_named(office, "市税务局").id)).all()
    assert notice, "the unit newly given the task is sent its 交办通知"
    assert "各有关单位" not in client.get("/console/units").text.split("未写明牵头单位")[0]


def test_an_unknown_unit_is_refused_and_nothing_is_recorded(client, office, data_dir):
    log_in(client, "staff")
    response = client.post("/console/units/decide", data={"mention": "各有关单位", "units": "市不存在局",
                                                           "csrf": csrf_of(client)})
    assert response.status_code == 400 and "单位名录中没有：市不存在局" in response.text
    assert not (data_dir / "unit-decisions.yaml").exists()


def test_a_dispute_upheld_takes_the_unit_off_the_task(client, office):
    log_in(client, "staff")
    dispute = office.exec(select(Dispute)).one()
    client.post(f"/console/disputes/{dispute.id}", data={"decision": "accept", "comment": "确属市数据局职责",
                                                         "csrf": csrf_of(client)})
    office.expire_all()
    assert office.get(Dispute, dispute.id).state == "accepted"
    assert office.exec(select(Assignment).where(Assignment.task_id == dispute.task_id)).all() == []
    assert task_coded(office, "4").stage == "unassigned"
    assert audit_trail(office) == [("staff", "异议成立", f"异议{dispute.id}")]


def test_a_bulletin_is_previewed_published_once_and_downloaded(client, office):
    log_in(client, "staff")
    preview = client.get("/console/bulletins?period=2020-06").text
    assert "截至2020年6月23日" in preview and "发布2020年6月通报" in preview
    csrf = csrf_of(client)
    client.post("/console/bulletins/publish", data={"period": "2020-06", "csrf": csrf})
    client.post("/console/bulletins/publish", data={"period": "2020-06", "csrf": csrf})  # same numbers
    office.expire_all()
    record = office.exec(select(Bulletin)).one()  # one version: the numbers did not change
    bulletins = office.exec(select(Message).where(Message.kind == "bulletin")).all()
    assert len(bulletins) == 1  # the office's outbox, once
    html = client.get(f"/console/bulletins/{record.id}/html")
    assert html.status_code == 200 and "月度通报" in html.text
    word = client.get(f"/console/bulletins/{record.id}/docx")
    assert word.content[:2] == b"PK" and "attachment" in word.headers["content-disposition"]
    future = client.post("/console/bulletins/publish", data={"period": "2020-07", "csrf": csrf})
    assert future.status_code == 400 and "尚未开始" in future.text


def test_a_dead_message_is_resent(client, office):
    log_in(client, "staff")
    page = client.get("/console/messages?state=dead").text
    assert "SMTP 服务器拒绝连接" in page and "提醒：任务即将到期" in page
    dead = office.exec(select(Message).where(Message.state == "dead")).one()
    response = client.post("/console/messages/requeue", data={"state": "dead", "ids": str(dead.id),
                                                              "csrf": csrf_of(client)})
    assert "已重新排队 1 条消息" in response.text
    office.expire_all()
    assert office.get(Message, dead.id).state == "queued"
    assert audit_trail(office)[-1][:2] == ("staff", "重发消息")


def test_the_history_of_a_task_lists_every_transition(client, office):
    log_in(client, "leader")
    task = office.exec(select(Task).where(Task.code == "1")).one()
    page = client.get(f"/console/tasks/{task.id}").text
    kinds = [e.kind for e in office.exec(select(TaskEvent).where(TaskEvent.task_id == task.id))]
    assert kinds[:2] == ["assigned", "claimed"]
    assert "交办" in page and "申请销号" in page and "平台已上线。" in page
