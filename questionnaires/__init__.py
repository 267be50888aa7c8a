"""Questionnaire definitions (YAML, format version 1), their typed model, loader and answer rules.

Imports neither flask nor surveyapp, so analysis code and notebooks can use it on their own.
"""

from pathlib import Path

from .answers import AnswerProblem, clean_answers, is_empty
from .errors import InputError, QuestionnaireError
from .loader import iter_questionnaire_files, load_folder, load_questionnaire, parse_questionnaire
from .model import (
    MULTI_SEPARATOR,
    OTHER_CODE,
    ROLE_LABELS,
    ROLES,
    Option,
    Question,
    Questionnaire,
    Row,
    Scale,
)

SHIPPED = Path(__file__).resolve().parent
"""The project's questionnaire folder, searched last when a command looks a questionnaire up by id."""

__all__ = [
    "SHIPPED", "MULTI_SEPARATOR", "OTHER_CODE", "ROLES", "ROLE_LABELS", "AnswerProblem", "InputError",
    "Option", "Question", "Questionnaire", "QuestionnaireError", "Row", "Scale", "clean_answers", "is_empty",
    "iter_questionnaire_files", "load_folder", "load_questionnaire", "parse_questionnaire",
]
