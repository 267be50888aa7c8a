"""Satisfaction intervals with the design effect of pooled answers (respondents or units as clusters).

Every expected value is worked out here by hand from the formula of the methods page:
p = Σy/Σm, v = k/(k-1)·Σ(y_i - p·m_i)²/(Σm)², deff = v / (p(1-p)/n), n_eff = min(n, n/deff), and the
Wilson interval at p with n_eff in place of n.
"""

from __future__ import annotations

import math

import pytest

from analysis.intervals import design_effect, effective_n
from analysis.satisfaction import satisfaction, satisfaction_by, satisfaction_json

Z = 1.959964


def wilson(p, n):
    centre = (p + Z ** 2 / (2 * n)) / (1 + Z ** 2 / n)
    half = Z / (1 + Z ** 2 / n) * math.sqrt(p * (1 - p) / n + Z ** 2 / (4 * n * n))
    return max(0.0, centre - half), min(1.0, centre + half)


def n_eff_by_hand(y, m):
    k, n = len(m), sum(m)
    p = sum(y) / n
    v = k / (k - 1) * sum((yi - p * mi) ** 2 for yi, mi in zip(y, m, strict=True)) / n ** 2
    deff = v / (p * (1 - p) / n)
    return min(n, n / deff)


@pytest.fixture
def pooled(sample_q, frame_of):
    # q3 and the three rows of matrix q4 (code 0 = 不了解, not counted)
    return frame_of(sample_q, [
        {"q3": 5, "q4.r1": 5, "q4.r2": 4, "q4.r3": 5},   # A: 4 counted, 4 satisfied
        {"q3": 2, "q4.r1": 1, "q4.r2": 2, "q4.r3": 3},   # B: 4 counted, 0 satisfied
        {"q3": 4, "q4.r1": 3, "q4.r2": 0, "q4.r3": 4},   # C: 3 counted, 2 satisfied
        {"q3": 5, "q4.r1": 5, "q4.r2": 5},               # D: 3 counted, 3 satisfied
        {"q3": 0},                                       # E: nothing counted: not a respondent
    ])


def test_pooled_questions_use_respondents_as_clusters(pooled, sample_q):
    result = satisfaction(pooled, sample_q, ["q3", "q4"])
    assert (result.n, result.satisfied, result.respondents, result.na) == (14, 9, 4, 2)
    # by hand: p = 9/14; residuals y - p·m = 20/14, -36/14, 1/14, 15/14
    # v = 4/3 · (400 + 1296 + 1 + 225)/196 / 14² ; p(1-p)/n = 45/(196·14)
    deff = (4 / 3 * 1922 / 196 / 196) / (45 / (196 * 14))
    assert deff == pytest.approx(107632 / 26460)
    assert result.n_effective == pytest.approx(14 / deff)
    assert result.n_effective == pytest.approx(n_eff_by_hand([4, 0, 2, 3], [4, 4, 3, 3]))
    assert result.ci95 == pytest.approx(wilson(9 / 14, 14 / deff))
    # far wider than the 14 answers taken as independent people would give
    naive = wilson(9 / 14, 14)
    assert result.ci95[1] - result.ci95[0] > 1.5 * (naive[1] - naive[0])
    assert design_effect([4, 0, 2, 3], [4, 4, 3, 3]) == pytest.approx(deff)


def test_one_question_once_per_person_is_the_plain_wilson_interval(pooled, sample_q):
    result = satisfaction(pooled, sample_q, ["q3"])
    # q3: 5, 2, 4, 5 counted (不了解 left out): 3 of 4
    assert (result.n, result.respondents, result.n_effective) == (4, 4, 4)
    assert result.ci95 == pytest.approx(wilson(3 / 4, 4))


def test_all_satisfied_gives_n_effective_equal_to_the_clusters(sample_q, frame_of):
    frame = frame_of(sample_q, [{"q3": 5, "q4.r1": 4, "q4.r2": 5, "q4.r3": 5}] * 3)
    result = satisfaction(frame, sample_q, ["q3", "q4"])
    assert (result.n, result.respondents, result.rate) == (12, 3, 1.0)
    assert result.n_effective == 3
    assert result.ci95 == pytest.approx(wilson(1.0, 3))


@pytest.fixture
def schools(sample_q, frame_of):
    # one question, one answer each: 4/4 satisfied in s1, 1/3 in s2, 2/3 in s3
    answers = [5, 4, 5, 4, 5, 2, 1, 4, 4, 3]
    units = ["s1"] * 4 + ["s2"] * 3 + ["s3"] * 3
    return frame_of(sample_q, [{"q3": a} for a in answers], unit=units,
                    unit_name=[{"s1": "一小", "s2": "二小", "s3": "三小"}[u] for u in units])


def test_units_as_clusters(schools, sample_q):
    result = satisfaction(schools, sample_q, ["q3"], cluster="unit")
    assert (result.n, result.satisfied, result.respondents, result.cluster) == (10, 7, 10, "unit")
    # by hand: p = 0.7; residuals 4 - 2.8 = 1.2, 1 - 2.1 = -1.1, 2 - 2.1 = -0.1
    v = 3 / 2 * (1.2 ** 2 + 1.1 ** 2 + 0.1 ** 2) / 100
    deff = v / (0.7 * 0.3 / 10)
    assert result.n_effective == pytest.approx(10 / deff)
    assert result.ci95 == pytest.approx(wilson(0.7, 10 / deff))
    # respondents as clusters: one answer each, the plain interval
    plain = satisfaction(schools, sample_q, ["q3"])
    assert plain.n_effective == 10 and plain.ci95 == pytest.approx(wilson(0.7, 10))


def test_unit_clusters_within_one_unit_are_its_respondents(schools, sample_q):
    parts = satisfaction_by(schools, sample_q, ["q3"], by="unit", cluster="unit")
    assert [(g.name, g.n, g.respondents, g.cluster) for g in parts] == [
        ("一小", 4, 4, "respondent"), ("二小", 3, 3, "respondent"), ("三小", 3, 3, "respondent")]
    assert parts[1].ci95 == pytest.approx(wilson(1 / 3, 3))
    by_role = satisfaction_by(schools, sample_q, ["q3"], by="role", cluster="unit")
    assert by_role[0].cluster == "unit" and by_role[0].ci95 == pytest.approx(
        satisfaction(schools, sample_q, ["q3"], cluster="unit").ci95)


def test_groups_carry_respondents_and_their_own_interval(pooled, sample_q):
    frame = pooled.assign(unit=["s1", "s1", "s2", "s2", "s2"])
    parts = satisfaction_by(frame, sample_q, ["q3", "q4"], by="unit")
    # s1: A (4 of 4) and B (0 of 4); s2: C (2 of 3), D (3 of 3), E (nothing counted)
    assert [(g.group, g.n, g.satisfied, g.respondents) for g in parts] == [("s1", 8, 4, 2), ("s2", 6, 5, 2)]
    s1 = n_eff_by_hand([4, 0], [4, 4])   # 2/1 · (2² + 2²)/64 / (0.25/8) = 8: deff 8, one effective answer each
    assert parts[0].n_effective == pytest.approx(s1) and s1 == pytest.approx(1.0)
    assert parts[0].ci95 == pytest.approx(wilson(0.5, 1.0))
    doc = satisfaction_json(satisfaction(frame, sample_q, ["q3", "q4"]), parts)
    assert doc["respondents"] == 4 and doc["n"] == 14
    assert [(g["respondents"], g["n_effective"]) for g in doc["groups"]] == [(2, 1.0), (2, round(
        n_eff_by_hand([2, 3], [3, 3]), 2))]


def test_score_method_clustered(pooled, sample_q):
    result = satisfaction(pooled, sample_q, ["q3", "q4"], method="score")
    scores = {"A": [100, 100, 80, 100], "B": [30, 0, 30, 60], "C": [80, 60, 80], "D": [100, 100, 100]}
    every = [s for person in scores.values() for s in person]
    n = len(every)
    mean = sum(every) / n
    s2 = sum((s - mean) ** 2 for s in every) / (n - 1)
    t = [sum(person) for person in scores.values()]
    m = [len(person) for person in scores.values()]
    v = 4 / 3 * sum((ti - mean * mi) ** 2 for ti, mi in zip(t, m, strict=True)) / n ** 2
    n_eff = min(n, n / (v / (s2 / n)))
    assert result.rate == pytest.approx(mean)
    assert result.n_effective == pytest.approx(n_eff)
    half = Z * math.sqrt(s2) / math.sqrt(n_eff)
    assert result.ci95 == pytest.approx((mean - half, mean + half))


def test_effective_n_checks_input():
    with pytest.raises(ValueError):
        effective_n([1, 2], [1])
    with pytest.raises(ValueError):
        effective_n([0], [0])


def test_unknown_cluster_is_an_error(pooled, sample_q):
    with pytest.raises(ValueError, match="cluster"):
        satisfaction(pooled, sample_q, ["q3"], cluster="school")
