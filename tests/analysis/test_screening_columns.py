"""Screening column by column gives, on a random frame, what the rules give response by response."""

from __future__ import annotations

import math
import random

import pandas as pd

from analysis.frames import TIMEZONE
from analysis.screening import screen

T0 = pd.Timestamp("2025-10-09 14:00:00", tz=TIMEZONE)


def key(value):
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, list):
        return tuple(str(v) for v in value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def reference_duplicates(frame, q, window, content_window):
    """The rule as written: same answers (same client when known) within the window; the later is flagged."""
    variables = q.variables
    flags = []
    rows = frame.to_dict("records")
    for later, row in enumerate(rows):
        content = tuple(key(row[v]) for v in variables)
        if all(c is None for c in content) or pd.isna(row["submitted_at"]):
            continue
        client = row.get("client")
        known = isinstance(client, str) and client != ""  # None, NaN and "" are no client
        candidates = []
        for earlier, other in enumerate(rows):
            if earlier == later or pd.isna(other["submitted_at"]):
                continue
            other_client = other.get("client")
            other_known = isinstance(other_client, str) and other_client != ""
            same_key = other_known and client == other_client if known else not other_known
            if not same_key or tuple(key(other[v]) for v in variables) != content:
                continue
            candidates.append(earlier)
        # the response just before this one in time (ties in frame order) of the same answers
        before = [e for e in candidates if (rows[e]["submitted_at"], e) < (row["submitted_at"], later)]
        if not before:
            continue
        earlier = max(before, key=lambda e: (rows[e]["submitted_at"], e))
        gap = (row["submitted_at"] - rows[earlier]["submitted_at"]).total_seconds()
        if gap <= (window if known else content_window):
            flags.append((later, rows[earlier]["response_id"], gap, known))
    return flags


def test_random_frame_matches_the_rules_row_by_row(sample_q, frame_of):
    rng = random.Random(3)
    answers = [{"q1": rng.choice(["小学", "初中"]), "q2": rng.choice([["学校通知"], ["家长群", "班主任"], None]),
                "q3": rng.choice([5, 5.0, 4]), "q4.r1": rng.choice([5, 4]), "q4.r2": rng.choice([5, 4]),
                "q4.r3": rng.choice([5, 4, None])} for _ in range(160)]
    times = [T0 + pd.Timedelta(seconds=rng.choice([0, 3, 5, 8, 12, 40, 250, 400])) + pd.Timedelta(minutes=i // 20)
             for i in range(160)]
    times[7] = pd.NaT
    frame = frame_of(sample_q, answers, submitted_at=times,
                     duration_s=[float(rng.choice([10, 50, 100, 200])) for _ in range(160)])
    frame["client"] = [rng.choice(["c1", "c2", "", None]) for _ in range(160)]
    flags = screen(frame, sample_q, min_seconds=0, median_fraction=0, duplicate_window_s=300, content_window_s=10)
    found = flags[flags["flag"] == "duplicate"]
    expected = reference_duplicates(frame, sample_q, 300, 10)
    assert len(expected) > 5  # the frame has duplicates of both kinds
    assert found["response_id"].tolist() == [frame["response_id"][pos] for pos, *_ in expected]
    assert found["reason"].tolist() == [
        f"重复提交：与答卷 {rid} 答案完全相同，间隔{int(gap) if gap.is_integer() else f'{gap:.1f}'}秒"
        f"（{'同一设备' if known else '未知设备'}）" for _, rid, gap, known in expected]
    lines = flags[flags["flag"] == "straight_line"]
    same = [pos for pos, a in enumerate(answers) if a["q4.r3"] is not None and a["q4.r1"] == a["q4.r2"] == a["q4.r3"]]
    assert lines["response_id"].tolist() == [frame["response_id"][pos] for pos in same]
