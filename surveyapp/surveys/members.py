"""Who may do what with a survey: its members (owner / editor / viewer) and the admins.

The rule lives here and only here: `role_in` gives a user's role in a survey, `allows` whether a role
grants a need, `visible_to` which surveys a user sees at all. The console's `survey_or_404` and the
survey list apply it; commands on the server act as the system and are not restricted.

- **viewer**: every page of the survey and the downloads of statistics, charts, scores and the report;
- **editor**: also screening (marking responses invalid or valid), scoring inputs, opening and closing,
  and the raw data (response files);
- **owner**: also the members and the survey's audit log;
- **admin**: everything on every survey.
"""

from __future__ import annotations

import logging

import sqlalchemy as sa
from flask import g, has_request_context

from ..audit.services import CURRENT, acting_user, record_event
from ..errors import ConsoleError
from ..extensions import db
from ..models import MEMBER_ROLES, Survey, SurveyMember, User

logger = logging.getLogger(__name__)

ROLE_LABELS = {"owner": "所有者", "editor": "编辑者", "viewer": "查看者", "admin": "管理员"}
LEVELS = {"viewer": 1, "editor": 2, "owner": 3, "admin": 3}
NEED_LEVELS = {"view": 1, "edit": 2, "own": 3}


def _user(user: User | None) -> User | None:
    return acting_user() if user is CURRENT else user


def role_in(survey: Survey, user: User | None = CURRENT) -> str | None:
    """`admin`, the user's member role, or None (the user may not see the survey); remembered per
    request."""
    user = _user(user)
    if user is None or not user.active:
        return None
    if user.is_admin:
        return "admin"
    cache = g.setdefault("survey_roles", {}) if has_request_context() else {}
    key = (survey.id, user.id)
    if key not in cache:
        cache[key] = db.session.scalar(sa.select(SurveyMember.role).filter_by(survey_id=survey.id,
                                                                             user_id=user.id))
    return cache[key]


def allows(role: str | None, need: str) -> bool:
    """Whether a role (from `role_in`) grants `need` (view, edit or own)."""
    if need not in NEED_LEVELS:
        raise ValueError(f"unknown need {need!r}; expected one of {', '.join(NEED_LEVELS)}")
    return role is not None and LEVELS[role] >= NEED_LEVELS[need]


def visible_to(user: User | None = CURRENT) -> sa.ColumnElement[bool]:
    """A condition on Survey selecting the surveys `user` may see."""
    user = _user(user)
    if user is None or not user.active:
        return sa.false()
    if user.is_admin:
        return sa.true()
    return Survey.id.in_(sa.select(SurveyMember.survey_id).where(SurveyMember.user_id == user.id))


def roles_of(user: User | None = CURRENT) -> dict[int, str]:
    """survey id -> the user's member role, for every survey the user is a member of."""
    user = _user(user)
    if user is None:
        return {}
    return dict(db.session.execute(
        sa.select(SurveyMember.survey_id, SurveyMember.role).where(SurveyMember.user_id == user.id)).all())


def survey_members(survey: Survey) -> list[SurveyMember]:
    """Owners first, then editors, then viewers, by name."""
    order = sa.case({role: rank for rank, role in enumerate(MEMBER_ROLES)}, value=SurveyMember.role)
    return list(db.session.scalars(
        sa.select(SurveyMember).join(User, SurveyMember.user_id == User.id)
        .where(SurveyMember.survey_id == survey.id).order_by(order, User.username)))


def _check_role(role: str) -> None:
    if role not in MEMBER_ROLES:
        raise ConsoleError(f"未知角色：{role}")


def _forget_roles() -> None:
    if has_request_context():
        g.pop("survey_roles", None)


def add_owner(survey: Survey, user: User) -> SurveyMember:
    """Make the creator of a survey its owner (flushed; no event of its own: the creation is recorded)."""
    member = SurveyMember(survey_id=survey.id, user_id=user.id, role="owner")
    db.session.add(member)
    db.session.flush()
    return member


def add_member(survey: Survey, user: User, role: str) -> SurveyMember:
    """Add `user` to the survey with `role` (flushed)."""
    _check_role(role)
    if db.session.scalar(sa.select(SurveyMember.id).filter_by(survey_id=survey.id, user_id=user.id)):
        raise ConsoleError(f"{user.username} 已是本调查的成员，可直接更改其角色。")
    member = SurveyMember(survey_id=survey.id, user_id=user.id, role=role)
    db.session.add(member)
    db.session.flush()
    _forget_roles()
    record_event("member_added", survey=survey, detail=f"{user.username}：{ROLE_LABELS[role]}")
    return member


def _member(survey: Survey, member_id: int) -> SurveyMember:
    member = db.session.get(SurveyMember, member_id)
    if member is None or member.survey_id != survey.id:
        raise ConsoleError("该成员不存在或已被移除。")
    return member


def _keeps_an_owner(survey: Survey, leaving: SurveyMember) -> None:
    if leaving.role != "owner":
        return
    owners = db.session.scalar(sa.select(sa.func.count(SurveyMember.id))
                               .filter_by(survey_id=survey.id, role="owner"))
    if owners <= 1:
        raise ConsoleError("调查至少需要一名所有者：请先指定另一名所有者。")


def change_member(survey: Survey, member_id: int, role: str) -> SurveyMember:
    """Give a member another role; the last owner keeps theirs (flushed)."""
    _check_role(role)
    member = _member(survey, member_id)
    if member.role == role:
        return member
    if role != "owner":
        _keeps_an_owner(survey, member)
    old = member.role
    member.role = role
    db.session.flush()
    _forget_roles()
    record_event("member_changed", survey=survey,
                 detail=f"{member.user.username}：{ROLE_LABELS[old]} → {ROLE_LABELS[role]}")
    return member


def remove_member(survey: Survey, member_id: int) -> None:
    """Remove a member; the last owner stays (flushed)."""
    member = _member(survey, member_id)
    _keeps_an_owner(survey, member)
    name, role = member.user.username, member.role
    db.session.delete(member)
    db.session.flush()
    _forget_roles()
    record_event("member_removed", survey=survey, detail=f"{name}（{ROLE_LABELS[role]}）")
