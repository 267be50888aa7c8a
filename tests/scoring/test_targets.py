"""Targets as written in reports: numeric ones give met / not met and the deviation rate."""

from decimal import Decimal as D

import pytest

from analysis.scoring.targets import parse_target


@pytest.mark.parametrize(("text", "op", "number", "unit"), [
    ("≥95%", ">=", "95", "%"),
    (">=95%", ">=", "95", "%"),
    ("=100%", "=", "100", "%"),
    ("≤12个月", "<=", "12", "个月"),
    ("≥1.4万人", ">=", "1.4", "万人"),
    ("27", None, "27", ""),
    ("> 3 次", ">", "3", "次"),
    ("＜5%", "<", "5", "%"),          # full-width sign
    ("≥1,200间", ">=", "1200", "间"),
])
def test_numeric_targets(text, op, number, unit):
    target = parse_target(text)
    assert target is not None
    assert (target.op, target.number, target.unit) == (op, D(number), unit)


@pytest.mark.parametrize("text", ["2025年12月31日", "提高", "2025-12-31", "", "≥", "有效提升", None])
def test_words_and_dates_are_not_numeric(text):
    assert parse_target(text) is None


def test_met_and_not_met():
    assert parse_target("≥95%").met(D(95)) is True
    assert parse_target("≥95%").met(D("94.99")) is False
    assert parse_target("=100%").met(D(100)) is True
    assert parse_target("=100%").met(D("95.5")) is False
    assert parse_target("≤12个月").met(D(12)) is True
    assert parse_target("≤12个月").met(D(13)) is False
    assert parse_target(">3次").met(D(3)) is False
    assert parse_target("<5%").met(D("4.9")) is True


def test_a_bare_number_is_a_floor_unless_lower_is_better():
    target = parse_target("27")
    assert target.met(D(28)) is True
    assert target.met(D(26)) is False
    assert target.met(D(28), lower_is_better=True) is False


def test_deviation_rate_examples_from_self_evaluation_tables():
    # (27 − 25) / 25 = +0.08
    assert parse_target("≥25").deviation(D(27)) == D("0.08")
    # (12 − 40) / 40 = −0.7
    assert parse_target("≥40").deviation(D(12)) == D("-0.7")
    # (95.5 − 100) / 100 = −0.045
    assert parse_target("=100%").deviation(D("95.5")) == D("-0.045")


def test_no_deviation_against_zero():
    assert parse_target("=0次").deviation(D(1)) is None
