"""API tokens: a user's keys for the management API (`Authorization: Bearer <token>`).

A token is ``sa_<prefix>_<secret>``: the 8-character prefix names it in lists and in the revoke command, the
secret makes it unguessable (256 bits). Only the token's SHA-256 hash is stored; the token itself is shown
once, when it is made. A fast hash is enough here (unlike passwords): the secret is random, not chosen by
a person, so there is nothing to guess from the hash.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from ..errors import ConsoleError
from ..extensions import db
from ..models import ApiToken, User

logger = logging.getLogger(__name__)

TOKEN_START = "sa_"
LABEL_LENGTH = 100
TOUCH_EVERY = timedelta(minutes=1)
"""`last_used_at` is written at most this often per token (an API script must not turn reads into writes)."""


class TokenRefused(Exception):
    """A bearer token that does not let its holder in; `reason` is ``missing``, ``unknown`` or ``revoked``."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _new_prefix() -> str:
    while True:
        prefix = secrets.token_hex(4)
        if db.session.scalar(sa.select(ApiToken.id).filter_by(prefix=prefix)) is None:
            return prefix


def create_token(user: User, label: str = "") -> tuple[ApiToken, str]:
    """A new token of `user`: the stored row and the token text (shown once, never stored)."""
    label = label.strip()
    if len(label) > LABEL_LENGTH:
        raise ConsoleError(f"说明不能超过 {LABEL_LENGTH} 个字。", code="label_too_long",
                           english=f"The label must be at most {LABEL_LENGTH} characters.")
    prefix = _new_prefix()
    token = f"{TOKEN_START}{prefix}_{secrets.token_urlsafe(32)}"
    row = ApiToken(user=user, prefix=prefix, token_hash=token_hash(token), label=label)
    db.session.add(row)
    db.session.flush()
    logger.info("API token %s created for user %s", prefix, user.username)
    return row, token


def user_tokens(user: User) -> list[ApiToken]:
    """The user's tokens, newest first (revoked ones included, marked by `revoked_at`)."""
    return list(db.session.scalars(sa.select(ApiToken).filter_by(user_id=user.id)
                                   .order_by(ApiToken.created_at.desc(), ApiToken.id.desc())))


def _prefix_of(text: str) -> str:
    """The prefix from what a person types: ``1a2b3c4d``, ``sa_1a2b3c4d`` or the whole token."""
    text = text.strip().removeprefix(TOKEN_START)
    return text.split("_", 1)[0]


def revoke_token(user: User, prefix: str, now: datetime | None = None) -> ApiToken:
    """Revoke the user's token with this prefix (revoking twice keeps the first time)."""
    row = db.session.scalar(sa.select(ApiToken).filter_by(user_id=user.id, prefix=_prefix_of(prefix)))
    if row is None:
        raise ConsoleError(f"没有前缀为 {prefix} 的令牌。", code="unknown_token",
                           english=f"User {user.username} has no token with prefix {prefix!r}.")
    if row.revoked_at is None:
        row.revoked_at = now or datetime.now(UTC)
        db.session.flush()
        logger.info("API token %s of user %s revoked", row.prefix, user.username)
    return row


def token_user(token: str | None, now: datetime | None = None) -> User:
    """The user a bearer token acts as; TokenRefused when it is missing, unknown, revoked or its user is
    deactivated.

    Notes the time of use (at most once per TOUCH_EVERY; the request's commit stores it).
    """
    if not token:
        raise TokenRefused("missing")
    row = db.session.scalar(sa.select(ApiToken).filter_by(token_hash=token_hash(token)))
    if row is None:
        raise TokenRefused("unknown")
    if row.revoked_at is not None:
        raise TokenRefused("revoked")
    if not row.user.active:
        raise TokenRefused("inactive")
    now = now or datetime.now(UTC)
    if row.last_used_at is None or now - row.last_used_at >= TOUCH_EVERY:
        row.last_used_at = now
        db.session.flush()
    return row.user


