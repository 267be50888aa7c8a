"""Reading and writing response files: round trips, every bad cell reported, the hosted tool's export."""

from __future__ import annotations

import csv

import openpyxl
import pandas as pd
import pytest

from analysis.errors import DataError
from analysis.responses import read_responses, write_responses, write_responses_xlsx
from questionnaires import InputError, parse_questionnaire

from .conftest import SAMPLE_YAML

HEADER = ("response_id,questionnaire,role,unit,unit_name,submitted_at,duration_s,channel,status,"
          "q1,q2,q2.other,q3,q4.r1,q4.r2,q4.r3,q5,q6,q7,q8,q9")


def answers():
    return [
        {"q1": "小学", "q2": ["学校通知", "其他"], "q2.other": "=HYPERLINK(\"x\")", "q3": 5, "q4.r1": 5,
         "q4.r2": 4, "q4.r3": 0, "q5": "是", "q6": 4, "q7": 2.5, "q8": "-希望多培训", "q9": 3},
        {"q1": "初中", "q3": 4, "q4.r1": 5, "q4.r2": 4, "q4.r3": 3, "q5": "否", "q7": 3, "q9": 1},
        {"q1": "高中", "q2": ["家长群", "班主任", "新闻媒体"], "q3": 1, "q4.r1": 2, "q4.r2": 1, "q4.r3": 1,
         "q5": "是", "q6": 0, "q7": 0, "q8": "@无", "q9": 2},
    ]


def write_csv(path, lines, bom=True):
    path.write_text("\n".join(lines) + "\n", encoding="utf-8-sig" if bom else "utf-8")
    return path


@pytest.mark.parametrize("suffix", ["csv", "xlsx"])
def test_round_trip(tmp_path, sample_q, frame_of, suffix):
    frame = frame_of(sample_q, answers(), unit=["s1", None, "s2"], unit_name=["第一小学", None, "第二中学"],
                     status=["valid", "invalid:重复提交", "valid"], duration_s=[120.0, float("nan"), 45.5])
    path = write_responses(frame, sample_q, tmp_path / f"out.{suffix}")
    back = read_responses([path], {"sample": sample_q})
    assert list(back) == ["sample"]
    pd.testing.assert_frame_equal(back["sample"], frame)


def test_csv_columns_labels_and_injection(tmp_path, sample_q, frame_of):
    frame = frame_of(sample_q, answers())
    path = write_responses(frame, sample_q, tmp_path / "out.csv")
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert list(rows[0]) == HEADER.split(",")
    assert rows[0]["submitted_at"] == "2025-10-09T14:00:00+08:00"
    assert rows[0]["q2"] == "学校通知┋其他"
    assert rows[0]["q3"] == "非常满意"
    assert rows[0]["q4.r3"] == "不了解"
    assert rows[0]["q2.other"] == "'=HYPERLINK(\"x\")"
    assert rows[0]["q8"] == "'-希望多培训"
    assert rows[2]["q8"] == "'@无"
    assert rows[1]["q6"] == ""  # hidden: q5 is 否
    assert rows[0]["q7"] == "2.5" and rows[1]["q7"] == "3"


def test_xlsx_sheet_per_questionnaire_with_text_as_string_cells(tmp_path, sample_q, frame_of):
    other = parse_questionnaire(SAMPLE_YAML.replace("id: sample", "id: other"), "other.yaml")
    frames = {"sample": frame_of(sample_q, answers()), "other": frame_of(other, answers()[:1])}
    frames["other"]["questionnaire"] = "other"
    path = write_responses_xlsx(frames, {"sample": sample_q, "other": other}, tmp_path / "all.xlsx")
    book = openpyxl.load_workbook(path, read_only=True)
    try:
        assert book.sheetnames == ["sample", "other"]
        rows = list(book["sample"].iter_rows(values_only=True))
    finally:
        book.close()
    header = list(rows[0])
    # formula-like text is a string cell as typed: no ' in XLSX (the CSV keeps its guard)
    assert rows[1][header.index("q8")] == "-希望多培训"
    assert rows[1][header.index("q2.other")] == "=HYPERLINK(\"x\")"
    assert rows[3][header.index("q8")] == "@无"
    cells = openpyxl.load_workbook(path)["sample"]
    assert {cells.cell(2, header.index("q8") + 1).data_type, cells.cell(2, header.index("q2.other") + 1).data_type,
            cells.cell(4, header.index("q8") + 1).data_type} == {"s"}
    assert rows[1][header.index("q7")] == 2.5  # numbers stay numbers
    back = read_responses([path], {"sample": sample_q, "other": other})
    assert sorted(back) == ["other", "sample"]
    assert len(back["sample"]) == 3 and len(back["other"]) == 1


def test_codes_or_labels_and_no_bom(tmp_path, sample_q):
    path = write_csv(tmp_path / "in.csv", [
        HEADER,
        "a1,sample,parent,s1,一小,2025-10-09T14:03:11+08:00,125,微信,valid,"
        "小学,学校通知┋家长群,,5,非常满意,4,0,是,满意,12,无,同意",
        "a2,sample,parent,s1,一小,2025-10-09 15:00:00,,手机,valid,初中,,,满意,5,5,5,否,,0,,3",
    ], bom=False)
    frame = read_responses(path, {"sample": sample_q})["sample"]
    first, second = frame.iloc[0], frame.iloc[1]
    assert first["q2"] == ["学校通知", "家长群"]
    assert first["q3"] == 5 and first["q4.r1"] == 5 and first["q4.r2"] == 4 and first["q4.r3"] == 0
    assert first["q6"] == 4 and first["q7"] == 12 and first["q9"] == 3
    assert first["duration_s"] == 125.0
    assert second["q3"] == 4 and second["q9"] == 3 and second["q2"] is None
    # a time without offset is Beijing time
    assert second["submitted_at"] == pd.Timestamp("2025-10-09T07:00:00Z")
    assert pd.isna(second["duration_s"])


def test_every_bad_cell_reported_and_nothing_read(tmp_path, sample_q):
    path = write_csv(tmp_path / "bad.csv", [
        HEADER,
        "b1,sample,parent,s1,一小,2025-10-09T14:03:11+08:00,125,微信,valid,大学,,,5,5,5,5,否,,1,,3",
        "b2,sample,parent,s1,一小,2025-10-09T14:03:11+08:00,125,微信,valid,小学,学校通知┋报纸,,很好,5,5,5,"
        "否,满意,200,,3",
    ])
    with pytest.raises(DataError) as caught:
        read_responses([path], {"sample": sample_q})
    error = caught.value
    assert isinstance(error, InputError)
    assert error.source == str(path)
    places = [place for place, _ in error.problems]
    assert places == ["row 2, column 'q1'", "row 3, column 'q2'", "row 3, column 'q3'", "row 3, column 'q6'",
                      "row 3, column 'q7'"]
    text = error.message
    assert "value '大学'" in text and "'大学' is not an option of q1" in text
    assert "'报纸' is not an option of q2" in text
    assert "value '很好'" in text
    assert "hidden" in error.problems[3][1]  # q6 answered although q5 is 否
    assert "above the maximum 168" in error.problems[4][1]


def test_unknown_and_missing_columns(tmp_path, sample_q):
    header = HEADER.replace(",q9", ",q99")
    path = write_csv(tmp_path / "cols.csv", [header, "c1,sample,parent,,,,,,valid,小学,,,5,5,5,5,否,,1,,3"])
    with pytest.raises(DataError) as caught:
        read_responses([path], {"sample": sample_q})
    problems = dict(caught.value.problems)
    assert "unknown column" in problems["column 'q99'"]
    assert "missing column for variable q9" in problems["column 'q9'"]


def test_meta_problems_named(tmp_path, sample_q):
    path = write_csv(tmp_path / "meta.csv", [
        HEADER,
        "m1,sample,grandma,,,yesterday,-4,,ok,小学,,,5,5,5,5,否,,1,,3",
        "m2,nosuch,parent,,,,,,valid,小学,,,5,5,5,5,否,,1,,3",
    ])
    with pytest.raises(DataError) as caught:
        read_responses([path], {"sample": sample_q})
    places = [p for p, _ in caught.value.problems]
    assert places == ["row 2, column 'role'", "row 2, column 'status'", "row 2, column 'submitted_at'",
                      "row 2, column 'duration_s'", "row 3, column 'questionnaire'"]


def test_duplicate_response_ids(tmp_path, sample_q):
    row = "d1,sample,parent,,,,,,valid,小学,,,5,5,5,5,否,,1,,3"
    path = write_csv(tmp_path / "dup.csv", [HEADER, row, row])
    with pytest.raises(DataError, match=r"row 3.*response_id 'd1' repeats"):
        read_responses([path], {"sample": sample_q})


def test_error_in_one_file_reads_none(tmp_path, sample_q):
    good = write_csv(tmp_path / "good.csv", [HEADER, "g1,sample,parent,,,,,,valid,小学,,,5,5,5,5,否,,1,,3"])
    bad = write_csv(tmp_path / "bad.csv", [HEADER, "x1,sample,parent,,,,,,valid,小学,,,5,5,5,5,否,,1,,9"])
    with pytest.raises(DataError) as caught:
        read_responses([good, bad], {"sample": sample_q})
    assert caught.value.source == str(bad)
    assert caught.value.problems[0][0] == "row 2, column 'q9'"


def test_questionnaire_guessed_without_column(tmp_path, sample_q):
    changed = SAMPLE_YAML.replace("id: sample", "id: other").replace("- id: q9", "- id: q10")
    other = parse_questionnaire(changed, "other.yaml")
    header = HEADER.replace("questionnaire,", "")
    path = write_csv(tmp_path / "noq.csv", [header, "n1,parent,,,,,,valid,小学,,,5,5,5,5,否,,1,,3"])
    frames = read_responses([path], {"other": other, "sample": sample_q})
    assert list(frames) == ["sample"]
    assert frames["sample"]["questionnaire"].tolist() == ["sample"]


def test_not_a_response_file(tmp_path, sample_q):
    path = tmp_path / "x.txt"
    path.write_text("hello", encoding="utf-8")
    with pytest.raises(DataError, match="unsupported file type"):
        read_responses([path], {"sample": sample_q})
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    with pytest.raises(DataError, match="empty"):
        read_responses([empty], {"sample": sample_q})


# -- the hosted survey tool's export ---------------------------------------------------------------------

HOSTED_HEADER = [
    "序号", "提交答卷时间", "所用时间", "来源", "来源详情", "来自IP",
    "1、您的孩子就读于哪个学段？", "2、您通过哪些渠道了解本项目？（可多选）",
    "3、您对本项目的总体情况是否满意？",
    "4、请对以下方面进行评价—平台操作便捷性", "4、(培训效果)", "4、服务态度",
    "5、您是否参加过培训？", "6、您对培训的效果是否满意？", "7、您每周使用平台大约几小时？",
    "8、您对本项目还有什么意见或建议？", "9、您是否同意继续实施本项目？",
]


def write_hosted(path, rows):
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HOSTED_HEADER)
        writer.writerows(rows)
    return path


def test_hosted_export(tmp_path, sample_q):
    path = write_hosted(tmp_path / "wjx.csv", [
        ["1", "2025/10/9 14:03:11", "125秒", "微信", "N/A", "10.0.0.1(广东-广州)", "小学",
         "学校通知┋其他〖邻居告知〗", "非常满意", "非常满意", "满意", "不了解", "否", "(跳过)", "3", "(空)",
         "同意"],
        ["2", "2025/10/9 14:05:00", "2分5秒", "手机提交", "", "", "初中", "家长群", "满意", "满意", "满意",
         "满意", "是", "一般", "1.5", "希望多开展活动", "说不清"],
    ])
    changed = SAMPLE_YAML.replace("id: sample", "id: other").replace("平台操作便捷性", "别的")
    other = parse_questionnaire(changed, "other.yaml")
    frame = read_responses([path], {"other": other, "sample": sample_q})["sample"]
    first, second = frame.iloc[0], frame.iloc[1]
    assert frame["response_id"].tolist() == ["1", "2"]
    assert frame["questionnaire"].tolist() == ["sample", "sample"]
    assert frame["role"].tolist() == ["parent", "parent"]
    assert frame["status"].tolist() == ["valid", "valid"]
    assert frame["channel"].tolist() == ["微信", "手机"]
    assert frame["duration_s"].tolist() == [125.0, 125.0]
    assert first["submitted_at"] == pd.Timestamp("2025-10-09T14:03:11+08:00")
    assert first["q2"] == ["学校通知", "其他"] and first["q2.other"] == "邻居告知"
    assert first["q4.r3"] == 0 and first["q6"] is None and first["q8"] is None
    assert second["q4.r2"] == 4 and second["q6"] == 3 and second["q7"] == 1.5 and second["q9"] == 2
    assert second["q8"] == "希望多开展活动"


def test_hosted_mismatches_reported_by_row_and_column(tmp_path, sample_q):
    path = write_hosted(tmp_path / "wjx.csv", [
        ["1", "2025/10/9 14:03:11", "很久", "微信", "", "", "大学", "", "满意", "满意", "满意", "满意", "否",
         "", "3", "", "同意"],
    ])
    with pytest.raises(DataError) as caught:
        read_responses([path], {"sample": sample_q})
    problems = caught.value.problems
    assert problems[0] == ("row 2, column '所用时间'", "value '很久': not a duration like '125秒'")
    assert problems[1][0] == "row 2, column '1、您的孩子就读于哪个学段？'"
    assert "'大学' is not an option of q1" in problems[1][1]


def test_hosted_titles_must_match(tmp_path, sample_q):
    header = list(HOSTED_HEADER)
    header[8] = "3、您对学校的总体情况是否满意？"
    path = tmp_path / "wjx.csv"
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        csv.writer(handle).writerow(header[:-1])
    with pytest.raises(DataError) as caught:
        read_responses([path], {"sample": sample_q})
    problems = dict(caught.value.problems)
    assert "does not match question q3" in problems["column '3、您对学校的总体情况是否满意？'"]
    assert "missing column for q9" in problems["column '9、您是否同意继续实施本项目？'"]
