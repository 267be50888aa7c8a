"""Login and logout."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user, login_user, logout_user

from ..console import bp
from ..console.forms import PostForm
from ..extensions import db
from .forms import LoginForm
from .login import LoginRefused, authenticate


def _safe_next(target: str | None) -> str:
    """Only a path inside the console is followed after login (no open redirect)."""
    if target:
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc and target.startswith("/console/") and "\\" not in target:
            return target
    return url_for("console.index")


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("console.index"))
    form = LoginForm()
    error = None
    if form.validate_on_submit():
        try:
            user = authenticate(form.username.data, form.password.data)
        except LoginRefused as refused:
            db.session.commit()          # keep the failure count
            error = refused.message
        else:
            db.session.commit()
            login_user(user)
            return redirect(_safe_next(request.args.get("next")))
    return render_template("console/login.html", form=form, error=error)


@bp.route("/logout", methods=["POST"])
def logout():
    if PostForm().validate_on_submit():
        logout_user()
        flash("您已退出登录。", "info")
        return redirect(url_for("console.login"))
    return redirect(url_for("console.index"))
