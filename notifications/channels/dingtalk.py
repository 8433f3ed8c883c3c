"""DingTalk (钉钉) group robot: `actionCard` with a button to the unit's page, `markdown` when there is no link.

Documented (自定义机器人发送群消息, https://open.dingtalk.com/document/robots/custom-robot-access): the robot's
Markdown renders headings, quotes, bold, italic, links, images and ordered/unordered lists, no tables, so rows are
list lines. `actionCard` is `{"title", "text" (that Markdown), "singleTitle", "singleURL", "btnOrientation"}`;
`title` is what the conversation list and the notification show. A request body over 20,000 bytes is refused
(errcode 460101, "message too long, exceed 20000 bytes"). 20 messages a minute per robot, then 10 minutes
throttled. Signed robots (加签) carry `timestamp` and `sign` in the URL.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import time
import urllib.parse

from apprise.decorators import notify

from reformflow.notifications.channels import robot
from reformflow.notifications.chat import ChatContent, Part, Splitter

LIMIT = 20_000  # bytes of the request body


def _title(content: ChatContent, part: Part) -> str:
    return content.title + (f"（{part.number}/{part.total}）" if part.total > 1 else "")


def markdown(content: ChatContent, part: Part) -> str:
    blocks = [f"#### {_title(content, part)}"]
    if part.first and content.intro:
        blocks.append(content.intro)
    elif not part.first:
        blocks.append("（续）")
    for group, rows in part.groups():
        if group:
            blocks.append(f"**{group}**")
        blocks.append("\n".join(f"- {row.line}" for row in rows))
    if part.hidden:
        blocks.append(f"另有{part.hidden}项未列出，请点击下方“查看全部”。")
    if part.last and content.outro:
        blocks.append(content.outro)
    return "\n\n".join(blocks)


def build(content: ChatContent, part: Part) -> dict:
    title, text = _title(content, part), markdown(content, part)
    if not content.link:
        return {"msgtype": "markdown", "markdown": {"title": title, "text": text}}
    button = "查看全部" if part.hidden else content.button
    return {"msgtype": "actionCard", "actionCard": {"title": title, "text": text, "btnOrientation": "0",
                                                    "singleTitle": button, "singleURL": content.link}}


def fits(payload: dict) -> bool:
    return len(robot.encode(payload)) <= LIMIT


def payloads(content: ChatContent) -> list[dict]:
    return Splitter(build, fits).payloads(content)


def from_markdown(title: str, body: str) -> dict:
    text = f"#### {title}\n\n{robot.tables_as_lists(body)}"
    return {"msgtype": "markdown", "markdown": {"title": title, "text": text}}


def _signature(secret: str) -> str:
    timestamp = str(round(time.time() * 1000))
    digest = hmac.new(secret.encode(), f"{timestamp}\n{secret}".encode(), hashlib.sha256).digest()
    return f"&timestamp={timestamp}&sign={urllib.parse.quote_plus(base64.b64encode(digest))}"


@notify(on="rfdingtalk", name="DingTalk group robot (errcode checked)")
def send(body: str, title: str, notify_type: str, meta: dict, *args, **kwargs) -> bool:
    url = f"{robot.base(meta, 'https://oapi.dingtalk.com')}/robot/send?access_token={meta['host']}"
    if meta.get("user"):  # the robot's signing secret (加签)
        url += _signature(meta["user"])
    return robot.post("DingTalk", url, body, lambda answer: (answer.get("errcode", -1), answer.get("errmsg", "")))
