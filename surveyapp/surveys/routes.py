"""Survey list, creation, overview, open and close, members."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for

from questionnaires import InputError

from ..audit.services import acting_user
from ..auth.services import find_user
from ..console import bp
from ..console.access import may, survey_or_404
from ..errors import ConsoleError
from ..extensions import db
from ..library.services import list_library
from .forms import AddMemberForm, MemberForm, StatusForm, survey_form_class
from .members import add_member, change_member, remove_member, roles_of, survey_members
from .overview import list_surveys, survey_overview
from .services import change_survey_status, create_console_survey, version_questionnaire
from .units import read_uploaded_units


@bp.route("/")
def index():
    return render_template("console/index.html", surveys=list_surveys(), roles=roles_of())


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
            survey = create_console_survey(form.title.data, form.slug.data, form.chosen(), units,
                                           owner=acting_user())
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
    overview = survey_overview(survey_or_404(slug, need="view"))
    return render_template("console/survey.html", survey=overview.survey, overview=overview,
                           status_form=StatusForm())


@bp.route("/surveys/<slug>/status", methods=["POST"])
def survey_status(slug: str):
    survey = survey_or_404(slug, need="edit")
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


@bp.route("/surveys/<slug>/members", methods=["GET", "POST"])
def members(slug: str):
    survey = survey_or_404(slug, need="own")
    form = AddMemberForm()
    if form.validate_on_submit():
        user = find_user(form.username.data)
        try:
            if user is None:
                raise ConsoleError(f"没有用户名为 {form.username.data.strip()} 的用户。")
            add_member(survey, user, form.role.data)
        except ConsoleError as exc:
            db.session.rollback()
            form.username.errors = [exc.problem]
        else:
            db.session.commit()
            flash(f"已将 {user.username} 添加为成员。", "success")
            return redirect(url_for("console.members", slug=slug))
    return render_template("console/members.html", survey=survey, members=survey_members(survey), form=form,
                           member_form=MemberForm())


@bp.route("/surveys/<slug>/members/<int:member_id>", methods=["POST"])
def member(slug: str, member_id: int):
    survey = survey_or_404(slug, need="own")
    form = MemberForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        if form.action.data == "remove":
            remove_member(survey, member_id)
        else:
            change_member(survey, member_id, form.role.data or "")
    except ConsoleError as exc:
        db.session.rollback()
        flash(exc.problem, "error")
    else:
        db.session.commit()
        flash("已移除该成员。" if form.action.data == "remove" else "已更改成员角色。", "success")
        if not may(survey, "own"):                   # an owner who left or stepped down
            return redirect(url_for("console.index"))
    return redirect(url_for("console.members", slug=slug))
