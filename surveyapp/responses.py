"""Stored responses become DataFrames here, and only here; `analysis` takes over from the frame."""

from __future__ import annotations

import gc
import json
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from itertools import repeat

import pandas as pd
import sqlalchemy as sa

from questionnaires import Questionnaire

from .extensions import db
from .models import Form, Response, Survey, Unit
from .surveys.services import SurveyError, get_survey, version_questionnaire


def survey_questionnaires(survey: Survey) -> dict[str, Questionnaire]:
    """The survey's questionnaires by id (one version per id within a survey)."""
    found: dict[str, Questionnaire] = {}
    for form in survey.forms:
        q = version_questionnaire(form.version)
        if q.id in found and found[q.id].content_hash != q.content_hash:
            raise SurveyError(f"survey {survey.slug} holds two versions of questionnaire {q.id}")
        found[q.id] = q
    return found


def load_form_frame(forms: Iterable[Form], questionnaire: Questionnaire, include_invalid: bool = False,
                    ) -> pd.DataFrame:
    """Responses to the given forms (all of one questionnaire) as a responses frame.

    Reads raw columns through Core and decodes all answer documents in one JSON parse: at 350,000
    responses this is several times faster than per-row ORM and JSON type processing.
    """
    query = (
        sa.select(Response.public_id, Form.role, Unit.code, Unit.name,
                  sa.type_coerce(Response.submitted_at, sa.String), Response.duration_s, Response.channel,
                  Response.status, Response.invalid_reason, sa.cast(Response.answers, sa.Text))
        .join(Form, Response.form_id == Form.id)
        .outerjoin(Unit, Response.unit_id == Unit.id)
        .where(Response.form_id.in_([f.id for f in forms]))
        .order_by(Response.id)
    )
    if not include_invalid:
        query = query.where(Response.status == "valid")
    with _collector_paused():
        # Millions of small objects are made here and none is garbage: the cyclic collector would only
        # rescan them again and again (a third of the time at 350,000 responses).
        rows = db.session.connection().execute(query).all()
        columns = list(zip(*rows, strict=True)) if rows else [()] * 10
        del rows
        docs = json.loads("[" + ",".join(columns[9]) + "]")
        answers = {v: pd.Series(list(map(dict.get, docs, repeat(v))), dtype=object)
                   for v in questionnaire.variables}
        del docs
    n = len(columns[0])
    frame = {
        "response_id": pd.Series(columns[0], dtype=object),
        "questionnaire": pd.Series([questionnaire.id] * n, dtype=object),
        "role": pd.Series(columns[1], dtype=object),
        "unit": pd.Series(columns[2], dtype=object),
        "unit_name": pd.Series(columns[3], dtype=object),
        "submitted_at": _utc_times(columns[4]),
        "duration_s": pd.Series(columns[5], dtype=float),
        "channel": pd.Series(columns[6], dtype=object),
        "status": pd.Series([s if s == "valid" else f"invalid:{r or ''}" for s, r in zip(columns[7], columns[8],
                                                                                       strict=True)], dtype=object),
    }
    return pd.DataFrame({**frame, **answers})


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector (if it runs) while building, restoring it afterwards."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _utc_times(values: Sequence[object]) -> pd.Series:
    """Stored times as tz-aware UTC timestamps (SQLite gives ISO 8601 text, PostgreSQL datetimes)."""
    series = pd.Series(values, dtype=object)
    try:
        return pd.to_datetime(series, utc=True, format="ISO8601")
    except (ValueError, TypeError):
        return pd.to_datetime(series, utc=True, format="mixed")


def load_survey_frames(slug: str, include_invalid: bool = False,
                       ) -> tuple[dict[str, pd.DataFrame], dict[str, Questionnaire]]:
    """All responses of a survey: frames and questionnaires keyed by questionnaire id."""
    survey = get_survey(slug)
    questionnaires = survey_questionnaires(survey)
    frames = {}
    for qid, questionnaire in questionnaires.items():
        forms = [f for f in survey.forms if f.version.questionnaire_id == qid]
        frames[qid] = load_form_frame(forms, questionnaire, include_invalid)
    return frames, questionnaires


_COUNTS_SQL = {
    "sqlite": """
        SELECT je.key, COALESCE(ae.value, je.value) AS code, count(*) AS n
        FROM response r
        JOIN json_each(r.answers) je
        LEFT JOIN json_each(CASE WHEN je.type = 'array' THEN je.value ELSE '[]' END) ae
        WHERE r.form_id IN ({forms}) {valid} AND je.key IN ({keys})
        GROUP BY je.key, COALESCE(ae.value, je.value)""",
    "postgresql": """
        SELECT je.key, COALESCE(ae.value, je.value #>> '{{}}') AS code, count(*) AS n
        FROM response r
        CROSS JOIN LATERAL jsonb_each(r.answers) je
        LEFT JOIN LATERAL jsonb_array_elements_text(
            CASE WHEN jsonb_typeof(je.value) = 'array' THEN je.value ELSE '[]'::jsonb END) ae ON true
        WHERE r.form_id IN ({forms}) {valid} AND je.key IN ({keys})
        GROUP BY je.key, COALESCE(ae.value, je.value #>> '{{}}')""",
}


def answer_counts(forms: Iterable[Form], questionnaire: Questionnaire, include_invalid: bool = False,
                  ) -> dict[str, dict[str, int]]:
    """Per choice variable, how many responses chose each option code (as text), grouped in the database.

    Only `single`, `scale`, `multiple` and matrix-row variables are counted; a `multiple` answer counts once
    per chosen code.
    """
    keys = [v for q in questionnaire.questions if q.type in ("single", "scale", "multiple", "matrix")
            for v in q.variables if not v.endswith(".other")]
    form_ids = [int(f.id) for f in forms]
    if not keys or not form_ids:
        return {}
    params = {f"k{i}": key for i, key in enumerate(keys)}
    sql = _COUNTS_SQL[db.engine.dialect.name].format(
        forms=", ".join(str(i) for i in form_ids),
        valid="" if include_invalid else "AND r.status = 'valid'",
        keys=", ".join(f":{name}" for name in params),
    )
    counts: dict[str, dict[str, int]] = {key: {} for key in keys}
    for key, code, n in db.session.execute(sa.text(sql), params):
        counts[key][str(code)] = int(n)
    return counts
