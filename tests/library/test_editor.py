"""The editor's data: fields to document and back, its buttons, and problems placed beside questions."""

from __future__ import annotations

import pytest
import yaml

from questionnaires import SHIPPED, iter_questionnaire_files, parse_questionnaire
from surveyapp.library import editor as ed
from surveyapp.library.wording import chinese_problems

from ..questionnaires.conftest import demo_doc


@pytest.mark.parametrize("path", iter_questionnaire_files([SHIPPED]), ids=lambda p: p.name)
def test_every_shipped_questionnaire_survives_the_editor_unchanged(path):
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    data = ed.data_from_document(document)
    yaml_text, questionnaire, problems = ed.check_data(data)
    assert problems == []
    assert questionnaire.content_hash == parse_questionnaire(path.read_text(encoding="utf-8")).content_hash


def test_fields_become_the_document_with_typed_numbers_and_codes():
    data = ed.data_from_document(demo_doc())
    question = data["questions"][1]
    assert question["options"][0] == {"code": "", "label": "学校通知", "score": "", "na": False}
    assert (question["min"], question["max"], question["other"]) == ("1", "2", True)
    assert data["scales"][0]["options"][0] == {"code": "5", "label": "非常满意", "score": "100", "na": False}
    assert data["scales"][0]["satisfied"] == ["5", "4"]
    data["questions"][5]["show_if"] = [{"question": "q3", "codes": ["5", "4"]}]      # on a scale: int codes
    data["questions"][6]["min"] = "0.5"
    data["questions"][6]["max"] = "一百"
    document = ed.document_from_data(data)
    assert document["questions"][5]["show_if"] == {"q3": [5, 4]}
    assert (document["questions"][6]["min"], document["questions"][6]["max"]) == (0.5, "一百")
    problems = ed.check_data(data)[2]
    assert problems == [("questions[6].max", "must be a number, got '一百'")]


def test_type_specific_fields_are_written_only_for_their_type():
    data = ed.data_from_document(demo_doc())
    data["questions"][0]["type"] = "text"          # the options stay in the fields, not in the document
    data["questions"][0]["required"] = True
    document = ed.document_from_data(data)
    assert document["questions"][0] == {"id": "q1", "type": "text", "text": "您的孩子就读于哪个学段？"}
    data["questions"][0]["type"] = "single"
    assert ed.document_from_data(data)["questions"][0]["options"] == ["小学", "初中", "高中"]


def test_an_option_with_only_a_label_is_plain_text_and_empty_rows_are_dropped():
    data = ed.data_from_document(demo_doc())
    data["questions"][0]["options"] += [{"code": "", "label": "", "score": "", "na": False},
                                        {"code": "9", "label": "其他学段", "score": "", "na": False},
                                        {"code": "", "label": "说不清", "score": "", "na": True}]
    assert ed.document_from_data(data)["questions"][0]["options"] == [
        "小学", "初中", "高中", {"code": 9, "label": "其他学段"}, {"code": "说不清", "label": "说不清", "na": True}]


def test_buttons_add_move_and_delete_without_changing_their_input():
    data = ed.data_from_document(demo_doc())
    moved = ed.apply_action(data, "up:questions.1")
    assert [q["id"] for q in moved["questions"][:3]] == ["q2", "q1", "q3"]
    assert [q["id"] for q in data["questions"][:3]] == ["q1", "q2", "q3"]
    assert ed.apply_action(data, "up:questions.0") == data and ed.apply_action(data, "down:questions.7") == data
    added = ed.apply_action(data, "add:questions")
    assert added["questions"][-1]["id"] == "q9" and added["questions"][-1]["type"] == "single"
    removed = ed.apply_action(data, "delete:questions.0.options.1")
    assert [o["label"] for o in removed["questions"][0]["options"]] == ["小学", "高中"]
    down = ed.apply_action(data, "down:questions.0.options.0")
    assert [o["label"] for o in down["questions"][0]["options"]] == ["初中", "小学", "高中"]
    rows = ed.apply_action(data, "add:questions.3.rows")
    assert rows["questions"][3]["rows"][-1] == {"id": "r3", "text": ""}
    scale = ed.apply_action(data, "add:scales")
    assert scale["scales"][-1]["name"] == "scale2" and len(scale["scales"][-1]["options"]) == 5
    condition = ed.apply_action(data, "add:questions.5.show_if")
    assert condition["questions"][5]["show_if"] == [{"question": "q5", "codes": ["是"]},
                                                    {"question": "", "codes": []}]
    for nonsense in ("delete:questions.99", "explode:questions.1", "add:title", "up:questions", "delete:"):
        assert ed.apply_action(data, nonsense) == data


def test_a_new_question_after_deletions_takes_a_free_id():
    data = ed.data_from_document(demo_doc())
    data["questions"] = data["questions"][1:]                      # q2..q8 left: 7 questions
    assert ed.new_question(data)["id"] == "q9"


def test_problems_go_beside_their_question_or_scale_in_chinese():
    data = ed.data_from_document(demo_doc())
    data["questions"][2]["scale"] = "sat7"
    data["questions"][4]["options"][1]["label"] = "是"
    data["scales"][0]["satisfied"] = ["5", "0"]
    data["title"] = ""
    _yaml, questionnaire, problems = ed.check_data(data)
    assert questionnaire is None
    grouped = ed.problems_by_place(chinese_problems(problems), data)
    assert grouped == {
        "top": ["标题：不能为空"],
        "s0": ["量表 sat5 › 计为满意的第 2 项：0 是“不适用”选项，不能计为满意"],
        "q2": ["第 3 题 › 量表：量表 'sat7' 不存在（请先在“量表”中添加，或选择已有的量表）"],
        "q4": ["第 5 题 › 选项 2：选项代码 '是' 重复"],
    }


def test_conditions_offer_the_earlier_choice_questions_and_matrix_rows():
    data = ed.data_from_document(demo_doc())
    choices = ed.condition_choices(data)
    assert choices[0] == []
    assert [ref for ref, _label, _codes in choices[5]] == ["q1", "q2", "q3", "q4.r1", "q4.r2", "q5"]
    q2 = choices[5][1]
    assert q2[1] == "第 2 题 您通过哪些渠道了解本项目？（可多选）"
    assert q2[2] == [("学校通知", "学校通知"), ("家长群", "家长群"), ("班主任", "班主任"), ("其他", "其他（请注明）")]
    assert choices[5][3][2][0] == ("5", "非常满意")
