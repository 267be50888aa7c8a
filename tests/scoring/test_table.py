"""The score table: terminal alignment with Chinese text, CSV with BOM, and the XLSX appendix table."""

import csv
from decimal import Decimal as D

import openpyxl
import pytest
import yaml

from analysis.scoring import (
    format_score_table,
    parse_indicators,
    score_system,
    write_score_csv,
    write_score_xlsx,
)
from analysis.scoring.table import HEADERS, display_width, format_percent, format_value

DOC = {
    "format": 1, "title": "护眼灯项目绩效评价",
    "grades": [{"grade": "优", "min": 90}, {"grade": "良", "min": 80}, {"grade": "差", "min": 0}],
    "indicators": [
        {"name": "决策", "children": [
            {"name": "资金投入", "children": [
                {"name": "预算编制", "weight": 4, "rule": {"type": "yes_no", "met": True}},
                {"name": "资金分配", "weight": 6, "rule": {"type": "yes_no", "met": True},
                 "override": {"score": 5.5, "reason": "=专家评议"}},
            ]},
            {"name": "绩效目标", "children": [
                {"name": "目标明确", "weight": 5, "rule": {"type": "manual", "score": 4}},
            ]},
        ]},
        {"name": "过程", "children": [
            {"name": "资金管理", "children": [
                {"name": "预算执行率", "weight": 5, "target": "=100%", "value": 95.5,
                 "rule": {"type": "deduct_below", "threshold": 100, "per_point": 2, "floor": 60}},
                {"name": "覆盖学校数", "weight": 80, "target": "≥25所", "value": 27,
                 "rule": {"type": "ratio_below", "threshold": 25}},
            ]},
        ]},
    ],
}


@pytest.fixture
def result():
    system = parse_indicators(yaml.safe_dump(DOC, allow_unicode=True), "t.yaml")
    return score_system(system, {}, {})


def test_the_result_behind_the_tables(result):
    # 4 + 5.5 (override of 6) + 4 + 5 × 0.91 + 80 = 98.05
    assert result.total == D("98.05") and result.grade == "优" and result.weight_sum == 100


def test_display_width_counts_chinese_as_two_columns():
    assert display_width("abc") == 3
    assert display_width("预算执行率") == 10
    assert display_width("≥95%") == 4


def test_number_formats():
    assert format_percent(D("0.91")) == "91.00%"
    assert format_percent(D("0.08"), signed=True) == "+8.00%"
    assert format_percent(D("-0.7"), signed=True) == "-70.00%"
    assert format_value(D("95.5"), "%") == "95.50%"
    assert format_value(D("1.52"), "万人") == "1.52万人"
    assert format_value(D(27), "所") == "27所"


def test_terminal_table_columns_line_up(result):
    lines = format_score_table(result).splitlines()
    assert lines[0] == "护眼灯项目绩效评价"
    header, rule, *body = lines[2:]
    assert header.split() == list(HEADERS)
    # every column starts where the rule's dashes start, whatever the width of the Chinese text
    starts = [i for i, ch in enumerate(rule) if ch == "-" and (i == 0 or rule[i - 1] == " ")]

    def columns_of(line):
        out, col = [], 0
        for ch in line:
            out.append(col)
            col += display_width(ch)
        return out

    execution = next(line for line in body if "预算执行率" in line)
    positions = columns_of(execution)
    assert positions[execution.index("预算执行率")] == starts[2]
    assert positions[execution.index("=100%")] == starts[4]
    # numbers are right-aligned: the score ends where its column's dashes end
    ends = [i for i, ch in enumerate(rule) if ch == "-" and (i + 1 == len(rule) or rule[i + 1] == " ")]
    score_end = positions[execution.index("4.55")] + len("4.55") - 1
    assert score_end == ends[6]
    assert "91.00%" in execution and "未达成" in execution and "-4.50%" in execution
    schools = next(line for line in body if "覆盖学校数" in line)
    assert "27所" in schools and "+8.00%" in schools and "达成" in schools


def test_terminal_table_shows_subtotals_total_grade_and_override(result):
    text = format_score_table(result)
    lines = text.splitlines()
    subtotal = next(line for line in lines if "决策小计" in line)
    assert subtotal.split()[-3:] == ["15", "13.50", "90.00%"]      # 4 + 5.5 + 4 of 15
    total = next(line for line in lines if line.startswith("合计"))
    assert total.split()[1:] == ["100", "98.05", "98.05%"]
    assert next(line for line in lines if line.startswith("评价等级")).split()[-1] == "优"
    assert "计算得分6.00，调整为5.50，理由：=专家评议" in text


def test_csv_has_a_bom_repeated_names_and_neutralised_text(result, tmp_path):
    path = write_score_csv(result, tmp_path / "scores.csv")
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(raw.decode("utf-8-sig").splitlines()))
    assert rows[0] == list(HEADERS)
    assert rows[1] == ["决策", "资金投入", "预算编制", "4", "", "", "4.00", "100.00%", "", "", ""]
    override = rows[2]
    assert override[6] == "5.50" and override[10].startswith("计算得分6.00")
    execution = next(r for r in rows if r[2] == "预算执行率")
    assert execution[3:10] == ["5", "'=100%", "95.50%", "4.55", "91.00%", "未达成", "-4.50%"]
    assert ["决策", "资金投入", "小计", "10", "", "", "9.50", "95.00%", "", "", ""] in rows
    assert rows[-2][:8] == ["合计", "", "", "100", "", "", "98.05", "98.05%"]
    assert rows[-1][0] == "评价等级" and rows[-1][6] == "优"


def test_csv_neutralises_formula_like_names(tmp_path):
    doc = yaml.safe_load(yaml.safe_dump(DOC, allow_unicode=True))
    doc["indicators"][0]["children"][0]["children"][0]["name"] = "=HYPERLINK(\"x\")"
    result = score_system(parse_indicators(yaml.safe_dump(doc, allow_unicode=True)), {}, {})
    text = write_score_csv(result, tmp_path / "s.csv").read_text(encoding="utf-8-sig")
    assert "'=HYPERLINK" in text
    wb = openpyxl.load_workbook(write_score_xlsx(result, tmp_path / "s.xlsx"))
    cell = wb.active["C3"]
    assert cell.value == "=HYPERLINK(\"x\")" and cell.data_type == "s" and cell.quotePrefix


def test_xlsx_appendix_table(result, tmp_path):
    path = write_score_xlsx(result, tmp_path / "scores.xlsx")
    sheet = openpyxl.load_workbook(path).active
    assert sheet["A1"].value == "护眼灯项目绩效评价"
    assert [c.value for c in sheet[2]] == list(HEADERS)
    # rows: 3 预算编制, 4 资金分配, 5 小计 (资金投入), 6 目标明确, 7 小计 (绩效目标), 8 决策小计,
    #       9 预算执行率, 10 覆盖学校数, 11 小计 (资金管理), 12 过程小计, 13 合计, 14 评价等级
    merged = {str(r) for r in sheet.merged_cells.ranges}
    assert {"A1:K1", "A3:A8", "B3:B5", "B6:B7", "B8:C8", "A9:A12", "B9:B11", "B12:C12", "A13:C13",
            "A14:C14", "D14:K14"} <= merged
    assert (sheet["A3"].value, sheet["B3"].value, sheet["B6"].value) == ("决策", "资金投入", "绩效目标")
    assert (sheet["C5"].value, sheet["D5"].value, sheet["G5"].value) == ("小计", 10, 9.5)
    assert (sheet["B8"].value, sheet["D8"].value, sheet["G8"].value) == ("决策小计", 15, 13.5)
    assert (sheet["A13"].value, sheet["D13"].value, sheet["G13"].value, sheet["H13"].value) == (
        "合计", 100, 98.05, 0.9805)
    assert (sheet["A14"].value, sheet["D14"].value) == ("评价等级", "优")
    row = [c.value for c in sheet[9]]
    assert row[2:10] == ["预算执行率", 5, "=100%", 0.955, 4.55, 0.91, "未达成", -0.045]
    assert sheet["E9"].data_type == "s" and sheet["E9"].quotePrefix     # text, not a formula
    assert not sheet["C9"].quotePrefix
    assert sheet["F9"].number_format == "0.00%" and sheet["H9"].number_format == "0.00%"
    assert sheet["G9"].number_format == "0.00" and "+0.00%" in sheet["J9"].number_format
    assert sheet["F10"].value == "27所"
    assert sheet["K4"].value.startswith("计算得分6.00，调整为5.50，理由：")
    assert sheet["C9"].border.left.style == "thin" and sheet["G13"].border.bottom.style == "thin"
    assert sheet["A2"].font.bold
