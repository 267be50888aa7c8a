"""Connection settings applied to every new database connection."""

from __future__ import annotations

from sqlalchemy import event
from sqlalchemy.engine import Engine

SQLITE_PRAGMAS = (
    "PRAGMA journal_mode=WAL",       # readers never block the writer
    "PRAGMA synchronous=FULL",       # an acknowledged response survives a power cut
    "PRAGMA busy_timeout=10000",     # wait for the writer lock instead of failing under load
    "PRAGMA foreign_keys=ON",
)


def configure_engine(engine: Engine) -> None:
    """Apply the durable SQLite settings on every connection (nothing to do for PostgreSQL)."""
    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record) -> None:  # noqa: ANN001
        cursor = dbapi_connection.cursor()
        for pragma in SQLITE_PRAGMAS:
            cursor.execute(pragma)
        cursor.close()
