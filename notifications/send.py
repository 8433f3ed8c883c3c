"""Sending: the one function that hands a rendered message to Apprise, one target at a time.

Apprise 1.13 reports only True/False for a whole notify() call, so each call carries one URL: a failure
then belongs to exactly one recipient. A fresh Apprise object per call also avoids the per-instance
5.5 s throttle that slows repeated sends through one plugin instance.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import apprise

from reformflow.notifications.channels import CHAT_CHANNELS  # importing registers outbox:// and the robots
from reformflow.notifications.channels.outbox import in_folder
from reformflow.notifications.channels.robot import channel_of, route
from reformflow.notifications.message import OutgoingMessage
from reformflow.notifications.secrets import SECRET_REFERENCE, expand_secrets


@dataclass(frozen=True)
class Delivery:
    ok: bool
    error: str | None = None


class _Capture(logging.Handler):
    """Collects what Apprise logs during one send, so a failure carries its reason."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(record.getMessage())


def masked(url: str) -> str:
    """The URL as it may be shown in logs and the UI: passwords and tokens hidden."""
    plugin = apprise.Apprise.instantiate(url, suppress_exceptions=True)
    return plugin.url(privacy=True) if plugin else url.split("://", 1)[0] + "://…"


def _scrub(text: str, url: str, target: str) -> str:
    """Remove every secret the URL was expanded with from a text that will be logged or stored."""
    for name in SECRET_REFERENCE.findall(url):
        if os.environ.get(name):
            text = text.replace(os.environ[name], "***")
    return text.replace(target, masked(url)) if target != url else text


Sender = Callable[[str, OutgoingMessage], Delivery]


def _body_for(target: str, message: OutgoingMessage) -> tuple[str, str]:
    """What Apprise gets: a chat robot always its platform's JSON request (as text, which Apprise passes on
    untouched); a Markdown text queued for a robot before per-platform rendering is wrapped in its platform's
    Markdown message first."""
    platform = channel_of(target)
    if platform is not None and message.format != "payload":
        payload = CHAT_CHANNELS[platform].from_markdown(message.subject, message.body)
        return json.dumps(payload, ensure_ascii=False), apprise.NotifyFormat.TEXT
    if message.format == "payload":
        return message.body, apprise.NotifyFormat.TEXT
    return message.body, apprise.NotifyFormat.HTML if message.format == "html" else apprise.NotifyFormat.MARKDOWN


def send(url: str, message: OutgoingMessage, *, outbox_dir: Path | None = None) -> Delivery:
    """Send one message to one URL; `outbox_dir` is where `outbox://` URLs write."""
    try:
        target = expand_secrets(url)
    except ValueError as exc:
        return Delivery(False, str(exc))
    if outbox_dir is not None and target.startswith("outbox://"):
        target = in_folder(target, outbox_dir)
    notifier = apprise.Apprise()
    if not notifier.add(route(target)):
        return Delivery(False, f"not a usable notification URL: {masked(url)}")
    capture = _Capture()
    logger = logging.getLogger("apprise")
    logger.addHandler(capture)
    try:
        body, body_format = _body_for(target, message)
        attach = apprise.AppriseAttachment(list(message.attachments)) if message.attachments else None
        ok = notifier.notify(body=body, title=message.subject, body_format=body_format, attach=attach)
    finally:
        logger.removeHandler(capture)
    if ok:
        return Delivery(True)
    reason = "; ".join(capture.lines[-3:]) or "the channel refused the message"
    return Delivery(False, _scrub(f"{masked(url)}: {reason}", url, target))
