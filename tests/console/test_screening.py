"""Screening: flags from analysis.screening, a response's answers, invalid/valid with reason and history."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from surveyapp.extensions import db
from surveyapp.models import Response, StatusChange
from surveyapp.screening.services import set_response_status
from tests.conftest import count_rows

from .conftest import STUDENT_ANSWERS, csrf_token

T0 = datetime(2025, 10, 9, 2, 0, tzinfo=UTC)


def _flagged_survey(make_survey, add_response):
    survey = make_survey()
    first = add_response(survey, "student", "S1", submitted_at=T0, duration_s=200)
    again = add_response(survey, "student", "S1", submitted_at=T0 + timedelta(seconds=4), duration_s=190)
    fast = add_response(survey, "student", "S2", submitted_at=T0 + timedelta(hours=1), duration_s=12,
                        answers={**STUDENT_ANSWERS, "q11": "无"})
    calm = add_response(survey, "student", "S2", submitted_at=T0 + timedelta(hours=2), duration_s=240,
                        answers={**STUDENT_ANSWERS, "q11": "希望多开展活动"})
    return survey, first, again, fast, calm


def test_screening_page_lists_flagged_responses(console, make_survey, add_response):
    survey, first, again, fast, calm = _flagged_survey(make_survey, add_response)
    html = console.get(f"/console/surveys/{survey.slug}/screening").get_data(as_text=True)
    assert "可疑答卷（2）" in html                       # the repeat and the speeder; not the first, not calm
    assert again.public_id in html and fast.public_id in html
    assert f"public_id={first.public_id}" not in html and f"/responses/{first.public_id}" not in html
    assert f"/responses/{calm.public_id}" not in html
    assert "重复提交" in html and "答题过快" in html and "12秒" in html
    only = console.get(f"/console/surveys/{survey.slug}/screening?flag=speeder").get_data(as_text=True)
    assert "可疑答卷（1）" in only
    assert f"/responses/{fast.public_id}" in only and f"/responses/{again.public_id}" not in only


def test_response_page_shows_labels_and_escapes_open_answers(console, make_survey, add_response):
    survey = make_survey()
    response = add_response(survey, "student", "S1",
                            answers={**STUDENT_ANSWERS, "q7": 5, "q11": "<script>alert('x')</script>"})
    url = f"/console/surveys/{survey.slug}/responses/{response.public_id}"
    html = console.get(url).get_data(as_text=True)
    assert "非常满意" in html                              # the label of code 5, not the code
    assert "你对教室护眼灯的照明效果" in html
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in html
    assert "（未显示）" in html                            # q10 is hidden for a day pupil (q9 = 不住校)


def test_mark_invalid_and_back_with_history(console, make_survey, add_response, evaluator):
    survey = make_survey()
    response = add_response(survey, "student", "S1")
    url = f"/console/surveys/{survey.slug}/responses/{response.public_id}"
    token = csrf_token(console.get(url).get_data(as_text=True))

    reply = console.post(url, data={"csrf_token": token, "status": "invalid",
                                    "reason": "用时过短，复核后确认"})
    assert reply.status_code == 302
    db.session.expire_all()
    stored = db.session.get(Response, response.id)
    assert (stored.status, stored.invalid_reason, stored.status_text) == (
        "invalid", "用时过短，复核后确认", "invalid:用时过短，复核后确认")

    reply = console.post(url, data={"csrf_token": token, "status": "valid", "reason": "家长来电说明情况"})
    assert reply.status_code == 302
    db.session.expire_all()
    stored = db.session.get(Response, response.id)
    assert (stored.status, stored.invalid_reason) == ("valid", None)

    changes = db.session.scalars(db.select(StatusChange).order_by(StatusChange.id)).all()
    assert [(c.old_status, c.new_status, c.reason, c.user_id) for c in changes] == [
        ("valid", "invalid", "用时过短，复核后确认", evaluator.id),
        ("invalid", "valid", "家长来电说明情况", evaluator.id),
    ]
    history = console.get(f"/console/surveys/{survey.slug}/history").get_data(as_text=True)
    assert history.index("家长来电说明情况") < history.index("用时过短，复核后确认")   # newest first
    assert "evaluator" in history and "无效 → 有效" in history and "有效 → 无效" in history


def test_mark_needs_a_reason_and_a_change(console, make_survey, add_response, no_csrf):
    survey = make_survey()
    response = add_response(survey, "student", "S1")
    url = f"/console/surveys/{survey.slug}/responses/{response.public_id}"
    empty = console.post(url, data={"status": "invalid", "reason": "   "})
    assert "请填写原因" in empty.get_data(as_text=True)
    same = console.post(url, data={"status": "valid", "reason": "已核实"}, follow_redirects=True)
    assert "该答卷已经是有效状态" in same.get_data(as_text=True)
    assert count_rows(StatusChange) == 0
    db.session.expire_all()
    assert db.session.get(Response, response.id).status == "valid"


def test_invalid_response_counts_follow_on_progress(console, make_survey, add_response, no_csrf):
    survey = make_survey()
    response = add_response(survey, "student", "S1")
    add_response(survey, "student", "S1", submitted_at=T0)
    url = f"/console/surveys/{survey.slug}/responses/{response.public_id}"
    console.post(url, data={"status": "invalid", "reason": "重复"})
    data = console.get(f"/console/surveys/{survey.slug}/progress.json").get_json()
    assert (data["total"]["total"]["collected"], data["total"]["total"]["valid"]) == (2, 1)


def test_bulk_marks_speeders_but_not_informational_flags(console, make_survey, add_response, no_csrf):
    survey, first, again, fast, calm = _flagged_survey(make_survey, add_response)
    reply = console.post(f"/console/surveys/{survey.slug}/screening/bulk", data={"flag": "speeder"},
                         follow_redirects=True)
    assert "已将 1 份" in reply.get_data(as_text=True)
    db.session.expire_all()
    assert [db.session.get(Response, r.id).status for r in (first, again, fast, calm)] == [
        "valid", "valid", "invalid", "valid"]
    assert db.session.get(Response, fast.id).invalid_reason.startswith("答题时间过短（12秒")
    refused = console.post(f"/console/surveys/{survey.slug}/screening/bulk", data={"flag": "straight_line"},
                           follow_redirects=True)
    assert "仅供参考" in refused.get_data(as_text=True)
    assert count_rows(StatusChange) == 1


def test_response_of_another_survey_is_404(console, make_survey, add_response):
    one = make_survey()
    other = make_survey()
    response = add_response(other, "student", "S1")
    assert console.get(f"/console/surveys/{one.slug}/responses/{response.public_id}").status_code == 404


def test_same_device_duplicates_use_the_stored_client_hash(console, make_survey, add_response):
    survey = make_survey()
    add_response(survey, "student", "S1", submitted_at=T0, client_hash="device-a")
    repeat = add_response(survey, "student", "S1", submitted_at=T0 + timedelta(minutes=2),
                          client_hash="device-a")
    other = add_response(survey, "student", "S1", submitted_at=T0 + timedelta(minutes=3),
                         client_hash="device-b")
    html = console.get(f"/console/surveys/{survey.slug}/screening").get_data(as_text=True)
    # 2 minutes apart: a duplicate from the same device, not from another one (10-second window there)
    assert f"/responses/{repeat.public_id}" in html
    assert f"/responses/{other.public_id}" not in html
    assert "同一设备" in html


def _rows(html: str, table_id: str) -> list[str]:
    """The response ids linked from one table of the page, in page order."""
    body = html.split(f'id="{table_id}"', 1)[1].split("</table>", 1)[0]
    return re.findall(r"/responses/([A-Za-z0-9_-]+)\"", body)


def test_screening_lists_newest_first_in_pages_with_filters_and_reason_counts(console, make_survey,
                                                                             add_response, evaluator):
    survey = make_survey()
    # 55 speeders one minute apart (5 s each, under the 60 s minimum), 5 calm responses with different texts
    fast = [add_response(survey, "student", "S1", submitted_at=T0 + timedelta(minutes=i), duration_s=5,
                         answers={**STUDENT_ANSWERS, "q11": f"意见{i}"}) for i in range(55)]
    for i in range(5):
        add_response(survey, "student", "S2", submitted_at=T0 + timedelta(hours=3, minutes=i), duration_s=300,
                     answers={**STUDENT_ANSWERS, "q11": f"建议{i}"})
    for response in fast[:3]:
        set_response_status(response, "invalid", "重复", evaluator)
    for response in fast[3:5]:
        set_response_status(response, "invalid", "敷衍作答", evaluator)
    db.session.commit()
    url = f"/console/surveys/{survey.slug}/screening"

    first = console.get(url).get_data(as_text=True)
    assert "可疑答卷（55）" in first
    newest = [r.public_id for r in reversed(fast)]
    assert _rows(first, "flagged-table") == newest[:50]            # newest first, 50 to a page
    assert "第 1 / 2 页，共 55 份" in first
    second = console.get(url, query_string={"page": 2}).get_data(as_text=True)
    assert _rows(second, "flagged-table") == newest[50:]
    assert console.get(url, query_string={"page": "x"}).status_code == 200       # a bad page number: page 1

    invalid_only = console.get(url, query_string={"status": "invalid"}).get_data(as_text=True)
    assert _rows(invalid_only, "flagged-table") == [r.public_id for r in reversed(fast[:5])]
    counts = re.findall(r"<td><a [^>]*>([^<]+)</a></td><td class=\"num\">(\d+)</td>",
                        invalid_only.split('id="reason-counts"', 1)[1].split("</table>", 1)[0])
    assert counts == [("重复", "3"), ("敷衍作答", "2")]
    assert "已判为无效（5）" in invalid_only
    by_reason = console.get(url, query_string={"reason": "敷衍作答"}).get_data(as_text=True)
    assert _rows(by_reason, "invalid-table") == [fast[4].public_id, fast[3].public_id]
