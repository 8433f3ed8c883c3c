"""Rendering: Jinja2 templates in `templates/` produce OutgoingMessage objects. Nothing here sends.

Email gets HTML, the local outbox Markdown, and each chat robot the request its platform renders best
(`notifications/channels/`), stored as the message body so that the outbox holds exactly what is posted.
"""

from __future__ import annotations

import json
from datetime import date
from functools import lru_cache

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from reformflow.models import DISPUTE_LABELS, REVIEW_LABELS, STAGE_LABELS, STATUS_LABELS
from reformflow.notifications.channels import CHAT_CHANNELS
from reformflow.notifications.chat import chat_content, chat_text, shorten, units_with
from reformflow.notifications.message import OutgoingMessage
from reformflow.templates import TEMPLATE_DIR

_MARKDOWN_SPECIAL = str.maketrans({ch: f"\\{ch}" for ch in "\\`*_[]<>#|"})


def escape_markdown(value: object) -> str:
    """Agency-written text shown in Markdown must not turn into links, headings or tables."""
    return str(value).translate(_MARKDOWN_SPECIAL)


def workdays_left(n: int) -> str:
    """A task's standing in working days, as every message says it. A filter rather than a template macro: a
    province's reminder sweep prints it on 43,000 rows, and a macro call costs ten times a function's."""
    if n < 0:
        return f"已逾期{-n}个工作日"
    return "今日到期" if n == 0 else f"剩余{n}个工作日"


def role_label(role: str) -> str:
    return "牵头" if role == "lead" else "配合"


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
    env.filters["chat"] = chat_text
    env.filters["short"] = shorten
    env.filters["units_with"] = units_with
    env.filters["days"] = workdays_left
    env.filters["role"] = role_label
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


def render_for_channel(name: str, channel: str, **context: object) -> list[OutgoingMessage]:
    """`name.html.j2` for email; for a chat robot `chat/name.j2` rendered in the platform's own format (one
    message per part when it must be split); `name.md.j2` for the local outbox."""
    if channel == "email":
        return [render_message(f"{name}.html.j2", **context)]
    platform = CHAT_CHANNELS.get(channel)
    if platform is None:
        return [render_message(f"{name}.md.j2", **context)]
    content = chat_content(environment(), name, **context)
    payloads = platform.payloads(content)
    return [OutgoingMessage(content.title + (f"（{n}/{len(payloads)}）" if len(payloads) > 1 else ""),
                            json.dumps(payload, ensure_ascii=False, indent=1), "payload")
            for n, payload in enumerate(payloads, start=1)]
