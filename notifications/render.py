"""Rendering: Jinja2 templates in `templates/` produce OutgoingMessage objects. Nothing here sends."""

from __future__ import annotations

from datetime import date
from functools import lru_cache

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from models import STATUS_LABELS
from notifications.message import OutgoingMessage
from templates import TEMPLATE_DIR

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
    env.filters["cn_date"] = lambda d: f"{d.year}年{d.month}月{d.day}日" if isinstance(d, date) else "—"
    return env


def render_text(template: str, **context: object) -> str:
    return environment().get_template(template).render(**context)


def render_message(template: str, **context: object) -> OutgoingMessage:
    """Message templates start with a `Subject:` line, then a blank line, then the Markdown body."""
    text = render_text(template, **context)
    head, _, body = text.partition("\n\n")
    if not head.startswith("Subject: "):
        raise ValueError(f"template {template} must start with 'Subject: '")
    return OutgoingMessage(subject=head.removeprefix("Subject: ").strip(), body=body.strip() + "\n")
