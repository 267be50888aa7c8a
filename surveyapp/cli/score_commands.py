"""`surveyapp score`: the indicator score table, total and grade from an indicator file and survey data."""

from __future__ import annotations

import re
from pathlib import Path

import click
import pandas as pd

from analysis.frames import empty_frame
from analysis.responses import NUMBER_READINGS, read_responses
from analysis.scoring import (
    format_score_table,
    load_indicators,
    score_json,
    score_system,
    write_score_csv,
    write_score_xlsx,
)
from questionnaires import InputError, Questionnaire

from .common import input_errors_exit_2, print_json, questionnaire_lookup

FORM_ID = re.compile(r"^[a-z0-9][a-z0-9_-]*$")


@click.command("score")
@click.argument("indicators", type=click.Path(dir_okay=False))
@click.option("--data", "data_args", multiple=True, metavar="FORM=FILE",
              help="A response file (CSV or XLSX) of questionnaire FORM; FORM= may be left out when the file "
                   "names its questionnaire. Repeatable.")
@click.option("--questionnaire", "questionnaire_paths", multiple=True, metavar="PATH",
              help="Questionnaire file or folder (repeatable); the project's questionnaires/ is searched "
                   "last.")
@click.option("--numbers", type=click.Choice(NUMBER_READINGS), default="positions", show_default=True,
              help="Hosted-tool exports whose choice answers are numbers: option positions (按选项序号下载) or "
                   "option codes.")
@click.option("--survey", "survey_slug", metavar="SLUG", help="Score the responses stored for this survey.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON document instead of the table.")
@click.option("--out", "out_dir", type=click.Path(file_okay=False), metavar="DIR",
              help="Also write scores.csv and scores.xlsx into DIR.")
@input_errors_exit_2
def score_command(indicators: str, data_args: tuple[str, ...], questionnaire_paths: tuple[str, ...], numbers: str,
                  survey_slug: str | None, as_json: bool, out_dir: str | None) -> None:
    """Score the indicator system INDICATORS (a YAML file) on survey data: table, total and grade."""
    if data_args and survey_slug:
        raise click.UsageError("give either --data files or --survey, not both")
    system = load_indicators(indicators)
    if survey_slug:
        frames, questionnaires = _survey_frames(survey_slug)
    else:
        questionnaires = questionnaire_lookup(questionnaire_paths)
        frames = read_data(data_args, questionnaires, preferred=_ids_in(questionnaire_paths, questionnaires),
                           numbers=numbers)
    result = score_system(system, frames, questionnaires)
    if out_dir:
        folder = Path(out_dir)
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise InputError(out_dir, [("", f"cannot create the folder: {exc.strerror}")]) from exc
        write_score_csv(result, folder / "scores.csv")
        write_score_xlsx(result, folder / "scores.xlsx")
    if as_json:
        print_json(score_json(result))
        return
    click.echo(format_score_table(result))
    click.echo("")
    grade = result.grade or "无"
    click.echo(f"分值合计 {_plain(result.weight_sum)}，总得分 {result.total:.2f}，评价等级 {grade}")
    if out_dir:
        click.echo(f"wrote {Path(out_dir) / 'scores.csv'} and {Path(out_dir) / 'scores.xlsx'}", err=True)


def read_data(data_args: tuple[str, ...], questionnaires: dict[str, Questionnaire],
              preferred: list[str] | None = None, numbers: str = "positions") -> dict[str, pd.DataFrame]:
    """Responses frames by questionnaire id from ``FORM=FILE`` (or ``FILE``) arguments.

    A file given with FORM must hold responses of that questionnaire; several files of one questionnaire
    are joined. A FORM whose files hold no rows gets an empty frame, so scoring names the indicator that
    finds no answers.
    """
    named: dict[str, list[str]] = {}
    plain: list[str] = []
    for arg in data_args:
        form, sep, file = arg.partition("=")
        if sep and FORM_ID.match(form) and not Path(arg).exists():
            if form not in questionnaires:
                known = ", ".join(sorted(questionnaires)) or "none"
                raise InputError("--data", [(arg, f"unknown questionnaire {form!r} (known: {known}); "
                                                  "add its file with --questionnaire")])
            named.setdefault(form, []).append(file)
        else:
            plain.append(arg)
    for file in [f for files in named.values() for f in files] + plain:
        if not Path(file).is_file():
            raise InputError(file, [("", "no such file")])
    parts: dict[str, list[pd.DataFrame]] = {}
    notes: list[str] = []
    for form, files in named.items():
        found = read_responses(files, {form: questionnaires[form]}, numbers=numbers, notes=notes)
        parts.setdefault(form, []).append(found.get(form, empty_frame(questionnaires[form])))
    if plain:
        for qid, frame in read_responses(plain, questionnaires, preferred=preferred or (), numbers=numbers,
                                         notes=notes).items():
            parts.setdefault(qid, []).append(frame)
    for note in notes:
        click.echo(f"note: {note}", err=True)
    return {qid: frames[0] if len(frames) == 1 else pd.concat(frames, ignore_index=True)
            for qid, frames in parts.items()}


def _ids_in(paths: tuple[str, ...], questionnaires: dict[str, Questionnaire]) -> list[str]:
    """Ids of the questionnaires loaded from the paths given on the command line."""
    given = [Path(p).resolve() for p in paths]
    return [qid for qid, q in questionnaires.items()
            if q.source and any(Path(q.source).resolve() == p or p in Path(q.source).resolve().parents
                                for p in given)]


def _survey_frames(slug: str) -> tuple[dict[str, pd.DataFrame], dict[str, Questionnaire]]:
    """Frames and questionnaires of a stored survey, inside the app's context (the database is needed).

    An unknown slug raises SurveyError, an InputError: exit status 2.
    """
    from flask import has_app_context
    from flask.cli import ScriptInfo

    from surveyapp.responses import load_survey_frames

    if has_app_context():
        return load_survey_frames(slug)
    app = click.get_current_context().ensure_object(ScriptInfo).load_app()
    with app.app_context():
        return load_survey_frames(slug)


def _plain(value) -> str:
    return str(int(value)) if value == value.to_integral_value() else str(value.normalize())
