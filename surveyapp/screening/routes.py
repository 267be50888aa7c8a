"""Screening: flagged responses, one response's answers, marking invalid/valid with a reason, history."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from ..console import bp
from ..console.access import survey_or_404
from ..errors import ConsoleError
from ..extensions import db
from ..paging import page_number
from .forms import BulkMarkForm, MarkForm
from .services import (
    STATUS_FILTERS,
    answer_lines,
    find_response,
    flag_label,
    invalid_page,
    invalid_reasons,
    mark_flagged_invalid,
    response_questionnaire,
    screening,
    set_response_status,
    status_history,
)


@bp.route("/surveys/<slug>/screening", endpoint="screening")
def screening_page(slug: str):
    survey = survey_or_404(slug, need="view")
    args = request.args
    flag, status, reason = args.get("flag") or None, args.get("status") or None, args.get("reason") or None
    return render_template(
        "console/screening.html", survey=survey,
        screening=screening(survey, flag, status, page_number(args.get("page"))),
        invalid=invalid_page(survey, reason, page_number(args.get("ipage"))), reasons=invalid_reasons(survey),
        reason=reason, status_filters=STATUS_FILTERS, flag_label=flag_label, bulk_form=BulkMarkForm())


@bp.route("/surveys/<slug>/screening/bulk", methods=["POST"])
def screening_bulk(slug: str):
    survey = survey_or_404(slug, need="edit")
    form = BulkMarkForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        count = mark_flagged_invalid(survey, form.flag.data, current_user._get_current_object())
    except ConsoleError as exc:
        db.session.rollback()
        flash(exc.problem, "error")
        return redirect(url_for("console.screening", slug=slug))
    db.session.commit()
    flash(f"已将 {count} 份“{flag_label(form.flag.data)}”答卷判为无效，可在答卷页逐份恢复。", "success")
    return redirect(url_for("console.screening", slug=slug))


@bp.route("/surveys/<slug>/responses/<public_id>", methods=["GET", "POST"])
def response_detail(slug: str, public_id: str):
    survey = survey_or_404(slug, need="edit" if request.method == "POST" else "view")
    response = find_response(survey, public_id)
    if response is None:
        abort(404)
    form = MarkForm()
    if request.method == "POST":
        if form.validate_on_submit():
            try:
                set_response_status(response, form.status.data, form.reason.data,
                                    current_user._get_current_object())
            except ConsoleError as exc:
                db.session.rollback()
                flash(exc.problem, "error")
            else:
                db.session.commit()
                flash("已判为无效答卷。" if response.status == "invalid" else "已恢复为有效答卷。", "success")
                return redirect(url_for("console.response_detail", slug=slug, public_id=public_id))
        else:
            for errors in form.errors.values():
                for message in errors:
                    flash(message, "error")
    questionnaire = response_questionnaire(response)
    return render_template("console/response.html", survey=survey, response=response,
                           questionnaire=questionnaire,
                           lines=answer_lines(questionnaire, response.answers or {}), form=form,
                           history=status_history(survey, public_id))


@bp.route("/surveys/<slug>/history")
def history(slug: str):
    survey = survey_or_404(slug, need="view")
    return render_template("console/history.html", survey=survey, changes=status_history(survey))
