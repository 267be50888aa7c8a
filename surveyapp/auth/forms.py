"""The login form and the form to change one's own password."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo, Length

from .services import MAX_PASSWORD


class LoginForm(FlaskForm):
    username = StringField("用户名", validators=[DataRequired("请输入用户名。"), Length(max=64)])
    password = PasswordField("密码", validators=[DataRequired("请输入密码。"), Length(max=200)])


class PasswordForm(FlaskForm):
    current = PasswordField("当前密码", validators=[
        DataRequired("请输入当前密码。"), Length(max=MAX_PASSWORD, message=f"密码不能超过 {MAX_PASSWORD} 个字符。")])
    new = PasswordField("新密码", validators=[DataRequired("请输入新密码。")])      # length: the service
    confirm = PasswordField("再次输入新密码", validators=[DataRequired("请再次输入新密码。"),
                                                          EqualTo("new", "两次输入的新密码不一致。")])
