"""The collection summary of the Word appendix shows targets per unit and role with completion."""

from __future__ import annotations

from docx import Document

from analysis.report import build_report
from questionnaires import parse_questionnaire

from .conftest import REPORT_YAML, UNIT_NAMES, make_rep_frame
from .test_document import _captions, _cells, _table_after


def test_targets_and_completion_in_the_summary(tmp_path):
    questionnaire = parse_questionnaire(REPORT_YAML, "rep.yaml")
    frame = make_rep_frame(questionnaire)
    path = tmp_path / "report.docx"
    targets = [("s2", UNIT_NAMES["s2"], "parent", 4), ("s1", UNIT_NAMES["s1"], "parent", 5),
               ("s3", "第三学校", "parent", 10)]
    build_report({"rep": frame}, {"rep": questionnaire}, path, sections="summary", targets=targets)
    document = Document(str(path))
    assert any(c.endswith("各单位目标完成情况") for c in _captions(document, "表"))
    cells = _cells(_table_after(document, _captions(document, "表")[-1]))
    # valid responses: s1 r1..r3 = 3 of 5 -> 60.00%; s2 r4..r7 = 4 of 4 -> 100.00%; s3 none of 10
    assert cells == [["单位", "调查对象", "目标数", "有效份数", "完成率", "是否达标"],
                     [UNIT_NAMES["s1"], "家长", "5", "3", "60.00%", "否"],
                     [UNIT_NAMES["s2"], "家长", "4", "4", "100.00%", "是"],
                     ["第三学校", "家长", "10", "0", "0.00%", "否"]]
    text = "\n".join(p.text for p in document.paragraphs)
    assert "共为3个单位和调查对象设定了有效问卷目标数，其中1个已达到目标，2个未达到目标。" in text


def test_no_targets_no_table(tmp_path):
    questionnaire = parse_questionnaire(REPORT_YAML, "rep.yaml")
    path = tmp_path / "report.docx"
    build_report({"rep": make_rep_frame(questionnaire)}, {"rep": questionnaire}, path, sections="summary")
    assert not any("目标完成情况" in c for c in _captions(Document(str(path)), "表"))
