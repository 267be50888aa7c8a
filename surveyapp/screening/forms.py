"""Screening forms: mark one response, or every response carrying a flag."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import HiddenField, TextAreaField
from wtforms.validators import DataRequired, Length, Regexp


class MarkForm(FlaskForm):
    status = HiddenField(validators=[DataRequired(), Regexp(r"^(valid|invalid)$")])
    reason = TextAreaField("原因", validators=[DataRequired("请填写原因。"),
                                              Length(max=200, message="原因不能超过 200 个字。")])


class BulkMarkForm(FlaskForm):
    flag = HiddenField(validators=[DataRequired(), Length(max=40)])
