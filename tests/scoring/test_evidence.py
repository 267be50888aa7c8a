"""The evidence each scored leaf carries: which questions, options and rows its value used, with the counts.

The demo frame is DEMO_ROWS of conftest.py (valid rows 1-5, row 6 invalid and never counted); its
answers are tabled there.
"""

from decimal import Decimal as D

from analysis.scoring import score_system
from analysis.scoring.evidence import (
    LiteralEvidence,
    MeanEvidence,
    SatisfactionEvidence,
    ShareEvidence,
    TextShareEvidence,
    survey_parts,
)

from .test_engine import one_leaf, system_of


def leaf_of(source, data, qs, rule=None, **extra):
    return score_system(one_leaf(source, rule, **extra), data, qs).leaves[0]


def rows_of(table):
    return [(row.label, row.count) for row in table.rows]


def test_share_evidence_names_the_question_options_and_counts(data, qs):
    leaf = leaf_of({"share": {"form": "demo", "question": "q1", "options": ["有"]}}, data, qs)
    ev = leaf.evidence
    assert isinstance(ev, ShareEvidence)
    # 有 in rows 1, 2, 5 of the 5 valid rows; the invalid row 6 (没有) is in neither count nor table
    assert (ev.count, ev.n, ev.options) == (3, 5, ("有",))
    assert ev.value == leaf.value == D(60)
    assert (ev.table.number, ev.table.type, ev.table.text, ev.table.valid) == (1, "single", "是否有专人维修？", 5)
    assert rows_of(ev.table) == [("有", 3), ("没有", 1), ("不清楚", 1)]
    assert (ev.origin.form, ev.origin.title, ev.origin.role, ev.origin.responses) == ("demo", "测试问卷",
                                                                                      "student", 5)


def test_share_of_several_options_of_a_multiple_choice_question(data, qs):
    # q2 answered by rows 1, 2, 4, 5; 班主任 or 家长群 (given as code-order labels) chosen by rows 1, 2, 4
    ev = leaf_of({"share": {"question": "q2", "options": ["班主任", "家长群"]}}, data, qs).evidence
    assert (ev.count, ev.n) == (3, 4)
    assert ev.options == ("家长群", "班主任")          # in the question's option order
    assert rows_of(ev.table) == [("学校通知", 2), ("家长群", 2), ("班主任", 1)]


def test_satisfaction_evidence_has_one_table_per_question_or_matrix_row(data, qs):
    leaf = leaf_of({"satisfaction": {"questions": ["q3", "q4"], "method": "top_box"}}, data, qs)
    ev = leaf.evidence
    assert isinstance(ev, SatisfactionEvidence)
    assert [t.id for t in ev.tables] == ["q3", "q4.r1", "q4.r2"]
    # q3: 3 satisfied of 4 (one 不了解); q4.r1: 3 of 5; q4.r2: 3 of 4 (one 不了解) -> 9 of 13, 2 left out
    assert (ev.n, ev.na, ev.satisfied) == (13, 2, 9)
    assert sum(t.valid for t in ev.tables) == 15           # every answer is in a table, 不了解 included
    assert ev.satisfied_labels == ("非常满意", "满意") and ev.na_labels == ("不了解",)
    assert ev.value == leaf.value and abs(ev.value - D(900) / D(13)) < D("1e-20")


def test_score_method_evidence_lists_the_option_scores(data, qs):
    ev = leaf_of({"satisfaction": {"questions": ["q3"], "method": "score"}}, data, qs).evidence
    # q3 scores 100, 80, 60, 100 -> 85
    assert ev.method == "score" and ev.value == D(85) and ev.n == 4 and ev.na == 1
    assert ev.scores == (("非常满意", D(100)), ("满意", D(80)), ("一般", D(60)), ("不满意", D(30)),
                         ("非常不满意", D(0)))


def test_text_share_evidence_counts_every_category(data, qs):
    ev = leaf_of({"text_share": {"question": "q5", "category": "no_opinion"}}, data, qs).evidence
    assert isinstance(ev, TextShareEvidence)
    # 无, 没有 -> no opinion; 希望多开展活动 -> suggestion; 灯光不错，很满意 -> positive
    assert {c.category: c.count for c in ev.categories} == {
        "no_opinion": 2, "positive": 1, "negative": 0, "suggestion": 1, "other": 0}
    assert (ev.count, ev.n, ev.value) == (2, 4, D(50))
    assert (ev.question.number, ev.question.type, ev.question.text) == (5, "text", "意见建议")


def test_filtered_values_keep_the_filter_and_the_rows_it_left(data, qs, demo_q, frame_of):
    rows = [{"q1": "有", "unit": "S1", "unit_name": "第一小学"},
            {"q1": "没有", "unit": "S2", "unit_name": "第二小学"},
            {"q1": "有", "unit": "S2", "unit_name": "第二小学"}]
    ev = leaf_of({"share": {"question": "q1", "options": ["有"], "filter": {"unit": ["S2"]}}},
                 {"demo": frame_of(demo_q, rows)}, qs).evidence
    assert ev.origin.units == ("第二小学",) and ev.origin.responses == 2
    assert (ev.count, ev.n) == (1, 2) and rows_of(ev.table) == [("有", 1), ("没有", 1), ("不清楚", 0)]


def test_mean_evidence_keeps_each_part(data, qs):
    source = {"mean": [{"share": {"question": "q1", "options": ["有"]}},
                       {"text_share": {"question": "q5", "category": "no_opinion"}}, 91]}
    leaf = leaf_of(source, data, qs)
    ev = leaf.evidence
    assert isinstance(ev, MeanEvidence)
    assert [type(p) for p in ev.parts] == [ShareEvidence, TextShareEvidence, LiteralEvidence]
    assert [p.value for p in ev.parts] == [D(60), D(50), D(91)]
    assert ev.value == leaf.value == D(67)                   # (60 + 50 + 91) / 3
    assert [type(p) for p in survey_parts(ev)] == [ShareEvidence, TextShareEvidence]


def test_literals_say_whether_the_evaluator_gave_them(data, qs):
    system = system_of({"过程": {"资金管理": [
        {"name": "预算执行率", "weight": 5, "value": 95.5, "rule": {"type": "proportional"}},
        {"name": "完成率", "weight": 5, "value": 80, "rule": {"type": "proportional"}}]}})
    result = score_system(system, data, qs, literals={"过程/资金管理/完成率": "88"})
    assert result.leaves[0].evidence == LiteralEvidence(D("95.5"), given=False)
    assert result.leaves[1].evidence == LiteralEvidence(D(88), given=True)


def test_leaves_without_a_value_have_no_evidence_and_an_outcome(data, qs):
    system = system_of({"决策": {"项目立项": [{"name": "立项规范性", "weight": 4,
                                          "rule": {"type": "yes_no", "met": False}}]}})
    leaf = score_system(system, data, qs).leaves[0]
    assert leaf.evidence is None and leaf.outcome.case == "not_met" and leaf.computed == 0


def test_the_outcome_is_the_one_the_computed_score_came_from(data, qs):
    # 有 = 60%; deduct_below 90 by 1 per point: 30 points short, 30% of 10 deducted -> 7.00
    leaf = leaf_of({"share": {"question": "q1", "options": ["有"]}}, data, qs,
                   rule={"type": "deduct_below", "threshold": 90, "per_point": 1})
    assert (leaf.outcome.case, leaf.outcome.gap, leaf.outcome.deduction) == ("deducted", D(30), D(30))
    assert leaf.computed == D("7.00")
