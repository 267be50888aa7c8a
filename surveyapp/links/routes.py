"""Links and QR codes: a table of every form x unit link, PNG/SVG downloads, printable A4 pages."""

from __future__ import annotations

from flask import Response, abort, render_template, request

from ..console import bp
from ..console.access import survey_or_404
from ..surveys.services import survey_links
from .base_url import public_base_url as _base_url
from .services import find_link, print_pages, qr_bytes

MIMETYPES = {"png": "image/png", "svg": "image/svg+xml"}


@bp.route("/surveys/<slug>/links")
def links(slug: str):
    survey = survey_or_404(slug, need="view")
    return render_template("console/links.html", survey=survey, links=survey_links(survey, _base_url()))


@bp.route("/surveys/<slug>/qr/<int:form_id>.<kind>", defaults={"unit_code": None})
@bp.route("/surveys/<slug>/qr/<int:form_id>/<unit_code>.<kind>")
def qr(slug: str, form_id: int, unit_code: str | None, kind: str):
    if kind not in MIMETYPES:
        abort(404)
    link = find_link(survey_or_404(slug, need="view"), _base_url(), form_id, unit_code)
    if link is None:
        abort(404)
    name = f"{slug}-{link.form.role}-{unit_code or 'all'}.{kind}"
    response = Response(qr_bytes(link.url, kind), mimetype=MIMETYPES[kind])
    if request.args.get("download"):
        response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@bp.route("/surveys/<slug>/print")
def print_codes(slug: str):
    survey = survey_or_404(slug, need="view")
    unit = request.args.get("unit") or None
    pages = print_pages(survey, _base_url(), unit)
    if unit is not None and not pages:
        abort(404)
    return render_template("console/print.html", survey=survey, pages=pages)
