"""Screening: flagged responses (analysis.screening), one response's answers, recorded status changes."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa

from questionnaires import Question, Questionnaire

from ..audit.services import record_event
from ..errors import ConsoleError
from ..extensions import db
from ..models import Form, Response, StatusChange, Survey, User
from ..paging import PER_PAGE, Page, page_of_list, page_of_query
from ..responses import load_survey_frames

logger = logging.getLogger(__name__)


FLAG_LABELS = {
    "duplicate": "重复提交",
    "speeder": "答题过快",
    "straight_line": "矩阵题各行相同",
    "too_long": "回答过长",
}


def flag_label(flag: str) -> str:
    return FLAG_LABELS.get(flag, flag)


@dataclass
class FlaggedResponse:
    public_id: str
    questionnaire: str
    role: str
    unit: str
    unit_name: str
    submitted_at: datetime | None
    duration_s: float | None
    status: str
    flags: list[tuple[str, str]] = field(default_factory=list)


def informational_flags() -> frozenset[str]:
    """Flags that describe a response without suggesting it is invalid (no bulk invalidation for them)."""
    from analysis.screening import INFORMATIONAL_FLAGS

    return INFORMATIONAL_FLAGS


def _client_hashes(survey: Survey) -> dict[str, str | None]:
    return dict(tuple(row) for row in db.session.execute(
        sa.select(Response.public_id, Response.client_hash).join(Form, Response.form_id == Form.id)
        .where(Form.survey_id == survey.id)).all())


def screening_flags(survey: Survey) -> list[FlaggedResponse]:
    """Every flagged response of the survey (valid or already invalid), newest first; flags from
    `analysis.screening`.

    The frame gets a ``client`` column (the stored browser hash) so that duplicates from one device are
    recognised over `screen`'s longer same-device window.
    """
    from analysis.screening import screen

    frames, questionnaires = load_survey_frames(survey.slug, include_invalid=True)
    clients = _client_hashes(survey)
    flagged: dict[str, FlaggedResponse] = {}
    for qid, frame in frames.items():
        if frame.empty:
            continue
        flags = screen(frame.assign(client=frame["response_id"].map(clients)), questionnaires[qid])
        if flags.empty:
            continue
        meta = frame.set_index("response_id")
        for response_id, flag, reason in flags[["response_id", "flag", "reason"]].itertuples(index=False):
            entry = flagged.get(response_id)
            if entry is None:
                row = meta.loc[response_id]
                submitted = row["submitted_at"]
                duration = row["duration_s"]
                entry = flagged[response_id] = FlaggedResponse(
                    response_id, qid, row["role"], row["unit"] or "", row["unit_name"] or "",
                    None if submitted is None or submitted != submitted else submitted.to_pydatetime(),
                    None if duration is None or duration != duration else float(duration),
                    "valid" if row["status"] == "valid" else "invalid")
            entry.flags.append((str(flag), str(reason)))
    dated = sorted((f for f in flagged.values() if f.submitted_at is not None),
                   key=lambda f: (f.submitted_at, f.public_id), reverse=True)
    return dated + sorted((f for f in flagged.values() if f.submitted_at is None), key=lambda f: f.public_id)


def find_response(survey: Survey, public_id: str) -> Response | None:
    return db.session.scalar(
        sa.select(Response).join(Form, Response.form_id == Form.id)
        .where(Form.survey_id == survey.id, Response.public_id == public_id))


@dataclass(frozen=True)
class AnswerLine:
    number: str
    text: str
    type_label: str
    answer: str
    shown: bool


def _label(question: Question, code: Any) -> str:
    option = question.option_by_code(code)
    return option.label if option is not None else str(code)


def answer_lines(questionnaire: Questionnaire, answers: dict[str, Any]) -> list[AnswerLine]:
    """A response's answers in questionnaire order, codes turned into their labels (plain text)."""
    lines = []
    for q in questionnaire.questions:
        shown = questionnaire.is_visible(q, answers)
        if q.type == "matrix":
            for row in q.rows:
                value = answers.get(f"{q.id}.{row.id}")
                lines.append(AnswerLine(f"{q.number}", f"{q.text} — {row.text}", q.type_label,
                                        "" if value is None else _label(q, value), shown))
            continue
        value = answers.get(q.id)
        if value is None:
            text = ""
        elif q.type == "multiple":
            text = "┋".join(_label(q, v) for v in value)
        elif q.type in ("single", "scale"):
            text = _label(q, value)
        else:
            text = str(value)
        other = answers.get(f"{q.id}.other") if q.other else None
        if other:
            text = f"{text}（{other}）" if text else str(other)
        lines.append(AnswerLine(f"{q.number}", q.text, q.type_label, text, shown))
    return lines


REASON_MAX = 200


def set_response_status(response: Response, new_status: str, reason: str, user: User | None,
                        now: datetime | None = None) -> StatusChange:
    """Mark a response valid or invalid with a reason; the change is recorded (also in the audit log) and
    can be undone."""
    change = _change_status(response, new_status, reason, user, now)
    record_event("response_invalidated" if new_status == "invalid" else "response_restored",
                 survey=response.form.survey, user=user, detail=f"答卷 {response.public_id}：{change.reason}")
    return change


def _change_status(response: Response, new_status: str, reason: str, user: User | None,
                   now: datetime | None = None) -> StatusChange:
    reason = reason.strip()
    if new_status not in ("valid", "invalid"):
        raise ConsoleError(f"未知状态：{new_status}")
    if not reason:
        raise ConsoleError("请填写原因。")
    if len(reason) > REASON_MAX:
        raise ConsoleError(f"原因不能超过 {REASON_MAX} 个字。")
    if response.status == new_status:
        raise ConsoleError("该答卷已经是" + ("有效" if new_status == "valid" else "无效") + "状态。")
    change = StatusChange(response=response, user=user, old_status=response.status, new_status=new_status,
                          reason=reason, changed_at=now or datetime.now(UTC))
    response.status = new_status
    response.invalid_reason = reason if new_status == "invalid" else None
    db.session.add(change)
    db.session.flush()
    logger.info("Response %s marked %s by %s: %s", response.public_id, new_status,
                user.username if user else "-", reason)
    return change


def mark_flagged_invalid(survey: Survey, flag: str, user: User | None) -> int:
    """Mark every still-valid response carrying `flag` invalid, the flag's reason as the reason."""
    if flag in informational_flags():
        raise ConsoleError(f"“{flag_label(flag)}”仅供参考，不能作为批量判为无效的依据。")
    reasons: dict[str, str] = {}
    for item in screening_flags(survey):
        found = [reason for f, reason in item.flags if f == flag]
        if item.status == "valid" and found:
            reasons[item.public_id] = found[0][:REASON_MAX]
    if not reasons:
        return 0
    responses = db.session.scalars(
        sa.select(Response).join(Form, Response.form_id == Form.id)
        .where(Form.survey_id == survey.id, Response.public_id.in_(list(reasons))))
    count = 0
    for response in responses:
        _change_status(response, "invalid", reasons[response.public_id], user)
        count += 1
    record_event("response_invalidated", survey=survey, user=user,
                 detail=f"按规则“{flag_label(flag)}”批量判为无效 {count} 份")
    return count


def status_history(survey: Survey, public_id: str | None = None, limit: int = 500) -> list[StatusChange]:
    """The survey's status changes, newest first (only one response's when `public_id` is given)."""
    query = (sa.select(StatusChange).join(Response, StatusChange.response_id == Response.id)
             .join(Form, Response.form_id == Form.id).where(Form.survey_id == survey.id)
             .order_by(StatusChange.changed_at.desc(), StatusChange.id.desc()).limit(limit))
    if public_id is not None:
        query = query.where(Response.public_id == public_id)
    return list(db.session.scalars(query))


@dataclass(frozen=True)
class FlagCount:
    flag: str
    label: str
    flagged: int
    still_valid: int
    informational: bool


@dataclass(frozen=True)
class Screening:
    """The screening page: counts per flag, one page of flagged responses (newest first), the filters."""

    counts: list[FlagCount]
    flagged: Page
    flag: str | None
    status: str | None


STATUS_FILTERS = {"valid": "仍为有效", "invalid": "已判无效"}


def screening(survey: Survey, flag: str | None = None, status: str | None = None, page: int = 1,
              per_page: int = PER_PAGE) -> Screening:
    """Flagged responses narrowed to one flag and/or status, newest first, one page; counts per flag over
    all flagged responses (the filters do not change them)."""
    flagged = screening_flags(survey)
    tally: dict[str, list[int]] = {}
    for item in flagged:
        for name in {f for f, _ in item.flags}:
            counts = tally.setdefault(name, [0, 0])
            counts[0] += 1
            counts[1] += item.status == "valid"
    info = informational_flags()
    counts = [FlagCount(name, flag_label(name), n, valid, name in info) for name, (n, valid) in sorted(tally.items())]
    flag = flag if flag in tally else None
    status = status if status in STATUS_FILTERS else None
    shown = [item for item in flagged
             if (flag is None or any(f == flag for f, _ in item.flags)) and status in (None, item.status)]
    return Screening(counts, page_of_list(shown, page, per_page), flag, status)


def invalid_page(survey: Survey, reason: str | None = None, page: int = 1, per_page: int = PER_PAGE) -> Page:
    """The survey's invalid responses, newest first, one page (only those with `reason` when given)."""
    query = (sa.select(Response).join(Form, Response.form_id == Form.id)
             .where(Form.survey_id == survey.id, Response.status == "invalid")
             .order_by(Response.submitted_at.desc(), Response.id.desc()))
    if reason is not None:
        query = query.where(Response.invalid_reason == reason)
    return page_of_query(query, page, per_page)


def invalid_reasons(survey: Survey) -> list[tuple[str, int]]:
    """How many responses were judged invalid for each reason, most frequent first."""
    rows = db.session.execute(
        sa.select(Response.invalid_reason, sa.func.count(Response.id)).join(Form, Response.form_id == Form.id)
        .where(Form.survey_id == survey.id, Response.status == "invalid")
        .group_by(Response.invalid_reason))
    return sorted(((reason or "", int(n)) for reason, n in rows), key=lambda r: (-r[1], r[0]))


def response_questionnaire(response: Response) -> Questionnaire:
    from ..surveys.services import version_questionnaire

    return version_questionnaire(response.form.version)
