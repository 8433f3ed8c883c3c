"""The agency name model: whether a phrase names an agency, and a list of names split into its agencies.

Chinese agency names are built the same way by every issuer: an issuer prefix (市、区、省、国家、各…) or a place
name, a field, and an ending that says what kind of body it is (部、委、局、办、厅、署、院、行、会、政府、管委会、
中心、集团、支队…). Strong endings name a body whatever comes before them; weak ones (部、会、行、办、所…) also end
ordinary words (内部、社会、进行、通办、场所), so they count only on a name long enough not to be such a word.
Input is cleaned text (simplified, full-width brackets and `，` `；` `：`).
"""

from __future__ import annotations

import re

_STRONG = (
    "局|委|厅|署|政府|管委会|管理委员会|海关|法院|检察院|集团|公司|中心|支队|大队|总队|银行|分行|支行|办公室|"
    "监狱|税务|电网|人行|领导小组|工作组|专班|指挥部|管理处|事务所|街道|办事处|团中央|各地区|有关地区|相关地区|各地|各区|各县|各镇|"
    "各街道|各园区|各单位|各部门|有关部门|有关单位|相关部门|相关单位|主管部门|职能部门|各级|兵团|党委|纪委|监委"
)
_WEAK = "部|委|办|院|会|行|府|馆|所|处|室|站|队|社|联|团|区|县|市|省|镇|乡|机构|单位|部门|学校|大学|协会|联合会"
# Ordinary words that end like an agency: never a name on their own or as a name's last word.
_NOT_NAME = re.compile(
    r"(?:通办|代办|帮办|快办|一次办|马上办|网上办|掌上办|就近办|场所|住所|内部|全部|外部|总部|局部|干部|社会|机会|大会|"
    r"博览会|交易会|展会|洽谈会|运行|执行|进行|实行|试行|先行|推行|通行|可行|出行|发行|同行|银行业|工作室|服务站|"
    r"网站|驿站|车站|试点区|示范区|试验区|实验区|先行区|集聚区|园区|自贸区|片区|城区|社区|辖区|景区|地区|功能区|校区|(?:[一二三四五六七八九十]|\d)+个?[区县市镇])$"
)
_AGENCY = re.compile(rf"(?:{_STRONG}|{_WEAK})(?:（[^（）]*）)?$")
_STRONG_END = re.compile(rf"(?:{_STRONG})(?:（[^（）]*）)?$")
_PREFIX = re.compile(r"^(?:各|市|区|县|省|州|国家|国务院|中央|中国|全国|自治区|最高人民|有关|相关"
                     r"|[^、，]{1,4}(?:省|市|区|县))")
_NOT_PART = re.compile(r"\d{2,}|[《》“”\"%％=+]|[第号条款]\d|不含|包括|此件|其中|以上|以下|左右")

# Joiners inside one list: `A会同B`, `A、B等和C`, `A及B`, `A和B`, `A以及B`.
_JOINERS = re.compile(r"会同|以及|等和|等及|及|和|与")
# What follows the names: `等部门按职责分工负责`, `等有关部门和单位负责`, `分别负责`, `配合`.
_TAIL = re.compile(
    r"(?:等(?:其他)?(?:国务院|中央|省级?|市级?|区级?|县级?|各级)?(?:有关|相关|其他)?(?:部门|单位|机构|省份|地区)?"
    r"(?:和|及)?(?:有关|相关)?(?:部门|单位)?)?"
    r"(?:根据|依据)?(?:按(?:照)?(?:部门)?职责(?:分工)?|按分工|依职责)?(?:分别|共同|具体)?"
    r"(?:负责(?:落实|实施)?|落实|配合|参与|协助|实施|推进|牵头)?$"
)
_TAIL_HINT = re.compile(r"[等责落配参协施推牵别同具据]")
_GENERIC_RIGHT = re.compile(r"^(?:单位|部门|机构)(?:$|[及和、])")
_HEAD = re.compile(r"^(?:由|请|并|另|其中)")
_BARE_LEVEL = re.compile(r"(?:县级市|县区|区县|乡镇|街道|[省市区县镇乡旗])(?:（[^（）]*）)?")
_LEVELS = ("省", "市", "区", "县", "镇", "街道")
_OPEN, _CLOSE = "（〔[【", "）〕]】"


def is_agency(name: str) -> bool:
    """True when the phrase names an agency (or a group of them such as 各区政府（新区管委会））."""
    if not 2 <= len(name) <= 40 or _NOT_PART.search(name):
        return False
    core = re.sub(r"（[^（）]*）$", "", name)
    if _NOT_NAME.search(core) and not _STRONG_END.search(core):
        return False
    if _STRONG_END.search(name):
        return True
    # A weak ending needs a name around it: `商务部` or `市发展改革委`, not `内部` or a lone `会`.
    return bool(_AGENCY.search(name)) and (len(core) >= 3 or bool(_PREFIX.match(core)))


def split_top_level(text: str, separators: str) -> list[str]:
    """Split on separators that are not inside brackets."""
    if not any(ch in text for ch in _OPEN):
        return [p for p in (part.strip() for part in re.split(f"[{re.escape(separators)}]", text)) if p]
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


def clean_unit_name(name: str) -> str:
    name = _HEAD.sub("", name.strip(" 。．.，、；："))
    if _TAIL_HINT.search(name):
        for _ in range(2):  # `市财政局等部门按职责分工负责` has two tails stacked
            name = _TAIL.sub("", name).strip(" 。，、；")
    return name


def _split_joined(name: str) -> list[str]:
    """`A会同B`, `A及B`, `A等和C`: split where the left side is a full name (市规划和自然资源局 stays whole)."""
    for m in _JOINERS.finditer(name):
        left, right = clean_unit_name(name[:m.start()]), name[m.end():]
        if _GENERIC_RIGHT.match(right):
            continue  # `国务院相关部门和单位` is one group as written
        if right and is_agency(left) and not _inside_brackets(name, m.start()):
            return [left, *_split_joined(right)]
    return [name]


# Where a cell's line break was lost (a PDF cell, a web page copied as text): `市行政审批局市司法局`. A split needs
# a full name on both sides, each with a strong ending, the right one starting at the issuer's level word.
# `国家税务总局深圳市税务局` (a place name after 局), `市住建局市政处` (a weak ending) and `市委市政府督查室`
# (one joint office after a bare 市委) stay whole.
_LEVEL_START = re.compile(r"[省市区县](?![级场])")  # `市级`, `市场` start no name
_BARE_COMMITTEE = re.compile(r"^[省市区县]委$")


def _split_glued(name: str) -> list[str]:
    for m in _LEVEL_START.finditer(name, 3):
        left, right = name[:m.start()], name[m.start():]
        if len(right) >= 3 and not _BARE_COMMITTEE.match(left) and _STRONG_END.search(left) \
                and _STRONG_END.search(right) and is_agency(left) and is_agency(right) \
                and not _inside_brackets(name, m.start()):
            return [left, *_split_glued(right)]
    return [name]


def _inside_brackets(text: str, index: int) -> bool:
    depth = 0
    for ch in text[:index]:
        depth += ch in _OPEN
        depth -= ch in _CLOSE
    return depth > 0


def split_units(text: str) -> list[str]:
    """`市公安局、市税务局及深圳海关等部门按职责分工负责` → three names, in order, without duplicates."""
    names: list[str] = []
    parts = split_top_level(text, "、，,；;/")
    # `市、区市场监管领域相关部门` is one mention: a bare level word belongs to the name after it.
    for index in range(len(parts) - 2, -1, -1):
        if parts[index] in _LEVELS:
            parts[index:index + 2] = [f"{parts[index]}、{parts[index + 1]}"]
    # `各区、县级市` is one group: a bare level word after a `各…` group extends that group.
    for index in range(len(parts) - 1, 0, -1):
        if _BARE_LEVEL.fullmatch(clean_unit_name(parts[index])) and parts[index - 1].startswith("各"):
            parts[index - 1:index + 1] = [f"{parts[index - 1]}、{parts[index]}"]
    for part in parts:
        for joined in _split_joined(clean_unit_name(part)):
            for name in _split_glued(clean_unit_name(joined)):
                if name and name not in names and name not in ("单位", "部门", "有关", "相关"):
                    names.append(name)
    return names


def all_agencies(names: list[str]) -> bool:
    return bool(names) and all(is_agency(name) for name in names)
