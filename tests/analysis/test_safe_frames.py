"""neutralise, and the small frame helpers."""

from __future__ import annotations

import pytest

from analysis.frames import META_COLUMNS, empty_frame, filter_frame, valid_only
from analysis.safe import neutralise


@pytest.mark.parametrize("text", ["=SUM(A1:A2)", "+86 123", "-1", "@cmd", "\tx", "\rx"])
def test_formula_starts_get_a_quote(text):
    assert neutralise(text) == "'" + text


@pytest.mark.parametrize("value", ["满意", "a=b", "", 5, -3, 2.5, None])
def test_other_values_unchanged(value):
    assert neutralise(value) == value


def test_empty_frame_has_meta_then_variables(sample_q):
    frame = empty_frame(sample_q)
    assert list(frame.columns) == [*META_COLUMNS, *sample_q.variables]
    assert len(frame) == 0


def test_valid_only_and_filter(sample_q, frame_of):
    frame = frame_of(sample_q, [{"q1": "小学"}] * 4,
                     status=["valid", "invalid:重复提交", "valid", "valid"],
                     unit=["s1", "s1", "s2", None], role=["parent", "parent", "teacher", "parent"])
    before = frame.copy()
    assert valid_only(frame)["response_id"].tolist() == ["r1", "r3", "r4"]
    assert filter_frame(frame, unit=["s1"])["response_id"].tolist() == ["r1", "r2"]
    assert filter_frame(frame, unit="s2", role="teacher")["response_id"].tolist() == ["r3"]
    assert filter_frame(frame, role=["parent"])["response_id"].tolist() == ["r1", "r2", "r4"]
    assert frame.equals(before)
