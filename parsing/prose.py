"""Prose documents: which outline items are the tasks, their codes, units and deadlines.

The tasks are the deepest items that name responsible units: an item whose sub-items carry their own unit clauses
is a heading for them (its own clause, if any, is the default for a sub-item without one), an item whose text
closes with a clause is a task (several clauses in it make sub-measures `N.1`, `N.2`, …), whatever level it sits
at: `一、` parts, `（一）` sections, `1.` items or `具体措施：1．…` sub-measures. A document that names no units at
all makes each numbered item a task, else each `（一）` section, else each part. Document-level prose (总体要求,
保障措施 …) is not a task unless it names responsible units.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass, field

from reformflow.parsing.confidence import judge
from reformflow.parsing.deadlines import INHERITED, find_deadlines
from reformflow.parsing.measures import Measure, find_clauses, split_measures
from reformflow.parsing.model import ExtractedTask, Problem
from reformflow.parsing.outline import Node, Outline, read_outline
from reformflow.parsing.task import TaskParts, build_task
from reformflow.parsing.text import to_simplified

DOC_LEVEL = ("总体要求", "指导思想", "工作目标", "主要目标", "基本原则", "保障措施", "组织保障", "组织实施",
             "工作要求", "实施步骤", "组织领导", "工作原则", "总体目标", "发展目标", "保障机制")
GOALS = ("工作目标", "主要目标", "总体目标", "目标任务", "发展目标")


@dataclass
class _Reading:
    """What the reader knows about every node: its simplified text, its clauses, whether units are below it."""

    outline: Outline
    convention: str | None
    own: dict[int, str] = field(default_factory=dict)
    clauses: dict[int, list] = field(default_factory=dict)
    units_below: dict[int, bool] = field(default_factory=dict)
    titles: dict[int, str] = field(default_factory=dict)
    document_level: dict[int, bool] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for node in reversed(list(self.outline.root.walk())):
            text = to_simplified(self.outline.own(node))
            self.own[id(node)] = text
            self.clauses[id(node)] = find_clauses(text, self.convention) if node.kind != "root" else []
            self.units_below[id(node)] = bool(self.clauses[id(node)]) or any(
                self.units_below[id(child)] for child in node.children)
            self.titles[id(node)] = re.split(r"[。：；\n]", text.strip(), maxsplit=1)[0].strip()[:60]
        for node in self.outline.root.walk():  # parents first: a node under 保障措施 is document-level too
            self.document_level[id(node)] = node.kind != "root" and (
                any(word in self.titles[id(node)] for word in DOC_LEVEL) or self.document_level[id(node.parent)])

    def full(self, node: Node) -> str:
        return "".join(self.own[id(n)] for n in node.walk())

    def title(self, node: Node) -> str:
        return self.titles[id(node)]


def _is_document_level(reading: _Reading, node: Node) -> bool:
    return reading.document_level[id(node)]


def _select(reading: _Reading, node: Node, inherited) -> list[tuple[Node, object]]:
    """(task node, units inherited from the heading above it) for every task under `node`.

    An item whose own text closes with a clause is a task even when its sub-items are tasks too
    (`（一）<measure>。（units）具体措施：1．…（units）`): the measure and each 具体措施 are followed up separately.
    """
    found: list[tuple[Node, object]] = []
    leaf_kinds = {c.kind for c in node.children if reading.units_below[id(c)]
                  and not any(reading.units_below[id(g)] for g in c.children)}
    for child in node.children:
        below = [g for g in child.children if reading.units_below[id(g)]]
        own = reading.clauses[id(child)]
        if below and own:
            found.append((child, None))
        if below:
            found += _select(reading, child, own[-1].mention if own else inherited)
        elif reading.units_below[id(child)] or (child.kind in leaf_kinds
                                                and not _is_document_level(reading, child)):
            found.append((child, inherited))
    return found


def _fallback(reading: _Reading) -> list[Node]:
    """No units anywhere: numbered items are the tasks, else `（一）` sections, else parts."""
    nodes = [n for n in reading.outline.nodes() if not _is_document_level(reading, n)]
    for kind in ("ar", "pcn", "cn", "art"):
        chosen = [n for n in nodes if n.kind == kind and (kind != "ar" or n.depth > 1)]
        if chosen:
            return chosen
    return []


def _codes(selected: list[Node]) -> dict[int, str]:
    """The item's own number when it is unique among the tasks, else prefixed by its heading's (`17.1`).

    A 具体措施 under a measure that is itself a task always takes the measure's code as its prefix.
    """
    chosen = {id(node) for node in selected}
    codes: dict[int, str] = {}
    for node in selected:  # parents come before their sub-items
        parent = node.parent
        codes[id(node)] = f"{codes[id(parent)]}.{node.number}" if id(parent) in chosen else str(node.number)
    for _ in range(3):  # `（1）` under （一） and `（1）` under （二）, or `①` under 第三条 next to 第一条
        renamed = _giving_way(selected, codes, chosen)
        if not renamed:
            break
        for node in selected:
            if id(node) in renamed:
                codes[id(node)] = f"{node.parent.number}.{codes[id(node)]}"
    return codes


def _giving_way(selected: list[Node], codes: dict[int, str], chosen: set[int]) -> set[int]:
    """Of items sharing a code, the deepest give way, with their siblings: they take their heading's number."""
    groups: dict[str, list[Node]] = {}
    for node in selected:
        groups.setdefault(codes[id(node)], []).append(node)
    renamed: set[int] = set()
    for group in (g for g in groups.values() if len(g) > 1):
        deepest = max(node.depth for node in group)
        for node in group:
            if node.depth == deepest and node.parent.kind != "root" and id(node.parent) not in chosen:
                renamed |= {id(n) for n in selected if n.parent is node.parent and n.kind == node.kind}
    return renamed


def parse_prose(name: str, lines: list[str], year: int | None, convention: str | None,
                problems: list[Problem]) -> list[ExtractedTask]:
    reading = _Reading(read_outline(name, lines, problems), convention)
    root = reading.outline.root
    if reading.units_below[id(root)]:
        selected = _select(reading, root, None)
    else:
        selected = [(node, None) for node in _fallback(reading)]
    codes = _codes([node for node, _ in selected])
    tasks: list[ExtractedTask] = []
    for node, inherited in selected:
        tasks.extend(_tasks_for(name, reading, node, codes[id(node)], inherited, year, problems))
    _inherit_target(name, reading, tasks, year, problems)
    return tasks


def _measures(reading: _Reading, node: Node, alone: bool) -> tuple[str, list[Measure]]:
    """The task's text (without the document's closing after the last item) and its measures."""
    text = _body(reading, node, alone)
    clauses = reading.clauses[id(node)] if alone else [c for n in node.walk() for c in reading.clauses[id(n)]]
    if not clauses:
        return text, [Measure(text, None)]
    if text != reading.own[id(node)] or not (alone or not node.children):
        clauses = find_clauses(text, reading.convention)  # offsets in the node's own text no longer hold
    last = node.last() is reading.outline.root.last()
    measures, end = split_measures(text, clauses, last)
    return text[:end], measures


def _tasks_for(name: str, reading: _Reading, node: Node, code: str, inherited, year: int | None,
               problems: list[Problem]) -> list[ExtractedTask]:
    alone = any(reading.units_below[id(child)] for child in node.children)
    text, measures = _measures(reading, node, alone)
    end = node.end if alone else node.last().end
    parts = TaskParts(name, code, reading.title(node), _area(reading, node), node.line,
                      reading.outline.text[node.body:end].replace("\n", ""), year)
    with_units = [m for m in measures if m.mention]
    if len(with_units) <= 1:
        mention = with_units[0].mention if with_units else copy.deepcopy(inherited)
        from_above = not with_units and inherited is not None
        return [build_task(parts, text.replace("\n", ""), mention, problems, inherited=from_above)]
    tasks = []
    head = reading.own[id(node)].split("。")[0] + "。"
    for index, measure in enumerate(measures, start=1):
        sentence = measure.text.removeprefix(head) if index == 1 else measure.text
        title = re.split(r"[。；]", sentence.replace("\n", ""), maxsplit=1)[0].strip()[:60] or parts.title
        sub = TaskParts(name, f"{code}.{index}", title, parts.area, node.line, parts.original, year)
        tasks.append(build_task(sub, measure.text.replace("\n", ""), measure.mention, problems))
    return tasks


def _body(reading: _Reading, node: Node, alone: bool) -> str:
    """The node's text; a heading on a line of its own (`（一）企业开办8小时办好`) is its title, not its text.

    `alone`: its sub-items are tasks of their own, so their text (and dates) are not part of it.
    """
    text = reading.own[id(node)] if alone else reading.full(node)
    first, newline, rest = text.partition("\n")
    return rest if newline and rest.strip() and not re.search(r"[。；]", first) else text


def _area(reading: _Reading, node: Node) -> str | None:
    parent = node.parent
    return reading.title(parent) if parent is not None and parent.kind != "root" else None


def _inherit_target(name: str, reading: _Reading, tasks: list[ExtractedTask], year: int | None,
                    problems: list[Problem]) -> None:
    """Tasks without a deadline inherit the document's target, but only when it states exactly one."""
    goal_text = "".join(reading.full(n) for n in reading.outline.nodes()
                        if n.kind in ("cn", "pcn") and any(word in reading.title(n) for word in GOALS))
    targets = {d.due: d for d in find_deadlines(goal_text, year)}
    undated = [t for t in tasks if t.deadline is None and t.deadline_kind is None]
    if len(targets) == 1 and undated:
        target = next(iter(targets.values()))
        for task in undated:
            task.deadline, task.deadline_text, task.deadline_kind = target.due, target.text, INHERITED
            judge(task)
    elif len(targets) > 1 and undated:
        stated = "、".join(d.text for d in sorted(targets.values(), key=lambda d: d.due))
        problems.append(Problem(name, None, f"the document sets several targets ({stated}); "
                                            f"{len(undated)} tasks without their own deadline inherit none"))
