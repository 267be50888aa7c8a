"""Screening flags: duplicates, speeders, straight-lining."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis.frames import TIMEZONE
from analysis.screening import INFORMATIONAL_FLAGS, screen

T0 = pd.Timestamp("2025-10-09 14:00:00", tz=TIMEZONE)


def at(*seconds):
    return [T0 + pd.Timedelta(seconds=s) for s in seconds]


A = {"q1": "小学", "q3": 5, "q4.r1": 5, "q4.r2": 4, "q4.r3": 5}
B = {"q1": "初中", "q3": 4, "q4.r1": 4, "q4.r2": 4}


def test_duplicates_without_client_use_a_short_window(sample_q, frame_of):
    frame = frame_of(sample_q, [A, A, B, A], submitted_at=at(0, 5, 6, 60))
    flags = screen(frame, sample_q, min_seconds=0, median_fraction=0)
    assert list(flags.columns) == ["response_id", "flag", "reason"]
    # r2 repeats r1 five seconds later; r4 repeats r2 55 s later: over the 10 s window
    assert flags.to_dict("records") == [{"response_id": "r2", "flag": "duplicate",
                                         "reason": "重复提交：与答卷 r1 答案完全相同，间隔5秒（未知设备）"}]


def test_duplicates_by_client_use_the_long_window(sample_q, frame_of):
    frame = frame_of(sample_q, [A, A, A, A], submitted_at=at(0, 200, 250, 900))
    frame["client"] = ["c1", "c1", "c2", "c1"]
    flags = screen(frame, sample_q, min_seconds=0, median_fraction=0, duplicate_window_s=300)
    assert flags["response_id"].tolist() == ["r2"]  # r4 comes 700 s after r2; r3 is another device
    assert "同一设备" in flags["reason"][0]


def test_speeders_absolute_and_median(sample_q, frame_of):
    frame = frame_of(sample_q, [B] * 5, duration_s=[12.0, 200.0, 90.0, 100.0, float("nan")],
                     submitted_at=at(0, 100, 200, 300, 400))
    flags = screen(frame, sample_q, min_seconds=30, median_fraction=0.5)
    # median of 12, 200, 90, 100 is 95; half is 47.5: only r1 (12 s) is below, and it is below 30 already
    assert flags.to_dict("records") == [
        {"response_id": "r1", "flag": "speeder", "reason": "答题时间过短（12秒，少于30秒）"}]
    flags = screen(frame, sample_q, min_seconds=10, median_fraction=0.99)
    # now 12 s is above the minimum but below 0.99 x 95 = 94.05, and so is 90
    assert flags["response_id"].tolist() == ["r1", "r3"]
    assert flags["reason"][0] == "答题时间过短（12秒，不足中位数95秒的99%）"


def test_straight_lining_is_informational(sample_q, frame_of):
    same = {"q4.r1": 5, "q4.r2": 5, "q4.r3": 5}
    partial = {"q4.r1": 5, "q4.r2": 5}
    frame = frame_of(sample_q, [same, partial, A], submitted_at=at(0, 100, 200))
    flags = screen(frame, sample_q, min_seconds=0, median_fraction=0)
    assert flags["response_id"].tolist() == ["r1"]
    assert flags["flag"][0] == "straight_line" and "straight_line" in INFORMATIONAL_FLAGS
    assert "非常满意" in flags["reason"][0] and "仅供参考" in flags["reason"][0]


def test_bad_threshold(sample_q, frame_of):
    with pytest.raises(ValueError):
        screen(frame_of(sample_q, [A]), sample_q, min_seconds=-1)
