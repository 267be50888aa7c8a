"""API view of changing one's own password (the console's 修改密码 page, the same service)."""

from __future__ import annotations

from flask import request

from ..api import ApiError, api_route, json_body, problem
from ..extensions import db
from ..models import User
from .services import UserError, change_password


@api_route("/account/password", methods=("POST",))
def account_password(user: User) -> dict:
    """``{"current": ..., "new": ...}``: the token's user replaces their password; their console logins end
    (API tokens stay valid: revoke them separately)."""
    document = json_body()
    missing = [problem(name, "must be a string") for name in ("current", "new")
               if not isinstance(document.get(name), str)]
    if missing:
        raise ApiError(422, "Send the current and the new password as strings.", errors=missing)
    try:
        ended = change_password(user, document["current"], document["new"], request.remote_addr)
    except UserError as exc:
        db.session.commit()              # nothing changed but the throttle's count and the audit event
        if exc.retry_after:
            raise ApiError(429, exc.problems[0][1], headers={"Retry-After": str(exc.retry_after)}) from exc
        raise
    return {"changed": True, "logins_ended": ended}
