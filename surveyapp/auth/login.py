"""Login: the password check behind the throttle, with one answer for unknown names and wrong passwords."""

from __future__ import annotations

import logging
import math
from datetime import datetime

import sqlalchemy as sa
from werkzeug.security import check_password_hash, generate_password_hash

from ..audit.services import record_event
from ..extensions import db
from ..models import User, utcnow
from . import throttle

logger = logging.getLogger(__name__)

LOGIN_FAILED = "用户名或密码错误。"
_DUMMY_HASH = generate_password_hash("not-a-password-of-anyone")


class LoginRefused(Exception):
    """A login attempt that did not succeed; `message` is shown to the visitor as is, `retry_after` is the
    wait in seconds when the attempt was refused for the throttle (0 for a wrong password)."""

    def __init__(self, message: str, retry_after: int = 0):
        super().__init__(message)
        self.message = message
        self.retry_after = retry_after


def wait_message(seconds: int, attempts: str = "登录尝试") -> str:
    if seconds >= 60:
        return f"{attempts}过于频繁，请 {math.ceil(seconds / 60)} 分钟后再试。"
    return f"{attempts}过于频繁，请 {seconds} 秒后再试。"


def authenticate(username: str, password: str, address: str | None, now: datetime | None = None) -> User:
    """The active user whose name and password match, or LoginRefused with a Chinese message.

    An attempt while the throttle holds the address or the account is refused unchecked (see
    `surveyapp.auth.throttle`). An unknown name, a wrong password and a deactivated account get the same
    answer after the same work (one password hash check, the same counters written). Failures are
    recorded in the audit log without the password (and without the typed name when it is no user's).
    The caller commits.
    """
    now = now or utcnow()
    username = username.strip()
    keys = throttle.ThrottleKeys.of(username, address)
    wait = throttle.seconds_to_wait(keys, now)
    if wait:
        logger.info("Login attempt for %r from %s refused for %d s (throttle)", username, address, wait)
        raise LoginRefused(wait_message(wait), wait)
    user = db.session.scalar(sa.select(User).filter_by(username=username)) if username else None
    matches = check_password_hash(user.password_hash if user is not None else _DUMMY_HASH, password)
    if user is None or not matches or not user.active:
        throttle.record_failure(keys, now)
        reason = "未知用户名" if user is None else ("账号已停用" if not user.active else "密码错误")
        record_event("login_failed", user=user, detail=reason)
        raise LoginRefused(LOGIN_FAILED)
    throttle.record_success(keys)
    logger.info("User %s logged in", username)
    return user
