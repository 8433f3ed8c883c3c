"""An item's text cut into measures, each closed by the unit clause that names who answers for it.

A clause is a bracket (`（）` `〔〕` `【】` `[]`) whose words are a unit clause, or a sentence that starts with a label
(`责任单位：X。`, a field on a line of its own). A bracket that only lists names must also close its sentence:
`(经营场所)` in the middle of a sentence names a thing, not an agency, even though it ends in 所.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from reformflow.parsing.clauses import UnitMention, is_explicit, parse_clause

_PAIRS = {"（": "）", "[": "]", "〔": "〕", "【": "】"}
_LABEL_SENTENCE = re.compile(
    r"(?:^|(?<=[。；\n]))[ \t]*((?:牵头单位|牵头部门|主办单位|责任单位|责任部门|配合单位|配合部门|协办单位|参与单位|"
    r"指导部门|实施单位)：[^。\n]*)"
)
# `时限要求：持续推进` on the line after `责任单位：X`: the deadline of the clause before it.
_TIME_SENTENCE = re.compile(
    r"(?:^|(?<=[。；\n]))[ \t]*(?:完成时限|时限要求|完成时间|时间节点|时间要求|完成期限)：([^。\n]*)")
_SENTENCE_END = "。；！？\n"


@dataclass
class Clause:
    start: int
    end: int
    mention: UnitMention


@dataclass
class Measure:
    text: str
    mention: UnitMention | None


def _brackets(text: str) -> list[tuple[int, int]]:
    """Top-level bracket spans (start, end past the closer)."""
    spans, depth, start, opener, closer = [], 0, 0, "", ""
    for i, ch in enumerate(text):
        if depth == 0 and ch in _PAIRS:
            depth, start, opener, closer = 1, i, ch, _PAIRS[ch]
        elif depth and ch == opener:
            depth += 1
        elif depth and ch == closer:
            depth -= 1
            if depth == 0:
                spans.append((start, i + 1))
    return spans


def _closes_sentence(text: str, start: int, end: int) -> bool:
    before = text[start - 1] if start else "。"
    after = text[end] if end < len(text) else "。"
    return before in _SENTENCE_END or after in _SENTENCE_END + "（"


def find_clauses(text: str, convention: str | None) -> list[Clause]:
    """The unit clauses of a text in order: brackets, label sentences, and the 时限 line that may follow one."""
    clauses = []
    for start, end in _brackets(text):
        content = text[start + 1:end - 1]
        if "：" not in content and "牵头" not in content and "负责" not in content and len(content) > 80:
            continue  # a long aside is prose, not a list of names
        mention = parse_clause(content, convention)
        if mention and (is_explicit(content) or _closes_sentence(text, start, end)):
            clauses.append(Clause(start, end, mention))
    for m in _LABEL_SENTENCE.finditer(text):
        inside = any(c.start <= m.start(1) < c.end for c in clauses)
        if not inside and (mention := parse_clause(m.group(1), convention)):
            clauses.append(Clause(m.start(1), m.end(1), mention))
    clauses.sort(key=lambda c: c.start)
    for m in _TIME_SENTENCE.finditer(text):
        before = next((c for c in reversed(clauses) if c.end <= m.start()), None)
        if before and not text[before.end:m.start()].strip("。；，\n ") and not before.mention.deadline_text:
            before.mention.deadline_text, before.end = m.group(1).strip(), m.end()
    return clauses


def split_measures(text: str, clauses: list[Clause], last: bool = False) -> tuple[list[Measure], int]:
    """Cut the text after each clause: each piece is a measure with its own units.

    Two clauses in a row (`牵头单位：X。配合单位：Y。`) describe the same measure. Text after the last clause belongs
    to the measure before it when it continues the same paragraph; a new paragraph after it, or anything after
    the last item of the document (`last`), is the document's closing (组织实施, 报送要求, signature), not the task.
    Returns the measures and where the task's text ends.
    """
    measures: list[Measure] = []
    cursor = 0
    for clause in clauses:
        segment = text[cursor:clause.start].strip("。；，\n ")
        if segment or not measures:
            measures.append(Measure(segment + "。" if segment else "", clause.mention))
        elif measures[-1].mention is not None:
            measures[-1].mention.merge(clause.mention)
        cursor = clause.end
    rest = text[cursor:]
    tail = rest.strip("。；，\n ")
    if measures and (last or "\n" in rest.lstrip("。；， ")[:1]):
        return measures, cursor
    if tail and measures:
        measures[-1].text += tail if tail.endswith("。") else tail + "。"
    elif tail:
        measures.append(Measure(tail if tail.endswith("。") else tail + "。", None))
    return measures, len(text)
