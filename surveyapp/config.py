"""Configuration: defaults here, then `instance/config.py`, then the environment."""

from __future__ import annotations

import json
import os
import secrets
from pathlib import Path
from typing import Any

ENV_NAMES = ("production", "development")
"""The values of ENV_NAME; unset means neither (a real key is then required, of any length)."""
MIN_KEY_LENGTH = 32
KEY_FILE = "secret_key"
"""The development key's file in the instance folder (mode 0600) unless SECRET_KEY_FILE names another."""


def compact_json(value: Any) -> str:
    """JSON for stored answers: Chinese kept as is (half the size of \\u escapes, faster to read back)."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


class ConfigurationError(RuntimeError):
    """A setting the app cannot start with; the message says what to set."""


class Defaults:
    SECRET_KEY: str | None = None            # never built in: see `settle_secret_key`
    SECRET_KEY_FILE = ""                     # where development keeps its key; empty: instance/secret_key
    SQLALCHEMY_ENGINE_OPTIONS: dict[str, Any] = {"json_serializer": compact_json}
    MAX_CONTENT_LENGTH = 256 * 1024          # a form post is a few KB; anything near this is hostile
    WTF_CSRF_TIME_LIMIT = None               # a respondent may take an hour on a long questionnaire
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    PUBLIC_BASE_URL: str | None = None      # unset: links use the address each request came in on
    ENV_NAME = ""                            # "production", "development" or unset
    SUBMIT_RATE_LIMIT = "120 per minute"     # questionnaire posts per address (see docs/deployment.md)
    RATELIMIT_STORAGE_URI = ""               # empty: the app's database (table rate_limit_counter)
    TRUSTED_PROXIES = 0                      # proxies in front that set X-Forwarded-For/-Proto/-Host


def from_environment() -> dict[str, Any]:
    """Settings taken from environment variables: DATABASE_URL, SECRET_KEY and SURVEYAPP_* ones."""
    settings: dict[str, Any] = {}
    if os.environ.get("DATABASE_URL"):
        url = os.environ["DATABASE_URL"]
        if url.startswith("postgres://"):
            url = "postgresql://" + url.removeprefix("postgres://")
        if url.startswith("postgresql://"):
            url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
        settings["SQLALCHEMY_DATABASE_URI"] = url
    if os.environ.get("SECRET_KEY"):
        settings["SECRET_KEY"] = os.environ["SECRET_KEY"]
    for key, value in os.environ.items():
        if key.startswith("SURVEYAPP_") and key != "SURVEYAPP_REQUIRE_ALL":
            settings[key.removeprefix("SURVEYAPP_")] = value
    return settings


def settle_secret_key(config: dict[str, Any], instance_path: str | Path, when_missing: str = "refuse") -> None:
    """Check ENV_NAME and SECRET_KEY and, when no key is given, fill in the development key or refuse.

    - ENV_NAME must be "production", "development" or unset: a misspelt value (`prod`) refuses to start
      instead of being taken for either;
    - production needs a SECRET_KEY of at least 32 characters, given in the settings;
    - otherwise, without a SECRET_KEY, the key kept in SECRET_KEY_FILE (default ``<instance>/secret_key``)
      is used. It is made once (random, mode 0600) by a development start: ENV_NAME=development (which
      `make run` sets) or `when_missing="keep"` (`surveyapp run`, the development server);
    - `when_missing="ephemeral"` (the other `surveyapp` commands, which serve nothing) takes a random key
      for this process alone; any other start without a key refuses. There is no built-in key.

    Raises ConfigurationError with what to set.
    """
    env_name = config.get("ENV_NAME") or ""
    if env_name not in ("", *ENV_NAMES):
        raise ConfigurationError(
            f"ENV_NAME is {env_name!r}: set SURVEYAPP_ENV_NAME to production or development, or leave it unset")
    key = config.get("SECRET_KEY")
    if key:
        if env_name == "production" and len(key) < MIN_KEY_LENGTH:
            raise ConfigurationError(
                f"SECRET_KEY has {len(key)} characters; production needs at least {MIN_KEY_LENGTH} random ones "
                "(python -c 'import secrets; print(secrets.token_urlsafe(32))')")
        return
    if env_name == "production":
        raise ConfigurationError(
            "SECRET_KEY is not set: production needs a random SECRET_KEY of at least "
            f"{MIN_KEY_LENGTH} characters (python -c 'import secrets; print(secrets.token_urlsafe(32))')")
    path = Path(config.get("SECRET_KEY_FILE") or Path(instance_path) / KEY_FILE)
    if env_name == "development" or when_missing == "keep":
        config["SECRET_KEY"] = _kept_key(path, create=True)
    elif path.exists() or when_missing != "ephemeral":
        config["SECRET_KEY"] = _kept_key(path, create=False)
    else:
        config["SECRET_KEY"] = secrets.token_urlsafe(48)


def _kept_key(path: Path, create: bool) -> str:
    """The development key kept in `path`; made (once, mode 0600) when `create`, else it must exist."""
    if create:
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass
        else:
            with os.fdopen(fd, "w") as out:
                out.write(secrets.token_urlsafe(48) + "\n")
    try:
        key = path.read_text().strip()
    except FileNotFoundError:
        raise ConfigurationError(
            "SECRET_KEY is not set: set SECRET_KEY to a random value of at least "
            f"{MIN_KEY_LENGTH} characters, or SURVEYAPP_ENV_NAME=development on a development machine "
            f"(a random key is then kept in {path})") from None
    if len(key) < MIN_KEY_LENGTH:
        raise ConfigurationError(f"the key in {path} is shorter than {MIN_KEY_LENGTH} characters: delete the file")
    return key
