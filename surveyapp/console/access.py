"""Which survey a console or API request is about, and whether its user may use it: the one gate.

Every page of a survey calls `survey_or_404(slug, need)`; the management API calls the same function with
its token's user. The rule itself (roles and what they grant) is in `surveyapp.surveys.members`.
"""

from __future__ import annotations

from flask import abort

from ..audit.services import CURRENT, acting_user
from ..models import Survey, User
from ..surveys.members import allows, role_in
from ..surveys.overview import find_survey


def survey_or_404(slug: str, need: str = "view", user: User | None = CURRENT) -> Survey:
    """The survey with this slug if `user` (default: the request's user) has `need` on it.

    `need` is ``view`` (read pages and downloads of statistics), ``edit`` (screening, scoring inputs,
    open/close, raw data) or ``own`` (members, the survey's audit log). A survey the user may not see at all
    is a 404 (its existence is not revealed); a visible survey without the right is a 403.
    """
    survey = find_survey(slug)
    role = role_in(survey, user) if survey is not None else None
    if role is None:
        abort(404)
    if not allows(role, need):
        abort(403)
    return survey


def may(survey: Survey, need: str, user: User | None = CURRENT) -> bool:
    """Whether `user` (default: the request's user) has `need` on `survey` (for showing buttons)."""
    return allows(role_in(survey, user), need)


def require_admin(user: User | None = CURRENT) -> User:
    """The user if an active admin, else a 403."""
    user = acting_user() if user is CURRENT else user
    if user is None or not user.active or not user.is_admin:
        abort(403)
    return user
