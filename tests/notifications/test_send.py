"""Channels, table-driven: each gets a message through send() and is checked on the receiving side."""

import email
import json
import time
from email.header import decode_header, make_header
from urllib.parse import quote

import pytest

from reformflow.notifications import secrets
from reformflow.notifications.channels.outbox import outbox_path
from reformflow.notifications.message import OutgoingMessage
from reformflow.notifications.send import masked, send

MESSAGE = OutgoingMessage("【改革任务提醒】市公安局：2项任务",
                          "**市公安局**：\n\n| 序号 | 任务 |\n|---|---|\n| 1 | 升级平台 |\n")


def mail_url(port: int) -> str:
    return f"mailto://127.0.0.1:{port}/?from=office@example.gov.cn&to=police@example.gov.cn"


def test_email_reaches_a_real_smtp_server_with_a_chinese_subject(smtp_server):
    mailbox, port = smtp_server
    assert send(mail_url(port), MESSAGE).ok
    (sender, recipients, content), = mailbox.messages
    parsed = email.message_from_bytes(content)
    assert (sender, recipients) == ("office@example.gov.cn", ["police@example.gov.cn"])
    assert str(make_header(decode_header(parsed["Subject"]))) == MESSAGE.subject
    html = next(part for part in parsed.walk() if part.get_content_type() == "text/html")
    assert "<table>" in html.get_payload(decode=True).decode("utf-8")


def test_a_refusing_smtp_server_is_a_visible_failure(smtp_server):
    mailbox, port = smtp_server
    mailbox.refuse = True
    delivery = send(mail_url(port), MESSAGE)
    assert not delivery.ok and delivery.error


def test_the_local_outbox_writes_one_readable_file(data_dir):
    assert not send("outbox://sz-police", MESSAGE).ok  # no folder given: nothing is written anywhere
    assert send("outbox://sz-police", MESSAGE, outbox_dir=data_dir / "outbox").ok
    folder = outbox_path(data_dir / "outbox", "sz-police", "", "").parent
    path, = folder.iterdir()
    text = path.read_text(encoding="utf-8")
    assert text.startswith("To: sz-police\n") and f"Subject: {MESSAGE.subject}" in text
    assert MESSAGE.body.strip() in text
    send("outbox://sz-police", MESSAGE, outbox_dir=data_dir / "outbox")
    assert list(folder.iterdir()) == [path]  # the same message again lands on the same file


@pytest.mark.parametrize(("url", "problem"), [
    ("nonsense://x", "not a usable notification URL"),
    ("wecombot://${MISSING_WECOM_KEY}", "MISSING_WECOM_KEY"),
])
def test_unusable_contacts_fail_with_a_reason(url, problem):
    delivery = send(url, MESSAGE)
    assert not delivery.ok and problem in delivery.error


def test_secrets_are_masked_when_shown(monkeypatch):
    shown = masked("mailtos://reform:s3cret-pass@smtp.example.gov.cn?to=a@example.gov.cn")
    assert "s3cret-pass" not in shown and "smtp.example.gov.cn" in shown
    monkeypatch.setenv("SMTP_PASSWORD", "s3cret-pass")
    delivery = send("mailto://reform:${SMTP_PASSWORD}@127.0.0.1:1/?to=a@example.gov.cn", MESSAGE)
    assert not delivery.ok and "s3cret-pass" not in delivery.error


def test_errors_of_sends_running_side_by_side_stay_with_their_own_message():
    """Batches run on threads at once. Each robot refuses with its own code; each failure names its own code
    and no other (with one shared log capture, one unit's error text was stored on another unit's message)."""
    from concurrent.futures import ThreadPoolExecutor

    from pytest_httpserver import HTTPServer
    from werkzeug import Response

    def refuse(request):
        time.sleep(0.02)  # the robots answer at about the same moment: their warnings interleave
        code = 93000 + int(request.args["key"].removeprefix("KEY"))
        return Response(json.dumps({"errcode": code, "errmsg": f"refused {code}"}), content_type="application/json")

    robots = HTTPServer(host="127.0.0.1", port=0, threaded=True)
    robots.expect_request("/cgi-bin/webhook/send").respond_with_handler(refuse)
    robots.start()
    base = robots.url_for("/").rstrip("/")

    def attempt(n: int) -> tuple[int, str]:
        return n, send(f"wecombot://KEY{n}?base={base}", MESSAGE).error

    try:
        with ThreadPoolExecutor(8) as pool:
            results = list(pool.map(attempt, [n % 16 for n in range(64)]))
    finally:
        robots.stop()
    for n, error in results:
        assert f"errcode {93000 + n}" in error
        assert not any(f"errcode {93000 + other}" in error for other in range(16) if other != n), error


@pytest.mark.parametrize("reference", ["${secret:police-robot}", "${WECOM_POLICE_KEY}"])
def test_every_secret_is_scrubbed_from_a_stored_error(httpserver, monkeypatch, reference):
    """The robot echoes its key in the refusal (WeCom does: `invalid webhook url, key=…`). Whether the key came
    from a Prefect Secret block or the environment, the error that is stored and logged does not show it."""
    key = "k3y-0f/the+robot"  # characters that change when URL-quoted: both forms are scrubbed
    monkeypatch.setattr(secrets, "_secret_block", lambda name: key if name == "police-robot" else "")
    monkeypatch.setenv("WECOM_POLICE_KEY", key)
    httpserver.expect_request("/cgi-bin/webhook/send").respond_with_json(
        {"errcode": 93000, "errmsg": f"invalid webhook url, key={key} key={quote(key, safe='')}"})
    delivery = send(f"wecombot://{reference}?base={httpserver.url_for('/').rstrip('/')}", MESSAGE)
    assert not delivery.ok and "errcode 93000" in delivery.error and "***" in delivery.error
    assert key not in delivery.error and quote(key, safe="") not in delivery.error


def test_anything_a_channel_raises_is_a_failure_of_that_message_with_its_reason(monkeypatch):
    """The Prefect API down while a Secret block is loaded raises an httpx error, not a ValueError: the send
    fails with the reason instead of raising into the batch."""
    def unreachable(name):
        raise ConnectionError("Prefect API at http://127.0.0.1:4200/api unreachable")

    monkeypatch.setattr(secrets, "_secret_block", unreachable)
    delivery = send("wecombot://${secret:police-robot}", MESSAGE)
    assert not delivery.ok and "Prefect API" in delivery.error and "unreachable" in delivery.error
