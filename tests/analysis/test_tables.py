"""Per-question tables: counts, ratios, denominators, matrices, groups and the stats JSON."""

from __future__ import annotations

import pytest

from analysis.tables import all_tables, question_table, stats_json, table_by


def rows(table):
    return [(r.label, r.count, r.ratio) for r in table.rows]


@pytest.fixture
def frame(sample_q, frame_of):
    return frame_of(sample_q, [
        {"q1": "小学", "q2": ["学校通知", "家长群"], "q3": 5, "q4.r1": 5, "q4.r2": 5, "q4.r3": 0, "q5": "是",
         "q6": 4, "q7": 2, "q8": "无", "q9": 3},
        {"q1": "小学", "q2": ["学校通知", "其他"], "q2.other": "邻居说的", "q3": 4, "q4.r1": 4, "q4.r2": 4,
         "q5": "否", "q7": 10, "q9": 1},
        {"q1": "初中", "q2": ["家长群"], "q3": 4, "q4.r1": 3, "q4.r2": 4, "q4.r3": 5, "q5": "否", "q7": 3},
        {"q1": "初中", "q3": 0, "q4.r1": 5, "q4.r2": 2, "q4.r3": 5, "q5": "是", "q6": 5, "q8": "希望多培训"},
    ], unit=["s1", "s2", "s1", "s2"], unit_name=["一小", "二小", "一小", "二小"],
        role=["parent", "parent", "teacher", "parent"])


def test_single_with_tie_and_zero_count(frame, sample_q):
    table = question_table(frame, sample_q, "q1")
    assert table.valid == 4
    assert rows(table) == [("小学", 2, 2 / 4), ("初中", 2, 2 / 4), ("高中", 0, 0.0)]
    assert table.title == "第1题（单选题）：您的孩子就读于哪个学段？"


def test_multiple_uses_respondents_and_can_pass_100_percent(frame, sample_q):
    table = question_table(frame, sample_q, "q2")
    # 3 respondents answered q2 (the fourth skipped it); 5 choices among them
    assert table.valid == 3
    assert rows(table) == [("学校通知", 2, 2 / 3), ("家长群", 2, 2 / 3), ("班主任", 0, 0.0),
                           ("新闻媒体", 0, 0.0), ("其他", 1, 1 / 3)]
    assert sum(r.ratio for r in table.rows) == pytest.approx(5 / 3)
    assert table.others == ["邻居说的"]


def test_scale_keeps_option_order_and_na(frame, sample_q):
    table = question_table(frame, sample_q, "q3")
    assert [r.code for r in table.rows] == [5, 4, 3, 2, 1, 0]
    assert [r.count for r in table.rows] == [1, 2, 0, 0, 0, 1]


def test_hidden_question_counts_only_those_asked(frame, sample_q):
    table = question_table(frame, sample_q, "q6")  # shown only to the two who answered 是 to q5
    assert table.valid == 2
    assert [(r.code, r.count, r.ratio) for r in table.rows if r.count] == [(5, 1, 0.5), (4, 1, 0.5)]


def test_matrix_rows_are_tables(frame, sample_q):
    with pytest.raises(ValueError, match="matrix"):
        question_table(frame, sample_q, "q4")
    r3 = question_table(frame, sample_q, "q4.r3")
    assert r3.id == "q4.r3" and r3.type == "matrix"
    assert r3.text == "请对以下方面进行评价—服务态度"
    assert r3.valid == 3  # one respondent left the row empty
    assert [r.count for r in r3.rows] == [2, 0, 0, 0, 0, 1]
    ids = [t.id for t in all_tables(frame, sample_q)]
    assert ids == ["q1", "q2", "q3", "q4.r1", "q4.r2", "q4.r3", "q5", "q6", "q7", "q8", "q9"]


def test_number_and_text(frame, sample_q):
    number = question_table(frame, sample_q, "q7")
    assert number.answered == 3
    s = number.summary
    assert (s.n, s.mean, s.median, s.min, s.max) == (3, (2 + 10 + 3) / 3, 3.0, 2.0, 10.0)
    text = question_table(frame, sample_q, "q8")
    assert text.answered == 2 and text.rows == []


def test_empty_question(sample_q, frame_of):
    frame = frame_of(sample_q, [{"q1": "小学"}, {"q1": "高中"}])
    table = question_table(frame, sample_q, "q9")
    assert table.valid == 0
    assert rows(table) == [("同意", 0, 0.0), ("说不清", 0, 0.0), ("不同意", 0, 0.0)]
    assert question_table(frame, sample_q, "q7").summary.mean is None


def test_unknown_code_is_an_error(sample_q, frame_of):
    frame = frame_of(sample_q, [{"q1": "大学"}])
    with pytest.raises(ValueError, match="'大学' is not an option code of q1"):
        question_table(frame, sample_q, "q1")


def test_frame_not_changed(frame, sample_q):
    before = frame.copy()
    all_tables(frame, sample_q)
    table_by(frame, sample_q, "q1", by="role")
    assert frame.equals(before)


def test_table_by_unit_and_role(frame, sample_q):
    by_unit = table_by(frame, sample_q, "q1", by="unit")
    assert [(g.group, g.name, g.table.valid) for g in by_unit] == [("s1", "一小", 2), ("s2", "二小", 2)]
    assert rows(by_unit[0].table) == [("小学", 1, 0.5), ("初中", 1, 0.5), ("高中", 0, 0.0)]
    by_role = table_by(frame, sample_q, "q3", by="role")
    assert [(g.group, g.name) for g in by_role] == [("teacher", "教师"), ("parent", "家长")]
    assert [r.count for r in by_role[1].table.rows] == [1, 1, 0, 0, 0, 1]


def test_stats_json_document(frame, sample_q):
    doc = stats_json(frame, sample_q)
    assert list(doc) == ["questions"]
    q2 = doc["questions"][1]
    assert set(q2) >= {"id", "type", "text", "valid", "options"}
    assert q2["options"][0] == {"code": "学校通知", "label": "学校通知", "count": 2, "ratio": 0.6667}
    q3 = doc["questions"][2]
    assert q3["options"][0] == {"code": 5, "label": "非常满意", "count": 1, "ratio": 0.25}
    r1 = doc["questions"][3]
    assert r1["id"] == "q4.r1" and r1["type"] == "matrix"
    q8 = next(q for q in doc["questions"] if q["id"] == "q8")
    assert q8["answered"] == 2 and "options" not in q8
