"""Document structure from the numbering grammar, on passages of real documents (quoted as published)."""

from datetime import date

from reformflow.parsing import extract_text
from reformflow.parsing.outline import read_outline

# 国办发〔2020〕43号 (corpus a09), as a crawler kept it: the whole body on ONE line, `（一）` measures with their own
# unit bracket followed by `具体措施：1．…` sub-measures with theirs.
ONE_LINE = (
    "一、把实施好宏观政策和深化“放管服”改革结合起来，提高宏观政策实施的时效性和精准性（一）研究将财政资金直达机制实施中的好"
    "做法制度化，落实减税降费政策，为保就业、保民生、保市场主体提供支撑。（财政部、国家发展改革委、工业和信息化部、民政部、人力"
    "资源社会保障部、交通运输部、人民银行、税务总局、市场监管总局、银保监会等国务院相关部门及各地区按职责分工负责）具体措施：1．"
    "及时总结财政资金直达基层的经验做法，进一步完善财政资金直达机制，优化完善直达资金监控系统功能，督促各地区加强直达资金日常监"
    "控，确保资金落实到位、规范使用。（财政部牵头，国务院相关部门及各地区按职责分工负责）2．简化税费优惠政策适用程序，利用大数据"
    "等技术甄别符合条件的纳税人、缴费人，精准推送优惠政策信息。督促中央执收单位和各地区加强非税收入退付管理，确保取消、停征、免征"
    "及降低征收标准的收费基金项目及时落实到相关企业和个人。（财政部、税务总局牵头，国务院相关部门及各地区按职责分工负责）3．2020年"
    "底前开展涉企收费专项治理，对公用事业、港口物流等领域涉企收费开展检查，整治部分园区、楼宇、商业综合体等转供电主体违法加价等"
    "行为，坚决避免减税降费红利被截留。（市场监管总局牵头，国家发展改革委、住房城乡建设部、交通运输部、海关总署等国务院相关部门及"
    "各地区按职责分工负责）4．2020年底前组织开展行业协会商会收费情况全面自查，2021年3月底前对行业协会商会乱收费自查、退还违法违规"
    "所得等情况开展检查，确保乱收费问题整改到位。（市场监管总局、民政部牵头，国务院相关部门及各地区按职责分工负责）（二）让企业特别"
    "是中小微企业融资更加便利、更加优惠，推动国有大型商业银行创新对中小微企业的信贷服务模式，利用大数据等技术解决“首贷难”、“续贷"
    "难”等问题。（人民银行、银保监会牵头，国家发展改革委、财政部、人力资源社会保障部、住房城乡建设部、税务总局、市场监管总局、国"
    "家医保局、国家能源局等国务院相关部门及各地区按职责分工负责）"
)


def by_code(text: str) -> dict:
    return {task.code: task for task in extract_text("plan.txt", text).tasks}


def test_a_body_without_line_breaks_gives_measures_and_their_sub_measures_in_order():
    tasks = by_code(ONE_LINE)
    assert list(tasks) == ["1", "1.1", "1.2", "1.3", "1.4", "2"]
    assert tasks["1"].lead_units == ["财政部"] and tasks["1"].co_units[-1] == "各地区"
    assert (tasks["1.2"].lead_units, tasks["1.2"].co_units) == (["财政部", "税务总局"], ["国务院相关部门", "各地区"])
    assert tasks["1.3"].deadline == date(2020, 12, 31)
    assert tasks["1"].deadline is None  # a measure does not take its 具体措施' dates
    assert tasks["2"].lead_units == ["人民银行", "银保监会"]


def test_the_outline_of_a_one_line_body():
    outline = read_outline("plan.txt", [ONE_LINE], [])
    shape = [(node.kind, node.number, node.depth) for node in outline.nodes()]
    assert shape == [("cn", 1, 1), ("pcn", 1, 2), ("ar", 1, 3), ("ar", 2, 3), ("ar", 3, 3), ("ar", 4, 3),
                     ("pcn", 2, 2)]


# 国办发〔2018〕117号 (corpus a07): the top-level items `一、`…`三十、` are the tasks, each bracket on its own
# paragraph.
TOP_LEVEL = """国务院办公厅关于对真抓实干成效明显地方进一步加大激励支持力度的通知
国办发〔2018〕117号
一、对深化商事制度改革成效显著、落实事中事后监管等相关政策措施社会反映好的市（地、州、盟）、县（市、区、旗），\
优先纳入深化商事制度改革、加强事中事后监管相关试点，推动降低企业制度性交易成本。
（市场监管总局负责）
二、对促进外贸、外资稳定增长，积极优化营商环境成效明显的省（区、市），在外贸转型升级基地培育中给予优先支持。
（商务部负责）
三、对促进社会投资健康发展、企业债券发行、债券品种创新与风险防范等工作成效明显的市（地、州、盟），在两年之内对其行政区域\
内企业申请企业债券实行“直通车”机制（企业直接向国家发展改革委申报，不需省级发展改革部门转报），鼓励地方加大金融服务实体经\
济的力度，发挥企业债券促投资、稳增长的积极作用。
（国家发展改革委负责）
各有关部门制定或调整完善后的激励措施实施办法，于2018年12月31日前报送国务院办公厅。
国务院办公厅
2018年12月6日
"""


def test_top_level_items_that_carry_units_are_the_tasks():
    tasks = by_code(TOP_LEVEL)
    assert list(tasks) == ["1", "2", "3"]
    assert [tasks[code].lead_units for code in tasks] == [["市场监管总局"], ["商务部"], ["国家发展改革委"]]
    assert "不需省级发展改革部门转报" in tasks["3"].text  # an aside in brackets that names agencies stays text
    assert tasks["3"].deadline is None  # the closing paragraph's date belongs to no task
    assert "报送国务院办公厅" not in tasks["3"].text


# 国办发〔2018〕121号 (corpus a05), paragraph (十): three sentence groups, each closed by its own unit bracket.
SEVERAL_BRACKETS = (
    "三、壮大市场主体，优化市场环境\n"
    "（十）鼓励创新创业。大力推进商事制度改革，营造良好的体育竞赛表演产业准入环境。（市场监管总局负责）加强体育产业创新创业教育"
    "服务，帮助企业、高校等有效对接。创新人才培养机制，支持有条件的高等院校设置相关专业和课程。鼓励退役运动员投身体育竞赛表演产业。"
    "（体育总局、教育部负责）重视和鼓励新型转播技术、安全监控技术、人工智能等高新技术在体育竞赛表演产业中的应用。鼓励以移动互联网、"
    "大数据、云计算技术为支撑，提升赛事报名、赛事转播、媒体报道、交流互动、赛事参与等综合服务水平。（体育总局、网信办、科技部、工业"
    "和信息化部负责）\n"
)


def test_several_unit_brackets_in_one_item_make_one_task_each():
    tasks = by_code(SEVERAL_BRACKETS)
    assert [(code, t.lead_units) for code, t in tasks.items()] == [
        ("10.1", ["市场监管总局"]), ("10.2", ["体育总局"]), ("10.3", ["体育总局"])]
    assert tasks["10.2"].co_units == ["教育部"]
    assert tasks["10.2"].text.startswith("加强体育产业创新创业教育服务")


# 厦府办〔2019〕10号: one field per line, the convention stated inside the first field, and a 时限要求 line.
FIELD_LINES = """(一)推进完善PPP健康运行长效机制和基础性制度建设,加强存量项目监管,\
规范有序推进翔安新机场片区地下综合管廊PPP项目建设,\
确保PPP项目协议落实到位。
责任单位:市发改委、市财政局(第一责任单位为牵头单位,下同)
时限要求:持续推进
"""


def test_fields_on_lines_of_their_own_and_a_convention_inside_them():
    task = extract_text("plan.txt", "一、坚决破除各种不合理门槛和限制,营造公平竞争市场环境\n" + FIELD_LINES).tasks[0]
    assert (task.lead_units, task.co_units) == (["市发改委"], ["市财政局"])
    assert task.convention == "文件说明：列第一位者为牵头单位"
    assert (task.deadline, task.deadline_kind) == (None, "standing")


def test_a_title_run_together_with_its_number_gives_the_title_and_the_year():
    # 国办发〔2020〕43号 (corpus a09) as a crawler kept its first line
    head = "国务院办公厅关于印发全国深化“放管服”改革优化营商环境电视电话会议重点任务分工方案的通知国办发〔2020〕43号\n"
    document = extract_text("plan.txt", head + ONE_LINE)
    assert document.title == "国务院办公厅关于印发全国深化“放管服”改革优化营商环境电视电话会议重点任务分工方案的通知"
    assert document.year == 2020
