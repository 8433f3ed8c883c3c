"""A person on the intake page, in headless Chromium (Debian's) on a 390 px phone: the urgent tasks first, one
line each; open one, 签收, fill the form, be refused, follow the link to the field, submit."""

import os
from datetime import date
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright
from sqlmodel import select

from reformflow.intake.app import create_app
from reformflow.intake.events import ingest_inline
from reformflow.models import StatusReport, Task
from tests.factories import ledger, make_token, task, task_coded, unit_named
from tests.intake.live import serving

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def server(session, tmp_path):
    ledger(session, tmp_path, [
        task("1", ["市公安局"], deadline=date(2020, 6, 30), title="升级开办企业一窗通平台"),
        task("2", ["市公安局"], deadline=date(2020, 5, 31),
             title="推行居民身份证电子证照跨部门互认共享应用并覆盖全部政务服务事项"),
        task("3", ["市公安局"], deadline=date(2020, 12, 31), title="年底前完成户籍业务全程网办"),
        task("4", ["市公安局"], title="优化出入境证件办理流程"),
    ])
    with serving(create_app(after_submit=ingest_inline, today=lambda: date(2020, 6, 23))) as (url, _):
        yield url


def page_width(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth")


def test_an_agency_files_its_report_in_a_real_browser(server, session, tmp_path):
    screenshots = Path(os.environ.get("REFORMFLOW_SCREENSHOTS", tmp_path))
    screenshots.mkdir(parents=True, exist_ok=True)
    one = task_coded(session, "1").id
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page(viewport=PHONE)
        blocked = []
        page.on("console", lambda message: blocked.append(message.text)
                if "Content Security Policy" in message.text else None)
        page.goto(f"{server}/r/{make_token(unit_named(session, '市公安局').slug, '2020-06')}")
        assert page.locator("h1").inner_text() == "市公安局"
        assert page.locator("section h2").all_inner_texts() == ["已逾期 1 项", "近期到期 1 项", "其他任务 2 项"]
        summaries = page.locator("details.task > summary")
        assert [box["height"] < 48 for box in (s.bounding_box() for s in summaries.all())] == [True] * 4  # one line
        assert page.locator("details.task select[name=status]").first.is_visible() is False  # collapsed
        long_title = page.locator("#group-overdue .title")
        assert long_title.evaluate("e => e.scrollWidth > e.clientWidth")  # cut, with the ellipsis of the style sheet
        assert long_title.evaluate("e => getComputedStyle(e).textOverflow") == "ellipsis"
        assert page_width(page) <= PHONE["width"]  # nothing scrolls sideways
        page.screenshot(path=str(screenshots / "intake-390.png"), full_page=True)

        page.click(f"#task-{one} > summary")
        page.click(f"#task-{one} button:text-is('签收此任务')")  # 签收; the page comes back with the task open
        assert "贵单位已于" in page.locator(f"#task-{one}").inner_text()
        form = page.locator(f"#task-{one} form[enctype]")
        form.locator("select[name=status]").select_option("in_progress")
        form.locator("input[name=progress]").fill("80")
        form.locator("button:text-is('提交')").click()  # 进展情况 left empty
        summary = page.locator(".error-summary")
        assert "本次内容尚未保存" in summary.inner_text() and "进展情况：请填写进展情况" in summary.inner_text()
        assert summary.bounding_box()["y"] < 400  # at the top, where the clerk is looking
        assert page_width(page) <= PHONE["width"]
        summary.locator("a").click()
        assert page.evaluate("location.hash") == f"#narrative-{one}"
        form = page.locator(f"#task-{one} form[enctype]")
        assert form.locator("input[name=progress]").input_value() == "80"  # what was typed is kept
        form.locator("textarea[name=narrative]").fill("平台已完成升级，正在试运行。")
        form.locator("textarea[name=problems]").fill("部分部门数据接口未开放。")
        form.locator("input[name=evidence]").set_input_files(files=[{
            "name": "report.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4 evidence"}])
        form.locator("button:text-is('提交')").click()
        page.wait_for_selector(".saved")
        assert "已提交，谢谢" in page.locator(".saved").inner_text()
        assert page_width(page) <= PHONE["width"]
        page.screenshot(path=str(screenshots / "intake-submitted.png"), full_page=True)
        desktop = browser.new_page(viewport={"width": 1280, "height": 900})
        desktop.goto(page.url)
        assert desktop.locator("details.task[open] .saved").is_visible()
        desktop.screenshot(path=str(screenshots / "intake-desktop.png"), full_page=True)
        browser.close()
    assert blocked == []  # the style sheet loads under the page's CSP
    report = session.exec(select(StatusReport)).one()
    assert (report.progress, report.problems) == (80, "部分部门数据接口未开放。")
    session.expire_all()
    assert session.get(Task, one).progress == 80  # ingested: the task follows its lead's report
    assert session.get(Task, one).stage == "in_progress"  # 签收, then 办理
    assert (screenshots / "intake-submitted.png").stat().st_size > 10_000
