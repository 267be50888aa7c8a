"""The report appendix built from eight hand-made responses (seven valid), opened again with python-docx.

Expected numbers are worked out by hand from tests/report/conftest.py ROWS:
valid rows r1..r7 (r8 is invalid: 答题时间过短), units s1 = r1..r3 (+ r8), s2 = r4..r7.
"""

from __future__ import annotations

import math
import re

import pytest
from docx import Document
from docx.oxml.ns import qn
from docx.shared import Cm

from analysis.report import build_report, parse_sections
from analysis.report.styles import percent
from analysis.scoring import parse_indicators, score_system
from questionnaires import parse_questionnaire

from .conftest import INDICATORS_YAML, REPORT_YAML, make_rep_frame

EMU_PER_CM = 360000


def _open(path):
    return Document(str(path))


def _cells(table):
    return [[cell.text for cell in row.cells] for row in table.rows]


def _captions(document, label):
    return [p.text for p in document.paragraphs if p.style.name == "Caption" and p.text.startswith(label)]


def _table_after(document, caption_start):
    """The table that follows the caption paragraph starting with `caption_start`."""
    body = document.element.body
    seen = False
    for child in body.iterchildren():
        if child.tag == qn("w:p"):
            text = "".join(t.text or "" for t in child.iter(qn("w:t")))
            if text.startswith(caption_start):
                seen = True
        elif child.tag == qn("w:tbl") and seen:
            return next(t for t in document.tables if t._tbl is child)
    raise AssertionError(f"no table after caption {caption_start!r}")


@pytest.fixture(scope="module")
def full_report(tmp_path_factory):
    """One report with every section, shared by the tests that only read it."""
    questionnaire = parse_questionnaire(REPORT_YAML, "rep.yaml")
    frame = make_rep_frame(questionnaire)
    score = score_system(parse_indicators(INDICATORS_YAML, "test.yaml"), {"rep": frame}, {"rep": questionnaire})
    path = tmp_path_factory.mktemp("report") / "report.docx"
    info = build_report({"rep": frame}, {"rep": questionnaire}, path, score=score)
    return info, _open(path)


def test_percent_has_two_decimals_rounded_half_up():
    assert percent(412, 450) == "91.56%"       # 0.915555…
    assert percent(1, 8) == "12.50%"
    assert percent(2, 3) == "66.67%"
    assert percent(0, 5) == "0.00%"
    assert percent(3, 0) == "—"


def test_page_is_a4_with_2_5_cm_margins(full_report):
    _, document = full_report
    section = document.sections[0]
    assert round(section.page_width.cm, 1) == 21.0
    assert round(section.page_height.cm, 1) == 29.7
    for margin in (section.left_margin, section.right_margin, section.top_margin, section.bottom_margin):
        assert round(margin.cm, 2) == 2.5


def test_captions_are_numbered_in_order_with_question_types(full_report):
    info, document = full_report
    tables = _captions(document, "表")
    figures = _captions(document, "图")
    assert [int(re.match(r"表(\d+) ", t).group(1)) for t in tables] == list(range(1, len(tables) + 1))
    assert [int(re.match(r"图(\d+) ", f).group(1)) for f in figures] == list(range(1, len(figures) + 1))
    assert tables == list(info.tables) and figures == list(info.figures)
    titles = [t.split(" ", 1)[1] for t in tables]
    assert titles[:4] == ["问卷回收情况", "无效问卷原因", "各单位问卷回收情况", "测试项目绩效评价指标得分表"]
    assert titles[4:6] == ["各类调查对象满意度", "各单位家长满意度"]
    assert titles[6:11] == [
        "第1题（单选题）：您的孩子就读于哪个学段？",
        "第2题（多选题）：您通过哪些渠道了解本项目？",
        "第3题（量表题）：您对本项目的总体情况是否满意？",
        "第4题（矩阵量表题）：请对以下方面进行评价",      # one combined table for the whole matrix
        "第5题（数字填空题）：孩子每天在教室学习大约几小时？",
    ]
    assert titles[11:13] == ["第6题（填空题）回答分类", "第6题（填空题）回答汇总"]
    assert titles[13].startswith("第6题（填空题）高频词")
    assert len(titles) == 14
    # charts: satisfaction per role, per unit, one bar chart per single/multiple/scale question, one cloud
    assert [f.split(" ", 1)[1] for f in figures] == [
        "各类调查对象满意度", "各单位家长满意度",
        "第1题：您的孩子就读于哪个学段？", "第2题：您通过哪些渠道了解本项目？",
        "第3题：您对本项目的总体情况是否满意？", "第6题词云图",
    ]


def test_caption_numbers_are_word_sequence_fields(full_report):
    _, document = full_report
    caption = next(p for p in document.paragraphs if p.style.name == "Caption")
    instructions = [t.text.strip() for t in caption._element.iter(qn("w:instrText"))]
    assert instructions == ["SEQ 表 \\* ARABIC"]


def test_image_count_equals_charts_plus_word_clouds(full_report):
    info, document = full_report
    # 2 satisfaction charts + 3 bar charts (q1, q2, q3) + 1 word cloud (q6); matrices get tables only
    assert len(document.inline_shapes) == 6 == len(info.figures)
    for shape in document.inline_shapes:
        assert shape.width <= Cm(16)


def test_tables_are_bordered_and_never_wider_than_the_text(full_report):
    _, document = full_report
    for table in document.tables:
        assert table.style.name == "Table Grid"
        borders = table._tbl.tblPr.find(qn("w:tblBorders"))
        assert borders is not None
        assert {b.get(qn("w:val")) for b in borders} == {"single"}
        widths = [int(col.get(qn("w:w"))) for col in table._tbl.tblGrid.findall(qn("w:gridCol"))]
        assert sum(widths) <= Cm(16).twips + 1


def test_every_run_has_an_east_asian_font(full_report):
    _, document = full_report
    paragraphs = list(document.paragraphs)
    for table in document.tables:
        for row in table.rows:
            for cell in row.cells:
                paragraphs.extend(cell.paragraphs)
    runs = [run for p in paragraphs for run in p.runs]
    assert len(runs) > 200
    for run in runs:
        fonts = run._element.rPr.rFonts
        assert fonts is not None, run.text
        assert fonts.get(qn("w:eastAsia")) in ("宋体", "黑体"), run.text
        assert fonts.get(qn("w:ascii")) == "Times New Roman"
    headings = [p for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert headings and all(r._element.rPr.rFonts.get(qn("w:eastAsia")) == "黑体"
                            for p in headings for r in p.runs)


def test_collection_summary_counts_invalid_responses_by_reason(full_report):
    _, document = full_report
    assert _cells(_table_after(document, "表1 "))[1] == [
        "家长", "测试项目家长满意度调查问卷", "8", "7", "1", "87.50%"]     # 7 / 8
    assert _cells(_table_after(document, "表2 ")) == [
        ["无效原因", "份数", "占无效问卷比例", "占回收问卷比例"],
        ["答题时间过短", "1", "100.00%", "12.50%"],                    # detail in brackets grouped away
        ["合计", "1", "100.00%", "12.50%"],
    ]
    units = _cells(_table_after(document, "表3 "))
    assert units[0] == ["单位", "有效问卷份数", "有效问卷份数", "回收份数", "有效率"]   # merged header
    assert units[1] == ["单位", "家长", "小计", "回收份数", "有效率"]
    assert units[2:] == [
        ["第一小学", "3", "3", "4", "75.00%"],
        ["第二小学", "4", "4", "4", "100.00%"],
        ["合计", "7", "7", "8", "87.50%"],
    ]


def test_question_tables_count_valid_answers(full_report):
    _, document = full_report
    header = ["选项", "小计", "比例"]
    # q1 over the 7 valid rows: 小学 r1 r2 r4 r7, 初中 r3 r5, 高中 r6 (r8's 高中 is invalid)
    assert _cells(_table_after(document, "表7 ")) == [
        header, ["小学", "4", "57.14%"], ["初中", "2", "28.57%"], ["高中", "1", "14.29%"],
        ["本题有效填写人次", "7", ""]]
    # q2 multiple: r5 skipped, so 6 respondents; 学校通知 r1 r4 r6, 家长群 r1 r2 r7, 班主任 r3 r6
    assert _cells(_table_after(document, "表8 ")) == [
        header, ["学校通知", "3", "50.00%"], ["家长群", "3", "50.00%"], ["班主任", "2", "33.33%"],
        ["本题有效填写人次", "6", ""]]
    # q3: 5 r1 r4, 4 r2 r7, 3 r3, 2 r5, 0 (不了解) r6
    assert _cells(_table_after(document, "表9 "))[1:] == [
        ["非常满意", "2", "28.57%"], ["满意", "2", "28.57%"], ["一般", "1", "14.29%"],
        ["不满意", "1", "14.29%"], ["非常不满意", "0", "0.00%"], ["不了解", "1", "14.29%"],
        ["本题有效填写人次", "7", ""]]
    # matrix q4 as one table: row r1 5 r1 r4 r6, 4 r2 r7, 3 r3, 2 r5 -> 5 of 7 satisfied;
    # row r2 4 r1 r5 r7, 0 (不了解) r2, 3 r3, 5 r4 r6 -> 5 of 6 satisfied (不了解 left out)
    assert _cells(_table_after(document, "表10 ")) == [
        ["评价项目", "非常满意", "满意", "一般", "不满意", "非常不满意", "不了解", "有效填写人次", "满意度"],
        ["护眼灯照明效果", "3（42.86%）", "2（28.57%）", "1（14.29%）", "1（14.29%）", "0（0.00%）", "0（0.00%）",
         "7", "71.43%"],
        ["维修服务", "2（28.57%）", "3（42.86%）", "1（14.29%）", "0（0.00%）", "0（0.00%）", "1（14.29%）",
         "7", "83.33%"]]
    # q5 number: 3 5 2 4 1 6 (r3 empty) -> mean 3.5, median 3.5, min 1, max 6
    assert _cells(_table_after(document, "表11 ")) == [
        ["统计量", "数值"], ["平均值", "3.5"], ["中位数", "3.5"], ["最小值", "1"], ["最大值", "6"],
        ["本题有效填写人次", "6"]]


def _clustered_wilson(y, m, z=1.959964):
    """The interval as the methods page defines it, by hand: respondents are the clusters."""
    k, n = len(m), sum(m)
    p = sum(y) / n
    v = k / (k - 1) * sum((yi - p * mi) ** 2 for yi, mi in zip(y, m, strict=True)) / n ** 2
    n_eff = min(n, n / (v / (p * (1 - p) / n)))
    centre = (p + z * z / (2 * n_eff)) / (1 + z * z / n_eff)
    half = z / (1 + z * z / n_eff) * math.sqrt(p * (1 - p) / n_eff + z * z / (4 * n_eff * n_eff))
    return f"{percent(round(centre - half, 10))}～{percent(round(centre + half, 10))}"


def test_satisfaction_tables_give_n_respondents_and_clustered_interval(full_report):
    _, document = full_report
    # pooled over q3, q4.r1, q4.r2 of the valid rows, 不了解 left out, per respondent (satisfied y, counted m):
    # r1 5 5 4 -> 3/3; r2 4 4 (0) -> 2/2; r3 3 3 3 -> 0/3; r4 5 5 5 -> 3/3; r5 2 2 4 -> 1/3;
    # r6 (0) 5 5 -> 2/2; r7 4 4 4 -> 3/3  => 14 of 19 answers, 7 respondents
    roles = _cells(_table_after(document, "表5 "))
    assert roles[0] == ["调查对象", "有效评价数", "人数", "满意数", "满意度", "95%置信区间"]
    assert roles[1] == ["家长", "19", "7", "14", "73.68%",
                        _clustered_wilson([3, 2, 0, 3, 1, 2, 3], [3, 2, 3, 3, 3, 2, 3])]
    # s1 = r1-r3 => 5 of 8; s2 = r4-r7 => 9 of 11
    assert _cells(_table_after(document, "表6 "))[1:] == [
        ["第一小学", "8", "3", "5", "62.50%", _clustered_wilson([3, 2, 0], [3, 2, 3])],
        ["第二小学", "11", "4", "9", "81.82%", _clustered_wilson([3, 1, 2, 3], [3, 3, 2, 3])],
    ]


def test_open_question_tables(full_report):
    _, document = full_report
    # answered: 无, 没有, 希望多开展活动, 无。(= 无), 护眼灯很好，光线柔和, 希望多开展活动 -> 6
    assert _cells(_table_after(document, "表13 ")) == [
        ["评价", "词频", "比例"],
        ["无", "2", "33.33%"], ["希望多开展活动", "2", "33.33%"], ["没有", "1", "16.67%"],
        ["护眼灯很好，光线柔和", "1", "16.67%"],
        ["本题有效填写人次", "6", ""],
    ]
    categories = _cells(_table_after(document, "表12 "))
    assert categories[0] == ["类别", "人次", "比例"]
    assert categories[1] == ["无意见", "3", "50.00%"]           # 无, 没有, 无。
    assert categories[-1] == ["本题有效填写人次", "6", ""]
    words = _cells(_table_after(document, "表14 "))
    assert words[0] == ["序号", "词语", "词频", "序号", "词语", "词频"]
    listed = [(row[1], row[2]) for row in words[1:]] + [(row[4], row[5]) for row in words[1:] if row[4]]
    # twice 希望多开展活动 -> 开展 (verb), 活动 (noun); 希望 (a suggestion marker) and 多 (an adverb) left out
    assert ("开展", "2") in listed and ("活动", "2") in listed
    assert all(term not in ("希望", "多", "很") for term, _ in listed)
    assert all(term not in ("无", "没有") for term, _ in listed)  # no-opinion answers left out


def test_score_table_has_merged_levels_subtotals_total_and_grade(full_report):
    _, document = full_report
    table = _table_after(document, "表4 ")
    rows = _cells(table)
    assert rows[0] == ["一级指标", "二级指标", "三级指标", "分值", "指标值", "实际完成值", "得分", "得分率"]
    assert rows[1:4] == [
        ["决策", "项目立项", "立项规范性", "60", "", "", "60.00", "100.00%"],
        ["决策", "项目立项", "小计", "60", "", "", "60.00", "100.00%"],
        ["决策", "决策小计", "决策小计", "60", "", "", "60.00", "100.00%"],
    ]
    # 预算执行率: 95.5 against 100, 2% of the weight per point short: 10 × (1 − 0.02 × 4.5) = 9.10
    assert rows[4] == ["过程", "资金管理", "预算执行率", "10", "=100%", "95.50%", "9.10", "91.00%"]
    assert rows[6][2:] == ["小计", "20", "", "", "19.10", "95.50%"]
    # 家长满意度: 100 × 14/19 = 73.68%; ratio below 90: 20 × 73.684… / 90 = 16.37 (81.85% of 20)
    assert rows[8] == ["效益", "满意度", "家长满意度", "20", "≥90%", "73.68%", "16.37", "81.85%"]
    # total 60 + 9.10 + 10 + 16.37 = 95.47 -> 优
    assert rows[11] == ["合计", "合计", "合计", "100", "", "", "95.47", "95.47%"]
    assert rows[12] == ["评价等级", "评价等级", "评价等级"] + ["优"] * 5
    # merged level cells: one cell for 决策 over its three rows, one for 资金管理 over its three rows
    assert table.cell(1, 0)._tc is table.cell(3, 0)._tc
    assert table.cell(4, 1)._tc is table.cell(6, 1)._tc
    assert table.cell(4, 0)._tc is table.cell(7, 0)._tc
    assert table.cell(1, 0)._tc is not table.cell(4, 0)._tc


def test_sections_option_drops_sections(tmp_path, rep_frame, rep_q, rep_score):
    path = tmp_path / "summary.docx"
    info = build_report({"rep": rep_frame}, {"rep": rep_q}, path, score=rep_score, sections="summary")
    document = _open(path)
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    assert headings == ["一、问卷回收情况"]
    assert [c.split(" ", 1)[1] for c in _captions(document, "表")] == [
        "问卷回收情况", "无效问卷原因", "各单位问卷回收情况"]
    assert len(document.inline_shapes) == 0 and info.figures == ()

    path = tmp_path / "text.docx"
    build_report({"rep": rep_frame}, {"rep": rep_q}, path, sections=["text", "scores"])
    document = _open(path)
    # no score result: the scores section is left out; the text section is numbered 一
    assert [p.text for p in document.paragraphs if p.style.name == "Heading 1"] == ["一、开放题文本分析"]
    assert _captions(document, "表")[0] == "表1 第6题（填空题）回答分类"
    assert len(document.inline_shapes) == 1                      # the word cloud


def test_without_charts_there_are_no_pictures(tmp_path, rep_frame, rep_q):
    path = tmp_path / "plain.docx"
    info = build_report({"rep": rep_frame}, {"rep": rep_q}, path, charts=False)
    assert len(_open(path).inline_shapes) == 0
    assert info.figures == () and len(info.tables) == 13


def test_unknown_section_is_refused():
    with pytest.raises(ValueError, match="unknown report section 'charts'"):
        parse_sections("summary,charts")
    assert parse_sections("text, summary") == ("summary", "text")
    assert parse_sections(None) == ("summary", "scores", "evidence", "satisfaction-text", "text-summary",
                                    "questions", "text")


def test_a_frame_without_its_questionnaire_is_refused(tmp_path, rep_frame, rep_q):
    with pytest.raises(ValueError, match="no questionnaire for the responses of rep"):
        build_report({"rep": rep_frame}, {}, tmp_path / "x.docx")


def test_two_questionnaires_are_ordered_by_role_and_summed(tmp_path, rep_q, rep_frame):
    teacher_yaml = REPORT_YAML.replace("id: rep", "id: rep-t").replace("role: parent", "role: teacher") \
        .replace("测试项目家长满意度调查问卷", "测试项目教师满意度调查问卷")
    teacher_q = parse_questionnaire(teacher_yaml, "rep-t.yaml")
    path = tmp_path / "two.docx"
    build_report({"rep": rep_frame, "rep-t": make_rep_frame(teacher_q)}, {"rep": rep_q, "rep-t": teacher_q}, path,
                 sections="summary,questions", charts=False)
    document = _open(path)
    summary = _cells(_table_after(document, "表1 "))
    assert [row[0] for row in summary[1:]] == ["教师", "家长", "合计"]          # teachers first
    assert summary[3] == ["合计", "合计", "16", "14", "2", "87.50%"]            # 8 + 8 collected, 7 + 7 valid
    units = _cells(_table_after(document, "表3 "))
    assert units[1] == ["单位", "教师", "家长", "小计", "回收份数", "有效率"]
    assert units[2] == ["第一小学", "3", "3", "6", "8", "75.00%"]
    roles = _cells(_table_after(document, "表4 "))
    assert [row[:5] for row in roles[1:]] == [["教师", "19", "7", "14", "73.68%"], ["家长", "19", "7", "14", "73.68%"]]
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 2"]
    assert headings == ["（一）满意度汇总", "（二）教师问卷：测试项目教师满意度调查问卷",
                        "（三）家长问卷：测试项目家长满意度调查问卷"]


def test_a_tall_picture_is_shrunk_to_fit_the_page(tmp_path):
    from docx import Document as new_document
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    from analysis.report import styles

    figure = Figure(figsize=(6, 30))            # 1 : 5, at 14 cm wide it would be 70 cm tall
    FigureCanvasAgg(figure)
    figure.savefig(tmp_path / "tall.png", dpi=20)
    document = new_document()
    styles.setup_document(document)
    styles.picture(document, str(tmp_path / "tall.png"), 14)
    shape = document.inline_shapes[0]
    assert round(shape.height.cm, 1) == 21.0 and round(shape.width.cm, 1) == 4.2
