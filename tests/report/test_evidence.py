"""The evidence section of an indicator system covering every value kind and rule type, read back from Word.

Data: the seven valid responses of tests/report/conftest.py ROWS (r8 is invalid and never counted):

    r  unit  q1    q2                 q3  q4.r1 q4.r2  q6
    1  s1    小学  学校通知,家长群      5   5     4      无
    2  s1    小学  家长群              4   4     0      没有
    3  s1    初中  班主任              3   3     3      希望多开展活动
    4  s2    小学  学校通知            5   5     5      无。
    5  s2    初中  -                   2   2     4      -
    6  s2    高中  学校通知,班主任      0   5     5      护眼灯很好，光线柔和
    7  s2    小学  家长群              4   4     4      希望多开展活动

Scale codes: 5 非常满意 (100), 4 满意 (80), 3 一般 (60), 2 不满意 (30), 1 非常不满意 (0), 0 不了解 (not counted).
Every expected number below is worked out by hand from this table in the comment next to it.
"""

from __future__ import annotations

import textwrap

import pytest
from docx import Document
from docx.oxml.ns import qn

from analysis.report import build_report, leaf_paragraphs
from analysis.scoring import parse_indicators, score_system

EVIDENCE_YAML = textwrap.dedent("""
    format: 1
    title: 测试项目绩效评价
    grades:
      - {grade: 优, min: 90}
      - {grade: 良, min: 80}
      - {grade: 中, min: 70}
      - {grade: 差, min: 0}
    indicators:
      - name: 决策
        children:
          - name: 项目立项
            children:
              - name: 立项依据充分性
                weight: 4
                rule: {type: manual, score: 3.5}
              - name: 立项程序规范性
                weight: 3
                target: 按规定程序完成审批
                rule: {type: yes_no, met: false}
          - name: 资金投入
            children:
              - name: 预算编制科学性
                weight: 4
                rule:
                  type: checklist
                  items:
                    - {name: 预算编制依据充分, share: 0.25, met: true}
                    - {name: 预算与工作计划匹配, share: 0.25, met: true}
                    - {name: 预算明细清晰准确, share: 0.25, met: false}
                    - {name: 符合预算管理办法, share: 0.25, met: true}
      - name: 过程
        children:
          - name: 资金管理
            children:
              - name: 预算执行率
                weight: 10
                target: "=100%"
                value: 95.5
                rule: {type: deduct_below, threshold: 100, per_point: 2, floor: 60}
          - name: 组织实施
            children:
              - name: 项目完成及时性
                weight: 5
                target: "≤12个月"
                value: 13
                rule: {type: deduct_above, threshold: 12, per_point: 10, ceiling: 18}
      - name: 产出
        children:
          - name: 数量
            children:
              - name: 小学段覆盖率
                weight: 5
                value:
                  share: {form: rep, question: q1, options: [小学]}
                rule: {type: proportional, round_value: 0}
      - name: 效益
        children:
          - name: 满意度
            children:
              - name: 家长满意度
                weight: 20
                target: "≥90%"
                value:
                  satisfaction: {form: rep, questions: [q3, q4], method: top_box}
                rule: {type: ratio_below, threshold: 90}
              - name: 总体满意度得分
                weight: 5
                value:
                  satisfaction: {form: rep, questions: [q3], method: score}
                rule: {type: deduct_below, threshold: 85, per_point: 1}
              - name: 维修服务保障
                weight: 5
                target: "≥90%"
                value:
                  mean:
                    - share: {form: rep, question: q4.r2, options: [非常满意, 满意], filter: {unit: [s2]}}
                    - share: {form: rep, question: q3, options: [非常满意, 满意], filter: {unit: [s2]}}
                rule: {type: deduct_below, threshold: 90, per_point: 1}
                override: {score: 4.5, reason: 维修记录完整，经专家评议调整}
              - name: 无负面意见占比
                weight: 4
                value:
                  text_share: {form: rep, question: q6, category: no_opinion}
                rule: {type: ratio_below, threshold: 60}
""")

SCALE_ROWS_Q3 = [  # q3 answers 5, 4, 3, 5, 2, 0, 4 of 7
    ["非常满意", "2", "28.57%"], ["满意", "2", "28.57%"], ["一般", "1", "14.29%"], ["不满意", "1", "14.29%"],
    ["非常不满意", "0", "0.00%"], ["不了解", "1", "14.29%"], ["本题有效填写人次", "7", ""]]

# For each leaf, in order: its heading, then the blocks under it: question lines (text), tables (lists of
# rows) and the closing paragraph (text).
EXPECTED = {
    "（1）立项依据充分性": [
        "该指标由评价人员根据佐证材料综合评定得分。指标分值 4 分，评价得分 3.5 分，得分率 87.5%。",
    ],
    "（2）立项程序规范性": [
        "目标值为“按规定程序完成审批”。评价标准为按要求完成得满分，未完成不得分；经核查，未按要求完成，不得分。"
        "指标分值 3 分，评价得分 0 分，得分率 0%。",
    ],
    "（1）预算编制科学性": [
        # 3 of 4 items at 25% each: 4 x 0.75 = 3
        "评价标准共 4 项，每项占权重分的 25%：预算编制依据充分、"
        "预算与工作计划匹配、预算明细清晰准确、符合预算管理办法；"
        "经核查，满足“预算编制依据充分”“预算与工作计划匹配”“符合预算管理办法”共 3 项，未满足“预算明细清晰准确”共 1 项，"
        "得权重分的 75%。指标分值 4 分，评价得分 3 分，得分率 75%。",
    ],
    "（1）预算执行率": [
        # 4.5 points short of 100 at 2% each: 10 x (1 - 0.09) = 9.1; deviation (95.5 - 100) / 100 = -4.5%
        "实际完成值为 95.5%（目标值 =100%），偏差率为 -4.5%。评价标准为≥100%，每降低 1 个百分点扣减权重分的 2%，"
        "低于 60% 不得分；实际值较标准低 4.5 个百分点，扣减权重分的 9%。指标分值 10 分，评价得分 9.1 分，得分率 91%。",
    ],
    "（1）项目完成及时性": [
        # 1 month over 12 at 10% each: 5 x 0.9 = 4.5; deviation (13 - 12) / 12 = +8.33%
        "实际完成值为 13 个月（目标值 ≤12个月），偏差率为 +8.33%。评价标准为≤12 个月，每超出 1 个月扣减权重分的 10%，"
        "超过 18 个月不得分；实际值较标准高 1 个月，扣减权重分的 10%。指标分值 5 分，评价得分 4.5 分，得分率 90%。",
    ],
    "（1）小学段覆盖率": [
        "问卷题 1（单选题，有效答题 7 人次）：您的孩子就读于哪个学段？",
        # 小学 r1 r2 r4 r7, 初中 r3 r5, 高中 r6
        [["选项", "小计", "比例"], ["小学", "4", "57.14%"], ["初中", "2", "28.57%"], ["高中", "1", "14.29%"],
         ["本题有效填写人次", "7", ""]],
        # 4 / 7 = 57.142857% rounded to 57 first: 5 x 0.57 = 2.85 (without rounding it would be 2.86)
        "选择“小学”的人次占比为 57.14%。评价标准为按完成比例计分，"
        "得分＝分值×实际完成值；实际完成值先四舍五入取整为 57%。"
        "指标分值 5 分，评价得分 2.85 分，得分率 57%。",
    ],
    "（1）家长满意度": [
        "问卷题 3（量表题，有效答题 7 人次）：您对本项目的总体情况是否满意？",
        [["选项", "小计", "比例"], *SCALE_ROWS_Q3],
        "问卷题 4（矩阵量表题，有效答题 7 人次）：请对以下方面进行评价—护眼灯照明效果",
        # q4.r1 answers 5, 4, 3, 5, 2, 5, 4
        [["选项", "小计", "比例"], ["非常满意", "3", "42.86%"], ["满意", "2", "28.57%"], ["一般", "1", "14.29%"],
         ["不满意", "1", "14.29%"], ["非常不满意", "0", "0.00%"], ["不了解", "0", "0.00%"],
         ["本题有效填写人次", "7", ""]],
        "问卷题 4（矩阵量表题，有效答题 7 人次）：请对以下方面进行评价—维修服务",
        # q4.r2 answers 4, 0, 3, 5, 4, 5, 4
        [["选项", "小计", "比例"], ["非常满意", "2", "28.57%"], ["满意", "3", "42.86%"], ["一般", "1", "14.29%"],
         ["不满意", "0", "0.00%"], ["非常不满意", "0", "0.00%"], ["不了解", "1", "14.29%"],
         ["本题有效填写人次", "7", ""]],
        # satisfied (5 or 4): q3 4 of 6, q4.r1 5 of 7, q4.r2 5 of 6 -> 14 of 19 = 73.6842%; 不了解 2
        # ratio 73.6842 / 90 = 81.87%; 20 x 0.818713 = 16.3743 -> 16.37; rate 16.37 / 20 = 81.85%
        "以上 3 题合计有效评价 19 人次（“不了解”的 2 人次不计入），其中满意及以上 14 人次，满意及以上的占比为 73.68%。"
        "评价标准为≥90%，达到标准得满分，未达到的按实际值与标准值之比计分；实际值为标准值的 81.87%，按此比例计分。"
        "指标分值 20 分，评价得分 16.37 分，得分率 81.85%。",
    ],
    "（2）总体满意度得分": [
        "问卷题 3（量表题，有效答题 7 人次）：您对本项目的总体情况是否满意？",
        [["选项", "小计", "比例"], *SCALE_ROWS_Q3],
        # scores 100, 80, 60, 100, 30, 80 (不了解 left out) -> 450 / 6 = 75; 10 points short at 1%: 5 x 0.9
        "按各选项分值（非常满意 100 分、满意 80 分、一般 60 分、"
        "不满意 30 分、非常不满意 0 分）计算，“不了解”的 1 人次不计入，"
        "满意度平均得分为 75 分。评价标准为≥85 分，每降低 1 分扣减权重分的 1%；实际值较标准低 10 分，扣减权重分的 10%。"
        "指标分值 5 分，评价得分 4.5 分，得分率 90%。",
    ],
    "（3）维修服务保障": [
        "以下数据来自家长问卷《测试项目家长满意度调查问卷》的有效答卷（仅统计第二小学的答卷），共 4 份。",
        "问卷题 4（矩阵量表题，有效答题 4 人次）：请对以下方面进行评价—维修服务",
        # s2 = r4..r7: q4.r2 answers 5, 4, 5, 4
        [["选项", "小计", "比例"], ["非常满意", "2", "50.00%"], ["满意", "2", "50.00%"], ["一般", "0", "0.00%"],
         ["不满意", "0", "0.00%"], ["非常不满意", "0", "0.00%"], ["不了解", "0", "0.00%"],
         ["本题有效填写人次", "4", ""]],
        "问卷题 3（量表题，有效答题 4 人次）：您对本项目的总体情况是否满意？",
        # s2: q3 answers 5, 2, 0, 4 (不了解 is an answer to a share's question)
        [["选项", "小计", "比例"], ["非常满意", "1", "25.00%"], ["满意", "1", "25.00%"], ["一般", "0", "0.00%"],
         ["不满意", "1", "25.00%"], ["非常不满意", "0", "0.00%"], ["不了解", "1", "25.00%"],
         ["本题有效填写人次", "4", ""]],
        # 4 of 4 = 100%, 2 of 4 = 50%, mean 75; 15 points short of 90 at 1%: 5 x 0.85 = 4.25, overridden 4.5
        "问卷题 4 选择“非常满意”或“满意”的人次占比为 100%（共 4 人次），问卷题 3 选择“非常满意”或“满意”的人次占比为 50%"
        "（共 2 人次），取以上 2 题结果的算术平均值为 75%。评价标准为≥90%，每降低 1 个百分点扣减权重分的 1%；"
        "实际值较标准低 15 个百分点，扣减权重分的 15%。经评价人员调整，评价得分由计算得分 4.25 分调整为 4.5 分，"
        "理由：维修记录完整，经专家评议调整。指标分值 5 分，评价得分 4.5 分，得分率 90%。",
    ],
    "（4）无负面意见占比": [
        "问卷题 6（填空题，有效答题 6 人次）：您对本项目还有什么意见或建议？",
        # 无, 没有, 无。 -> no opinion; 希望多开展活动 twice -> suggestion; 护眼灯很好，光线柔和 -> positive
        [["类别", "人次", "比例"], ["无意见", "3", "50.00%"], ["正面", "1", "16.67%"], ["负面", "0", "0.00%"],
         ["建议", "2", "33.33%"], ["其他", "0", "0.00%"], ["本题有效填写人次", "6", ""]],
        # 3 / 6 = 50%; ratio 50 / 60 = 83.33%; 4 x 0.8333 = 3.33; rate 3.33 / 4 = 83.25%
        "本题有效回答 6 人次，其中无意见 3 人次，无意见占比为 50%。评价标准为≥60%，达到标准得满分，"
        "未达到的按实际值与标准值之比计分；实际值为标准值的 83.33%，"
        "按此比例计分。指标分值 4 分，评价得分 3.33 分，得分率 83.25%。",
    ],
}


@pytest.fixture(scope="module")
def evidence_score(tmp_path_factory):
    from questionnaires import parse_questionnaire

    from .conftest import REPORT_YAML, make_rep_frame

    questionnaire = parse_questionnaire(REPORT_YAML, "rep.yaml")
    frame = make_rep_frame(questionnaire)
    system = parse_indicators(EVIDENCE_YAML, "evidence.yaml")
    return frame, questionnaire, score_system(system, {"rep": frame}, {"rep": questionnaire})


def _write(tmp_path, evidence_score, name="evidence.docx"):
    frame, questionnaire, score = evidence_score
    path = tmp_path / name
    build_report({"rep": frame}, {"rep": questionnaire}, path, score=score, sections="evidence", charts=False)
    return Document(str(path))


def _body(document):
    """The body in order: ("h", style, text) for paragraphs, ("t", rows) for tables."""
    tables = {t._tbl: t for t in document.tables}
    paragraphs = {p._p: p for p in document.paragraphs}
    out = []
    for child in document.element.body.iterchildren():
        if child.tag == qn("w:p"):
            p = paragraphs[child]
            if p.text:
                out.append(("p", p.style.name, p.text))
        elif child.tag == qn("w:tbl"):
            out.append(("t", [[cell.text for cell in row.cells] for row in tables[child].rows]))
    return out


def _leaves(body):
    """Leaf heading -> the blocks under it, up to the next heading of any level."""
    leaves, current = {}, None
    for item in body:
        if item[0] == "p" and item[1].startswith("Heading"):
            current = None
        elif item[0] == "p" and item[2].startswith("（") and item[2][1].isdigit():
            current = item[2]
            leaves[current] = []
        elif current is not None:
            leaves[current].append(item[2] if item[0] == "p" else item[1])
    return leaves


def test_every_leaf_has_its_question_lines_tables_value_rule_and_closing(tmp_path, evidence_score):
    leaves = _leaves(_body(_write(tmp_path, evidence_score)))
    assert list(leaves) == list(EXPECTED)
    for heading, blocks in EXPECTED.items():
        assert leaves[heading] == blocks, heading


def test_headings_number_the_indicator_tree(tmp_path, evidence_score):
    body = _body(_write(tmp_path, evidence_score))
    headings = [(style, text) for kind, *rest in body if kind == "p" for style, text in [rest]
                if style.startswith("Heading")]
    assert headings == [
        ("Heading 1", "一、绩效评价指标分析"),
        ("Heading 2", "（一）决策"), ("Heading 3", "1. 项目立项"), ("Heading 3", "2. 资金投入"),
        ("Heading 2", "（二）过程"), ("Heading 3", "1. 资金管理"), ("Heading 3", "2. 组织实施"),
        ("Heading 2", "（三）产出"), ("Heading 3", "1. 数量"),
        ("Heading 2", "（四）效益"), ("Heading 3", "1. 满意度"),
    ]
    texts = [rest[1] for kind, *rest in body if kind == "p"]
    # 决策: 3.5 + 0 + 3 of 4 + 3 + 4 = 6.5 of 11 -> 59.09%; 效益: 16.37 + 4.5 + 4.5 + 3.33 = 28.7 of 34
    assert "决策类指标共 3 项，分值 11 分，评价得分 6.5 分，得分率 59.09%。" in texts
    assert "效益类指标共 4 项，分值 34 分，评价得分 28.7 分，得分率 84.41%。" in texts


def test_the_closing_numbers_are_the_score_tables(evidence_score):
    from analysis.scoring import format_score_table

    _, _, score = evidence_score
    table = format_score_table(score)
    paragraphs = leaf_paragraphs(score)
    for leaf in score.leaves:
        closing = paragraphs[leaf.leaf.key][-1]
        score_text = f"{leaf.score:.2f}"
        assert score_text in table
        shown = score_text.rstrip("0").rstrip(".")
        assert f"评价得分 {shown} 分，" in closing


def test_plain_paragraphs_for_the_console_are_the_documents_sentences(tmp_path, evidence_score):
    _, _, score = evidence_score
    paragraphs = leaf_paragraphs(score)
    assert list(paragraphs) == [leaf.leaf.key for leaf in score.leaves]
    leaves = _leaves(_body(_write(tmp_path, evidence_score)))
    for (heading, blocks), key in zip(leaves.items(), paragraphs, strict=True):
        assert key.endswith(heading[3:])
        assert paragraphs[key] == tuple(b for b in blocks if isinstance(b, str))
    assert paragraphs["决策/项目立项/立项依据充分性"] == (
        "该指标由评价人员根据佐证材料综合评定得分。指标分值 4 分，评价得分 3.5 分，得分率 87.5%。",)


def test_the_same_data_give_the_same_document_text(tmp_path, evidence_score):
    first = _body(_write(tmp_path, evidence_score, "first.docx"))
    second = _body(_write(tmp_path, evidence_score, "second.docx"))
    assert first == second


def test_evidence_is_in_the_default_sections_only_with_an_indicator_system(tmp_path, evidence_score):
    frame, questionnaire, score = evidence_score
    with_score = build_report({"rep": frame}, {"rep": questionnaire}, tmp_path / "a.docx", score=score,
                              charts=False)
    without = build_report({"rep": frame}, {"rep": questionnaire}, tmp_path / "b.docx", charts=False)
    assert "evidence" in with_score.sections and "evidence" not in without.sections
    assert "satisfaction-text" in without.sections and "text-summary" in without.sections


def test_with_several_questionnaires_each_leaf_names_its_own(evidence_score):
    from questionnaires import parse_questionnaire

    from .conftest import REPORT_YAML

    parent_frame, parent, _ = evidence_score
    teacher = parse_questionnaire(REPORT_YAML.replace("id: rep", "id: rep-t").replace("role: parent", "role: teacher")
                                  .replace("家长满意度调查问卷", "教师满意度调查问卷"), "rep-t.yaml")
    teacher_frame = parent_frame.assign(questionnaire="rep-t", role="teacher").iloc[:3]   # r1, r2, r3
    system = parse_indicators(textwrap.dedent("""
        format: 1
        title: 两份问卷
        grades: [{grade: 优, min: 0}]
        indicators:
          - name: 效益
            children:
              - name: 满意度
                children:
                  - name: 家长小学段占比
                    weight: 5
                    value: {share: {form: rep, question: q1, options: [小学]}}
                    rule: {type: proportional}
                  - name: 教师小学段占比
                    weight: 5
                    value: {share: {form: rep-t, question: q1, options: [小学]}}
                    rule: {type: proportional}
    """), "two.yaml")
    score = score_system(system, {"rep": parent_frame, "rep-t": teacher_frame}, {"rep": parent, "rep-t": teacher})
    paragraphs = leaf_paragraphs(score)
    # parents: 7 valid responses, 小学 4 -> 57.14%; teachers: r1-r3, 小学 in r1 and r2 -> 66.67%
    assert paragraphs["效益/满意度/家长小学段占比"][:2] == (
        "以下数据来自家长问卷《测试项目家长满意度调查问卷》的有效答卷，共 7 份。",
        "问卷题 1（单选题，有效答题 7 人次）：您的孩子就读于哪个学段？")
    assert paragraphs["效益/满意度/教师小学段占比"][0] == (
        "以下数据来自教师问卷《测试项目教师满意度调查问卷》的有效答卷，共 3 份。")
    assert paragraphs["效益/满意度/教师小学段占比"][2].startswith("选择“小学”的人次占比为 66.67%。")
