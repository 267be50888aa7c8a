"""Satisfaction rates, intervals, groups and shares."""

from __future__ import annotations

import math

import pytest

from analysis.satisfaction import satisfaction, satisfaction_by, satisfaction_json, share, wilson_interval


def wilson_by_hand(k, n, z=1.959964):
    p = k / n
    denominator = 1 + z ** 2 / n
    centre = (p + z ** 2 / (2 * n)) / denominator
    margin = z * math.sqrt(p * (1 - p) / n + z ** 2 / (4 * n ** 2)) / denominator
    return centre - margin, centre + margin


@pytest.mark.parametrize("k,n", [(46, 50), (1, 7), (9, 9), (0, 12), (300, 450)])
def test_wilson_matches_formula(k, n):
    low, high = wilson_interval(k, n)
    want_low, want_high = wilson_by_hand(k, n)
    assert low == pytest.approx(max(0.0, want_low), abs=1e-12)
    assert high == pytest.approx(min(1.0, want_high), abs=1e-12)


def test_domain_example_50_answers_46_satisfied():
    low, high = wilson_interval(46, 50)
    assert 0.80 < low < 0.82 and 0.96 < high < 0.98  # "roughly 81%-97%"


def test_wilson_needs_answers():
    with pytest.raises(ValueError):
        wilson_interval(0, 0)


@pytest.fixture
def frame(sample_q, frame_of):
    # q3: 5, 4, 3, 0(不了解), 4 ; q4 rows for the first two respondents only
    return frame_of(sample_q, [
        {"q3": 5, "q4.r1": 5, "q4.r2": 2, "q4.r3": 0, "q9": 3, "q2": ["学校通知"]},
        {"q3": 4, "q4.r1": 4, "q4.r2": 4, "q4.r3": 4, "q9": 2, "q2": ["家长群", "班主任"]},
        {"q3": 3, "q9": 1, "q2": ["班主任"]},
        {"q3": 0},
        {"q3": 4, "q9": 3},
    ], unit=["s1", "s1", "s2", "s2", "s2"], unit_name=["一小", "一小", "二小", "二小", "二小"])


def test_top_box_excludes_na(frame, sample_q):
    result = satisfaction(frame, sample_q, ["q3"])
    # answers 5,4,3,4 count (不了解 left out); satisfied 5,4,4
    assert (result.n, result.na, result.satisfied) == (4, 1, 3)
    assert result.rate == 3 / 4
    assert result.ci95 == pytest.approx(wilson_by_hand(3, 4))


def test_pooled_matrix_and_question(frame, sample_q):
    result = satisfaction(frame, sample_q, ["q3", "q4"])
    # q3: 4 answers, 3 satisfied; q4 rows: 5,2,(0),4,4,4 -> 5 answers, 4 satisfied, 1 na
    assert (result.n, result.na, result.satisfied) == (9, 2, 7)
    assert result.rate == 7 / 9
    one_row = satisfaction(frame, sample_q, "q4.r2")
    assert (one_row.n, one_row.satisfied) == (2, 1)


def test_score_method(frame, sample_q):
    result = satisfaction(frame, sample_q, ["q3"], method="score")
    scores = [100, 80, 60, 80]
    mean = sum(scores) / 4
    sd = math.sqrt(sum((s - mean) ** 2 for s in scores) / 3)
    assert result.rate == pytest.approx(mean)
    assert result.ci95 == pytest.approx((mean - 1.959964 * sd / 2, mean + 1.959964 * sd / 2))


def test_all_na_gives_no_rate(sample_q, frame_of):
    frame = frame_of(sample_q, [{"q3": 0}, {"q3": 0}, {}])
    result = satisfaction(frame, sample_q, ["q3"])
    assert (result.rate, result.n, result.na, result.ci95) == (None, 0, 2, None)
    doc = satisfaction_json(result)
    assert doc["rate"] is None and doc["ci95"] is None


def test_scale_without_satisfied_is_a_clear_error(frame, sample_q):
    with pytest.raises(ValueError, match="no satisfied codes"):
        satisfaction(frame, sample_q, ["q9"])
    scored = satisfaction(frame, sample_q, ["q9"], method="score")
    assert scored.rate == pytest.approx((100 + 50 + 0 + 100) / 4)


@pytest.mark.parametrize("bad", ["q1", "q7", "q99", "q4.r9"])
def test_only_rating_questions(frame, sample_q, bad):
    with pytest.raises(ValueError):
        satisfaction(frame, sample_q, [bad])


def test_by_unit_and_json(frame, sample_q):
    parts = satisfaction_by(frame, sample_q, ["q3"], by="unit")
    assert [(g.group, g.name, g.n, g.satisfied) for g in parts] == [("s1", "一小", 2, 2),
                                                                    ("s2", "二小", 2, 1)]
    assert parts[1].rate == 0.5
    doc = satisfaction_json(satisfaction(frame, sample_q, ["q3"]), parts)
    assert list(doc)[:5] == ["method", "rate", "n", "ci95", "na"]
    assert doc["rate"] == 0.75 and doc["n"] == 4
    low, high = wilson_by_hand(3, 4)
    assert doc["ci95"] == [round(low, 4), round(high, 4)]
    assert doc["groups"][1] == {"group": "s2", "name": "二小", "rate": 0.5, "n": 2,
                                "ci95": [round(v, 4) for v in wilson_by_hand(1, 2)], "na": 1, "satisfied": 1,
                                "respondents": 2, "n_effective": 2.0, "cluster": "respondent"}


def test_share(frame, sample_q):
    # q2 answered by 3; 班主任 chosen by 2 of them, 家长群 or 班主任 by the same 2
    assert share(frame, sample_q, "q2", ["班主任"]).count == 2
    result = share(frame, sample_q, "q2", ["家长群", "班主任"])
    assert (result.count, result.n, result.rate) == (2, 3, 2 / 3)
    by_code = share(frame, sample_q, "q3", [5, "满意"])  # codes or labels
    assert (by_code.count, by_code.n) == (3, 5)
    with pytest.raises(ValueError, match="not an option"):
        share(frame, sample_q, "q3", ["很好"])
