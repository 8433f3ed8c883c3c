"""Shared fixtures: a fresh data directory and database per test, one Prefect server per session, a real
SMTP server on demand."""

from __future__ import annotations

import os
import socket
import tempfile

os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("DO_NOT_TRACK", "1")
os.environ.setdefault("PREFECT_HOME", tempfile.mkdtemp(prefix="reformflow-prefect-"))
os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")

import pytest
from aiosmtpd.controller import Controller

from reformflow.core.settings import settings
from tests.factories import new_session


@pytest.fixture(autouse=True)
def data_dir(tmp_path, monkeypatch):
    """Every test gets its own data directory; the fixture is the default office's folder in it (Shenzhen, of the
    bundled offices), which holds that office's SQLite ledger, outbox and bulletins."""
    monkeypatch.setattr(settings, "data_dir", tmp_path / "var")
    monkeypatch.setattr(settings, "database_url", None)
    monkeypatch.setattr(settings, "office", "shenzhen")
    return tmp_path / "var" / "shenzhen"


@pytest.fixture
def session(data_dir):
    """The test starts the work, so it owns the session: domain functions never commit, the test commits
    where a step must be visible to another transaction (a flow, a web request, a dispatcher)."""
    with new_session() as session:
        yield session
        session.commit()


@pytest.fixture(scope="session")
def prefect_server():
    """The real Prefect engine and an ephemeral server, started once for the whole test session."""
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=120):
        yield


class Mailbox:
    """An aiosmtpd handler that keeps what it receives, and can be told to refuse."""

    def __init__(self) -> None:
        self.messages: list[tuple[str, list[str], bytes]] = []
        self.refuse = False

    async def handle_DATA(self, server, session, envelope):
        if self.refuse:
            return "554 5.7.1 Message refused by policy"
        self.messages.append((envelope.mail_from, list(envelope.rcpt_tos), envelope.content))
        return "250 OK"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def smtp_server():
    """A real SMTP server on 127.0.0.1; yields (mailbox, port)."""
    mailbox = Mailbox()
    controller = Controller(mailbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        yield mailbox, controller.port
    finally:
        controller.stop()
