"""The intake page against what an attacker or an unlucky clerk sends: replays and double clicks, huge bodies
with forged links, other units' evidence, the access log, the browser's protections."""

import re
import secrets
import socket
import threading
from datetime import date

import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr
from sqlmodel import select

from reformflow.core.settings import settings
from reformflow.intake.app import create_app
from reformflow.intake.events import ingest_inline
from reformflow.models import Evidence, Message, MessageKind, StatusReport
from tests.factories import ledger, make_token, task, task_coded, unit_named
from tests.intake.live import serving

PERIOD = "2020-06"


@pytest.fixture
def site(session, tmp_path):
    ledger(session, tmp_path, [task("1", ["市公安局"], ["市税务局"], deadline=date(2020, 6, 30))])
    submitted = []
    client = TestClient(create_app(after_submit=lambda office, report_id: (submitted.append(report_id),
                                                                           ingest_inline(office, report_id))))
    client.submitted = submitted
    return client


def link(session, name, period=PERIOD):
    return make_token(unit_named(session, name).slug, period)


def form(client, token, **fields):
    page = client.get(f"/r/{token}")
    csrf = re.search(r'name="csrf" value="([^"]+)"', page.text)[1]
    key = re.search(r'name="key" value="([^"]+)"', page.text)[1]
    return {"csrf": csrf, "key": key, "status": "completed", "progress": "100", "narrative": "平台已上线。", **fields}


def test_a_replayed_submission_is_stored_once_and_tells_the_office_once(site, session):
    token, one = link(session, "市公安局"), task_coded(session, "1").id
    data = form(site, token)
    first = site.post(f"/r/{token}/tasks/{one}", data=data, follow_redirects=False)
    again = site.post(f"/r/{token}/tasks/{one}", data=data, follow_redirects=False)
    assert first.status_code == again.status_code == 303
    assert again.headers["location"] == first.headers["location"]  # the clerk sees the same confirmation
    assert len(session.exec(select(StatusReport)).all()) == 1
    assert len(site.submitted) == 1
    assert len(session.exec(select(Message).where(Message.kind == MessageKind.REVIEW)).all()) == 1


def test_a_double_click_is_stored_once(site, session):
    token, one = link(session, "市公安局"), task_coded(session, "1").id
    data = form(site, token, status="in_progress", progress="50")
    responses = []
    clicks = [threading.Thread(target=lambda: responses.append(
        site.post(f"/r/{token}/tasks/{one}", data=data, follow_redirects=False).status_code)) for _ in range(4)]
    for click in clicks:
        click.start()
    for click in clicks:
        click.join()
    assert responses == [303] * 4
    assert len(session.exec(select(StatusReport)).all()) == 1 and len(site.submitted) == 1


def test_a_new_rendering_of_the_form_files_a_new_report(site, session):
    token, one = link(session, "市公安局"), task_coded(session, "1").id
    for progress in ("40", "70"):
        site.post(f"/r/{token}/tasks/{one}", data=form(site, token, status="in_progress", progress=progress))
    assert [r.progress for r in session.exec(select(StatusReport).order_by(StatusReport.id))] == [40, 70]


def test_a_form_without_its_key_is_refused(site, session):
    token, one = link(session, "市公安局"), task_coded(session, "1").id
    response = site.post(f"/r/{token}/tasks/{one}", data={**form(site, token), "key": ""})
    assert response.status_code == 400 and "表单已失效" in response.text
    assert session.exec(select(StatusReport)).all() == []


def file_evidence(client, session, name, content=b"%PDF-1.4 evidence"):
    token = link(session, name)
    data = form(client, token, status="in_progress", progress="50")
    client.post(f"/r/{token}/tasks/{task_coded(session, '1').id}", data=data,
                files={"evidence": (f"{name}.pdf", content)})
    return session.exec(select(Evidence).order_by(Evidence.id.desc())).first()


def test_evidence_is_named_by_an_unguessable_id(site, session):
    first, second = file_evidence(site, session, "市公安局"), file_evidence(site, session, "市公安局")
    assert len(first.public_id) >= 24 and first.public_id != second.public_id
    assert f"/evidence/{first.public_id}" in site.get(f"/r/{link(session, '市公安局')}").text
    assert site.get(f"/r/{link(session, '市公安局')}/evidence/{first.id}").status_code == 404  # not by number


def test_a_co_unit_cannot_download_its_leads_evidence(site, session):
    evidence = file_evidence(site, session, "市公安局")
    refused = site.get(f"/r/{link(session, '市税务局')}/evidence/{evidence.public_id}")
    assert refused.status_code == 404 and b"%PDF" not in refused.content


def test_a_link_for_another_period_cannot_download_the_evidence(site, session):
    evidence = file_evidence(site, session, "市公安局")
    assert site.get(f"/r/{link(session, '市公安局', '2020-07')}/evidence/{evidence.public_id}").status_code == 404
    assert site.get(f"/r/{link(session, '市公安局')}/evidence/{evidence.public_id}").content.startswith(b"%PDF")


def test_the_lead_downloads_its_co_units_evidence_from_its_page(site, session):
    evidence = file_evidence(site, session, "市税务局", b"%PDF-1.4 co-unit part")
    page = site.get(f"/r/{link(session, '市公安局')}").text
    assert f"/evidence/{evidence.public_id}" in page
    download = site.get(f"/r/{link(session, '市公安局')}/evidence/{evidence.public_id}")
    assert download.content == b"%PDF-1.4 co-unit part"


def test_pages_carry_the_browsers_protections(site, session):
    page = site.get(f"/r/{link(session, '市公安局')}")
    assert "default-src 'none'" in page.headers["content-security-policy"]
    assert "frame-ancestors 'none'" in page.headers["content-security-policy"]
    assert page.headers["x-frame-options"] == "DENY"
    assert page.headers["referrer-policy"] == "no-referrer"
    assert page.headers["cache-control"] == "no-store"
    assert "secure" not in page.headers["set-cookie"].lower()  # plain http on a developer's machine
    refused = site.get("/r/forged")
    assert refused.headers["cache-control"] == "no-store" and refused.headers["x-frame-options"] == "DENY"


def test_the_form_cookie_is_secure_in_production(site, session, monkeypatch):
    monkeypatch.setattr(settings, "production", True)
    monkeypatch.setattr(settings, "secret_key", SecretStr("k" * 48))
    page = site.get(f"/r/{link(session, '市公安局')}")
    cookie = page.headers["set-cookie"].lower()
    assert "; secure" in cookie and "httponly" in cookie and "samesite=strict" in cookie
    assert page.headers["strict-transport-security"].startswith("max-age=")


# A real server: what matters is when the body is read, and what uvicorn writes to its log.

def raw_post(port: int, path: str, length: int, cookie: str = "") -> str:
    """Sends the headers of a `length`-byte upload and its first 64 KiB, then reads what the server says (a server
    that reads the body before answering keeps waiting for the rest, and the socket times out)."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        head = (f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: multipart/form-data; boundary=x\r\n"
                f"Content-Length: {length}\r\n{'Cookie: ' + cookie + chr(13) + chr(10) if cookie else ''}\r\n")
        upload = b'--x\r\nContent-Disposition: form-data; name="evidence"; filename="a.pdf"\r\n\r\n%PDF'
        sock.sendall(head.encode() + upload + b"0" * 65536)
        answer = b""
        while b"\r\n\r\n" not in answer or len(answer.partition(b"\r\n\r\n")[2]) < _length(answer):
            chunk = sock.recv(65536)
            if not chunk:
                break
            answer += chunk
        return answer.decode("utf-8", "replace")


def _length(answer: bytes) -> int:
    found = re.search(rb"content-length: (\d+)", answer, re.IGNORECASE)
    return int(found[1]) if found else 0


@pytest.fixture
def spooled(monkeypatch):
    """Every temporary file the multipart parser creates."""
    import starlette.formparsers

    created = []
    real = starlette.formparsers.SpooledTemporaryFile
    monkeypatch.setattr(starlette.formparsers, "SpooledTemporaryFile",
                        lambda *args, **kwargs: created.append(1) or real(*args, **kwargs))
    return created


def test_a_huge_body_with_a_forged_link_is_refused_before_it_is_read(site, session, spooled):
    with serving(create_app()) as (_, port):
        forged = make_token("市公安局", PERIOD)[:-4] + "AAAA"
        answer = raw_post(port, f"/r/{forged}/tasks/1", 200 * 1024 * 1024, cookie="rf_csrf=x")
    assert answer.startswith("HTTP/1.1 403") and "链接无效" in answer
    assert spooled == [] and session.exec(select(StatusReport)).all() == []


def test_a_body_larger_than_a_report_can_be_is_refused_before_it_is_read(site, session, spooled):
    token = link(session, "市公安局")
    with serving(create_app()) as (_, port):
        too_big = raw_post(port, f"/r/{token}/tasks/1", 200 * 1024 * 1024, cookie="rf_csrf=x")
        no_cookie = raw_post(port, f"/r/{token}/tasks/1", 1000)
    assert too_big.startswith("HTTP/1.1 413") and "提交的内容过大" in too_big
    assert no_cookie.startswith("HTTP/1.1 403") and "表单已失效" in no_cookie
    assert spooled == []


def test_link_tokens_never_reach_the_access_log(site, session):
    import logging

    import httpx

    lines = []
    handler = logging.Handler()
    handler.emit = lambda record: lines.append(record.getMessage())
    token = link(session, "市公安局")
    app = create_app()
    with serving(app, log_level="info") as (url, _):
        logging.getLogger("uvicorn.access").addHandler(handler)
        try:
            assert httpx.get(f"{url}/r/{token}").status_code == 200
            httpx.get(f"{url}/r/{token}/evidence/{secrets.token_urlsafe(18)}")
        finally:
            logging.getLogger("uvicorn.access").removeHandler(handler)
    assert len(lines) == 2 and all("/r/[报送链接]" in line for line in lines)
    assert not any(token in line or token[:20] in line for line in lines)


def test_two_requests_racing_past_the_replay_check_store_one_report(site, session, monkeypatch):
    """The double click the threads above may not hit: both requests find no report with the key, both store."""
    import reformflow.intake.app as intake_app

    real, calls = intake_app.submitted_with, []

    def blind_to_the_first_two(*args, **kwargs):
        calls.append(1)
        return None if len(calls) <= 2 else real(*args, **kwargs)

    monkeypatch.setattr(intake_app, "submitted_with", blind_to_the_first_two)
    token, one = link(session, "市公安局"), task_coded(session, "1").id
    data = form(site, token)
    responses = [site.post(f"/r/{token}/tasks/{one}", data=data, follow_redirects=False) for _ in range(2)]
    assert [r.status_code for r in responses] == [303, 303]
    assert len(session.exec(select(StatusReport)).all()) == 1 and len(site.submitted) == 1
