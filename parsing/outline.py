"""The outline of a prose document, read from the numbering grammar of Chinese official documents.

`一、` parts, `（一）` sections, `1.` / `1．` / `1、` items, `（1）` points, `①` sub-points and `第一条` articles.
A marker counts only where the numbering continues (the next number of an open level, `1` of a new deeper level, or the
next number of a level numbered straight through the document), so `1、2个工作日` in a sentence is not an item and
items are found in order even when the whole body is one line. Weak markers (`一、` `1.`) also need a boundary
before them: a line start, a full stop, a colon, a closing bracket, or the end of a heading without punctuation.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from reformflow.parsing.model import Problem
from reformflow.parsing.text import LOST, chinese_numeral, normalise, repair_mojibake, strip_markup, strip_pinyin

_CN = "一二三四五六七八九十百"
MARKER = re.compile(
    rf"(?P<cn>[{_CN}]+)、|（(?P<pcn>[{_CN}]+)）|(?P<ar>\d{{1,3}})(?:[．、]|\.(?![\d.])|\.(?=\d{{4}}年))"
    rf"|（(?P<par>\d{{1,3}})）|(?P<circ>[①-⑳])|第(?P<art>[{_CN}零〇]+)[条條]"
)
_STRONG = ("pcn", "par", "circ", "art")  # unmistakable in running text once the numbering fits
_BOUNDARY = "\n。；：！？）】」”"
# `【牵头单位】X【配合单位】Y` writes a label as a bracket: read it as `牵头单位：X配合单位：Y`.
_BRACKET_LABEL = re.compile(
    r"【((?:牵头|牽頭|责任|責任|配合|协办|協辦|主办|主辦)(?:单位|單位|部门|部門)|完成时限|完成時限)】")
_HEADING_END = re.compile(r"[。；：，！？]")


@dataclass
class Node:
    kind: str  # root | cn | pcn | ar | par | circ | art
    number: int
    start: int  # offset of the marker in the outline's text
    body: int  # offset where the node's own text starts
    line: int
    parent: Node | None = None
    end: int = 0  # where its own text ends: the next marker
    children: list[Node] = field(default_factory=list)

    @property
    def depth(self) -> int:
        return 0 if self.parent is None else self.parent.depth + 1

    def last(self) -> Node:
        return self.children[-1].last() if self.children else self

    def walk(self):
        yield self
        for child in self.children:
            yield from child.walk()


@dataclass
class Outline:
    text: str  # the document's body with punctuation normalised, script and line breaks as written
    root: Node
    line_starts: list[int]

    def own(self, node: Node) -> str:
        return self.text[node.body:node.end]

    def full(self, node: Node) -> str:
        return self.text[node.body:node.last().end]

    def nodes(self) -> list[Node]:
        return list(self.root.walk())[1:]


def _number(match: re.Match) -> tuple[str, int | None]:
    kind = match.lastgroup
    value = match.group(kind)
    if kind == "circ":
        return kind, ord(value) - ord("①") + 1
    return kind, int(value) if value.isdigit() else chinese_numeral(value.replace("百", ""))


class _Reader:
    """Accepts markers one by one, keeping the open levels (a stack) and the last number of every kind."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.root = Node("root", 0, 0, 0, 1)
        self.open: list[Node] = [self.root]
        self.last_number: dict[str, int] = {}
        self.restarts: dict[str, bool] = {}
        self.guessed: set[int] = set()

    def _boundary(self, start: int) -> bool:
        if start == 0 or self.text[start - 1] in _BOUNDARY or self.text[start - 1].isspace():
            return True
        # `二、主要任务（一）…` or `（三）优化服务1．…` on one line: the heading before has no punctuation.
        current = self.open[-1]
        return current.kind != "root" and 0 < start - current.body <= 30 and \
            not _HEADING_END.search(self.text[current.body:start])

    def _expected(self, kind: str, level: int | None) -> int:
        if level is not None:
            return self.open[level].number + 1
        # A new level restarts at 1 unless the document numbers this kind straight through (it did not restart
        # the last time such a level opened).
        return 1 if self.restarts.get(kind, True) else self.last_number.get(kind, 0) + 1

    def accept(self, kind: str, number: int | None, start: int, body: int, line: int) -> Node | None:
        """`number` None: a heading whose number was lost (mojibake), numbered from its order."""
        level = next((i for i, node in enumerate(self.open) if node.kind == kind), None)
        expected = self._expected(kind, level)
        at_line_start = start == 0 or self.text[start - 1] == "\n"
        guessed = number is None
        if guessed:
            number = expected
        elif kind not in _STRONG and not self._boundary(start):
            return None
        elif level is None and (number in (1, self.last_number.get(kind, 0) + 1)
                                or (at_line_start and kind not in self.last_number)):
            # The first heading of a kind on a line of its own may start anywhere: a passage pasted from the
            # middle of a document (`（十）…`), or a published page that was abridged.
            self.restarts[kind] = number == 1
        elif number != expected and not (at_line_start and kind in _STRONG and expected < number <= expected + 3):
            return None  # a gap of a few is a numbering slip on a heading line, not a reference in prose
        elif number != expected and level is not None:
            self._renumber(self.open[level], number - 1)
        if level is not None:
            del self.open[level:]
        parent = self.open[-1]
        node = Node(kind, number, start, body, line, parent)
        parent.children.append(node)
        self.open.append(node)
        self.last_number[kind] = number
        if guessed:
            self.guessed.add(id(node))
        return node

    def _renumber(self, node: Node, number: int) -> None:
        """Headings numbered from their order take their number from the next heading that kept its own."""
        siblings = [c for c in node.parent.children if c.kind == node.kind]
        for sibling in reversed(siblings):
            if id(sibling) not in self.guessed:
                break
            sibling.number, number = number, number - 1


def _prepare(lines: list[str]) -> tuple[str, list[int], dict[int, tuple[int | None, bool]]]:
    """Repair and normalise each line (script kept); mojibake headings are remembered with the number that survived."""
    vocabulary = frozenset("".join(line for line in lines if not line.lstrip().startswith("?")))
    out, starts, forced, offset = [], [], {}, 0
    for raw in lines:
        repaired = repair_mojibake(raw, vocabulary)
        text = _BRACKET_LABEL.sub(r"\1：", normalise(strip_markup(strip_pinyin(repaired.text))))
        if repaired.repaired:
            found = MARKER.match(text)
            text = "（一）" + (text[found.end():] if found and found.lastgroup == "pcn" else text.lstrip(LOST))
            survived = repaired.number if found and found.lastgroup == "pcn" and not repaired.lost else None
            forced[offset] = (survived, repaired.lost or not found)
        starts.append(offset)
        out.append(text)
        offset += len(text) + 1
    return "\n".join(out), starts, forced


def read_outline(name: str, lines: list[str], problems: list[Problem]) -> Outline:
    text, starts, forced = _prepare(lines)
    reader = _Reader(text)
    line = 0
    previous: Node = reader.root
    damaged: list[Node] = []
    for match in MARKER.finditer(text):
        while line + 1 < len(starts) and starts[line + 1] <= match.start():
            line += 1
        kind, number = _number(match)
        if number is None and match.start() not in forced:
            continue
        if match.start() in forced:
            if not reader.root.children:
                continue  # damaged preamble (`(此件公开发布)`), not a heading: headings come after the first part
            number = forced[match.start()][0]
        node = reader.accept(kind, number, match.start(), match.end(), line + 1)
        if node and match.start() in forced and (number is None or forced[match.start()][1]):
            damaged.append(node)
        if node:
            previous.end = match.start()
            previous = node
    previous.end = len(text)
    for node in damaged:  # numbers are final only now: a later heading may have corrected a guess
        problems.append(Problem(name, node.line, f"heading unreadable in part (mojibake); numbered "
                                                 f"（{node.number}）from its order"))
    return Outline(text, reader.root, starts)
