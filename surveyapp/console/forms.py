"""Console forms (Flask-WTF, CSRF on every one); messages in Chinese."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, HiddenField, PasswordField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Regexp

from questionnaires import ROLE_LABELS, ROLES, Questionnaire

try:  # WTForms >= 3.3 deprecates (value, label) tuples
    from wtforms import SelectChoice
except ImportError:  # pragma: no cover - older WTForms
    def SelectChoice(value: str, label: str) -> tuple[str, str]:  # noqa: N802
        return (value, label)

ROLE_CHOICES = [SelectChoice(role, ROLE_LABELS[role]) for role in ROLES]


class LoginForm(FlaskForm):
    username = StringField("用户名", validators=[DataRequired("请输入用户名。"), Length(max=64)])
    password = PasswordField("密码", validators=[DataRequired("请输入密码。"), Length(max=200)])


class PostForm(FlaskForm):
    """A button that only needs the CSRF token (logout, open, close)."""


class StatusForm(FlaskForm):
    action = HiddenField(validators=[DataRequired(), Regexp(r"^(open|close)$")])


class MarkForm(FlaskForm):
    status = HiddenField(validators=[DataRequired(), Regexp(r"^(valid|invalid)$")])
    reason = TextAreaField("原因", validators=[DataRequired("请填写原因。"),
                                              Length(max=200, message="原因不能超过 200 个字。")])


class BulkMarkForm(FlaskForm):
    flag = HiddenField(validators=[DataRequired(), Length(max=40)])


class SurveyFormBase(FlaskForm):
    title = StringField("调查名称", validators=[DataRequired("请填写调查名称。"),
                                              Length(max=200, message="调查名称不能超过 200 个字。")])
    slug = StringField("调查代码", validators=[
        DataRequired("请填写调查代码。"),
        Regexp(r"^[a-z0-9][a-z0-9-]{0,63}$",
               message="调查代码只能用小写字母、数字和连字符（-），最长 64 个字符。"),
    ])
    units = FileField("单位名单（CSV）", validators=[FileRequired("请上传单位名单 CSV 文件。")])

    questionnaires: list[Questionnaire] = []

    def use_field(self, index: int) -> BooleanField:
        return self[f"use_{index}"]

    def role_field(self, index: int) -> SelectField:
        return self[f"role_{index}"]

    def chosen(self) -> list[tuple[Questionnaire, str]]:
        """The ticked questionnaires with their roles."""
        return [(q, self.role_field(i).data) for i, q in enumerate(self.questionnaires)
                if self.use_field(i).data]

    def validate(self, extra_validators=None) -> bool:  # noqa: ANN001
        ok = super().validate(extra_validators)
        if not self.chosen():
            self.form_errors.append("请至少选择一份问卷。")
            return False
        return ok


def survey_form_class(questionnaires: list[Questionnaire]) -> type[SurveyFormBase]:
    """A creation form with a tick box and a role choice for each available questionnaire."""
    fields: dict = {"questionnaires": questionnaires}
    for index, q in enumerate(questionnaires):
        fields[f"use_{index}"] = BooleanField(q.title)
        fields[f"role_{index}"] = SelectField("对象", choices=ROLE_CHOICES, default=q.role)
    return type("SurveyForm", (SurveyFormBase,), fields)
