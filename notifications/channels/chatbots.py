"""WeCom, DingTalk and Feishu group robots, with the vendor's answer read.

Apprise 1.13's own plugins judge a send by the HTTP status only, so a 200 carrying `{"errcode": 45009}`
(rate-limited) or `{"errcode": 93000}` (bad key) counts as delivered. These Apprise plugins post the same
requests and read the error code. `send()` routes the usual `wecombot://KEY`, `dingtalk://[SECRET@]TOKEN`
and `feishu://TOKEN` URLs here. A `?base=http://127.0.0.1:PORT` parameter points a robot at a local server
(tests and staging); without it the vendor's host is used.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import logging
import time
import urllib.parse
from collections.abc import Callable

import requests
from apprise.decorators import notify

logger = logging.getLogger("apprise")  # send() collects this logger's warnings as the failure's reason
TIMEOUT = 15
ROUTED = {"wecombot": "rfwecombot", "dingtalk": "rfdingtalk", "feishu": "rffeishu", "lark": "rffeishu"}


def _post(vendor: str, url: str, payload: dict, error_code: Callable[[dict], tuple[int, str]]) -> bool:
    try:
        response = requests.post(url, json=payload, timeout=TIMEOUT)
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


def _base(meta: dict, default: str) -> str:
    return meta.get("qsd", {}).get("base", default).rstrip("/")


@notify(on="rfwecombot", name="WeCom group robot (errcode checked)")
def wecom(body: str, title: str, notify_type: str, meta: dict, *args, **kwargs) -> bool:
    url = f"{_base(meta, 'https://qyapi.weixin.qq.com')}/cgi-bin/webhook/send?key={meta['host']}"
    payload = {"msgtype": "markdown", "markdown": {"content": f"**{title}**\n{body}"}}
    return _post("WeCom", url, payload, lambda answer: (answer.get("errcode", -1), answer.get("errmsg", "")))


def _dingtalk_signature(secret: str) -> str:
    timestamp = str(round(time.time() * 1000))
    digest = hmac.new(secret.encode(), f"{timestamp}\n{secret}".encode(), hashlib.sha256).digest()
    return f"&timestamp={timestamp}&sign={urllib.parse.quote_plus(base64.b64encode(digest))}"


@notify(on="rfdingtalk", name="DingTalk group robot (errcode checked)")
def dingtalk(body: str, title: str, notify_type: str, meta: dict, *args, **kwargs) -> bool:
    url = f"{_base(meta, 'https://oapi.dingtalk.com')}/robot/send?access_token={meta['host']}"
    if meta.get("user"):  # the robot's signing secret (加签)
        url += _dingtalk_signature(meta["user"])
    payload = {"msgtype": "markdown", "markdown": {"title": title, "text": f"#### {title}\n{body}"}}
    return _post("DingTalk", url, payload, lambda answer: (answer.get("errcode", -1), answer.get("errmsg", "")))


@notify(on="rffeishu", name="Feishu/Lark group robot (code checked)")
def feishu(body: str, title: str, notify_type: str, meta: dict, *args, **kwargs) -> bool:
    url = f"{_base(meta, 'https://open.feishu.cn')}/open-apis/bot/v2/hook/{meta['host']}"
    payload = {"msg_type": "text", "content": {"text": f"{title}\n{body}"}}
    return _post("Feishu", url, payload,
                 lambda answer: (answer.get("code", answer.get("StatusCode", -1)), answer.get("msg", "")))


def route(url: str) -> str:
    """`wecombot://KEY` → `rfwecombot://KEY`: the checked variant of a chat robot URL."""
    scheme, sep, rest = url.partition("://")
    return f"{ROUTED[scheme.lower()]}{sep}{rest}" if sep and scheme.lower() in ROUTED else url
