"""Which survey a console or API request is about, and whether its user may see it."""

from __future__ import annotations

from flask import abort

from ..models import Survey
from ..surveys.overview import find_survey


def survey_or_404(slug: str) -> Survey:
    """The survey with this slug, or a 404."""
    survey = find_survey(slug)
    if survey is None:
        abort(404)
    return survey
