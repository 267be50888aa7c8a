"""Login throttle: growing delays after failed logins, per address, per account and per account from one
address, kept in the database so that every app instance applies the same counts.

Rules (each key counts its failures; a key forgets them a day after its last failure):

- an **address** (an IPv6 address counts as its /64 network) may fail ``FREE["address"]`` times, then
  waits 1 s, 2 s, 4 s ... (at most ``MAX_DELAY``) before each further attempt, whatever the name;
- an **account from an address** may fail ``FREE["pair"]`` times, then waits the same growing delays;
- an **account** (from all addresses together) may fail ``FREE["account"]`` times; its delay then holds
  every address that has itself failed on this account, so many addresses cannot share out the guesses,
  while an address with no failure on the account (its owner's) is never held: nobody can lock an
  account for its owner.

An attempt refused for a delay is not checked and not counted. Unknown user names are counted exactly like
real ones, so the answers do not tell whether a name exists. A success clears the account-from-address
count. Concurrent attempts that pass the check before the first failure is stored are all checked (at
most one per worker per delay), which the growing delays still bound.
"""

from __future__ import annotations

import ipaddress
import math
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from ..extensions import db
from ..models import LoginThrottle, utcnow

FREE = {"address": 10, "pair": 3, "account": 5}
"""Failures each kind of key may have before delays begin."""
MAX_DELAY = timedelta(minutes=15)
FORGET_AFTER = timedelta(days=1)


def delay_after(failures: int, free: int) -> timedelta:
    """The wait after the `failures`-th failure: none up to `free`, then 1 s doubling up to MAX_DELAY.

    >>> delay_after(5, 3)
    datetime.timedelta(seconds=2)
    """
    if failures <= free:
        return timedelta(0)
    exponent = failures - free - 1
    if exponent >= 20:                       # 2**20 s is far beyond MAX_DELAY
        return MAX_DELAY
    return min(MAX_DELAY, timedelta(seconds=2 ** exponent))


def network_of(address: str | None) -> str:
    """The address a throttle counts: IPv4 as is, IPv6 as its /64 network (one subscriber's block)."""
    try:
        parsed = ipaddress.ip_address((address or "").strip())
    except ValueError:
        return "unknown"
    if isinstance(parsed, ipaddress.IPv6Address):
        if parsed.ipv4_mapped is not None:
            return str(parsed.ipv4_mapped)
        return str(ipaddress.ip_network(f"{parsed}/64", strict=False))
    return str(parsed)


@dataclass(frozen=True)
class ThrottleKeys:
    address: str
    account: str
    pair: str

    @classmethod
    def of(cls, username: str, address: str | None) -> ThrottleKeys:
        name = username.strip().lower()[:64]
        network = network_of(address)
        return cls(f"address:{network}", f"account:{name}", f"pair:{name}|{network}")

    def free(self) -> dict[str, int]:
        return {self.address: FREE["address"], self.account: FREE["account"], self.pair: FREE["pair"]}


def _rows(keys: ThrottleKeys, now: datetime) -> dict[str, LoginThrottle]:
    """The keys' rows that still remember a failure."""
    rows = db.session.scalars(
        sa.select(LoginThrottle).where(LoginThrottle.key.in_([keys.address, keys.account, keys.pair]))
        .execution_options(populate_existing=True)).all()
    return {row.key: row for row in rows if row.failures and now - row.last_failure_at < FORGET_AFTER}


def seconds_to_wait(keys: ThrottleKeys, now: datetime | None = None) -> int:
    """Whole seconds before an attempt with these keys may be checked (0: now)."""
    now = now or utcnow()
    rows = _rows(keys, now)
    held = [keys.address, keys.pair]
    if keys.pair in rows:                    # this address has failed on the account: the account's delay holds it
        held.append(keys.account)
    waits = [(rows[key].blocked_until - now).total_seconds() for key in held
             if key in rows and rows[key].blocked_until is not None]
    return max([0, *(math.ceil(w) for w in waits)])


def _insert_missing(keys: list[str], now: datetime) -> None:
    dialect = db.session.get_bind().dialect.name
    insert = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}.get(dialect)
    values = [{"key": key, "failures": 0, "last_failure_at": now} for key in keys]
    if insert is not None:
        db.session.execute(insert(LoginThrottle).values(values).on_conflict_do_nothing())
        return
    existing = set(db.session.scalars(sa.select(LoginThrottle.key).where(LoginThrottle.key.in_(keys))))
    db.session.execute(sa.insert(LoginThrottle), [v for v in values if v["key"] not in existing])


def record_failure(keys: ThrottleKeys, now: datetime | None = None) -> None:
    """Count a failed attempt on every key and set each key's next delay (flushed; the caller commits)."""
    now = now or utcnow()
    free = keys.free()
    _insert_missing(sorted(free), now)       # sorted: concurrent attempts lock rows in the same order
    rows = {row.key: row for row in db.session.scalars(
        sa.select(LoginThrottle).where(LoginThrottle.key.in_(sorted(free))).order_by(LoginThrottle.key)
        .with_for_update().execution_options(populate_existing=True))}
    for key, row in rows.items():
        fresh = row.failures == 0 or now - row.last_failure_at >= FORGET_AFTER
        row.failures = 1 if fresh else row.failures + 1
        row.last_failure_at = now
        delay = delay_after(row.failures, free[key])
        row.blocked_until = now + delay if delay else None
    db.session.execute(sa.delete(LoginThrottle).where(LoginThrottle.last_failure_at < now - FORGET_AFTER))
    db.session.flush()


def record_success(keys: ThrottleKeys) -> None:
    """A good password from this address clears the account-from-address count (flushed)."""
    db.session.execute(sa.delete(LoginThrottle).where(LoginThrottle.key == keys.pair))
    db.session.flush()
