import pytest

from reformflow.parsing.text import LOST, chinese_numeral, clean, normalise, repair_mojibake, strip_pinyin


@pytest.mark.parametrize(("raw", "expected"), [
    ("各區(qū)人民政府", "各區人民政府"),
    ("營商環(huán)境", "營商環境"),
    ("探索制定RCEP(區(qū)域全面經(jīng)濟(jì)伙伴關(guān)系協(xié)定)", "探索制定RCEP(區域全面經濟伙伴關系協定)"),
    ("對標(biāo)世界銀行(B-READY)評價", "對標世界銀行(B-READY)評價"),
    ("綠色(lǜ)發展", "綠色發展"),
    ("(a)項", "(a)項"),  # no tone mark: not a reading, kept
])
def test_pinyin_readings_are_removed_and_real_parentheses_kept(raw, expected):
    assert strip_pinyin(raw) == expected


@pytest.mark.parametrize(("raw", "expected"), [
    ("2020 年 3 月底", "2020年3月底"),
    ("市公安局,市税务局", "市公安局，市税务局"),
    ("(责任单位:市场监管局)", "（责任单位：市场监管局）"),
    ("工作日9:00 到 17:00", "工作日9:00到17:00"),
    ("投资1,000万元", "投资1,000万元"),
    ("ＲＣＥＰ　２０２０年", "RCEP2020年"),
])
def test_normalise_punctuation_and_spaces(raw, expected):
    assert normalise(raw) == expected


def test_clean_converts_traditional_to_simplified_and_drops_markup():
    assert clean("<b>營商環(huán)境</b>改革<br>任務") == "营商环境改革任务"


# Characters the rest of a document uses: the repair that reads like the document wins.
VOCABULARY = frozenset("進一步破除區域分割保護建設高水平開放指導思想")


@pytest.mark.parametrize(("line", "number", "starts"), [
    ("?。ㄒ唬┲笇?dǎo)思想。以習(xí)近平新時(shí)代", 1, "（一）指"),
    ("?。ň牛┙ㄔO(shè)高水平開放創(chuàng)新試驗(yàn)平臺。", 9, "（九）建設"),
    ("?。┮婪ūWo(hù)市場主體產(chǎn)權(quán)", None, LOST),
    (" ?。ㄋ模┻M一步破除區(qū)域分割和地方保護等不合理限制。", 4, "（四）進一步破除區"),
    ("?。ㄈ┐蛟旖∪陚鋭?chuàng)新產(chǎn)業(yè)生態(tài)。", None, LOST),
])
def test_gbk_frame_shift_mojibake_is_repaired_where_the_bytes_allow(line, number, starts):
    repaired = repair_mojibake(line, VOCABULARY)
    assert repaired.repaired
    assert repaired.number == number
    assert repaired.text.startswith(starts)


def test_unrecoverable_heading_keeps_its_readable_tail_and_says_so():
    repaired = repair_mojibake("?。ㄈ┐蛟旖∪陚鋭?chuàng)新產(chǎn)業(yè)生態(tài)。以服務")
    assert repaired.lost
    assert clean(repaired.text) == f"{LOST}新产业生态。以服务"


def test_ordinary_lines_are_left_alone():
    assert repair_mojibake("1.建立健全市場準入制度。").repaired is False
    assert repair_mojibake("?RCEP").repaired is False


@pytest.mark.parametrize(("text", "value"), [("一", 1), ("十", 10), ("十二", 12), ("二十", 20), ("三十二", 32),
                                            ("", None), ("第一", None)])
def test_chinese_numerals(text, value):
    assert chinese_numeral(text) == value
