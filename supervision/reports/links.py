"""Personal report links: a signed, expiring token naming one office, one of its units and one period
(itsdangerous)."""

from __future__ import annotations

from dataclasses import dataclass

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from reformflow.supervision.reports.periods import period_start

SALT = "reformflow-report-link"


class LinkError(ValueError):
    """A link that must be refused; the message is what the person at the other end reads."""


@dataclass(frozen=True)
class LinkScope:
    unit_slug: str
    period: str
    office: str


@dataclass(frozen=True)
class ReportLinks:
    """Signs and reads the links of one office: the installation's key, its intake page's address, their
    lifetime. A link names its office, so that the page opens that office's ledger and no other."""

    secret: str
    base_url: str
    office: str
    valid_days: int = 45

    def _serializer(self) -> URLSafeTimedSerializer:
        return URLSafeTimedSerializer(self.secret, salt=SALT)

    def token(self, unit_slug: str, period: str) -> str:
        period_start(period)  # a link for a month that does not exist is never signed
        return self._serializer().dumps({"o": self.office, "u": unit_slug, "p": period})

    def url(self, unit_slug: str, period: str) -> str:
        return f"{self.base_url.rstrip('/')}/r/{self.token(unit_slug, period)}"

    def read(self, token: str) -> LinkScope:
        try:
            data = self._serializer().loads(token, max_age=self.valid_days * 86400)
        except SignatureExpired as exc:
            raise LinkError("这个报送链接已过期，请使用最新提醒中的链接，或联系改革办。") from exc
        except BadSignature as exc:
            raise LinkError("这个报送链接无效，请检查是否完整复制，或联系改革办。") from exc
        if not isinstance(data, dict) or not {"o", "u", "p"} <= data.keys():
            raise LinkError("这个报送链接无效，请检查是否完整复制，或联系改革办。")
        try:  # signed by an older version, or by hand with the key: the period is checked all the same
            period_start(data["p"])
        except ValueError as exc:
            raise LinkError(f"{exc}这个报送链接无法使用，请联系改革办。") from exc
        return LinkScope(data["u"], data["p"], data["o"])
