"""Resolving unit mentions: the office's recorded decisions first, then the directory (names, aliases,
groups, former names by date), then a fuzzy match above a threshold; anything else goes to review with the
best candidates.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError
from rapidfuzz import fuzz, process

from reformflow.supervision.units.directory import (
    Directory,
    DirectoryError,
    MentionProblem,
    Resolution,
    control_characters_in,
    normalise_name,
)

FUZZY_ACCEPT = 90.0  # a name this close to exactly one directory name is taken as that unit
FUZZY_MARGIN = 5.0  # … and at least this much closer than the next candidate
CANDIDATES = 3


class Decision(BaseModel):
    """The office's word on a mention (everywhere, or in one task), or on a task that names no units."""

    model_config = ConfigDict(extra="forbid")
    mention: str | None = None
    source: str | None = None
    code: str | None = None
    units: list[str] = []
    role: str | None = None  # for a task that names no units: lead or co
    ignore: bool = False  # the mention names nobody to supervise (e.g. 各有关单位 that the office handles itself)


class DecisionsFile(BaseModel):
    model_config = ConfigDict(extra="forbid")
    decisions: list[Decision] = []


@dataclass
class Decisions:
    path: Path
    items: list[Decision] = field(default_factory=list)

    def for_mention(self, mention: str, source: str, code: str) -> Decision | None:
        key = normalise_name(mention)
        matches = [d for d in self.items if d.mention and normalise_name(d.mention) == key
                   and (d.source is None or (d.source == source and d.code in (None, code)))]
        # the most specific decision wins: one task over one document over everywhere
        return max(matches, key=lambda d: (d.source is not None, d.code is not None), default=None)

    def for_task(self, source: str, code: str) -> list[Decision]:
        return [d for d in self.items if d.mention is None and d.source == source and d.code == code]

    def add(self, decision: Decision) -> None:
        self.items = [d for d in self.items if (d.mention, d.source, d.code, d.role) !=
                      (decision.mention, decision.source, decision.code, decision.role)]
        self.items.append(decision)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        payload = {"decisions": [d.model_dump(exclude_defaults=True) for d in self.items]}
        tmp = self.path.with_suffix(".tmp")
        tmp.write_text("# Decisions of the reform office on unit mentions; `reformflow units decide` writes here.\n"
                       + yaml.safe_dump(payload, allow_unicode=True, sort_keys=False), encoding="utf-8")
        tmp.replace(self.path)


def load_decisions(path: Path) -> Decisions:
    if not path.exists():
        return Decisions(path)
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        if unsafe := control_characters_in(raw):  # the office edits this file by hand too
            raise DirectoryError(f"{path}: " + "; ".join(unsafe))
        data = DecisionsFile.model_validate(raw)
    except (yaml.YAMLError, ValidationError) as exc:
        raise DirectoryError(f"{path}: not a valid decisions file: {exc}") from exc
    return Decisions(path, data.decisions)


class Resolver:
    def __init__(self, directory: Directory, decisions: Decisions):
        self.directory, self.decisions = directory, decisions
        self._choices = directory.names  # normalised name → unit or group

    def resolve(self, mention: str, *, source: str, code: str, on: date | None = None) -> Resolution:
        decision = self.decisions.for_mention(mention, source, code)
        if decision is not None:
            return self._decided(mention, decision)
        found = self.directory.resolve(mention, on)
        if found.units or found.problem is MentionProblem.PLACEHOLDER:
            return found
        return self._fuzzy(mention)

    def _decided(self, mention: str, decision: Decision) -> Resolution:
        unknown = [u for u in decision.units if u not in self.directory.units]
        if unknown:
            return Resolution(mention, problem=MentionProblem.DECISION_UNKNOWN_UNITS,
                              detail="、".join(unknown))
        return Resolution(mention, list(decision.units), how="ignored" if decision.ignore else "decision")

    def candidates(self, mention: str) -> list[tuple[str, float]]:
        best: dict[str, float] = {}
        for name, score, _ in process.extract(normalise_name(mention), list(self._choices), scorer=fuzz.ratio,
                                              limit=CANDIDATES * 3):
            owner = self._choices[name]
            best[owner] = max(best.get(owner, 0.0), round(score, 1))
        return sorted(best.items(), key=lambda item: -item[1])[:CANDIDATES]

    def _fuzzy(self, mention: str) -> Resolution:
        candidates = self.candidates(mention)
        if candidates and candidates[0][1] >= FUZZY_ACCEPT and (
                len(candidates) == 1 or candidates[0][1] - candidates[1][1] >= FUZZY_MARGIN):
            name = candidates[0][0]
            return self.directory.resolve(name) if name not in self.directory.units else \
                Resolution(mention, [name], how="fuzzy", candidates=candidates)
        return Resolution(mention, problem=MentionProblem.NOT_IN_DIRECTORY, candidates=candidates)
