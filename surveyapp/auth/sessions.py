"""Console login sessions kept on the server, so that logout, a password reset and an admin's revoke end
them: the signed cookie holds a random token, the database its hash, the user and the times.

A session ends after ``SESSION_IDLE_MINUTES`` without a request (default 120) and in any case
``SESSION_MAX_HOURS`` after the login (default 12); both are settings.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from flask import current_app, g, session
from sqlalchemy.orm import joinedload

from ..audit.services import record_event
from ..extensions import db, login_manager
from ..models import LoginSession, User, utcnow

logger = logging.getLogger(__name__)

SESSION_KEY = "login"
"""The key of the session token in the signed cookie."""
DEFAULT_IDLE_MINUTES = 120
DEFAULT_MAX_HOURS = 12
TOUCH_EVERY = timedelta(minutes=1)
"""The last-seen time is written at most this often (the idle lifetime is counted to the minute)."""


def _positive_int(config: Any, name: str, default: int) -> int:
    value = config.get(name, default)
    try:
        number = int(value)
    except (TypeError, ValueError):
        number = 0
    if number <= 0:
        raise RuntimeError(f"{name} must be a whole number above 0 (got {value!r})")
    return number


def lifetimes(config: Any = None) -> tuple[timedelta, timedelta]:
    """(idle, absolute) lifetime of a login from the settings; RuntimeError for a bad value."""
    config = current_app.config if config is None else config
    return (timedelta(minutes=_positive_int(config, "SESSION_IDLE_MINUTES", DEFAULT_IDLE_MINUTES)),
            timedelta(hours=_positive_int(config, "SESSION_MAX_HOURS", DEFAULT_MAX_HOURS)))


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start_session(user: User, address: str | None, now: datetime | None = None) -> str:
    """Record a login of `user` (audit event included); the token to keep in the cookie (flushed)."""
    now = now or utcnow()
    token = secrets.token_urlsafe(32)
    db.session.add(LoginSession(token_hash=_digest(token), user_id=user.id, created_at=now, last_seen_at=now,
                                address=(address or "")[:64]))
    user.last_login_at = now
    _, longest = lifetimes()
    db.session.execute(sa.delete(LoginSession).where(LoginSession.created_at < now - longest))
    record_event("login", user=user)
    return token


def live_session(token: str | None, now: datetime | None = None) -> LoginSession | None:
    """The session of a cookie's token if it is still valid: not ended, within both lifetimes, its user
    active."""
    if not token:
        return None
    now = now or utcnow()
    found = db.session.scalar(sa.select(LoginSession).options(joinedload(LoginSession.user))
                             .where(LoginSession.token_hash == _digest(token)))
    if found is None or found.ended_at is not None or not found.user.active:
        return None
    idle, longest = lifetimes()
    if now - found.last_seen_at > idle or now - found.created_at > longest:
        return None
    return found


def end_session(token: str | None, user: User | None, now: datetime | None = None) -> None:
    """Log out: end the session of this token (the logout is recorded; flushed)."""
    found = live_session(token, now)
    if found is not None:
        found.ended_at = now or utcnow()
    record_event("logout", user=user)


def _open(now: datetime) -> list[sa.ColumnElement[bool]]:
    idle, longest = lifetimes()
    return [LoginSession.ended_at.is_(None), LoginSession.last_seen_at >= now - idle,
            LoginSession.created_at >= now - longest]


def end_user_sessions(user: User, now: datetime | None = None) -> int:
    """End every open session of `user` (password reset, deactivation, revoke); how many (flushed)."""
    now = now or utcnow()
    ended = db.session.execute(
        sa.update(LoginSession).where(LoginSession.user_id == user.id, *_open(now)).values(ended_at=now))
    db.session.flush()
    logger.info("%d sessions of %s ended", ended.rowcount, user.username)
    return ended.rowcount


def open_session_counts(now: datetime | None = None) -> dict[int, int]:
    """Open (valid) sessions per user id."""
    rows = db.session.execute(
        sa.select(LoginSession.user_id, sa.func.count(LoginSession.id)).where(*_open(now or utcnow()))
        .group_by(LoginSession.user_id))
    return {user_id: number for user_id, number in rows}


def keep_alive(now: datetime | None = None) -> bool:
    """Note that the request's session was used (at most once per TOUCH_EVERY); whether it was written."""
    found: LoginSession | None = g.get("login_session")
    now = now or utcnow()
    if found is None or now - found.last_seen_at < TOUCH_EVERY:
        return False
    found.last_seen_at = now
    db.session.flush()
    return True


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    """The user of the cookie, only while its server-side session is valid (a replayed cookie of an ended
    session loads nobody)."""
    found = live_session(session.get(SESSION_KEY))
    if found is None or str(found.user_id) != user_id:
        return None
    g.login_session = found
    return found.user
