"""Targets per unit and role in the units CSV: counts, or enrolment and a margin giving the needed n."""

from __future__ import annotations

import pytest

from questionnaires import InputError
from surveyapp.surveys.units import RoleTarget, UnitRow, parse_units_csv, read_uploaded_units


def test_target_columns_in_english_and_chinese():
    english = parse_units_csv("code,name,district,target_teacher,target_parent\n"
                              "S1,第一小学,城关区,30,200\nS2,第二小学,城关区,,150\n")
    assert english == [UnitRow("S1", "第一小学", "城关区", {"teacher": RoleTarget(30), "parent": RoleTarget(200)}),
                       UnitRow("S2", "第二小学", "城关区", {"parent": RoleTarget(150)})]
    chinese = parse_units_csv("代码,名称,区县,教师目标数,家长目标数\nS1,第一小学,城关区,30,200\n"
                              "S2,第二小学,城关区,,150\n")
    assert chinese == english


def test_enrolment_and_margin_give_the_needed_sample_size():
    # 500 parents at ±5%: 384.146 / (1 + 383.146/500) = 217.49 -> 218 (worked out in test_sampling)
    # 60 teachers at ±10%: 96.04 / (1 + 95.04/60) = 37.17 -> 38
    units = parse_units_csv("代码,名称,家长人数,教师人数,误差\nS1,第一小学,500,,\nS2,第二小学,,60,10%\n")
    assert units[0].targets == {"parent": RoleTarget(218, 500, 0.05)}
    assert units[1].targets == {"teacher": RoleTarget(38, 60, 0.10)}


def test_bad_target_cells_name_row_and_column_in_both_languages():
    text = ("code,name,target_teacher,enrolment_parent,margin,colour\n"
            "S1,一小,-3,,,\nS2,二小,abc,,,\nS3,三小,5,,70,\nS4,四小,,0,,\n")
    with pytest.raises(InputError) as caught:
        parse_units_csv(text, "units.csv")
    message = str(caught.value)
    assert "units.csv: row 1: unknown column 'colour'" in message
    assert "row 2: target of teacher must be between 0 and 10000000, got -3" in message
    assert "row 3: target of teacher 'abc' is not a whole number" in message
    assert "row 4: margin '70' must be a percentage above 0 and at most 50" in message
    assert "row 5: enrolment of parent must be between 1 and 10000000, got 0" in message
    with pytest.raises(InputError) as caught:
        read_uploaded_units(text.encode("utf-8"), "units.csv")
    chinese = dict(caught.value.problems)
    assert chinese["第 1 行"] == "无法识别的列“colour”"
    assert chinese["第 3 行"] == "教师目标数“abc”不是整数"


def test_target_and_enrolment_for_one_role_is_an_error():
    with pytest.raises(InputError, match="row 2: give either a target or an enrolment for parent"):
        parse_units_csv("code,name,target_parent,enrolment_parent\nS1,一小,10,300\n")
