"""The per-address limit on questionnaire posts (Flask-Limiter) and its default store: the app's database.

A school behind one NAT address never meets the limit (``SUBMIT_RATE_LIMIT``, 120 posts a minute by
default); a script posting made-up answers from one address does. The counters must be shared by every
worker process and every instance, so they live in the configured store (``RATELIMIT_STORAGE_URI``, for
example ``redis://…`` or ``memcached://…``) or, by default, in the table ``rate_limit_counter`` of the
app's own database through `DatabaseStorage`.

Behind a reverse proxy every request comes from the proxy's address: ``TRUSTED_PROXIES`` (see
`surveyapp.create_app`) makes the address the one the proxy forwarded.
"""

from __future__ import annotations

import logging
import random
import sqlite3
import time
from ipaddress import ip_address
from typing import Any

import sqlalchemy as sa
from flask import Flask, current_app, request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from limits.storage import Storage

from ..extensions import db
from ..models import RateLimitCounter

logger = logging.getLogger(__name__)

SCHEME = "surveyapp-db"
PURGE_ONE_IN = 1000
"""About one counter write in this many also deletes the expired counters."""

limiter = Limiter(key_func=get_remote_address, strategy="fixed-window")


def init_limiter(app: Flask) -> None:
    """Bind the limiter to `app`: its store is RATELIMIT_STORAGE_URI, or the app's database when empty."""
    if not app.config.get("RATELIMIT_STORAGE_URI"):
        app.config["RATELIMIT_STORAGE_URI"] = f"{SCHEME}://"
    app.config.setdefault("RATELIMIT_HEADERS_ENABLED", False)
    limiter.init_app(app)


def submit_limit() -> str:
    """The configured limit on questionnaire posts per address, e.g. ``120 per minute``."""
    return current_app.config["SUBMIT_RATE_LIMIT"]


def warn_if_behind_an_untrusted_proxy() -> None:
    """Log once per process when the limited address is a loopback one: every respondent then shares
    the proxy's address (set TRUSTED_PROXIES)."""
    global _warned
    if _warned or current_app.config.get("TRUSTED_PROXIES"):
        return
    try:
        loopback = ip_address(request.remote_addr or "").is_loopback
    except ValueError:
        return
    if loopback:
        _warned = True
        logger.warning("Submission rate limit reached by %s: behind a reverse proxy set "
                       "SURVEYAPP_TRUSTED_PROXIES, or every respondent shares the proxy's address",
                       request.remote_addr)


_warned = False

_counters = RateLimitCounter.__table__
_UPSERT_SQL = (
    "INSERT INTO rate_limit_counter (counter_key, hits, expires_at) VALUES ({key}, {amount}, {now} + {expiry}) "
    "ON CONFLICT (counter_key) DO UPDATE SET "
    "hits = CASE WHEN rate_limit_counter.expires_at <= {now} THEN {amount} "
    "ELSE rate_limit_counter.hits + {amount} END, "
    "expires_at = CASE WHEN rate_limit_counter.expires_at <= {now} THEN {now} + {expiry} "
    "ELSE rate_limit_counter.expires_at END "
    "RETURNING hits")
_UPSERT = sa.text(_UPSERT_SQL.format(key=":key", amount=":amount", now=":now", expiry=":expiry"))
_UPSERT_SQLITE = _UPSERT_SQL.format(key=":key", amount=":amount", now=":now", expiry=":expiry")
_PURGE_SQLITE = "DELETE FROM rate_limit_counter WHERE expires_at <= :now"


class DatabaseStorage(Storage):
    """A `limits` storage keeping fixed-window counters in the table ``rate_limit_counter``.

    One statement per hit (an INSERT … ON CONFLICT DO UPDATE … RETURNING, on SQLite and PostgreSQL alike)
    in a transaction whose commit does not wait for the disk (SQLite: synchronous=NORMAL for that commit,
    PostgreSQL: synchronous_commit off): a counter lost to a power cut costs nothing, an fsync per post
    would halve the rate of stored answers. On SQLite the write takes its turn with the response writes
    (`surveyapp.respond.services.serialized_write`) and goes straight to the driver (SQLAlchemy's execution
    machinery cost three times the statement itself). Only the fixed-window strategy is supported.
    """

    STORAGE_SCHEME = [SCHEME]

    @property
    def base_exceptions(self) -> tuple[type[Exception], ...]:
        return (sa.exc.SQLAlchemyError, sqlite3.Error)

    def incr(self, key: str, expiry: int, amount: int = 1) -> int:
        from .services import serialized_write

        engine = db.engine
        params = {"key": key, "amount": amount, "now": time.time(), "expiry": float(expiry)}
        purge = random.randrange(PURGE_ONE_IN) == 0
        with serialized_write():
            if engine.dialect.name == "sqlite":
                return _sqlite_incr(engine, params, purge)
            with engine.begin() as connection:
                if engine.dialect.name == "postgresql":
                    connection.exec_driver_sql("SET LOCAL synchronous_commit TO OFF")
                hits = connection.execute(_UPSERT, params).scalar_one()
                if purge:
                    connection.execute(sa.delete(_counters).where(_counters.c.expires_at <= params["now"]))
        return int(hits)

    def _row(self, key: str) -> tuple[int, float] | None:
        with db.engine.connect() as connection:
            row = connection.execute(sa.select(_counters.c.hits, _counters.c.expires_at)
                                     .where(_counters.c.counter_key == key)).first()
        return None if row is None or row[1] <= time.time() else (int(row[0]), float(row[1]))

    def get(self, key: str) -> int:
        row = self._row(key)
        return 0 if row is None else row[0]

    def get_expiry(self, key: str) -> float:
        row = self._row(key)
        return time.time() if row is None else row[1]

    def check(self) -> bool:
        try:
            with db.engine.connect() as connection:
                connection.execute(sa.select(sa.func.count()).select_from(_counters))
        except sa.exc.SQLAlchemyError:
            return False
        return True

    def reset(self) -> int | None:
        with db.engine.begin() as connection:
            return connection.execute(sa.delete(_counters)).rowcount

    def clear(self, key: str) -> None:
        with db.engine.begin() as connection:
            connection.execute(sa.delete(_counters).where(_counters.c.counter_key == key))


def _sqlite_incr(engine: sa.Engine, params: dict[str, Any], purge: bool) -> int:
    """The counter write on SQLite, on a pooled connection with synchronous=NORMAL for this one commit (in
    WAL mode: consistent, no fsync); the connection goes back to the pool durable (FULL) again."""
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        cursor.execute("PRAGMA synchronous=NORMAL")
        try:
            hits = cursor.execute(_UPSERT_SQLITE, params).fetchall()[0][0]
            if purge:
                cursor.execute(_PURGE_SQLITE, params)
            raw.commit()
        except BaseException:
            raw.rollback()
            raise
        finally:
            try:
                cursor.execute("PRAGMA synchronous=FULL")
            except BaseException:
                raw.invalidate()                    # never back to the pool without its durable setting
                raise
        return int(hits)
    finally:
        raw.close()
