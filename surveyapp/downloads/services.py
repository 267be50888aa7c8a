"""Downloads: raw response files, statistics workbooks, pictures and the Word appendix."""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass, field

from ..audit.services import record_event
from ..cached_frames import (
    Filters,
    SurveyForm,
    all_frames,
    fingerprint,
    form_frame,
)
from ..errors import ConsoleError
from ..files import written_bytes
from ..models import Survey
from ..opentext.services import open_variables, wordcloud_png
from ..responses import load_survey_frames, survey_questionnaires
from ..scoring.services import score_survey
from ..scoring.systems import IndicatorChoice
from ..statistics.services import SatisfactionChoice, chart_png, default_rated, satisfaction_groups, statistics
from ..surveys.overview import SurveyOverview
from ..surveys.targets import survey_targets

LAYOUTS = ("exchange", "readable")
"""Raw-data layouts: the response-file columns (import = export), or the hosted survey tool's readable one."""


def export_file(survey: Survey, kind: str, questionnaire_id: str | None = None, layout: str = "exchange",
                ) -> tuple[io.BytesIO, str]:
    """The survey's responses (valid and invalid, with status) as a response file in memory.

    `kind` is ``csv`` (one questionnaire: `questionnaire_id`, or the only one) or ``xlsx`` (every
    questionnaire, one sheet each, or only `questionnaire_id`'s). `layout` ``exchange`` writes the
    response-file columns (analysis.responses), ``readable`` (XLSX only) the hosted survey tool's layout
    with Chinese headers and values (analysis.readable_export). Returns the bytes and a download name. The
    export is recorded in the audit log (the caller commits).
    """
    from analysis.readable_export import write_readable_xlsx
    from analysis.responses import write_responses, write_responses_xlsx

    if kind not in ("csv", "xlsx"):
        raise ConsoleError(f"未知文件类型：{kind}", code="unknown_kind", english=f"Unknown file type {kind!r}.")
    if layout not in LAYOUTS or (layout == "readable" and kind != "xlsx"):
        raise ConsoleError(f"未知的数据格式：{layout}", code="unknown_layout", place="layout",
                           english=f"Unknown layout {layout!r}: use exchange, or readable with xlsx.")
    questionnaires = survey_questionnaires(survey)
    if kind == "csv" and questionnaire_id is None and len(questionnaires) == 1:
        questionnaire_id = next(iter(questionnaires))
    if (kind == "csv" or questionnaire_id is not None) and questionnaire_id not in questionnaires:
        raise ConsoleError("请选择要下载的问卷。", code="unknown_questionnaire", place="questionnaire",
                           english="Name one of the survey's questionnaires with ?questionnaire= "
                                   f"({', '.join(questionnaires)}).")
    frames, questionnaires = load_survey_frames(survey.slug, include_invalid=True)
    if questionnaire_id is not None:
        frames = {questionnaire_id: frames[questionnaire_id]}
    if kind == "csv":
        name = f"{survey.slug}-{questionnaire_id}.csv"
        data = written_bytes(lambda path: write_responses(frames[questionnaire_id],
                                                          questionnaires[questionnaire_id], path), name)
    else:
        name = f"{survey.slug}-responses{'-readable' if layout == 'readable' else ''}.xlsx"
        writer = write_readable_xlsx if layout == "readable" else write_responses_xlsx
        data = written_bytes(lambda path: writer(frames, questionnaires, path), name)
    record_raw_export(survey, name, sum(len(frames[q]) for q in frames if kind == "xlsx" or q == questionnaire_id))
    return io.BytesIO(data), name


def record_raw_export(survey: Survey, name: str, rows: int) -> None:
    """Note in the audit log that raw responses left the server (a download or `surveyapp export`)."""
    record_event("raw_export", survey=survey, detail=f"{name}（{rows} 份答卷）")


@dataclass
class QuestionnaireDownload:
    questionnaire_id: str
    title: str
    roles: list[str] = field(default_factory=list)
    collected: int = 0


def questionnaire_downloads(overview: SurveyOverview) -> list[QuestionnaireDownload]:
    """One CSV per questionnaire of the survey (a questionnaire offered to two roles is one file)."""
    found: dict[str, QuestionnaireDownload] = {}
    for f in overview.forms:
        entry = found.setdefault(f.questionnaire_id, QuestionnaireDownload(f.questionnaire_id, f.title))
        entry.roles.append(f.form.role)
        entry.collected += f.counts.collected
    return list(found.values())


def statistics_workbook(survey: Survey, form: SurveyForm) -> bytes:
    """statistics.xlsx of one questionnaire (analysis.workbook.write_statistics_workbook, every response:
    the summary counts collected and valid ones, the tables count valid ones)."""
    from analysis.workbook import write_statistics_workbook

    frame = form_frame(survey, form, fingerprint(form.form_ids), include_invalid=True)
    return written_bytes(lambda path: write_statistics_workbook(frame, form.questionnaire, path), "statistics.xlsx")


def pictures_zip(survey: Survey, form: SurveyForm) -> bytes:
    """A zip of every picture of one questionnaire (valid responses): chart_<table>.png per choice table,
    satisfaction_by_unit.png when it has rated questions, wordcloud_<variable>.png per open variable with
    words, and notes.txt naming what had nothing to draw."""
    from analysis import pictures
    from analysis.errors import NothingToDraw

    stats = statistics(survey, form, Filters(), SatisfactionChoice(default_rated(form.questionnaire)))
    notes = []
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as archive:
        for table in stats.tables:
            if table.type not in ("single", "multiple", "scale", "matrix"):
                continue
            if not table.valid:
                notes.append(f"{table.id}: 无人作答，未画图")
                continue
            archive.writestr(f"chart_{table.id}.png", chart_png(survey, form, Filters(), table.id))
        view = stats.satisfaction
        if view is not None and view.error is None and view.rows:
            groups = satisfaction_groups(survey, form, Filters(), stats.fingerprint, view.choice.questions,
                                          view.choice.method)
            _, _, by_unit, _ = groups[-1]
            if any(g.n for g in by_unit):
                archive.writestr("satisfaction_by_unit.png", written_bytes(lambda path: pictures.satisfaction_chart_png(
                    by_unit, path, target=view.choice.target_fraction, title="满意度（满意及以上占比，按单位）"),
                    "satisfaction.png"))
        for variable in open_variables(form.questionnaire):
            try:
                data = wordcloud_png(survey, form, Filters(), variable)
            except NothingToDraw:
                notes.append(f"{variable.variable}: 没有可画入词云的词语")
                continue
            archive.writestr(f"wordcloud_{variable.variable}.png", data)
        if notes:
            archive.writestr("notes.txt", "\r\n".join(notes) + "\r\n")
    return out.getvalue()


def report_sections() -> dict[str, str]:
    """The Word report's sections in their order, with the headings the report gives them."""
    from analysis.report.document import SECTION_TITLES, SECTIONS

    return {name: SECTION_TITLES[name] for name in SECTIONS}


def report_docx(survey: Survey, sections: list[str], indicators: IndicatorChoice | None, charts: bool = True,
                ) -> bytes:
    """The Word report (analysis.report.build_report) of the survey's responses, the chosen sections; the
    score table and each indicator's evidence when an indicator system is chosen (with the evaluator's
    stored inputs).

    Raises ConsoleError (Chinese) when there is nothing to report or the scores cannot be computed.
    """
    from analysis.report import build_report
    from analysis.report.document import SCORED_SECTIONS
    from analysis.scoring import ScoringError

    if not sections:
        raise ConsoleError("请至少选择一个部分。")
    unknown = [s for s in sections if s not in report_sections()]
    if unknown:
        raise ConsoleError(f"未知的部分：{'、'.join(unknown)}")
    frames, questionnaires, _ = all_frames(survey, include_invalid=True)
    if not any(len(f) for f in frames.values()):
        raise ConsoleError("还没有答卷，无法生成报告附表。")
    score = None
    if indicators is not None and set(SCORED_SECTIONS).intersection(sections):
        score = score_survey(survey, indicators)
        if isinstance(score, ScoringError):
            raise ConsoleError("评分无法完成，请先在“评分”页补全指标：" + "；".join(p for _, p in score.problems[:3]))
    title = None if score is not None else f"{survey.title}数据分析附表"
    targets = survey_targets(survey)
    return written_bytes(lambda path: build_report(frames, questionnaires, path, score=score, sections=sections,
                                                   charts=charts, title=title, targets=targets), "report.docx")
