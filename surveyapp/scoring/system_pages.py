"""The console's indicator-system library: the stored systems and the shipped templates, upload a YAML
file, edit the YAML text (each save a new version), see and download every version."""

from __future__ import annotations

from pathlib import PurePath

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from analysis.scoring import ScoringError

from ..console import bp
from ..errors import ConsoleError
from ..extensions import db
from ..models import IndicatorSystemVersion
from .forms import IndicatorEditForm, IndicatorUploadForm
from .messages import chinese_problems
from .systems import find_indicators, indicator_choices, store_indicator_system, system_versions


def _store(name: str, text: str) -> tuple[list[tuple[str, str]], IndicatorSystemVersion | None]:
    """Store the text under the name; (Chinese problems, None) when it is refused, else ([], version)."""
    try:
        row, created = store_indicator_system(name, text, current_user)
    except ScoringError as exc:
        db.session.rollback()
        return chinese_problems(exc.problems, text), None
    except ConsoleError as exc:
        db.session.rollback()
        return [("名称", exc.problem)], None
    db.session.commit()
    flash(f"指标体系 {row.name} 已保存为第 {row.version} 版。" if created else
          f"内容与第 {row.version} 版相同，未产生新版本。", "success")
    return [], row


@bp.route("/indicators", methods=["GET", "POST"])
def indicator_systems():
    form = IndicatorUploadForm()
    problems: list[tuple[str, str]] = []
    if form.validate_on_submit():
        upload = form.file.data
        name = (form.name.data or "").strip() or PurePath(upload.filename or "").stem
        try:
            text = upload.read().decode("utf-8-sig")
        except UnicodeDecodeError:
            problems = [("整个文件", "文件不是 UTF-8 编码，请另存为 UTF-8 后重新上传。")]
        else:
            problems, row = _store(name, text)
            if row is not None:
                return redirect(url_for("console.indicator_edit", name=row.name))
    return render_template("console/indicators.html", form=form, problems=problems, choices=indicator_choices())


@bp.route("/indicators/edit", methods=["GET", "POST"])
def indicator_edit():
    name = request.args.get("name", "")
    wanted = request.args.get("template") or name          # the text to start from: a template or a system
    start = find_indicators(wanted) if wanted else None
    if wanted and start is None:
        abort(404)
    form = IndicatorEditForm(data={"name": name or (start.name if start else ""),
                                   "source": start.source if start else ""})
    problems: list[tuple[str, str]] = []
    if form.validate_on_submit():
        problems, row = _store(form.name.data, form.source.data)
        if row is not None:
            return redirect(url_for("console.indicator_edit", name=row.name))
    versions = system_versions(name) if name else []
    return render_template("console/indicator_edit.html", form=form, problems=problems, name=name,
                           choice=start, versions=versions), 422 if problems else 200


@bp.route("/indicators/source.yaml")
def indicator_source():
    name, wanted = request.args.get("name", ""), request.args.get("version", type=int)
    versions = system_versions(name)
    row = next((v for v in versions if wanted in (None, v.version)), None)
    if row is None:
        choice = find_indicators(name) if wanted is None else None
        if choice is None:
            abort(404)
        text, label = choice.source, f"{choice.name}.yaml"
    else:
        text, label = row.source, f"{row.name}-v{row.version}.yaml"
    return text, 200, {"Content-Type": "application/yaml; charset=utf-8",
                       "Content-Disposition": f'attachment; filename="{label}"'}
