"""Indicator scoring (绩效评价指标体系): load an indicator system, score it on survey data, print the table.

>>> system = load_indicators("questionnaires/indicators/lamps.yaml")          # doctest: +SKIP
>>> result = score_system(system, frames, questionnaires)                       # doctest: +SKIP
>>> print(format_score_table(result))                                           # doctest: +SKIP
"""

from .engine import LeafResult, ScoreResult, Subtotal, score_json, score_system
from .loader import load_indicators, parse_indicators
from .model import IndicatorSystem, Leaf, Override, Rule, ScoringError, leaf_key
from .rules import apply_rule, round_half_up, round_score
from .table import format_score_table, write_score_csv, write_score_xlsx
from .targets import Target, parse_target

__all__ = [
    "IndicatorSystem", "Leaf", "LeafResult", "Override", "Rule", "ScoreResult", "ScoringError", "Subtotal",
    "Target", "apply_rule", "format_score_table", "leaf_key", "load_indicators", "parse_indicators",
    "parse_target", "round_half_up", "round_score", "score_json", "score_system", "write_score_csv",
    "write_score_xlsx",
]
