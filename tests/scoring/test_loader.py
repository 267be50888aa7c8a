"""Indicator files: the shipped examples load; every malformed file fails naming the place and the problem."""

import copy
from decimal import Decimal as D
from pathlib import Path

import pytest
import yaml

from analysis.scoring import ScoringError, load_indicators, parse_indicators
from analysis.scoring.model import MeanSource, SatisfactionSource, ShareSource, TextShareSource
from questionnaires import InputError

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "questionnaires" / "indicators"

BASE = {
    "format": 1,
    "title": "测试项目绩效评价",
    "grades": [{"grade": "优", "min": 90}, {"grade": "良", "min": 80}, {"grade": "差", "min": 0}],
    "indicators": [
        {"name": "决策", "children": [
            {"name": "资金投入", "children": [
                {"name": "预算编制", "weight": 4, "rule": {"type": "checklist", "items": [
                    {"name": "依据充分", "share": 0.5, "met": True},
                    {"name": "明细清晰", "share": 0.5, "met": False}]}},
            ]},
        ]},
        {"name": "过程", "children": [
            {"name": "资金管理", "children": [
                {"name": "预算执行率", "weight": 5, "target": "=100%", "value": 95.5,
                 "rule": {"type": "deduct_below", "threshold": 100, "per_point": 2, "floor": 60}},
                {"name": "满意度", "weight": 6, "target": "≥90%",
                 "value": {"satisfaction": {"form": "demo", "questions": ["q3", "q4.r1"],
                                            "method": "top_box"}},
                 "rule": {"type": "ratio_below", "threshold": 90}},
            ]},
        ]},
    ],
}


def parse(doc) -> object:
    return parse_indicators(yaml.safe_dump(doc, allow_unicode=True), "test.yaml")


def problems_of(mutate) -> list[tuple[str, str]]:
    doc = copy.deepcopy(BASE)
    mutate(doc)
    with pytest.raises(ScoringError) as info:
        parse(doc)
    assert info.value.source == "test.yaml"
    return info.value.problems


def leaf(doc, i, j, k):
    return doc["indicators"][i]["children"][j]["children"][k]


def test_the_base_document_is_valid():
    system = parse(BASE)
    assert system.title == "测试项目绩效评价"
    assert [x.path for x in system.leaves()] == [
        ("决策", "资金投入", "预算编制"), ("过程", "资金管理", "预算执行率"), ("过程", "资金管理", "满意度")]
    first = system.leaves()[1]
    assert first.weight == D(5) and first.target == "=100%" and first.value.value == D("95.5")
    assert first.place == "indicators[1].children[0].children[0]"
    assert isinstance(system.leaves()[2].value, SatisfactionSource)


@pytest.mark.parametrize("name", ["lamps", "platform", "self-evaluation"])
def test_the_shipped_examples_load_with_weights_summing_to_100(name):
    system = load_indicators(EXAMPLES / f"{name}.yaml")
    assert sum(x.weight for x in system.leaves()) == 100
    assert [g.grade for g in system.grades][0] == "优"


def test_lamps_example_uses_the_rules_and_sources_the_project_needs():
    system = load_indicators(EXAMPLES / "lamps.yaml")
    assert [g.name for g in system.indicators] == ["决策", "过程", "产出", "效益"]
    rules = {x.rule.type for x in system.leaves()}
    assert {"checklist", "deduct_below", "ratio_below"} <= rules
    sources = [x.value for x in system.leaves()]
    assert any(isinstance(s, SatisfactionSource) for s in sources)
    assert any(isinstance(s, TextShareSource) for s in sources)
    assert any(isinstance(s, ShareSource) and s.question == "q6" and s.options == ("有",) for s in sources)


def test_platform_example_has_teacher_and_parent_satisfaction():
    system = load_indicators(EXAMPLES / "platform.yaml")
    forms = {s.form for x in system.leaves() if isinstance(s := x.value, SatisfactionSource)}
    assert forms == {"teacher-platform", "parent-platform"}
    assert any(isinstance(x.value, MeanSource) for x in system.leaves())


def test_self_evaluation_example_budget_execution_is_proportional_and_worth_10():
    system = load_indicators(EXAMPLES / "self-evaluation.yaml")
    first = system.leaves()[0]
    assert (first.name, first.weight, first.rule.type) == ("预算执行率", 10, "proportional")
    assert first.rule.round_value == 0
    by_level1 = {g.name: sum(x.weight for x in system.leaves() if x.path[0] == g.name)
                 for g in system.indicators}
    assert list(by_level1.values()) == [10, 50, 30, 10]


def set_in(path, value):
    def mutate(doc):
        *head, last = path
        node = doc
        for key in head:
            node = node[key]
        node[last] = value
    return mutate


def delete(path):
    def mutate(doc):
        *head, last = path
        node = doc
        for key in head:
            node = node[key]
        del node[last]
    return mutate


L2 = ["indicators", 1, "children", 0, "children", 0]       # 预算执行率
L3 = ["indicators", 1, "children", 0, "children", 1]       # 满意度
L1 = ["indicators", 0, "children", 0, "children", 0]       # 预算编制 (checklist)
P2 = "indicators[1].children[0].children[0]"
P3 = "indicators[1].children[0].children[1]"
P1 = "indicators[0].children[0].children[0]"


@pytest.mark.parametrize(("mutate", "place", "words"), [
    (set_in(["colour"], "red"), "colour", "unknown key"),
    (set_in(["format"], 2), "format", "must be 1"),
    (delete(["title"]), "title", "is required"),
    (delete(["indicators"]), "indicators", "is required"),
    (set_in([*L2, "wieght"], 5), f"{P2}.wieght", "unknown key"),
    (delete([*L2, "weight"]), f"{P2}.weight", "is required"),
    (set_in([*L2, "weight"], 0), f"{P2}.weight", "greater than 0"),
    (set_in([*L2, "weight"], "五"), f"{P2}.weight", "must be a number"),
    (delete([*L2, "rule"]), f"{P2}.rule", "is required"),
    (set_in([*L2, "rule", "type"], "linear"), f"{P2}.rule.type", "unknown rule 'linear'"),
    (set_in([*L2, "rule", "threshold"], "100%"), f"{P2}.rule.threshold", "must be a number"),
    (delete([*L2, "rule", "per_point"]), f"{P2}.rule.per_point", "is required"),
    (set_in([*L2, "rule", "ceiling"], 110), f"{P2}.rule.ceiling", "unknown key"),
    (set_in([*L2, "rule", "floor"], 120), f"{P2}.rule.floor", "above the threshold"),
    (set_in([*L1, "rule", "items", 1, "share"], 0.6), f"{P1}.rule.items", "add up to 1.1"),
    (set_in([*L1, "rule", "items", 1, "share"], 1.5), f"{P1}.rule.items[1].share", "at most 1"),
    (delete([*L1, "rule", "items", 0, "met"]), f"{P1}.rule.items[0].met", "is required"),
    (set_in([*L1, "rule"], {"type": "manual", "score": 4.5}), f"{P1}.rule.score", "more than the weight 4"),
    (set_in([*L1, "rule"], {"type": "manual"}), f"{P1}.rule.score", "is required"),
    (set_in([*L1, "rule"], {"type": "yes_no", "met": "yes"}), f"{P1}.rule.met", "true or false"),
    (set_in([*L1, "rule"], {"type": "proportional", "round_value": 0.5}), f"{P1}.rule.round_value",
     "whole number"),
    (set_in([*L2, "override"], {"score": 3}), f"{P2}.override.reason", "must give its reason"),
    (set_in([*L2, "override"], {"score": 6, "reason": "专家评议"}), f"{P2}.override.score",
     "more than the weight 5"),
    (set_in([*L2, "value"], "95.5%"), f"{P2}.value", "must be a number or a mapping"),
    (set_in([*L2, "value"], {"average": [1, 2]}), f"{P2}.value.average", "unknown value source"),
    (set_in([*L2, "value"], {"mean": []}), f"{P2}.value.mean", "non-empty list"),
    (set_in([*L2, "value"], {"mean": [90, {"shares": {}}]}), f"{P2}.value.mean[1].shares",
     "unknown value source"),
    (set_in([*L3, "value", "satisfaction", "method"], "nps"), f"{P3}.value.satisfaction.method",
     "not one of"),
    (set_in([*L3, "value", "satisfaction", "questions"], "q3"), f"{P3}.value.satisfaction.questions",
     "list of question ids"),
    (set_in([*L3, "value", "satisfaction", "qs"], ["q3"]), f"{P3}.value.satisfaction.qs", "unknown key"),
    (set_in([*L3, "value"], {"share": {"question": "q1"}}), f"{P3}.value.share.options", "is required"),
    (set_in([*L3, "value"], {"share": {"question": "Q 1", "options": ["有"]}}), f"{P3}.value.share.question",
     "question id"),
    (set_in([*L3, "value"], {"text_share": {"question": "q5"}}), f"{P3}.value.text_share.category",
     "required"),
    (set_in([*L3, "value", "satisfaction", "filter"], {"role": ["teachers"]}),
     f"{P3}.value.satisfaction.filter.role[0]", "'teachers' is not one of"),
    (set_in([*L3, "value", "satisfaction", "filter"], {"school": ["s1"]}),
     f"{P3}.value.satisfaction.filter.school", "unknown key"),
    (set_in(["grades", 1, "min"], 95), "grades[1].min", "descending"),
    (set_in(["grades", 2, "min"], 80), "grades[2].min", "descending"),
    (delete(["grades", 0, "grade"]), "grades[0].grade", "is required"),
    (set_in(["indicators", 0, "children", 0], {"name": "资金投入", "weight": 4, "rule": {"type": "yes_no",
                                                                                       "met": True}}),
     "indicators[0].children[0]", "needs children"),
    (set_in([*L2, "children"], []), f"{P2}.children", "three levels"),
    (set_in([*L3, "name"], "预算执行率"), f"{P3}.name", "duplicate name"),
    (set_in(["indicators", 1, "children"], []), "indicators[1].children", "non-empty list"),
])
def test_malformed_files_name_the_place_and_the_problem(mutate, place, words):
    problems = problems_of(mutate)
    assert any(p == place and words in problem for p, problem in problems), problems


def test_all_problems_are_collected_at_once():
    def mutate(doc):
        del leaf(doc, 1, 0, 0)["weight"]
        leaf(doc, 1, 0, 1)["rule"]["type"] = "straight"
        doc["grades"][1]["min"] = 99
    places = [p for p, _ in problems_of(mutate)]
    assert f"{P2}.weight" in places and f"{P3}.rule.type" in places and "grades[1].min" in places


def test_error_message_names_file_place_and_problem():
    doc = copy.deepcopy(BASE)
    leaf(doc, 1, 0, 0)["rule"]["threshold"] = "x"
    with pytest.raises(InputError) as info:
        parse(doc)
    assert f"test.yaml: {P2}.rule.threshold: must be a number" in str(info.value)


def test_targets_may_be_free_text_numbers_or_dates():
    doc = copy.deepcopy(BASE)
    leaf(doc, 1, 0, 0)["target"] = 27
    leaf(doc, 1, 0, 1)["target"] = "提高"
    system = parse(doc)
    assert [x.target for x in system.leaves()] == [None, "27", "提高"]
    text = yaml.safe_dump(BASE, allow_unicode=True).replace("target: =100%", "target: 2025-12-31")
    text = text.replace("target: '=100%'", "target: 2025-12-31")
    assert parse_indicators(text).leaves()[1].target == "2025-12-31"


def test_invalid_yaml_and_unreadable_files(tmp_path):
    with pytest.raises(ScoringError, match="invalid YAML"):
        parse_indicators("indicators: [\n", "broken.yaml")
    with pytest.raises(ScoringError, match="cannot read file"):
        load_indicators(tmp_path / "missing.yaml")
    with pytest.raises(ScoringError, match="must be a mapping"):
        parse_indicators("- 1\n- 2\n", "list.yaml")
    with pytest.raises(ScoringError, match=r"twice.yaml: line 3, column 1: invalid YAML: duplicate key 'title'"):
        parse_indicators("format: 1\ntitle: 甲\ntitle: 乙\n", "twice.yaml")
    gbk = tmp_path / "gbk.yaml"
    gbk.write_bytes("format: 1\ntitle: 评价\n".encode("gbk"))
    with pytest.raises(ScoringError, match="not UTF-8 text: byte 0xc6 at line 2, column 8"):
        load_indicators(gbk)


def test_filter_and_form_are_read():
    doc = copy.deepcopy(BASE)
    leaf(doc, 1, 0, 1)["value"] = {"share": {"question": "q1", "options": ["有"],
                                             "filter": {"unit": ["s01", 2], "role": "parent"}}}
    source = parse(doc).leaves()[2].value
    assert source.form is None and source.filter.unit == ("s01", "2") and source.filter.role == ("parent",)
