"""Schema through migrations, durable SQLite settings, configuration from the environment."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import upgrade

from surveyapp import create_app
from surveyapp.config import from_environment
from surveyapp.extensions import db

TABLES = {"user", "survey", "questionnaire_version", "form", "unit", "response", "status_change"}


@pytest.fixture
def empty_app(database_url):
    app = create_app({"TESTING": True, "SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": database_url})
    with app.app_context():
        with db.engine.begin() as conn:
            db.metadata.drop_all(conn)
            conn.execute(sa.text("DROP TABLE IF EXISTS alembic_version"))
        yield app
        with db.engine.begin() as conn:
            db.metadata.drop_all(conn)
            conn.execute(sa.text("DROP TABLE IF EXISTS alembic_version"))
        db.engine.dispose()


def test_upgrade_from_empty_creates_the_schema_the_models_describe(empty_app):
    upgrade()
    inspector = sa.inspect(db.engine)
    assert TABLES <= set(inspector.get_table_names())
    with db.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), db.metadata)
    assert diff == [], f"models and migrations disagree: {diff}"


def test_sqlite_connections_are_durable(tmp_path):
    app = create_app({"TESTING": True, "SECRET_KEY": "x",
                      "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'd.sqlite'}"})
    with app.app_context(), db.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2      # FULL
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 5000
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        db.engine.dispose()


def test_default_database_is_sqlite_under_instance(monkeypatch, tmp_path):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    app = create_app({"TESTING": True, "SECRET_KEY": "x"})
    assert app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite:///")
    assert app.config["SQLALCHEMY_DATABASE_URI"].endswith("instance/surveyapp.sqlite")


def test_environment_settings(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgres://u:p@db.example/prod")
    monkeypatch.setenv("SECRET_KEY", "s3cret")
    monkeypatch.setenv("SURVEYAPP_PUBLIC_BASE_URL", "https://survey.example.cn")
    settings = from_environment()
    assert settings["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://u:p@db.example/prod"
    assert settings["SECRET_KEY"] == "s3cret"
    assert settings["PUBLIC_BASE_URL"] == "https://survey.example.cn"


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app({"ENV_NAME": "production", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'p.sqlite'}"})
    app = create_app({"ENV_NAME": "production", "SECRET_KEY": "a-long-random-value-of-32-characters",
                      "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'p.sqlite'}"})
    assert app.config["SESSION_COOKIE_SECURE"] and app.config["SESSION_COOKIE_HTTPONLY"]
    assert app.config["SESSION_COOKIE_SAMESITE"] == "Lax"
