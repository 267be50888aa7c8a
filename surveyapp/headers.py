"""Security headers on every response: no framing, no MIME sniffing, no caching of pages.

- ``Content-Security-Policy``: scripts, styles, images, fonts and form posts only from this site; no
  inline script; the only inline style is the error page's, allowed by its hash; ``frame-ancestors
  'none'`` (and ``X-Frame-Options: DENY`` for older browsers) so no page can be framed;
- ``X-Content-Type-Options: nosniff``: a download or an uploaded file is never run as another type;
- ``Referrer-Policy: same-origin``: link tokens in the URL never reach another site, while a post keeps
  its same-site Referer (Flask-WTF checks it on HTTPS);
- ``Cache-Control: no-store`` on every response but static files (which keep their revalidated caching):
  console pages and downloads hold evaluators' data, questionnaire pages a one-time submit token.
"""

from __future__ import annotations

import base64
import hashlib

from flask import Flask, request
from werkzeug.wrappers import Response

from .errors import STYLE


def _style_hash(style: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(style.encode()).digest()).decode() + "'"


CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    f"style-src 'self' {_style_hash(STYLE)}",
    "img-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
])

HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}


def add_security_headers(response: Response) -> Response:
    for name, value in HEADERS.items():
        response.headers.setdefault(name, value)
    endpoint = request.endpoint or ""
    if endpoint != "static" and not endpoint.endswith(".static"):
        response.headers["Cache-Control"] = "no-store"
    return response


def register_security_headers(app: Flask) -> None:
    app.after_request(add_security_headers)
