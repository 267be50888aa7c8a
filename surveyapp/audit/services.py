"""The audit log: one function records an event; the pages read them back filtered and paged.

The service that performs an action records it (not the view), so the console, the management API and
the command line are all logged the same way. An event never holds answers or passwords: `detail` is a
short description written by the service.
"""

from __future__ import annotations

import logging
from typing import Any

import sqlalchemy as sa
from flask import has_request_context, request
from sqlalchemy.orm import joinedload

from ..extensions import db
from ..models import AuditEvent, Survey, User
from ..paging import PER_PAGE, Page, page_of_query

logger = logging.getLogger(__name__)

ACTIONS = {
    "login": "登录",
    "login_failed": "登录失败",
    "logout": "退出登录",
    "user_created": "创建用户",
    "password_reset": "重置密码",
    "password_changed": "修改密码",
    "password_change_failed": "修改密码失败",
    "user_deactivated": "停用用户",
    "user_activated": "启用用户",
    "sessions_revoked": "注销登录",
    "survey_opened": "开始收集",
    "survey_closed": "结束收集",
    "member_added": "添加成员",
    "member_changed": "更改成员角色",
    "member_removed": "移除成员",
    "response_invalidated": "判为无效",
    "response_restored": "恢复有效",
    "scoring_saved": "保存评分输入",
    "raw_export": "导出原始数据",
}
"""Every action recorded, with its Chinese label."""

DETAIL_MAX = 300
CURRENT: Any = object()
"""Default of `record_event(user=...)`: the logged-in user of the request, or the system outside one."""


def acting_user() -> User | None:
    """The user a request acts as (a console login, or an API token's user), None outside a request."""
    if not has_request_context():
        return None
    from flask_login import current_user

    return current_user._get_current_object() if current_user.is_authenticated else None


def record_event(action: str, *, survey: Survey | None = None, detail: str = "",
                 user: User | None = CURRENT) -> AuditEvent:
    """Add one audit event (flushed with the caller's work; the caller commits).

    `user` is who acted: by default the request's user, None for the system (a command on the server).
    """
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    actor = acting_user() if user is CURRENT else user
    address = (request.remote_addr or "") if has_request_context() else ""
    event = AuditEvent(action=action, survey_id=survey.id if survey is not None else None,
                       user_id=actor.id if actor is not None else None, detail=detail[:DETAIL_MAX],
                       address=address[:64])
    db.session.add(event)
    db.session.flush()
    logger.info("Audit %s by %s%s: %s", action, actor.username if actor else "system",
                f" on {survey.slug}" if survey is not None else "", detail)
    return event


def audit_events(*, survey_id: int | None = None, user_id: int | None = None, action: str | None = None,
                 page: int = 1, per_page: int = PER_PAGE) -> Page:
    """Events newest first, filtered by survey, user and action, one page of them (pages count from 1)."""
    conditions = []
    if survey_id is not None:
        conditions.append(AuditEvent.survey_id == survey_id)
    if user_id is not None:
        conditions.append(AuditEvent.user_id == user_id)
    if action:
        conditions.append(AuditEvent.action == action)
    query = (sa.select(AuditEvent).where(*conditions)
             .options(joinedload(AuditEvent.user), joinedload(AuditEvent.survey))
             .order_by(AuditEvent.at.desc(), AuditEvent.id.desc()))
    return page_of_query(query, page, per_page)


def event_users(survey_id: int | None = None) -> list[User]:
    """The users who appear in the events (of one survey), by name: the choices of the user filter."""
    query = sa.select(User).where(User.id.in_(
        sa.select(AuditEvent.user_id).where(AuditEvent.survey_id == survey_id if survey_id is not None
                                            else AuditEvent.user_id.is_not(None))))
    return list(db.session.scalars(query.order_by(User.username)))
