"""Rendering: Jinja2 templates in `templates/` produce OutgoingMessage objects. Nothing here sends."""

from __future__ import annotations

from datetime import date
from functools import lru_cache

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from reformflow.models import DISPUTE_LABELS, REVIEW_LABELS, STAGE_LABELS, STATUS_LABELS
from reformflow.notifications.message import OutgoingMessage
from reformflow.templates import TEMPLATE_DIR

_MARKDOWN_SPECIAL = str.maketrans({ch: f"\\{ch}" for ch in "\\`*_[]<>#|"})


def escape_markdown(value: object) -> str:
    """Agency-written text shown in Markdown must not turn into links, headings or tables."""
    return str(value).translate(_MARKDOWN_SPECIAL)


@lru_cache(maxsize=1)
def environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATE_DIR),
        autoescape=select_autoescape(["html", "html.j2", "xml"]),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["md"] = escape_markdown
    env.filters["status"] = lambda key: STATUS_LABELS.get(key, key)
    env.filters["review"] = lambda key: REVIEW_LABELS.get(key, key)
    env.filters["stage"] = lambda key: STAGE_LABELS.get(key, key)
    env.filters["dispute"] = lambda key: DISPUTE_LABELS.get(key, key)
    env.filters["cn_date"] = lambda d: f"{d.year}年{d.month}月{d.day}日" if isinstance(d, date) else "—"
    env.filters["cn_month"] = lambda period: f"{int(period[:4])}年{int(period[5:7])}月"  # 2020-06 → 2020年6月
    return env


def render_text(template: str, **context: object) -> str:
    return environment().get_template(template).render(**context)


def render_message(template: str, **context: object) -> OutgoingMessage:
    """Message templates start with a `Subject:` line, then a blank line, then the body."""
    text = render_text(template, **context)
    head, _, body = text.partition("\n\n")
    if not head.startswith("Subject: "):
        raise ValueError(f"template {template} must start with 'Subject: '")
    body_format = "html" if template.endswith(".html.j2") else "markdown"
    return OutgoingMessage(head.removeprefix("Subject: ").strip(), body.strip() + "\n", body_format)


# Chat robots refuse long messages: WeCom markdown ≤ 4096 bytes, DingTalk and Feishu a little more. Bytes, not
# characters: a Chinese character is three bytes in UTF-8.
CHAT_LIMITS = {"wecom": 4000, "dingtalk": 4000, "feishu": 20000}


def render_for_channel(name: str, channel: str, **context: object) -> list[OutgoingMessage]:
    """`name.html.j2` for email; `name.md.j2` elsewhere, split into parts that fit the chat's limit."""
    if channel == "email":
        return [render_message(f"{name}.html.j2", **context)]
    message = render_message(f"{name}.md.j2", **context)
    limit = CHAT_LIMITS.get(channel)
    if limit is None or len(message.body.encode()) <= limit:
        return [message]
    bodies = split_markdown(message.body, limit)
    return [OutgoingMessage(f"{message.subject}（{n}/{len(bodies)}）", body) for n, body in enumerate(bodies, 1)]


def split_markdown(body: str, limit: int) -> list[str]:
    """Split between table rows (each part repeats the text and header above the table); never mid-row."""
    lines = body.splitlines()
    separator = next((i for i, line in enumerate(lines) if line.startswith("|---")), None)
    if separator is None:
        head, rows, tail = [], lines, []
    else:
        end = separator + 1
        while end < len(lines) and lines[end].startswith("|"):
            end += 1
        head, rows, tail = lines[:separator + 1], lines[separator + 1:end], lines[end:]
    parts, current = [], []
    room = limit - len("\n".join(tail).encode()) - 1  # every part keeps room for the closing text
    for row in rows:
        if current and len("\n".join([*head, *current, row]).encode()) + 1 > room:
            parts.append(current)
            current = []
        current.append(row)
    parts.append(current)
    bodies = ["\n".join(head + part) + "\n" for part in parts]
    bodies[-1] = bodies[-1] + "\n".join(tail) + ("\n" if tail else "")
    return bodies
