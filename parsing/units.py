"""Unit mentions: which agencies a bracket or a table cell names, and which of them lead.

Input is cleaned text (full-width brackets, `，` `；` `：`). Names keep nested brackets whole:
`各区政府（新区管委会）` is one mention. Suffixes such as `按职责分工负责` or `等部门` are dropped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_SUFFIXES = re.compile(
    r"(?:等部门|等单位|等)?(?:按(?:部门)?职责分?工?(?:分别)?负责|按职责负责|分别负责|负责)?$"
)
# Endings that make a name an agency. Bracketed lists like (人进、权进、事进) or (不含6亩) do not match.
_UNIT_ENDING = re.compile(
    r"(?:局|委|办|院|会|部|府|行|中心|集团|署|馆|所|厅|处|室|站|队|公司|海关|单位|部门|机构|政府|"
    r"管委会|办公室|支行|分局|公安分局|法院|检察院|联合会|协会|各区|区)(?:（[^（）]*）)?$"
)
_LEAD_MARK = re.compile(r"(?:牵头单位|牵头部门)：")
_CO_MARK = re.compile(r"(?:责任单位|配合单位|参与单位|协办单位)：")
_LEVELS = ("省", "市", "区", "县", "镇", "街道")
_OPEN, _CLOSE = "（〔[【", "）〕]】"


def _split_top_level(text: str, separators: str) -> list[str]:
    """Split on separators that are not inside brackets."""
    parts, depth, current = [], 0, []
    for ch in text:
        if ch in _OPEN:
            depth += 1
        elif ch in _CLOSE:
            depth = max(0, depth - 1)
        if ch in separators and depth == 0:
            parts.append("".join(current))
            current = []
        else:
            current.append(ch)
    parts.append("".join(current))
    return [p for p in (part.strip() for part in parts) if p]


def _split_conjunction(name: str) -> list[str]:
    # 和/及 join two agencies only when the left side is itself a full name: 市规划和自然资源局 stays whole.
    for word in ("及", "和"):
        left, sep, right = name.partition(word)
        if sep and _UNIT_ENDING.search(left) and right:
            return [left, *_split_conjunction(right)]
    return [name]


def clean_unit_name(name: str) -> str:
    name = name.strip(" 。．.，、；")
    name = _SUFFIXES.sub("", name).strip(" 。，、")
    return name


def split_units(text: str) -> list[str]:
    """`市公安局、市税务局及深圳海关等部门按职责分工负责` → three names, in order, without duplicates."""
    names: list[str] = []
    parts = _split_top_level(text, "、，,；;/")
    # `市、区市场监管领域相关部门` is one mention: a bare level word belongs to the name after it.
    for index in range(len(parts) - 2, -1, -1):
        if parts[index] in _LEVELS:
            parts[index:index + 2] = [f"{parts[index]}、{parts[index + 1]}"]
    for part in parts:
        for name in _split_conjunction(clean_unit_name(part)):
            name = clean_unit_name(name)
            if name and name not in names:
                names.append(name)
    return names


def explicit_units(text: str) -> bool:
    """The bracket says itself that it names units: 责任单位：…, 牵头单位：…, X牵头."""
    return bool(_LEAD_MARK.search(text) or _CO_MARK.search(text) or "牵头" in text)


def looks_like_units(text: str) -> bool:
    """True when the bracket names units, explicitly or as a list of agency names."""
    if explicit_units(text):
        return True
    names = split_units(text)
    return bool(names) and all(_UNIT_ENDING.search(n) and len(n) >= 2 for n in names)


@dataclass
class UnitMention:
    lead: list[str] = field(default_factory=list)
    co: list[str] = field(default_factory=list)
    deadline_text: str | None = None  # `6月底完成` inside the bracket


_DEADLINE_IN_BRACKET = re.compile(r"((?:\d{4}年)?\d{1,2}月(?:\d{1,2}日|底|末)?(?:前|以前)?完成|\d{4}年底前?完成)")


def parse_unit_bracket(text: str, comma_separates_lead: bool = False) -> UnitMention:
    """Read the content of a unit bracket in any of the layouts offices use.

    `牵头单位：X；责任单位：Y、Z`, `X牵头，Y、Z配合`, `A、B牵头，C及D按职责分工负责`, `责任单位：lead，co、co`
    (with `comma_separates_lead`), or a plain list whose first name leads.
    """
    mention = UnitMention()
    deadline = _DEADLINE_IN_BRACKET.search(text)
    if deadline:
        mention.deadline_text = deadline.group(1)
        text = text.replace(deadline.group(1), "")
    text = re.sub(r"。?(?:逗号前为牵头单位|排在第一位的为牵头单位)[^；]*", "", text)
    lead_mark, co_mark = _LEAD_MARK.search(text), _CO_MARK.search(text)
    if lead_mark:
        rest = text[lead_mark.end():]
        lead_part, _, co_part = rest.partition("；")
        co_part = _CO_MARK.sub("", co_part)
        mention.lead, mention.co = split_units(lead_part), split_units(co_part)
    elif "牵头" in text:
        lead_part, _, co_part = text.partition("牵头")
        co_part = re.sub(r"^[，；]|配合$|(?:按职责分工)?配合|参与", "", co_part)
        mention.lead, mention.co = split_units(lead_part), split_units(co_part)
    else:
        body = _CO_MARK.sub("", text) if co_mark else text
        if comma_separates_lead and "，" in body:
            lead_part, _, co_part = body.partition("，")
            mention.lead, mention.co = split_units(lead_part), split_units(co_part)
        else:
            names = split_units(body)
            mention.lead, mention.co = names[:1], names[1:]
    mention.co = [name for name in mention.co if name not in mention.lead]
    return mention
