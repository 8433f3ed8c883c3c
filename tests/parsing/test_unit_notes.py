"""A unit bracket that carries a note: the note is no unit, and when it names units for every item below
(`以下政策措施均需…落实，不再单独列出`) those units answer for the items below too.

Items 1 and 2 of 淮安市《关于进一步帮助市场主体纾困解难着力稳定经济增长的具体实施细则》(2022, after 苏政发〔2022〕
1号), as a copy of the page keeps them (http://m.jxyuer.com/news/jiaodian/166873.html, stored page, its beginning).
"""

from reformflow.parsing import extract_text
from reformflow.parsing.clauses import parse_clause

ITEM_1 = ("1.积极争取省级专项资金，支持生产经营暂时面临困难但产品有市场、项目有前景、技术有竞争力的中小微企业，以及"
          "劳动力密集、社会效益高的民生领域服务型中小微企业。整合市工信、科技、市场监管、地方金融监管等部门涉企资金，"
          "设立2.43亿元推动工业强市发展专项引导资金，出台管理办法，发布项目申报指南。（责任单位：市工信局、市财政局等"
          "有关部门，各县区人民政府、园区管委会。以下政策措施均需各县区人民政府、园区管委会落实，不再单独列出）")
ITEM_2 = ("2.成立“智改数转”工作专班，出台《淮安市制造业智能化改造和数字化转型三年行动计划（2022-2024）》和2022年"
          "“智改数转”工作推进方案，积极争取省工业企业“智改数转”专项资金。（责任单位：市工信局、市财政局）")
TEXT = f"关于进一步帮助市场主体纾困解难着力稳定经济增长的具体实施细则\n一、落实财税支持政策\n{ITEM_1}\n{ITEM_2}\n"
COUNTIES = ["各县区人民政府", "园区管委会"]
NOTE = "。以下政策措施均需各县区人民政府、园区管委会落实，不再单独列出"


def test_a_note_in_the_bracket_names_no_unit():
    mention = parse_clause(ITEM_1[ITEM_1.index("责任单位"):-1])
    assert mention.lead == ["市工信局"]
    assert mention.co == ["市财政局", *COUNTIES]  # not `园区管委会。以下政策措施…` nor `不再单独列出`


def test_units_named_once_for_every_item_below_answer_for_them():
    tasks = extract_text("xize.txt", TEXT).tasks
    assert [task.code for task in tasks] == ["1", "2"]
    assert tasks[1].lead_units == ["市工信局"]
    assert tasks[1].co_units == ["市财政局", *COUNTIES]


def test_without_such_a_note_the_items_below_keep_their_own_units():
    tasks = extract_text("xize.txt", TEXT.replace(NOTE, "")).tasks
    assert tasks[1].co_units == ["市财政局"]
