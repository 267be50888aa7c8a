"""Questionnaire library forms: upload, text import, and the editor (nested field lists, every value text).

The editor's fields only carry what the evaluator typed; `editor.document_from_data` turns them into a
questionnaire document and the loader checks it, so every rule lives in one place.
"""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import (
    BooleanField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import Length

from questionnaires import ROLE_LABELS, ROLES
from questionnaires.model import TYPE_LABELS

from ..console.forms import SelectChoice

ROLE_CHOICES = [SelectChoice(role, ROLE_LABELS[role]) for role in ROLES]
TYPE_CHOICES = [SelectChoice(qtype, label) for qtype, label in TYPE_LABELS.items()]
MAX_TEXT = 200_000


class UploadForm(FlaskForm):
    file = FileField("问卷文件", validators=[
        FileRequired("请选择要上传的文件。"),
        FileAllowed(["yaml", "yml"], "请上传 .yaml 或 .yml 格式的问卷文件（文本和 Word 文档请用“从文本导入”）。"),
    ])


class ImportForm(FlaskForm):
    text = TextAreaField("粘贴问卷文本", validators=[Length(max=MAX_TEXT, message="文本过长。")])
    file = FileField("或上传文本文件", validators=[
        FileAllowed(["txt", "docx"], "只能上传 .txt 或 .docx 文件（Word 97-2003 的 .doc 请先另存为 .docx）。")])

    def validate(self, extra_validators=None) -> bool:  # noqa: ANN001
        ok = super().validate(extra_validators)
        if ok and not (self.text.data or "").strip() and not self.file.data:
            self.form_errors.append("请粘贴问卷文本，或上传 .txt / .docx 文件。")
            return False
        return ok


class CodesField(SelectMultipleField):
    """Ticked codes, kept as text; which codes exist is the loader's concern (its messages name them)."""

    def pre_validate(self, form: Form) -> None:
        pass


class OptionForm(Form):
    code = StringField("代码")
    label = StringField("选项文字")
    score = StringField("分值")
    na = BooleanField("不适用")


class RowForm(Form):
    id = StringField("小题编号")
    text = StringField("小题文字")


class ConditionForm(Form):
    question = StringField("前面的题目")
    codes = CodesField("选项")


class QuestionForm(Form):
    id = StringField("题目编号")
    type = SelectField("题型", choices=TYPE_CHOICES, validate_choice=False)
    text = TextAreaField("题目")
    required = BooleanField("必答")
    scale = StringField("量表")
    options = FieldList(FormField(OptionForm))
    other = BooleanField("加“其他（请注明）”")
    min = StringField("最少")
    max = StringField("最多")
    integer = BooleanField("只能填整数")
    max_length = StringField("最多字数")
    rows = FieldList(FormField(RowForm))
    show_if = FieldList(FormField(ConditionForm))


class ScaleForm(Form):
    name = StringField("量表名称")
    options = FieldList(FormField(OptionForm))
    satisfied = CodesField("计为满意")


class EditorForm(FlaskForm):
    qid = StringField("问卷编号")
    title = StringField("问卷标题")
    role = SelectField("填写对象", choices=ROLE_CHOICES, validate_choice=False)
    intro = TextAreaField("开头说明")
    outro = TextAreaField("结束语")
    scales = FieldList(FormField(ScaleForm))
    questions = FieldList(FormField(QuestionForm))
    action = HiddenField()
