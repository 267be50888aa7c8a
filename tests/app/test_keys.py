"""No built-in secret key: development keeps a generated one, every other start needs a real one."""

from __future__ import annotations

import stat

import pytest
from click.testing import CliRunner
from flask import Flask
from flask.sessions import SecureCookieSessionInterface

from surveyapp import create_app
from surveyapp.auth.services import create_user
from surveyapp.config import ConfigurationError
from surveyapp.extensions import db

OLD_BUILT_IN_KEY = "dev-only-not-secret"


def _settings(tmp_path, **more):
    return {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'k.sqlite'}",
            "SECRET_KEY_FILE": str(tmp_path / "instance" / "secret_key"), **more}


@pytest.mark.parametrize("env_name", ["", None])
def test_a_fresh_install_without_a_key_refuses_to_start(tmp_path, env_name):
    settings = _settings(tmp_path)
    if env_name is not None:
        settings["ENV_NAME"] = env_name
    with pytest.raises(ConfigurationError, match="SECRET_KEY is not set.*SURVEYAPP_ENV_NAME=development"):
        create_app(settings)
    assert not (tmp_path / "instance" / "secret_key").exists()


@pytest.mark.parametrize("env_name", ["prod", "Production", "dev", "test"])
def test_a_misspelt_environment_refuses_to_start_even_with_a_key(tmp_path, env_name):
    for key in (None, "k" * 40):
        settings = _settings(tmp_path, ENV_NAME=env_name)
        if key:
            settings["SECRET_KEY"] = key
        with pytest.raises(ConfigurationError, match=f"ENV_NAME is '{env_name}'"):
            create_app(settings)


@pytest.mark.parametrize("key, starts", [("x", False), ("k" * 31, False), ("k" * 32, True)])
def test_production_needs_a_key_of_32_characters(tmp_path, key, starts):
    settings = _settings(tmp_path, ENV_NAME="production", SECRET_KEY=key)
    if starts:
        assert create_app(settings).config["SECRET_KEY"] == key
    else:
        with pytest.raises(ConfigurationError, match=f"SECRET_KEY has {len(key)} characters"):
            create_app(settings)


def test_production_never_takes_the_kept_development_key(tmp_path):
    create_app(_settings(tmp_path, ENV_NAME="development"))
    with pytest.raises(ConfigurationError, match="production needs a random SECRET_KEY"):
        create_app(_settings(tmp_path, ENV_NAME="production"))


def test_development_generates_a_private_key_once_and_keeps_it(tmp_path):
    first = create_app(_settings(tmp_path, ENV_NAME="development"))
    path = tmp_path / "instance" / "secret_key"
    key = first.config["SECRET_KEY"]
    assert len(key) >= 32 and key != OLD_BUILT_IN_KEY
    assert path.read_text().strip() == key
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert create_app(_settings(tmp_path, ENV_NAME="development")).config["SECRET_KEY"] == key
    # a later start without ENV_NAME on the same machine uses the kept key; another machine has its own
    assert create_app(_settings(tmp_path)).config["SECRET_KEY"] == key
    other = tmp_path / "other"
    other.mkdir()
    assert create_app(_settings(other, ENV_NAME="development")).config["SECRET_KEY"] != key


def test_a_key_from_the_environment_wins(tmp_path, monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "e" * 40)
    monkeypatch.setenv("SURVEYAPP_ENV_NAME", "production")
    monkeypatch.setenv("SURVEYAPP_SECRET_KEY_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'e.sqlite'}")
    assert create_app().config["SECRET_KEY"] == "e" * 40


def test_a_cookie_forged_with_the_old_built_in_key_does_not_open_the_console(tmp_path):
    """Before, every start without ENV_NAME=production signed sessions with a public key."""
    app = create_app(_settings(tmp_path, ENV_NAME="development"))
    with app.app_context():
        db.create_all()
        user = create_user("evaluator", "correct-horse-42")
        db.session.commit()
        user_id = str(user.id)
    forger = Flask("forger")
    forger.secret_key = OLD_BUILT_IN_KEY
    cookie = SecureCookieSessionInterface().get_signing_serializer(forger).dumps(
        {"_user_id": user_id, "_fresh": True})
    client = app.test_client()
    client.set_cookie("session", cookie)
    response = client.get("/console/")
    assert response.status_code == 302 and "/console/login" in response.headers["Location"]
    with app.app_context():
        db.engine.dispose()


@pytest.fixture
def bare_environment(tmp_path, monkeypatch):
    """An operator's shell without any key, on a database of its own."""
    for name in ("SECRET_KEY", "SURVEYAPP_ENV_NAME", "FLASK_APP"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("SURVEYAPP_SECRET_KEY_FILE", str(tmp_path / "instance" / "secret_key"))
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'c.sqlite'}")
    return tmp_path / "instance" / "secret_key"


def test_commands_that_serve_nothing_run_without_a_key_and_keep_none(bare_environment):
    from surveyapp.cli import make_cli

    result = CliRunner().invoke(make_cli(), ["questionnaires", "check"])
    assert result.exit_code == 0, result.output
    assert not bare_environment.exists()


def test_the_command_line_in_production_refuses_without_a_key_in_one_line(bare_environment, monkeypatch):
    from surveyapp.cli import make_cli

    monkeypatch.setenv("SURVEYAPP_ENV_NAME", "production")
    result = CliRunner().invoke(make_cli(), ["users", "create", "x"])
    assert result.exit_code == 2
    assert "SECRET_KEY is not set" in result.output and "Traceback" not in result.output


def test_the_development_server_keeps_a_generated_key(bare_environment):
    """`surveyapp run` (when_key_missing="keep") makes the key once; a server start without it refuses."""
    with pytest.raises(ConfigurationError, match="SECRET_KEY is not set"):
        create_app()
    key = create_app(when_key_missing="keep").config["SECRET_KEY"]
    assert bare_environment.read_text().strip() == key
    assert create_app().config["SECRET_KEY"] == key
