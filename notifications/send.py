"""Sending: hand a rendered message to its channel, one target at a time, and say what happened to it.

E-mail goes over a connection the batch keeps open (channels/email.py). Every other channel goes through
Apprise, one URL per call: Apprise 1.13 reports only True/False for a whole notify() call, so a failure then
belongs to exactly one recipient, and a fresh Apprise object per call avoids the per-instance 5.5 s throttle.

Whatever happens in a send ends as a `Delivery` of that message: never an exception that would abandon the
rest of a batch, never a secret in its text, never another message's error.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import apprise

from reformflow.notifications.channels import CHAT_CHANNELS, email  # importing registers outbox:// and the robots
from reformflow.notifications.channels.outbox import in_folder
from reformflow.notifications.channels.robot import channel_of, route
from reformflow.notifications.message import OutgoingMessage
from reformflow.notifications.secrets import Expanded, expand


@dataclass(frozen=True)
class Delivery:
    ok: bool
    error: str | None = None  # why it failed; on a delivered message, what the office should still know


Sender = Callable[[str, OutgoingMessage], Delivery]

# What Apprise (and our chat plugins, on the same logger) warn about during the send running in this thread.
# Batches run side by side on threads: a handler added per call would see every thread's records, and adding
# and removing handlers while another thread logs can skip a handler. One handler, installed once, hands each
# record to the call of the thread that logged it.
_call_log: ContextVar[list[str] | None] = ContextVar("reformflow_apprise_call_log", default=None)


class _ToTheCallingSend(logging.Handler):
    def emit(self, record: logging.LogRecord) -> None:
        lines = _call_log.get()
        if lines is not None:
            lines.append(record.getMessage())


_ROUTER = _ToTheCallingSend(logging.WARNING)
logging.getLogger("apprise").addHandler(_ROUTER)


@contextmanager
def _warnings_of_this_call() -> Iterator[list[str]]:
    lines: list[str] = []
    token = _call_log.set(lines)
    try:
        yield lines
    finally:
        _call_log.reset(token)


def masked(url: str) -> str:
    """The URL as it may be shown in logs and the UI: passwords and tokens hidden."""
    plugin = apprise.Apprise.instantiate(url, suppress_exceptions=True)
    return plugin.url(privacy=True) if plugin else url.split("://", 1)[0] + "://…"


def scrub(text: str, url: str, expanded: Expanded) -> str:
    """Remove every secret the URL was expanded with, from the environment or a Prefect Secret block, as it
    was put in and as URL-quoted, from a text that will be logged or stored."""
    if expanded.url != url:
        text = text.replace(expanded.url, masked(url))
    for value in sorted(expanded.secrets, key=len, reverse=True):  # a secret containing another goes first
        for form in {value, quote(value, safe=""), quote(value)}:
            text = text.replace(form, "***")
    return text


class Courier:
    """Sends one batch's messages, in one thread: use it in a `with` block, which closes the SMTP connections
    it kept open. `outbox_dir` is where `outbox://` URLs write."""

    def __init__(self, *, outbox_dir: Path | None = None) -> None:
        self.outbox_dir = outbox_dir
        self._smtp = email.SmtpPool()
        self._email_urls: dict[str, tuple[email.Server, email.Addressing]] = {}

    def __enter__(self) -> Courier:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._smtp.close()

    def __call__(self, url: str, message: OutgoingMessage) -> Delivery:
        try:
            expanded = expand(url)
        except Exception as exc:  # a missing variable or block, or the Prefect server unreachable
            return Delivery(False, f"{masked(url)}: {exc}")
        try:
            delivery = self._send(url, expanded.url, message)
        except Exception as exc:  # anything a channel raises is this message's failure, not the batch's
            delivery = Delivery(False, f"{masked(url)}: {type(exc).__name__}: {exc}")
        if delivery.error:
            delivery = Delivery(delivery.ok, scrub(delivery.error, url, expanded))
        return delivery

    def _send(self, url: str, target: str, message: OutgoingMessage) -> Delivery:
        if email.is_email(target):
            return self._send_email(url, target, message)
        if self.outbox_dir is not None and target.startswith("outbox://"):
            target = in_folder(target, self.outbox_dir)
        notifier = apprise.Apprise()
        if not notifier.add(route(target)):
            return Delivery(False, f"not a usable notification URL: {masked(url)}")
        body, body_format = _body_for(target, message)
        attach = apprise.AppriseAttachment(list(message.attachments)) if message.attachments else None
        with _warnings_of_this_call() as warnings:
            ok = notifier.notify(body=body, title=message.subject, body_format=body_format, attach=attach)
        if ok:
            return Delivery(True)
        return Delivery(False, f"{masked(url)}: {'; '.join(warnings[-3:]) or 'the channel refused the message'}")

    def _send_email(self, url: str, target: str, message: OutgoingMessage) -> Delivery:
        if target not in self._email_urls:
            self._email_urls[target] = email.read_url(target)
        server, addressing = self._email_urls[target]
        try:
            refused = self._smtp.send(server, addressing, email.build(message, addressing, server.host))
        except email.EmailError as exc:
            return Delivery(False, f"{masked(url)}: {exc}")
        if refused:
            return Delivery(True, f"已发送，但邮件服务器拒收了部分收件人：{'；'.join(refused)}")
        return Delivery(True)


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
    """Send one message to one URL on a connection of its own (the outbox sends batches with a `Courier`)."""
    with Courier(outbox_dir=outbox_dir) as courier:
        return courier(url, message)
