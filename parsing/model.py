"""What extraction produces: plain data, independent of the database."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date


@dataclass
class Problem:
    file: str
    line: int | None
    reason: str
    where: str | None = None  # `sheet 台账 row 7`, `table 1 row 3`: set for files that are not plain text

    def __str__(self) -> str:
        if self.where:
            return f"{self.file} {self.where}: {self.reason}"
        return f"{self.file}:{self.line}: {self.reason}" if self.line else f"{self.file}: {self.reason}"


@dataclass
class ExtractedTask:
    source: str
    code: str
    area: str | None
    title: str
    text: str
    original_text: str
    line: int
    lead_units: list[str] = field(default_factory=list)
    co_units: list[str] = field(default_factory=list)
    deadline: date | None = None
    deadline_text: str | None = None
    deadline_kind: str | None = None

    def contract(self) -> dict:
        """The `reformflow extract --json` object (see README)."""
        data = asdict(self)
        for key in ("original_text", "line", "deadline_kind"):
            data.pop(key)
        data["deadline"] = self.deadline.isoformat() if self.deadline else None
        return data


@dataclass
class ExtractedDocument:
    source: str
    title: str
    year: int | None
    issued_on: date | None
    tasks: list[ExtractedTask] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
