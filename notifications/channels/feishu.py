"""Feishu / Lark (飞书) group robot: an interactive card with a coloured header, Markdown blocks and a button.

Documented (自定义机器人使用指南, https://open.feishu.cn/document/client-docs/bot-v3/add-custom-bot): a card is
sent as `{"msg_type": "interactive", "card": {…}}`, and "请求体的数据大小不能超过 20 KB" (taken here as 20,000
bytes, the stricter reading). The card is JSON 1.0 (消息卡片: `config`, `header` with a `plain_text` title and a
colour `template`, `elements`), which every client version shows; its `markdown` element renders bold, links,
lists and rules but no tables (tables need card JSON 2.0, shown only by clients 7.20 and later), so rows are list
lines. The button is an `action` element with a `button` that opens `url`. 100 messages a minute per robot.
A robot with 签名校验 (`feishu://SECRET@TOKEN`) gets `timestamp` and `sign` in the body, made when it is sent.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import time

from apprise.decorators import notify

from reformflow.notifications.channels import robot
from reformflow.notifications.chat import ChatContent, Part, Splitter

LIMIT = 20_000  # bytes of the request body
SIGNATURE_ROOM = 100  # bytes kept for `timestamp` and `sign`, added when the message is sent
TONES = {"red": "red", "orange": "orange", "blue": "blue"}


def _markdown(text: str) -> dict:
    return {"tag": "markdown", "content": text}


def _button(label: str, url: str) -> dict:
    return {"tag": "action", "actions": [{"tag": "button", "text": {"tag": "plain_text", "content": label},
                                          "type": "primary", "url": url}]}


def elements(content: ChatContent, part: Part) -> list[dict]:
    items = []
    if part.first and content.intro:
        items.append(_markdown(content.intro))
    elif not part.first:
        items.append(_markdown("（续）"))
    for group, rows in part.groups():
        lines = ([f"**{group}**"] if group else []) + [f"- {row.line}" for row in rows]
        items.append(_markdown("\n".join(lines)))
    if part.hidden:
        items.append(_markdown(f"另有{part.hidden}项未列出，请点击“查看全部”。"))
    if part.last and content.outro:
        items += [{"tag": "hr"}, _markdown(content.outro)]
    if content.link:
        items.append(_button("查看全部" if part.hidden else content.button, content.link))
    return items


def build(content: ChatContent, part: Part) -> dict:
    title = content.title + (f"（{part.number}/{part.total}）" if part.total > 1 else "")
    card = {"config": {"wide_screen_mode": True},
            "header": {"template": TONES.get(content.tone, "blue"), "title": {"tag": "plain_text", "content": title}},
            "elements": elements(content, part)}
    return {"msg_type": "interactive", "card": card}


def fits(payload: dict) -> bool:
    return len(robot.encode(payload)) <= LIMIT - SIGNATURE_ROOM


def payloads(content: ChatContent) -> list[dict]:
    return Splitter(build, fits).payloads(content)


def from_markdown(title: str, body: str) -> dict:
    return {"msg_type": "interactive",
            "card": {"config": {"wide_screen_mode": True},
                     "header": {"template": "blue", "title": {"tag": "plain_text", "content": title}},
                     "elements": [_markdown(robot.tables_as_lists(body))]}}


def signature(secret: str) -> dict:
    """签名校验: the HMAC-SHA256 keyed with `timestamp\nsecret` of nothing, in Base64."""
    timestamp = str(int(time.time()))
    digest = hmac.new(f"{timestamp}\n{secret}".encode(), b"", hashlib.sha256).digest()
    return {"timestamp": timestamp, "sign": base64.b64encode(digest).decode()}


@notify(on="rffeishu", name="Feishu/Lark group robot (code checked)")
def send(body: str, title: str, notify_type: str, meta: dict, *args, **kwargs) -> bool:
    url = f"{robot.base(meta, 'https://open.feishu.cn')}/open-apis/bot/v2/hook/{meta['host']}"
    signed = signature(meta["user"]) if meta.get("user") else None
    return robot.post("Feishu", url, body,
                      lambda answer: (answer.get("code", answer.get("StatusCode", -1)), answer.get("msg", "")), signed)
