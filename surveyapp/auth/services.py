"""Evaluator accounts: created from the command line only (no open sign-up)."""

from __future__ import annotations

import logging
import re
import secrets

import sqlalchemy as sa

from ..extensions import db, login_manager
from ..models import User
from ..surveys.services import SurveyError

logger = logging.getLogger(__name__)
USERNAME = re.compile(r"^[A-Za-z0-9_.@-]{3,64}$")
MIN_PASSWORD = 10


def generate_password() -> str:
    """A random password an evaluator can type: 16 URL-safe characters."""
    return secrets.token_urlsafe(12)


def create_user(username: str, password: str) -> User:
    if not USERNAME.match(username):
        raise SurveyError("the username must be 3-64 letters, digits or _ . @ -", source="users")
    if len(password) < MIN_PASSWORD:
        raise SurveyError(f"the password must have at least {MIN_PASSWORD} characters", source="users")
    if db.session.scalar(sa.select(User.id).filter_by(username=username)) is not None:
        raise SurveyError(f"user {username!r} already exists", source="users")
    user = User(username=username)
    user.set_password(password)
    db.session.add(user)
    db.session.flush()
    logger.info("User %s created", username)
    return user


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    return db.session.get(User, int(user_id)) if user_id.isdigit() else None
