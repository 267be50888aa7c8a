"""Survey list, creation, overview, open and close."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for

from questionnaires import InputError

from ..console import bp
from ..console.access import survey_or_404
from ..errors import ConsoleError
from ..extensions import db
from ..library.services import list_library
from .forms import StatusForm, survey_form_class
from .overview import list_surveys, survey_overview
from .services import change_survey_status, create_console_survey, version_questionnaire
from .units import read_uploaded_units


@bp.route("/")
def index():
    return render_template("console/index.html", surveys=list_surveys())


@bp.route("/surveys/new", methods=["GET", "POST"])
def new_survey():
    entries = list_library()
    db.session.commit()          # the shipped questionnaire files, stored on first use
    form = survey_form_class(entries)()
    row_errors: list[tuple[str, str]] = []
    if form.validate_on_submit():
        upload = form.units.data
        try:
            units = read_uploaded_units(upload.read(), upload.filename or "units.csv")
            survey = create_console_survey(form.title.data, form.slug.data, form.chosen(), units)
        except ConsoleError as exc:
            db.session.rollback()
            form.form_errors.extend(problem for _place, problem in exc.problems)
        except InputError as exc:
            db.session.rollback()
            row_errors = exc.problems
        else:
            db.session.commit()
            flash(f"调查“{survey.title}”已创建（草稿）。确认无误后请点击“开始收集”。", "success")
            return redirect(url_for("console.survey", slug=survey.slug))
    counts = [len(version_questionnaire(entry.latest).questions) for entry in entries]
    return render_template("console/new_survey.html", form=form, row_errors=row_errors, counts=counts)


@bp.route("/surveys/<slug>")
def survey(slug: str):
    overview = survey_overview(survey_or_404(slug))
    return render_template("console/survey.html", survey=overview.survey, overview=overview,
                           status_form=StatusForm())


@bp.route("/surveys/<slug>/status", methods=["POST"])
def survey_status(slug: str):
    survey = survey_or_404(slug)
    form = StatusForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        change_survey_status(survey, form.action.data)
    except ConsoleError as exc:
        db.session.rollback()
        flash(exc.problem, "error")
    else:
        db.session.commit()
        flash("调查已开始收集答卷。" if survey.status == "open" else "调查已结束收集。", "success")
    return redirect(url_for("console.survey", slug=slug))
