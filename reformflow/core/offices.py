"""The offices of one installation. Each reform office (a city's, a district's) keeps its own ledger: its own
database, agency directory, leaders, documents, outbox and bulletins, so that one office never sees another's
tasks — not by a filter that a query could forget, but because its data lives elsewhere.

The offices are listed in a YAML file (`REFORMFLOW_OFFICES_FILE`; the bundled one holds the sample cities);
`REFORMFLOW_OFFICE` names the office that commands act on when none is given.
"""

from __future__ import annotations

from datetime import date
from functools import lru_cache
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from reformflow.core.settings import settings

SLUG = r"^[a-z0-9][a-z0-9-]{0,39}$"


class OfficeError(ValueError):
    """The offices file is wrong, or an office is not in it; the message names the file and the office."""


class Office(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    slug: str = Field(pattern=SLUG, description="in paths, URLs and report links; never changes")
    name: str = Field(min_length=1, description="as the office is known: 深圳市, 广州市海珠区")
    directory: Path  # its agency directory (units, leaders, contacts); relative to the offices file
    # Its own database; default: a SQLite file in its data folder. REFORMFLOW_DATABASE_URL may name one
    # database per office with `{office}` in it (postgresql+psycopg://host/reformflow_{office}).
    database_url: str | None = None
    # Local days off and 调休 workdays, on top of the national calendar and the installation's own list.
    extra_holidays: list[date] = []
    extra_workdays: list[date] = []

    @property
    def data_dir(self) -> Path:
        return settings.data_dir / self.slug

    @property
    def outbox_dir(self) -> Path:
        return self.data_dir / "outbox"

    @property
    def bulletin_dir(self) -> Path:
        return self.data_dir / "bulletins"

    @property
    def evidence_dir(self) -> Path:
        return self.data_dir / "evidence"

    @property
    def inbox_dir(self) -> Path:
        return self.data_dir / "inbox"

    @property
    def decisions_path(self) -> Path:
        """The office's decisions on unit mentions (review list, confirmed suggestions)."""
        return self.data_dir / "unit-decisions.yaml"

    @property
    def db_url(self) -> str:
        if self.database_url:
            return self.database_url
        configured = settings.database_url
        if configured and "{office}" in configured:
            return configured.replace("{office}", self.slug.replace("-", "_"))
        if configured:
            if self.slug != settings.office:
                raise OfficeError(f"REFORMFLOW_DATABASE_URL names one database, the ledger of office "
                                  f"'{settings.office}'; to hold office '{self.slug}' too, put {{office}} in it "
                                  f"(one database per office) or give the office its own database_url in "
                                  f"{settings.offices_file}")
            return configured
        return f"sqlite:///{(self.data_dir / 'reformflow.db').resolve()}"


class OfficesFile(BaseModel):
    model_config = ConfigDict(extra="forbid")
    offices: list[Office] = Field(min_length=1)


@lru_cache(maxsize=4)
def _load(path: str, modified: float) -> dict[str, Office]:
    del modified  # part of the cache key only: an edited file is read again
    try:
        raw = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise OfficeError(f"{path}: cannot read the offices file: {exc.strerror}") from exc
    except yaml.YAMLError as exc:
        raise OfficeError(f"{path}: not valid YAML: {exc}") from exc
    try:
        parsed = OfficesFile.model_validate(raw)
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors())
        raise OfficeError(f"{path}: {problems}") from None
    offices: dict[str, Office] = {}
    for office in parsed.offices:
        if office.slug in offices:
            raise OfficeError(f"{path}: office '{office.slug}' is listed twice")
        directory = office.directory if office.directory.is_absolute() else Path(path).parent / office.directory
        offices[office.slug] = office.model_copy(update={"directory": directory})
    return offices


def all_offices() -> dict[str, Office]:
    path = Path(settings.offices_file).resolve()
    try:
        modified = path.stat().st_mtime
    except OSError as exc:
        raise OfficeError(f"{path}: cannot read the offices file: {exc.strerror}") from exc
    return _load(str(path), modified)


def get_office(slug: str | None = None) -> Office:
    """The office named, or the configured one; an unknown name is an error that lists the known ones."""
    slug = slug or settings.office
    offices = all_offices()
    if slug not in offices:
        raise OfficeError(f"no office '{slug}' in {settings.offices_file}; the offices are: {', '.join(offices)}")
    return offices[slug]
