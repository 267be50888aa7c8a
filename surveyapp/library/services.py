"""The questionnaire library: every questionnaire version stored in the database, and the shipped files.

A version is immutable: storing content the library already holds gives that version back; changed content
of the same questionnaire id becomes the next version (1, 2, 3 ...); responses keep pointing at the version
they answered. Every store goes through `questionnaires.parse_questionnaire`.

The shipped questionnaire files (`questionnaires/*.yaml`) are the built-in library. They are copied into
the database when the library is first used (listed, looked up, or offered for a new survey): a shipped
file whose content is not stored yet becomes a new version of its questionnaire. So the library and every
survey only ever deal with stored versions, a survey created from a shipped file keeps its version when
the file later changes, and a changed file (a new release of the project) shows up as the next version.

Services add and flush; the caller (a request or a CLI command) commits once.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa

from questionnaires import SHIPPED, InputError, Questionnaire, QuestionnaireError, load_folder, parse_questionnaire
from questionnaires.text_format import import_text
from questionnaires.yamlfile import read_text

from ..extensions import db
from ..models import VERSION_ORIGINS, QuestionnaireVersion
from .uploads import is_yaml, upload_text

logger = logging.getLogger(__name__)


class LibraryError(InputError):
    """A questionnaire or version that the library does not hold."""

    def __init__(self, problem: str, source: str = "questionnaires"):
        super().__init__(source, [("", problem)])


@dataclass(frozen=True)
class Stored:
    """The outcome of a store: the version, and whether it is new (False: the same content was stored)."""

    version: QuestionnaireVersion
    created: bool


@dataclass(frozen=True)
class LibraryEntry:
    """One questionnaire of the library with its versions, oldest first."""

    id: str
    versions: tuple[QuestionnaireVersion, ...]
    builtin: bool

    @property
    def latest(self) -> QuestionnaireVersion:
        return self.versions[-1]


def store_questionnaire(text: str, source: str, origin: str = "file") -> Stored:
    """Validate questionnaire YAML `text` and store it as a version (the same content: the existing one).

    Raises QuestionnaireError (places like ``questions[3].scale``) and stores nothing when it is invalid.
    """
    questionnaire = parse_questionnaire(text, source)
    existing = db.session.scalar(
        sa.select(QuestionnaireVersion).filter_by(content_hash=questionnaire.content_hash))
    if existing is not None:
        return Stored(existing, False)
    return Stored(_add_version(questionnaire, text, origin), True)


def _add_version(questionnaire: Questionnaire, text: str, origin: str) -> QuestionnaireVersion:
    if origin not in VERSION_ORIGINS:
        raise ValueError(f"unknown origin {origin!r}")
    last = db.session.scalar(sa.select(sa.func.max(QuestionnaireVersion.number))
                             .filter_by(questionnaire_id=questionnaire.id))
    version = QuestionnaireVersion(
        questionnaire_id=questionnaire.id, number=(last or 0) + 1, title=questionnaire.title,
        role=questionnaire.role, content_hash=questionnaire.content_hash, source=text, origin=origin,
    )
    db.session.add(version)
    db.session.flush()
    logger.info("Questionnaire %s stored as version %d (%s)", questionnaire.id, version.number, origin)
    return version


def store_file(path: Path, origin: str = "file") -> QuestionnaireVersion:
    """Store a questionnaire YAML file (the same content gives the existing version)."""
    return store_questionnaire(read_text(path, QuestionnaireError), str(path), origin).version


def store_text_import(text: str, source: str, origin: str = "text") -> Stored:
    """Import questionnaire text (the text format) and store the YAML it becomes."""
    imported = import_text(text, source)
    return store_questionnaire(imported.yaml, source, origin)


def sync_builtin(folder: Path = SHIPPED) -> list[QuestionnaireVersion]:
    """Store every shipped questionnaire file whose content is not stored yet; the versions added."""
    shipped = load_folder([folder])
    stored = set(db.session.scalars(sa.select(QuestionnaireVersion.content_hash).where(
        QuestionnaireVersion.content_hash.in_([q.content_hash for q in shipped.values()]))))
    added = []
    for questionnaire in sorted(shipped.values(), key=lambda q: q.id):
        if questionnaire.content_hash not in stored:
            text = read_text(questionnaire.source, QuestionnaireError)
            added.append(_add_version(questionnaire, text, "file"))
    return added


def builtin_ids(folder: Path = SHIPPED) -> set[str]:
    return set(load_folder([folder]))


def list_library(folder: Path = SHIPPED) -> list[LibraryEntry]:
    """Every questionnaire with its versions (the shipped files stored first), ordered by id."""
    sync_builtin(folder)
    builtin = builtin_ids(folder)
    versions = db.session.scalars(sa.select(QuestionnaireVersion)
                                  .order_by(QuestionnaireVersion.questionnaire_id, QuestionnaireVersion.number))
    entries: dict[str, list[QuestionnaireVersion]] = {}
    for version in versions:
        entries.setdefault(version.questionnaire_id, []).append(version)
    return [LibraryEntry(qid, tuple(found), qid in builtin) for qid, found in entries.items()]


def find_version(questionnaire_id: str, number: int | None = None,
                 folder: Path = SHIPPED) -> QuestionnaireVersion | None:
    """Version `number` of a questionnaire (None: its latest), or None when the library has none."""
    sync_builtin(folder)
    query = sa.select(QuestionnaireVersion).filter_by(questionnaire_id=questionnaire_id)
    if number is not None:
        return db.session.scalar(query.filter_by(number=number))
    return db.session.scalar(query.order_by(QuestionnaireVersion.number.desc()).limit(1))


def get_version(questionnaire_id: str, number: int | None = None) -> QuestionnaireVersion:
    """Like `find_version`, but LibraryError when there is no such questionnaire or version."""
    version = find_version(questionnaire_id, number)
    if version is None:
        if number is not None and find_version(questionnaire_id) is not None:
            raise LibraryError(f"questionnaire {questionnaire_id!r} has no version {number}")
        raise LibraryError(f"no questionnaire {questionnaire_id!r} in the library")
    return version


def resolve_version(ref: str | Path | QuestionnaireVersion) -> QuestionnaireVersion:
    """The stored version a survey form uses: a version as given, a questionnaire id's latest version, or a
    questionnaire file (stored first)."""
    if isinstance(ref, QuestionnaireVersion):
        return ref
    if isinstance(ref, Path):
        return store_file(ref)
    return get_version(ref)



def store_upload(data: bytes, filename: str, origin: str = "upload") -> Stored:
    """Store an uploaded questionnaire file: YAML as it is, text or Word documents through the text import."""
    text = upload_text(data, filename)
    if is_yaml(filename):
        return store_questionnaire(text, filename, origin)
    return store_text_import(text, filename, origin)
