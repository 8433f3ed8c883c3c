"""Prose documents: `一、` parts, `（一）` sections, `1.` numbered items, unit brackets after measures.

A document with numbered items makes each item a task (sub-measures with their own units become `N.1`,
`N.2`, …). A document without them makes each `（一）` section a task. Document-level prose (总体要求,
工作目标, 保障措施 …) is not a task unless it names responsible units.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from reformflow.parsing.deadlines import INHERITED, find_deadline, find_deadlines, parse_deadline_cell
from reformflow.parsing.model import ExtractedTask, Problem
from reformflow.parsing.text import LOST, NUMERALS, chinese_numeral, clean, repair_mojibake, strip_pinyin
from reformflow.parsing.units import UnitMention, explicit_units, looks_like_units, parse_unit_bracket

TOP = re.compile(rf"^([{NUMERALS}]+)、(.*)$")
SUB = re.compile(rf"^（([{NUMERALS}]+)）(.*)$")
ITEM = re.compile(r"^(\d{1,3})[.．](?!\d)(.*)$")
DOC_LEVEL = ("总体要求", "指导思想", "工作目标", "主要目标", "基本原则", "保障措施", "组织保障", "组织实施",
             "工作要求", "实施步骤", "组织领导")
_BRACKETS = {"（": "）", "[": "]", "〔": "〕", "【": "】"}
_FIELDS = r"(?:牵头单位|牵头部门|责任单位|配合单位|协办单位)："
_FIELD_LINE = re.compile(rf"^{_FIELDS}")
_FIELD_BRACKET = re.compile(rf"^（{_FIELDS}.*）$")
GOALS = ("工作目标", "主要目标", "总体目标", "目标任务")


@dataclass
class Node:
    kind: str  # top | sub | item
    number: int
    head: str
    line: int
    body: list[str] = field(default_factory=list)
    raw: list[str] = field(default_factory=list)
    parent_top: Node | None = None
    parent_sub: Node | None = None

    @property
    def title(self) -> str:
        return re.split(r"[。：]", self.head, maxsplit=1)[0].strip()

    @property
    def text(self) -> str:
        return "".join([self.head, *self.body]) if self.kind == "item" else "".join(self.body)


def _outline(name: str, lines: list[str], problems: list[Problem]) -> list[Node]:
    """One pass over the lines: headings, items and the paragraphs that belong to them."""
    nodes: list[Node] = []
    top: Node | None = None
    sub: Node | None = None
    current: Node | None = None
    vocabulary = frozenset("".join(line for line in lines if not line.lstrip().startswith("?")))
    for number, raw in enumerate(lines, start=1):
        repaired = repair_mojibake(raw, vocabulary)
        text = clean(repaired.text)
        if not text:
            continue
        if m := TOP.match(text):
            top = current = Node("top", chinese_numeral(m.group(1)) or 0, m.group(2), number, raw=[raw])
            sub = None
            nodes.append(top)
            continue
        sub_match = SUB.match(text)
        if top and (sub_match or repaired.repaired):
            expected = (sub.number if sub else 0) + 1
            found = chinese_numeral(sub_match.group(1)) if sub_match else None
            head = sub_match.group(2) if sub_match else text.lstrip(LOST)
            if repaired.repaired and (repaired.lost or found != expected):
                problems.append(Problem(name, number, f"heading unreadable in part (mojibake); numbered "
                                                      f"（{expected}）from its order"))
                found = expected
            sub = current = Node("sub", found or expected, head, number, raw=[raw], parent_top=top)
            nodes.append(sub)
            continue
        if top and (m := ITEM.match(text)):
            current = Node("item", int(m.group(1)), m.group(2), number, raw=[raw], parent_top=top,
                           parent_sub=sub)
            nodes.append(current)
            continue
        if current is not None:
            _append_body(current, text)
            current.raw.append(raw)
    return nodes


def _append_body(node: Node, text: str) -> None:
    """A unit field on a line of its own (`牵头单位：X` / `责任单位：Y`) becomes one unit bracket."""
    if not _FIELD_LINE.match(text):
        node.body.append(text)
    elif node.body and _FIELD_BRACKET.match(node.body[-1]):
        node.body[-1] = f"{node.body[-1][:-1]}；{text.rstrip('。；')}）"
    else:
        node.body.append(f"（{text.rstrip('。；')}）")


def _unit_groups(text: str) -> list[tuple[int, int, str]]:
    """Top-level bracket groups (start, end, content) whose content names agencies."""
    groups, depth, start, closer = [], 0, 0, ""
    for i, ch in enumerate(text):
        if depth == 0 and ch in _BRACKETS:
            depth, start, closer, opener = 1, i, _BRACKETS[ch], ch
        elif depth and ch == opener:
            depth += 1
        elif depth and ch == closer:
            depth -= 1
            if depth == 0 and _closes_measure(text, start, i):
                groups.append((start, i + 1, text[start + 1:i]))
    return groups


def _closes_measure(text: str, start: int, end: int) -> bool:
    """A unit bracket closes a measure: it stands after a full stop or ends the sentence.

    `(经营场所)` in the middle of a sentence names a thing, not an agency, even though it ends in 所.
    """
    content = text[start + 1:end]
    if not looks_like_units(content):
        return False
    if explicit_units(content):
        return True
    before = text[start - 1] if start else "。"
    after = text[end + 1] if end + 1 < len(text) else "。"
    return before in "。；！" or after in "。；"


def _first_sentence(text: str) -> str:
    return re.split(r"[。；]", text, maxsplit=1)[0].strip()[:60]


@dataclass
class Measure:
    text: str
    mention: UnitMention | None


def split_measures(text: str, lead_before_comma: bool) -> list[Measure]:
    """Cut an item's text after each unit bracket: each piece is a measure with its own units."""
    measures, cursor = [], 0
    for start, end, content in _unit_groups(text):
        segment = text[cursor:start].strip("。；， ")
        if segment:
            measures.append(Measure(segment + "。", parse_unit_bracket(content, lead_before_comma)))
        elif measures:  # two brackets in a row: the second adds units to the same measure
            extra = parse_unit_bracket(content, lead_before_comma)
            measures[-1].mention.co += [u for u in extra.lead + extra.co if u not in measures[-1].mention.lead]
        cursor = end
    tail = text[cursor:].strip("。；， ")
    if tail:
        measures.append(Measure(tail + "。" if not tail.endswith("。") else tail, None))
    return measures


def _area(node: Node) -> str | None:
    if node.parent_sub is not None:
        return node.parent_sub.title
    return node.parent_top.title if node.parent_top else None


def _is_document_level(node: Node) -> bool:
    top = node if node.kind == "top" else node.parent_top
    return bool(top) and any(word in top.title for word in DOC_LEVEL)


def parse_prose(name: str, lines: list[str], year: int | None, lead_before_comma: bool,
                problems: list[Problem]) -> list[ExtractedTask]:
    nodes = _outline(name, lines, problems)
    items = [n for n in nodes if n.kind == "item" and not _is_document_level(n)]
    candidates = items or [n for n in nodes if n.kind == "sub"]
    tasks: list[ExtractedTask] = []
    for node in candidates:
        measures = split_measures(node.text, lead_before_comma)
        has_units = any(m.mention for m in measures)
        if node.kind == "sub" and _is_document_level(node) and not has_units:
            continue
        tasks.extend(_tasks_for(name, node, measures, year, problems))
    _inherit_target(name, nodes, tasks, year, problems)
    return tasks


def _inherit_target(name: str, nodes: list[Node], tasks: list[ExtractedTask], year: int | None,
                    problems: list[Problem]) -> None:
    """Tasks without a deadline inherit the document's target, but only when it states exactly one."""
    goal_text = "".join(n.head + n.text for n in nodes if n.kind in ("top", "sub")
                        and any(word in n.title for word in GOALS))
    targets = {d.due: d for d in find_deadlines(goal_text, year)}
    undated = [t for t in tasks if t.deadline is None and t.deadline_kind is None]
    if len(targets) == 1 and undated:
        target = next(iter(targets.values()))
        for task in undated:
            task.deadline, task.deadline_text, task.deadline_kind = target.due, target.text, INHERITED
    elif len(targets) > 1 and undated:
        stated = "、".join(d.text for d in sorted(targets.values(), key=lambda d: d.due))
        problems.append(Problem(name, None, f"the document sets several targets ({stated}); "
                                            f"{len(undated)} tasks without their own deadline inherit none"))


def _tasks_for(name: str, node: Node, measures: list[Measure], year: int | None,
               problems: list[Problem]) -> list[ExtractedTask]:
    code = str(node.number)
    original = "".join(strip_pinyin(r.strip()) for r in node.raw)
    with_units = [m for m in measures if m.mention]
    if len(with_units) <= 1:
        mention = with_units[0].mention if with_units else UnitMention()
        return [_task(name, code, node, node.title, node.text, original, mention, year, problems)]
    tasks = []
    for index, measure in enumerate(measures, start=1):
        sentence = measure.text.removeprefix(node.head.split("。")[0] + "。") if index == 1 else measure.text
        title = _first_sentence(sentence) or node.title
        tasks.append(_task(name, f"{code}.{index}", node, title, measure.text, original,
                           measure.mention or UnitMention(), year, problems))
    return tasks


def _task(name: str, code: str, node: Node, title: str, text: str, original: str, mention: UnitMention,
          year: int | None, problems: list[Problem]) -> ExtractedTask:
    # A deadline inside the unit bracket (`6月底完成`) reads like a table cell; otherwise look in the prose.
    deadline = parse_deadline_cell(mention.deadline_text, year) if mention.deadline_text else find_deadline(text, year)
    if not (mention.lead or mention.co):
        problems.append(Problem(name, node.line, f"task {code}: no responsible units named"))
    return ExtractedTask(
        source=name, code=code, area=_area(node), title=title, text=text, original_text=original,
        line=node.line, lead_units=mention.lead, co_units=mention.co,
        deadline=deadline.due if deadline else None,
        deadline_text=deadline.text if deadline else None,
        deadline_kind=deadline.kind if deadline else None,
    )
