"""The combined rows × options table of a matrix question, with each row's satisfaction."""

from __future__ import annotations

import math
from dataclasses import replace

import pytest

from analysis.matrix_tables import matrix_json, matrix_table, matrix_tables


@pytest.fixture
def frame(sample_q, frame_of):
    return frame_of(sample_q, [
        {"q4.r1": 5, "q4.r2": 2, "q4.r3": 0},
        {"q4.r1": 4, "q4.r2": 4, "q4.r3": 4},
        {"q4.r1": 5, "q4.r3": 5},
        {"q4.r1": 1},
        {"q3": 5},                      # no matrix answer at all
    ])


def test_rows_by_options_with_counts_ratios_and_satisfaction(frame, sample_q):
    table = matrix_table(frame, sample_q, "q4")
    assert table.title == "第4题（矩阵量表题）：请对以下方面进行评价"
    assert table.option_labels == ["非常满意", "满意", "一般", "不满意", "非常不满意", "不了解"]
    assert [r.text for r in table.rows] == ["平台操作便捷性", "培训效果", "服务态度"]
    r1, r2, r3 = table.rows
    # r1: 5, 4, 5, 1 -> 2 非常满意, 1 满意, 1 非常不满意 of 4; 3 of 4 satisfied
    assert r1.counts == [2, 1, 0, 0, 1, 0] and r1.valid == 4
    assert r1.ratios == [0.5, 0.25, 0.0, 0.0, 0.25, 0.0]
    assert (r1.rate, r1.n) == (0.75, 4)
    # plain Wilson for one answer per person: 3 of 4
    z = 1.959964
    centre = (0.75 + z * z / 8) / (1 + z * z / 4)
    half = z / (1 + z * z / 4) * math.sqrt(0.75 * 0.25 / 4 + z * z / 64)
    assert r1.ci95 == pytest.approx((centre - half, centre + half))
    # r2: 2, 4 -> 1 of 2; r3: 0 (不了解), 4, 5 -> 2 of 2 counted, 不了解 shown but not in the rate
    assert r2.counts == [0, 1, 0, 1, 0, 0] and (r2.rate, r2.n, r2.valid) == (0.5, 2, 2)
    assert r3.counts == [1, 1, 0, 0, 0, 1] and (r3.rate, r3.n, r3.valid) == (1.0, 2, 3)
    assert r3.ratios[5] == pytest.approx(1 / 3)
    assert table.method == "top_box" and table.valid == 4


def test_json_and_all_matrices(frame, sample_q):
    tables = matrix_tables(frame, sample_q)
    assert [t.id for t in tables] == ["q4"]
    doc = matrix_json(tables[0])
    assert doc["rows"][1] == {"id": "q4.r2", "text": "培训效果", "counts": [0, 1, 0, 1, 0, 0],
                              "ratios": [0.0, 0.5, 0.0, 0.5, 0.0, 0.0], "valid": 2, "rate": 0.5, "n": 2,
                              "ci95": doc["rows"][1]["ci95"]}
    assert doc["options"][0] == "非常满意" and doc["valid"] == 4



def test_row_tables_already_computed_are_used_as_they_are(frame, sample_q):
    """The statistics page and workbook pass the rows' tables they already have; those are not counted again."""
    from analysis.tables import all_tables

    tables = {t.id: t for t in all_tables(frame, sample_q)}
    assert matrix_tables(frame, sample_q, tables) == matrix_tables(frame, sample_q)
    doctored = {**tables, "q4.r1": replace(tables["q4.r1"], valid=99)}
    assert matrix_table(frame, sample_q, "q4", doctored).rows[0].valid == 99

def test_only_matrix_questions(frame, sample_q):
    with pytest.raises(ValueError, match="not a matrix"):
        matrix_table(frame, sample_q, "q3")
    with pytest.raises(ValueError, match="not a matrix"):
        matrix_table(frame, sample_q, "q4.r1")
