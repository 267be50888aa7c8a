"""`surveyapp report`: the Word report appendix from response files or from a stored survey."""

from __future__ import annotations

from pathlib import Path

import click
import pandas as pd
from click.core import ParameterSource

from analysis.report import SCORED_SECTIONS, SECTIONS, build_report, parse_sections
from analysis.scoring import load_indicators, score_system
from questionnaires import InputError, Questionnaire, load_folder

from .common import input_errors_exit_2, questionnaire_lookup
from .stats_commands import NUMBERS, read_files_noting


@click.command("report")
@click.argument("data", nargs=-1, type=click.Path())
@click.option("--questionnaire", "questionnaire_paths", multiple=True, type=click.Path(), metavar="PATH",
              help="Questionnaire file or folder (repeatable); the project's questionnaires/ is searched last.")
@NUMBERS
@click.option("--survey", "survey_slug", metavar="SLUG", help="Report on the responses stored for this survey.")
@click.option("--indicators", type=click.Path(dir_okay=False), metavar="FILE",
              help="Indicator system (YAML): adds the score table, total and grade.")
@click.option("--sections", default=",".join(SECTIONS), show_default=True, metavar="LIST",
              help="Comma-separated sections to include: summary, scores, evidence, satisfaction-text, "
                   "text-summary, questions, text (scores and evidence need --indicators).")
@click.option("--title", help="Document title (default: from the indicator system or the survey).")
@click.option("--no-charts", is_flag=True, help="Tables only: no bar charts, satisfaction charts or word clouds.")
@click.option("--out", required=True, type=click.Path(dir_okay=False), metavar="FILE.docx",
              help="The Word file to write.")
@input_errors_exit_2
def report_command(data: tuple[str, ...], questionnaire_paths: tuple[str, ...], numbers: str, survey_slug: str | None,
                   indicators: str | None, sections: str, title: str | None, no_charts: bool, out: str) -> None:
    """Write the report (.docx): collection summary, score table, each indicator's evidence, satisfaction and
    open answers in sentences, question tables, open-answer tables.

    Give response files (DATA, CSV or XLSX) with --questionnaire, or --survey SLUG for a stored survey.
    """
    if data and survey_slug:
        raise click.UsageError("give either response files or --survey, not both")
    if not data and not survey_slug:
        raise click.UsageError("give response files (DATA ... --questionnaire PATH) or --survey SLUG")
    chosen = parse_sections(sections)
    out_path = Path(out)
    if out_path.suffix.lower() != ".docx":
        raise InputError(out, [("--out", "the report is a Word file: give a name ending in .docx")])
    if not out_path.parent.is_dir():
        raise InputError(out, [("--out", f"the folder {out_path.parent} does not exist")])
    explicit = click.get_current_context().get_parameter_source("sections") is not ParameterSource.DEFAULT
    needing = [s for s in chosen if s in SCORED_SECTIONS]
    if needing and not indicators and explicit:
        verb = "sections need" if len(needing) > 1 else "section needs"
        raise click.UsageError(f"the {' and '.join(needing)} {verb} --indicators FILE")
    system = load_indicators(indicators) if indicators else None

    survey_title, targets = None, []
    if survey_slug:
        frames, questionnaires, survey_title, targets = _survey_frames(survey_slug)
    else:
        frames, questionnaires = _file_frames(data, questionnaire_paths, numbers)
    if not any(len(f) for f in frames.values()):
        where = survey_slug or ", ".join(data)
        raise InputError(where, [("", "no responses to report on")])
    score = score_system(system, frames, questionnaires) if system is not None else None
    if title is None and score is None and survey_title:
        title = f"{survey_title}数据分析附表"
    try:
        info = build_report(frames, questionnaires, out_path, score=score, sections=chosen, title=title,
                            charts=not no_charts, targets=targets)
    except OSError as exc:
        raise InputError(out, [("--out", f"cannot write the file: {exc.strerror or exc}")]) from exc
    click.echo(f"wrote {info.path}: {info.table_count} tables, {len(info.figures)} figures "
               f"({', '.join(info.sections)})", err=True)


def _file_frames(data: tuple[str, ...], questionnaire_paths: tuple[str, ...], numbers: str = "positions",
                 ) -> tuple[dict[str, pd.DataFrame], dict[str, Questionnaire]]:
    lookup = questionnaire_lookup(questionnaire_paths)
    named: list[str] = []
    for path in questionnaire_paths:
        named.extend(qid for qid in load_folder([path]) if qid not in named)
    for path in data:
        if not Path(path).is_file():
            raise InputError(path, [("", "no such file")])
    frames = read_files_noting(list(data), lookup, named, numbers)
    return frames, {qid: lookup[qid] for qid in frames}


def _survey_frames(slug: str) -> tuple[dict[str, pd.DataFrame], dict[str, Questionnaire], str, list]:
    """Every response of a stored survey (invalid ones included, for the collection summary), its title and
    its targets per unit and role."""
    from flask import has_app_context
    from flask.cli import ScriptInfo

    from surveyapp.responses import load_survey_frames
    from surveyapp.surveys.services import get_survey
    from surveyapp.surveys.targets import survey_targets

    def load():
        frames, questionnaires = load_survey_frames(slug, include_invalid=True)
        survey = get_survey(slug)
        return frames, questionnaires, survey.title, survey_targets(survey)

    if has_app_context():
        return load()
    app = click.get_current_context().ensure_object(ScriptInfo).load_app()
    with app.app_context():
        return load()
