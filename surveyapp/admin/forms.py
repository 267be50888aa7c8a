"""Forms of the user administration page."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, StringField
from wtforms.validators import DataRequired, Length, Regexp

USER_ACTIONS = ("reset", "revoke", "deactivate", "activate")


class NewUserForm(FlaskForm):
    username = StringField("用户名", validators=[DataRequired("请填写用户名。"), Length(max=64)])
    admin = BooleanField("管理员（可管理用户、查看全部调查）")


class UserActionForm(FlaskForm):
    action = HiddenField(validators=[DataRequired(), Regexp(f"^({'|'.join(USER_ACTIONS)})$")])
