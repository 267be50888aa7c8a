"""Collection progress (回收进度): responses per unit x role, counted in the database (one GROUP BY), against
the targets set per unit and role (completion = valid / target)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa

from questionnaires import ROLE_LABELS, ROLES

from ..extensions import db
from ..models import LOCAL_TZ, Form, Response, Survey, Unit, UnitTarget


def local_day_start(now: datetime) -> datetime:
    """The UTC instant at which `now`'s day began in Beijing time."""
    local = now.astimezone(LOCAL_TZ)
    return local.replace(hour=0, minute=0, second=0, microsecond=0).astimezone(UTC)


@dataclass
class Cell:
    """Responses of a unit x role (or a sum of such cells) and, where set, the target of valid ones.

    `reached` counts the valid responses of the cells that have a target, so that a sum's completion
    (reached / target) is not inflated by units without one.
    """

    collected: int = 0
    valid: int = 0
    today: int = 0
    last_at: datetime | None = None
    target: int | None = None
    reached: int = 0

    @property
    def invalid(self) -> int:
        return self.collected - self.valid

    @property
    def completion(self) -> float | None:
        """Valid responses / target (of the cells with a target); None without a (positive) target."""
        return self.reached / self.target if self.target else None

    @property
    def below_target(self) -> bool:
        return self.target is not None and self.reached < self.target

    def add(self, other: Cell) -> None:
        self.collected += other.collected
        self.valid += other.valid
        self.today += other.today
        if other.last_at is not None and (self.last_at is None or other.last_at > self.last_at):
            self.last_at = other.last_at

    def add_target(self, target: int, valid: int) -> None:
        self.target = (self.target or 0) + target
        self.reached += valid

    def as_json(self) -> dict[str, Any]:
        return {"collected": self.collected, "valid": self.valid, "invalid": self.invalid,
                "today": self.today, "last_at": self.last_at.isoformat() if self.last_at else None,
                "target": self.target, "completion": _ratio(self.completion), "below_target": self.below_target}


def _ratio(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


@dataclass
class ProgressRow:
    code: str
    name: str
    district: str
    by_role: dict[str, Cell]
    total: Cell = field(default_factory=Cell)

    @property
    def below_target(self) -> bool:
        """Whether any role of the unit has fewer valid responses than its target."""
        return any(cell.below_target for cell in self.by_role.values())


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
                "rows": [row(r) for r in self.rows], "total": row(self.total), "has_targets": self.has_targets,
                "day_start": self.day_start.isoformat(), "generated_at": self.generated_at.isoformat()}

    @property
    def has_targets(self) -> bool:
        return self.total.total.target is not None

    def api_json(self) -> dict[str, Any]:
        """The API's progress document: one row per unit x role, then the totals (see docs/api.md)."""
        def numbers(cell: Cell) -> dict[str, Any]:
            return {"collected": cell.collected, "valid": cell.valid, "target": cell.target,
                    "completion": _ratio(cell.completion)}

        rows = [{"unit": r.code or None, "unit_name": r.name, "role": role, **numbers(r.by_role[role]),
                 "below_target": r.by_role[role].below_target}
                for r in self.rows for role in self.roles]
        return {"rows": rows, "total": numbers(self.total.total),
                "by_role": [{"role": role, **numbers(self.total.by_role[role])} for role in self.roles]}


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
    for unit_id, role, number in db.session.execute(
            sa.select(UnitTarget.unit_id, UnitTarget.role, UnitTarget.target)
            .join(Unit, UnitTarget.unit_id == Unit.id).where(Unit.survey_id == survey.id)):
        row = rows[unit_id]
        if role not in row.by_role:
            continue
        valid = row.by_role[role].valid
        for cell in (row.by_role[role], row.total, total.by_role[role], total.total):
            cell.add_target(number, valid)
    return Progress(roles, list(rows.values()), total, day_start, now)
