"""Personal report links: a signed, expiring token naming one unit and one period (itsdangerous)."""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from reformflow.config import settings

SALT = "reformflow-report-link"


class LinkError(ValueError):
    """A link that must be refused; the message is what the person at the other end reads."""


def secret_key() -> str:
    if settings.secret_key:
        return settings.secret_key.get_secret_value()
    if settings.production:
        raise RuntimeError("REFORMFLOW_SECRET_KEY is not set: report links cannot be signed. Set it to a long "
                           "random value (python -c 'import secrets; print(secrets.token_urlsafe(48))').")
    path = settings.data_dir / "secret-key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w") as handle:
            handle.write(secrets.token_urlsafe(48))
    return path.read_text().strip()


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret_key(), salt=SALT)


@dataclass(frozen=True)
class LinkScope:
    unit_slug: str
    period: str


def make_token(unit_slug: str, period: str) -> str:
    return _serializer().dumps({"u": unit_slug, "p": period})


def report_link(unit_slug: str, period: str) -> str:
    return f"{settings.intake_base_url.rstrip('/')}/r/{make_token(unit_slug, period)}"


def read_token(token: str) -> LinkScope:
    try:
        data = _serializer().loads(token, max_age=settings.link_valid_days * 86400)
    except SignatureExpired as exc:
        raise LinkError("这个报送链接已过期，请使用最新提醒中的链接，或联系改革办。") from exc
    except BadSignature as exc:
        raise LinkError("这个报送链接无效，请检查是否完整复制，或联系改革办。") from exc
    return LinkScope(data["u"], data["p"])
