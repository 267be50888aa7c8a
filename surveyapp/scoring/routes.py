"""Scoring (评分): pick an indicator system, enter literal values and overrides, see the score table and the
history of the inputs, export."""

from __future__ import annotations

import io

from flask import abort, flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user

from analysis.report import leaf_paragraphs
from analysis.scoring import ScoringError
from analysis.scoring.table import table_rows

from ..console import bp
from ..console.access import survey_or_404
from ..console.forms import PostForm
from ..errors import ConsoleError
from ..extensions import db
from . import system_pages  # noqa: F401  (the indicator-system pages)
from .inputs import inputs_history, load_scoring_inputs
from .messages import RULE_LABELS, chinese_problems
from .services import (
    inputs_by_index,
    parse_scoring_form,
    pick_indicators,
    score_file,
    score_survey,
    store_inputs,
)

EXPORT_TYPES = {"csv": "text/csv", "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


def _indicators_or_404(name: str | None):  # noqa: ANN202
    try:
        return pick_indicators(name)
    except ConsoleError:
        abort(404)


@bp.route("/surveys/<slug>/scoring", methods=["GET", "POST"])
def scoring(slug: str):
    survey = survey_or_404(slug, need="edit" if request.method == "POST" else "view")
    choices, chosen = _indicators_or_404(request.args.get("indicators"))
    if chosen is None:
        return render_template("console/scoring.html", survey=survey, files=choices, chosen=None)
    system = chosen.system
    form = PostForm()
    problems: dict[str, str] = {}
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        inputs, problems = parse_scoring_form(system, request.form)
        if not problems:
            stored = store_inputs(survey, chosen, inputs, current_user)
            db.session.commit()
            flash("已保存实际完成值和得分调整，评分已重新计算。", "success")
            return redirect(url_for("console.scoring", slug=slug, indicators=stored.name))
        values = request.form
        flash("有填写内容需要修改，未保存。", "error")
    else:
        values = inputs_by_index(system, load_scoring_inputs(survey, chosen.name))
    result = score_survey(survey, chosen)
    failed = result if isinstance(result, ScoringError) else None
    return render_template("console/scoring.html", survey=survey, files=choices, chosen=chosen, system=system,
                           form=form, values=values, problems=problems,
                           failed=chinese_problems(failed.problems, chosen.source) if failed else None,
                           result=None if failed else result, rows=[] if failed else table_rows(result),
                           paragraphs={} if failed else leaf_paragraphs(result),
                           rule_labels=RULE_LABELS, history=inputs_history(survey, chosen.name))


@bp.route("/surveys/<slug>/scoring/scores.<kind>")
def scoring_export(slug: str, kind: str):
    survey = survey_or_404(slug, need="view")
    if kind not in EXPORT_TYPES:
        abort(404)
    _, chosen = _indicators_or_404(request.args.get("indicators"))
    if chosen is None:
        abort(404)
    result = score_survey(survey, chosen)
    if isinstance(result, ScoringError):
        flash("评分尚不完整，无法导出：请先补全下列指标。", "error")
        return redirect(url_for("console.scoring", slug=slug, indicators=chosen.name))
    name = f"{survey.slug}-{chosen.name}-scores.{kind}"
    return send_file(io.BytesIO(score_file(result, kind)), mimetype=EXPORT_TYPES[kind], as_attachment=True,
                     download_name=name)
