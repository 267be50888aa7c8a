"""The audit log pages: every event for admins, one survey's events for its owners."""

from __future__ import annotations

import sqlalchemy as sa
from flask import render_template, request

from ..console import bp
from ..console.access import require_admin, survey_or_404
from ..extensions import db
from ..models import Survey
from ..paging import page_number
from .services import ACTIONS, audit_events, event_users


def _number(name: str) -> int | None:
    value = request.args.get(name, "")
    return int(value) if value.isdigit() else None


def _filters() -> dict:
    action = request.args.get("action") or None
    return {"user_id": _number("user"), "action": action if action in ACTIONS else None}


@bp.route("/audit")
def audit_log():
    require_admin()
    filters = _filters()
    survey_id = _number("survey")
    result = audit_events(survey_id=survey_id, page=page_number(request.args.get("page")), **filters)
    surveys = db.session.scalars(sa.select(Survey).order_by(Survey.created_at.desc())).all()
    return render_template("console/audit.html", result=result, actions=ACTIONS, users=event_users(),
                           surveys=surveys, chosen={**filters, "survey_id": survey_id})


@bp.route("/surveys/<slug>/audit")
def survey_audit(slug: str):
    survey = survey_or_404(slug, need="own")
    filters = _filters()
    result = audit_events(survey_id=survey.id, page=page_number(request.args.get("page")), **filters)
    return render_template("console/audit.html", survey=survey, result=result, actions=ACTIONS,
                           users=event_users(survey.id), chosen={**filters, "survey_id": survey.id})
