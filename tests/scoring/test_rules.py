"""Scoring rules at and around their boundaries; expected scores worked out by hand in each case."""

from decimal import Decimal as D

import pytest

from analysis.scoring.model import ChecklistItem, Rule
from analysis.scoring.rules import apply_rule, round_half_up, round_score, rule_outcome


def score(rule: Rule, weight, value=None) -> D:
    return round_score(apply_rule(rule, D(str(weight)), None if value is None else D(str(value))))


@pytest.mark.parametrize(("raw", "expected"), [
    ("2.675", "2.68"),     # float round() would give 2.67
    ("2.665", "2.67"),
    ("2.6749", "2.67"),
    ("0.005", "0.01"),
    ("1.004999", "1.00"),
    ("4.5500", "4.55"),
])
def test_scores_round_half_up_to_two_decimals(raw, expected):
    assert round_score(D(raw)) == D(expected)


def test_round_half_up_to_whole_numbers():
    assert round_half_up(D("88.6"), 0) == D(89)
    assert round_half_up(D("88.5"), 0) == D(89)
    assert round_half_up(D("88.4999"), 0) == D(88)


def test_manual_gives_the_written_score():
    assert score(Rule("manual", score=D("3.5")), 5) == D("3.50")


@pytest.mark.parametrize(("met", "expected"), [(True, "4"), (False, "0")])
def test_yes_no(met, expected):
    assert score(Rule("yes_no", met=met), 4) == D(expected)


def test_checklist_sums_the_shares_met():
    items = (ChecklistItem("a", D("0.25"), True), ChecklistItem("b", D("0.25"), True),
             ChecklistItem("c", D("0.25"), False), ChecklistItem("d", D("0.25"), True))
    # 4 × (0.25 + 0.25 + 0.25) = 3
    assert score(Rule("checklist", items=items), 4) == D("3.00")


def test_checklist_with_shares_below_one_and_none_met():
    items = (ChecklistItem("a", D("0.2"), False), ChecklistItem("b", D("0.3"), False))
    assert score(Rule("checklist", items=items), 5) == D(0)
    items = (ChecklistItem("a", D("0.2"), True), ChecklistItem("b", D("0.3"), False))
    assert score(Rule("checklist", items=items), 5) == D("1.00")  # 5 × 0.2


def test_proportional_budget_execution():
    # 10 × 88.6 / 100 = 8.86
    assert score(Rule("proportional"), 10, "88.6") == D("8.86")


def test_proportional_rounds_the_value_first_when_asked():
    # 88.6 rounded to 89, then 10 × 89 / 100 = 8.9
    assert score(Rule("proportional", round_value=0), 10, "88.6") == D("8.90")
    # 88.45 to one decimal is 88.5 (half up), 10 × 88.5 / 100 = 8.85
    assert score(Rule("proportional", round_value=1), 10, "88.45") == D("8.85")


def test_proportional_never_exceeds_the_weight_nor_goes_below_zero():
    assert score(Rule("proportional"), 10, "104.2") == D(10)
    assert score(Rule("proportional"), 10, "-3") == D(0)


DEDUCT = Rule("deduct_below", threshold=D(100), per_point=D(2), floor=D(60))


@pytest.mark.parametrize(("value", "expected"), [
    ("100", "5"),          # exactly at the threshold: full weight
    ("101", "5"),          # above it
    ("99.99", "5.00"),     # 5 × (1 − 0.02 × 0.01) = 4.999 -> 5.00
    ("95.5", "4.55"),      # the domain example: 5 × 0.91
    ("60", "1.00"),        # at the floor the formula still applies: 5 × (1 − 0.02 × 40) = 1
    ("59.99", "0"),        # just below the floor: 0
])
def test_deduct_below_with_floor(value, expected):
    assert score(DEDUCT, 5, value) == D(expected)


def test_deduct_below_domain_example_is_w_times_091():
    for w in (5, 10, 4):
        assert apply_rule(DEDUCT, D(w), D("95.5")) == D(w) * D("0.91")


def test_deduct_below_is_clamped_at_zero_without_a_floor():
    rule = Rule("deduct_below", threshold=D(90), per_point=D(5))
    # 1 − 0.05 × 20 = 0 at 70; below it would be negative
    assert score(rule, 6, "70") == D(0)
    assert score(rule, 6, "50") == D(0)
    # 6 × (1 − 0.05 × 19.9) = 6 × 0.005 = 0.03
    assert score(rule, 6, "70.1") == D("0.03")


def test_deduct_below_per_point_one():
    rule = Rule("deduct_below", threshold=D(90), per_point=D(1))
    # 6 × (1 − 0.01 × 2.5) = 5.85
    assert score(rule, 6, "87.5") == D("5.85")


ABOVE = Rule("deduct_above", threshold=D(100), per_point=D(5), ceiling=D(110))


@pytest.mark.parametrize(("value", "expected"), [
    ("100", "4"),          # at the threshold
    ("97.2", "4"),         # below: lower is better
    ("100.5", "3.90"),     # 4 × (1 − 0.05 × 0.5) = 3.9
    ("110", "2.00"),       # at the ceiling: 4 × (1 − 0.05 × 10) = 2
    ("110.01", "0"),       # just above the ceiling
])
def test_deduct_above_with_ceiling(value, expected):
    assert score(ABOVE, 4, value) == D(expected)


def test_deduct_above_is_clamped_at_zero():
    rule = Rule("deduct_above", threshold=D(12), per_point=D(10))
    # 1 − 0.1 × 10 = 0 at 22, negative beyond
    assert score(rule, 3, "22") == D(0)
    assert score(rule, 3, "30") == D(0)


RATIO = Rule("ratio_below", threshold=D(90))


@pytest.mark.parametrize(("value", "expected"), [
    ("90", "12"),
    ("95", "12"),
    ("89.99", "12.00"),    # 12 × 89.99 / 90 = 11.9986... -> 12.00
    ("85", "11.33"),       # 12 × 85 / 90 = 11.3333
    ("0", "0"),
])
def test_ratio_below(value, expected):
    assert score(RATIO, 12, value) == D(expected)


def test_ratio_below_in_other_units():
    # 1185 classrooms against 1200: 6 × 1185 / 1200 = 5.925 -> 5.93 (half up)
    assert score(Rule("ratio_below", threshold=D(1200)), 6, 1185) == D("5.93")


def test_value_rules_need_a_value():
    with pytest.raises(ValueError, match="needs an actual value"):
        apply_rule(RATIO, D(5), None)


# -- outcomes: the case that applied and its numbers, for the report's sentences ----------------------------

def outcome(rule: Rule, weight, value=None):
    return rule_outcome(rule, D(str(weight)), None if value is None else D(str(value)))


@pytest.mark.parametrize(("rule", "value", "case", "gap", "deduction", "fraction", "clamped"), [
    (Rule("manual", score=D("3.5")), None, "manual", None, None, None, False),
    (Rule("yes_no", met=True), None, "met", None, None, None, False),
    (Rule("yes_no", met=False), None, "not_met", None, None, None, False),
    # 0.25 + 0.25 met of 0.25 x 4
    (Rule("checklist", items=(ChecklistItem("a", D("0.25"), True), ChecklistItem("b", D("0.25"), False),
                              ChecklistItem("c", D("0.25"), True))), None, "checklist", None, None, "0.5", False),
    # 88.6 rounded to 89 first: 89 / 100
    (Rule("proportional", round_value=0), "88.6", "proportional", None, None, "0.89", False),
    (Rule("proportional"), "104", "proportional", None, None, "1.04", True),      # held at the weight
    (Rule("deduct_below", threshold=D(100), per_point=D(2), floor=D(60)), "100", "full", None, None, None,
     False),
    # 4.5 points short, 2% each: 9% of the weight deducted (domain example, w x 0.91)
    (Rule("deduct_below", threshold=D(100), per_point=D(2), floor=D(60)), "95.5", "deducted", "4.5", "9.0",
     None, False),
    (Rule("deduct_below", threshold=D(100), per_point=D(2), floor=D(60)), "59.9", "below_floor", None, None,
     None, False),
    # 60 points short at 2% each: 120% deducted, nothing left
    (Rule("deduct_below", threshold=D(100), per_point=D(2)), "40", "deducted", "60", "120", None, True),
    (ABOVE, "97.2", "full", None, None, None, False),
    (ABOVE, "100.5", "deducted", "0.5", "2.5", None, False),                      # 0.5 over at 5% each
    (ABOVE, "110.01", "above_ceiling", None, None, None, False),
    (RATIO, "95", "full", None, None, None, False),
    (RATIO, "85", "ratio", None, None, "85/90", False),
])
def test_outcomes_name_the_case_and_its_numbers(rule, value, case, gap, deduction, fraction, clamped):
    found = outcome(rule, 4, value)
    assert found.case == case
    assert found.gap == (None if gap is None else D(gap))
    assert found.deduction == (None if deduction is None else D(deduction))
    if fraction is not None and "/" in fraction:
        top, bottom = fraction.split("/")
        assert found.fraction == D(top) / D(bottom)
    else:
        assert found.fraction == (None if fraction is None else D(fraction))
    assert found.clamped is clamped
    assert found.score == apply_rule(rule, D(4), None if value is None else D(value))


def test_the_proportional_outcome_keeps_the_rounded_value():
    assert outcome(Rule("proportional", round_value=0), 10, "88.6").value == D(89)
    assert outcome(Rule("proportional", round_value=1), 10, "88.65").value == D("88.7")
