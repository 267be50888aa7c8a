"""The console page of a user's API tokens: list, create (the token shown once), revoke."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import HiddenField, StringField
from wtforms.validators import DataRequired, Length

from ..console import bp
from ..errors import ConsoleError
from ..extensions import db
from .tokens import LABEL_LENGTH, create_token, revoke_token, user_tokens


class TokenForm(FlaskForm):
    label = StringField("用途说明", validators=[Length(max=LABEL_LENGTH,
                                                       message=f"说明不能超过 {LABEL_LENGTH} 个字。")])


class RevokeForm(FlaskForm):
    prefix = HiddenField(validators=[DataRequired(), Length(max=16)])


def _page(form: TokenForm, new_token: str | None = None, status: int = 200):  # noqa: ANN202
    html = render_template("console/tokens.html", form=form, tokens=user_tokens(current_user),
                           new_token=new_token, revoke_form=RevokeForm())
    return html, status, {"Cache-Control": "no-store"}


@bp.route("/tokens", methods=["GET", "POST"])
def api_tokens():
    form = TokenForm()
    if form.validate_on_submit():
        _, token = create_token(current_user, form.label.data or "")
        db.session.commit()
        return _page(TokenForm(formdata=None), new_token=token)
    return _page(form, status=422 if form.errors else 200)


@bp.route("/tokens/revoke", methods=["POST"])
def revoke_api_token():
    form = RevokeForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        row = revoke_token(current_user, form.prefix.data)
    except ConsoleError:
        abort(404)
    db.session.commit()
    flash(f"令牌 sa_{row.prefix}… 已撤销，使用它的脚本将无法再访问。", "success")
    return redirect(url_for("console.api_tokens"))
