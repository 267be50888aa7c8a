"""Helpers of the integration tests: a database made by the real migrations, the real app under gunicorn.

The server side comes from ``bench/appserver.py`` and the respondent load from ``bench/loadclient.py``, so
the tests drive the app exactly as the submission benchmark does.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from urllib.parse import urlencode

import sqlalchemy as sa

from bench.appserver import Gunicorn, app_environment, free_port  # noqa: F401  (re-exported)
from bench.loadclient import Flow, Result, run_load  # noqa: F401  (re-exported)
from bench.submit import PARENT_ANSWERS
from questionnaires import SHIPPED

ANSWERS = urlencode(PARENT_ANSWERS)
"""A complete valid post of the parent questionnaire (without its hidden fields)."""


def make_database(url: str, slug: str = "it", units: int = 3) -> list[str]:
    """Upgrade the database at `url` with the project's migrations and open a survey of the parent
    questionnaire in `units` schools; the public paths of its pages (one per school)."""
    from flask_migrate import upgrade

    from surveyapp import create_app
    from surveyapp.extensions import db
    from surveyapp.surveys.services import FormSpec, create_survey, set_status, survey_links
    from surveyapp.surveys.units import UnitRow

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "setup-only"})
    with app.app_context():
        upgrade()
        survey = create_survey("集成测试调查", slug, [FormSpec(SHIPPED / "parent-platform.yaml")],
                               [UnitRow(f"S{i + 1:02d}", f"第{i + 1}学校", "测试区") for i in range(units)])
        set_status(survey, "open")
        db.session.commit()
        paths = [link.url for link in survey_links(survey, "")]
        db.session.remove()
        db.engine.dispose()
    return paths


def stored_tokens(url: str) -> list[str]:
    """Every stored response's submit token (one entry per row)."""
    engine = sa.create_engine(url)
    try:
        with engine.connect() as con:
            return [row[0] for row in con.execute(sa.text("SELECT submit_token FROM response"))]
    finally:
        engine.dispose()


def sqlite_integrity(path: Path) -> list[str]:
    con = sqlite3.connect(path)
    try:
        return [row[0] for row in con.execute("PRAGMA integrity_check")]
    finally:
        con.close()
