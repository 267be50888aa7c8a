"""The columnar copy of the answers: encode/decode give back canonical answers exactly, and the frame read
from it equals the frame read from the JSON documents."""

from __future__ import annotations

import json
import math

import pandas as pd
import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from questionnaires import SHIPPED, clean_answers, load_questionnaire, parse_questionnaire
from surveyapp.answer_codes import NotEncodable, decode, encode, encode_or_none, layout
from surveyapp.demo import load_demo
from surveyapp.extensions import db
from surveyapp.models import Response
from surveyapp.respond.services import form_ref, insert_response
from surveyapp.responses import load_form_frame, load_survey_frames, survey_questionnaires

ALL_TYPES = """
format: 1
id: all-types
title: 全部题型
role: parent
scales:
  agree:
    options:
      - {code: 5, label: 非常同意}
      - {code: 3, label: 一般}
      - {code: 1, label: 不同意}
      - {code: 0, label: 不了解, na: true}
questions:
  - {id: q1, type: single, text: 学段, options: [小学, 初中, 高中], other: true, required: false}
  - {id: q2, type: scale, scale: agree, text: 总体, required: false}
  - id: q3
    type: matrix
    scale: agree
    text: 各方面
    required: false
    rows: [{id: r1, text: 教学}, {id: r2, text: 沟通}]
  - id: q4
    type: multiple
    text: 渠道
    options: [a1, a2, a3, a4, a5, a6, a7, a8, a9, a10]
    other: true
    required: false
  - {id: q5, type: number, text: 次数, integer: true, required: false}
  - {id: q6, type: number, text: 小时, required: false}
  - {id: q7, type: text, text: 建议, required: false}
"""
SHIPPED_NAMES = ("teacher-platform", "parent-platform", "student-lamps")


def all_types():
    return parse_questionnaire(ALL_TYPES, "all-types.yaml")


def same(a, b) -> bool:
    """Equal and of the same types, list items included (5 and 5.0 differ, as do 5 and "5")."""
    if isinstance(a, list) or isinstance(b, list):
        return type(a) is type(b) and len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    return type(a) is type(b) and a == b


def row_of(questionnaire, columns, i):
    return {var: columns[var][i] for var in questionnaire.variables}


def assert_round_trip(questionnaire, answer_sets):
    encoded = [encode(questionnaire, answers) for answers in answer_sets]
    stored = [None if texts is None else json.dumps(texts, ensure_ascii=False) for _, texts in encoded]
    columns = decode(questionnaire, [record for record, _ in encoded], stored)
    assert list(columns) == questionnaire.variables
    for i, answers in enumerate(answer_sets):
        got = row_of(questionnaire, columns, i)
        for var in questionnaire.variables:
            assert same(got[var], answers.get(var)), (var, got[var], answers.get(var))


def test_every_question_type_round_trips():
    q = all_types()
    answers = [
        {"q1": "其他", "q1.other": "职高", "q2": 5, "q3.r1": 0, "q3.r2": 1, "q4": ["a1", "a9", "a10", "其他"],
         "q4.other": "邻居", "q5": 12, "q6": 1.5, "q7": "多开展活动"},
        {"q1": "初中", "q4": ["a2"], "q6": 3},
        {},
        {"q2": 0, "q5": 0, "q6": -0.25},
    ]
    assert_round_trip(q, answers)


def test_layout_is_one_byte_per_choice_a_bitmask_per_multiple_and_eight_bytes_per_number():
    shape = layout(all_types())
    widths = {f.variable: f.width for f in shape.fields}
    # q1, q2, q3.r1, q3.r2 one byte each; q4 has 11 options (10 + 其他) -> 2 bytes; q5, q6 8 bytes each
    assert widths == {"q1": 1, "q2": 1, "q3.r1": 1, "q3.r2": 1, "q4": 2, "q5": 8, "q6": 8}
    assert shape.width == 1 + 4 + 2 + 16
    assert shape.texts == ("q1.other", "q4.other", "q7")


def test_texts_are_stored_only_when_given():
    q = all_types()
    assert encode(q, {"q2": 3})[1] is None
    assert encode(q, {"q2": 3, "q7": "无"})[1] == {"q7": "无"}


def test_decoded_multiple_answers_are_distinct_lists_per_choice_in_option_order():
    q = all_types()
    answers = [{"q4": ["a1", "a3"]}, {"q4": ["a3"]}, {"q4": ["a1", "a3"]}, {}]
    columns = decode(q, [encode(q, a)[0] for a in answers])
    assert list(columns["q4"]) == [["a1", "a3"], ["a3"], ["a1", "a3"], None]


@pytest.mark.parametrize("answers", [
    {"q2": "5"},                 # a scale code as text: the option's code is the int 5
    {"q1": "大学"},              # not an option
    {"q4": ["a3", "a1"]},        # not in option order
    {"q4": []},                  # an empty list is not how an empty answer is stored
    {"q5": 3.0},                 # clean_answers stores a whole number as int
    {"q6": 2.0},
    {"q5": True},
    {"q5": 2 ** 60},             # beyond float64's exact integers
    {"q7": 5},                   # text that is not text
])
def test_answers_the_record_cannot_reproduce_are_refused(answers):
    q = all_types()
    with pytest.raises(NotEncodable):
        encode(q, answers)
    assert encode_or_none(q, answers) == (None, None)


def _raw_answers(questionnaire):
    """Random raw answer sets for a questionnaire: options by code or label, numbers, texts, gaps."""
    parts = {}
    for q in questionnaire.questions:
        opts = [o.code for o in q.options] + [o.label for o in q.options]
        if q.type in ("single", "scale"):
            parts[q.id] = st.none() | st.sampled_from(opts)
        elif q.type == "matrix":
            for var in q.variables:
                parts[var] = st.none() | st.sampled_from(opts)
        elif q.type == "multiple":
            parts[q.id] = st.none() | st.lists(st.sampled_from([o.code for o in q.options]), unique=True)
        elif q.type == "number":
            parts[q.id] = st.none() | st.integers(-5, 700) | st.floats(-5, 700, allow_nan=False) | \
                st.sampled_from(["12", "3.5", "1,200"])
        else:
            parts[q.id] = st.none() | st.text(max_size=20)
        if q.other:
            parts[f"{q.id}.other"] = st.none() | st.text(max_size=10)
    return st.fixed_dictionaries(parts)


@pytest.mark.parametrize("name", SHIPPED_NAMES)
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_any_clean_answer_set_of_a_shipped_questionnaire_round_trips(name, data):
    questionnaire = load_questionnaire(SHIPPED / f"{name}.yaml")
    raws = data.draw(st.lists(_raw_answers(questionnaire), min_size=1, max_size=6))
    canonical = [clean_answers(questionnaire, raw, enforce_required=False)[0] for raw in raws]
    assert_round_trip(questionnaire, canonical)


# -- the database: write paths and the loader -----------------------------------------------------------

def _frames_through_json(slug):
    """The frames read with every response's codes removed (all answers from the JSON documents)."""
    saved = db.session.execute(sa.select(Response.id, Response.codes, Response.texts)).all()
    db.session.execute(sa.update(Response).values(codes=None, texts=None))
    frames, _ = load_survey_frames(slug, include_invalid=True)
    db.session.execute(sa.update(Response), [{"id": i, "codes": c, "texts": t} for i, c, t in saved])
    return frames


def test_demo_frames_from_codes_equal_frames_from_json(app):
    survey = load_demo()
    db.session.commit()
    assert db.session.scalar(sa.select(sa.func.count()).where(Response.codes.is_(None))) == 0
    coded, _ = load_survey_frames(survey.slug, include_invalid=True)
    from_json = _frames_through_json(survey.slug)
    for qid, frame in coded.items():
        assert len(frame) >= 320             # 8 schools x 40 teachers at least
        pd.testing.assert_frame_equal(frame, from_json[qid])


def test_a_mix_of_coded_and_uncoded_rows_reads_as_the_json_path(app):
    survey = load_demo()
    db.session.commit()
    ids = db.session.scalars(sa.select(Response.id).order_by(Response.id)).all()
    db.session.execute(sa.update(Response).where(Response.id.in_(ids[::3])).values(codes=None, texts=None))
    # a record of a format this code does not know is read from its document too
    db.session.execute(sa.update(Response).where(Response.id == ids[1]).values(codes=b"\x09\x00"))
    mixed, _ = load_survey_frames(survey.slug, include_invalid=True)
    from_json = _frames_through_json(survey.slug)
    for qid, frame in mixed.items():
        pd.testing.assert_frame_equal(frame, from_json[qid])


def test_orm_inserts_get_codes_and_uncodable_answers_stay_json_only(app, make_survey):
    survey = make_survey(["student-lamps"])
    form = survey.forms[0]
    questionnaire = survey_questionnaires(survey)["student-lamps"]
    scale_var = next(q for q in questionnaire.questions if q.type == "scale").id
    good = Response(form=form, answers={"q1": "初中", "q11": "灯很好"})
    odd = Response(form_id=form.id, answers={"q1": "初中", scale_var: "5"})   # "5" is not the code 5
    db.session.add_all([good, odd])
    db.session.commit()
    assert good.codes is not None and good.texts == {"q11": "灯很好"}
    assert odd.codes is None and odd.texts is None
    frame = load_form_frame(survey.forms, questionnaire)
    assert list(frame["q1"]) == ["初中", "初中"]
    assert list(frame["q11"]) == ["灯很好", None]
    assert frame[scale_var].iloc[1] == "5" and frame[scale_var].iloc[0] is None


def test_stored_responses_carry_codes(app, make_survey):
    survey = make_survey(["parent-platform"])
    form = survey.forms[0]
    questionnaire = survey_questionnaires(survey)["parent-platform"]
    answers, problems = clean_answers(questionnaire, {"q1": "母亲", "q4": "知道", "q5": ["家长会", "其他"],
                                                      "q5.other": "邻居", "q16": "45"}, enforce_required=False)
    assert not problems
    public_id = insert_response(form_ref(form.token), survey.units[0], answers, submit_token="t" * 32,
                                client_hash=None, duration_s=100.0, channel="微信")
    db.session.commit()
    response = db.session.scalar(sa.select(Response).filter_by(public_id=public_id))
    assert response.codes == encode(questionnaire, answers)[0]
    assert response.texts == {"q5.other": "邻居"}
    row = load_form_frame(survey.forms, questionnaire).iloc[0]
    assert row["q5"] == ["家长会", "其他"] and row["q16"] == 45 and type(row["q16"]) is int
    assert row["q3"] is None and math.isnan(row["duration_s"]) is False


def test_records_of_an_unknown_format_are_read_from_their_documents_even_when_all_rows_are_coded(app, make_survey):
    survey = make_survey(["student-lamps"])
    questionnaire = survey_questionnaires(survey)["student-lamps"]
    first = Response(form=survey.forms[0], answers={"q1": "初中"})
    second = Response(form=survey.forms[0], answers={"q1": "高中", "q11": "无"})
    db.session.add_all([first, second])
    db.session.commit()
    record = bytearray(second.codes)
    record[0] = 9              # same width, a format this code does not know
    second.codes = bytes(record)
    db.session.commit()
    frame = load_form_frame(survey.forms, questionnaire)
    assert list(frame["q1"]) == ["初中", "高中"]
    assert list(frame["q11"]) == [None, "无"]


def test_forms_of_another_version_of_the_questionnaire_are_read_from_their_documents(app, make_survey,
                                                                                     questionnaire_file):
    # the same questionnaire with q1's options in another order: same record width, other option indexes
    text = (SHIPPED / "student-lamps.yaml").read_text(encoding="utf-8")
    assert "options: [小学, 初中, 高中]" in text
    reordered = questionnaire_file(text.replace("options: [小学, 初中, 高中]", "options: [高中, 初中, 小学]"),
                                   "student-lamps.yaml")
    old_survey = make_survey(["student-lamps"])
    new_survey = make_survey([reordered])
    old_form, new_form = old_survey.forms[0], new_survey.forms[0]
    new_questionnaire = survey_questionnaires(new_survey)["student-lamps"]
    assert new_questionnaire.content_hash != survey_questionnaires(old_survey)["student-lamps"].content_hash
    db.session.add_all([Response(form=old_form, answers={"q1": "小学"}),
                        Response(form=new_form, answers={"q1": "小学"})])
    db.session.commit()
    # the old form's record holds index 1 (小学 first); read with the new layout it would say 高中
    frame = load_form_frame([old_form, new_form], new_questionnaire)
    assert list(frame["q1"]) == ["小学", "小学"]


def insert_old_survey(path, slug: str = "old-survey", role: str | None = None, token: str = "oldtoken") -> int:
    """A survey with one form of the questionnaire file, written with the columns of the first schema (the
    ORM's models have columns added since); the form's id."""
    questionnaire = load_questionnaire(path)
    with db.engine.begin() as conn:
        conn.execute(sa.text(
            "INSERT INTO questionnaire_version (questionnaire_id, title, role, content_hash, source, loaded_at) "
            "VALUES (:qid, :title, :role, :hash, :source, '2025-10-08 00:00:00')"),
            {"qid": questionnaire.id, "title": questionnaire.title, "role": questionnaire.role,
             "hash": questionnaire.content_hash, "source": path.read_text(encoding="utf-8")})
        conn.execute(sa.text("INSERT INTO survey (slug, title, status, allow_repeat, created_at) "
                             "VALUES (:slug, '旧调查', 'open', false, '2025-10-08 00:00:00')"), {"slug": slug})
        conn.execute(sa.text(
            "INSERT INTO form (survey_id, version_id, role, token) "
            "SELECT s.id, v.id, :role, :token FROM survey s, questionnaire_version v "
            "WHERE s.slug = :slug AND v.content_hash = :hash"),
            {"role": role or questionnaire.role, "token": token, "slug": slug, "hash": questionnaire.content_hash})
        return conn.execute(sa.text("SELECT id FROM form WHERE token = :t"), {"t": token}).scalar_one()


def test_responses_stored_before_the_columns_existed_are_read_after_the_upgrade(database_url):
    from flask_migrate import upgrade

    from surveyapp import create_app

    app = create_app({"TESTING": True, "SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": database_url})
    with app.app_context():
        def clean() -> None:
            with db.engine.begin() as conn:
                db.metadata.drop_all(conn)
                conn.execute(sa.text("DROP TABLE IF EXISTS alembic_version"))

        clean()
        try:
            upgrade(revision="cf36895c72c2")          # the schema before the columnar copy
            form_id = insert_old_survey(SHIPPED / "student-lamps.yaml")
            with db.engine.begin() as conn:
                conn.execute(sa.text(
                    "INSERT INTO response (public_id, form_id, submitted_at, channel, status, answers) "
                    "VALUES ('old1', :f, :t, '微信', 'valid', :a)"),
                    {"f": form_id, "t": "2025-10-09 06:00:00", "a": '{"q1": "初中", "q7": 5, "q11": "无"}'})
            db.session.remove()
            upgrade()
            survey = db.session.scalar(sa.select(Response).filter_by(public_id="old1")).form.survey
            assert db.session.scalar(sa.select(Response.codes).filter_by(public_id="old1")) is None
            frames, _ = load_survey_frames(survey.slug)
            row = frames["student-lamps"].iloc[0]
            assert (row["q1"], row["q7"], row["q11"], row["q2"]) == ("初中", 5, "无", None)
        finally:
            db.session.remove()
            clean()
            db.engine.dispose()


def test_fill_codes_writes_the_copy_for_rows_without_it(app, make_survey, runner):
    survey = make_survey(["student-lamps"])
    questionnaire = survey_questionnaires(survey)["student-lamps"]
    db.session.add_all([Response(form=survey.forms[0], answers={"q1": "初中", "q11": "无"}),
                        Response(form=survey.forms[0], answers={"q1": "高中"}),
                        Response(form=survey.forms[0], answers={"q7": "5"})])     # not a code: stays JSON
    db.session.commit()
    expected = [encode_or_none(questionnaire, a) for a in
                ({"q1": "初中", "q11": "无"}, {"q1": "高中"}, {"q7": "5"})]
    db.session.execute(sa.update(Response).values(codes=None, texts=None))
    db.session.commit()
    result = runner.invoke(args=["survey", "fill-codes"])
    assert result.exit_code == 0, result.output
    assert "2 responses coded" in result.output
    db.session.expire_all()
    stored = db.session.execute(sa.select(Response.codes, Response.texts).order_by(Response.id)).all()
    assert [tuple(row) for row in stored] == expected
    assert expected[2] == (None, None)
