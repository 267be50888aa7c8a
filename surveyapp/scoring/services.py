"""Scoring (评分): the score table of a survey under an indicator system with the evaluator's inputs.

Indicator systems: :mod:`.systems`; the inputs and their history: :mod:`.inputs`. The console's page, the
API and the Word appendix call the functions here.
"""

from __future__ import annotations

from typing import Any

from ..cached_frames import all_frames, caches
from ..errors import ConsoleError
from ..files import written_bytes
from ..models import Survey, User
from .inputs import (
    ScoringInputs,
    check_literal,
    check_override,
    clean_literal,
    load_scoring_inputs,
    save_scoring_inputs,
)
from .systems import IndicatorChoice, find_indicators, indicator_choices, pin


def pick_indicators(name: str | None) -> tuple[list[IndicatorChoice], IndicatorChoice | None]:
    """Every system to choose from and the one named (None when no name is given)."""
    chosen = find_indicators(name)
    if name and chosen is None:
        raise ConsoleError(f"没有指标体系 {name}。", code="unknown_system", place="system",
                           english=f"There is no indicator system {name!r}.")
    return indicator_choices(), chosen


def parse_scoring_form(system: Any, form: Any) -> tuple[ScoringInputs, dict[str, str]]:
    """Inputs from the posted scoring form and Chinese problems per field name.

    Fields per leaf i (file order): ``literal-i`` (a number, only for rules that use a value),
    ``override-i`` (a score between 0 and the weight) and ``reason-i`` (required with an override).
    """
    inputs = ScoringInputs()
    problems: dict[str, str] = {}
    for i, leaf in enumerate(system.leaves()):
        literal = clean_literal(form.get(f"literal-{i}") or "")
        if literal and leaf.rule.needs_value:
            problem = check_literal(leaf, literal)
            if problem is None:
                inputs.literals[leaf.key] = literal
            else:
                problems[f"literal-{i}"] = problem.chinese
        score = (form.get(f"override-{i}") or "").strip()
        reason = (form.get(f"reason-{i}") or "").strip()
        if not score and not reason:
            continue
        found = check_override(leaf, score, reason)
        for problem in found:
            problems[f"{'override' if problem.kind == 'score' else 'reason'}-{i}"] = problem.chinese
        if not found:
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


def store_inputs(survey: Survey, choice: IndicatorChoice, inputs: ScoringInputs, user: User | None,
                 ) -> IndicatorChoice:
    """Save the evaluator's inputs (a template is copied into the database first); the stored choice."""
    stored = pin(choice, user)
    save_scoring_inputs(survey, stored.name, inputs, user)
    return stored


def score_survey(survey: Survey, choice: IndicatorChoice, inputs: ScoringInputs | None = None) -> Any:
    """analysis.scoring.score_system on the survey's valid responses with the evaluator's inputs (the stored
    ones when `inputs` is None), cached by the system's content, the responses' fingerprints and the inputs.

    Returns the ScoreResult, or the ScoringError naming every leaf that cannot be scored (not raised, so
    the page can show the problems next to the form).
    """
    from analysis.scoring import ScoringError, score_system

    system = choice.system
    inputs = (load_scoring_inputs(survey, choice.name) if inputs is None else inputs).for_system(system)
    frames, questionnaires, fps = all_frames(survey)

    def compute() -> Any:
        try:
            return score_system(system, frames, questionnaires, literals=inputs.engine_literals(),
                                overrides=inputs.engine_overrides())
        except ScoringError as exc:
            return exc

    key = ("score", survey.id, choice.content_hash, fps, inputs.digest())
    return caches().results.get_or_compute(key, compute)


def score_file(result: Any, kind: str) -> bytes:
    """The score table as CSV or XLSX bytes (analysis.scoring write_score_csv / write_score_xlsx)."""
    from analysis.scoring import write_score_csv, write_score_xlsx

    writer = {"csv": write_score_csv, "xlsx": write_score_xlsx}[kind]
    return written_bytes(lambda path: writer(result, path), f"scores.{kind}")
