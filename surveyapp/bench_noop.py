"""A no-op POST endpoint, the ceiling `bench/submit.py` measures real submissions against.

Registered by `create_app` only when the setting ``BENCH_NOOP`` is true (``SURVEYAPP_BENCH_NOOP=1``); absent
otherwise. ``POST /_bench/noop`` parses the posted form exactly as a questionnaire post is parsed (the
same body, the same size limit) and answers with the same 303 redirect, storing nothing and checking
nothing - so the difference between the two rates is what validating and storing a response costs.
"""

from __future__ import annotations

from flask import Blueprint, Flask, redirect, request

bp = Blueprint("bench_noop", __name__)


@bp.route("/_bench/noop", methods=["POST"])
def noop():  # noqa: ANN201
    fields = len(request.form)                     # parse the body, as a real submission does
    response = redirect("/_bench/noop", code=303)
    response.headers["X-Fields"] = str(fields)
    return response


def enabled(value: object) -> bool:
    """True for the setting's "on" values (1, true, yes, on; True)."""
    if isinstance(value, str):
        return value.strip().lower() in ("1", "true", "yes", "on")
    return bool(value)


def register(app: Flask) -> None:
    """Add the no-op endpoint when the app's ``BENCH_NOOP`` setting is on (CSRF exempt: it stores nothing)."""
    if not enabled(app.config.get("BENCH_NOOP", False)):
        return
    from .extensions import csrf

    csrf.exempt(bp)
    app.register_blueprint(bp)
