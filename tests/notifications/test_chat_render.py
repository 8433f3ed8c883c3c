"""Chat robot renderings, table-driven per platform, against the request each platform documents
(`tests/notifications/robots/`: fields, the syntax it renders, its byte limit)."""

from __future__ import annotations

import json
import re

import pytest

from reformflow.notifications.render import render_for_channel
from tests.notifications.chat_cases import (
    CASES,
    DISTRICTS,
    LINK,
    PLATFORMS,
    line,
    office_escalation,
    reminder,
    text_of,
    wecom_problems,
)


@pytest.mark.parametrize("platform", PLATFORMS)
@pytest.mark.parametrize("case", CASES)
def test_every_message_is_a_documented_request_within_the_limit(platform, case):
    template, context = CASES[case]
    parts = render_for_channel(template, platform, **context)
    for part in parts:
        assert part.format == "payload"
        assert PLATFORMS[platform](json.loads(part.body)) == []


@pytest.mark.parametrize(("platform", "rows"), [("wecom", 20), ("dingtalk", 20), ("feishu", 20)])
def test_a_unit_with_60_tasks_gets_one_message_and_a_link_to_all_of_them(platform, rows):
    (part,) = [json.loads(p.body) for p in render_for_channel("reminder", platform, **reminder(60))]
    shown = [n for n in range(1, 61) if f"第{n}项改革任务" in text_of(part)]
    assert shown == list(range(1, rows + 1))  # the most urgent first, as the digest orders them
    assert f"另有{60 - rows}项未列出" in text_of(part) and "查看全部" in text_of(part) and LINK in text_of(part)


@pytest.mark.parametrize("platform", PLATFORMS)
def test_a_short_digest_is_one_message_with_a_button_to_the_units_page(platform):
    (part,) = render_for_channel("reminder", platform, **reminder(3))
    payload = json.loads(part.body)
    button = {"wecom": lambda p: re.search(r"\[报送进展（贵单位专用链接）\]\((.+?)\)", p["markdown_v2"]["content"])[1],
              "dingtalk": lambda p: p["actionCard"]["singleURL"],
              "feishu": lambda p: p["card"]["elements"][-1]["actions"][0]["url"]}[platform]
    assert button(payload) == LINK
    assert all(f"第{n}项改革任务" in text_of(payload) for n in (1, 2, 3)) and "未列出" not in text_of(payload)
    assert part.subject == "【改革任务提醒】市公安局：3项任务临近或超过完成时限"


@pytest.mark.parametrize(("platform", "messages"), [("wecom", 1), ("dingtalk", 1), ("feishu", 1)])
def test_the_offices_escalation_lists_every_task_once_with_all_its_late_units(platform, messages):
    parts = [json.loads(p.body) for p in render_for_channel("escalation", platform, **office_escalation())]
    assert len(parts) == messages
    text = "".join(text_of(p) for p in parts)
    assert text.count("为新办企业提供免费刻章服务") == 1 and all(unit in text for unit in DISTRICTS)
    assert all(f"（{code}）" in text for code in range(20, 47))
    assert "、".join(DISTRICTS) + "（分管市领导）" in text


def test_a_long_escalation_without_a_link_is_split_between_rows_and_nothing_is_left_out():
    context = office_escalation()
    context["lines"] = [line(code, -20, unit=f"市第{code}局") for code in range(1, 121)]
    parts = [json.loads(p.body)["markdown_v2"]["content"] for p in render_for_channel("escalation", "wecom", **context)]
    assert len(parts) > 1 and all(wecom_problems({"msgtype": "markdown_v2", "markdown_v2": {"content": c}}) == []
                                  for c in parts)
    assert all(sum(c.count(f"| {n} | 第{n}项改革任务") for c in parts) == 1 for n in range(1, 121))
    assert parts[0].startswith("### 【督办】120项改革任务逾期超过10个工作日（1/") and "（续）" in parts[1]


@pytest.mark.parametrize("platform", PLATFORMS)
def test_agency_text_cannot_add_links_tables_or_colours(platform):
    hostile = "推进 | 改革 **加急** [点我](http://evil.example) <font color=\"red\">红</font> #标题\n换行"
    (part,) = render_for_channel("reminder", platform, **reminder(2, title=hostile))
    payload = json.loads(part.body)
    assert PLATFORMS[platform](payload) == []
    text = text_of(payload)
    assert "](http://evil" not in text and "<font" not in text and "**加急**" not in text
    assert "推进 ｜ 改革 ＊＊加急＊＊ ［点我］" in text


def test_a_link_that_is_not_a_web_page_is_shown_as_text_not_as_a_button():
    context = dict(CASES["the bulletin summary"][1], link="file:///srv/reformflow/bulletins/2020-06/v1/bulletin.html")
    card = json.loads(render_for_channel("bulletin_summary", "feishu", **context)[0].body)["card"]
    assert all(element["tag"] != "action" for element in card["elements"])
    assert "file:///srv/reformflow/bulletins" in text_of(card)


def test_email_stays_html_and_the_local_outbox_markdown():
    (email,) = render_for_channel("reminder", "email", **reminder(3))
    (outbox,) = render_for_channel("reminder", "outbox", **reminder(3))
    assert email.format == "html" and "<table" in email.body
    assert outbox.format == "markdown" and "| 文件 | 序号 |" in outbox.body
