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
import time
from collections.abc import Iterator
from contextlib import contextmanager
from ipaddress import ip_address

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
_UPSERT = sa.text(
    "INSERT INTO rate_limit_counter (counter_key, hits, expires_at) VALUES (:key, :amount, :now + :expiry) "
    "ON CONFLICT (counter_key) DO UPDATE SET "
    "hits = CASE WHEN rate_limit_counter.expires_at <= :now THEN :amount "
    "ELSE rate_limit_counter.hits + :amount END, "
    "expires_at = CASE WHEN rate_limit_counter.expires_at <= :now THEN :now + :expiry "
    "ELSE rate_limit_counter.expires_at END "
    "RETURNING hits")


class DatabaseStorage(Storage):
    """A `limits` storage keeping fixed-window counters in the table ``rate_limit_counter``.

    One statement per hit (an INSERT … ON CONFLICT DO UPDATE … RETURNING, on SQLite and PostgreSQL alike)
    in a transaction whose commit does not wait for the disk (SQLite: synchronous=NORMAL for that commit,
    PostgreSQL: synchronous_commit off): a counter lost to a power cut costs nothing, an fsync per post
    would halve the rate of stored answers. On SQLite the write takes its turn with the response writes
    (`surveyapp.respond.services.serialized_write`). Only the fixed-window strategy is supported.
    """

    STORAGE_SCHEME = [SCHEME]

    @property
    def base_exceptions(self) -> type[Exception]:
        return sa.exc.SQLAlchemyError

    def incr(self, key: str, expiry: int, amount: int = 1) -> int:
        from .services import serialized_write

        now = time.time()
        with serialized_write(), _unsynced(db.engine) as connection:
            hits = connection.execute(_UPSERT, {"key": key, "amount": amount, "now": now,
                                                "expiry": float(expiry)}).scalar_one()
            if random.randrange(PURGE_ONE_IN) == 0:
                connection.execute(sa.delete(_counters).where(_counters.c.expires_at <= now))
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


@contextmanager
def _unsynced(engine: sa.Engine) -> Iterator[sa.Connection]:
    """A transaction on `engine` whose commit skips the wait for the disk; committed at the end, rolled
    back on an error. SQLite's connections are durable (synchronous=FULL) again afterwards."""
    sqlite = engine.dialect.name == "sqlite"
    with engine.connect() as connection:
        if sqlite:
            connection.exec_driver_sql("PRAGMA synchronous=NORMAL")
        elif engine.dialect.name == "postgresql":
            connection.exec_driver_sql("SET LOCAL synchronous_commit TO OFF")
        try:
            yield connection
            connection.commit()
        except BaseException:
            connection.rollback()
            raise
        finally:
            if sqlite:
                try:
                    connection.exec_driver_sql("PRAGMA synchronous=FULL")
                    connection.commit()
                except BaseException:
                    connection.invalidate()         # never back to the pool without its durable setting
                    raise
