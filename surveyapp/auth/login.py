"""Login: password check with throttling (the same answer for unknown names and wrong passwords)."""

from __future__ import annotations

import logging
from collections import OrderedDict
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from werkzeug.security import check_password_hash, generate_password_hash

from ..extensions import db
from ..models import User

logger = logging.getLogger(__name__)


MAX_FAILURES = 5
LOCKOUT = timedelta(minutes=15)
LOGIN_FAILED = "用户名或密码错误。"
LOGIN_LOCKED = "登录失败次数过多，请15分钟后再试。"
_DUMMY_HASH = generate_password_hash("not-a-password-of-anyone")
_UNKNOWN_LIMIT = 10_000
_unknown_failures: OrderedDict[str, tuple[int, datetime]] = OrderedDict()


class LoginRefused(Exception):
    """A login attempt that did not succeed; `message` is shown to the visitor as is."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def _locked(count: int, last: datetime | None, now: datetime) -> bool:
    return count >= MAX_FAILURES and last is not None and now - last < LOCKOUT


def authenticate(username: str, password: str, now: datetime | None = None) -> User:
    """The user whose name and password match, or LoginRefused with a Chinese message.

    After MAX_FAILURES failed attempts (each within LOCKOUT of the previous one) the name is refused for
    LOCKOUT after the last failure, even with the right password. Unknown names are throttled the same way
    (in this process), so neither the message nor the timing tells whether a name exists.
    The caller commits (the failure counters are stored on the user).
    """
    now = now or datetime.now(UTC)
    username = username.strip()
    user = db.session.scalar(sa.select(User).filter_by(username=username)) if username else None
    if user is None:
        count, last = _unknown_failures.get(username, (0, None))
        if _locked(count, last, now):
            raise LoginRefused(LOGIN_LOCKED)
        check_password_hash(_DUMMY_HASH, password)  # same work as for a real account
        if last is None or now - last >= LOCKOUT:
            count = 0
        _unknown_failures[username] = (count + 1, now)
        _unknown_failures.move_to_end(username)
        while len(_unknown_failures) > _UNKNOWN_LIMIT:
            _unknown_failures.popitem(last=False)
        raise LoginRefused(LOGIN_FAILED)
    if _locked(user.failed_logins or 0, user.last_failed_login_at, now):
        logger.info("Login of %s refused: locked after %s failures", username, user.failed_logins)
        raise LoginRefused(LOGIN_LOCKED)
    if not user.check_password(password):
        last = user.last_failed_login_at
        if last is None or now - last >= LOCKOUT:
            user.failed_logins = 0
        user.failed_logins = (user.failed_logins or 0) + 1
        user.last_failed_login_at = now
        db.session.flush()
        logger.info("Failed login for %s (%d in a row)", username, user.failed_logins)
        raise LoginRefused(LOGIN_FAILED)
    user.failed_logins = 0
    user.last_failed_login_at = None
    db.session.flush()
    logger.info("User %s logged in", username)
    return user


def forget_unknown_failures() -> None:
    """Clear the in-process throttle of unknown user names (tests)."""
    _unknown_failures.clear()
