"""The data model: surveys, questionnaire versions, forms, units, responses, evaluators, and the security
records (login sessions, the login throttle, survey members, the audit log).

Answers are stored as one JSON document per response (variable -> canonical answer, see
`questionnaires.answers`): the canonical record. Beside it, `Response.codes` and `Response.texts` hold a
columnar copy (`surveyapp.answer_codes`: closed answers as a fixed-width binary record, text answers
alone) that the loader decodes a column at a time; rows without it are read from the JSON document.
One row per submission keeps the write path to a single insert; per-question counts can still be grouped
inside the database with `json_each` (SQLite) or `jsonb_each` (PostgreSQL), see
`surveyapp.responses.answer_counts`.
"""

from __future__ import annotations

import secrets
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask_login import UserMixin
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from .extensions import db

SURVEY_STATUSES = ("draft", "open", "closed")
MEMBER_ROLES = ("owner", "editor", "viewer")
RESPONSE_STATUSES = ("valid", "invalid")
CHANNELS = ("微信", "手机", "电脑")
LOCAL_TZ = ZoneInfo("Asia/Shanghai")
"""Beijing time: days and times are shown and counted in it."""

JSONDocument = sa.JSON().with_variant(JSONB(), "postgresql")
NullableJSONDocument = sa.JSON(none_as_null=True).with_variant(JSONB(none_as_null=True), "postgresql")


def utcnow() -> datetime:
    return datetime.now(UTC)


def new_token() -> str:
    """An unguessable URL-safe token (128 bits)."""
    return secrets.token_urlsafe(16)


class UTCDateTime(sa.types.TypeDecorator):
    """Timezone-aware UTC timestamps on every backend (SQLite stores them naive)."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; use timezone-aware UTC times")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class User(UserMixin, db.Model):
    """An evaluator who logs into the console; created by `surveyapp users create` or an admin.

    An admin manages users and sees every survey; a deactivated user cannot log in.
    """

    __tablename__ = "user"
    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(sa.String(64), unique=True)
    password_hash: Mapped[str] = mapped_column(sa.String(256))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    is_admin: Mapped[bool] = mapped_column(default=False)
    active: Mapped[bool] = mapped_column(default=True)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)

    @property
    def is_active(self) -> bool:  # Flask-Login refuses to log in an inactive user
        return self.active

    def set_password(self, password: str) -> None:
        self.password_hash = generate_password_hash(password)

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)


class LoginSession(db.Model):
    """One console login, kept on the server: the cookie holds a random token whose hash is stored here.

    Ending the row (logout, password reset, an admin's revoke) ends the login even for a copied cookie.
    """

    __tablename__ = "login_session"
    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    address: Mapped[str] = mapped_column(sa.String(64), default="")

    user: Mapped[User] = relationship()


class ApiToken(db.Model):
    """A user's API token: only its SHA-256 hash is stored, with a short prefix that names it in lists."""

    __tablename__ = "api_token"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"), index=True)
    prefix: Mapped[str] = mapped_column(sa.String(16), unique=True)
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    label: Mapped[str] = mapped_column(sa.String(100), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)

    user: Mapped[User] = relationship()


class LoginThrottle(db.Model):
    """Failed logins counted per key (an address, an account, an account from an address) with the time
    before which the key's next attempt is refused; shared by every app instance."""

    __tablename__ = "login_throttle"
    key: Mapped[str] = mapped_column(sa.String(200), primary_key=True)
    failures: Mapped[int] = mapped_column(default=0)
    last_failure_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    blocked_until: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class Survey(db.Model):
    """One evaluation's data collection: forms per role, units (schools), responses."""

    __tablename__ = "survey"
    __table_args__ = (sa.CheckConstraint(f"status IN {SURVEY_STATUSES}", name="status"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(sa.String(64), unique=True)
    title: Mapped[str] = mapped_column(sa.String(200))
    status: Mapped[str] = mapped_column(sa.String(10), default="draft")
    opens_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    closes_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    allow_repeat: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    forms: Mapped[list[Form]] = relationship(back_populates="survey", order_by="Form.id")
    units: Mapped[list[Unit]] = relationship(back_populates="survey", order_by="Unit.code")

    def accepting_at(self, now: datetime) -> bool:
        """Whether a submission made at `now` is accepted."""
        if self.status != "open":
            return False
        if self.opens_at is not None and now < self.opens_at:
            return False
        return self.closes_at is None or now < self.closes_at


class SurveyMember(db.Model):
    """A user's role in a survey: owner (members and audit log too), editor (changes data), viewer (reads)."""

    __tablename__ = "survey_member"
    __table_args__ = (sa.UniqueConstraint("survey_id", "user_id"),
                      sa.CheckConstraint(f"role IN {MEMBER_ROLES}", name="role"))
    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(sa.ForeignKey("survey.id"), index=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"), index=True)
    role: Mapped[str] = mapped_column(sa.String(10))
    added_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    user: Mapped[User] = relationship()


class AuditEvent(db.Model):
    """Who did what, when, on which survey: logins, user and member management, status changes,
    screening, scoring inputs, raw data exports. Never answers or passwords."""

    __tablename__ = "audit_event"
    __table_args__ = (sa.Index("ix_audit_event_survey_at", "survey_id", "at"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"), index=True, nullable=True)
    """Who acted; NULL: the system (a command on the server)."""
    action: Mapped[str] = mapped_column(sa.String(40), index=True)
    survey_id: Mapped[int | None] = mapped_column(sa.ForeignKey("survey.id"), nullable=True)
    detail: Mapped[str] = mapped_column(sa.String(300), default="")
    address: Mapped[str] = mapped_column(sa.String(64), default="")

    user: Mapped[User | None] = relationship()
    survey: Mapped[Survey | None] = relationship()


VERSION_ORIGINS = ("file", "upload", "text", "editor", "api")
"""How a questionnaire version came in: a shipped or named file, a console upload, imported text, the
console's editor, the API."""


class QuestionnaireVersion(db.Model):
    """An immutable questionnaire definition; the same content loaded twice is one version.

    `number` counts the versions of one questionnaire id (1, 2, 3 ...) in the order they were stored.
    """

    __tablename__ = "questionnaire_version"
    __table_args__ = (
        sa.Index("uq_questionnaire_version_questionnaire_id_number", "questionnaire_id", "number", unique=True),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    questionnaire_id: Mapped[str] = mapped_column(sa.String(64), index=True)
    number: Mapped[int] = mapped_column()
    title: Mapped[str] = mapped_column(sa.String(200))
    role: Mapped[str] = mapped_column(sa.String(20))
    content_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    source: Mapped[str] = mapped_column(sa.Text)
    loaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    origin: Mapped[str] = mapped_column(sa.String(10), default="file")
    """One of VERSION_ORIGINS."""


class Form(db.Model):
    """A questionnaire version offered in a survey to one role, reached through an unguessable token."""

    __tablename__ = "form"
    __table_args__ = (sa.UniqueConstraint("survey_id", "version_id", "role"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(sa.ForeignKey("survey.id"), index=True)
    version_id: Mapped[int] = mapped_column(sa.ForeignKey("questionnaire_version.id"), index=True)
    role: Mapped[str] = mapped_column(sa.String(20))
    token: Mapped[str] = mapped_column(sa.String(32), unique=True, default=new_token)
    code_links: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    """Whether ``/s/<token>/<unit code>`` still opens the form: only forms made before per-unit link
    tokens (their printed links keep working); every other form is reached through its `UnitLink`s."""

    survey: Mapped[Survey] = relationship(back_populates="forms")
    version: Mapped[QuestionnaireVersion] = relationship()


class Unit(db.Model):
    """A school (or other group) a link is for."""

    __tablename__ = "unit"
    __table_args__ = (sa.UniqueConstraint("survey_id", "code"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(sa.ForeignKey("survey.id"), index=True)
    code: Mapped[str] = mapped_column(sa.String(64))
    name: Mapped[str] = mapped_column(sa.String(200))
    district: Mapped[str] = mapped_column(sa.String(100), default="")

    survey: Mapped[Survey] = relationship(back_populates="units")
    targets: Mapped[list[UnitTarget]] = relationship(back_populates="unit", order_by="UnitTarget.id",
                                                     cascade="all, delete-orphan")


class UnitTarget(db.Model):
    """How many valid responses a unit should collect from one role: given as a count, or the sample size
    needed for `margin` (a fraction, 95% confidence) among `population` people (both kept to show how)."""

    __tablename__ = "unit_target"
    __table_args__ = (sa.UniqueConstraint("unit_id", "role"),
                      sa.CheckConstraint("target >= 0", name="target_not_negative"))
    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("unit.id"), index=True)
    role: Mapped[str] = mapped_column(sa.String(20))
    target: Mapped[int]
    population: Mapped[int | None] = mapped_column(nullable=True)
    margin: Mapped[float | None] = mapped_column(nullable=True)

    unit: Mapped[Unit] = relationship(back_populates="targets")


class UnitLink(db.Model):
    """The public link of a form in one unit: ``/s/<token>``, an unguessable token per form x unit, so a
    school's link cannot be turned into another school's by editing it."""

    __tablename__ = "unit_link"
    __table_args__ = (sa.UniqueConstraint("form_id", "unit_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    form_id: Mapped[int] = mapped_column(sa.ForeignKey("form.id"), index=True)
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("unit.id"), index=True)
    token: Mapped[str] = mapped_column(sa.String(32), unique=True, default=new_token)

    form: Mapped[Form] = relationship()
    unit: Mapped[Unit] = relationship()


class RateLimitCounter(db.Model):
    """A fixed-window counter of the submission rate limit (`surveyapp.respond.ratelimit`)."""

    __tablename__ = "rate_limit_counter"
    counter_key: Mapped[str] = mapped_column(sa.String(255), primary_key=True)
    hits: Mapped[int] = mapped_column()
    expires_at: Mapped[float] = mapped_column(index=True)
    """Seconds since the epoch at which the window ends."""


class Response(db.Model):
    """One submitted questionnaire; never deleted, only marked invalid with a reason."""

    __tablename__ = "response"
    __table_args__ = (
        sa.CheckConstraint(f"status IN {RESPONSE_STATUSES}", name="status"),
        sa.Index("ix_response_form_status", "form_id", "status"),
        sa.Index("ix_response_form_client_unit", "form_id", "client_hash", "unit_id"),  # the duplicate check
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(sa.String(32), unique=True, default=new_token)
    form_id: Mapped[int] = mapped_column(sa.ForeignKey("form.id"), index=True)
    unit_id: Mapped[int | None] = mapped_column(sa.ForeignKey("unit.id"), index=True, nullable=True)
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    duration_s: Mapped[float | None] = mapped_column(nullable=True)
    channel: Mapped[str] = mapped_column(sa.String(10), default="手机")
    status: Mapped[str] = mapped_column(sa.String(10), default="valid")
    invalid_reason: Mapped[str | None] = mapped_column(sa.String(200), nullable=True)
    submit_token: Mapped[str | None] = mapped_column(sa.String(64), unique=True, nullable=True)
    client_hash: Mapped[str | None] = mapped_column(sa.String(64), nullable=True)
    answers: Mapped[dict[str, Any]] = mapped_column(JSONDocument)
    codes: Mapped[bytes | None] = mapped_column(sa.LargeBinary, nullable=True)
    """Closed answers as one fixed-width record (`surveyapp.answer_codes`); NULL: read `answers`."""
    texts: Mapped[dict[str, str] | None] = mapped_column(NullableJSONDocument, nullable=True)
    """The text and `.other` answers given (NULL when none), beside `codes`."""

    form: Mapped[Form] = relationship()
    unit: Mapped[Unit | None] = relationship()

    @property
    def status_text(self) -> str:
        """`valid` or `invalid:<reason>`, as in response files."""
        return "valid" if self.status == "valid" else f"invalid:{self.invalid_reason or ''}"


class StatusChange(db.Model):
    """Who marked a response valid or invalid, when and why: screening is recorded and reversible."""

    __tablename__ = "status_change"
    id: Mapped[int] = mapped_column(primary_key=True)
    response_id: Mapped[int] = mapped_column(sa.ForeignKey("response.id"), index=True)
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"), index=True, nullable=True)
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    old_status: Mapped[str] = mapped_column(sa.String(10))
    new_status: Mapped[str] = mapped_column(sa.String(10))
    reason: Mapped[str] = mapped_column(sa.String(200))

    response: Mapped[Response] = relationship()
    user: Mapped[User | None] = relationship()


class IndicatorSystemVersion(db.Model):
    """An immutable indicator-system definition (YAML, format in docs): versions 1, 2, … of one name; the
    same text stored again is the existing version."""

    __tablename__ = "indicator_system_version"
    __table_args__ = (sa.UniqueConstraint("name", "version"), sa.UniqueConstraint("name", "content_hash"))
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(64), index=True)
    version: Mapped[int]
    title: Mapped[str] = mapped_column(sa.String(200))
    content_hash: Mapped[str] = mapped_column(sa.String(64))
    source: Mapped[str] = mapped_column(sa.Text)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"), index=True, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    created_by: Mapped[User | None] = relationship()


class SavedScoringInputs(db.Model):
    """The evaluator's literal values and overrides of one survey x indicator system, as saved once.

    Every save is a new row (the newest is in force, the earlier ones are the history); who saved it and
    when. `literals` maps a leaf key (``过程/资金管理/预算执行率``) to the value as typed, `overrides` a leaf key
    to ``{"score", "reason"}``.
    """

    __tablename__ = "scoring_inputs"
    __table_args__ = (sa.Index("ix_scoring_inputs_survey_system", "survey_id", "system_name", "id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(sa.ForeignKey("survey.id"))   # indexed first in the index above
    system_name: Mapped[str] = mapped_column(sa.String(64))
    literals: Mapped[dict[str, Any]] = mapped_column(JSONDocument)
    overrides: Mapped[dict[str, Any]] = mapped_column(JSONDocument)
    saved_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"), index=True, nullable=True)
    saved_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    note: Mapped[str] = mapped_column(sa.String(200), default="")

    saved_by: Mapped[User | None] = relationship()


@sa.event.listens_for(Response, "before_insert")
def _code_answers(mapper: Any, connection: sa.Connection, target: Response) -> None:
    """The safety net: an ORM insert that did not set `codes` gets them from its form's questionnaire.

    Answers that cannot be coded exactly leave `codes` NULL (the loader then reads the JSON document).
    """
    if target.codes is not None or target.answers is None:
        return
    from .answer_codes import encode_or_none
    from .surveys.services import stored_questionnaire

    form = target.__dict__.get("form")
    form_id = form.id if form is not None else target.form_id
    if form_id is None:
        return
    row = connection.execute(
        sa.select(QuestionnaireVersion.content_hash, QuestionnaireVersion.source,
                  QuestionnaireVersion.questionnaire_id)
        .join(Form, Form.version_id == QuestionnaireVersion.id).where(Form.id == form_id)).first()
    if row is None:
        return
    questionnaire = stored_questionnaire(row[0], row[1], row[2])
    target.codes, target.texts = encode_or_none(questionnaire, target.answers)
