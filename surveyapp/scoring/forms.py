"""Forms of the indicator-system pages: upload a YAML file, edit the YAML text."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import StringField, TextAreaField
from wtforms.validators import DataRequired, Length

from .systems import MAX_SOURCE


class IndicatorUploadForm(FlaskForm):
    name = StringField("名称", validators=[Length(max=64, message="名称不能超过 64 个字符。")])
    file = FileField("指标体系文件（YAML）", validators=[FileRequired("请选择要上传的 YAML 文件。")])


class IndicatorEditForm(FlaskForm):
    name = StringField("名称", validators=[DataRequired("请填写名称。"),
                                         Length(max=64, message="名称不能超过 64 个字符。")])
    source = TextAreaField("指标体系（YAML）", validators=[
        DataRequired("请填写指标体系内容。"), Length(max=MAX_SOURCE, message="内容过长。")])
