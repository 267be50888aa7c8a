"""Collection progress (回收进度): responses per unit x role, counted in the database (one GROUP BY)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa

from questionnaires import ROLE_LABELS, ROLES

from ..extensions import db
from ..models import LOCAL_TZ, Form, Response, Survey


def local_day_start(now: datetime) -> datetime:
    """The UTC instant at which `now`'s day began in Beijing time."""
    local = now.astimezone(LOCAL_TZ)
    return local.replace(hour=0, minute=0, second=0, microsecond=0).astimezone(UTC)


@dataclass
class Cell:
    collected: int = 0
    valid: int = 0
    today: int = 0
    last_at: datetime | None = None

    @property
    def invalid(self) -> int:
        return self.collected - self.valid

    def add(self, other: Cell) -> None:
        self.collected += other.collected
        self.valid += other.valid
        self.today += other.today
        if other.last_at is not None and (self.last_at is None or other.last_at > self.last_at):
            self.last_at = other.last_at

    def as_json(self) -> dict[str, Any]:
        return {"collected": self.collected, "valid": self.valid, "invalid": self.invalid,
                "today": self.today, "last_at": self.last_at.isoformat() if self.last_at else None}


@dataclass
class ProgressRow:
    code: str
    name: str
    district: str
    by_role: dict[str, Cell]
    total: Cell = field(default_factory=Cell)


@dataclass
class Progress:
    roles: list[str]
    rows: list[ProgressRow]
    total: ProgressRow
    day_start: datetime
    generated_at: datetime

    def as_json(self) -> dict[str, Any]:
        def row(r: ProgressRow) -> dict[str, Any]:
            return {"unit": r.code, "unit_name": r.name, "district": r.district,
                    "roles": {role: r.by_role[role].as_json() for role in self.roles},
                    "total": r.total.as_json()}

        return {"roles": [{"role": role, "label": ROLE_LABELS.get(role, role)} for role in self.roles],
                "rows": [row(r) for r in self.rows], "total": row(self.total),
                "day_start": self.day_start.isoformat(), "generated_at": self.generated_at.isoformat()}


NO_UNIT = ""


def survey_progress(survey: Survey, now: datetime | None = None) -> Progress:
    """Responses per unit x role: collected, valid, today's (Beijing day), last submission; one GROUP BY."""
    now = now or datetime.now(UTC)
    day_start = local_day_start(now)
    roles = sorted({f.role for f in survey.forms}, key=lambda r: (ROLES.index(r) if r in ROLES else 99, r))
    today = sa.func.sum(sa.case((Response.submitted_at >= day_start, 1), else_=0))
    query = (sa.select(Response.unit_id, Form.role, Response.status, sa.func.count(Response.id), today,
                       sa.func.max(Response.submitted_at))
             .join(Form, Response.form_id == Form.id)
             .where(Form.survey_id == survey.id)
             .group_by(Response.unit_id, Form.role, Response.status))
    rows: dict[int | None, ProgressRow] = {
        u.id: ProgressRow(u.code, u.name, u.district, {r: Cell() for r in roles}) for u in survey.units}
    total = ProgressRow("", "合计", "", {r: Cell() for r in roles})
    for unit_id, role, status, number, today_number, last in db.session.execute(query):
        row = rows.get(unit_id)
        if row is None:   # responses through a link without unit
            row = rows[unit_id] = ProgressRow(NO_UNIT, "（未指定单位）", "", {r: Cell() for r in roles})
        cell = Cell(number, number if status == "valid" else 0, int(today_number or 0), last)
        for target in (row.by_role[role], row.total, total.by_role[role], total.total):
            target.add(cell)
    return Progress(roles, list(rows.values()), total, day_start, now)
