"""The agency directory: a YAML file the office edits by hand, validated on load, used to resolve mentions."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from reformflow.core.hygiene import safe_line, unsafe_characters
from reformflow.parsing.text import clean

CHANNELS = ("email", "wecom", "dingtalk", "feishu", "outbox", "webhook")


class DirectoryError(ValueError):
    """The directory file is wrong; the message names the file and the entry."""


class ContactEntry(BaseModel):
    model_config = ConfigDict(extra="forbid")
    channel: str
    url: str

    @model_validator(mode="after")
    def _known_channel(self) -> ContactEntry:
        if self.channel not in CHANNELS:
            raise ValueError(f"unknown channel '{self.channel}' (expected one of {', '.join(CHANNELS)})")
        if "://" not in self.url:
            raise ValueError(f"'{self.url}' is not an Apprise URL (scheme://…)")
        return self


class FormerName(BaseModel):
    """A name the unit had until a date (机构改革): documents issued before it use that name."""

    model_config = ConfigDict(extra="forbid")
    name: str
    until: date


class UnitEntry(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    name: str
    aliases: list[str] = []
    former_names: list[FormerName] = []
    person_in_charge: str | None = None
    supervisor: str | None = None
    contacts: list[ContactEntry] = []


class GroupEntry(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str
    aliases: list[str] = []
    members: list[str]


class LeaderEntry(BaseModel):
    """A supervising leader (分管领导): units name one as `supervisor`; escalations go to them."""

    model_config = ConfigDict(extra="forbid")
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    name: str
    contacts: list[ContactEntry] = []


class OfficeEntry(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str
    city: str | None = None  # "深圳": documents write 深圳市公安局 where the directory says 市公安局
    contacts: list[ContactEntry] = []


class DirectoryFile(BaseModel):
    model_config = ConfigDict(extra="forbid")
    office: OfficeEntry
    leaders: list[LeaderEntry] = []
    units: list[UnitEntry]
    groups: list[GroupEntry] = []
    placeholders: list[str] = []


def normalise_name(name: str) -> str:
    return re.sub(r"\s+", "", clean(name))


class MentionProblem(StrEnum):
    """Why the office must look at a unit mention; the value is what the office reads."""

    PLACEHOLDER = "泛指单位，需改革办确定具体单位"
    NOT_IN_DIRECTORY = "单位名录中没有这个名称"
    DECISION_UNKNOWN_UNITS = "改革办的决定中有单位不在名录中"


@dataclass
class Resolution:
    mention: str
    units: list[str] = field(default_factory=list)  # canonical unit names
    problem: MentionProblem | None = None  # why the office must look at it
    detail: str = ""  # what exactly, when the problem alone does not say
    candidates: list[tuple[str, float]] = field(default_factory=list)  # best guesses, for the review list
    how: str = "unresolved"  # exact | group | former name | fuzzy | decision | ignored | unresolved


class Directory:
    def __init__(self, data: DirectoryFile, path: Path):
        self.data, self.path = data, path
        self.units = {unit.name: unit for unit in data.units}
        self._names: dict[str, str] = {}
        self._groups: dict[str, GroupEntry] = {}
        for unit in data.units:
            for name in (unit.name, *unit.aliases):
                self._claim(normalise_name(name), unit.name, f"unit '{unit.name}'")
        for group in data.groups:
            for name in (group.name, *group.aliases):
                self._claim(normalise_name(name), group.name, f"group '{group.name}'")
                self._groups[normalise_name(name)] = group
            missing = [m for m in group.members if m not in self.units]
            if missing:
                raise DirectoryError(f"{path}: group '{group.name}': members not in the directory: "
                                     f"{', '.join(missing)}")
        self._placeholders = {normalise_name(p) for p in data.placeholders}
        # A former name may since belong to another unit: it is read by the document's date.
        self._former: dict[str, list[tuple[date, str]]] = {}
        for unit in data.units:
            for former in unit.former_names:
                self._former.setdefault(normalise_name(former.name), []).append((former.until, unit.name))

    def _local(self, key: str) -> str:
        city = self.data.office.city
        if city and key not in self._names and key.startswith(f"{city}市"):
            return "市" + key.removeprefix(f"{city}市")
        return key

    @property
    def names(self) -> dict[str, str]:
        """Every known name (normalised) → the unit or group it stands for."""
        return dict(self._names)

    def _claim(self, key: str, owner: str, what: str) -> None:
        if key in self._names and self._names[key] != owner:
            raise DirectoryError(f"{self.path}: {what}: the name '{key}' already belongs to "
                                 f"'{self._names[key]}'")
        self._names[key] = owner

    def resolve(self, mention: str, on: date | None = None) -> Resolution:
        """Exact names, aliases and groups; former names by the document's date `on`."""
        key = self._local(normalise_name(mention))
        formers = sorted(self._former.get(key, []))
        for until, unit in formers:
            if on is not None and on < until:
                return Resolution(mention, [unit], how="former name")
        if formers and key not in self._names:  # a name nobody uses any more: the unit that carried it
            return Resolution(mention, [formers[-1][1]], how="former name")
        if key in self._groups:
            return Resolution(mention, list(self._groups[key].members), how="group")
        if key in self._names:
            return Resolution(mention, [self._names[key]], how="exact")
        if key in self._placeholders:
            return Resolution(mention, problem=MentionProblem.PLACEHOLDER)
        return Resolution(mention, problem=MentionProblem.NOT_IN_DIRECTORY)


def load_directory(path: str | Path) -> Directory:
    path = Path(path)
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise DirectoryError(f"{path}: cannot read the directory: {exc.strerror}") from exc
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" line {mark.line + 1}" if mark else ""
        raise DirectoryError(f"{path}:{where}: not valid YAML: {getattr(exc, 'problem', exc)}") from exc
    if unsafe := control_characters_in(raw):
        raise DirectoryError(f"{path}: " + "; ".join(unsafe))
    try:
        data = DirectoryFile.model_validate(raw)
    except ValidationError as exc:
        raise DirectoryError(f"{path}: " + "; ".join(_describe(raw, err) for err in exc.errors())) from exc
    return Directory(data, path)


def control_characters_in(raw: object) -> list[str]:
    """Every value holding NUL or another control character (YAML's "\0" or "\v" escapes write them), named
    like a validation error: a unit name that cannot be stored or matched is refused, not silently changed."""
    found: list[str] = []

    def visit(node: object, loc: tuple) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                visit(value, (*loc, key))
        elif isinstance(node, list):
            for index, value in enumerate(node):
                visit(value, (*loc, index))
        elif isinstance(node, str) and (characters := unsafe_characters(node)):
            found.append(_describe(raw, {"loc": loc, "msg": f"control character {', '.join(characters)} "
                                                             f"in '{safe_line(node)}'; remove it"}))

    visit(raw, ())
    return found


def _describe(raw: object, error: dict) -> str:
    """`units[3] (市公安局).contacts[0].channel: unknown channel …`: the entry named, not just its index."""
    parts, node = [], raw
    for step in error["loc"]:
        node = node[step] if isinstance(node, (list, dict)) and _has(node, step) else None
        label = f"[{step}]" if isinstance(step, int) else f".{step}"
        if isinstance(step, int) and isinstance(node, dict) and node.get("name"):
            label += f" ({safe_line(str(node['name']))})"
        parts.append(label)
    return f"{''.join(parts).lstrip('.')}: {error['msg']}"


def _has(node: list | dict, step: object) -> bool:
    return step in node if isinstance(node, dict) else isinstance(step, int) and step < len(node)
