"""The address respondents reach the app at, for links, QR codes and printed pages.

``PUBLIC_BASE_URL`` when it is set (behind a reverse proxy, or when the console is reached at another
address than respondents use); otherwise the address the request came in on, so that ``surveyapp run
--port 8080`` or ``make run PORT=8080`` shows links on port 8080. Commands have no request: they take
``--base-url`` or ``PUBLIC_BASE_URL``.
"""

from __future__ import annotations

from flask import current_app, request

from questionnaires import InputError


def _checked(base: str, source: str) -> str:
    base = base.strip().rstrip("/")
    if not base.startswith(("http://", "https://")) or len(base) <= len("https://"):
        raise InputError(source, [("", f"{base!r} is no http:// or https:// address")])
    return base


def public_base_url() -> str:
    """PUBLIC_BASE_URL when set, else the scheme, host, port (and mount path) of the current request."""
    configured = current_app.config.get("PUBLIC_BASE_URL")
    if configured:
        return _checked(configured, "PUBLIC_BASE_URL")
    return request.url_root.rstrip("/")


def cli_base_url(option: str | None) -> str:
    """The address a command prints links on: ``--base-url``, else PUBLIC_BASE_URL, else an InputError."""
    if option:
        return _checked(option, "--base-url")
    configured = current_app.config.get("PUBLIC_BASE_URL")
    if configured:
        return _checked(configured, "PUBLIC_BASE_URL")
    raise InputError("--base-url", [("", "the public address of the app is not known: pass --base-url "
                                         "http://HOST:PORT or set SURVEYAPP_PUBLIC_BASE_URL")])
