"""The office's day in the console, in Debian's Chromium: log in, upload a document, correct and publish its
tasks, decide a unit mention, accept one completion claim and return another, approve an extension, publish the
bulletin, resend a dead message. Every page is photographed at laptop (1280 px) and phone (390 px) width;
REFORMFLOW_SCREENSHOTS=docs/screenshots keeps them.

The ledger is the demo's: the Shenzhen 2020 task list, the sample directory and the June 2020 sample reports.
"""

import os
import socket
import threading
import time
from datetime import date
from pathlib import Path

import pytest
import uvicorn
from playwright.sync_api import sync_playwright
from sqlmodel import select

from reformflow.console import web
from reformflow.console.accounts import add_user
from reformflow.console.app import install_console
from reformflow.core.settings import SAMPLES
from reformflow.intake.app import create_app
from reformflow.models import AuditEntry, Bulletin, Document, Message, MessageState, StatusReport, Task
from reformflow.notifications.message import OutgoingMessage
from reformflow.notifications.outbox import enqueue
from reformflow.parsing import extract_file
from reformflow.supervision.ledger import store_document
from reformflow.supervision.reports.collect import import_reports
from reformflow.supervision.reports.submissions import pending_reviews
from reformflow.supervision.units.assignment import assign_tasks
from reformflow.supervision.units.directory import load_directory
from tests.console.conftest import PASSWORD
from tests.console.test_documents import PLAN
from tests.factories import file_report, no_decisions, unit_named

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run", "--lang=zh-CN"]  # date and month fields in Chinese, as offices see them
DEMO_DAY = date(2020, 6, 23)
WIDTHS = {"desktop": 1280, "phone": 390}


@pytest.fixture
def demo_office(session, monkeypatch):
    monkeypatch.setattr(web, "office_today", lambda: DEMO_DAY)
    store_document(extract_file(SAMPLES / "documents" / "002_21bdac3652985b47.txt"), session=session)
    directory = load_directory(SAMPLES / "directories" / "shenzhen.yaml")
    assign_tasks(directory, no_decisions(), session=session)
    session.commit()
    import_reports(SAMPLES / "reports-2020-06.csv", directory, session=session, timezone="Asia/Shanghai")
    lead = session.exec(select(Task).where(Task.code == "30")).one().lead_mentions[0]
    request = file_report(session, "30", lead, "extension_requested", 40, day=date(2020, 6, 18),
                          requested=date(2020, 9, 30), problems="跨部门数据接口尚未打通。",
                          narrative="系统开发完成六成。")
    enqueue("demo:dead", unit_named(session, "市公安局"), "reminder", "email",
            OutgoingMessage("改革任务到期提醒", "正文", "markdown"), session=session)
    session.flush()
    dead = session.exec(select(Message).where(Message.idempotency_key == "demo:dead")).one()
    dead.state, dead.attempts, dead.last_error = MessageState.DEAD, 5, "SMTP 550 mailbox unavailable"
    add_user("wang", "admin", PASSWORD, session=session, display_name="王科长")
    session.commit()
    session.extension_id = request.id  # the request the test approves
    return session


@pytest.fixture
def server(demo_office):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    app_server = uvicorn.Server(uvicorn.Config(install_console(create_app()), host="127.0.0.1", port=port,
                                               log_level="warning"))
    thread = threading.Thread(target=app_server.run, daemon=True)
    thread.start()
    while not app_server.started:
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    app_server.should_exit = True
    thread.join(timeout=10)


def photograph(page, folder: Path, name: str) -> None:
    """The page as it is now, at both widths (the phone shot first, then back to the laptop)."""
    for label, width in (("phone", 390), ("desktop", 1280)):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=str(folder / f"console-{name}-{label}.png"), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280


def test_the_office_works_through_its_day_in_a_real_browser(server, demo_office, tmp_path):
    folder = Path(os.environ.get("REFORMFLOW_SCREENSHOTS", tmp_path))
    folder.mkdir(parents=True, exist_ok=True)
    session = demo_office
    claims = [report for report, _, _ in pending_reviews(session=session) if report.status == "completed"]
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="zh-CN")
        page.goto(f"{server}/console/review")
        assert "/console/login" in page.url
        photograph(page, folder, "login")
        page.fill("input[name=name]", "wang")
        page.fill("input[name=password]", PASSWORD)
        page.click("button:text-is('登录')")
        assert page.url.endswith("/console/review")
        page.goto(f"{server}/console/")
        assert "截至2020年6月23日" in page.content()
        photograph(page, folder, "dashboard")

        page.goto(f"{server}/console/documents")
        page.set_input_files("input[name=document]", files=[{"name": "2020-shuiwu.txt", "mimeType": "text/plain",
                                                               "buffer": PLAN.encode()}])
        page.click("button:text-is('上传并识别')")
        assert "识别任务 3 项" in page.content()
        page.fill("input[name='deadline:2']", "2020-10-31")
        page.fill("input[name='co:2']", "市公安局")
        page.click("button:text-is('保存修改')")
        assert "修改已保存" in page.content()
        photograph(page, folder, "document")
        page.click("button:text-is('确认发布到台账')")
        assert "已发布到台账" in page.content()
        photograph(page, folder, "documents")

        page.goto(f"{server}/console/ledger?light=overdue&sort=overdue&order=desc")
        photograph(page, folder, "ledger")
        page.click("table a[href^='/console/tasks/']")
        assert "办理经过" in page.content()
        photograph(page, folder, "task")

        page.goto(f"{server}/console/units")
        photograph(page, folder, "units")
        first = page.locator("section.card").filter(has=page.locator("form[action='/console/units/decide']")).first
        mention = first.locator("h3").inner_text()
        first.locator("input[name=units][type=text]").fill("市发展改革委")
        first.locator("button:text-is('确定')").click()
        assert "已记录决定并重新交办" in page.content()
        assert f"<h3 style=\"margin:.2rem 0\">{mention}</h3>" not in page.content()

        page.goto(f"{server}/console/review")
        photograph(page, folder, "review")
        accepted, returned = claims[0].id, claims[1].id
        page.locator(f"#report-{accepted} button:text-is('销号（办结）')").click()
        assert f"已对报告 {accepted} 作出决定" in page.content()
        page.fill(f"#report-{returned} textarea[name=comment]", "缺少验收材料，请补充后再申请。")
        page.locator(f"#report-{returned} button:text-is('退回')").click()
        page.locator(f"#report-{session.extension_id} button", has_text="批准延期至 2020-09-30").click()
        assert "已对报告" in page.content()

        page.goto(f"{server}/console/bulletins?period=2020-06")
        photograph(page, folder, "bulletins")
        page.click("button:text-is('发布2020年6月通报')")
        assert "通报已发布" in page.content() and "第1版" in page.content()

        page.goto(f"{server}/console/messages?state=dead")
        photograph(page, folder, "messages")
        page.click("button:text-is('重发')")
        assert "已重新排队 1 条消息" in page.content()
        page.goto(f"{server}/console/users")
        assert "重发消息" in page.content()  # the audit trail, newest first
        photograph(page, folder, "users")
        browser.close()

    session.expire_all()
    reviews = {r.id: r.review for r in session.exec(select(StatusReport).where(StatusReport.review.is_not(None)))}
    assert reviews[accepted] == "accepted" and reviews[returned] == "returned"
    assert "approved" in reviews.values()
    assert session.exec(select(Task).where(Task.code == "30")).one().extended_deadline == date(2020, 9, 30)
    assert session.exec(select(Bulletin)).one().period == "2020-06"
    assert session.exec(select(Message).where(Message.idempotency_key == "demo:dead")).one().state == "queued"
    actions = [e.action for e in session.exec(select(AuditEntry).order_by(AuditEntry.id))]
    assert actions == ["登录", "上传文件", "修改识别结果", "发布文件", "确定单位名称", "已销号", "退回", "延期已批准",
                       "发布通报", "重发消息"]
    published = session.exec(select(Task).join(Document).where(Document.source == "2020-shuiwu.txt",
                                                                Task.code == "2")).one()
    assert published.deadline == date(2020, 10, 31)
    for name in ("login", "dashboard", "document", "documents", "ledger", "task", "units", "review", "bulletins",
                 "messages", "users"):
        for width in WIDTHS:
            assert (folder / f"console-{name}-{width}.png").stat().st_size > 10_000
