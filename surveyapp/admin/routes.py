"""User administration (admins only): the user list, a new account, password reset, deactivation, ending
logins. A generated password is shown once, in the answer to the POST (never in a cookie or a redirect)."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for

from ..auth.services import UserError, create_user, generate_password, reset_password, revoke_sessions, set_active
from ..console import bp
from ..console.access import require_admin
from ..extensions import db
from ..models import User
from .forms import NewUserForm, UserActionForm
from .services import user_rows

NO_STORE = {"Cache-Control": "no-store"}


def _page(form: NewUserForm, shown: tuple[str, str] | None = None):  # noqa: ANN202
    """The users page; `shown` is (user name, new password) to show once."""
    return render_template("console/users.html", rows=user_rows(), form=form, action_form=UserActionForm(),
                           shown=shown), 200, NO_STORE


@bp.route("/admin/users", methods=["GET", "POST"])
def users():
    require_admin()
    form = NewUserForm()
    if form.validate_on_submit():
        password = generate_password()
        try:
            user = create_user(form.username.data.strip(), password, admin=form.admin.data)
        except UserError as exc:
            db.session.rollback()
            form.username.errors = [exc.chinese]
        else:
            db.session.commit()
            return _page(NewUserForm(formdata=None), (user.username, password))
    return _page(form)


@bp.route("/admin/users/<int:user_id>", methods=["POST"])
def user_action(user_id: int):
    require_admin()
    form = UserActionForm()
    if not form.validate_on_submit():
        abort(400)
    user = db.session.get(User, user_id)
    if user is None:
        abort(404)
    action = form.action.data
    try:
        if action == "reset":
            password = reset_password(user)
        elif action == "revoke":
            message = f"已结束 {user.username} 的 {revoke_sessions(user)} 个登录。"
        else:
            set_active(user, action == "activate")
            message = f"已启用 {user.username}。" if user.active else f"已停用 {user.username}，其登录已全部结束。"
    except UserError as exc:
        db.session.rollback()
        flash(exc.chinese, "error")
        return redirect(url_for("console.users"))
    db.session.commit()
    if action == "reset":
        return _page(NewUserForm(formdata=None), (user.username, password))
    flash(message, "success")
    return redirect(url_for("console.users"))
