"""Settings: one class, one instance, every value overridable by a `REFORMFLOW_` environment variable."""

from __future__ import annotations

import os
import secrets
import time as clock
from datetime import date, time
from pathlib import Path
from string import Formatter

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

SAMPLES = Path(__file__).resolve().parent.parent / "samples"
NUMBER_FIELDS = {"year", "month"}  # what a 文号 template may use (REFORMFLOW_NOTICE_NUMBER)


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="REFORMFLOW_", env_file=".env", extra="ignore")

    data_dir: Path = Path("var")
    # Any SQLAlchemy URL: sqlite:///…, postgresql+psycopg://user@host/db, with `{office}` where each office's
    # name goes (one database per office). Default: a SQLite file in each office's data folder.
    database_url: str | None = None
    sqlite_busy_timeout_ms: int = 30_000  # how long a writer waits for another before "database is locked"
    timezone: str = "Asia/Shanghai"
    # The offices of this installation, each with its own ledger and directory (core/offices.py), and the one
    # commands act on when none is named. Default: the bundled sample offices, Shenzhen first.
    offices_file: Path = SAMPLES / "offices.yaml"
    office: str = "shenzhen"
    # Reminder rungs in working days before the deadline; overdue tasks are reminded every N working days,
    # and escalated to the unit's supervising leader and the office after N working days overdue.
    reminder_days_before: list[int] = [15, 5, 1, 0]
    overdue_every_days: int = 5
    escalate_after_days_overdue: int = 10
    # 签收: units acknowledge their new tasks within this many working days of the 交办通知, or are chased once.
    acknowledge_within_days: int = 3
    # Messages go out on working days within office hours (office time zone); otherwise they wait.
    office_hours_start: time = time(9, 0)
    office_hours_end: time = time(18, 0)
    # For years the holiday package does not know yet: the office's own list of holidays and 调休 workdays.
    extra_holidays: list[date] = []
    extra_workdays: list[date] = []
    # Status reports are due by this day of each month; units are chased this many days before it.
    report_cutoff_day: int = 25
    chase_days_before_cutoff: int = 5
    max_send_attempts: int = 5
    # Messages claimed a commit (one fsync; one a message made the ledger the larger part of a message's cost). A
    # sender killed outright (SIGKILL, a power cut) leaves at most this many in doubt for the office to check:
    # 1 is the strictest; 10 sent 1.4× faster to a local relay (bench.dispatch), 50 no faster than 10.
    dispatch_window: int = Field(default=10, ge=1, le=100)
    # Deliver the outbox through Prefect background tasks served by task workers (`reformflow task-worker`),
    # so that delivery grows by starting more task workers; otherwise batches run in the flow's thread pool.
    task_queue: bool = False
    # Personal report links: signed with this key, valid this many days. Production must set the key; the
    # embedded default keeps a generated one in the data directory.
    secret_key: SecretStr | None = None
    production: bool = False
    link_valid_days: int = 45
    intake_base_url: str = "http://127.0.0.1:8000"
    evidence_max_bytes: int = 10 * 1024 * 1024
    # The office console: a login lasts this many hours, then the person logs in again.
    console_session_hours: float = 8
    # Schedules of the deployments (cron, office time zone).
    reminder_cron: str = "0 9 * * *"  # daily; the sweep itself skips days off and honours 调休 workdays
    chase_cron: str = "30 9 * * *"  # daily; nudges only within the days before the report cut-off
    bulletin_cron: str = "0 9 1 * *"  # the 1st of each month, for the month just ended
    # Where the bulletin folder is published for readers (intranet); chat summaries link there.
    public_base_url: str | None = None
    # The bulletin's Word notice (通报, GB/T 9704 layout): the issuing office (default: the office's name in the
    # agency directory), its 文号 with {year} and {month} of the bulletin (深营商办〔{year}〕{month}号; none when
    # unset), to whom it is addressed, and its fonts (unset: the free faces `make system-deps` installs, Noto
    # Serif CJK SC, FandolFang, Noto Sans CJK SC, FandolKai). A font must be installed where the PDF is made, or
    # LibreOffice substitutes another; Word on the readers' machines uses the names given here.
    notice_issuer: str | None = None
    notice_number: str | None = None
    notice_addressees: str | None = None
    notice_title_font: str | None = None  # 小标宋 style
    notice_body_font: str | None = None  # 仿宋 style
    notice_heading_font: str | None = None  # 黑体 style
    notice_subheading_font: str | None = None  # 楷体 style
    # Print the notice to PDF beside the .docx (LibreOffice headless, a few seconds a bulletin).
    notice_pdf: bool = True

    @field_validator("report_cutoff_day")
    @classmethod
    def _cutoff_in_month(cls, value: int) -> int:
        if not 1 <= value <= 28:
            raise ValueError("report_cutoff_day must be between 1 and 28 so that every month has it")
        return value

    @field_validator("notice_number")
    @classmethod
    def _number_placeholders(cls, value: str | None) -> str | None:
        if value is None:
            return value
        try:
            fields = {name for _, name, _, _ in Formatter().parse(value) if name is not None}
        except ValueError as error:
            raise ValueError(f"'{value}' is not a 文号 template ({error}); write e.g. "
                             "深营商办〔{year}〕{month}号") from None
        if fields - NUMBER_FIELDS:
            raise ValueError(f"'{value}' names {', '.join(sorted(fields - NUMBER_FIELDS))}: a 文号 may use only "
                             "{year} and {month}, e.g. 深营商办〔{year}〕{month}号")
        return value

    def link_secret(self) -> str:
        """The key report links are signed with. Production must set it; the embedded default keeps a generated
        one in the data directory."""
        if self.secret_key:
            return self.secret_key.get_secret_value()
        if self.production:
            raise RuntimeError("REFORMFLOW_SECRET_KEY is not set: report links cannot be signed. Set it to a long "
                               "random value (python -c 'import secrets; print(secrets.token_urlsafe(48))').")
        path = self.data_dir / "secret-key"
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            try:
                descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            except FileExistsError:  # another thread or process made it first: use theirs
                return self._wait_for_key(path)
            with os.fdopen(descriptor, "w") as handle:
                handle.write(secrets.token_urlsafe(48))
        return self._wait_for_key(path)

    @staticmethod
    def _wait_for_key(path: Path) -> str:
        for _ in range(100):  # its writer may not have written it yet
            key = path.read_text().strip()
            if key:
                return key
            clock.sleep(0.01)
        raise RuntimeError(f"{path} is empty: delete it to have a new key generated")


settings = Settings()
