"""Unit clauses as real documents write them (each bracket below is copied from a corpus document or a seed)."""

import pytest

from reformflow.parsing.clauses import (
    COMMA_STATED,
    FIRST_DEFAULT,
    FIRST_STATED,
    LABELLED,
    VERBS,
    parse_clause,
    stated_convention,
)
from reformflow.parsing.names import is_agency, split_units
from reformflow.parsing.text import clean

# (bracket content, lead, co, convention): national and ministry style, verbs, labels joined by a comma.
CLAUSES = [
    # a04 国发〔2018〕39号: the rule stated once, inside the first bracket
    ("人力资源社会保障部、财政部负责。列第一位者为牵头单位，下同", ["人力资源社会保障部"], ["财政部"], FIRST_STATED),
    # a01 国发〔2019〕3号
    ("税务总局、财政部、海关总署负责，排在第一位的部门为牵头部门，下同", ["税务总局"], ["财政部", "海关总署"],
     FIRST_STATED),
    # a04: `等有关部门和单位` closes the list
    ("人力资源社会保障部、财政部、教育部等有关部门和单位负责", ["人力资源社会保障部"], ["财政部", "教育部"],
     FIRST_DEFAULT),
    ("人力资源社会保障部等有关部门和单位负责", ["人力资源社会保障部"], [], None),
    # a07 国办发〔2018〕117号: X会同Y负责
    ("国家发展改革委、财政部会同有关部门负责", ["国家发展改革委", "财政部"], ["有关部门"], VERBS),
    # a02 国办发〔2020〕24号: X牵头，A、B等相关单位及各地区按职责分工负责
    ("自然资源部牵头，住房城乡建设部等国务院相关部门及各地区按职责分工负责", ["自然资源部"],
     ["住房城乡建设部", "各地区"], VERBS),
    ("国家发展改革委牵头，国务院相关部门和单位及各地区按职责分工负责", ["国家发展改革委"],
     ["国务院相关部门和单位", "各地区"], VERBS),
    # a06 国办发〔2018〕129号: A、B等和各有关省级人民政府负责
    ("全国工商联、发展改革委、民政部、农业农村部、扶贫办、全国总工会、共青团中央、全国妇联等和各省级人民政府负责",
     ["全国工商联"], ["发展改革委", "民政部", "农业农村部", "扶贫办", "全国总工会", "共青团中央", "全国妇联",
                     "各省级人民政府"], FIRST_DEFAULT),
    # a10 广州 2012: labels joined by a comma; `各区、县级市` is one group
    ("牵头单位：市金融办，配合单位：市发展改革委、市人力资源和社会保障局，各区、县级市", ["市金融办"],
     ["市发展改革委", "市人力资源和社会保障局", "各区、县级市"], LABELLED),
    # b01 国发〔2018〕12号 annex: a label that names no units
    ("负责部门：住房城乡建设部、商务部；适用范围：所有自贸试验区", ["住房城乡建设部"], ["商务部"], FIRST_DEFAULT),
    # seed 004: the lead before the comma, stated in the bracket
    ("责任单位：市场监管局，网络理政办、国际合作投服局。逗号前为牵头单位，下同", ["市场监管局"],
     ["网络理政办", "国际合作投服局"], COMMA_STATED),
]


@pytest.mark.parametrize(("content", "lead", "co", "convention"), CLAUSES)
def test_unit_clauses_of_real_documents(content, lead, co, convention):
    mention = parse_clause(clean(content))
    assert (mention.lead, mention.co) == (lead, co)
    if convention:
        assert mention.convention == convention


def test_a_convention_stated_once_applies_to_later_brackets():
    text = clean("（一）加大稳岗支持力度。……（人力资源社会保障部、财政部负责。列第一位者为牵头单位，下同）")
    convention = stated_convention(text)
    mention = parse_clause(clean("财政部、工业和信息化部、人民银行、银保监会负责"), convention)
    assert convention == FIRST_STATED
    assert (mention.lead, mention.convention, mention.assumed) == (["财政部"], FIRST_STATED, False)


def test_the_default_rule_is_marked_as_an_assumption():
    mention = parse_clause(clean("体育总局、北京冬奥组委负责"))
    assert (mention.lead, mention.co, mention.assumed) == (["体育总局"], ["北京冬奥组委"], True)


@pytest.mark.parametrize("content", [
    "人进、权进、事进", "不含6亩", "国令第722号", "此件公开发布", "零上门、零审批、零投资",  # seeds
    "企业直接向国家发展改革委申报，不需省级发展改革部门转报",  # a07: an aside that mentions agencies
    "含技工院校", "超过100人的企业达到15%",  # a04
    "国办发〔2016〕82号",  # a07
])
def test_brackets_that_are_not_unit_clauses_stay_text(content):
    assert parse_clause(clean(content)) is None


@pytest.mark.parametrize(("name", "agency"), [
    ("商务部", True), ("海关总署", True), ("中国铁路总公司", True), ("共青团中央", True), ("各区、县级市", True),
    ("空管委办公室", True), ("各省级人民政府", True), ("相关地区", True),
    ("经营场所", False), ("一网通办", False), ("社会", False), ("内部", False), ("自贸试验区", False),
])
def test_the_name_model(name, agency):
    assert is_agency(name) is agency


def test_a_group_with_its_own_comma_is_one_name():
    assert split_units(clean("市科协，各有关区、县级市")) == ["市科协", "各有关区、县级市"]
