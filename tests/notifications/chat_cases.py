"""What the chat tests share: the request each platform documents (`robots/`) and checks against it (fields, the
syntax it renders, its byte limit), and the messages to render: a unit with 60 tasks, the office's escalation …"""

from __future__ import annotations

import json
import re
from datetime import date, datetime
from pathlib import Path
from types import SimpleNamespace

from reformflow.models import Unit
from reformflow.notifications.channels.robot import encode
from reformflow.supervision.reminders.plan import Digest, TaskLine

DOCUMENTED = Path(__file__).parent / "robots"
PLAN = "深圳市2020年优化营商环境改革重点任务清单"
LINK = "https://reform.example.gov.cn/report/sz-sgaj/2020-06?token=abc"
AS_OF = date(2020, 6, 23)


def documented(name: str) -> dict:
    return json.loads((DOCUMENTED / name).read_text(encoding="utf-8"))


def shape_problems(rendered, example, path="$") -> list[str]:
    """Where a rendered request differs in shape from the documented one: a field the platform does not
    document, a documented field missing, or a value of another type. List items are compared with the
    documented item of the same `tag`."""
    if isinstance(example, dict):
        if not isinstance(rendered, dict):
            return [f"{path}: expected an object"]
        problems = [f"{path}.{key}: not a documented field" for key in rendered.keys() - example.keys()]
        problems += [f"{path}.{key}: missing" for key in example.keys() - rendered.keys()]
        return problems + [p for key in rendered.keys() & example.keys()
                           for p in shape_problems(rendered[key], example[key], f"{path}.{key}")]
    if isinstance(example, list):
        if not isinstance(rendered, list) or not rendered:
            return [f"{path}: expected a non-empty list"]
        by_tag = {item.get("tag"): item for item in example if isinstance(item, dict)}
        return [p for n, item in enumerate(rendered)
                for p in shape_problems(item, by_tag.get(item.get("tag") if isinstance(item, dict) else None,
                                                         example[0]), f"{path}[{n}]")]
    return [] if isinstance(rendered, type(example)) else [f"{path}: expected {type(example).__name__}"]


def table_problems(markdown: str) -> list[str]:
    """A Markdown table whose rows do not have the header's cells, or that lacks its separator row."""
    problems, lines = [], markdown.splitlines()
    for n, line in enumerate(lines):
        if line.startswith("|") and (n == 0 or not lines[n - 1].startswith("|")):
            width = line.count("|")
            if n + 1 >= len(lines) or not re.fullmatch(r"\|(\s*:?-+:?\s*\|)+", lines[n + 1]):
                problems.append(f"table at line {n + 1} has no separator row")
            block = [row for row in lines[n:] if row.startswith("|")]
            for row in lines[n:n + len(block)]:
                if row.count("|") != width:
                    problems.append(f"row '{row}' has another number of cells than its header")
    return problems


def wecom_problems(payload: dict) -> list[str]:
    content = payload["markdown_v2"]["content"]
    problems = shape_problems(payload, documented("wecom-markdown_v2.json")) + table_problems(content)
    if len(content.encode()) > 4096:
        problems.append(f"content is {len(content.encode())} bytes, over 4096")
    if "<font" in content or "<@" in content:
        problems.append("markdown_v2 renders no <font> and no <@userid>")
    return problems


def dingtalk_problems(payload: dict) -> list[str]:
    kind = payload["msgtype"]
    problems = shape_problems(payload, documented(f"dingtalk-{kind}.json"))
    text = payload[kind]["text"]
    if any(line.startswith("|") for line in text.splitlines()):
        problems.append("DingTalk Markdown renders no tables")
    if len(encode(payload)) > 20_000:
        problems.append(f"request body is {len(encode(payload))} bytes, over 20000")
    if kind == "actionCard" and not payload[kind]["singleURL"].startswith(("http://", "https://")):
        problems.append("the button opens no web page")
    return problems


def feishu_problems(payload: dict) -> list[str]:
    problems = shape_problems(payload, documented("feishu-interactive.json"))
    for element in payload["card"]["elements"]:
        if element["tag"] == "markdown" and any(line.startswith("|") for line in element["content"].splitlines()):
            problems.append("card JSON 1.0 Markdown renders no tables")
        for action in element.get("actions", []):
            if not action["url"].startswith(("http://", "https://")):
                problems.append("the button opens no web page")
    if len(encode(payload)) > 20_000:
        problems.append(f"request body is {len(encode(payload))} bytes, over 20000")
    return problems


PLATFORMS = {"wecom": wecom_problems, "dingtalk": dingtalk_problems, "feishu": feishu_problems}


def text_of(payload: dict) -> str:
    return json.dumps(payload, ensure_ascii=False)


UNIT_IDS: dict[str, int] = {}


def line(code: int, days_left: int, title: str | None = None, unit: str = "市公安局", role: str = "lead") -> TaskLine:
    return TaskLine(task_id=code, source="002.txt", document=PLAN, code=str(code),
                    title=title or f"第{code}项改革任务" + "推进" * 12, deadline=date(2020, 6, 30),
                    days_left=days_left, role=role, rung="before-5", unit_id=UNIT_IDS.setdefault(unit, len(UNIT_IDS)),
                    unit_name=unit)


def reminder(count: int, title: str | None = None) -> dict:
    tasks = [line(n, 4 - n % 9, title, role="lead" if n % 3 else "co") for n in range(1, count + 1)]
    digest = Digest(Unit(name="市公安局", slug="sz-sgaj"), "wecom", "before-5", tasks, tasks[:2], tasks[:2])
    return {"digest": digest, "as_of": AS_OF, "office_name": "市优化营商环境改革工作领导小组办公室", "link": LINK}


DISTRICTS = ["光明区政府", "前海管理局", "南山区政府", "坪山区政府", "大鹏新区管委会", "宝安区政府",
             "深汕特别合作区管委会", "盐田区政府", "福田区政府", "罗湖区政府", "龙华区政府", "龙岗区政府"]


def office_escalation() -> dict:
    """The demo's escalation to the office: 28 tasks 10+ working days overdue, one of them late at 12 districts."""
    lines = [line(8, -100, "为新办企业提供免费刻章服务", unit) for unit in DISTRICTS]
    lines += [line(code, -58, f"取消施工图审查（{code}）", unit=f"市第{code}局") for code in range(20, 47)]
    return {"lines": lines, "as_of": AS_OF, "after_days": 10, "recipient": SimpleNamespace(name="市改革办"),
            "supervisors": {UNIT_IDS[u]: "分管市领导" for u in DISTRICTS}}


NOTICE = SimpleNamespace(document=PLAN, code="7", title="压缩银行开户时间", role="co", deadline=date(2020, 6, 30),
                         notified=date(2020, 6, 18))
TAX = SimpleNamespace(name="市税务局")
TASK = SimpleNamespace(code="7", title="压缩银行开户时间", deadline=date(2020, 6, 30))
OVERDUE = {"document": PLAN, "code": "8", "title": "为新办企业提供免费刻章服务", "lead_units": DISTRICTS,
           "days_overdue": 100}
BULLETIN = SimpleNamespace(period_label="2020年6月", headline="截至2020年6月23日，台账共有改革任务210项……",
                           overdue=[OVERDUE] * 7)
CLAIM = SimpleNamespace(id=42, status="completed", progress=100, narrative="已上线运行", problems="",
                        requested_deadline=None, submitted_at=datetime(2020, 6, 22, 10))
CASES = {
    "a unit's 60 tasks": ("reminder", reminder(60)),
    "three tasks": ("reminder", reminder(3)),
    "the office's escalation": ("escalation", office_escalation()),
    "交办通知": ("assignment", {"unit": TAX, "tasks": [NOTICE] * 4, "within": 3, "office_name": "改革办",
                            "as_of": AS_OF, "link": LINK}),
    "签收催办": ("ack_chase", {"unit": TAX, "tasks": [NOTICE], "within": 3, "office_name": "改革办", "as_of": AS_OF,
                           "link": LINK}),
    "情况报送": ("chase", {"unit": TAX, "tasks": [NOTICE] * 2, "period": "2020-06", "cutoff": date(2020, 6, 25),
                         "link": LINK}),
    "the bulletin summary": ("bulletin_summary", {"b": BULLETIN,
                                                  "link": "https://reform.example.gov.cn/bulletins/2020-06/v1/"}),
    "异议": ("dispute", {"unit": TAX, "task": TASK, "document": SimpleNamespace(title=PLAN),
                       "proposed": SimpleNamespace(name="人民银行"),
                       "dispute": SimpleNamespace(id=3, reason="该事项属人民银行职责")}),
    "待审核": ("review_request", {"unit": TAX, "task": TASK, "report": CLAIM}),
}
