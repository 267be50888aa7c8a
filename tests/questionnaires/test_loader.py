"""Loading questionnaire files: the shipped ones, the typed model, and every load error of the contract."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
import yaml

from questionnaires import (
    OTHER_CODE,
    SHIPPED,
    QuestionnaireError,
    load_folder,
    load_questionnaire,
    parse_questionnaire,
)

from .conftest import demo_doc, dump, write_doc

# -- the shipped questionnaires ------------------------------------------------------------------------------

SHIPPED_FILES = {
    "teacher-platform": ("teacher", 15),
    "parent-platform": ("parent", 25),
    "student-lamps": ("student", 11),
}


@pytest.mark.parametrize("qid", sorted(SHIPPED_FILES))
def test_shipped_file_loads_with_its_id_role_and_ordered_question_ids(qid):
    role, count = SHIPPED_FILES[qid]
    q = load_questionnaire(SHIPPED / f"{qid}.yaml")
    assert q.id == qid
    assert q.role == role
    assert [x.id for x in q.questions] == [f"q{i}" for i in range(1, count + 1)]
    assert [x.number for x in q.questions] == list(range(1, count + 1))
    assert q.intro and q.outro
    assert "本问卷不记名" in q.intro
    # every shipped questionnaire ends with an optional open suggestion question
    last = q.questions[-1]
    assert (last.type, last.required) == ("text", False)
    assert "建议" in last.text


def test_shipped_folder_loads_as_three_questionnaires_keyed_by_id():
    assert set(load_folder([SHIPPED])) == set(SHIPPED_FILES)


def test_parent_platform_has_the_features_the_load_test_exercises():
    q = load_questionnaire(SHIPPED / "parent-platform.yaml")
    sat5 = q.scales["sat5"]
    assert [(o.label, o.score, o.na) for o in sat5.options] == [
        ("非常满意", 100, False), ("满意", 80, False), ("一般", 60, False), ("不满意", 30, False),
        ("非常不满意", 0, False), ("不了解", None, True)]
    assert sat5.satisfied == (5, 4)
    types = [x.type for x in q.questions]
    assert {"single", "multiple", "scale", "matrix", "number", "text"} <= set(types)
    matrices = [x for x in q.questions if x.type == "matrix"]
    assert all(m.scale is sat5 and len(m.rows) >= 3 for m in matrices)
    assert any(x.show_if for x in q.questions)
    assert any(x.type == "multiple" and x.other and x.min is not None and x.max is not None
               for x in q.questions)


def test_student_lamps_questions_the_indicators_refer_to():
    q = load_questionnaire(SHIPPED / "student-lamps.yaml")
    labels = {x.id: [o.label for o in x.options] for x in q.questions}
    assert labels["q2"] == ["已更换", "未更换", "不清楚"]
    assert labels["q3"] == ["有", "没有"]
    assert labels["q4"] == ["1小时以下", "1-5小时", "5小时以上"]
    assert labels["q6"] == ["有", "没有", "不清楚"]
    assert "专人" in q.question("q6").text
    # use questions are asked only when the classroom lamps were replaced
    assert q.question("q4").show_if == {"q2": ("已更换",)}
    assert q.question("q7").type == "scale" and q.question("q7").scale.satisfied == (5, 4)


# -- the model -----------------------------------------------------------------------------------------------

def test_model_of_the_demo_questionnaire(demo):
    assert (demo.id, demo.title, demo.role) == ("demo", "演示问卷", "parent")
    assert demo.intro == "尊敬的家长：您好！本问卷不记名。"  # trailing newline of the block stripped
    assert demo.variables == ["q1", "q2", "q2.other", "q3", "q4.r1", "q4.r2", "q5", "q6", "q7", "q8"]
    matrix = demo.question("q4")
    assert matrix.variables == ["q4.r1", "q4.r2"]
    assert [r.text for r in matrix.rows] == ["平台操作便捷性", "培训效果"]
    assert demo.question("q4.r2") is matrix
    assert [o.code for o in matrix.options] == [5, 4, 3, 2, 1, 0]


def test_other_true_adds_a_last_option_其他_and_a_text_variable(demo):
    q2 = demo.question("q2")
    assert [o.code for o in q2.options] == ["学校通知", "家长群", "班主任", OTHER_CODE]
    assert OTHER_CODE == "其他"
    assert q2.options[-1].other and not any(o.other for o in q2.options[:-1])
    assert q2.variables == ["q2", "q2.other"]


def test_plain_string_option_is_both_code_and_label(demo):
    assert [(o.code, o.label) for o in demo.question("q1").options] == [
        ("小学", "小学"), ("初中", "初中"), ("高中", "高中")]


def test_show_if_is_parsed_to_codes(demo):
    assert demo.question("q6").show_if == {"q5": ("是",)}
    assert demo.question("q5").show_if == {}


def test_show_if_codes_of_a_numeric_scale_are_stored_as_the_scale_codes():
    doc = demo_doc()
    doc["questions"][5]["show_if"] = {"q3": ["5", 4]}  # "5" written as text still means code 5
    q = parse_questionnaire(dump(doc), "demo.yaml")
    assert q.question("q6").show_if == {"q3": (5, 4)}


def test_show_if_on_a_matrix_row():
    doc = demo_doc()
    doc["questions"][5]["show_if"] = {"q4.r2": [1, 2]}
    q = parse_questionnaire(dump(doc), "demo.yaml")
    assert q.question("q6").show_if == {"q4.r2": (1, 2)}


def test_defaults_required_true_and_max_length_1000():
    doc = demo_doc()
    del doc["questions"][7]["required"]
    del doc["questions"][7]["max_length"]
    q = parse_questionnaire(dump(doc), "demo.yaml")
    assert all(x.required for x in q.questions)
    assert q.question("q8").max_length == 1000
    assert q.question("q1").other is False and q.question("q1").show_if == {}


def test_demo_bounds_and_flags(demo):
    q7 = demo.question("q7")
    assert (q7.min, q7.max, q7.integer) == (0, 168, True)
    q2 = demo.question("q2")
    assert (q2.min, q2.max) == (1, 2)
    assert demo.question("q8").max_length == 20 and demo.question("q8").required is False


def test_option_lookup_by_code_or_label(demo):
    q3 = demo.question("q3")
    assert q3.option(4).label == "满意"
    assert q3.option("4").label == "满意"
    assert q3.option("满意").code == 4
    assert q3.option("很满意") is None


def test_content_hash_ignores_comments_and_layout_but_not_content():
    doc = demo_doc()
    plain = parse_questionnaire(dump(doc), "a.yaml")
    flow = yaml.safe_dump(doc, allow_unicode=True, default_flow_style=True, width=60)
    commented = parse_questionnaire("# 家长问卷，第二版排版\n\n" + flow, "b.yaml")
    doc["questions"][0]["text"] = "您的孩子就读于哪个学段？（单选）"
    changed = parse_questionnaire(dump(doc), "c.yaml")
    assert plain.content_hash == commented.content_hash
    assert plain.content_hash != changed.content_hash


# -- load errors ---------------------------------------------------------------------------------------------

def put(path: tuple, value) -> Callable[[dict], None]:
    def change(doc: dict) -> None:
        node = doc
        for key in path[:-1]:
            node = node[key]
        node[path[-1]] = value
    return change


def drop(path: tuple) -> Callable[[dict], None]:
    def change(doc: dict) -> None:
        node = doc
        for key in path[:-1]:
            node = node[key]
        del node[path[-1]]
    return change


def add_question(question: dict) -> Callable[[dict], None]:
    return lambda doc: doc["questions"].append(question)


# (case id, change to the demo document, place named in the message, words of the problem)
ERROR_CASES = [
    # unknown keys, at every level
    ("unknown-top-key", put(("author",), "张三"), "author", "unknown key"),
    ("unknown-question-key", put(("questions", 0, "hint"), "x"), "questions[0].hint", "unknown key"),
    ("key-of-another-type", put(("questions", 2, "options"), ["a"]), "questions[2].options", "unknown key"),
    ("unknown-option-key",
     put(("questions", 0, "options", 1), {"code": "初中", "label": "初中", "color": "red"}),
     "questions[0].options[1].color", "unknown key"),
    ("unknown-scale-key", put(("scales", "sat5", "reverse"), True), "scales.sat5.reverse", "unknown key"),
    ("unknown-scale-option-key", put(("scales", "sat5", "options", 0, "weight"), 2),
     "scales.sat5.options[0].weight", "unknown key"),
    ("unknown-row-key", put(("questions", 3, "rows", 1, "weight"), 2), "questions[3].rows[1].weight",
     "unknown key"),
    # wrong types
    ("title-not-text", put(("title",), 123), "title", "must be non-empty text"),
    ("intro-not-text", put(("intro",), ["a"]), "intro", "must be text"),
    ("question-text-not-text", put(("questions", 0, "text"), ["a"]), "questions[0].text",
     "must be non-empty text"),
    ("question-text-blank", put(("questions", 0, "text"), "  "),
     "questions[0].text", "must be non-empty text"),
    ("question-not-mapping", put(("questions", 1), "q2"), "questions[1]", "must be a mapping"),
    ("questions-not-list", put(("questions",), {"q1": "x"}), "questions", "must be a non-empty list"),
    ("questions-empty", put(("questions",), []), "questions", "must be a non-empty list"),
    ("questions-null", put(("questions",), None), "questions", "must be a non-empty list"),
    ("options-not-list", put(("questions", 0, "options"), "小学,初中"), "questions[0].options",
     "must be a non-empty list of options"),
    ("option-empty", put(("questions", 0, "options", 1), " "), "questions[0].options[1]", "cannot be empty"),
    ("option-a-list", put(("questions", 0, "options", 1), ["初中"]), "questions[0].options[1]",
     "must be text or a mapping"),
    ("option-code-float", put(("questions", 0, "options", 1), {"code": 1.5, "label": "初中"}),
     "questions[0].options[1].code", "must be text or a whole number"),
    ("required-not-bool", put(("questions", 7, "required"), "否"), "questions[7].required",
     "must be true or false"),
    ("other-not-bool", put(("questions", 1, "other"), "是"), "questions[1].other", "must be true or false"),
    ("integer-not-bool", put(("questions", 6, "integer"), 1),
     "questions[6].integer", "must be true or false"),
    ("na-not-bool", put(("scales", "sat5", "options", 5, "na"), "yes"), "scales.sat5.options[5].na",
     "must be true or false"),
    ("score-not-number", put(("scales", "sat5", "options", 0, "score"), "高"), "scales.sat5.options[0].score",
     "must be a finite number"),
    ("score-nan", put(("scales", "sat5", "options", 0, "score"), float("nan")),
     "scales.sat5.options[0].score",
     "must be a finite number"),
    ("min-not-number", put(("questions", 6, "min"), "0"), "questions[6].min", "must be a number"),
    ("max-infinite", put(("questions", 6, "max"), float("inf")), "questions[6].max", "must be a number"),
    ("multiple-max-infinite", put(("questions", 1, "max"), float("inf")), "questions[1].max",
     "must be a number"),
    ("max-length-zero", put(("questions", 7, "max_length"), 0), "questions[7].max_length",
     "must be a positive whole number"),
    ("max-length-float", put(("questions", 7, "max_length"), 2.5), "questions[7].max_length",
     "must be a positive whole number"),
    ("scales-not-mapping", put(("scales",), ["sat5"]), "scales", "must be a mapping"),
    ("scale-not-mapping", put(("scales", "sat5"), [5, 4, 3]), "scales.sat5", "must be a mapping"),
    ("scale-name-not-text", put(("questions", 2, "scale"), ["sat5"]), "questions[2].scale", "unknown scale"),
    ("rows-empty", put(("questions", 3, "rows"), []), "questions[3].rows", "must be a non-empty list"),
    ("row-not-mapping", put(("questions", 3, "rows", 0), "r1"), "questions[3].rows[0]", "must be a mapping"),
    ("type-unknown", put(("questions", 0, "type"), "radio"), "questions[0].type", "'radio' is not one of"),
    # missing required keys
    *[(f"missing-{key}", drop((key,)), key, "is required") for key in ("format", "id", "title", "role")],
    ("missing-questions", drop(("questions",)), "questions", "is required"),
    ("missing-question-id", drop(("questions", 0, "id")), "questions[0].id", "is required"),
    ("missing-question-type", drop(("questions", 0, "type")), "questions[0].type", "is required"),
    ("missing-question-text", drop(("questions", 0, "text")), "questions[0].text", "is required"),
    ("missing-options", drop(("questions", 0, "options")), "questions[0].options", "non-empty list"),
    ("missing-option-code", drop(("scales", "sat5", "options", 2, "code")), "scales.sat5.options[2].code",
     "is required"),
    ("missing-option-label", drop(("scales", "sat5", "options", 2, "label")), "scales.sat5.options[2].label",
     "is required"),
    ("missing-scale", drop(("questions", 2, "scale")), "questions[2].scale", "is required"),
    ("missing-rows", drop(("questions", 3, "rows")), "questions[3].rows", "non-empty list"),
    ("missing-row-id", drop(("questions", 3, "rows", 0, "id")), "questions[3].rows[0].id", "is required"),
    ("missing-row-text", drop(("questions", 3, "rows", 1, "text")),
     "questions[3].rows[1].text", "is required"),
    # bad ids
    ("bad-questionnaire-id", put(("id",), "Parent Survey"), "id", "must match ^[a-z0-9][a-z0-9_-]*$"),
    ("bad-questionnaire-id-number", put(("id",), 2025), "id", "must match"),
    ("bad-question-id-upper", put(("questions", 0, "id"), "Q1"),
     "questions[0].id", "must match ^[a-z][a-z0-9_]*$"),
    ("bad-question-id-digit", put(("questions", 1, "id"), "2q"), "questions[1].id", "must match"),
    ("bad-question-id-dot", put(("questions", 1, "id"), "q2.a"), "questions[1].id", "must match"),
    ("bad-row-id", put(("questions", 3, "rows", 0, "id"), "row-1"), "questions[3].rows[0].id", "must match"),
    ("bad-scale-name", lambda d: d["scales"].update({"Sat-5": d["scales"]["sat5"]}), "scales.Sat-5",
     "must match"),
    # duplicates
    ("duplicate-question-id", put(("questions", 1, "id"), "q1"),
     "questions[1].id", "duplicate question id 'q1'"),
    ("duplicate-row-id", put(("questions", 3, "rows", 1, "id"), "r1"), "questions[3].rows[1].id",
     "duplicate row id 'r1'"),
    ("duplicate-option-code", put(("questions", 0, "options"), ["小学", "初中", "小学"]),
     "questions[0].options[2]",
     "duplicate option code '小学'"),
    ("duplicate-option-code-after-a-broken-one", put(("questions", 0, "options"), [["初中"], "小学", "小学"]),
     "questions[0].options[2]", "duplicate option code '小学'"),
    ("duplicate-option-code-text-vs-number", put(("questions", 4, "options"),
                                                 [{"code": 1, "label": "是"}, {"code": "1", "label": "否"}]),
     "questions[4].options[1]", "duplicate option code '1'"),
    ("duplicate-scale-code", put(("scales", "sat5", "options", 1, "code"), 5), "scales.sat5.options[1]",
     "duplicate option code 5"),
    ("duplicate-option-label", put(("questions", 4, "options"),
                                   [{"code": "y", "label": "是"}, {"code": "n", "label": "是"}]),
     "questions[4].options[1]", "duplicate option label '是'"),
    ("other-already-listed", put(("questions", 1, "options"), ["学校通知", "其他"]), "questions[1].other",
     "already contain 其他"),
    # scales
    ("dangling-scale", put(("questions", 2, "scale"), "sat7"), "questions[2].scale", "unknown scale 'sat7'"),
    ("dangling-matrix-scale", put(("questions", 3, "scale"), "agree5"), "questions[3].scale",
     "unknown scale 'agree5'"),
    ("satisfied-code-not-in-scale", put(("scales", "sat5", "satisfied"), [5, 6]), "scales.sat5.satisfied[1]",
     "6 is not a code of this scale"),
    ("satisfied-label-not-code", put(("scales", "sat5", "satisfied"), ["非常满意"]),
     "scales.sat5.satisfied[0]",
     "'非常满意' is not a code of this scale"),
    ("satisfied-na-code", put(("scales", "sat5", "satisfied"), [5, 0]), "scales.sat5.satisfied[1]",
     "marked na"),
    ("satisfied-not-list", put(("scales", "sat5", "satisfied"), 5), "scales.sat5.satisfied",
     "must be a non-empty list of option codes"),
    # show_if
    ("show-if-forward", put(("questions", 2, "show_if"), {"q5": ["是"]}), "questions[2].show_if.q5",
     "'q5' is question 5, after this one (question 3); conditions may only refer to earlier questions"),
    ("show-if-itself", put(("questions", 4, "show_if"), {"q5": ["是"]}), "questions[4].show_if.q5",
     "is this question itself"),
    ("show-if-unknown-question", put(("questions", 5, "show_if"), {"q99": ["是"]}),
     "questions[5].show_if.q99",
     "'q99' is not a question of this file"),
    ("show-if-unknown-code", put(("questions", 5, "show_if"), {"q5": ["是", "也许"]}),
     "questions[5].show_if.q5[1]", "'也许' is not an option code of 'q5'"),
    ("show-if-unknown-scale-code", put(("questions", 5, "show_if"), {"q3": [9]}),
     "questions[5].show_if.q3[0]",
     "9 is not an option code of 'q3'"),
    ("show-if-at-text", add_question({"id": "q9", "type": "single", "text": "x", "options": ["a"],
                                      "show_if": {"q8": ["无"]}}),
     "questions[8].show_if.q8", "'q8' is a text question; show_if needs single, multiple or scale"),
    ("show-if-at-number", put(("questions", 7, "show_if"), {"q7": [1]}), "questions[7].show_if.q7",
     "is a number question"),
    ("show-if-at-whole-matrix", put(("questions", 5, "show_if"), {"q4": [5]}), "questions[5].show_if.q4",
     "is a matrix question"),
    ("show-if-unknown-row", put(("questions", 5, "show_if"), {"q4.r9": [5]}), "questions[5].show_if.q4.r9",
     "is not a row of matrix 'q4'"),
    ("show-if-codes-not-list", put(("questions", 5, "show_if"), {"q5": "是"}), "questions[5].show_if.q5",
     "must be a non-empty list of option codes"),
    ("show-if-empty", put(("questions", 5, "show_if"), {}), "questions[5].show_if",
     "must map earlier question ids"),
    # bounds
    ("multiple-min-above-max", lambda d: d["questions"][1].update(min=2, max=1), "questions[1].min",
     "min 2 is greater than max 1"),
    ("number-min-above-max", lambda d: d["questions"][6].update(min=10, max=5), "questions[6].min",
     "min 10 is greater than max 5"),
    ("multiple-max-above-option-count", put(("questions", 1, "max"), 5), "questions[1].max",
     "must be a whole number from 0 to 4"),
    ("multiple-min-fraction", put(("questions", 1, "min"), 1.5),
     "questions[1].min", "must be a whole number"),
    # format and role
    ("format-2", put(("format",), 2), "format", "must be 1, got 2"),
    ("format-text", put(("format",), "1"), "format", "must be 1, got '1'"),
    ("format-true", put(("format",), True), "format", "must be 1, got True"),
    ("bad-role", put(("role",), "老师"),
     "role", "'老师' is not one of teacher, parent, student, principal, other"),
]


def _line_for(message: str, source: str, place: str) -> str:
    """The message line about `place` of `source` (fails the test when there is none)."""
    prefix = f"{source}: {place}: "
    lines = [line for line in message.splitlines() if line.startswith(prefix)]
    assert lines, f"no line starting with {prefix!r} in:\n{message}"
    return lines[0]


@pytest.mark.parametrize(("change", "place", "words"), [c[1:] for c in ERROR_CASES],
                         ids=[c[0] for c in ERROR_CASES])
def test_load_error_names_file_place_and_problem(tmp_path, change, place, words):
    doc = demo_doc()
    change(doc)
    path = write_doc(tmp_path, doc)
    with pytest.raises(QuestionnaireError) as info:
        load_questionnaire(path)
    err = info.value
    assert err.source == str(path)
    assert words in _line_for(err.message, str(path), place)
    assert words in _line_for(str(err), str(path), place)
    assert any(p == place and words in problem for p, problem in err.problems)


def test_every_error_of_a_file_is_reported_in_one_run(tmp_path):
    doc = demo_doc()
    doc["role"] = "学生"
    doc["questions"][2]["scale"] = "sat7"
    doc["questions"][3]["rows"][1]["id"] = "r1"
    path = write_doc(tmp_path, doc)
    with pytest.raises(QuestionnaireError) as info:
        load_questionnaire(path)
    assert [p for p, _ in info.value.problems] == ["role", "questions[2].scale", "questions[3].rows[1].id"]


# errors that only exist in the YAML text: booleans read from yes/no, duplicate keys, syntax
VALID_HEAD = "format: 1\nid: demo\ntitle: 演示\nrole: parent\n"

TEXT_CASES = [
    ("yes-no-options", VALID_HEAD + "questions:\n"
     "  - {id: q1, type: single, text: 是否？, options: [yes, no]}\n",
     "questions[0].options[0]", "YAML reads them as true/false"),
    ("yes-no-option-code", VALID_HEAD + "questions:\n  - id: q1\n    type: single\n    text: 是否？\n"
     "    options:\n      - {code: 'yes', label: 是}\n      - {code: no, label: 否}\n",
     "questions[0].options[1].code", "YAML reads them as true/false"),
    ("yes-no-show-if-code", VALID_HEAD + "questions:\n"
     "  - {id: q1, type: single, text: 是否？, options: ['yes', 'no']}\n"
     "  - {id: q2, type: single, text: 为什么？, options: [a, b], show_if: {q1: [yes]}}\n",
     "questions[1].show_if.q1[0]", "YAML reads them as true/false"),
    ("yes-no-role", "format: 1\nid: demo\ntitle: 演示\nrole: on\nquestions:\n"
     "  - {id: q1, type: text, text: 建议}\n", "role", "YAML reads them as true/false"),
    ("yes-no-row-text", VALID_HEAD + "scales:\n  s: {options: [a, b]}\nquestions:\n"
     "  - {id: q1, type: matrix, scale: s, text: 评价, rows: [{id: r1, text: off}]}\n",
     "questions[0].rows[0].text", "YAML reads them as true/false"),
    ("duplicate-yaml-key", VALID_HEAD + "questions:\n  - id: q1\n    type: text\n    text: 建议\n"
     "    text: 意见\n", "line 9, column 5", "duplicate key 'text' (first written on line 8)"),
    ("duplicate-top-key", VALID_HEAD + "role: teacher\nquestions:\n  - {id: q1, type: text, text: 建议}\n",
     "line 5, column 1", "duplicate key 'role'"),
    ("invalid-yaml-indent", "format: 1\nid: demo\n title: 演示\n", "line 3, column 7",
     "invalid YAML: mapping values are not allowed here"),
    ("invalid-yaml-unclosed", VALID_HEAD + "questions: [\n  {id: q1, type: text, text: 建议}\n",
     "line 7, column 1", "invalid YAML"),
    ("invalid-yaml-tab", "format: 1\n\tid: demo\n", "line 2, column 1", "invalid YAML"),
]


@pytest.mark.parametrize(("text", "place", "words"), [c[1:] for c in TEXT_CASES],
                         ids=[c[0] for c in TEXT_CASES])
def test_yaml_text_error_names_file_place_and_problem(tmp_path, text, place, words):
    path = tmp_path / "broken.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(QuestionnaireError) as info:
        load_questionnaire(path)
    assert words in _line_for(info.value.message, str(path), place)


def test_yaml_merge_keys_are_not_duplicate_keys():
    text = VALID_HEAD + ("questions:\n  - &base {id: q1, type: single, text: 学段, options: [小学, 初中]}\n"
                         "  - {<<: *base, id: q2, text: 另一个学段}\n")
    q = parse_questionnaire(text, "merge.yaml")
    assert [(x.id, x.text) for x in q.questions] == [("q1", "学段"), ("q2", "另一个学段")]


@pytest.mark.parametrize(("content", "words"), [
    (b"", "the file is empty"),
    (b"# only a comment\n\n", "the file is empty"),
    (b"- q1\n- q2\n", "the file must be a mapping"),
    ("format: 1\nid: demo\ntitle: 家长问卷\n".encode("gbk"), "not UTF-8 text: byte 0xbc at line 3, column 8"),
])
def test_whole_file_errors_name_the_file(tmp_path, content, words):
    path = tmp_path / "whole.yaml"
    path.write_bytes(content)
    with pytest.raises(QuestionnaireError) as info:
        load_questionnaire(path)
    assert info.value.message == f"{path}: " + info.value.problems[0][1]
    assert words in info.value.message


def test_utf8_with_byte_order_mark_loads(tmp_path):
    path = tmp_path / "bom.yaml"
    path.write_bytes(b"\xef\xbb\xbf" + dump(demo_doc()).encode("utf-8"))
    assert load_questionnaire(path).title == "演示问卷"


def test_missing_file_is_a_questionnaire_error(tmp_path):
    path = tmp_path / "nope.yaml"
    with pytest.raises(QuestionnaireError, match=re.escape(f"{path}: cannot read file")):
        load_questionnaire(path)


# -- folders -------------------------------------------------------------------------------------------------

def test_load_folder_reads_yaml_and_yml_files_only(tmp_path):
    write_doc(tmp_path, demo_doc(), "a.yaml")
    other = demo_doc()
    other["id"] = "demo-2"
    write_doc(tmp_path, other, "b.yml")
    (tmp_path / "notes.txt").write_text("不是问卷", encoding="utf-8")
    assert sorted(load_folder([tmp_path])) == ["demo", "demo-2"]


def test_load_folder_rejects_an_id_used_by_two_files(tmp_path):
    first = write_doc(tmp_path, demo_doc(), "a.yaml")
    second = write_doc(tmp_path, demo_doc(), "b.yaml")
    with pytest.raises(QuestionnaireError) as info:
        load_folder([tmp_path])
    assert info.value.message == f"{second}: id: 'demo' is also used by {first}"


def test_load_folder_reports_every_broken_file(tmp_path):
    bad_role = demo_doc()
    bad_role["role"] = "老师"
    first = write_doc(tmp_path, bad_role, "a.yaml")
    second = tmp_path / "b.yaml"
    second.write_text("format: 1\nid: demo\n title: x\n", encoding="utf-8")
    with pytest.raises(QuestionnaireError) as info:
        load_folder([tmp_path])
    lines = info.value.message.splitlines()
    assert len(lines) == 2
    assert lines[0].startswith(f"{first}: role: '老师' is not one of")
    assert lines[1].startswith(f"{second}: line 3, column 7: invalid YAML")
    assert info.value.source == str(first)

