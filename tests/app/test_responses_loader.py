"""Stored responses as a frame, and per-option counts grouped inside the database."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime

from surveyapp.extensions import db
from surveyapp.models import Response
from surveyapp.responses import answer_counts, load_survey_frames, survey_questionnaires


def _add(survey, unit_index, answers, status="valid", reason=None):
    form = survey.forms[0]
    response = Response(form=form, unit=survey.units[unit_index], answers=answers, status=status,
                        invalid_reason=reason, duration_s=120.0, channel="微信",
                        submitted_at=datetime(2025, 10, 9, 6, 3, 11, tzinfo=UTC))
    db.session.add(response)
    return response


def test_frame_holds_meta_and_canonical_answers(app, make_survey):
    survey = make_survey(["student-lamps"])
    _add(survey, 0, {"q1": "初中", "q2": "已更换", "q11": "无"})
    _add(survey, 1, {"q1": "小学", "q2": "未更换"}, status="invalid", reason="答题时间过短")
    db.session.commit()
    frames, questionnaires = load_survey_frames(survey.slug)
    frame = frames["student-lamps"]
    assert len(frame) == 1                                   # valid only by default
    row = frame.iloc[0]
    assert (row["questionnaire"], row["role"], row["unit"], row["unit_name"]) == ("student-lamps", "student", "S1",
                                                                                  "第一小学")
    assert row["submitted_at"].isoformat() == "2025-10-09T06:03:11+00:00"
    assert (row["q1"], row["q2"], row["q11"], row["q3"]) == ("初中", "已更换", "无", None)
    assert list(frame.columns[9:]) == questionnaires["student-lamps"].variables

    everything, _ = load_survey_frames(survey.slug, include_invalid=True)
    assert list(everything["student-lamps"]["status"]) == ["valid", "invalid:答题时间过短"]


def test_database_counts_match_a_count_of_the_stored_answers(app, make_survey):
    survey = make_survey(["parent-platform"])
    questionnaire = survey_questionnaires(survey)["parent-platform"]
    multiple = next(q for q in questionnaire.questions if q.type == "multiple")
    matrix = next(q for q in questionnaire.questions if q.type == "matrix")
    codes = [o.code for o in multiple.options]
    scale_codes = [o.code for o in matrix.options]
    answers = [
        {multiple.id: [codes[0], codes[1]], matrix.variables[0]: scale_codes[0]},
        {multiple.id: [codes[1]], matrix.variables[0]: scale_codes[0], matrix.variables[1]: scale_codes[1]},
        {multiple.id: [codes[0], codes[1], codes[2]], matrix.variables[0]: scale_codes[1]},
    ]
    for i, a in enumerate(answers):
        _add(survey, i % 2, a)
    _add(survey, 0, {multiple.id: [codes[3]]}, status="invalid", reason="重复提交")
    db.session.commit()

    counts = answer_counts(survey.forms, questionnaire)
    # worked out by hand from the three valid responses above
    assert counts[multiple.id] == {str(codes[0]): 2, str(codes[1]): 3, str(codes[2]): 1}
    assert counts[matrix.variables[0]] == {str(scale_codes[0]): 2, str(scale_codes[1]): 1}
    assert counts[matrix.variables[1]] == {str(scale_codes[1]): 1}
    with_invalid = answer_counts(survey.forms, questionnaire, include_invalid=True)
    assert with_invalid[multiple.id][str(codes[3])] == 1
    expected = Counter(str(c) for a in answers for c in a[multiple.id])
    assert counts[multiple.id] == dict(expected)
