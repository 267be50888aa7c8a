"""Console pages of the questionnaire library: the list, YAML upload, text import, the editor with its
phone preview, a version's page and its YAML download."""

from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, request, url_for

from questionnaires import QuestionnaireError
from questionnaires.text_format import import_text

from ..console import bp
from ..extensions import db
from ..models import QuestionnaireVersion
from ..surveys.services import version_questionnaire
from . import editor as ed
from .forms import EditorForm, ImportForm, UploadForm
from .preview import preview_page, questionnaire_document
from .services import Stored, find_version, list_library, store_questionnaire, store_upload
from .uploads import upload_text
from .wording import chinese_problems

ORIGIN_LABELS = {"file": "项目文件", "upload": "上传", "text": "文本导入", "editor": "编辑器", "api": "接口"}


def _library_page(upload: UploadForm, problems: list[tuple[str, str]] | None = None, status: int = 200):
    entries = list_library()
    db.session.commit()          # the shipped files, stored on first use
    counts = {entry.id: len(version_questionnaire(entry.latest).questions) for entry in entries}
    return render_template("console/library.html", entries=entries, upload=upload, problems=problems or [],
                           question_counts=counts, ORIGIN_LABELS=ORIGIN_LABELS), status


@bp.route("/library")
def library():
    return _library_page(UploadForm())


@bp.route("/library/upload", methods=["POST"])
def library_upload():
    form = UploadForm()
    if not form.validate_on_submit():
        return _library_page(form, status=400)
    upload = form.file.data
    try:
        stored = store_upload(upload.read(), upload.filename or "questionnaire.yaml")
    except QuestionnaireError as exc:
        db.session.rollback()
        return _library_page(form, chinese_problems(exc.problems), status=422)
    db.session.commit()
    _flash_stored(stored)
    return redirect(url_for("console.library") + f"#lib-{stored.version.questionnaire_id}")


def _flash_stored(stored: Stored) -> None:
    version = stored.version
    if stored.created:
        flash(f"问卷“{version.title}”已保存为第 {version.number} 版。", "success")
    else:
        flash(f"内容与问卷“{version.title}”第 {version.number} 版相同，未建立新版本。", "info")


@bp.route("/library/import", methods=["GET", "POST"])
def library_import():
    form = ImportForm()
    problems: list[tuple[str, str]] = []
    if form.validate_on_submit():
        upload = form.file.data
        try:
            if upload:
                source = upload.filename or "questionnaire.txt"
                text = upload_text(upload.read(), source)
                form.text.data = text
            else:
                source, text = "粘贴的文本", form.text.data
            imported = import_text(text, source)
        except QuestionnaireError as exc:
            problems = chinese_problems(exc.problems)
        else:
            flash("文本已转换为问卷，请检查预览和 YAML，确认无误后点击“保存为新版本”。", "info")
            return _editor_page(ed.data_from_document(imported.document))
    return render_template("console/library_import.html", form=form, problems=problems), \
        422 if problems else 200


@bp.route("/library/new")
def library_new():
    data = ed.data_from_document({"format": 1, "id": "", "title": "", "role": "parent", "questions": []})
    data["questions"].append(ed.new_question(data))
    return _editor_page(data, check=False)


@bp.route("/library/<qid>/edit")
def library_edit(qid: str):
    version = find_version(qid, request.args.get("version", type=int))
    if version is None:
        abort(404)
    return _editor_page(ed.data_from_document(questionnaire_document(version.source)), base=version)


@bp.route("/library/editor", methods=["POST"])
def library_editor():
    form = EditorForm()
    if not form.validate_on_submit():
        abort(400)
    data = {key: value for key, value in form.data.items() if key not in ("csrf_token", "action")}
    action = form.action.data or "preview"
    if action not in ("preview", "save"):
        return _editor_page(ed.apply_action(data, action))
    if action == "save":
        yaml_text, questionnaire, _problems = ed.check_data(data)
        if questionnaire is not None:
            stored = store_questionnaire(yaml_text, f"{questionnaire.id}.yaml", "editor")
            db.session.commit()
            _flash_stored(stored)
            return redirect(url_for("console.library_version", qid=stored.version.questionnaire_id,
                                    number=stored.version.number))
    return _editor_page(data)


def _editor_page(data: dict, *, check: bool = True, base: QuestionnaireVersion | None = None):  # noqa: ANN202
    yaml_text, questionnaire, problems = ed.check_data(data)
    form = EditorForm(formdata=None, data=data)
    grouped = ed.problems_by_place(chinese_problems(problems), data) if check else {}
    return render_template(
        "console/library_editor.html", form=form, data=data, yaml_text=yaml_text, problems=grouped,
        problem_count=sum(map(len, grouped.values())), base=base,
        preview=preview_page(questionnaire) if questionnaire is not None else None,
        refs=ed.condition_choices(data))


@bp.route("/library/<qid>/v<int:number>")
def library_version(qid: str, number: int):
    version = find_version(qid, number)
    if version is None:
        abort(404)
    db.session.commit()
    return render_template("console/library_version.html", version=version, ORIGIN_LABELS=ORIGIN_LABELS,
                           preview=preview_page(version_questionnaire(version)))


@bp.route("/library/<qid>/v<int:number>.yaml")
def library_download(qid: str, number: int):
    version = find_version(qid, number)
    if version is None:
        abort(404)
    return Response(version.source, mimetype="application/yaml", headers={
        "Content-Disposition": f'attachment; filename="{qid}-v{number}.yaml"'})
