"""Evaluator accounts: created by an admin or on the command line (no open sign-up), password resets,
deactivation and ending a user's logins. Each action is recorded in the audit log.

The first user created becomes the admin. Errors carry an English message (the command line) and a
Chinese one (the console).
"""

from __future__ import annotations

import logging
import re
import secrets

import sqlalchemy as sa

from ..audit.services import acting_user, record_event
from ..extensions import db
from ..models import User, utcnow
from ..surveys.services import SurveyError
from . import throttle
from .login import wait_message
from .sessions import end_user_sessions

logger = logging.getLogger(__name__)
USERNAME = re.compile(r"^[A-Za-z0-9_.@-]{3,64}$")
MIN_PASSWORD = 10
MAX_PASSWORD = 200


class UserError(SurveyError):
    """A user operation that cannot be done: `message` in English, `chinese` for the console."""

    def __init__(self, english: str, chinese: str, retry_after: int = 0):
        super().__init__(english, source="users")
        self.chinese = chinese
        self.retry_after = retry_after          # seconds, when refused for the login throttle


def generate_password() -> str:
    """A random password an evaluator can type: 16 URL-safe characters."""
    return secrets.token_urlsafe(12)


def create_user(username: str, password: str, admin: bool = False) -> User:
    """A new active account; the first account of the database is always an admin (flushed)."""
    if not USERNAME.match(username):
        raise UserError("the username must be 3-64 letters, digits or _ . @ -",
                        "用户名须为 3-64 个字母、数字或 _ . @ - 字符。")
    if len(password) < MIN_PASSWORD:
        raise UserError(f"the password must have at least {MIN_PASSWORD} characters",
                        f"密码至少需要 {MIN_PASSWORD} 个字符。")
    if find_user(username) is not None:
        raise UserError(f"user {username!r} already exists", f"用户名 {username} 已存在。")
    first = db.session.scalar(sa.select(User.id).limit(1)) is None
    user = User(username=username, is_admin=admin or first, active=True)
    user.set_password(password)
    db.session.add(user)
    db.session.flush()
    record_event("user_created", detail=f"{username}（{'管理员' if user.is_admin else '评价人员'}）")
    logger.info("User %s created%s", username, " (admin)" if user.is_admin else "")
    return user


def find_user(username: str) -> User | None:
    return db.session.scalar(sa.select(User).filter_by(username=username.strip()))


def get_user(username: str) -> User:
    """The user with this name, or UserError."""
    user = find_user(username)
    if user is None:
        raise UserError(f"no user {username!r}", f"没有用户名为 {username} 的用户。")
    return user


def reset_password(user: User) -> str:
    """Give `user` a new generated password and end all their logins; the password, to show once."""
    password = generate_password()
    user.set_password(password)
    ended = end_user_sessions(user)
    record_event("password_reset", detail=f"{user.username}（结束 {ended} 个登录）")
    return password


def change_password(user: User, current: str, new: str, address: str | None = None) -> int:
    """`user` replaces their own password, knowing the current one; every login of theirs ends (the caller
    starts a new one for the browser in use). Returns how many logins ended.

    A wrong current password counts as a failed login of `user` from `address` (the login throttle's
    delays then hold this form too, so a borrowed session cannot guess the password); every refusal comes
    before any change, so the caller commits to keep that count."""
    now = utcnow()
    keys = throttle.ThrottleKeys.of(user.username, address)
    wait = throttle.seconds_to_wait(keys, now)
    if wait:
        raise UserError(f"too many wrong passwords: try again in {wait} s",
                        wait_message(wait, "密码尝试"), retry_after=wait)
    if not user.check_password(current):
        throttle.record_failure(keys, now)
        record_event("password_change_failed", user=user, detail=f"{user.username}（当前密码不正确）")
        raise UserError("the current password is wrong", "当前密码不正确。")
    if not MIN_PASSWORD <= len(new) <= MAX_PASSWORD:
        raise UserError(f"the password must have {MIN_PASSWORD} to {MAX_PASSWORD} characters",
                        f"新密码须为 {MIN_PASSWORD}-{MAX_PASSWORD} 个字符。")
    if new == current:
        raise UserError("the new password is the current one", "新密码不能与当前密码相同。")
    throttle.record_success(keys)
    user.set_password(new)
    ended = end_user_sessions(user)
    record_event("password_changed", user=user, detail=f"{user.username}（结束 {ended} 个登录）")
    logger.info("User %s changed their password", user.username)
    return ended


def set_active(user: User, active: bool) -> User:
    """Deactivate (ending all logins) or reactivate an account; nobody deactivates their own."""
    actor = acting_user()
    if not active and actor is not None and actor.id == user.id:
        raise UserError("you cannot deactivate your own account", "不能停用自己的账号。")
    if user.active == active:
        return user
    user.active = active
    ended = end_user_sessions(user) if not active else 0
    record_event("user_activated" if active else "user_deactivated",
                 detail=user.username + (f"（结束 {ended} 个登录）" if not active else ""))
    return user


def revoke_sessions(user: User) -> int:
    """End every login of `user` (a copied cookie stops working too); how many were open."""
    ended = end_user_sessions(user)
    record_event("sessions_revoked", detail=f"{user.username}（{ended} 个）")
    return ended


def list_users() -> list[User]:
    return list(db.session.scalars(sa.select(User).order_by(User.username)))
