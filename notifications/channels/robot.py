"""What the WeCom, DingTalk and Feishu group robots share: the POST whose answer is read, and the URL routing.

Apprise 1.13's own robot plugins judge a send by the HTTP status only, so a 200 carrying `{"errcode": 45009}`
(rate-limited) or `{"errcode": 93000}` (bad key) counts as delivered; they also send only text or Markdown.
ReformFlow registers one Apprise plugin per platform (`wecom.py`, `dingtalk.py`, `feishu.py`) that posts the
payload rendered for that platform and reads the error code. `send()` routes the usual `wecombot://KEY`,
`dingtalk://[SECRET@]TOKEN` and `feishu://TOKEN` URLs to them. A `?base=http://127.0.0.1:PORT` parameter points a
robot at a local server (tests and staging); without it the vendor's host is used.

Each platform module offers the same small interface (`ChatChannel`): `payloads(content)` renders a ChatContent
into the requests to post, split to the platform's limits, and `from_markdown(title, body)` wraps a Markdown text
queued before per-platform rendering existed.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from typing import Protocol

import requests

from reformflow.notifications.chat import ChatContent

logger = logging.getLogger("apprise")  # send() collects this logger's warnings as the failure's reason
TIMEOUT = 15
ROUTED = {"wecombot": "rfwecombot", "dingtalk": "rfdingtalk", "feishu": "rffeishu", "lark": "rffeishu"}
CHANNEL_OF_SCHEME = {"wecombot": "wecom", "dingtalk": "dingtalk", "feishu": "feishu", "lark": "feishu"}


class ChatChannel(Protocol):
    def payloads(self, content: ChatContent) -> list[dict]: ...

    def from_markdown(self, title: str, body: str) -> dict: ...


def encode(payload: dict) -> bytes:
    """The request body exactly as it is posted: UTF-8 JSON. (`requests.post(json=…)` would escape every Chinese
    character to six ASCII bytes and double the size the platforms count.)"""
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()


def tables_as_lists(markdown: str) -> str:
    """A Markdown table as list lines (`- 1 · 升级平台`), for the platforms whose Markdown renders no tables; the
    header and separator rows are dropped."""
    lines, out = markdown.splitlines(), []
    for n, line in enumerate(lines):
        if not line.startswith("|"):
            out.append(line)
        elif n + 1 < len(lines) and lines[n + 1].startswith("|-"):
            continue  # the header row
        elif not line.startswith("|-"):
            out.append("- " + " · ".join(cell.strip() for cell in line.strip().strip("|").split("|")))
    return "\n".join(out)


def post(vendor: str, url: str, body: str, error_code: Callable[[dict], tuple[int, str]],
         signature: dict | None = None) -> bool:
    """POST a rendered payload (the message body, JSON), with the fields of a signature made now when the robot
    wants one in the body, and read the platform's error code."""
    try:
        payload = json.loads(body) | (signature or {})
    except ValueError:
        logger.warning("%s robot: the message is not a rendered payload", vendor)
        return False
    try:
        response = requests.post(url, data=encode(payload), timeout=TIMEOUT,
                                 headers={"Content-Type": "application/json; charset=utf-8"})
    except requests.RequestException as exc:
        logger.warning("%s robot unreachable: %s", vendor, type(exc).__name__)
        return False
    if response.status_code != 200:
        logger.warning("%s robot answered HTTP %s", vendor, response.status_code)
        return False
    try:
        code, text = error_code(response.json())
    except (ValueError, AttributeError):
        logger.warning("%s robot answered something that is not JSON", vendor)
        return False
    if code != 0:
        logger.warning("%s robot refused the message: errcode %s (%s)", vendor, code, text)
        return False
    return True


def base(meta: dict, default: str) -> str:
    return meta.get("qsd", {}).get("base", default).rstrip("/")


def route(url: str) -> str:
    """`wecombot://KEY` → `rfwecombot://KEY`: the checked variant of a chat robot URL."""
    scheme, sep, rest = url.partition("://")
    return f"{ROUTED[scheme.lower()]}{sep}{rest}" if sep and scheme.lower() in ROUTED else url


def channel_of(url: str) -> str | None:
    """The chat platform a contact URL reaches (`wecom`, `dingtalk`, `feishu`), or None for anything else."""
    scheme, sep, _ = url.partition("://")
    return CHANNEL_OF_SCHEME.get(scheme.lower()) if sep else None
