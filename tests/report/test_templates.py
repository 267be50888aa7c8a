"""The sentence templates, one test per rule type and per value kind, with the numbers written out by hand."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from analysis.report import templates as t
from analysis.scoring.model import ChecklistItem, Rule
from analysis.scoring.rules import rule_outcome


def sentence(rule: Rule, weight, value=None, unit="%") -> str:
    return t.rule_sentence(rule, rule_outcome(rule, D(str(weight)), None if value is None else D(str(value))),
                           unit)


# -- numbers -----------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "expected"), [
    ("98.20%", "98.2%"), ("100.00%", "100%"), ("5.00", "5"), ("4.91", "4.91"), ("+8.00%", "+8%"),
    ("0.50", "0.5"), ("第 10 题 20.0", "第 10 题 20"),
])
def test_trailing_zeros_go(text, expected):
    assert t.trim(text) == expected


def test_numbers_as_the_score_table_prints_them():
    assert t.score_text(D("4.905")) == "4.91"          # half up, like the table
    assert t.score_text(D(5)) == "5"
    assert t.percent_text(D("0.982")) == "98.2%"
    assert t.percent_text(D(1)) == "100%"
    assert t.percent_text(2 / 3) == "66.67%"
    assert t.signed_percent(D("-0.045")) == "-4.5%" and t.signed_percent(D(27 - 25) / D(25)) == "+8%"
    assert t.value_text(D("88.1349"), "%") == "88.13%" and t.value_text(D(13), "个月") == "13 个月"
    assert t.count(3150) == "3,150" and t.count(420) == "420"
    assert [t.chinese_number(n) for n in (1, 9, 10, 11, 20, 25)] == ["一", "九", "十", "十一", "二十", "二十五"]


def test_closing_sentence_is_exactly_the_contract():
    # 4.91 of 5 = 98.2%
    assert t.closing_sentence(D(5), D("4.91"), D("4.91") / D(5)) == "指标分值 5 分，评价得分 4.91 分，得分率 98.2%。"
    assert t.closing_sentence(D("2.5"), D("2.50"), D(1)) == "指标分值 2.5 分，评价得分 2.5 分，得分率 100%。"


# -- one test per rule type ----------------------------------------------------------------------------------

def test_manual():
    assert sentence(Rule("manual", score=D(3)), 4) == "该指标由评价人员根据佐证材料综合评定得分"


def test_yes_no():
    assert sentence(Rule("yes_no", met=True), 3) == (
        "评价标准为按要求完成得满分，未完成不得分；经核查，已按要求完成，得满分")
    assert sentence(Rule("yes_no", met=False), 3).endswith("经核查，未按要求完成，不得分")


def test_checklist_with_equal_and_unequal_shares():
    items = (ChecklistItem("依据充分", D("0.25"), True), ChecklistItem("明细清晰", D("0.25"), False),
             ChecklistItem("程序规范", D("0.25"), True), ChecklistItem("符合办法", D("0.25"), True))
    assert sentence(Rule("checklist", items=items), 4) == (
        "评价标准共 4 项，每项占权重分的 25%：依据充分、明细清晰、程序规范、符合办法；经核查，满足“依据充分”“程序规范”"
        "“符合办法”共 3 项，未满足“明细清晰”共 1 项，得权重分的 75%")
    unequal = (ChecklistItem("制度健全", D("0.6"), True), ChecklistItem("执行有效", D("0.4"), True))
    assert sentence(Rule("checklist", items=unequal), 5) == (
        "评价标准共 2 项，制度健全（占权重分的 60%）、执行有效（占权重分的 40%）；经核查，2 项均满足，得权重分的 100%")
    none = (ChecklistItem("制度健全", D("0.5"), False), ChecklistItem("执行有效", D("0.5"), False))
    assert sentence(Rule("checklist", items=none), 5).endswith("经核查，2 项均未满足，不得分")


def test_proportional_with_and_without_rounding():
    assert sentence(Rule("proportional"), 10, "88.6") == "评价标准为按完成比例计分，得分＝分值×实际完成值"
    # 88.6 rounds to 89 before scoring (domain example)
    assert sentence(Rule("proportional", round_value=0), 10, "88.6") == (
        "评价标准为按完成比例计分，得分＝分值×实际完成值；实际完成值先四舍五入取整为 89%")
    assert sentence(Rule("proportional", round_value=1), 10, "88.64").endswith(
        "实际完成值先四舍五入保留 1 位小数为 88.6%")
    assert sentence(Rule("proportional"), 10, "104").endswith("完成比例超过 100% 的按满分计")


def test_deduct_below_with_floor():
    rule = Rule("deduct_below", threshold=D(100), per_point=D(2), floor=D(60))
    base = "评价标准为≥100%，每降低 1 个百分点扣减权重分的 2%，低于 60% 不得分"
    assert sentence(rule, 5, "100") == base + "；实际值达到标准，得满分"
    # 4.5 points short x 2% = 9%
    assert sentence(rule, 5, "95.5") == base + "；实际值较标准低 4.5 个百分点，扣减权重分的 9%"
    assert sentence(rule, 5, "59") == base + "；实际值低于 60%，不得分"
    # 88.14 against 90 at 1% a point: 1.86 points short, 1.86% deducted (the example)
    assert sentence(Rule("deduct_below", threshold=D(90), per_point=D(1)), 5, "88.14") == (
        "评价标准为≥90%，每降低 1 个百分点扣减权重分的 1%；实际值较标准低 1.86 个百分点，扣减权重分的 1.86%")
    # 60 points short at 2%: 120%, nothing left
    assert sentence(Rule("deduct_below", threshold=D(100), per_point=D(2)), 5, "40").endswith(
        "扣减权重分的 120%，扣完为止")


def test_deduct_above_with_ceiling_in_months():
    rule = Rule("deduct_above", threshold=D(12), per_point=D(10), ceiling=D(18))
    base = "评价标准为≤12 个月，每超出 1 个月扣减权重分的 10%，超过 18 个月不得分"
    assert sentence(rule, 5, "11", unit="个月") == base + "；实际值未超过标准，得满分"
    assert sentence(rule, 5, "14", unit="个月") == base + "；实际值较标准高 2 个月，扣减权重分的 20%"
    assert sentence(rule, 5, "19", unit="个月") == base + "；实际值超过 18 个月，不得分"


def test_ratio_below():
    rule = Rule("ratio_below", threshold=D(90))
    base = "评价标准为≥90%，达到标准得满分，未达到的按实际值与标准值之比计分"
    assert sentence(rule, 20, "92") == base + "；实际值达到标准，得满分"
    # 85 / 90 = 94.44%
    assert sentence(rule, 20, "85") == base + "；实际值为标准值的 94.44%，按此比例计分"


def test_override():
    assert t.override_sentence(D("4.25"), D("4.50"), "维修记录完整") == (
        "经评价人员调整，评价得分由计算得分 4.25 分调整为 4.5 分，理由：维修记录完整")


# -- value kinds ---------------------------------------------------------------------------------------------

def test_question_line():
    assert t.question_line(6, "单选题", 1420, "是否有专人及时维修？") == \
        "问卷题 6（单选题，有效答题 1,420 人次）：是否有专人及时维修？"


def test_share_sentences():
    assert t.share_sentence(["有"], D("86.4"), 363) == "选择“有”的人次占比为 86.4%"
    assert t.share_sentence(["有", "基本有"], D("90"), 378) == "选择“有”或“基本有”的人次占比为 90%（共 378 人次）"


def test_top_box_sentences_for_one_and_several_questions():
    labels = ("非常满意", "满意")
    assert t.top_box_sentence(labels, D("95.1"), questions=1, n=410, satisfied=390, na=0, na_labels=()) == \
        "满意及以上的占比为 95.1%"
    assert t.top_box_sentence(labels, D("73.68"), questions=3, n=19, satisfied=14, na=2, na_labels=("不了解",)) == (
        "以上 3 题合计有效评价 19 人次（“不了解”的 2 人次不计入），其中满意及以上 14 人次，满意及以上的占比为 73.68%")
    # a scale that is not about satisfaction names its options
    assert t.top_box_sentence(("非常同意", "同意"), D(80), questions=1, n=5, satisfied=4, na=0, na_labels=()) == \
        "选择“非常同意”或“同意”的占比为 80%"


def test_score_method_sentence():
    scores = (("非常满意", D(100)), ("满意", D(80)), ("一般", D(60)))
    assert t.score_method_sentence(scores, D("85.25"), questions=1, n=4, na=1, na_labels=("不了解",)) == (
        "按各选项分值（非常满意 100 分、满意 80 分、一般 60 分）计算，"
        "“不了解”的 1 人次不计入，满意度平均得分为 85.25 分")


def test_text_share_sentence():
    assert t.text_share_sentence("no_opinion", D(75), matched=240, n=320) == \
        "本题有效回答 320 人次，其中无意见 240 人次，无意见占比为 75%"


def test_literal_and_mean_sentences():
    assert t.literal_sentence(D("96.5"), "%", "=100%", D("-0.035")) == \
        "实际完成值为 96.5%（目标值 =100%），偏差率为 -3.5%"
    assert t.literal_sentence(D("1.52"), "万人", None, None) == "实际完成值为 1.52 万人"
    assert t.literal_sentence(D(1), "", "提高", None) == "实际完成值为 1（目标值“提高”）"
    assert t.target_sentence("2025年8月31日前") == "目标值为 2025年8月31日前"
    assert t.target_sentence("建立") == "目标值为“建立”"
    assert t.mean_sentence(2, "题", D("88.1"), "%") == "取以上 2 题结果的算术平均值为 88.1%"


def test_paragraph_ends_every_sentence_once():
    assert t.paragraph("甲", "", "乙。", "指标分值 5 分。") == "甲。乙。指标分值 5 分。"


# -- satisfaction and open answers ---------------------------------------------------------------------------

def test_satisfaction_sentence_takes_every_number_as_an_argument():
    assert t.satisfaction_sentence("家长", "81.2%", 3150, "人", "79.8%～82.5%") == \
        "家长满意度为 81.2%（n = 3,150 人，95% 置信区间 79.8%～82.5%）"
    assert t.interval_text((0.798, 0.8251), "top_box") == "79.8%～82.51%"
    assert t.interval_text((83.1, 87.5), "score") == "83.1～87.5 分"


def test_units_below_target():
    assert t.units_below_sentence("家长", "90%", [], [], []) == "按单位统计，各单位家长满意度均不低于 90%。"
    text = t.units_below_sentence("家长", "90%", ["甲校 62.5%（…）", "乙校 81.82%（…）"], ["甲校"], ["乙校"])
    assert text == ("按单位统计，家长满意度低于 90% 的单位有 2 个：甲校 62.5%（…）；乙校 81.82%（…）。"
                    "其中甲校的 95% 置信区间上限也低于 90%，可以确认未达到目标；"
                    "乙校的 95% 置信区间包含 90%，按现有样本尚不能确认低于目标。")


def test_theme_clauses():
    clause = t.theme_clause(1, "意见和建议", 2, 1 / 3, ["开展", "活动"], ["希望多开展活动"])
    assert clause == "一是意见和建议（2 条，占 33.33%），关键词为“开展”“活动”，如“希望多开展活动”"
    assert t.themes_sentence([]) == "全部回答均表示没有意见。"
