"""The office's merges and splits (issue #14): merges first, then splits, then the per-task corrections."""

from datetime import date

import pytest

from reformflow.parsing import extract_text
from reformflow.parsing.edits import DocumentEdits, EditsError, TaskEdit, apply_edits

PLAN = """关于印发深圳市2020年营商环境测试任务清单的通知

一、优化政务服务
1. 推行户籍业务全程网上办理，2020年6月底前完成。（市公安局、市税务局）
2. 实现电子证照跨部门互认，2020年9月底前完成。（市税务局）
3. 建设联合验收信息平台。（市住建局）
4. 推行告知承诺制。（市税务局、市公安局）
"""
T1 = "推行户籍业务全程网上办理，2020年6月底前完成。（市公安局、市税务局）"
T2 = "实现电子证照跨部门互认，2020年9月底前完成。（市税务局）"
T3 = "建设联合验收信息平台。（市住建局）"
T4 = "推行告知承诺制。（市税务局、市公安局）"
TITLE1, TITLE2 = "推行户籍业务全程网上办理，2020年6月底前完成", "实现电子证照跨部门互认，2020年9月底前完成"
TITLE3 = "建设联合验收信息平台"
JUNE, SEPT, OCT = date(2020, 6, 30), date(2020, 9, 30), date(2020, 10, 31)


def tasks(edits: DocumentEdits) -> list[tuple]:
    document = apply_edits(extract_text("plan.txt", PLAN), edits)
    return [(t.code, t.title, t.text, t.lead_units, t.co_units, t.deadline) for t in document.tasks]


CASES = {
    "merge": (DocumentEdits(merges={"3": ["4"]}), [
        ("1", TITLE1, T1, ["市公安局"], ["市税务局"], JUNE),
        ("2", TITLE2, T2, ["市税务局"], [], SEPT),
        ("3", TITLE3, f"{T3}\n{T4}", ["市住建局", "市税务局"], ["市公安局"], None)]),
    "a merge without a deadline takes the merged task's": (DocumentEdits(merges={"3": ["2"]}), [
        ("1", TITLE1, T1, ["市公安局"], ["市税务局"], JUNE),
        ("3", TITLE3, f"{T2}\n{T3}", ["市税务局", "市住建局"], [], SEPT),
        ("4", "推行告知承诺制", T4, ["市税务局"], ["市公安局"], None)]),
    "split": (DocumentEdits(splits={"1": ["推行户籍业务网上办理。", "", "全程网上办理。"]}), [
        ("1.1", f"{TITLE1}（一）", "推行户籍业务网上办理。", ["市公安局"], ["市税务局"], JUNE),
        ("1.2", f"{TITLE1}（二）", "全程网上办理。", ["市公安局"], ["市税务局"], JUNE),
        ("2", TITLE2, T2, ["市税务局"], [], SEPT),
        ("3", TITLE3, T3, ["市住建局"], [], None),
        ("4", "推行告知承诺制", T4, ["市税务局"], ["市公安局"], None)]),
    "merge, then split the merged task, then correct a part": (DocumentEdits(
        merges={"1": ["2"]}, splits={"1": ["甲。", "乙。", "丙。"]}, tasks={
            "1.3": TaskEdit(title="丙", lead_units=["市税务局"], co_units=[], deadline=OCT)}), [
        ("1.1", f"{TITLE1}（一）", "甲。", ["市公安局", "市税务局"], [], JUNE),  # a lead unit is not also co
        ("1.2", f"{TITLE1}（二）", "乙。", ["市公安局", "市税务局"], [], JUNE),
        ("1.3", "丙", "丙。", ["市税务局"], [], OCT),
        ("3", TITLE3, T3, ["市住建局"], [], None),
        ("4", "推行告知承诺制", T4, ["市税务局"], ["市公安局"], None)]),
}


@pytest.mark.parametrize("edits, expected", CASES.values(), ids=CASES.keys())
def test_merges_then_splits_then_corrections(edits, expected):
    assert tasks(edits) == expected


BAD = {
    "unknown merged code": (DocumentEdits(merges={"1": ["9"]}), "第9项不存在，无法合并。"),
    "unknown kept code": (DocumentEdits(merges={"9": ["1"]}), "第9项不存在，无法合并。"),
    "merged twice": (DocumentEdits(merges={"1": ["3"], "2": ["3"]}), "第3项被合并了两次。"),
    "merged away and kept": (DocumentEdits(merges={"1": ["2"], "2": ["3"]}), "第2项被合并了两次。"),
    "merged into itself": (DocumentEdits(merges={"1": ["1"]}), "第1项不能并入自身。"),
    "unknown split code": (DocumentEdits(splits={"7": ["甲", "乙"]}), "第7项不存在，无法拆分。"),
    "split of a merged-away task": (DocumentEdits(merges={"1": ["2"]}, splits={"2": ["甲", "乙"]}),
                                    "第2项不存在，无法拆分。"),
    "split in one part": (DocumentEdits(splits={"3": ["甲", "  ", ""]}),
                          "第3项至少要拆分为两部分（各部分之间空一行）。"),
}


@pytest.mark.parametrize("edits, message", BAD.values(), ids=BAD.keys())
def test_a_bad_merge_or_split_names_the_task(edits, message):
    with pytest.raises(EditsError) as raised:
        tasks(edits)
    assert str(raised.value) == message
