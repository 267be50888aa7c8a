"""Scoring (评分): indicator systems, the evaluator's literal values and overrides, the score table."""

from __future__ import annotations

import hashlib
import json
import logging
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from pathlib import Path
from typing import Any

from flask import current_app

from questionnaires import SHIPPED, InputError

from ..cached_frames import (
    all_frames,
    caches,
)
from ..errors import ConsoleError
from ..files import written_bytes
from ..models import Survey

logger = logging.getLogger(__name__)

INDICATORS_DIR = SHIPPED / "indicators"


INDICATOR_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*\.ya?ml$")


@dataclass(frozen=True)
class IndicatorFile:
    name: str
    title: str
    path: Path


@lru_cache(maxsize=64)
def _parsed_indicators(path: str, mtime_ns: int, size: int) -> tuple[Any, InputError | None]:
    from analysis.scoring import load_indicators

    try:
        return load_indicators(Path(path)), None
    except InputError as exc:
        return None, exc


def cached_indicators(path: Path) -> Any:
    """The indicator system of `path`, parsed once per version of the file (its path, mtime and size),
    not on every request; raises the file's InputError."""
    stat = path.stat()
    system, error = _parsed_indicators(str(path), stat.st_mtime_ns, stat.st_size)
    if error is not None:
        raise error
    return system


def indicator_files(folder: Path | None = None) -> list[IndicatorFile]:
    """The indicator systems shipped in questionnaires/indicators/ (files that fail to load are left out)."""
    folder = folder or Path(current_app.config.get("CONSOLE_INDICATORS_DIR", INDICATORS_DIR))
    found = []
    for path in sorted(folder.glob("*.y*ml")):
        if not INDICATOR_NAME.match(path.name):
            continue
        try:
            found.append(IndicatorFile(path.name, cached_indicators(path).title, path))
        except InputError as exc:
            logger.warning("Indicator file %s left out: %s", path, exc)
    return found


def pick_indicators(name: str | None) -> tuple[list[IndicatorFile], IndicatorFile | None]:
    files = indicator_files()
    for item in files:
        if item.name == name:
            return files, item
    if name:
        raise ConsoleError(f"没有指标体系文件 {name}。")
    return files, None


@dataclass
class ScoringInputs:
    """The evaluator's literal values and overrides of one survey x indicator file (texts as typed)."""

    literals: dict[str, str] = field(default_factory=dict)
    overrides: dict[str, dict[str, str]] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        return {"literals": dict(sorted(self.literals.items())),
                "overrides": {k: dict(v) for k, v in sorted(self.overrides.items())}}

    def digest(self) -> str:
        return hashlib.sha256(json.dumps(self.as_json(), ensure_ascii=False, sort_keys=True).encode()).hexdigest()

    def engine_literals(self) -> dict[str, Decimal]:
        return {k: Decimal(v) for k, v in self.literals.items()}

    def engine_overrides(self) -> dict[str, dict[str, Any]]:
        return {k: {"score": Decimal(v["score"]), "reason": v["reason"]} for k, v in self.overrides.items()}


def _inputs_path(survey: Survey, indicators: IndicatorFile) -> Path:
    folder = Path(current_app.config.get("CONSOLE_SCORING_DIR") or Path(current_app.instance_path) / "scoring")
    return folder / survey.slug / f"{Path(indicators.name).stem}.json"


def load_scoring_inputs(survey: Survey, indicators: IndicatorFile) -> ScoringInputs:
    """The stored inputs (an empty set when none were saved, or the file is unreadable)."""
    path = _inputs_path(survey, indicators)
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return ScoringInputs()
    except (OSError, ValueError) as exc:
        logger.warning("Scoring inputs %s unreadable: %s", path, exc)
        return ScoringInputs()
    literals = {str(k): str(v) for k, v in (raw.get("literals") or {}).items()}
    overrides = {str(k): {"score": str(v.get("score", "")), "reason": str(v.get("reason", ""))}
                 for k, v in (raw.get("overrides") or {}).items() if isinstance(v, dict)}
    return ScoringInputs(literals, overrides)


def save_scoring_inputs(survey: Survey, indicators: IndicatorFile, inputs: ScoringInputs) -> Path:
    """Write the inputs as JSON under the instance folder (atomically: a temporary file, then rename)."""
    path = _inputs_path(survey, indicators)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(inputs.as_json(), ensure_ascii=False, indent=1), encoding="utf-8")
    tmp.replace(path)
    logger.info("Scoring inputs of %s / %s saved (%d literals, %d overrides)", survey.slug, indicators.name,
                len(inputs.literals), len(inputs.overrides))
    return path


def _number(text: str) -> Decimal | None:
    try:
        value = Decimal(text)
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


def parse_scoring_form(system: Any, form: Any) -> tuple[ScoringInputs, dict[str, str]]:
    """Inputs from the posted scoring form and Chinese problems per field name.

    Fields per leaf i (file order): ``literal-i`` (a number, only for rules that use a value),
    ``override-i`` (a score between 0 and the weight) and ``reason-i`` (required with an override).
    """
    inputs = ScoringInputs()
    problems: dict[str, str] = {}
    for i, leaf in enumerate(system.leaves()):
        literal = (form.get(f"literal-{i}") or "").strip().rstrip("%").strip()
        if literal and leaf.rule.needs_value:
            if _number(literal) is None:
                problems[f"literal-{i}"] = f"“{literal}”不是数字。"
            else:
                inputs.literals[leaf.key] = literal
        score = (form.get(f"override-{i}") or "").strip()
        reason = (form.get(f"reason-{i}") or "").strip()
        if not score and not reason:
            continue
        number = _number(score) if score else None
        if number is None:
            problems[f"override-{i}"] = "请填写调整后的得分。" if not score else f"“{score}”不是数字。"
        elif not Decimal(0) <= number <= leaf.weight:
            problems[f"override-{i}"] = f"得分应在 0 到分值 {leaf.weight} 之间。"
        if not reason:
            problems[f"reason-{i}"] = "调整得分必须写明理由。"
        elif len(reason) > 200:
            problems[f"reason-{i}"] = "理由不能超过 200 个字。"
        if f"override-{i}" not in problems and f"reason-{i}" not in problems:
            inputs.overrides[leaf.key] = {"score": score, "reason": reason}
    return inputs, problems


def inputs_by_index(system: Any, inputs: ScoringInputs) -> dict[str, str]:
    """The form's field values (``literal-i``, ``override-i``, ``reason-i``) for stored inputs."""
    values = {}
    for i, leaf in enumerate(system.leaves()):
        if leaf.key in inputs.literals:
            values[f"literal-{i}"] = inputs.literals[leaf.key]
        if leaf.key in inputs.overrides:
            values[f"override-{i}"] = inputs.overrides[leaf.key]["score"]
            values[f"reason-{i}"] = inputs.overrides[leaf.key]["reason"]
    return values


def score_survey(survey: Survey, indicators: IndicatorFile, inputs: ScoringInputs) -> Any:
    """analysis.scoring.score_system on the survey's valid responses with the evaluator's inputs.

    Returns the ScoreResult, or the ScoringError naming every leaf that cannot be scored (not raised, so
    the page can show the problems next to the form).
    """
    from analysis.scoring import ScoringError, score_system

    system = cached_indicators(indicators.path)
    frames, questionnaires, fps = all_frames(survey)
    stamp = indicators.path.stat().st_mtime_ns

    def compute() -> Any:
        try:
            return score_system(system, frames, questionnaires, literals=inputs.engine_literals(),
                                overrides=inputs.engine_overrides())
        except ScoringError as exc:
            return exc

    key = ("score", survey.id, indicators.name, stamp, fps, inputs.digest())
    return caches().results.get_or_compute(key, compute)


def score_file(result: Any, kind: str) -> bytes:
    """The score table as CSV or XLSX bytes (analysis.scoring write_score_csv / write_score_xlsx)."""
    from analysis.scoring import write_score_csv, write_score_xlsx

    writer = {"csv": write_score_csv, "xlsx": write_score_xlsx}[kind]
    return written_bytes(lambda path: writer(result, path), f"scores.{kind}")
