"""API view of collection progress: valid responses per unit x role against their targets."""

from __future__ import annotations

from ..api import api_route
from ..console.access import survey_or_404
from ..models import User
from .services import survey_progress


@api_route("/surveys/<slug>/progress")
def survey_progress_document(user: User, slug: str) -> dict:
    survey = survey_or_404(slug, need="view", user=user)
    return survey_progress(survey).api_json()
