"""Respondents: the public, mobile-first questionnaire pages (``/s/<form token>[/<unit code>]``)."""

from flask import Blueprint

bp = Blueprint("respond", __name__, template_folder="templates", static_folder="static",
               static_url_path="/s/static")

from . import routes  # noqa: E402,F401  (registers the views)
