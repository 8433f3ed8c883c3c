"""Chat robots against a local HTTP server standing in for WeCom, DingTalk and Feishu, table-driven: what is
POSTed is the rendered request, byte for byte, and the platform's error code decides whether it was sent."""

import base64
import hashlib
import hmac
import json
import time
from datetime import date

import pytest
from sqlmodel import select

from reformflow.core.calendar import WorkingCalendar
from reformflow.models import Message
from reformflow.notifications.message import OutgoingMessage
from reformflow.notifications.render import render_for_channel
from reformflow.notifications.send import send
from reformflow.supervision.reminders.plan import ReminderPolicy
from reformflow.supervision.reminders.sweep import queue_reminders
from tests.factories import deliver, ledger, links, task
from tests.notifications.chat_cases import PLATFORMS, office_escalation, reminder

MESSAGE = OutgoingMessage("【改革任务提醒】市公安局", "| 序号 | 任务 |\n|---|---|\n| 1 | 升级平台 |\n")
ROBOTS = [
    # (name, url as written in the directory, path the vendor serves, ok answer, refusal)
    ("wecom", "wecombot://KEY1", "/cgi-bin/webhook/send", {"errcode": 0, "errmsg": "ok"},
     {"errcode": 45009, "errmsg": "api freq out of limit"}),
    ("dingtalk", "dingtalk://SECRET@TOKEN1/", "/robot/send", {"errcode": 0, "errmsg": "ok"},
     {"errcode": 130101, "errmsg": "send too fast"}),
    ("feishu", "feishu://TOKEN1/", "/open-apis/bot/v2/hook/TOKEN1", {"code": 0, "msg": "success"},
     {"code": 9499, "msg": "Bad Request"}),
]


def url_for(server, directory_url: str) -> str:
    separator = "&" if "?" in directory_url else "?"
    return f"{directory_url}{separator}base={server.url_for('/').rstrip('/')}"


@pytest.mark.parametrize(("name", "url", "path", "ok", "refusal"), ROBOTS)
@pytest.mark.parametrize("template", ["reminder", "escalation"])
def test_the_robot_receives_the_rendered_request_byte_for_byte(httpserver, name, url, path, ok, refusal, template):
    context = reminder(60) if template == "reminder" else office_escalation()
    parts = render_for_channel(template, name, **context)
    httpserver.expect_request(path, method="POST").respond_with_json(ok)
    assert all(send(url_for(httpserver, url), part).ok for part in parts)
    assert len(httpserver.log) == len(parts)
    for (request, _), part in zip(httpserver.log, parts, strict=True):
        posted = request.get_json()
        assert posted == json.loads(part.body) and PLATFORMS[name](posted) == []
        assert request.headers["Content-Type"] == "application/json; charset=utf-8"
        assert len(request.get_data()) <= 20_000  # what the platforms count: UTF-8, not \\u escapes
    if name == "dingtalk":
        assert request.args["access_token"] == "TOKEN1" and request.args["sign"]
    if name == "wecom":
        assert request.args["key"] == "KEY1"


@pytest.mark.parametrize(("name", "url", "path", "ok", "refusal"), ROBOTS)
def test_a_sweeps_digest_goes_from_the_outbox_to_the_robot_as_stored(session, tmp_path, httpserver, name, url, path,
                                                                     ok, refusal):
    ledger(session, tmp_path, [task(str(n), ["市公安局"], deadline=date(2020, 6, 30), title=f"第{n}项改革任务")
                               for n in (1, 2, 3)], units={"市公安局": [(name, url_for(httpserver, url))]})
    policy = ReminderPolicy(WorkingCalendar(), before=(15, 5, 1, 0), overdue_every=5, escalate_after=10)
    queue_reminders(date(2020, 6, 23), session=session, policy=policy, links=links())
    httpserver.expect_request(path, method="POST").respond_with_json(ok)
    stored = session.exec(select(Message).where(Message.channel == name)).one()
    assert len(deliver([stored.id], session=session).sent) == 1
    posted = httpserver.log[0][0].get_json()
    assert posted == json.loads(stored.body) and PLATFORMS[name](posted) == []
    assert all(f"第{n}项改革任务" in json.dumps(posted, ensure_ascii=False) for n in (1, 2, 3))


def test_a_feishu_robot_with_a_signing_secret_gets_a_fresh_signature_in_the_body(httpserver):
    (part,) = render_for_channel("reminder", "feishu", **reminder(3))
    httpserver.expect_request("/open-apis/bot/v2/hook/TOKEN2", method="POST").respond_with_json({"code": 0})
    assert send(url_for(httpserver, "feishu://S3CRET@TOKEN2/"), part).ok
    posted = httpserver.log[0][0].get_json()
    timestamp, sign = posted.pop("timestamp"), posted.pop("sign")
    expected = hmac.new(f"{timestamp}\nS3CRET".encode(), b"", hashlib.sha256).digest()
    assert sign == base64.b64encode(expected).decode() and abs(int(timestamp) - time.time()) < 60
    assert posted == json.loads(part.body) and "S3CRET" not in httpserver.log[0][0].get_data(as_text=True)


@pytest.mark.parametrize(("name", "url", "path", "ok", "refusal"), ROBOTS)
def test_markdown_queued_before_per_platform_rendering_still_goes_out(httpserver, name, url, path, ok, refusal):
    httpserver.expect_oneshot_request(path, method="POST").respond_with_json(ok)
    assert send(url_for(httpserver, url), MESSAGE).ok
    posted = httpserver.log[0][0].get_json()
    assert PLATFORMS[name](posted) == [] and "升级平台" in json.dumps(posted, ensure_ascii=False)


@pytest.mark.parametrize(("name", "url", "path", "ok", "refusal"), ROBOTS)
def test_a_200_with_an_error_code_is_a_visible_failure(httpserver, name, url, path, ok, refusal):
    httpserver.expect_oneshot_request(path, method="POST").respond_with_json(refusal)
    delivery = send(url_for(httpserver, url), MESSAGE)
    code = refusal.get("errcode", refusal.get("code"))
    assert not delivery.ok and f"errcode {code}" in delivery.error


@pytest.mark.parametrize(("name", "url", "path", "ok", "refusal"), ROBOTS)
def test_a_server_error_is_a_visible_failure(httpserver, name, url, path, ok, refusal):
    httpserver.expect_oneshot_request(path, method="POST").respond_with_data("oops", status=500)
    delivery = send(url_for(httpserver, url), MESSAGE)
    assert not delivery.ok and "HTTP 500" in delivery.error


def test_an_unreachable_robot_is_a_visible_failure():
    delivery = send("wecombot://KEY1?base=http://127.0.0.1:9", MESSAGE)
    assert not delivery.ok and "unreachable" in delivery.error
