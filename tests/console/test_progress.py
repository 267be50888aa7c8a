"""Collection progress: counts per unit x role against responses inserted here, today in Beijing time."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from surveyapp.progress.services import survey_progress

TEACHER = {"q1": "小学", "q2": "5年及以下", "q3": ["学科教师"], "q4": "从未使用"}


def _survey(make_survey):
    return make_survey(["student-lamps", "teacher-platform"])


def test_progress_counts_per_unit_and_role(app, make_survey, add_response):
    survey = _survey(make_survey)
    # 10:00 on 9 October in Beijing = 02:00 UTC; the Beijing day began at 16:00 UTC on 8 October.
    now = datetime(2025, 10, 9, 2, 0, tzinfo=UTC)
    yesterday_late = datetime(2025, 10, 8, 15, 59, tzinfo=UTC)    # 23:59 Beijing, 8 Oct
    midnight = datetime(2025, 10, 8, 16, 0, tzinfo=UTC)           # 00:00 Beijing, 9 Oct
    morning = datetime(2025, 10, 9, 1, 0, tzinfo=UTC)             # 09:00 Beijing
    later = datetime(2025, 10, 9, 1, 30, tzinfo=UTC)
    add_response(survey, "student", "S1", submitted_at=yesterday_late)
    add_response(survey, "student", "S1", submitted_at=midnight)
    add_response(survey, "student", "S1", submitted_at=morning)
    add_response(survey, "student", "S1", submitted_at=later, status="invalid", reason="答题过快")
    add_response(survey, "teacher", "S2", submitted_at=yesterday_late - timedelta(hours=5), answers=TEACHER)
    add_response(survey, "teacher", "S2", submitted_at=yesterday_late - timedelta(hours=1), answers=TEACHER)

    progress = survey_progress(survey, now=now)
    assert progress.roles == ["teacher", "student"]
    assert progress.day_start == midnight
    s1, s2 = progress.rows
    assert (s1.code, s2.code) == ("S1", "S2")
    # S1 students: 4 collected, 3 valid, 3 today (midnight, morning, later), last at 01:30 UTC
    st = s1.by_role["student"]
    assert (st.collected, st.valid, st.invalid, st.today, st.last_at) == (4, 3, 1, 3, later)
    assert (s1.by_role["teacher"].collected, s1.by_role["teacher"].last_at) == (0, None)
    # S2 teachers: 2 collected, both valid, none today
    te = s2.by_role["teacher"]
    assert (te.collected, te.valid, te.today, te.last_at) == (2, 2, 0, yesterday_late - timedelta(hours=1))
    assert (s2.total.collected, s2.total.valid, s2.total.today) == (2, 2, 0)
    # totals: 6 collected = 5 valid + 1 invalid; 3 today
    total = progress.total.total
    assert (total.collected, total.valid, total.invalid, total.today, total.last_at) == (6, 5, 1, 3, later)
    assert progress.total.by_role["student"].collected == 4


def test_responses_without_unit_get_their_own_row(app, make_survey, add_response):
    survey = _survey(make_survey)
    add_response(survey, "student", None)
    progress = survey_progress(survey)
    assert [r.name for r in progress.rows] == ["第一小学", "第二小学", "（未指定单位）"]
    assert progress.rows[2].total.collected == 1


def test_progress_page_and_json(console, make_survey, add_response):
    survey = _survey(make_survey)
    now = datetime.now(UTC)
    beijing_midnight = datetime.now(ZoneInfo("Asia/Shanghai")).replace(hour=0, minute=0, second=0,
                                                                      microsecond=0)
    two_days_ago = beijing_midnight - timedelta(days=2)
    add_response(survey, "student", "S2", submitted_at=max(now - timedelta(seconds=5), beijing_midnight))
    add_response(survey, "student", "S2", submitted_at=two_days_ago, status="invalid", reason="重复提交")
    add_response(survey, "teacher", "S1", submitted_at=two_days_ago, answers=TEACHER)

    html = console.get(f"/console/surveys/{survey.slug}/progress").get_data(as_text=True)
    assert "回收进度" in html and "第二小学" in html and "教师" in html and "学生" in html

    data = console.get(f"/console/surveys/{survey.slug}/progress.json").get_json()
    assert [r["role"] for r in data["roles"]] == ["teacher", "student"]
    rows = {r["unit"]: r for r in data["rows"]}
    assert rows["S2"]["roles"]["student"] == {**rows["S2"]["roles"]["student"], "collected": 2, "valid": 1,
                                              "invalid": 1, "today": 1}
    assert rows["S1"]["roles"]["teacher"]["collected"] == 1 and rows["S1"]["roles"]["teacher"]["today"] == 0
    assert data["total"]["total"]["collected"] == 3 and data["total"]["total"]["valid"] == 2
    assert data["total"]["total"]["today"] == 1
