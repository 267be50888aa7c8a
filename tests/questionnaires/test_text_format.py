"""Questionnaire text import: every rule of the text format, with the expected documents written out."""

from __future__ import annotations

import hashlib
import textwrap

import pytest
import yaml

from questionnaires import QuestionnaireError, clean_answers, parse_questionnaire
from questionnaires.text_format import import_text

CONTRACT_EXAMPLE = """\
教师满意度调查问卷
id: teacher-2025
role: teacher
尊敬的老师：您好！……

1. 您目前任教的学段是？[单选题]
A. 小学
B. 初中
C. 其他（请注明）

2、您目前担任的工作是？[多选题]
A、学科教师
B、班主任

3. 您对学校课后服务是否满意？[量表题]
非常满意 满意 一般 不满意 非常不满意 不了解

4. 请您对以下方面进行评价 [矩阵量表题]
非常满意 满意 一般 不满意 非常不满意
教学质量
食堂饭菜

5. 本学期您参加培训的次数？[数字题]

6. 您对学校还有什么意见或建议？[填空题]
"""

SAT5 = [{"code": 5, "label": "非常满意", "score": 100}, {"code": 4, "label": "满意", "score": 80},
        {"code": 3, "label": "一般", "score": 60}, {"code": 2, "label": "不满意", "score": 30},
        {"code": 1, "label": "非常不满意", "score": 0}]


def doc(text: str) -> dict:
    return import_text(textwrap.dedent(text)).document


def questions(text: str) -> list[dict]:
    return doc(text)["questions"]


def problems(text: str) -> list[tuple[str, str]]:
    with pytest.raises(QuestionnaireError) as caught:
        import_text(textwrap.dedent(text), "问卷.txt")
    assert caught.value.source == "问卷.txt"
    return caught.value.problems


def test_the_contract_example_becomes_this_document_and_its_yaml_loads():
    result = import_text(CONTRACT_EXAMPLE)
    assert result.document == {
        "format": 1, "id": "teacher-2025", "title": "教师满意度调查问卷", "role": "teacher",
        "intro": "尊敬的老师：您好！……",
        "scales": {
            "scale1": {"options": [*SAT5, {"code": 0, "label": "不了解", "na": True}], "satisfied": [5, 4]},
            "scale2": {"options": SAT5, "satisfied": [5, 4]},
        },
        "questions": [
            {"id": "q1", "type": "single", "text": "您目前任教的学段是？", "options": ["小学", "初中"],
             "other": True},
            {"id": "q2", "type": "multiple", "text": "您目前担任的工作是？", "options": ["学科教师", "班主任"]},
            {"id": "q3", "type": "scale", "scale": "scale1", "text": "您对学校课后服务是否满意？"},
            {"id": "q4", "type": "matrix", "scale": "scale2", "text": "请您对以下方面进行评价",
             "rows": [{"id": "r1", "text": "教学质量"}, {"id": "r2", "text": "食堂饭菜"}]},
            {"id": "q5", "type": "number", "text": "本学期您参加培训的次数？"},
            {"id": "q6", "type": "text", "text": "您对学校还有什么意见或建议？", "required": False},
        ],
    }
    assert yaml.safe_load(result.yaml) == result.document
    loaded = parse_questionnaire(result.yaml, "teacher-2025.yaml")
    assert loaded.content_hash == result.questionnaire.content_hash
    assert [q.type_label for q in loaded.questions] == ["单选题", "多选题", "量表题", "矩阵量表题", "数字填空题",
                                                        "填空题"]


def test_the_contract_example_can_be_answered():
    questionnaire = import_text(CONTRACT_EXAMPLE).questionnaire
    raw = {"q1": "其他", "q1.other": "特殊教育学校", "q2": ["学科教师", "班主任"], "q3": "不了解",
           "q4.r1": "非常满意", "q4.r2": "不满意", "q5": "3", "q6": ""}
    answers, found = clean_answers(questionnaire, raw)
    assert found == []
    assert answers == {"q1": "其他", "q1.other": "特殊教育学校", "q2": ["学科教师", "班主任"], "q3": 0,
                       "q4.r1": 5, "q4.r2": 2, "q5": 3}
    _answers, missing = clean_answers(questionnaire, {**raw, "q5": ""})
    assert [(p.variable, p.kind) for p in missing] == [("q5", "required")]


def test_the_yaml_reads_like_the_shipped_files():
    result = import_text("家长问卷\nrole: parent\n1. 孩子的学段？[单选题]\nA. 小学\nB. 初中\n"
                         "2. 您对学校是否满意？[量表题]\n满意 一般 不满意\n")
    assert result.yaml == textwrap.dedent("""\
        format: 1
        id: imported-{hash}
        title: 家长问卷
        role: parent

        scales:
          scale1:
            options:
              - {{code: 3, label: 满意}}
              - {{code: 2, label: 一般}}
              - {{code: 1, label: 不满意}}
            satisfied: [3]

        questions:
          - id: q1
            type: single
            text: 孩子的学段？
            options: [小学, 初中]

          - id: q2
            type: scale
            scale: scale1
            text: 您对学校是否满意？
        """).format(hash=hashlib.sha256("家长问卷".encode()).hexdigest()[:8])


def test_title_is_the_first_non_empty_line_and_later_lines_before_question_one_are_the_introduction():
    document = doc("""\

        家长满意度调查问卷
        尊敬的家长：
        您好！本问卷不记名。


        感谢您的支持！
        1. 您的孩子就读于？
        A. 小学
        """)
    assert document["title"] == "家长满意度调查问卷"
    assert document["intro"] == "尊敬的家长：\n您好！本问卷不记名。\n\n感谢您的支持！\n"


def test_without_an_id_line_the_id_comes_from_the_title_so_a_reimport_is_a_new_version_of_the_same():
    first = doc("学生问卷\n1. 你几年级？\nA. 一年级\n")
    second = doc("学生问卷\n1. 你几年级？\nA. 一年级\nB. 二年级\n")
    expected = "imported-" + hashlib.sha256("学生问卷".encode()).hexdigest()[:8]
    assert first["id"] == second["id"] == expected


@pytest.mark.parametrize(("title", "role"), [
    ("某区教师满意度调查问卷", "teacher"), ("老师问卷", "teacher"), ("家长满意度问卷", "parent"),
    ("学生问卷", "student"), ("校长（书记）访谈问卷", "principal"), ("社会公众满意度问卷", "other"),
    ("教师和家长共用问卷", "other"),
])
def test_without_a_role_line_the_role_is_the_one_the_title_names(title, role):
    assert doc(f"{title}\n1. 您的意见？\n")["role"] == role


def test_header_lines_take_full_width_colons_and_win_over_the_title():
    document = doc("家长问卷\nid：p-2025\nrole：teacher\n1. 您的意见？\n")
    assert (document["id"], document["role"]) == ("p-2025", "teacher")


def test_bad_header_lines_are_errors_at_their_lines():
    assert problems("""\
        问卷
        id: 教师问卷
        role: teachers
        role: teacher
        1. 意见？
        """) == [
        ("第 2 行", "“id: 教师问卷”：问卷编号只能用小写字母、数字、连字符和下划线，并以字母或数字开头"),
        ("第 3 行", "“role: teachers”：填写对象应为 teacher, parent, student, principal, other 之一"),
    ]


@pytest.mark.parametrize("separator", [".", "、", "．", "）"])
def test_questions_start_with_a_number_and_any_of_the_four_separators(separator):
    assert questions(f"问卷\n1{separator}您的意见？\n2{separator} 您的建议？\n")[1]["text"] == "您的建议？"


@pytest.mark.parametrize(("tag", "expected"), [
    ("[单选题]", {"type": "single", "options": ["是", "否"]}),
    ("【多选题】", {"type": "multiple", "options": ["是", "否"]}),
    ("[多选题 最多2项]", {"type": "multiple", "options": ["是", "否"], "max": 2}),
    ("[多选题 至少1项 最多2项]", {"type": "multiple", "options": ["是", "否"], "min": 1, "max": 2}),
    ("", {"type": "single", "options": ["是", "否"]}),
])
def test_choice_tags(tag, expected):
    first = questions(f"问卷\n1. 是否参加？{tag}\nA. 是\nB. 否\n")[0]
    assert first == {"id": "q1", "text": "是否参加？", **expected}


def test_number_text_and_untagged_questions_without_options():
    assert questions("问卷\n1. 次数？[数字题]\n2. 建议？[填空题]\n3. 其他意见？\n") == [
        {"id": "q1", "type": "number", "text": "次数？"},
        {"id": "q2", "type": "text", "text": "建议？", "required": False},
        {"id": "q3", "type": "text", "text": "其他意见？", "required": False},
    ]


@pytest.mark.parametrize("line", ["1. 建议？*[填空题]", "1. 建议？[填空题]*", "1. 建议？（必答）[填空题]",
                                  "1. 建议？ [填空题] （必答）", "1. 建议？*"])
def test_a_star_or_bizhda_marks_a_text_question_required(line):
    assert questions(f"问卷\n{line}\n")[0] == {"id": "q1", "type": "text", "text": "建议？"}


def test_matrix_single_is_a_matrix_too_and_ids_follow_the_order():
    found = questions("""\
        问卷
        1. 评价 [矩阵单选题]
        满意 一般 不满意
        教学
        后勤
        管理
        """)[0]
    assert found["type"] == "matrix"
    assert found["rows"] == [{"id": "r1", "text": "教学"}, {"id": "r2", "text": "后勤"}, {"id": "r3", "text": "管理"}]


def test_options_take_letters_with_each_separator_and_lower_case():
    assert questions("问卷\n1. 学段？\nA. 小学\nb、初中\nC）高中\nD．中职\n")[0]["options"] == \
        ["小学", "初中", "高中", "中职"]


def test_other_and_not_applicable_options():
    assert questions("问卷\n1. 渠道？[多选题]\nA. 家长群\nB. 说不清\nC. 其他渠道\n")[0] == {
        "id": "q1", "type": "multiple", "text": "渠道？",
        "options": ["家长群", {"code": "说不清", "label": "说不清", "na": True}], "other": True}


def test_a_repeated_label_row_is_one_shared_scale_and_a_worse_first_scale_is_refused():
    document = doc("""\
        问卷
        1. 总体满意度？[量表题]
        非常满意 满意 一般 不满意 非常不满意 不清楚
        2. 分项评价 [矩阵量表题]
        非常满意 满意 一般 不满意 非常不满意 不清楚
        教学
        3. 食堂满意度？[量表题]
        很满意 较满意 不满意 很不满意
        """)
    assert [q["scale"] for q in document["questions"]] == ["scale1", "scale1", "scale2"]
    assert document["scales"]["scale1"]["options"][-1] == {"code": 0, "label": "不清楚", "na": True}
    assert document["scales"]["scale2"] == {
        "options": [{"code": 4, "label": "很满意"}, {"code": 3, "label": "较满意"}, {"code": 2, "label": "不满意"},
                    {"code": 1, "label": "很不满意"}],
        "satisfied": [4, 3]}
    assert problems("问卷\n1. 满意度？[量表题]\n非常不满意 不满意 一般 满意 非常满意\n") == [
        ("第 3 行", "“非常不满意 不满意 一般 满意 非常满意”：量表选项请从最好到最差排列，"
                   "例如“非常满意 满意 一般 不满意 非常不满意”")]


def test_every_line_that_cannot_be_placed_is_an_error_with_its_number_and_text():
    found = problems("""\
        教师问卷
        1. 您的学段？[单选题]
        A. 小学
        C. 初中
        请在方框内打勾
        2. 满意度？[量表题]
        满意 一般 不满意
        很好 不好
        4. 次数？[数字题]
        A. 一次
        5. 看法？[问答题]
        6. 评价 [矩阵量表题]
        7. 学段？[单选题]
        A. 其他
        B. 小学
        """)
    assert found == [   # in the order of the lines
        ("第 4 行", "“C. 初中”：选项字母应为 B（按 A、B、C… 顺序）"),
        ("第 5 行", "“请在方框内打勾”：无法归属：选项行以字母开头（如“A. 小学”），题目行以题号开头"),
        ("第 8 行", "“很好 不好”：量表题只有一行选项（用空格分隔），这一行无法归属"),
        ("第 9 行", "“4. 次数？[数字题]”：题号应为 3（题号须从 1 起连续编排）"),
        ("第 10 行", "“A. 一次”：数字题没有选项，这一行无法归属（题目需以题号开头）"),
        ("第 11 行", "“5. 看法？[问答题]”：题号应为 4（题号须从 1 起连续编排）"),
        ("第 11 行", "“5. 看法？[问答题]”：未知的题型标记“问答题”（可用：单选题、多选题、量表题、矩阵量表题、"
                    "矩阵单选题、数字题、数字填空题、填空题）"),
        ("第 12 行", "“6. 评价 [矩阵量表题]”：题号应为 5（题号须从 1 起连续编排）"),
        ("第 12 行", "“6. 评价 [矩阵量表题]”：量表题和矩阵题的下一行应为用空格分隔的选项，"
                    "例如“非常满意 满意 一般 不满意 非常不满意”"),
        ("第 12 行", "“6. 评价 [矩阵量表题]”：矩阵题在选项行之后每行写一个小题，这里一行也没有"),
        ("第 13 行", "“7. 学段？[单选题]”：题号应为 6（题号须从 1 起连续编排）"),
        ("第 14 行", "“其他”：“其他”选项须写在最后一项"),
    ]


def test_more_rule_breaks():
    assert problems("问卷\n1. 渠道？[多选题 最多3项]\nA. 甲\nB. 甲\n") == [
        ("第 2 行", "“1. 渠道？[多选题 最多3项]”：最多3项超出了选项数（1）"),
        ("第 4 行", "“甲”：选项与第 3 行重复"),
    ]
    assert problems("问卷\n1. 建议？[填空题 必填]\n") == [
        ("第 2 行", "“1. 建议？[填空题 必填]”：题型标记“填空题 必填”中的“必填”无法识别"
                   "（多选题可写“最多2项”“至少1项”）")]
    assert problems("问卷\n1. 学段？[单选题]\n") == [
        ("第 2 行", "“1. 学段？[单选题]”：单选题和多选题需要选项（以 A. B. C. 开头的行）")]
    assert problems("\n\n") == [("", "文本为空：第一行应为问卷标题，其后为编号的题目")]
    assert problems("只有标题\n和一段说明\n") == [
        ("第 1 行", "“只有标题”：没有找到题目：题目行以题号开头，例如“1. 您的学段是？[单选题]”")]


def test_windows_line_ends_and_full_width_spaces_are_read():
    found = questions("问卷\r\n1. 满意度？[量表题]\r\n满意\u3000一般\u3000不满意\r\n")[0]
    assert found["scale"] == "scale1"
