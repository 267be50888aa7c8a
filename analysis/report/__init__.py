"""The Word report appendix (python-docx): collection summary, score table, question tables, open answers.

>>> from analysis.report import build_report                                        # doctest: +SKIP
>>> build_report(frames, questionnaires, "report.docx", sections="summary,questions")  # doctest: +SKIP
"""

from .document import SECTIONS, ReportInfo, build_report, parse_sections
from .styles import TEXT_WIDTH_CM, percent

__all__ = ["SECTIONS", "TEXT_WIDTH_CM", "ReportInfo", "build_report", "parse_sections", "percent"]
