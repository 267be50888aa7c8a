"""Targets of valid responses per unit and role, as the Word appendix takes them."""

from __future__ import annotations

import sqlalchemy as sa

from ..extensions import db
from ..models import Survey, Unit, UnitTarget


def survey_targets(survey: Survey) -> list[tuple[str, str, str, int]]:
    """(unit code, unit name, role, target) of every target set in the survey, by unit code."""
    rows = db.session.execute(sa.select(Unit.code, Unit.name, UnitTarget.role, UnitTarget.target)
                              .join(UnitTarget, UnitTarget.unit_id == Unit.id)
                              .where(Unit.survey_id == survey.id).order_by(Unit.code, UnitTarget.id))
    return [tuple(row) for row in rows]
