"""The office console's accounts, sessions and audit log. They live in the office's own database, beside its
ledger: an account belongs to one office, and so does everything it decided."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Column, Text
from sqlmodel import Field, SQLModel

from reformflow.models.ledger import utcnow


class ConsoleRole(StrEnum):
    ADMIN = "admin"  # 管理员：everything, documents included
    STAFF = "staff"  # 工作人员：review, units, bulletins, messages
    LEADER = "leader"  # 领导：reads the dashboards and the ledger, decides nothing


ROLE_NAMES = {ConsoleRole.ADMIN: "管理员", ConsoleRole.STAFF: "工作人员", ConsoleRole.LEADER: "领导（只读）"}


class ConsoleUser(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(unique=True, index=True)  # the login name
    display_name: str = ""
    password_hash: str  # argon2, through pwdlib; the password itself is never stored
    role: str  # ConsoleRole
    disabled: bool = False
    created_at: datetime = Field(default_factory=utcnow)


class ConsoleSession(SQLModel, table=True):
    """A server-side session: the cookie carries a random token, the database only its hash, so that a copy of
    the database opens no session. Logging out deletes the row; an expired row is refused and removed."""

    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(unique=True, index=True)
    user_id: int = Field(foreign_key="consoleuser.id", index=True)
    csrf: str  # every form of the session carries it
    created_at: datetime = Field(default_factory=utcnow)
    expires_at: datetime


class LoginFailure(SQLModel, table=True):
    """A failed login, kept for throttling: too many for one name or one address in a while and logins wait."""

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(index=True)
    address: str = Field(index=True)
    at: datetime = Field(default_factory=utcnow, index=True)


class AuditEntry(SQLModel, table=True):
    """Every decision taken in the console: who, when, what, on what."""

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=utcnow, index=True)
    user: str = Field(index=True)  # the login name (kept as text: the record outlives the account)
    action: str  # what was decided, in Chinese
    target: str = ""  # what it was decided on: a report, a task, a message …
    detail: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
