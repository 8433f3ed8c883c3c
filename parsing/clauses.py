"""Unit clauses: the bracket or sentence after a measure that says which agencies answer for it, and who leads.

A clause is recognised by what its words are, not by where a sample put it: labels in any punctuation
(`牵头单位：X，配合单位：Y`), verbs (`X牵头，Y配合`, `X会同Y负责`, `X等负责`), or a plain list of agency names.
Who leads follows the document's stated convention (`列第一位者为牵头单位`, `逗号前为牵头单位`), explicit labels
and verbs, else the usual rule that the first-listed unit leads; the rule used is recorded for the office.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from reformflow.parsing.names import all_agencies, is_agency, split_top_level, split_units

LABELLED = "按文中标注的牵头/配合单位"
VERBS = "按文中“牵头”“会同”“配合”等用语"
COMMA_STATED = "文件说明：逗号前为牵头单位"
FIRST_STATED = "文件说明：列第一位者为牵头单位"
FIRST_DEFAULT = "默认：列第一位者为牵头单位"
SINGLE = "仅列一个责任单位"

_LEAD = r"牵头单位|牵头部门|牵头处室|主办单位|主办部门|主责单位|主责部门|牵头"
_CO = r"配合单位|配合部门|协办单位|协办部门|参与单位|参与部门|协同单位|配合"
_RESP = r"责任单位|责任部门|责任主体|实施单位|实施主体|承办单位|指导单位|指导部门|负责单位|负责部门"
_TIME = r"完成时限|完成时间|时间节点|时限要求|时限|时间"
_LABEL = re.compile(rf"({_LEAD}|{_CO}|{_RESP}|{_TIME})[：:]")
_ANY_LABEL = re.compile(rf"({_LEAD}|{_CO}|{_RESP}|{_TIME}|(?:(?<=^)|(?<=[；，。 ]))[\u4e00-\u9fff]{{2,6}})[：:]")
_LEAD_MARK = re.compile(r"（(?:牵头|主办|主责)(?:单位|部门)?）")
_COMMA_RULE = re.compile(r"逗号前(?:的|面的)?(?:单位)?为牵头(?:单位|部门)")
_FIRST_RULE = re.compile(r"(?:列|排)(?:在)?(?:第一|首)位(?:者|的)?(?:单位|部门)?为牵头(?:单位|部门)"
                         r"|第一(?:个|家)?(?:责任)?单位为牵头单位")
_RULE_SENTENCE = re.compile(rf"[。；，]?(?:{_COMMA_RULE.pattern}|{_FIRST_RULE.pattern})(?:[，；]?下同)?")
_DATE_WORDS = re.compile(r"\d{1,2}月|\d{4}年|年底|年末|年内|季度|上半年|下半年|长期坚持|持续推进|长期推进")
_VERB_CO = re.compile(r"^(.+?)负责[，；](.+?)(?:配合|参与|协助|协同)$")


@dataclass
class UnitMention:
    lead: list[str] = field(default_factory=list)
    co: list[str] = field(default_factory=list)
    deadline_text: str | None = None  # `6月底完成` inside the clause
    convention: str | None = None
    assumed: bool = False  # several units, no label, no stated rule: the first-listed lead is an assumption

    def merge(self, other: UnitMention) -> None:
        """A second clause right after the first (`牵头单位：X。配合单位：Y。`) adds to the same measure."""
        labelled = other.convention in (LABELLED, VERBS)
        extra_lead = other.lead if labelled or not self.lead else []
        self.lead += [u for u in extra_lead if u not in self.lead]
        rest = other.co if extra_lead else other.lead + other.co
        self.co += [u for u in rest if u not in self.lead and u not in self.co]
        self.deadline_text = self.deadline_text or other.deadline_text
        self.assumed = self.assumed and other.assumed


def stated_convention(text: str) -> str | None:
    """The document's own rule for telling the lead unit (stated once, `下同`)."""
    if _COMMA_RULE.search(text):
        return COMMA_STATED
    if _FIRST_RULE.search(text):
        return FIRST_STATED
    return None


def _take_deadline(text: str) -> tuple[str, str | None]:
    """A date inside the clause (`完成时限：2024年6月`, `6月底完成`) is the measure's deadline, not a unit."""
    if timed := re.search(rf"(?:{_TIME})[：:]", text):  # a labelled field runs to the next label
        following = _ANY_LABEL.search(text, timed.end())
        end = following.start() if following else len(text)
        return (text[:timed.start()] + text[end:]).strip("，；"), text[timed.end():end].strip("，；。 ")
    kept, deadline = [], None
    for part in split_top_level(text, "，；"):
        if deadline is None and not _LABEL.search(part) and _DATE_WORDS.search(part) and not is_agency(part):
            deadline = part
        else:
            kept.append(part)
    return "，".join(kept), deadline


def _fields(text: str) -> list[tuple[str, str]]:
    """(label, names) pairs of a labelled clause; text before the first label has no label.

    Labels the reader does not know (`适用范围：所有自贸试验区`) end the field before them and name no units.
    """
    marks = list(_ANY_LABEL.finditer(text))
    pairs = [("", text[:marks[0].start()])] if marks and marks[0].start() else []
    for index, mark in enumerate(marks):
        end = marks[index + 1].start() if index + 1 < len(marks) else len(text)
        pairs.append((mark.group(1), text[mark.end():end].strip("，；。 ")))
    return pairs


def _by_labels(text: str, convention: str | None) -> UnitMention | None:
    pairs = _fields(text)
    if not pairs:
        return None
    lead, co, responsible = [], [], []
    for label, names in pairs:
        if label and not _LABEL.fullmatch(label + "："):
            continue
        target = lead if re.fullmatch(_LEAD, label) else co if re.fullmatch(_CO, label) else responsible
        target += split_units(names) if names else []
    if not lead and responsible:  # 责任单位 alone: a mark (`X（牵头）`) or the document's convention tells who leads
        if marked := _by_marks("，".join(_raw_groups(pairs))):
            marked.co += [u for u in co if u not in marked.co]
            return marked
        return _by_convention(",".join(_raw_groups(pairs)), convention, extra_co=co)
    return UnitMention(lead, co + responsible, convention=LABELLED)


def _raw_groups(pairs: list[tuple[str, str]]) -> list[str]:
    return [names for label, names in pairs if names and (not label or re.fullmatch(_RESP, label))]


def _by_convention(text: str, convention: str | None, extra_co: list[str] | None = None) -> UnitMention:
    groups = split_top_level(text.replace(",", "，"), "，")
    if convention == COMMA_STATED and len(groups) > 1:
        mention = UnitMention(split_units(groups[0]), split_units("，".join(groups[1:])), convention=COMMA_STATED)
    else:
        names = split_units(text.replace(",", "，"))
        rule = convention if convention in (FIRST_STATED, COMMA_STATED) else FIRST_DEFAULT
        mention = UnitMention(names[:1], names[1:], convention=rule if len(names) > 1 else SINGLE)
        mention.assumed = len(names) > 1 and rule == FIRST_DEFAULT
    mention.co += [u for u in extra_co or [] if u not in mention.co]
    return mention


def _by_marks(text: str) -> UnitMention | None:
    """`市商务局（牵头）、市财政局`: the lead marked after its name."""
    if not _LEAD_MARK.search(text):
        return None
    lead, co = [], []
    for name in split_units(text):
        bare = _LEAD_MARK.sub("", name)
        (lead if bare != name else co).append(bare)
    return UnitMention(lead, co, convention=LABELLED)


def _by_verbs(text: str) -> UnitMention | None:
    """`X牵头，Y配合`, `由X牵头`, `X会同Y负责`, `X负责，Y配合`."""
    if "牵头" in text:
        lead, _, co = text.partition("牵头")
        return UnitMention(split_units(lead), split_units(co.lstrip("负责，；")), convention=VERBS)
    if m := _VERB_CO.match(text):
        return UnitMention(split_units(m.group(1)), split_units(m.group(2)), convention=VERBS)
    if m := re.search("会同", text):
        lead = split_units(text[:m.start()])
        if all_agencies(lead):
            return UnitMention(lead, split_units(text[m.end():]), convention=VERBS)
    return None


def _drop_notes(text: str) -> str:
    """A sentence after the units that names none, such as a note for the items below (`…园区管委会。以下政策措施
    均需各县区人民政府、园区管委会落实，不再单独列出`), is no part of the list; a labelled field or a date stays."""
    sentences = split_top_level(text, "。")
    kept = sentences[:1] + [sentence for sentence in sentences[1:] if _LABEL.search(sentence)
                            or _DATE_WORDS.search(sentence) or all_agencies(split_units(sentence))]
    return "。".join(kept)


def parse_clause(text: str, convention: str | None = None) -> UnitMention | None:
    """The units a clause names, or None when its words are not a unit clause (`人进、权进、事进`, `不含6亩`)."""
    text = text.strip("。；， ")
    stated = stated_convention(text)
    text = _drop_notes(re.sub(r"（\s*）", "", _RULE_SENTENCE.sub("", text)))
    text, deadline = _take_deadline(text)
    convention = stated or convention
    labelled = bool(_LABEL.search(text))
    mention = (_by_labels(text, convention) if labelled else None) or _by_marks(text) or _by_verbs(text) \
        or _by_convention(text, convention)
    if not (mention.lead or mention.co):
        return None
    if not labelled and not all_agencies(mention.lead + mention.co):
        return None
    mention.co = [u for u in mention.co if u not in mention.lead]
    mention.deadline_text = deadline
    return mention


def is_explicit(text: str) -> bool:
    """The clause says itself that it names units: a label or a verb of responsibility."""
    return bool(_LABEL.search(text)) or bool(re.search(r"牵头|负责|会同|配合", text))
