"""Login, logout and changing one's own password."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_user, logout_user

from ..console import bp
from ..console.forms import PostForm
from ..extensions import db
from .forms import LoginForm, PasswordForm
from .login import LoginRefused, authenticate
from .services import UserError, change_password
from .sessions import SESSION_KEY, end_session, start_session


def _safe_next(target: str | None) -> str:
    """Only a path inside the console is followed after login (no open redirect, no header injection)."""
    if target and target.isprintable() and not any(c.isspace() for c in target):
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
            user = authenticate(form.username.data, form.password.data, request.remote_addr)
        except LoginRefused as refused:
            db.session.commit()          # keep the throttle's counts and the audit event
            error = refused.message
            if refused.retry_after:
                headers = {"Retry-After": str(refused.retry_after)}
                return render_template("console/login.html", form=form, error=error), 429, headers
        else:
            _start_login(user)
            return redirect(_safe_next(request.args.get("next")))
    return render_template("console/login.html", form=form, error=error)


def _start_login(user) -> None:  # noqa: ANN001
    """A new server-side login for `user` in this browser (committed); nothing of the old cookie carries over."""
    token = start_session(user, request.remote_addr)
    db.session.commit()
    session.clear()
    login_user(user)
    session[SESSION_KEY] = token


@bp.route("/account/password", methods=["GET", "POST"])
def account_password():
    form = PasswordForm()
    error = None
    if form.validate_on_submit():
        user = current_user._get_current_object()
        try:
            ended = change_password(user, form.current.data, form.new.data, request.remote_addr)
        except UserError as exc:
            db.session.commit()          # nothing changed but the throttle's count and the audit event
            error = exc.chinese
            if exc.retry_after:
                headers = {"Retry-After": str(exc.retry_after)}
                return render_template("console/password.html", form=form, error=error), 429, headers
        else:
            _start_login(user)
            flash(f"密码已修改；包括其他设备在内的 {ended} 个登录已结束，本页已重新登录。", "success")
            return redirect(url_for("console.index"))
    return render_template("console/password.html", form=form, error=error), 422 if error else 200


@bp.route("/logout", methods=["POST"])
def logout():
    if PostForm().validate_on_submit():
        end_session(session.get(SESSION_KEY), current_user._get_current_object())
        db.session.commit()
        logout_user()
        session.clear()
        flash("您已退出登录。", "info")
        return redirect(url_for("console.login"))
    return redirect(url_for("console.index"))
