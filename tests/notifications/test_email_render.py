"""E-mail stays HTML, and reads on a phone: the reminder and the office's escalation in headless Chromium
(Debian's) at 390 px and at desktop width. Screenshots go to $REFORMFLOW_SCREENSHOTS when it is set."""

import os
from dataclasses import replace
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

from reformflow.notifications.render import render_for_channel
from tests.notifications.chat_cases import PLAN, office_escalation, reminder

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"]
OTHER_PLAN = "深圳市2020年优化营商环境改革重点任务清单（第二批）"


def two_documents(context: dict) -> dict:
    """The same message with its second half from another document."""
    if "digest" in context:
        tasks = context["digest"].tasks
        half = [t._replace(document=OTHER_PLAN) for t in tasks[len(tasks) // 2:]]
        return dict(context, digest=replace(context["digest"], tasks=tasks[:len(tasks) // 2] + half))
    lines = context["lines"]
    return dict(context, lines=lines[:20] + [t._replace(document=OTHER_PLAN) for t in lines[20:]])


@pytest.mark.parametrize(("template", "context"), [("reminder", reminder(8)), ("escalation", office_escalation())])
def test_an_email_reads_on_a_phone_one_table_per_document(tmp_path, template, context):
    (email,) = render_for_channel(template, "email", **two_documents(context))
    assert email.format == "html"
    screenshots = Path(os.environ.get("REFORMFLOW_SCREENSHOTS", tmp_path))
    screenshots.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        for width in (390, 1280):
            page = browser.new_page(viewport={"width": width, "height": 844})
            page.set_content(email.body)
            assert page.evaluate("document.documentElement.scrollWidth") <= width  # nothing scrolls sideways
            assert page.locator("table").count() == 2  # one per document, the title above it, not in every row
            assert page.locator(f"p > b:text-is('{PLAN}')").count() == 1
            assert page.locator("th").all_inner_texts()[:2] == ["序号", "任务"]
            page.screenshot(path=screenshots / f"email-{template}-{width}.png", full_page=True)
        browser.close()
