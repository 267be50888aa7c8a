"""Console services: login throttling, survey summaries, links and QR codes, progress, screening, exports.

Services read, add and flush; the view that called them commits once. Counts are computed in the database
(GROUP BY), never by loading responses into frames; frames come only from :mod:`surveyapp.responses`.
"""

from __future__ import annotations

import io
import logging
import re
import tempfile
from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import segno
import sqlalchemy as sa
from werkzeug.security import check_password_hash, generate_password_hash

from questionnaires import ROLE_LABELS, ROLES, SHIPPED, InputError, Question, Questionnaire, load_folder

from ..extensions import db
from ..models import Form, Response, StatusChange, Survey, Unit, User
from ..responses import load_survey_frames, survey_questionnaires
from ..surveys.services import SLUG, FormSpec, Link, SurveyError, create_survey, set_status, survey_links
from ..surveys.units import UnitRow, parse_units_csv

logger = logging.getLogger(__name__)
LOCAL_TZ = ZoneInfo("Asia/Shanghai")


class ConsoleError(InputError):
    """An evaluator's request that cannot be done; `problems` hold Chinese messages for the page."""

    def __init__(self, problem: str, source: str = "console"):
        super().__init__(source, [("", problem)])


# -- login ----------------------------------------------------------------------------------------------

MAX_FAILURES = 5
LOCKOUT = timedelta(minutes=15)
LOGIN_FAILED = "用户名或密码错误。"
LOGIN_LOCKED = "登录失败次数过多，请15分钟后再试。"
_DUMMY_HASH = generate_password_hash("not-a-password-of-anyone")
_UNKNOWN_LIMIT = 10_000
_unknown_failures: OrderedDict[str, tuple[int, datetime]] = OrderedDict()


class LoginRefused(Exception):
    """A login attempt that did not succeed; `message` is shown to the visitor as is."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def _locked(count: int, last: datetime | None, now: datetime) -> bool:
    return count >= MAX_FAILURES and last is not None and now - last < LOCKOUT


def authenticate(username: str, password: str, now: datetime | None = None) -> User:
    """The user whose name and password match, or LoginRefused with a Chinese message.

    After MAX_FAILURES failed attempts (each within LOCKOUT of the previous one) the name is refused for
    LOCKOUT after the last failure, even with the right password. Unknown names are throttled the same way
    (in this process), so neither the message nor the timing tells whether a name exists.
    The caller commits (the failure counters are stored on the user).
    """
    now = now or datetime.now(UTC)
    username = username.strip()
    user = db.session.scalar(sa.select(User).filter_by(username=username)) if username else None
    if user is None:
        count, last = _unknown_failures.get(username, (0, None))
        if _locked(count, last, now):
            raise LoginRefused(LOGIN_LOCKED)
        check_password_hash(_DUMMY_HASH, password)  # same work as for a real account
        if last is None or now - last >= LOCKOUT:
            count = 0
        _unknown_failures[username] = (count + 1, now)
        _unknown_failures.move_to_end(username)
        while len(_unknown_failures) > _UNKNOWN_LIMIT:
            _unknown_failures.popitem(last=False)
        raise LoginRefused(LOGIN_FAILED)
    if _locked(user.failed_logins or 0, user.last_failed_login_at, now):
        logger.info("Login of %s refused: locked after %s failures", username, user.failed_logins)
        raise LoginRefused(LOGIN_LOCKED)
    if not user.check_password(password):
        last = user.last_failed_login_at
        if last is None or now - last >= LOCKOUT:
            user.failed_logins = 0
        user.failed_logins = (user.failed_logins or 0) + 1
        user.last_failed_login_at = now
        db.session.flush()
        logger.info("Failed login for %s (%d in a row)", username, user.failed_logins)
        raise LoginRefused(LOGIN_FAILED)
    user.failed_logins = 0
    user.last_failed_login_at = None
    db.session.flush()
    logger.info("User %s logged in", username)
    return user


def forget_unknown_failures() -> None:
    """Clear the in-process throttle of unknown user names (tests)."""
    _unknown_failures.clear()


# -- surveys --------------------------------------------------------------------------------------------

@dataclass
class Counts:
    collected: int = 0
    valid: int = 0
    last_at: datetime | None = None

    @property
    def invalid(self) -> int:
        return self.collected - self.valid


def survey_counts(survey_ids: list[int] | None = None) -> dict[int, Counts]:
    """Collected and valid responses and the last submission per survey id (one GROUP BY)."""
    query = (sa.select(Form.survey_id, Response.status, sa.func.count(Response.id),
                       sa.func.max(Response.submitted_at))
             .join(Form, Response.form_id == Form.id)
             .group_by(Form.survey_id, Response.status))
    if survey_ids is not None:
        query = query.where(Form.survey_id.in_(survey_ids))
    counts: dict[int, Counts] = {}
    for survey_id, status, number, last in db.session.execute(query):
        entry = counts.setdefault(survey_id, Counts())
        entry.collected += number
        if status == "valid":
            entry.valid += number
        if last is not None and (entry.last_at is None or last > entry.last_at):
            entry.last_at = last
    return counts


def list_surveys() -> list[tuple[Survey, Counts]]:
    """Every survey, newest first, with its counts."""
    surveys = db.session.scalars(sa.select(Survey).order_by(Survey.created_at.desc(), Survey.id.desc())).all()
    counts = survey_counts([s.id for s in surveys])
    return [(s, counts.get(s.id, Counts())) for s in surveys]


def find_survey(slug: str) -> Survey | None:
    return db.session.scalar(sa.select(Survey).filter_by(slug=slug))


@dataclass(frozen=True)
class FormSummary:
    form: Form
    title: str
    questionnaire_id: str
    counts: Counts


@dataclass(frozen=True)
class SurveyOverview:
    survey: Survey
    counts: Counts
    forms: list[FormSummary]
    unit_count: int
    units_with_responses: int


def survey_overview(survey: Survey) -> SurveyOverview:
    """The state of a survey at a glance: counts in all and per form, units reached."""
    per_form: dict[int, Counts] = {}
    query = (sa.select(Response.form_id, Response.status, sa.func.count(Response.id),
                       sa.func.max(Response.submitted_at))
             .join(Form, Response.form_id == Form.id)
             .where(Form.survey_id == survey.id)
             .group_by(Response.form_id, Response.status))
    total = Counts()
    for form_id, status, number, last in db.session.execute(query):
        for entry in (per_form.setdefault(form_id, Counts()), total):
            entry.collected += number
            entry.valid += number if status == "valid" else 0
            if last is not None and (entry.last_at is None or last > entry.last_at):
                entry.last_at = last
    reached = db.session.scalar(
        sa.select(sa.func.count(sa.distinct(Response.unit_id)))
        .join(Form, Response.form_id == Form.id)
        .where(Form.survey_id == survey.id, Response.unit_id.is_not(None)))
    forms = [FormSummary(f, f.version.title, f.version.questionnaire_id, per_form.get(f.id, Counts()))
             for f in survey.forms]
    return SurveyOverview(survey, total, forms, len(survey.units), reached or 0)


def shipped_questionnaires(folder: Path = SHIPPED) -> list[Questionnaire]:
    """The project's questionnaires, ordered by id."""
    return sorted(load_folder([folder]).values(), key=lambda q: q.id)


def slug_taken(slug: str) -> bool:
    return db.session.scalar(sa.select(Survey.id).filter_by(slug=slug)) is not None


RESERVED_SLUGS = frozenset({"new"})
ROW_PLACE = re.compile(r"^row (\d+)$")


def read_uploaded_units(data: bytes, filename: str) -> list[UnitRow]:
    """Units from an uploaded CSV (UTF-8, with or without BOM, or the GBK Excel writes on Chinese Windows).

    Raises InputError whose problems name the rows (``第 3 行``) and what is wrong with each.
    """
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = data.decode("gb18030")
        except UnicodeDecodeError as exc:
            problem = f"无法识别文件编码（第 {exc.start} 字节）；请另存为 UTF-8 CSV"
            raise InputError(filename, [("", problem)]) from exc
    try:
        return parse_units_csv(text, filename)
    except InputError as exc:
        problems = []
        for place, problem in exc.problems:
            match = ROW_PLACE.match(place)
            problems.append((f"第 {match.group(1)} 行" if match else place, problem))
        raise InputError(exc.source, problems) from exc


def create_console_survey(title: str, slug: str, chosen: list[tuple[Questionnaire, str]],
                          units: list[UnitRow]) -> Survey:
    """Create a draft survey offering each chosen (questionnaire, role) in every unit."""
    if slug in RESERVED_SLUGS:
        raise ConsoleError(f"代码 {slug} 是保留字，请换一个。")
    if slug_taken(slug):
        raise ConsoleError(f"代码 {slug} 已被另一个调查使用，请换一个。")
    forms = [FormSpec(Path(q.source), role) for q, role in chosen]
    return create_survey(title, slug, forms, units)


STATUS_ACTIONS = {"open": "open", "close": "closed"}


def change_survey_status(survey: Survey, action: str) -> Survey:
    """Open (also reopen) or close a survey."""
    if action not in STATUS_ACTIONS:
        raise ConsoleError(f"未知操作：{action}")
    try:
        return set_status(survey, STATUS_ACTIONS[action])
    except SurveyError as exc:
        raise ConsoleError("无法更改调查状态：" + exc.message) from exc


# -- links and QR codes ---------------------------------------------------------------------------------

def find_link(survey: Survey, base_url: str, form_id: int, unit_code: str | None) -> Link | None:
    """The survey's link for a form and a unit code (None: the link without unit)."""
    for link in survey_links(survey, base_url):
        if link.form.id == form_id and (link.unit.code if link.unit else None) == unit_code:
            return link
    return None


def qr_code(url: str) -> segno.QRCode:
    return segno.make(url, error="m")


def qr_bytes(url: str, kind: str) -> bytes:
    """The QR code of `url` as a PNG (large enough to print) or an SVG document."""
    if kind not in ("png", "svg"):
        raise ValueError(f"unknown image kind {kind!r}")
    out = io.BytesIO()
    qr_code(url).save(out, kind=kind, scale=10 if kind == "png" else 8, border=2)
    return out.getvalue()


def qr_svg_inline(url: str, scale: int = 4) -> str:
    """An <svg> element of the QR code, to place inside a page."""
    return qr_code(url).svg_inline(scale=scale, border=2, omitsize=True)


@dataclass(frozen=True)
class PrintCode:
    role: str
    role_label: str
    title: str
    url: str
    svg: str


@dataclass(frozen=True)
class PrintPage:
    unit: Unit | None
    codes: list[PrintCode]


def print_pages(survey: Survey, base_url: str, unit_code: str | None = None) -> list[PrintPage]:
    """One page per unit (or only `unit_code`'s) holding the QR code of every form, labelled by role."""
    pages: dict[str | None, PrintPage] = {}
    for link in survey_links(survey, base_url):
        code = link.unit.code if link.unit else None
        if unit_code is not None and code != unit_code:
            continue
        page = pages.setdefault(code, PrintPage(link.unit, []))
        page.codes.append(PrintCode(link.form.role, ROLE_LABELS.get(link.form.role, link.form.role),
                                    link.form.version.title, link.url, qr_svg_inline(link.url)))
    return list(pages.values())


# -- progress -------------------------------------------------------------------------------------------

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


# -- screening ------------------------------------------------------------------------------------------

FLAG_LABELS = {
    "duplicate": "重复提交",
    "speeder": "答题过快",
    "straight_line": "矩阵题各行相同",
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
    """Every flagged response of the survey (valid or already invalid), flags from `analysis.screening`.

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
    return sorted(flagged.values(), key=lambda f: (f.submitted_at is None, f.submitted_at, f.public_id))


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
    """Mark a response valid or invalid with a reason; the change is recorded and can be undone."""
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
        set_response_status(response, "invalid", reasons[response.public_id], user)
        count += 1
    return count


def status_history(survey: Survey, public_id: str | None = None, limit: int = 500) -> list[StatusChange]:
    """The survey's status changes, newest first (only one response's when `public_id` is given)."""
    query = (sa.select(StatusChange).join(Response, StatusChange.response_id == Response.id)
             .join(Form, Response.form_id == Form.id).where(Form.survey_id == survey.id)
             .order_by(StatusChange.changed_at.desc(), StatusChange.id.desc()).limit(limit))
    if public_id is not None:
        query = query.where(Response.public_id == public_id)
    return list(db.session.scalars(query))


def invalid_responses(survey: Survey, limit: int = 1000) -> list[Response]:
    return list(db.session.scalars(
        sa.select(Response).join(Form, Response.form_id == Form.id)
        .where(Form.survey_id == survey.id, Response.status == "invalid")
        .order_by(Response.submitted_at.desc()).limit(limit)))


def response_questionnaire(response: Response) -> Questionnaire:
    from ..surveys.services import version_questionnaire

    return version_questionnaire(response.form.version)


# -- downloads ------------------------------------------------------------------------------------------

def export_file(survey: Survey, kind: str, questionnaire_id: str | None = None) -> tuple[io.BytesIO, str]:
    """The survey's responses (valid and invalid, with status) as a response file in memory.

    `kind` is ``csv`` (one questionnaire: `questionnaire_id`, or the only one) or ``xlsx`` (every
    questionnaire, one sheet each). Returns the bytes and a download name.
    """
    from analysis.responses import write_responses, write_responses_xlsx

    if kind not in ("csv", "xlsx"):
        raise ConsoleError(f"未知文件类型：{kind}")
    questionnaires = survey_questionnaires(survey)
    if kind == "csv":
        if questionnaire_id is None and len(questionnaires) == 1:
            questionnaire_id = next(iter(questionnaires))
        if questionnaire_id not in questionnaires:
            raise ConsoleError("请选择要下载的问卷。")
    frames, questionnaires = load_survey_frames(survey.slug, include_invalid=True)
    with tempfile.TemporaryDirectory(prefix="surveyapp-export-") as folder:
        if kind == "csv":
            name = f"{survey.slug}-{questionnaire_id}.csv"
            path = write_responses(frames[questionnaire_id], questionnaires[questionnaire_id],
                                   Path(folder) / name)
        else:
            name = f"{survey.slug}-responses.xlsx"
            path = write_responses_xlsx(frames, questionnaires, Path(folder) / name)
        data = io.BytesIO(Path(path).read_bytes())
    return data, name


@dataclass
class QuestionnaireDownload:
    questionnaire_id: str
    title: str
    roles: list[str] = field(default_factory=list)
    collected: int = 0


def questionnaire_downloads(overview: SurveyOverview) -> list[QuestionnaireDownload]:
    """One CSV per questionnaire of the survey (a questionnaire offered to two roles is one file)."""
    found: dict[str, QuestionnaireDownload] = {}
    for f in overview.forms:
        entry = found.setdefault(f.questionnaire_id, QuestionnaireDownload(f.questionnaire_id, f.title))
        entry.roles.append(f.form.role)
        entry.collected += f.counts.collected
    return list(found.values())


def is_valid_slug(slug: str) -> bool:
    return bool(SLUG.match(slug))
