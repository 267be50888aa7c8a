"""The Word report (python-docx): collection summary, score table, the indicators' evidence in sentences,
satisfaction and open answers in sentences, question tables, open answers.

>>> from analysis.report import build_report                                        # doctest: +SKIP
>>> build_report(frames, questionnaires, "report.docx", sections="summary,questions")  # doctest: +SKIP
"""

from .document import SCORED_SECTIONS, SECTIONS, ReportInfo, build_report, parse_sections
from .narrative import leaf_paragraphs
from .styles import TEXT_WIDTH_CM, percent

__all__ = ["SCORED_SECTIONS", "SECTIONS", "TEXT_WIDTH_CM", "ReportInfo", "build_report", "leaf_paragraphs",
           "parse_sections", "percent"]
