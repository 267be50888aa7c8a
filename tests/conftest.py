"""Shared fixtures: an app with a fresh database per test (SQLite, and PostgreSQL when configured).

Set TEST_POSTGRES_URL (for example postgresql+psycopg://postgres@127.0.0.1/surveyapp_test) to run every
database test against PostgreSQL as well. With SURVEYAPP_REQUIRE_ALL=1 (set by .ci/run) a test that would
skip for want of a browser or a PostgreSQL server fails instead.
"""

from __future__ import annotations

import os
import shutil
import textwrap
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import g
from flask.testing import FlaskClient

from questionnaires import SHIPPED
from surveyapp import create_app
from surveyapp.extensions import db
from surveyapp.surveys.services import FormSpec, create_survey, set_status
from surveyapp.surveys.units import UnitRow

POSTGRES_URL = os.environ.get("TEST_POSTGRES_URL", "")
REQUIRE_ALL = os.environ.get("SURVEYAPP_REQUIRE_ALL") == "1"


def skip_or_fail(reason: str) -> None:
    """Skip locally when a tool is missing; fail in CI, where .ci/run installs everything."""
    if REQUIRE_ALL:
        pytest.fail(f"{reason} (SURVEYAPP_REQUIRE_ALL=1: CI must provide it)")
    pytest.skip(reason)


def _backends() -> list:
    return ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]


@pytest.fixture(params=_backends())
def database_url(request, tmp_path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'test.sqlite'}"
    if not POSTGRES_URL:
        skip_or_fail("no PostgreSQL server: set TEST_POSTGRES_URL to run the PostgreSQL variant")
    return POSTGRES_URL


class FreshClient(FlaskClient):
    """A test client whose every request starts with an empty `g`, as each request does in production.

    The `app` fixture keeps one application context open for the whole test, and Flask reuses it for the
    requests, so `g` (Flask-Login's loaded user, the CSRF token, the roles looked up) would otherwise
    carry over from one request, or one client, to the next.
    """

    def open(self, *args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        for name in list(g):
            g.pop(name)
        return super().open(*args, **kwargs)


@pytest.fixture
def app(database_url, tmp_path):
    app = create_app({
        "TESTING": True,
        "SECRET_KEY": "test-secret",
        "SQLALCHEMY_DATABASE_URI": database_url,
        "PUBLIC_BASE_URL": "http://127.0.0.1:5000",
    })
    app.test_client_class = FreshClient
    with app.app_context():
        if database_url.startswith("postgresql"):
            db.drop_all()
        db.create_all()
        yield app
        db.session.remove()
        if database_url.startswith("postgresql"):
            db.drop_all()
        db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def make_survey(app):
    """Build a survey: make_survey(["student-lamps"], units=[("S1", "一小")], status="open")."""
    counter = iter(range(1, 1000))

    def build(questionnaires=("student-lamps",), units=(("S1", "第一小学"), ("S2", "第二小学")), status="open",
              allow_repeat=False, slug=None):
        forms = [FormSpec(q if isinstance(q, Path) else SHIPPED / f"{q}.yaml") for q in questionnaires]
        survey = create_survey("测试调查", slug or f"test-{next(counter)}", forms,
                               [UnitRow(code, name, "测试区") for code, name in units], allow_repeat)
        if status != "draft":
            set_status(survey, status)
        db.session.commit()
        return survey

    return build


@pytest.fixture
def questionnaire_file(tmp_path):
    """Write questionnaire YAML text (dedented) to a file and return its path."""

    def write(text: str, name: str = "q.yaml") -> Path:
        path = tmp_path / name
        path.write_text(textwrap.dedent(text), encoding="utf-8")
        return path

    return write


def chromium_path() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


def count_rows(model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def unit_link_token(form, unit_code: str) -> str:
    """The token of a form's public link in one unit (``/s/<token>``)."""
    from surveyapp.models import Unit, UnitLink

    return db.session.scalar(sa.select(UnitLink.token).join(Unit, Unit.id == UnitLink.unit_id)
                             .where(UnitLink.form_id == form.id, Unit.code == unit_code))
