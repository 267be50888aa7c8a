"""clean_answers: raw answers (codes or labels) become canonical answers, with problems by variable."""

from __future__ import annotations

import copy

import pandas as pd
import pytest

from questionnaires import AnswerProblem, clean_answers, parse_questionnaire

from .conftest import demo_doc, dump

COMPLETE = {
    "q1": "初中", "q2": ["家长群", "学校通知"], "q3": "5", "q4.r1": "满意", "q4.r2": 0, "q5": "是",
    "q6": "一般", "q7": "12", "q8": "  希望多开展培训  ",
}


def variant(change) -> object:
    doc = demo_doc()
    change(doc)
    return parse_questionnaire(dump(doc), "variant.yaml")


def kinds(problems: list[AnswerProblem]) -> list[tuple[str, str]]:
    return [(p.variable, p.kind) for p in problems]


def answer(demo, **changes):
    """Clean COMPLETE with some variables changed (None removes one)."""
    raw = dict(COMPLETE)
    for key, value in changes.items():
        key = key.replace("__", ".")
        if value is None:
            raw.pop(key, None)
        else:
            raw[key] = value
    return clean_answers(demo, raw)


def test_complete_response_gives_canonical_codes_in_native_types(demo):
    answers, problems = clean_answers(demo, COMPLETE)
    assert problems == []
    assert answers == {
        "q1": "初中", "q2": ["学校通知", "家长群"], "q3": 5, "q4.r1": 4, "q4.r2": 0, "q5": "是", "q6": 3,
        "q7": 12, "q8": "希望多开展培训",
    }
    assert type(answers["q3"]) is int and type(answers["q7"]) is int


def test_raw_answers_are_not_changed(demo):
    raw = copy.deepcopy(COMPLETE)
    clean_answers(demo, raw)
    assert raw == COMPLETE


def test_empty_response_lists_every_visible_required_question(demo):
    answers, problems = clean_answers(demo, {})
    assert answers == {}
    # q6 is hidden (q5 unanswered), q8 is optional
    assert kinds(problems) == [("q1", "required"), ("q2", "required"), ("q3", "required"),
                               ("q4.r1", "required"), ("q4.r2", "required"), ("q5", "required"),
                               ("q7", "required")]


def test_enforce_required_false_reports_no_missing_answer(demo):
    answers, problems = clean_answers(demo, {"q1": "高中", "q2": ["其他"]}, enforce_required=False)
    assert problems == []
    assert answers == {"q1": "高中", "q2": ["其他"]}


# -- single and scale ----------------------------------------------------------------------------------------

@pytest.mark.parametrize(("value", "code"), [
    ("初中", "初中"), (" 初中 ", "初中"), (["高中"], "高中"),
])
def test_single_accepts_code_or_label(demo, value, code):
    answers, problems = answer(demo, q1=value)
    assert problems == [] and answers["q1"] == code


@pytest.mark.parametrize(("value", "kind"), [("大学", "unknown_option"), (["小学", "初中"], "one_only")])
def test_single_rejects_unknown_or_several_options(demo, value, kind):
    answers, problems = answer(demo, q1=value)
    assert kinds(problems) == [("q1", kind)]
    assert problems[0].value == value
    assert "q1" not in answers


@pytest.mark.parametrize(("value", "code"), [
    (5, 5), ("5", 5), (5.0, 5), ("非常满意", 5), (" 满意 ", 4), ("不满意", 2), ("不了解", 0), (0, 0),
])
def test_scale_accepts_code_or_label_and_stores_the_int_code(demo, value, code):
    answers, problems = answer(demo, q3=value)
    assert problems == []
    assert answers["q3"] == code and type(answers["q3"]) is int


@pytest.mark.parametrize("value", [6, "很满意", "5分"])
def test_scale_rejects_values_outside_the_scale(demo, value):
    _, problems = answer(demo, q3=value)
    assert kinds(problems) == [("q3", "unknown_option")]


def test_matrix_rows_are_separate_variables(demo):
    answers, problems = answer(demo, q4__r1="非常不满意", q4__r2=None)
    assert answers["q4.r1"] == 1 and "q4.r2" not in answers
    assert kinds(problems) == [("q4.r2", "required")]
    _, problems = answer(demo, q4__r2="好")
    assert kinds(problems) == [("q4.r2", "unknown_option")]


# -- multiple ------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("value", [
    ["家长群", "学校通知"], "家长群┋学校通知", " 学校通知 ┋家长群", ("学校通知", "家长群"),
])
def test_multiple_accepts_lists_or_text_joined_with_the_separator(demo, value):
    answers, problems = answer(demo, q2=value)
    assert problems == []
    assert answers["q2"] == ["学校通知", "家长群"]  # option order, not the order given


def test_multiple_above_max_is_too_many(demo):
    answers, problems = answer(demo, q2=["学校通知", "家长群", "班主任"])
    assert kinds(problems) == [("q2", "too_many")]
    assert (problems[0].value, problems[0].limit) == (3, 2)
    assert "q2" not in answers


def test_multiple_below_min_is_too_few():
    q = variant(lambda d: d["questions"][1].update(min=2, max=3))
    answers, problems = clean_answers(q, {**COMPLETE, "q2": "班主任"})
    assert kinds(problems) == [("q2", "too_few")]
    assert (problems[0].value, problems[0].limit) == (1, 2)
    answers, problems = clean_answers(q, {**COMPLETE, "q2": "班主任┋学校通知"})
    assert problems == [] and answers["q2"] == ["学校通知", "班主任"]


@pytest.mark.parametrize(("value", "kind"), [
    (["家长群", "家长群"], "repeated_option"),
    (["家长群", "朋友圈"], "unknown_option"),
    ([], "required"),
    ("┋", "required"),
])
def test_multiple_problems(demo, value, kind):
    _, problems = answer(demo, q2=value)
    assert kinds(problems) == [("q2", kind)]


def test_other_option_with_its_text(demo):
    answers, problems = answer(demo, q2=["学校通知", "其他"], q2__other="  亲戚告知 ")
    assert problems == []
    assert answers["q2"] == ["学校通知", "其他"]
    assert answers["q2.other"] == "亲戚告知"


def test_other_option_by_its_printed_label(demo):
    answers, problems = answer(demo, q2="其他（请注明）", q2__other="社区宣传")
    assert problems == []
    assert answers["q2"] == ["其他"] and answers["q2.other"] == "社区宣传"


def test_other_chosen_without_text_is_a_problem(demo):
    answers, problems = answer(demo, q2=["其他"])
    assert kinds(problems) == [("q2.other", "other_required")]
    assert "q2.other" not in answers


def test_other_text_without_choosing_other_is_dropped(demo):
    answers, problems = answer(demo, q2=["家长群"], q2__other="亲戚告知")
    assert problems == []
    assert "q2.other" not in answers


def test_other_text_too_long():
    q = variant(lambda d: None)
    _, problems = clean_answers(q, {**COMPLETE, "q2": "其他", "q2.other": "长" * 1001})
    assert kinds(problems) == [("q2.other", "too_long")]
    assert (problems[0].value, problems[0].limit) == (1001, 1000)


def test_other_on_a_single_question():
    def change(doc):
        doc["questions"][0]["other"] = True
    q = variant(change)
    answers, problems = clean_answers(q, {**COMPLETE, "q1": "其他", "q1.other": "特殊教育学校"})
    assert problems == []
    assert (answers["q1"], answers["q1.other"]) == ("其他", "特殊教育学校")
    _, problems = clean_answers(q, {**COMPLETE, "q1": "其他"})
    assert kinds(problems) == [("q1.other", "other_required")]


# -- number --------------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("value", "number"), [
    ("12", 12), (12, 12), (12.0, 12), (" 0 ", 0), ("168", 168), ("1,0", 10),
])
def test_integer_number_accepted(demo, value, number):
    answers, problems = answer(demo, q7=value)
    assert problems == []
    assert answers["q7"] == number and type(answers["q7"]) is int


@pytest.mark.parametrize(("value", "kind", "limit"), [
    ("7.5", "not_integer", None),
    (-1, "below_min", 0),
    ("169", "above_max", 168),
    ("十二", "not_number", None),
    ("12小时", "not_number", None),
    (True, "not_number", None),
    ("nan", "not_number", None),
    ("inf", "not_number", None),
])
def test_integer_number_rejected(demo, value, kind, limit):
    answers, problems = answer(demo, q7=value)
    assert kinds(problems) == [("q7", kind)]
    assert problems[0].limit == limit
    assert "q7" not in answers


def test_number_without_integer_keeps_fractions():
    q = variant(lambda d: d["questions"][6].pop("integer"))
    answers, problems = clean_answers(q, {**COMPLETE, "q7": "2.5"})
    assert problems == [] and answers["q7"] == 2.5
    answers, _ = clean_answers(q, {**COMPLETE, "q7": "3.0"})
    assert answers["q7"] == 3 and type(answers["q7"]) is int


# -- text ----------------------------------------------------------------------------------------------------

def test_text_is_stripped_and_bounded_by_max_length(demo):
    answers, problems = answer(demo, q8="无" * 20)
    assert problems == [] and answers["q8"] == "无" * 20
    answers, problems = answer(demo, q8="无" * 21)
    assert kinds(problems) == [("q8", "too_long")]
    assert (problems[0].value, problems[0].limit) == (21, 20)
    assert "q8" not in answers


@pytest.mark.parametrize("value", [None, "", "   ", float("nan"), pd.NA, pd.NaT])
def test_optional_text_left_empty_is_no_problem(demo, value):
    answers, problems = clean_answers(demo, {**COMPLETE, "q8": value})
    assert problems == [] and "q8" not in answers


@pytest.mark.parametrize("empty", [None, float("nan"), pd.NA, pd.NaT, "", [None, pd.NA]])
def test_empty_cells_of_a_data_frame_count_as_unanswered(demo, empty):
    raw = {**COMPLETE, "q1": empty, "q2": empty, "q3": empty, "q7": empty}
    answers, problems = clean_answers(demo, raw)
    assert kinds(problems) == [("q1", "required"), ("q2", "required"), ("q3", "required"), ("q7", "required")]
    assert not {"q1", "q2", "q3", "q7"} & set(answers)


def test_required_text_defaults_to_1000_characters():
    def change(doc):
        del doc["questions"][7]["required"]
        del doc["questions"][7]["max_length"]
    q = variant(change)
    _, problems = clean_answers(q, {**COMPLETE, "q8": ""})
    assert kinds(problems) == [("q8", "required")]
    answers, problems = clean_answers(q, {**COMPLETE, "q8": "好" * 1000})
    assert problems == [] and len(answers["q8"]) == 1000
    _, problems = clean_answers(q, {**COMPLETE, "q8": "好" * 1001})
    assert kinds(problems) == [("q8", "too_long")]


# -- show_if -------------------------------------------------------------------------------------------------

def test_hidden_question_answer_is_discarded(demo):
    answers, problems = answer(demo, q5="否", q6="非常满意")
    assert problems == []
    assert answers["q5"] == "否" and "q6" not in answers


def test_hidden_required_question_is_not_required(demo):
    answers, problems = answer(demo, q5="否", q6=None)
    assert problems == [] and "q6" not in answers


def test_shown_required_question_is_required(demo):
    _, problems = answer(demo, q5="是", q6=None)
    assert kinds(problems) == [("q6", "required")]


def test_condition_on_an_unanswered_question_hides(demo):
    _, problems = answer(demo, q5=None, q6="满意")
    assert kinds(problems) == [("q5", "required")]


def test_condition_on_a_multiple_question_matches_any_chosen_code():
    q = variant(lambda d: d["questions"][5].update(show_if={"q2": ["班主任"]}))
    answers, problems = clean_answers(q, {**COMPLETE, "q2": ["学校通知", "班主任"], "q6": "满意"})
    assert problems == [] and answers["q6"] == 4
    answers, problems = clean_answers(q, {**COMPLETE, "q2": ["学校通知", "家长群"], "q6": "满意"})
    assert problems == [] and "q6" not in answers


def test_condition_on_a_scale_and_on_a_matrix_row():
    q = variant(lambda d: d["questions"][5].update(show_if={"q3": [2, 1], "q4.r1": [1, 2]}))
    # both conditions must hold (AND); labels in the raw answers count as their codes
    answers, _ = clean_answers(q, {**COMPLETE, "q3": "不满意", "q4.r1": "非常不满意", "q6": "一般"})
    assert answers["q6"] == 3
    answers, problems = clean_answers(q, {**COMPLETE, "q3": "不满意", "q4.r1": "满意", "q6": "一般"})
    assert problems == [] and "q6" not in answers


def test_hidden_question_chain():
    # q7 asked only when q6 (itself asked only when q5 is 是) is 非常满意
    q = variant(lambda d: d["questions"][6].update(show_if={"q6": [5]}))
    answers, problems = clean_answers(q, {**COMPLETE, "q5": "否", "q6": 5, "q7": "3"})
    assert problems == [] and "q6" not in answers and "q7" not in answers
    answers, problems = clean_answers(q, {**COMPLETE, "q5": "是", "q6": 5, "q7": "3"})
    assert problems == [] and answers["q7"] == 3


def test_control_characters_are_removed_from_open_answers(demo):
    answers, problems = clean_answers(demo, {**COMPLETE, "q8": "希望\x00多开展\x07活动\n谢谢\t！",
                                             "q2": "其他", "q2.other": "\x00社区\x1b宣传"})
    assert problems == []
    assert answers["q8"] == "希望多开展活动\n谢谢\t！"      # line breaks and tabs stay
    assert answers["q2.other"] == "社区宣传"
