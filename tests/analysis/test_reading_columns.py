"""The column-wise reader: every problem still named by row, column and value, rows numbered as the file
shows them, XLSX through python-calamine, and the same frame for the same answers however they are spelt."""

from __future__ import annotations

import random

import openpyxl
import pandas as pd
import pytest

from analysis.errors import DataError
from analysis.responses import read_responses, write_responses
from questionnaires import clean_answers

from .test_responses import HEADER, write_csv

GOOD = "g{n},sample,parent,s1,一小,2025-10-09T14:03:11+08:00,125,微信,valid,小学,,,5,5,5,5,否,,1,,3"


def test_problems_in_row_then_column_order_with_values(tmp_path, sample_q):
    path = write_csv(tmp_path / "bad.csv", [
        HEADER,
        GOOD.format(n=1),
        # q2.other without 其他, q6 answered although q5 is 否, q7 not a number, q9 unknown label
        "b2,sample,parent,s1,一小,2025-10-09T14:03:11+08:00,125,微信,valid,小学,家长群,朋友,5,5,5,5,否,满意,很多,,好",
        GOOD.format(n=3),
        # the same bad value again is reported again, with its own row; q4.r2 an unknown code
        "b4,sample,parent,s1,一小,2025-10-09T14:03:11+08:00,125,微信,valid,小学,,,5,5,9,5,否,,很多,,3",
    ])
    with pytest.raises(DataError) as caught:
        read_responses([path], {"sample": sample_q})
    assert caught.value.problems == [
        ("row 3, column 'q2.other'", "value '朋友': other text given but 其他 was not chosen in q2"),
        ("row 3, column 'q6'", "value '满意': answered although the question is hidden by its condition "
                               "(q5 in ['是'])"),
        ("row 3, column 'q7'", "value '很多': not a number"),
        ("row 3, column 'q9'", "value '好': '好' is not an option of q9 (同意, 说不清, 不同意)"),
        ("row 5, column 'q4.r2'", "value '9': '9' is not an option of q4 (非常满意, 满意, 一般, 不满意, 非常不满意, "
                                  "不了解)"),
        ("row 5, column 'q7'", "value '很多': not a number"),
    ]


def test_blank_lines_and_multiline_cells_keep_the_row_numbers(tmp_path, sample_q):
    path = write_csv(tmp_path / "gaps.csv", [
        "",
        HEADER,
        GOOD.format(n=1).replace(",1,,3", ',1,"第一行\n第二行",3'),
        ",,,,,,,,,,,,,,,,,,,,",
        GOOD.format(n=2).replace(",1,,3", ",1,,7"),
    ])
    # records: 1 blank, 2 header, 3 answer spread over two lines, 4 empty cells, 5 the bad one
    with pytest.raises(DataError) as caught:
        read_responses([path], {"sample": sample_q})
    assert caught.value.problems == [("row 5, column 'q9'", "value '7': '7' is not an option of q9 (同意, 说不清, "
                                                            "不同意)")]
    fixed = write_csv(tmp_path / "fixed.csv", path.read_text(encoding="utf-8-sig").replace(",1,,7", ",1,,3")
                      .splitlines())
    frame = read_responses([fixed], {"sample": sample_q})["sample"]
    assert frame["response_id"].tolist() == ["g1", "g2"]
    assert frame["q8"].tolist() == ["第一行\n第二行", None]


def test_xlsx_problems_named_by_sheet_row_column_and_value(tmp_path, sample_q):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "sample"
    sheet.append(HEADER.split(","))
    sheet.append(GOOD.format(n=1).split(","))
    sheet.append([])  # an empty row keeps its number
    cells = GOOD.format(n=3).split(",")
    cells[18] = 200  # q7 as a number cell, above the maximum
    cells[12] = 5    # q3 as a number cell: a code
    cells[9] = "大学"
    sheet.append(cells)
    path = tmp_path / "bad.xlsx"
    book.save(path)
    with pytest.raises(DataError) as caught:
        read_responses([path], {"sample": sample_q})
    assert caught.value.problems == [
        ("sheet 'sample', row 4, column 'q1'", "value '大学': '大学' is not an option of q1 (小学, 初中, 高中)"),
        ("sheet 'sample', row 4, column 'q7'", "value '200': above the maximum 168"),
    ]
    sheet.cell(row=4, column=10, value="初中")
    sheet.cell(row=4, column=19, value=2.5)
    book.save(path)
    frame = read_responses([path], {"sample": sample_q})["sample"]
    assert frame["q1"].tolist() == ["小学", "初中"] and frame["q3"].tolist() == [5, 5]
    assert frame["q7"].tolist() == [1, 2.5]


def test_a_row_longer_than_the_header_is_no_silent_drop(tmp_path, sample_q):
    path = write_csv(tmp_path / "long.csv", [HEADER, GOOD.format(n=1), GOOD.format(n=2) + ",多出来的"])
    with pytest.raises(DataError) as caught:
        read_responses([path], {"sample": sample_q})
    assert caught.value.problems == [("column '#22'", "a column with data has no header")]


def test_gb18030_csv(tmp_path, sample_q):
    path = tmp_path / "gbk.csv"
    path.write_bytes(("\r\n".join([HEADER, GOOD.format(n=1)]) + "\r\n").encode("gb18030"))
    frame = read_responses([path], {"sample": sample_q})["sample"]
    assert frame["q1"].tolist() == ["小学"] and frame["unit_name"].tolist() == ["一小"]


def test_rows_of_several_questionnaires_in_one_file(tmp_path, sample_q):
    from questionnaires import parse_questionnaire

    from .conftest import SAMPLE_YAML

    other = parse_questionnaire(SAMPLE_YAML.replace("id: sample", "id: other"), "other.yaml")
    path = write_csv(tmp_path / "both.csv", [
        HEADER, GOOD.format(n=1), GOOD.format(n=2).replace(",sample,", ",other,"), GOOD.format(n=3),
        GOOD.format(n=4).replace(",sample,", ",nosuch,"),
    ])
    with pytest.raises(DataError) as caught:
        read_responses([path], {"sample": sample_q, "other": other})
    assert caught.value.problems == [("row 5, column 'questionnaire'",
                                      "value 'nosuch': no such questionnaire (known: sample, other)")]
    write_csv(path, path.read_text(encoding="utf-8-sig").splitlines()[:-1])
    frames = read_responses([path], {"sample": sample_q, "other": other})
    assert frames["sample"]["response_id"].tolist() == ["g1", "g3"]
    assert frames["other"]["response_id"].tolist() == ["g2"]
    assert frames["other"]["questionnaire"].tolist() == ["other"]


def test_many_rows_give_what_clean_answers_gives_row_by_row(tmp_path, sample_q, frame_of):
    """500 random rows (labels, codes, blanks, hidden and other texts): the frame read column by column
    holds, row by row, exactly what questionnaires.clean_answers makes of that row's cells."""
    rng = random.Random(7)
    q = sample_q
    choices = {
        "q1": ["小学", "初中", "高中", ""], "q2": ["学校通知", "家长群┋其他", "其他", "班主任┋新闻媒体", ""],
        "q2.other": ["朋友", ""], "q3": ["5", "满意", "一般", "0", ""], "q4.r1": ["5", "4", "非常满意", ""],
        "q4.r2": ["3", "不了解", ""], "q4.r3": ["1", "2", ""], "q5": ["是", "否"], "q6": ["满意", "5", ""],
        "q7": ["1", "2.5", "168", "0", ""], "q8": ["无", " 希望多培训 ", ""], "q9": ["同意", "1", "2", ""],
    }
    lines = [HEADER]
    raws = []
    for n in range(500):
        raw = {var: rng.choice(values) for var, values in choices.items()}
        if raw["q5"] == "否":
            raw["q6"] = ""
        if "其他" not in raw["q2"]:
            raw["q2.other"] = ""
        raws.append(raw)
        lines.append(f"r{n},sample,parent,s1,一小,,,,valid," + ",".join(raw[v] for v in q.variables))
    path = write_csv(tmp_path / "many.csv", lines)
    frame = read_responses([path], {"sample": q})["sample"]
    for pos, raw in enumerate(raws):
        expected, problems = clean_answers(q, raw, enforce_required=False)
        assert problems == []
        got = {var: value for var, value in frame.iloc[pos][q.variables].items() if value is not None}
        assert got == expected, pos
    # and the frame written again reads back the same
    again = read_responses([write_responses(frame, q, tmp_path / "again.csv")], {"sample": q})["sample"]
    pd.testing.assert_frame_equal(again, frame)


def test_an_id_of_an_earlier_file_is_a_repeat(tmp_path, sample_q):
    first = write_csv(tmp_path / "a.csv", [HEADER, GOOD.format(n=1), GOOD.format(n=2)])
    second = write_csv(tmp_path / "b.csv", [HEADER, GOOD.format(n=3), GOOD.format(n=2)])
    with pytest.raises(DataError) as caught:
        read_responses([first, second], {"sample": sample_q})
    assert caught.value.source == str(second)
    assert caught.value.problems == [("row 3", f"response_id 'g2' repeats {first}, row 3")]
