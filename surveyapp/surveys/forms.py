"""Survey forms: create a survey (library questionnaires and versions, roles, units CSV), open or close it,
its members."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, HiddenField, SelectField, StringField
from wtforms.validators import DataRequired, Length, Regexp

from questionnaires import ROLE_LABELS, ROLES

from ..console.forms import SelectChoice
from ..library.services import LibraryEntry
from ..models import MEMBER_ROLES, QuestionnaireVersion
from .members import ROLE_LABELS as MEMBER_LABELS

ROLE_CHOICES = [SelectChoice(role, ROLE_LABELS[role]) for role in ROLES]
MEMBER_CHOICES = [SelectChoice(role, MEMBER_LABELS[role]) for role in MEMBER_ROLES]


class StatusForm(FlaskForm):
    action = HiddenField(validators=[DataRequired(), Regexp(r"^(open|close)$")])


class AddMemberForm(FlaskForm):
    username = StringField("用户名", validators=[DataRequired("请填写用户名。"), Length(max=64)])
    role = SelectField("角色", choices=MEMBER_CHOICES, default="viewer")


class MemberForm(FlaskForm):
    """Change a member's role (action ``change``) or remove the member (``remove``)."""

    action = HiddenField(validators=[DataRequired(), Regexp(r"^(change|remove)$")])
    role = SelectField("角色", choices=MEMBER_CHOICES, validate_choice=False)


class SurveyFormBase(FlaskForm):
    title = StringField("调查名称", validators=[DataRequired("请填写调查名称。"),
                                              Length(max=200, message="调查名称不能超过 200 个字。")])
    slug = StringField("调查代码", validators=[
        DataRequired("请填写调查代码。"),
        Regexp(r"^[a-z0-9][a-z0-9-]{0,63}$",
               message="调查代码只能用小写字母、数字和连字符（-），最长 64 个字符。"),
    ])
    units = FileField("单位名单（CSV）", validators=[FileRequired("请上传单位名单 CSV 文件。")])

    entries: list[LibraryEntry] = []

    def use_field(self, index: int) -> BooleanField:
        return self[f"use_{index}"]

    def version_field(self, index: int) -> SelectField:
        return self[f"version_{index}"]

    def role_field(self, index: int) -> SelectField:
        return self[f"role_{index}"]

    def chosen(self) -> list[tuple[QuestionnaireVersion, str]]:
        """The ticked questionnaires' chosen versions with their roles."""
        chosen = []
        for i, entry in enumerate(self.entries):
            if self.use_field(i).data:
                number = self.version_field(i).data
                version = next((v for v in entry.versions if str(v.number) == number), entry.latest)
                chosen.append((version, self.role_field(i).data))
        return chosen

    def validate(self, extra_validators=None) -> bool:  # noqa: ANN001
        ok = super().validate(extra_validators)
        if not self.chosen():
            self.form_errors.append("请至少选择一份问卷。")
            return False
        return ok


def survey_form_class(entries: list[LibraryEntry]) -> type[SurveyFormBase]:
    """A creation form with a tick box, a version choice (the latest first) and a role choice for each
    questionnaire of the library."""
    fields: dict = {"entries": entries}
    for index, entry in enumerate(entries):
        fields[f"use_{index}"] = BooleanField(entry.latest.title)
        fields[f"version_{index}"] = SelectField(
            "版本", default=str(entry.latest.number),
            choices=[SelectChoice(str(v.number), f"第 {v.number} 版") for v in reversed(entry.versions)])
        fields[f"role_{index}"] = SelectField("对象", choices=ROLE_CHOICES, default=entry.latest.role)
    return type("SurveyForm", (SurveyFormBase,), fields)
