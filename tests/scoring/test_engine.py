"""The engine on hand-made frames: every value source, filters, mean, overrides, literals, totals, grades.

The demo frame is DEMO_ROWS of conftest.py (valid rows 1-5, row 6 invalid and never counted); its
answers are tabled there.
"""

from decimal import Decimal as D

import pytest
import yaml

from analysis.scoring import ScoringError, parse_indicators, score_json, score_system

from .conftest import DEMO_ROWS

GRADES = [{"grade": "优", "min": 90}, {"grade": "良", "min": 80}, {"grade": "中", "min": 70},
          {"grade": "差", "min": 0}]


def system_of(leaves_by_group: dict, grades=GRADES, title="测试评价"):
    """{level1: {level2: [leaf, ...]}} -> IndicatorSystem."""
    doc = {"format": 1, "title": title, "grades": grades, "indicators": [
        {"name": l1, "children": [{"name": l2, "children": leaves} for l2, leaves in groups.items()]}
        for l1, groups in leaves_by_group.items()]}
    return parse_indicators(yaml.safe_dump(doc, allow_unicode=True), "test.yaml")


def one_leaf(value, rule=None, weight=10, **extra):
    leaf = {"name": "指标", "weight": weight, "value": value, "rule": rule or {"type": "proportional"},
            **extra}
    return system_of({"效益": {"满意度": [leaf]}})


def value_of(source, data, qs, rule=None) -> D:
    result = score_system(one_leaf(source, rule), data, qs)
    return result.leaves[0].value


# -- value sources -------------------------------------------------------------------------------------------

def test_share_of_one_option_counts_valid_respondents_only(data, qs):
    # 有 in rows 1, 2, 5 of 5 valid answers (the invalid row 6 would make it 3 / 6)
    assert value_of({"share": {"form": "demo", "question": "q1", "options": ["有"]}}, data, qs) == D(60)


def test_share_of_several_options_by_label_or_code(data, qs):
    # 有 or 不清楚: rows 1, 2, 4, 5 of 5
    assert value_of({"share": {"question": "q1", "options": ["有", "不清楚"]}}, data, qs) == D(80)


def test_share_of_a_multiple_choice_option_over_respondents(data, qs):
    # q2 answered by rows 1, 2, 4, 5; 家长群 chosen in rows 1 and 4 -> 2 / 4
    assert value_of({"share": {"question": "q2", "options": ["家长群"]}}, data, qs) == D(50)


def test_share_of_a_matrix_row(data, qs):
    # q4.r1 answers 5, 3, 4, 5, 1: 非常满意 twice of 5
    assert value_of({"share": {"question": "q4.r1", "options": ["非常满意"]}}, data, qs) == D(40)


def test_top_box_satisfaction_leaves_not_applicable_out(data, qs):
    # q3 answers 5, 4, 3, (0 = 不了解, left out), 5 -> 3 satisfied of 4
    assert value_of({"satisfaction": {"questions": ["q3"], "method": "top_box"}}, data, qs) == D(75)


def test_top_box_satisfaction_pooled_over_a_question_and_a_whole_matrix(data, qs):
    # q3: 3 of 4; q4.r1: 5,3,4,5,1 -> 3 of 5; q4.r2: 4,(0),2,5,4 -> 3 of 4; pooled 9 of 13
    value = value_of({"satisfaction": {"questions": ["q3", "q4"]}}, data, qs)
    assert abs(value - D(900) / D(13)) < D("1e-20")


def test_score_satisfaction_is_the_mean_option_score(data, qs):
    # q3 scores 100, 80, 60, 100 (不了解 left out) -> 340 / 4 = 85
    assert value_of({"satisfaction": {"questions": ["q3"], "method": "score"}}, data, qs) == D(85)


def test_text_share_of_no_opinion_answers(data, qs):
    # non-empty answers: 无, 没有, 希望多开展活动, 灯光不错，很满意 -> 2 "nothing" answers of 4
    assert value_of({"text_share": {"question": "q5", "category": "no_opinion"}}, data, qs) == D(50)


def test_filter_by_unit_and_by_role(data, qs):
    # unit S2: rows 3, 4, 5 answered q1, 有 only in row 5 -> 1 / 3
    by_unit = value_of({"share": {"question": "q1", "options": ["有"], "filter": {"unit": ["S2"]}}}, data, qs)
    assert abs(by_unit - D(100) / D(3)) < D("1e-20")
    # role teacher: row 5 only, 有 -> 1 / 1
    by_role = value_of({"share": {"question": "q1", "options": ["有"], "filter": {"role": ["teacher"]}}},
                       data, qs)
    assert by_role == D(100)


def test_mean_of_values(data, qs):
    # (share of 有 = 60 + share of 有/不清楚 = 80) / 2 = 70
    source = {"mean": [{"share": {"question": "q1", "options": ["有"]}},
                       {"share": {"question": "q1", "options": ["有", "不清楚"]}}]}
    assert value_of(source, data, qs) == D(70)
    # a literal may join: (60 + 91) / 2 = 75.5
    assert value_of({"mean": [{"share": {"question": "q1", "options": ["有"]}}, 91]}, data, qs) == D("75.5")


def test_form_must_be_named_when_the_data_hold_several_questionnaires(data, qs, other_q, frame_of):
    both = {**data, "other": frame_of(other_q, [{"q1": "参加过"}])}
    with pytest.raises(ScoringError) as info:
        score_system(one_leaf({"share": {"question": "q1", "options": ["有"]}}), both, qs)
    (place, problem), = info.value.problems
    assert "value.share.form" in place and "效益/满意度/指标" in place
    assert "name the questionnaire" in problem and "demo" in problem and "other" in problem
    named = score_system(one_leaf({"share": {"form": "other", "question": "q1", "options": ["参加过"]}}),
                         both, qs)
    assert named.leaves[0].value == D(100)


@pytest.mark.parametrize(("source", "words"), [
    ({"share": {"form": "nosuch", "question": "q1", "options": ["有"]}},
     "no response data for questionnaire"),
    ({"share": {"question": "q9", "options": ["有"]}}, "has no question 'q9'"),
    ({"share": {"question": "q1", "options": ["可能"]}}, "'可能' is not an option of q1"),
    ({"share": {"question": "q4", "options": ["满意"]}}, "share needs a matrix row such as q4.r1"),
    ({"share": {"question": "q4.r7", "options": ["满意"]}}, "not a row of matrix 'q4'"),
    ({"share": {"question": "q5", "options": ["无"]}}, "is a text question"),
    ({"satisfaction": {"questions": ["q1"]}}, "satisfaction needs scale or matrix"),
    ({"text_share": {"question": "q1", "category": "no_opinion"}},
     "text_share needs an open (text) question"),
    ({"text_share": {"question": "q5", "category": "angry"}}, "unknown category angry"),
    ({"share": {"question": "q1", "options": ["有"], "filter": {"unit": ["S9"]}}},
     "no valid answers in 'demo' with unit in ['S9']"),
])
def test_values_that_cannot_be_computed_are_errors_naming_the_indicator(data, qs, source, words):
    with pytest.raises(ScoringError) as info:
        score_system(one_leaf(source), data, qs)
    assert info.value.source == "test.yaml"
    (place, problem), = info.value.problems
    assert place.startswith("indicators[0].children[0].children[0].value") and "(效益/满意度/指标)" in place
    assert words in problem


def test_a_questionnaire_without_answers_is_an_error_not_zero(demo_q, qs, frame_of):
    only_invalid = {"demo": frame_of(demo_q, [DEMO_ROWS[5]])}
    with pytest.raises(ScoringError, match="no valid answers"):
        score_system(one_leaf({"satisfaction": {"questions": ["q3"]}}), only_invalid, qs)


def test_a_value_rule_without_a_value_is_an_error(qs):
    system = system_of({"过程": {"资金管理": [{"name": "预算执行率", "weight": 5,
                                              "rule": {"type": "proportional"}}]}})
    with pytest.raises(ScoringError, match="needs an actual value"):
        score_system(system, {}, qs)


def test_every_failing_leaf_is_reported_at_once(data, qs):
    system = system_of({"效益": {"满意度": [
        {"name": "甲", "weight": 5, "value": {"share": {"question": "q9", "options": ["有"]}},
         "rule": {"type": "proportional"}},
        {"name": "乙", "weight": 5, "value": 90, "rule": {"type": "proportional"}},
        {"name": "丙", "weight": 5, "value": {"satisfaction": {"questions": ["q1"]}},
         "rule": {"type": "proportional"}},
    ]}})
    with pytest.raises(ScoringError) as info:
        score_system(system, data, qs)
    places = [p for p, _ in info.value.problems]
    assert len(places) == 2 and "(效益/满意度/甲)" in places[0] and "(效益/满意度/丙)" in places[1]


# -- the whole system ----------------------------------------------------------------------------------------

def full_system():
    return system_of({
        "决策": {"资金投入": [
            {"name": "预算编制", "weight": 4, "rule": {"type": "checklist", "items": [
                {"name": "a", "share": 0.25, "met": True}, {"name": "b", "share": 0.25, "met": True},
                {"name": "c", "share": 0.25, "met": True}, {"name": "d", "share": 0.25, "met": False}]}}]},
        "过程": {"资金管理": [
            {"name": "预算执行率", "weight": 5, "target": "=100%", "value": 95.5,
             "rule": {"type": "deduct_below", "threshold": 100, "per_point": 2, "floor": 60}}]},
        "效益": {
            "服务": [
                {"name": "维修", "weight": 6, "target": "≥90%",
                 "value": {"share": {"question": "q1", "options": ["有"]}},
                 "rule": {"type": "deduct_below", "threshold": 90, "per_point": 1}}],
            "满意度": [
                {"name": "总体满意度", "weight": 10, "target": "≥90%",
                 "value": {"satisfaction": {"questions": ["q3", "q4"], "method": "top_box"}},
                 "rule": {"type": "ratio_below", "threshold": 90}},
                {"name": "满意度得分", "weight": 5,
                 "value": {"satisfaction": {"questions": ["q3"], "method": "score"}},
                 "rule": {"type": "proportional"}},
                {"name": "无意见占比", "weight": 4, "target": "提高",
                 "value": {"text_share": {"question": "q5", "category": "no_opinion"}},
                 "rule": {"type": "ratio_below", "threshold": 90}}],
        },
    })


def test_full_system_scores_subtotals_total_and_json(data, qs):
    result = score_system(full_system(), data, qs)
    scores = [r.score for r in result.leaves]
    # 4 × 0.75 = 3; 5 × 0.91 = 4.55; 6 × (1 − 0.01 × (90 − 60)) = 4.2; 10 × (900/13) / 90 = 7.6923 -> 7.69;
    # 5 × 85 / 100 = 4.25; 4 × 50 / 90 = 2.2222 -> 2.22
    assert scores == [D("3.00"), D("4.55"), D("4.20"), D("7.69"), D("4.25"), D("2.22")]
    assert result.total == D("25.91")          # 3 + 4.55 + 4.2 + 7.69 + 4.25 + 2.22
    assert result.weight_sum == D(34)           # weights need not sum to 100
    assert result.grade == "差"
    assert [(s.path, s.weight, s.score) for s in result.level1] == [
        (("决策",), D(4), D("3.00")), (("过程",), D(5), D("4.55")), (("效益",), D(25), D("18.36"))]
    assert [(s.path, s.score) for s in result.level2] == [
        (("决策", "资金投入"), D("3.00")), (("过程", "资金管理"), D("4.55")), (("效益", "服务"), D("4.20")),
        (("效益", "满意度"), D("14.16"))]

    doc = score_json(result)
    assert list(doc) == ["title", "total", "grade", "weight_sum", "rows"]
    assert (doc["title"], doc["total"], doc["grade"], doc["weight_sum"]) == ("测试评价", 25.91, "差", 34)
    assert doc["rows"][1] == {"path": ["过程", "资金管理", "预算执行率"], "weight": 5, "target": "=100%",
                              "value": 95.5, "score": 4.55, "rate": 0.91, "deviation": -0.045,
                              "override": None}
    assert doc["rows"][0]["value"] is None and doc["rows"][0]["deviation"] is None
    assert doc["rows"][0]["target"] is None
    # 60 against ≥90: (60 − 90) / 90 = −0.3333
    repair = doc["rows"][2]
    assert (repair["value"], repair["deviation"], repair["rate"]) == (60, -0.3333, 0.7)
    # 900/13 = 69.2308; rate 7.69 / 10
    assert (doc["rows"][3]["value"], doc["rows"][3]["rate"]) == (69.2308, 0.769)
    # 提高 is a word: a value but no deviation
    assert doc["rows"][5]["value"] == 50 and doc["rows"][5]["deviation"] is None
    assert result.leaves[2].met is False and result.leaves[1].met is False and result.leaves[5].met is None


def test_subtotals_add_the_rounded_leaf_scores():
    # each leaf: 3 × 33.5 / 100 = 1.005 -> 1.01; the sum of rounded scores is 3.03 (not 3.015 -> 3.02)
    leaves = [{"name": f"指标{i}", "weight": 3, "value": 33.5, "rule": {"type": "proportional"}}
              for i in range(3)]
    result = score_system(system_of({"产出": {"数量": leaves}}), {}, {})
    assert result.level2[0].score == D("3.03") and result.level1[0].score == D("3.03")
    assert result.total == D("3.03")


def test_grade_bands_from_the_file():
    def total_of(value):
        leaf = {"name": "执行率", "weight": 100, "value": value, "rule": {"type": "proportional"}}
        return score_system(system_of({"过程": {"资金": [leaf]}}), {}, {})
    assert total_of(90).grade == "优"            # exactly at 90
    assert total_of(89.99).grade == "良"
    assert total_of(80).grade == "良"
    assert total_of(70).grade == "中"
    assert total_of(69.99).grade == "差"
    mof = [{"grade": "优", "min": 90}, {"grade": "良", "min": 80}, {"grade": "中", "min": 60}]
    leaf = {"name": "执行率", "weight": 100, "value": 59, "rule": {"type": "proportional"}}
    assert score_system(system_of({"过程": {"资金": [leaf]}}, grades=mof), {}, {}).grade is None


def test_weights_not_summing_to_100_are_reported():
    leaves = [{"name": "甲", "weight": 40, "rule": {"type": "yes_no", "met": True}},
              {"name": "乙", "weight": 50, "rule": {"type": "yes_no", "met": False}}]
    result = score_system(system_of({"产出": {"时效": leaves}}), {}, {})
    assert (result.weight_sum, result.total) == (D(90), D(40))
    assert score_json(result)["weight_sum"] == 90


# -- overrides and literals ----------------------------------------------------------------------------------

def test_override_in_the_file_replaces_the_score_and_keeps_the_computed_one():
    leaf = {"name": "制度执行", "weight": 6, "value": 50, "rule": {"type": "proportional"},
            "override": {"score": 5, "reason": "专家评议后调整"}}
    result = score_system(system_of({"过程": {"组织实施": [leaf]}}), {}, {})
    row = result.leaves[0]
    assert (row.computed, row.score, row.rate) == (D("3.00"), D(5), D(5) / D(6))
    assert result.total == D(5)
    assert score_json(result)["rows"][0]["override"] == {"score": 5.0, "reason": "专家评议后调整",
                                                         "computed": 3.0}


def test_overrides_and_literals_given_by_leaf_path():
    leaves = [{"name": "预算执行率", "weight": 10, "target": "=100%", "rule": {"type": "proportional"}},
              {"name": "满意度", "weight": 5, "value": 80, "rule": {"type": "proportional"}}]
    system = system_of({"过程": {"资金管理": leaves}})
    result = score_system(system, {}, {},
                          literals={("过程", "资金管理", "预算执行率"): 88.6},
                          overrides={"过程/资金管理/满意度": {"score": 4.5, "reason": "复核调整"}})
    # 10 × 88.6 / 100 = 8.86; override 4.5 replaces 5 × 80 / 100 = 4
    assert [r.score for r in result.leaves] == [D("8.86"), D("4.5")]
    assert result.leaves[1].computed == D("4.00") and result.total == D("13.36")
    # a literal replaces the file's value
    again = score_system(system, {}, {},
                         literals={"过程/资金管理/预算执行率": 100, "过程/资金管理/满意度": "90"})
    assert again.leaves[1].score == D("4.50")


@pytest.mark.parametrize(("kwargs", "words"), [
    ({"literals": {"过程/资金管理/不存在": 90}}, "is not a leaf indicator"),
    ({"literals": {"过程/资金管理/满意度": "九十"}}, "must be a number"),
    ({"overrides": {"过程/资金管理/满意度": {"score": 6, "reason": "x"}}}, "not between 0 and the weight 5"),
    ({"overrides": {"过程/资金管理/满意度": {"score": 4}}}, "must give its reason"),
    ({"overrides": {"过程/资金管理/满意度": {"score": 4, "reason": "  "}}}, "must give its reason"),
])
def test_bad_literals_and_overrides(kwargs, words):
    leaves = [{"name": "满意度", "weight": 5, "value": 80, "rule": {"type": "proportional"}}]
    with pytest.raises(ScoringError, match=words):
        score_system(system_of({"过程": {"资金管理": leaves}}), {}, {}, **kwargs)


def test_domain_examples_through_the_engine():
    leaves = [
        {"name": "执行率", "weight": 10, "target": "=100%", "value": 95.5,
         "rule": {"type": "deduct_below", "threshold": 100, "per_point": 2, "floor": 60}},
        {"name": "覆盖学校数", "weight": 10, "target": "≥25所", "value": 27,
         "rule": {"type": "ratio_below", "threshold": 25}},
        {"name": "培训场次", "weight": 5, "target": "≥40次", "value": 12,
         "rule": {"type": "ratio_below", "threshold": 40}},
        {"name": "预算执行", "weight": 10, "target": "=100%", "value": 88.6,
         "rule": {"type": "proportional", "round_value": 0}},
    ]
    result = score_system(system_of({"产出": {"数量": leaves}}), {}, {})
    rows = score_json(result)["rows"]
    assert rows[0]["score"] == 9.1                          # 10 × 0.91
    assert (rows[1]["score"], rows[1]["deviation"]) == (10.0, 0.08)      # 27 vs ≥25: +8.00%
    assert (rows[2]["score"], rows[2]["deviation"]) == (1.5, -0.7)       # 5 × 12 / 40; 12 vs ≥40: −70.00%
    assert rows[3]["score"] == 8.9                          # 88.6 -> 89, 10 × 0.89
