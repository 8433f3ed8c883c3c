import pytest

from reformflow.parsing.text import clean
from reformflow.parsing.units import looks_like_units, parse_unit_bracket, split_units


@pytest.mark.parametrize(("text", "names"), [
    ("市公安局、市税务局", ["市公安局", "市税务局"]),
    ("市公安局，市税务局及深圳海关", ["市公安局", "市税务局", "深圳海关"]),
    ("市规划和自然资源局、市工业和信息化局", ["市规划和自然资源局", "市工业和信息化局"]),
    ("市发展改革委和市财政局", ["市发展改革委", "市财政局"]),
    ("市水务集团、深圳供电局按职责分工负责", ["市水务集团", "深圳供电局"]),
    ("各区政府（新区管委会）等", ["各区政府（新区管委会）"]),
    ("市财政局等部门按职责分工负责", ["市财政局"]),
    ("各县（市、区）人民政府", ["各县（市、区）人民政府"]),
    ("市、区市场监管领域相关部门", ["市、区市场监管领域相关部门"]),
    ("市政务服务数据<br>管理局", ["市政务服务数据管理局"]),
])
def test_unit_lists(text, names):
    assert split_units(clean(text)) == names


@pytest.mark.parametrize(("bracket", "lead", "co", "deadline"), [
    ("牵头单位:市发展改革委;责任单位:市财政局、市税务局,6月底完成", ["市发展改革委"], ["市财政局", "市税务局"],
     "6月底完成"),
    ("牵头单位：市公安局；配合单位：各县(市、区)人民政府", ["市公安局"], ["各县（市、区）人民政府"], None),
    ("市商务局牵头,市财政局、深圳海关配合", ["市商务局"], ["市财政局", "深圳海关"], None),
    ("市商务局、市财政局牵头,深圳海关及市税务局按职责分工负责",
     ["市商务局", "市财政局"], ["深圳海关", "市税务局"], None),
    ("市中级法院、市发展改革委、市财政局", ["市中级法院"], ["市发展改革委", "市财政局"], None),
])
def test_unit_bracket_layouts(bracket, lead, co, deadline):
    mention = parse_unit_bracket(clean(bracket))
    assert (mention.lead, mention.co, mention.deadline_text) == (lead, co, deadline)


def test_lead_before_the_comma_when_the_document_says_so():
    mention = parse_unit_bracket(clean("责任单位:市场监管局,网络理政办、税务局。逗号前为牵头单位,下同"),
                                 comma_separates_lead=True)
    assert (mention.lead, mention.co) == (["市场监管局"], ["网络理政办", "税务局"])


@pytest.mark.parametrize(("content", "is_units"), [
    ("市市场监管局", True),
    ("责任单位：税务局", True),
    ("人进、权进、事进", False),
    ("不含6亩", False),
    ("国令第722号", False),
    ("此件公开发布", False),
    ("RCEP", False),
    ("零上门、零审批、零投资", False),
])
def test_brackets_that_are_not_units(content, is_units):
    assert looks_like_units(clean(content)) is is_units
