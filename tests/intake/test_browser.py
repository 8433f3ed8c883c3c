"""A person on the intake page, in headless Chromium (Debian's): open the link, fill the form, submit."""

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

from reformflow.intake.app import create_app
from reformflow.intake.events import ingest_inline
from reformflow.models import StatusReport, Task, Unit
from tests.factories import ledger, make_token, task

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]


@pytest.fixture
def server(session, tmp_path):
    ledger(session, tmp_path, [task("1", ["市公安局"], deadline=date(2020, 6, 30), title="升级开办企业一窗通平台")])
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    app_server = uvicorn.Server(uvicorn.Config(create_app(after_submit=ingest_inline), host="127.0.0.1", port=port,
                                               log_level="warning"))
    thread = threading.Thread(target=app_server.run, daemon=True)
    thread.start()
    while not app_server.started:
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    app_server.should_exit = True
    thread.join(timeout=10)


def test_an_agency_files_its_report_in_a_real_browser(server, session, tmp_path):
    slug = session.exec(select(Unit).where(Unit.name == "市公安局")).one().slug
    screenshots = Path(os.environ.get("REFORMFLOW_SCREENSHOTS", tmp_path))
    screenshots.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page(viewport={"width": 390, "height": 844})  # a phone
        page.goto(f"{server}/r/{make_token(slug, '2020-06')}")
        assert page.locator("h1").inner_text() == "市公安局"
        page.click("button:text-is('签收此任务')")  # 签收
        assert "贵单位已于" in page.content() and "签收此任务" not in page.content()
        page.select_option("select[name=status]", "in_progress")
        page.fill("input[name=progress]", "80")
        page.click("button:text-is('提交')")  # 进展情况 left empty
        assert "请填写进展情况" in page.content() and "本次内容尚未保存" in page.content()
        assert page.input_value("input[name=progress]") == "80"  # what was typed is kept
        page.fill("textarea[name=narrative]", "平台已完成升级，正在试运行。")
        page.fill("textarea[name=problems]", "部分部门数据接口未开放。")
        page.set_input_files("input[name=evidence]", files=[{"name": "report.pdf", "mimeType": "application/pdf",
                                                               "buffer": b"%PDF-1.4 evidence"}])
        page.click("button:text-is('提交')")
        page.wait_for_selector(".saved")
        assert "已提交，谢谢" in page.locator(".saved").inner_text()
        page.screenshot(path=str(screenshots / "intake-submitted.png"), full_page=True)
        browser.close()
    report = session.exec(select(StatusReport)).one()
    assert (report.progress, report.problems) == (80, "部分部门数据接口未开放。")
    session.expire_all()
    assert session.exec(select(Task)).one().progress == 80  # ingested: the task follows its lead's report
    assert session.exec(select(Task)).one().stage == "in_progress"  # 签收, then 办理
    assert (screenshots / "intake-submitted.png").stat().st_size > 10_000
