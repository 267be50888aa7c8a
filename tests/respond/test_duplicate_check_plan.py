"""The browser duplicate check reads a browser's responses through its index, not the school's responses.

SQLite picks an index per query: when the check (form, browser, unit) found no index holding all three, it
took the unit's and read every response of the school inside each submission's write turn, so submitting
got slower as a school's answers grew. These tests read the plans SQLite chooses over a school with many
responses, with statistics gathered (ANALYZE) and without.
"""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from surveyapp.extensions import db
from surveyapp.models import Response
from surveyapp.respond.services import _SURVEY_WITH_TOKENS, _guarded_insert


@pytest.fixture(params=["analysed", "not analysed"])
def busy_school(request, app, make_survey):
    """A survey whose first school has 2,000 responses from 2,000 browsers, with and without statistics."""
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite's query planner (PostgreSQL locks per browser and plans with its own statistics)")
    survey = make_survey(["student-lamps"])
    form, unit = survey.forms[0], survey.units[0]
    db.session.execute(sa.insert(Response), [
        {"form_id": form.id, "unit_id": unit.id, "client_hash": f"browser-{i:05d}", "submit_token": f"t{i:05d}",
         "answers": "{}", "status": "valid"} for i in range(2000)])
    db.session.commit()
    if request.param == "analysed":
        db.session.execute(sa.text("ANALYZE"))
    return survey


def _plan(statement: sa.Executable) -> str:
    compiled = statement.compile(dialect=db.engine.dialect)
    values = tuple(1 for _ in compiled.positiontup)
    with db.engine.connect() as connection:
        rows = connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {compiled}", values).all()
    return "\n".join(row[-1] for row in rows)


def test_the_guarded_insert_finds_the_browser_by_its_index(busy_school):
    plan = _plan(_guarded_insert())
    assert "ix_response_form_client_unit" in plan, plan
    assert "ix_response_unit_id" not in plan and "SCAN response" not in plan, plan


def test_the_page_view_check_finds_the_browser_by_its_index(busy_school):
    plan = _plan(_SURVEY_WITH_TOKENS)
    assert "ix_response_form_client_unit" in plan, plan
    assert "ix_response_unit_id" not in plan and "SCAN response" not in plan, plan
