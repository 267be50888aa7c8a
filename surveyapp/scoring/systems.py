"""Indicator systems (指标体系) in the database: immutable versions per name, and the shipped templates.

A system is stored as YAML text (format in docs/indicators) under a name (``lamps``): saving changed text
makes version N+1, saving the same text again returns the existing version. The files shipped in
``questionnaires/indicators/`` are templates: they are listed beside the stored systems under their file
stem and can be scored as they are; the first time something is stored for one (scoring inputs, an edit),
it is copied into the database as version 1, so that an evaluation's scores depend on the database alone
and never change because a shipped file changed with an upgrade.

The YAML is parsed once per version (`analysis.scoring.parse_indicators`, cached by content hash).
"""

from __future__ import annotations

import hashlib
import logging
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import sqlalchemy as sa
from flask import current_app

from analysis.scoring import IndicatorSystem, ScoringError, parse_indicators
from questionnaires import SHIPPED, InputError

from ..errors import ConsoleError
from ..extensions import db
from ..models import IndicatorSystemVersion, User

logger = logging.getLogger(__name__)

TEMPLATES_DIR = SHIPPED / "indicators"
NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")
MAX_SOURCE = 256 * 1024


@lru_cache(maxsize=64)
def parsed_system(content_hash: str, source: str, name: str) -> IndicatorSystem:
    """The indicator system of a stored text (parsed once per process and version)."""
    return parse_indicators(source, f"{name}.yaml")


def normalised(text: str) -> str:
    """The text as stored: no BOM, ``\\n`` line ends, one final newline."""
    return text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n").rstrip() + "\n"


def text_hash(text: str) -> str:
    return hashlib.sha256(normalised(text).encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class IndicatorChoice:
    """An indicator system that can be scored: the latest stored version of a name, or a shipped template."""

    name: str
    title: str
    source: str
    content_hash: str
    version: int | None = None
    """None for a template not yet stored."""

    @property
    def stored(self) -> bool:
        return self.version is not None

    @property
    def system(self) -> IndicatorSystem:
        return parsed_system(self.content_hash, self.source, self.name)

    @classmethod
    def of(cls, row: IndicatorSystemVersion) -> IndicatorChoice:
        return cls(row.name, row.title, row.source, row.content_hash, row.version)


def check_name(name: str) -> str:
    """The name if it can name a system, else ConsoleError."""
    name = (name or "").strip()
    if not NAME.match(name):
        raise ConsoleError(f"名称“{name}”无效：只能用小写字母、数字、- 和 _，最长 64 个字符（例如 lamps-2025）。",
                           code="invalid_name", place="name",
                           english=f"The name {name!r} must be 1-64 lower-case letters, digits, - or _ "
                                   "(for example lamps-2025).")
    return name


def template_choices(folder: Path | None = None) -> list[IndicatorChoice]:
    """The shipped indicator files (or CONSOLE_INDICATORS_DIR's) that load, named by their file stem."""
    folder = folder or Path(current_app.config.get("CONSOLE_INDICATORS_DIR", TEMPLATES_DIR))
    found = []
    for path in sorted(folder.glob("*.y*ml")):
        if not NAME.match(path.stem) or path.suffix not in (".yaml", ".yml"):
            continue
        try:
            text = normalised(path.read_text(encoding="utf-8-sig"))
            digest = text_hash(text)
            title = parsed_system(digest, text, path.stem).title
        except (OSError, UnicodeDecodeError, InputError) as exc:
            logger.warning("Indicator template %s left out: %s", path, exc)
            continue
        found.append(IndicatorChoice(path.stem, title, text, digest))
    return found


def _latest_rows() -> list[IndicatorSystemVersion]:
    newest = (sa.select(IndicatorSystemVersion.name, sa.func.max(IndicatorSystemVersion.version).label("v"))
              .group_by(IndicatorSystemVersion.name).subquery())
    return list(db.session.scalars(
        sa.select(IndicatorSystemVersion).join(newest, sa.and_(IndicatorSystemVersion.name == newest.c.name,
                                                               IndicatorSystemVersion.version == newest.c.v))
        .order_by(IndicatorSystemVersion.name)))


def indicator_choices() -> list[IndicatorChoice]:
    """The latest version of every stored system, then the templates whose name is not stored, by name."""
    stored = [IndicatorChoice.of(row) for row in _latest_rows()]
    names = {c.name for c in stored}
    return stored + [t for t in template_choices() if t.name not in names]


def latest_stored(name: str) -> IndicatorSystemVersion | None:
    return db.session.scalar(sa.select(IndicatorSystemVersion).filter_by(name=name)
                             .order_by(IndicatorSystemVersion.version.desc()).limit(1))


def find_indicators(name: str | None) -> IndicatorChoice | None:
    """The system a name stands for: its latest stored version, else the template of that name.

    ``lamps.yaml`` (the file names of older links) means ``lamps``.
    """
    if not name:
        return None
    name = re.sub(r"\.ya?ml$", "", name.strip())
    row = latest_stored(name)
    if row is not None:
        return IndicatorChoice.of(row)
    return next((t for t in template_choices() if t.name == name), None)


def system_versions(name: str) -> list[IndicatorSystemVersion]:
    """Every stored version of a name, newest first."""
    return list(db.session.scalars(sa.select(IndicatorSystemVersion).filter_by(name=name)
                                   .order_by(IndicatorSystemVersion.version.desc())))


def store_indicator_system(name: str, text: str, user: User | None) -> tuple[IndicatorSystemVersion, bool]:
    """Store `text` as the newest version of `name` after validating it; (version, whether it is new).

    The same text as a stored version of the name returns that version. Raises InputError for a bad name,
    ScoringError (problems with their places in the file) for a text that is no valid indicator system.
    """
    name = check_name(name)
    if len(text.encode("utf-8")) > MAX_SOURCE:
        raise ScoringError(f"{name}.yaml", [("", f"the file is larger than {MAX_SOURCE} bytes")])
    text = normalised(text)
    digest = text_hash(text)
    system = parsed_system(digest, text, name)
    existing = db.session.scalar(sa.select(IndicatorSystemVersion).filter_by(name=name, content_hash=digest))
    if existing is not None:
        return existing, False
    latest = latest_stored(name)
    row = IndicatorSystemVersion(name=name, version=(latest.version + 1) if latest else 1, title=system.title[:200],
                                 content_hash=digest, source=text, created_by=user)
    db.session.add(row)
    db.session.flush()
    logger.info("Indicator system %s stored as version %d", name, row.version)
    return row, True


def pin(choice: IndicatorChoice, user: User | None) -> IndicatorChoice:
    """A stored choice as it is; a template copied into the database first (its version 1)."""
    if choice.stored:
        return choice
    row, _ = store_indicator_system(choice.name, choice.source, user)
    return IndicatorChoice.of(row)
