"""Respondent services: find a form by its public token, decide whether it accepts answers, store a response.

Services add and flush; the request commits once (see `routes`).
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import os
import re
import secrets
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

import sqlalchemy as sa
from itsdangerous import BadSignature, SignatureExpired, TimestampSigner

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows: SQLite's own busy handler serialises the writers
    fcntl = None  # type: ignore[assignment]
from sqlalchemy.orm import joinedload

from questionnaires import Questionnaire

from ..answer_codes import encode_or_none
from ..extensions import db
from ..models import Form, Response, Survey, Unit, UnitLink, new_token, utcnow
from ..surveys.services import version_questionnaire

logger = logging.getLogger(__name__)

SUBMIT_TOKEN = re.compile(r"^[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{4,8}\.[A-Za-z0-9_-]{20,43}$")
SUBMIT_SALT = "surveyapp.respond.submit"
SUBMIT_MAX_AGE = 24 * 3600
"""Seconds a page's submit token is accepted; later the page asks to submit again, answers kept."""
CLIENT_ID = re.compile(r"^[A-Za-z0-9_-]{22,64}$")
MOBILE_UA = re.compile(
    r"Mobile|Android|iPhone|iPad|iPod|HarmonyOS|OpenHarmony|Windows Phone|BlackBerry|Opera Mini",
    re.IGNORECASE)
STARTED_SALT = "surveyapp.respond.started"
CLIENT_SALT = b"surveyapp.respond.client"


class HasId(Protocol):
    id: int


@dataclass(frozen=True)
class FormRef:
    """What never changes about a form once it exists: ids, token, role, its questionnaire, and whether
    its survey has units (forms, questionnaire versions and units are never edited or deleted)."""

    id: int
    token: str
    survey_id: int
    role: str
    questionnaire: Questionnaire
    has_units: bool
    code_links: bool = False
    """Whether the old links ``/s/<form token>/<unit code>`` open it (forms made before link tokens)."""


@dataclass(frozen=True)
class UnitRef:
    """What never changes about a unit: its id, code and name."""

    id: int
    code: str
    name: str


CACHE_LIMIT = 4096
_forms: dict[str, FormRef] = {}
_units: dict[tuple[str, str], UnitRef] = {}
_links: dict[str, tuple[FormRef, UnitRef]] = {}
_cache_lock = threading.Lock()


def _remember(cache: dict, key: Any, value: Any) -> None:
    with _cache_lock:
        if len(cache) >= CACHE_LIMIT:
            cache.clear()
        cache[key] = value


def form_ref(token: str) -> FormRef | None:
    """The form reached through public `token` (looked up once per process, then cached; only existing
    forms are cached, so unknown tokens cannot fill the cache).

    Only immutable facts are cached: the survey's status and dates are read on every request.
    """
    if not token or len(token) > 64:
        return None
    ref = _forms.get(token)
    if ref is None:
        form = find_form(token)
        if form is None:
            return None
        ref = _form_ref(form)
        _remember(_forms, token, ref)
    return ref


def _form_ref(form: Form) -> FormRef:
    return FormRef(form.id, form.token, form.survey_id, form.role, version_questionnaire(form.version),
                   survey_has_units(form.survey), form.code_links)


def link_ref(token: str) -> tuple[FormRef, UnitRef] | None:
    """The form and unit of a unit link token (cached per process like `form_ref`), else None."""
    if not token or len(token) > 64 or "\x00" in token:
        return None
    ref = _links.get(token)
    if ref is None:
        link = db.session.scalar(sa.select(UnitLink).options(
            joinedload(UnitLink.form).joinedload(Form.survey), joinedload(UnitLink.form).joinedload(Form.version),
            joinedload(UnitLink.unit)).filter_by(token=token))
        if link is None:
            return None
        ref = (_form_ref(link.form), UnitRef(link.unit.id, link.unit.code, link.unit.name))
        _remember(_links, token, ref)
    return ref


def public_target(token: str) -> tuple[FormRef, UnitRef | None] | None:
    """What ``/s/<token>`` opens: a unit link's form and unit, or a form (its unit is None), else None.

    Tokens seen before are answered from the caches without a query."""
    if token in _links:
        return _links[token]
    if token in _forms:
        return _forms[token], None
    found = link_ref(token)
    if found is not None:
        return found
    form = form_ref(token)
    return None if form is None else (form, None)


def unit_ref(form: FormRef, code: str) -> UnitRef | None:
    """The unit with this code in the form's survey, else None (found units are cached per form)."""
    if not code or len(code) > 64 or "\x00" in code:
        return None
    ref = _units.get((form.token, code))
    if ref is None:
        unit = db.session.scalar(sa.select(Unit).filter_by(survey_id=form.survey_id, code=code))
        if unit is None:
            return None
        ref = UnitRef(unit.id, unit.code, unit.name)
        _remember(_units, (form.token, code), ref)
    return ref


def find_form(token: str) -> Form | None:
    """The form reached through public `token`, with its survey and questionnaire version loaded."""
    if not token or len(token) > 64 or "\x00" in token:
        return None
    return db.session.scalar(
        sa.select(Form).options(joinedload(Form.survey), joinedload(Form.version)).filter_by(token=token))


def survey_has_units(survey: Survey) -> bool:
    return db.session.scalar(sa.select(sa.exists().where(Unit.survey_id == survey.id))) or False


def survey_state(survey: Survey, now: datetime) -> str:
    """'open' when a submission at `now` is accepted, 'closed' once it has ended, else 'not_open'.

    A draft survey, or an open one before its `opens_at`, is 'not_open'.
    """
    if survey.accepting_at(now):
        return "open"
    if survey.status == "closed" or (survey.closes_at is not None and now >= survey.closes_at):
        return "closed"
    return "not_open"


def _submit_signer(secret_key: str | bytes, form: HasId, unit: HasId | None) -> TimestampSigner:
    """Signs submit tokens of one form in one unit: the salt binds them to both."""
    return TimestampSigner(secret_key, salt=f"{SUBMIT_SALT}:{form.id}:{unit.id if unit is not None else 0}")


def new_submit_token(secret_key: str | bytes, form: HasId, unit: HasId | None) -> str:
    """The one-time token put in a questionnaire page: a random part, signed with the time for this form
    and unit (57 characters). The response stores it (unique), so a re-sent submission is recognised and
    a token is used once; a token the server did not issue, or issued for another form or unit, is
    refused; after `SUBMIT_MAX_AGE` it has expired."""
    return _submit_signer(secret_key, form, unit).sign(secrets.token_urlsafe(16)).decode()


def check_submit_token(secret_key: str | bytes, form: HasId, unit: HasId | None, value: Any,
                       ) -> tuple[str | None, str]:
    """(token, "ok") for a genuine token of this form and unit, (token, "expired") for one older than a
    day, (None, "invalid") for anything else. Costs one HMAC, no query."""
    if not isinstance(value, str) or not SUBMIT_TOKEN.match(value):
        return None, "invalid"
    try:
        _submit_signer(secret_key, form, unit).unsign(value, max_age=SUBMIT_MAX_AGE)
    except SignatureExpired:
        return value, "expired"
    except BadSignature:
        return None, "invalid"
    return value, "ok"


def new_client_id() -> str:
    """The long-lived random id kept in a browser cookie; only its salted hash is ever stored."""
    return secrets.token_urlsafe(24)


def client_hash(secret_key: str | bytes, form: HasId, client_id: str) -> str:
    """HMAC-SHA256 of the browser's cookie id, keyed by the app secret, per form (64 hex characters).

    Per form, so one browser's answers to two questionnaires cannot be linked through this column.
    """
    key = secret_key.encode() if isinstance(secret_key, str) else secret_key
    key = hmac.new(key, CLIENT_SALT, hashlib.sha256).digest()
    return hmac.new(key, f"{form.id}:{client_id}".encode(), hashlib.sha256).hexdigest()


def sign_start(secret_key: str | bytes, form: HasId) -> str:
    """A signed, timestamped marker of the first view of `form`, put in the page."""
    return TimestampSigner(secret_key, salt=STARTED_SALT).sign(str(form.id)).decode()


def duration_since(secret_key: str | bytes, form: HasId, signed: Any, now: float | None = None,
                   ) -> float | None:
    """Seconds since the signed first view; None when the marker is missing, forged or for another form."""
    if not isinstance(signed, str) or not signed or len(signed) > 200:
        return None
    try:
        value, started = TimestampSigner(secret_key, salt=STARTED_SALT).unsign(signed, return_timestamp=True)
    except (BadSignature, ValueError, TypeError):
        return None
    if value.decode() != str(form.id):
        return None
    seconds = (time.time() if now is None else now) - started.timestamp()
    return float(round(seconds)) if seconds >= 0 else None


def valid_start(secret_key: str | bytes, form: HasId, signed: Any) -> bool:
    return duration_since(secret_key, form, signed) is not None


def channel_of(user_agent: str | None) -> str:
    """微信 inside WeChat, 手机 on another mobile browser, else 电脑."""
    ua = user_agent or ""
    if "MicroMessenger" in ua:
        return "微信"
    if MOBILE_UA.search(ua):
        return "手机"
    return "电脑"


@dataclass(frozen=True)
class SurveyState:
    """The survey columns a public page decides on (status, dates, repeats), read on every request."""

    status: str
    opens_at: datetime | None
    closes_at: datetime | None
    allow_repeat: bool

    def accepting_at(self, now: datetime) -> bool:
        """Whether a submission made at `now` is accepted (as `Survey.accepting_at`)."""
        if self.status != "open":
            return False
        if self.opens_at is not None and now < self.opens_at:
            return False
        return self.closes_at is None or now < self.closes_at


_survey_table = Survey.__table__
_response_table = Response.__table__


def _survey_statements() -> tuple[sa.Select, sa.Select]:
    s, r = _survey_table.c, _response_table.c
    columns = [s.status, s.opens_at, s.closes_at, s.allow_repeat]
    alone = sa.select(*columns).where(s.id == sa.bindparam("survey_id"))
    joined = _survey_table.outerjoin(_response_table, sa.and_(
        r.form_id == sa.bindparam("form_id"), r.client_hash == sa.bindparam("client_hash"),
        r.unit_id.is_not_distinct_from(sa.bindparam("unit_id", type_=r.unit_id.type)),
        s.allow_repeat.is_(False)))
    with_tokens = (sa.select(*columns, r.id, r.submit_token).select_from(joined)
                   .where(s.id == sa.bindparam("survey_id")))
    return alone, with_tokens


_SURVEY_ALONE, _SURVEY_WITH_TOKENS = _survey_statements()   # built once: a query per request


def survey_and_tokens(form: FormRef, client_hash_value: str | None, unit: HasId | None = None,
                      ) -> tuple[SurveyState | None, list[str | None]]:
    """The survey's state and, unless it allows repeats, the submit tokens of responses already sent to
    `form` in `unit` from this browser - in one statement (None, [] when the survey row is missing)."""
    connection = db.session.connection()
    if client_hash_value is None:
        row = connection.execute(_SURVEY_ALONE, {"survey_id": form.survey_id}).first()
        return (SurveyState(*row) if row is not None else None), []
    rows = connection.execute(_SURVEY_WITH_TOKENS, {
        "survey_id": form.survey_id, "form_id": form.id, "client_hash": client_hash_value,
        "unit_id": unit.id if unit is not None else None}).all()
    if not rows:
        return None, []
    state = SurveyState(*rows[0][:4])
    return state, [row[5] for row in rows if row[4] is not None]


_INSERT_COLUMNS = ("public_id", "form_id", "unit_id", "submitted_at", "duration_s", "channel", "status",
                   "submit_token", "client_hash", "answers", "codes", "texts")


def _guarded_insert() -> sa.Insert:
    """INSERT ... SELECT <the values> WHERE the survey accepts a response at ``submitted_at`` and, unless it
    allows repeats, this browser has no response to the form in this unit yet (a parent answers once per
    school). Built once (a response per request)."""
    c, s = _response_table.c, _survey_table.c
    params = {name: sa.bindparam(name, type_=c[name].type) for name in _INSERT_COLUMNS}
    now, client_hash = params["submitted_at"], params["client_hash"]
    accepting = sa.exists().where(
        s.id == sa.bindparam("survey_id", type_=s.id.type),
        s.status == "open",
        sa.or_(s.opens_at.is_(None), s.opens_at <= now),
        sa.or_(s.closes_at.is_(None), now < s.closes_at),
        sa.or_(s.allow_repeat.is_(True), client_hash.is_(None),
               ~sa.exists().where(c.form_id == params["form_id"], c.client_hash == client_hash,
                                  c.unit_id.is_not_distinct_from(params["unit_id"]))))
    return sa.insert(_response_table).from_select(list(_INSERT_COLUMNS),
                                                  sa.select(*params.values()).where(accepting))


_INSERT = _guarded_insert()
_BROWSER_LOCK = sa.text("SELECT pg_advisory_xact_lock(:key)")


def _browser_lock_key(form: HasId, client_hash_value: str) -> int:
    """A signed 64-bit PostgreSQL advisory lock key for one browser's responses to one form."""
    digest = hashlib.blake2b(f"surveyapp.response:{form.id}:{client_hash_value}".encode(), digest_size=8)
    return int.from_bytes(digest.digest(), "big", signed=True)


def insert_response(form: FormRef, unit: HasId | None, answers: dict[str, Any], *, submit_token: str,
                    client_hash: str | None, duration_s: float | None, channel: str) -> str | None:
    """Insert one response with a single statement that also decides whether it may be stored: its public
    id, or None (nothing stored) when the survey does not accept responses at this moment, or does not
    allow repeats and this browser (`client_hash`) has a response to `form` in `unit` already.

    The decision is part of the INSERT, taken in this browser's turn (SQLite: the serialized write turn
    around insert and commit, see `serialized_write`; PostgreSQL: an advisory lock per browser and form,
    held until the commit), so two tabs posting at once cannot both store one and a survey closed a moment
    ago takes nothing more. Raises sqlalchemy.exc.IntegrityError when `submit_token` was used before; the
    caller rolls back.
    """
    codes, texts = encode_or_none(form.questionnaire, answers)
    public_id = new_token()
    values = dict(public_id=public_id, form_id=form.id, unit_id=unit.id if unit is not None else None,
                  submitted_at=utcnow(), duration_s=duration_s, channel=channel, status="valid",
                  submit_token=submit_token, client_hash=client_hash, answers=answers, codes=codes,
                  texts=texts, survey_id=form.survey_id)
    connection = db.session.connection()
    if client_hash is not None and connection.dialect.name == "postgresql":
        # Under READ COMMITTED two tabs' INSERTs would each miss the other's uncommitted row.
        connection.execute(_BROWSER_LOCK, {"key": _browser_lock_key(form, client_hash)})
    # rowcount of an INSERT must be asked for: psycopg forgets it when SQLAlchemy closes the cursor
    if not connection.execute(_INSERT, values, execution_options={"preserve_rowcount": True}).rowcount:
        return None
    logger.info("Response %s stored", public_id)
    return public_id


def submit_token_used(submit_token: str) -> bool:
    return db.session.scalar(sa.select(sa.exists().where(Response.submit_token == submit_token))) or False


# -- one writer at a time on SQLite -----------------------------------------------------------------

_write_locks: dict[str, tuple[threading.Lock, int]] = {}


@contextmanager
def serialized_write() -> Iterator[None]:
    """Hold the SQLite file's write turn while storing and committing a response (nothing on PostgreSQL).

    SQLite has one writer at a time. A writer that finds the lock taken is left to SQLite's busy handler,
    which polls with sleeps of 1, 2, 5 ... 100 ms: under a peak, with several gunicorn workers posting at
    once, that gave a p99 of 50-110 ms and single waits over a second (measured with 4 processes, see
    bench/README.md). Here the writers queue on an exclusive ``flock`` of ``<database>.write-lock``
    instead, which wakes the next one the moment the previous commit is done; the throughput went up by
    half and the p99 down to 18-31 ms in the same measurement. A thread lock keeps threads of one process
    (the development server) in line too, since a ``flock`` is shared by the threads of a process.
    """
    engine = db.engine
    database = engine.url.database if engine.dialect.name == "sqlite" else None
    if fcntl is None or not database or database == ":memory:" or database.startswith("file:"):
        yield
        return
    path = os.path.abspath(database) + ".write-lock"
    entry = _write_locks.get(path)
    if entry is None:
        with _cache_lock:
            entry = _write_locks.get(path)
            if entry is None:
                entry = (threading.Lock(), os.open(path, os.O_CREAT | os.O_RDWR | os.O_CLOEXEC, 0o600))
                _write_locks[path] = entry
    thread_lock, fd = entry
    with thread_lock:
        fcntl.flock(fd, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
