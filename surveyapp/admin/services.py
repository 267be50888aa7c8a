"""What the user administration page shows about each account."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from ..auth.services import list_users
from ..auth.sessions import open_session_counts
from ..extensions import db
from ..models import SurveyMember, User


@dataclass(frozen=True)
class UserRow:
    user: User
    open_sessions: int
    surveys: int


def user_rows() -> list[UserRow]:
    """Every account by name, with its open logins and the number of surveys it is a member of."""
    sessions = open_session_counts()
    surveys = dict(db.session.execute(
        sa.select(SurveyMember.user_id, sa.func.count(SurveyMember.id)).group_by(SurveyMember.user_id)).all())
    return [UserRow(user, sessions.get(user.id, 0), surveys.get(user.id, 0)) for user in list_users()]
