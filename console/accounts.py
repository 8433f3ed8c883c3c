"""Accounts, logins and sessions of the office console, in the office's own database.

Passwords are hashed with argon2 (pwdlib). A login opens a server-side session: the cookie holds a random token,
the database its SHA-256 and the session's CSRF token; it expires after `console_session_hours`. Failed logins
are counted per name and per address; past the limit, logins wait (even with the right password).
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from pwdlib import PasswordHash
from sqlmodel import Session, delete, func, select

from reformflow.models import AuditEntry, ConsoleRole, ConsoleSession, ConsoleUser, LoginFailure, utcnow

PASSWORDS = PasswordHash.recommended()  # argon2id with pwdlib's current parameters
MIN_PASSWORD_LENGTH = 10
THROTTLE_WINDOW = timedelta(minutes=15)
MAX_FAILURES_PER_NAME = 5
MAX_FAILURES_PER_ADDRESS = 20
# Verified when the name is unknown, so that a wrong name takes as long as a wrong password.
_DUMMY_HASH = PASSWORDS.hash("reformflow-no-such-user")


class AccountError(ValueError):
    """Why an account cannot be created or a login is refused, in Chinese, for the person at the screen."""


@dataclass(frozen=True)
class Viewer:
    """The person behind a request: the account, its office and the CSRF token of its session."""

    user: ConsoleUser
    office: str
    csrf: str

    @property
    def can_decide(self) -> bool:
        return self.user.role in (ConsoleRole.ADMIN, ConsoleRole.STAFF)

    @property
    def is_admin(self) -> bool:
        return self.user.role == ConsoleRole.ADMIN


def add_user(name: str, role: str, password: str, *, session: Session, display_name: str = "") -> ConsoleUser:
    name = name.strip()
    if not name or len(name) > 64 or any(not ch.isprintable() or ch.isspace() for ch in name):
        raise AccountError("用户名须为 1 到 64 个字符，不含空格。")
    if role not in set(ConsoleRole):
        raise AccountError(f"角色须为 {'、'.join(ConsoleRole)} 之一（管理员、工作人员、领导）。")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"密码至少 {MIN_PASSWORD_LENGTH} 个字符。")
    if session.exec(select(ConsoleUser).where(ConsoleUser.name == name)).first() is not None:
        raise AccountError(f"用户“{name}”已存在。")
    user = ConsoleUser(name=name, display_name=display_name.strip() or name, role=role,
                       password_hash=PASSWORDS.hash(password))
    session.add(user)
    session.flush()
    return user


def log_in(name: str, password: str, address: str, *, session: Session, hours: float) -> tuple[ConsoleUser, str]:
    """The account and a new session token, or AccountError. A failure is recorded even though the caller's
    transaction carries on: the caller commits it (a refused login changes nothing else)."""
    now = utcnow()
    if _throttled(name, address, now, session=session):
        raise AccountError("登录失败次数过多，请 15 分钟后再试。")
    user = session.exec(select(ConsoleUser).where(ConsoleUser.name == name.strip())).first()
    valid = PASSWORDS.verify(password, user.password_hash if user else _DUMMY_HASH)
    if user is None or not valid or user.disabled:
        session.add(LoginFailure(name=name.strip()[:64], address=address[:64], at=now))
        raise AccountError("用户名或密码不正确。")
    session.exec(delete(LoginFailure).where((LoginFailure.name == user.name)
                                            | (LoginFailure.at < now - THROTTLE_WINDOW)))  # only recent ones count
    session.exec(delete(ConsoleSession).where(ConsoleSession.expires_at < now))  # housekeeping
    token = secrets.token_urlsafe(32)
    session.add(ConsoleSession(token_hash=_digest(token), user_id=user.id, csrf=secrets.token_urlsafe(32),
                               created_at=now, expires_at=now + timedelta(hours=hours)))
    audit(user.name, "登录", session=session)
    return user, token


def _throttled(name: str, address: str, now: datetime, *, session: Session) -> bool:
    since = now - THROTTLE_WINDOW
    by_name = session.exec(select(func.count()).where(LoginFailure.name == name.strip(),
                                                      LoginFailure.at >= since)).one()
    by_address = session.exec(select(func.count()).where(LoginFailure.address == address,
                                                         LoginFailure.at >= since)).one()
    return by_name >= MAX_FAILURES_PER_NAME or by_address >= MAX_FAILURES_PER_ADDRESS


def session_user(token: str, *, session: Session) -> tuple[ConsoleUser, ConsoleSession] | None:
    """The account of a live session, or None (unknown, expired, or the account was disabled)."""
    found = session.exec(select(ConsoleSession).where(ConsoleSession.token_hash == _digest(token))).first()
    if found is None:
        return None
    if found.expires_at <= utcnow():
        session.delete(found)
        return None
    user = session.get(ConsoleUser, found.user_id)
    return (user, found) if user is not None and not user.disabled else None


def log_out(token: str, *, session: Session) -> None:
    session.exec(delete(ConsoleSession).where(ConsoleSession.token_hash == _digest(token)))


def audit(user: str, action: str, target: str = "", detail: str = "", *, session: Session) -> None:
    session.add(AuditEntry(user=user, action=action, target=target, detail=detail))


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
