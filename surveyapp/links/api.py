"""API view of a survey's respondent links, on the address the server is reached at (or PUBLIC_BASE_URL)."""

from __future__ import annotations

from ..api import api_route
from ..console.access import survey_or_404
from ..models import User
from ..surveys.services import survey_links
from .base_url import public_base_url


@api_route("/surveys/<slug>/links")
def survey_links_document(user: User, slug: str) -> dict:
    survey = survey_or_404(slug, need="view", user=user)
    return {"links": [{"questionnaire": link.form.version.questionnaire_id, "role": link.form.role,
                       "unit": link.unit.code if link.unit else None,
                       "unit_name": link.unit.name if link.unit else None, "url": link.url}
                      for link in survey_links(survey, public_base_url())]}
