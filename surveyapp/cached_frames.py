"""A survey's questionnaires and their response frames, cached in process memory by fingerprint.

Every console and API page that analyses responses starts here: it picks a questionnaire of the survey
(:class:`SurveyForm`), narrows the rows (:class:`Filters`) and gets the frame from :func:`form_frame`
(frames come from :mod:`surveyapp.responses`, the only place rows become a DataFrame). Results computed
from a frame are cached in :func:`caches` under keys that hold the questionnaire's fingerprint.

The fingerprint
---------------
Each survey questionnaire has a *fingerprint*: the number of its responses, the largest response id, and
the number and largest id of the status changes of its responses. It is one indexed query. Any new
response, or any response marked invalid or valid again, changes it, so a cached result whose key holds
the fingerprint can never be stale; results of an older fingerprint are simply never asked for again and
fall out of the bounded LRU. The caches live on the app (``app.extensions``), one set per app.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Any

import cachetools
import pandas as pd
import sqlalchemy as sa
from flask import current_app

from questionnaires import ROLES, Questionnaire

from .errors import ConsoleError
from .extensions import db
from .models import Form, Response, StatusChange, Survey, Unit
from .responses import load_form_frame, survey_questionnaires


class WeightedCache:
    """A thread-safe LRU map bounded by a total weight (`cachetools.LRUCache` under a lock).

    An entry weighs 1 unless `put` is given a weight; an entry heavier than the whole cache is not kept.
    """

    def __init__(self, capacity: int):
        self._lru: cachetools.LRUCache = cachetools.LRUCache(capacity, getsizeof=lambda item: item[1])
        self._lock = threading.Lock()

    def get(self, key: Hashable) -> Any:
        with self._lock:
            item = self._lru.get(key)
        return None if item is None else item[0]

    def put(self, key: Hashable, value: Any, weight: int = 1) -> None:
        if weight > self._lru.maxsize:
            return
        with self._lock:
            self._lru[key] = (value, weight)

    def get_or_compute(self, key: Hashable, compute: Callable[[], Any],
                       weigh: Callable[[Any], int] | None = None) -> Any:
        value = self.get(key)
        if value is None:
            value = compute()
            self.put(key, value, weigh(value) if weigh else 1)
        return value

    def clear(self) -> None:
        with self._lock:
            self._lru.clear()

    def __len__(self) -> int:
        return len(self._lru)


@dataclass
class Caches:
    frames: WeightedCache
    """Responses frames, weighted by their row count."""
    results: WeightedCache
    """Computed tables, satisfaction, text tables, scores."""
    pictures: WeightedCache
    """PNG bytes of charts and word clouds."""


def caches() -> Caches:
    """This app's caches (made on first use; sizes from CONSOLE_FRAME_CACHE_ROWS, CONSOLE_CACHE_SIZE)."""
    ext = current_app.extensions
    found = ext.get("console_analysis_cache")
    if found is None:
        config = current_app.config
        found = ext["console_analysis_cache"] = Caches(
            WeightedCache(int(config.get("CONSOLE_FRAME_CACHE_ROWS", 600_000))),
            WeightedCache(int(config.get("CONSOLE_CACHE_SIZE", 128))),
            WeightedCache(int(config.get("CONSOLE_PICTURE_CACHE_SIZE", 256))))
    return found


@dataclass(frozen=True)
class Fingerprint:
    """What changes whenever the answers of a questionnaire's forms change in a way analysis can see."""

    responses: int
    max_response_id: int
    changes: int
    max_change_id: int


def fingerprint(form_ids: list[int] | tuple[int, ...]) -> Fingerprint:
    """The fingerprint of the responses of `form_ids`: one query over indexed columns."""
    if not form_ids:
        return Fingerprint(0, 0, 0, 0)
    responses = (sa.select(sa.func.count(Response.id), sa.func.coalesce(sa.func.max(Response.id), 0))
                 .where(Response.form_id.in_(form_ids)))
    changes = (sa.select(sa.func.count(StatusChange.id), sa.func.coalesce(sa.func.max(StatusChange.id), 0))
               .join(Response, StatusChange.response_id == Response.id)
               .where(Response.form_id.in_(form_ids)))
    r, c = responses.subquery(), changes.subquery()
    row = db.session.execute(sa.select(*r.c, *c.c).select_from(r.join(c, sa.true()))).one()
    return Fingerprint(*(int(v or 0) for v in row))


@dataclass(frozen=True)
class SurveyForm:
    """One questionnaire of a survey: its forms (one per role) and the roles it is offered to."""

    questionnaire: Questionnaire
    form_ids: tuple[int, ...]
    roles: tuple[str, ...]

    @property
    def id(self) -> str:
        return self.questionnaire.id

    @property
    def title(self) -> str:
        return self.questionnaire.title


def role_order(role: str) -> tuple[int, str]:
    """Sort key of roles: teachers, parents, students, principals, others, then unknown ones."""
    return (ROLES.index(role) if role in ROLES else 99, role)


def survey_forms(survey: Survey) -> list[SurveyForm]:
    """The survey's questionnaires in role order (teachers, parents, students ...)."""
    questionnaires = survey_questionnaires(survey)
    out = []
    for qid, questionnaire in questionnaires.items():
        forms = [f for f in survey.forms if f.version.questionnaire_id == qid]
        roles = tuple(sorted({f.role for f in forms}, key=role_order))
        out.append(SurveyForm(questionnaire, tuple(f.id for f in forms), roles))
    return sorted(out, key=lambda f: (role_order(f.roles[0]) if f.roles else (99, ""), f.id))


def pick_form(survey: Survey, questionnaire_id: str | None) -> tuple[list[SurveyForm], SurveyForm]:
    """All questionnaires of the survey and the one asked for (the first when none is named).

    Raises ConsoleError for an unknown id or a survey without questionnaires.
    """
    forms = survey_forms(survey)
    if not forms:
        raise ConsoleError("该调查没有问卷。", code="no_questionnaire", english="The survey has no questionnaire.")
    if not questionnaire_id:
        return forms, forms[0]
    for form in forms:
        if form.id == questionnaire_id:
            return forms, form
    raise ConsoleError(f"该调查没有问卷 {questionnaire_id}。", code="unknown_questionnaire", place="questionnaire",
                       english=f"The survey has no questionnaire {questionnaire_id!r} "
                               f"(it has: {', '.join(f.id for f in forms)}).")


def survey_units(survey: Survey) -> list[Unit]:
    return sorted(survey.units, key=lambda u: u.code)


@dataclass(frozen=True)
class Filters:
    """Unit code and role to narrow the rows to (None: all)."""

    unit: str | None = None
    role: str | None = None

    @classmethod
    def parse(cls, survey: Survey, form: SurveyForm, unit: str | None, role: str | None) -> Filters:
        """Filters from query arguments; unknown units or roles are ignored (all rows)."""
        units = {u.code for u in survey.units}
        return cls(unit if unit in units else None, role if role in form.roles else None)

    @property
    def active(self) -> bool:
        return self.unit is not None or self.role is not None

    def args(self) -> dict[str, str]:
        return {k: v for k, v in (("unit", self.unit), ("role", self.role)) if v}


def form_frame(survey: Survey, form: SurveyForm, fp: Fingerprint, include_invalid: bool = False,
               ) -> pd.DataFrame:
    """The responses frame of a questionnaire (valid rows only unless asked), cached by fingerprint.

    The cached frame is shared: callers must not change it (analysis functions never do).
    """
    key = ("frame", survey.id, form.id, form.form_ids, fp, include_invalid)

    def load() -> pd.DataFrame:
        forms = db.session.scalars(sa.select(Form).where(Form.id.in_(form.form_ids))).all()
        return load_form_frame(forms, form.questionnaire, include_invalid)

    return caches().frames.get_or_compute(key, load, weigh=lambda frame: max(len(frame), 1))


def filtered(frame: pd.DataFrame, filters: Filters) -> pd.DataFrame:
    """The rows of `frame` that `filters` keep (the frame itself when there is no filter)."""
    from analysis.frames import filter_frame

    if not filters.active:
        return frame
    return filter_frame(frame, unit=filters.unit, role=filters.role)


def all_frames(survey: Survey, include_invalid: bool = False,
               ) -> tuple[dict[str, pd.DataFrame], dict[str, Questionnaire], tuple]:
    """Every questionnaire's frame of the survey, the questionnaires, and their fingerprints (a cache key)."""
    frames, questionnaires, fps = {}, {}, []
    for form in survey_forms(survey):
        fp = fingerprint(form.form_ids)
        frames[form.id] = form_frame(survey, form, fp, include_invalid)
        questionnaires[form.id] = form.questionnaire
        fps.append((form.id, fp))
    return frames, questionnaires, tuple(fps)
