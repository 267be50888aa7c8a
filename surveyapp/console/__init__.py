"""The evaluator console's shell: one blueprint, its base pages, the survey tab bar and template filters.

The pages themselves live in their feature packages (``surveyapp.auth``, ``surveys``, ``links``,
``progress``, ``screening``, ``statistics``, ``opentext``, ``scoring``, ``downloads``, ``admin``,
``audit``), each holding its routes, forms and services; their ``routes`` modules attach to :data:`bp`
(see :mod:`surveyapp.blueprints`). Every page needs a logged-in evaluator except the login page; every
page of a survey passes its need to :func:`surveyapp.console.access.survey_or_404`.

Pages of a survey appear in its tab bar from :data:`SURVEY_NAV`: a new feature adds one
``(endpoint, label)`` entry there, and an entry in :data:`NAV_NEEDS` when the tab needs more than ``view``.
"""

from __future__ import annotations

from datetime import datetime

from flask import Blueprint, abort, request
from flask_login import current_user

from questionnaires import ROLE_LABELS

from ..auth.sessions import keep_alive, lifetimes
from ..extensions import db, login_manager
from ..models import LOCAL_TZ
from ..surveys.members import ROLE_LABELS as MEMBER_ROLE_LABELS
from .access import may

bp = Blueprint("console", __name__, url_prefix="/console", template_folder="templates",
               static_folder="static", static_url_path="/static")

PUBLIC_ENDPOINTS = frozenset({"console.login", "console.static"})
JSON_ENDPOINTS = frozenset({"console.progress_data"})

SURVEY_NAV: list[tuple[str, str]] = [
    ("console.survey", "概览"),
    ("console.links", "链接与二维码"),
    ("console.progress", "回收进度"),
    ("console.screening", "答卷筛查"),
    ("console.statistics_page", "统计"),
    ("console.text_page", "开放题"),
    ("console.scoring", "评分"),
    ("console.downloads", "数据下载"),
    ("console.members", "成员"),
    ("console.survey_audit", "操作记录"),
]
"""The tabs of a survey's pages: (endpoint taking `slug`, Chinese label)."""

NAV_NEEDS = {"console.members": "own", "console.survey_audit": "own"}
"""Tabs shown only to users with more than the `view` need on the survey."""

NAV_PARENT = {"console.response_detail": "console.screening", "console.history": "console.screening"}
"""Pages that have no tab of their own highlight their parent's tab."""

STATUS_LABELS = {"draft": "草稿", "open": "收集中", "closed": "已结束"}


@bp.record_once
def _configure_login(state) -> None:  # noqa: ANN001
    lifetimes(state.app.config)                  # a bad SESSION_IDLE_MINUTES / SESSION_MAX_HOURS stops the start
    login_manager.login_view = "console.login"
    login_manager.login_message = "请先登录。"
    login_manager.login_message_category = "info"


@bp.before_request
def _require_login():  # noqa: ANN202
    """Refuse every console endpoint but the login page and the stylesheet to an anonymous visitor."""
    if request.endpoint in PUBLIC_ENDPOINTS:
        return None
    if current_user.is_authenticated:
        if keep_alive():                         # the idle lifetime counts from here; nothing else is pending
            db.session.commit()
        return None
    if request.endpoint in JSON_ENDPOINTS:
        abort(401)
    return login_manager.unauthorized()


@bp.app_template_filter("local_time")
def local_time(value: datetime | None, fmt: str = "%Y-%m-%d %H:%M") -> str:
    """A UTC time shown in Beijing time; an empty string for None."""
    if value is None:
        return ""
    return value.astimezone(LOCAL_TZ).strftime(fmt)


@bp.app_template_filter("role_label")
def role_label(role: str | None) -> str:
    return ROLE_LABELS.get(role or "", role or "")


@bp.app_template_filter("percent")
def percent(value: float | None) -> str:
    return "" if value is None else f"{value * 100:.2f}%"


@bp.context_processor
def _console_globals() -> dict:
    return {"SURVEY_NAV": SURVEY_NAV, "NAV_NEEDS": NAV_NEEDS, "STATUS_LABELS": STATUS_LABELS,
            "MEMBER_ROLE_LABELS": MEMBER_ROLE_LABELS, "may": may,
            "active_tab": NAV_PARENT.get(request.endpoint or "", request.endpoint)}

