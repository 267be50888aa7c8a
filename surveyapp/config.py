"""Configuration: defaults here, then `instance/config.py`, then the environment."""

from __future__ import annotations

import json
import os
from typing import Any

DEV_SECRET = "dev-only-not-secret"


def compact_json(value: Any) -> str:
    """JSON for stored answers: Chinese kept as is (half the size of \\u escapes, faster to read back)."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


class Defaults:
    SECRET_KEY = DEV_SECRET
    SQLALCHEMY_ENGINE_OPTIONS: dict[str, Any] = {"json_serializer": compact_json}
    MAX_CONTENT_LENGTH = 256 * 1024          # a form post is a few KB; anything near this is hostile
    WTF_CSRF_TIME_LIMIT = None               # a respondent may take an hour on a long questionnaire
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    PUBLIC_BASE_URL: str | None = None      # unset: links use the address each request came in on
    ENV_NAME = "development"


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
