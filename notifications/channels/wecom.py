"""WeCom (企业微信) group robot: `markdown_v2`, the one robot format with tables.

Documented (群机器人配置说明, https://developer.work.weixin.qq.com/document/path/91770, "markdown_v2类型"):
`{"msgtype": "markdown_v2", "markdown_v2": {"content": …}}`, the content "最长不超过4096个字节，必须是utf8编码";
headings, bold, italic, lists, quotes, links, images, rules, code and tables; no font colours and no @ (those are
`markdown` only, which renders no tables). 20 messages a minute per robot (the outbox paces them).

A digest becomes a short table per document: four or five columns, the task title cut to one phone line; a long
digest shows its most urgent rows and ends with "查看全部", a link to the unit's own page (see chat.LINKED_ROWS).
"""

from __future__ import annotations

from apprise.decorators import notify

from reformflow.notifications.channels import robot
from reformflow.notifications.chat import ChatContent, Part, Splitter

LIMIT = 4096  # bytes of markdown_v2.content


def _heading(content: ChatContent, part: Part) -> str:
    numbering = f"（{part.number}/{part.total}）" if part.total > 1 else ""
    return f"### {content.title}{numbering}"


def _table(columns: tuple[str, ...], rows) -> list[str]:
    lines = ["| " + " | ".join(columns) + " |", "| " + " | ".join(":--" for _ in columns) + " |"]
    return lines + ["| " + " | ".join(row.cells) + " |" for row in rows]


def markdown(content: ChatContent, part: Part) -> str:
    blocks = [_heading(content, part)]
    if part.first and content.intro:
        blocks.append(content.intro)
    elif not part.first:
        blocks.append("（续）")
    for group, rows in part.groups():
        if group:
            blocks.append(f"**{group}**")
        blocks.append("\n".join(_table(content.columns, rows)))
    if part.hidden and content.link:
        blocks.append(f"另有{part.hidden}项未列出：[查看全部]({content.link})")
    if part.last and content.outro:
        blocks.append(content.outro)
    if content.link and not part.hidden:
        blocks.append(f"[{content.button}]({content.link})")
    return "\n\n".join(blocks)


def build(content: ChatContent, part: Part) -> dict:
    return {"msgtype": "markdown_v2", "markdown_v2": {"content": markdown(content, part)}}


def fits(payload: dict) -> bool:
    return len(payload["markdown_v2"]["content"].encode()) <= LIMIT


def payloads(content: ChatContent) -> list[dict]:
    return Splitter(build, fits).payloads(content)


def from_markdown(title: str, body: str) -> dict:
    return {"msgtype": "markdown_v2", "markdown_v2": {"content": f"### {title}\n\n{body}"}}


@notify(on="rfwecombot", name="WeCom group robot (errcode checked)")
def send(body: str, title: str, notify_type: str, meta: dict, *args, **kwargs) -> bool:
    url = f"{robot.base(meta, 'https://qyapi.weixin.qq.com')}/cgi-bin/webhook/send?key={meta['host']}"
    return robot.post("WeCom", url, body, lambda answer: (answer.get("errcode", -1), answer.get("errmsg", "")))
