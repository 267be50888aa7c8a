"""Stored responses become DataFrames here, and only here; `analysis` takes over from the frame."""

from __future__ import annotations

import gc
import json
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from itertools import repeat

import numpy as np
import pandas as pd
import sqlalchemy as sa

from questionnaires import Questionnaire

from .answer_codes import FORMAT, NotDecodable, decode, layout, object_array
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

    Reads the columns as the database driver returns them (see `_fetch_raw`). Answers come from the
    columnar copy (``Response.codes`` decoded a column at a time by :func:`surveyapp.answer_codes.decode`,
    ``Response.texts`` in one JSON parse); responses without a readable copy (stored before it existed,
    answers it cannot hold, or a form of another questionnaire version) are read from their JSON document,
    all of them in one parse.
    """
    forms = list(forms)
    coded_forms = [int(f.id) for f in forms if f.version.content_hash == questionnaire.content_hash]
    needs_json = Response.codes.is_(None)
    if len(coded_forms) < len(forms):
        needs_json = sa.or_(needs_json, Response.form_id.not_in(coded_forms) if coded_forms else sa.true())
    query = (
        sa.select(Response.public_id, Response.form_id, Response.unit_id, Response.submitted_at,
                  Response.duration_s, Response.channel,
                  sa.case((Response.status == "valid", sa.null()),     # NULL: no text object per valid row
                          else_="invalid:" + sa.func.coalesce(Response.invalid_reason, "")),
                  Response.codes,
                  sa.cast(Response.texts, sa.Text),
                  sa.case((needs_json, sa.cast(Response.answers, sa.Text)), else_=sa.null()))
        .where(Response.form_id.in_([int(f.id) for f in forms]))
        .order_by(Response.id)
    )
    if not include_invalid:
        query = query.where(Response.status == "valid")
    with _collector_paused():
        # Many small objects are made here and none is garbage: the cyclic collector would only rescan
        # them again and again.
        rows = _fetch_raw(query)
        columns = list(zip(*rows, strict=True)) if rows else [()] * 10
        del rows
        answers = _answer_columns(questionnaire, columns[0], columns[7], columns[8], columns[9])
        n = len(columns[0])
        unit_codes, unit_names = _unit_columns(columns[2])
        frame = {
            "response_id": _object_series(columns[0]),
            "questionnaire": _object_series([questionnaire.id] * n),
            "role": _lookup_series(columns[1], {int(f.id): f.role for f in forms}),
            "unit": unit_codes,
            "unit_name": unit_names,
            "submitted_at": _utc_times(columns[3]),
            "duration_s": pd.Series(columns[4], dtype=float),
            "channel": _object_series(columns[5]),
            "status": _statuses(columns[6]),
        }
        frame.update((var, pd.Series(values, dtype=object, copy=False)) for var, values in answers.items())
        return pd.DataFrame(frame, copy=False)  # no copy into one 2-D block: each column stays its own


def _object_series(values: Sequence[object]) -> pd.Series:
    return pd.Series(object_array(values), dtype=object, copy=False)


def _lookup_series(keys: Sequence[int | None], values: dict[int, object]) -> pd.Series:
    """``values[key]`` for each key (None where the key is None), looked up once per distinct key."""
    index, distinct = pd.factorize(np.asarray(keys, dtype=float))      # None -> NaN -> index -1
    lookup = np.empty(len(distinct) + 1, dtype=object)                 # the last one (index -1) is None
    lookup[:-1] = [values[int(key)] for key in distinct]
    return pd.Series(lookup[index], dtype=object, copy=False)


def _unit_columns(unit_ids: Sequence[int | None]) -> tuple[pd.Series, pd.Series]:
    """The unit code and name columns. Looked up once per unit rather than joined into every row: the join
    made a new string per row and cell (half the time of the fetch at 350,000 responses)."""
    wanted = {int(uid) for uid in set(unit_ids) if uid is not None}
    rows = db.session.connection().execute(
        sa.select(Unit.id, Unit.code, Unit.name).where(Unit.id.in_(wanted))).all() if wanted else []
    return (_lookup_series(unit_ids, {uid: code for uid, code, _ in rows}),
            _lookup_series(unit_ids, {uid: name for uid, _, name in rows}))


def _answer_columns(questionnaire: Questionnaire, ids: Sequence[str], blobs: Sequence[bytes | None],
                    texts: Sequence[str | None], documents: Sequence[str | None]) -> dict[str, np.ndarray]:
    """One object array per variable from coded rows and JSON rows, in row order."""
    n = len(ids)
    shape = layout(questionnaire)
    if n and documents.count(None) == n and blobs.count(None) == 0 and set(map(len, blobs)) == {shape.width}:
        try:   # every row coded (the usual case): no per-row test
            return decode(questionnaire, blobs, texts)
        except NotDecodable:
            pass
    coded = [i for i, blob in enumerate(blobs) if blob is not None and documents[i] is None
             and len(blob) == shape.width and blob[0] == FORMAT]
    by_json = [i for i, doc in enumerate(documents) if doc is not None]
    unread = n - len(coded) - len(by_json)
    if unread:   # a record of an unknown format or width: read those few rows' documents
        done = set(coded).union(by_json)
        missing = [i for i in range(n) if i not in done]
        stored = dict(db.session.connection().execute(
            sa.select(Response.public_id, sa.cast(Response.answers, sa.Text))
            .where(Response.public_id.in_([ids[i] for i in missing]))).all())
        documents = list(documents)
        for i in missing:
            documents[i] = stored[ids[i]]
        by_json = sorted(by_json + missing)
    if coded:
        decoded = decode(questionnaire, [blobs[i] for i in coded], [texts[i] for i in coded])
    result = {var: np.empty(n, dtype=object) for var in questionnaire.variables}
    if coded:
        for var, values in decoded.items():
            result[var][coded] = values
    if by_json:
        parsed = json.loads("[" + ",".join(documents[i] for i in by_json) + "]")
        for var in questionnaire.variables:
            values = np.empty(len(by_json), dtype=object)
            values[:] = list(map(dict.get, parsed, repeat(var)))
            result[var][by_json] = values
    return result


def _fetch_raw(query: sa.Select) -> list[tuple]:
    """All rows of `query` as the database driver returns them (plain tuples, no SQLAlchemy row objects:
    a fifth of the read at 350,000 responses). Its parameters are ids and constants of this module, so
    they are written into the statement."""
    connection = db.session.connection()
    sql = str(query.compile(dialect=connection.dialect, compile_kwargs={"literal_binds": True}))
    cursor = connection.connection.cursor()
    try:
        cursor.execute(sql)
        return cursor.fetchall()
    finally:
        cursor.close()


def _statuses(invalid: Sequence[str | None]) -> pd.Series:
    """The status column from the query's ``invalid:<reason>`` texts, None meaning valid."""
    values = np.empty(len(invalid), dtype=object)
    values[:] = invalid
    values[np.equal(values, None)] = "valid"
    return pd.Series(values, dtype=object, copy=False)


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


def fill_codes(batch_size: int = 5000) -> int:
    """Write the columnar copy (``codes``, ``texts``) of responses stored without it; the caller commits.

    For a database upgraded from a schema before the copy existed: such rows are read from their JSON
    documents until this has run (correct, only slower). Answers the record cannot hold exactly stay
    NULL. Returns how many responses got codes.
    """
    from .answer_codes import encode_or_none
    from .models import QuestionnaireVersion
    from .surveys.services import stored_questionnaire

    questionnaires = {
        form_id: stored_questionnaire(content_hash, source, qid)
        for form_id, content_hash, source, qid in db.session.execute(
            sa.select(Form.id, QuestionnaireVersion.content_hash, QuestionnaireVersion.source,
                      QuestionnaireVersion.questionnaire_id).join(Form.version))}
    filled, last = 0, 0
    while True:
        rows = db.session.execute(
            sa.select(Response.id, Response.form_id, Response.answers)
            .where(Response.codes.is_(None), Response.id > last).order_by(Response.id).limit(batch_size)).all()
        if not rows:
            return filled
        updates = []
        for response_id, form_id, answers in rows:
            codes, texts = encode_or_none(questionnaires[form_id], answers)
            if codes is not None:
                updates.append({"id": response_id, "codes": codes, "texts": texts})
        if updates:
            db.session.execute(sa.update(Response), updates)
        filled += len(updates)
        last = rows[-1][0]


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
