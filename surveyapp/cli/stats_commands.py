"""`surveyapp stats`, `surveyapp satisfaction` and `surveyapp analyze`: file-based analysis, no database."""

from __future__ import annotations

from pathlib import Path

import click
import pandas as pd

from analysis.crosstab import Crosstab, crosstab, crosstab_json
from analysis.errors import DataError
from analysis.frames import valid_only
from analysis.responses import NUMBER_READINGS, read_responses
from analysis.satisfaction import (
    CLUSTER_LABELS,
    CLUSTERS,
    SatisfactionGroup,
    SatisfactionResult,
    satisfaction,
    satisfaction_by,
    satisfaction_json,
)
from analysis.tables import QuestionTable, all_tables, groups, stats_json
from questionnaires import Questionnaire, load_folder

from .common import display_width, input_errors_exit_2, print_json, questionnaire_lookup

DATA = click.argument("data", nargs=-1, required=True, type=click.Path())
QUESTIONNAIRE = click.option(
    "--questionnaire", "questionnaire_paths", multiple=True, type=click.Path(),
    help="Questionnaire file or folder (repeatable); the project's questionnaires/ folder is searched last.")
NUMBERS = click.option(
    "--numbers", type=click.Choice(NUMBER_READINGS), default="positions", show_default=True,
    help="Hosted-tool exports whose choice answers are numbers: option positions (按选项序号下载, 1 = the "
         "first option listed) or option codes.")


# -- shared ----------------------------------------------------------------------------------------------

def load_responses(data: tuple[str, ...], questionnaire_paths: tuple[str, ...], numbers: str = "positions",
                   ) -> tuple[Questionnaire, pd.DataFrame]:
    """The one questionnaire the data answer and its responses frame (all rows, valid or not).

    When the files hold responses of several questionnaires, those named by --questionnaire are kept;
    more than one left is an error. The reader's notes (how numbers were read, columns skipped) go to
    stderr.
    """
    lookup = questionnaire_lookup(questionnaire_paths)
    named: list[str] = []
    for path in questionnaire_paths:
        named.extend(qid for qid in load_folder([path]) if qid not in named)
    frames = read_files_noting(list(data), lookup, named, numbers)
    found = list(frames)
    if len(found) > 1 and named:
        found = [qid for qid in found if qid in named] or found
    if not found:
        raise DataError(", ".join(data), [("", "no responses found")])
    if len(found) > 1:
        raise DataError(", ".join(data), [("", f"the data hold responses of several questionnaires "
                                               f"({', '.join(found)}); name one with --questionnaire")])
    return lookup[found[0]], frames[found[0]]


def read_files_noting(data: list[str], lookup: dict[str, Questionnaire], named: list[str],
                      numbers: str) -> dict[str, pd.DataFrame]:
    """:func:`read_responses` with its notes printed on stderr."""
    notes: list[str] = []
    frames = read_responses(data, lookup, preferred=named, numbers=numbers, notes=notes)
    for note in notes:
        click.echo(f"note: {note}", err=True)
    return frames


def _pad(text: str, width: int, right: bool = False) -> str:
    gap = " " * max(0, width - display_width(text))
    return gap + text if right else text + gap


def format_rows(header: list[str], rows: list[list[str]], right: set[int] = frozenset()) -> list[str]:
    """Lines of an aligned plain-text table (CJK characters count as two columns)."""
    widths = [max([display_width(h)] + [display_width(r[i]) for r in rows]) for i, h in enumerate(header)]
    lines = []
    for cells in [header, *rows]:
        parts = [_pad(c, widths[i], right=i in right) for i, c in enumerate(cells)]
        lines.append("  ".join(parts).rstrip())
    return lines


def percent(ratio: float | None) -> str:
    return "—" if ratio is None else f"{ratio * 100:.2f}%"


def _number(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f}"


def format_table(table: QuestionTable) -> list[str]:
    """The per-question table as evaluators copy it: title, 选项 / 小计 / 比例, 本题有效填写人次."""
    lines = [table.title]
    if table.type in ("single", "multiple", "scale", "matrix"):
        rows = [[r.label, str(r.count), percent(r.ratio)] for r in table.rows]
        lines += format_rows(["选项", "小计", "比例"], rows, right={1, 2})
        lines.append(f"本题有效填写人次  {table.valid}")
        if table.others:
            lines.append(f"“其他”填写内容（{len(table.others)}条）：" + "；".join(table.others[:20])
                         + ("……" if len(table.others) > 20 else ""))
    elif table.type == "number" and table.summary is not None:
        s = table.summary
        lines.append(f"本题有效填写人次  {table.valid}")
        if s.n:
            lines.append(f"平均值 {_number(s.mean)}  中位数 {_number(s.median)}  最小值 {_number(s.min)}  "
                         f"最大值 {_number(s.max)}")
    else:
        lines.append(f"本题有效填写人次  {table.answered}")
    return lines


# -- stats -----------------------------------------------------------------------------------------------

@click.command("stats")
@DATA
@QUESTIONNAIRE
@NUMBERS
@click.option("--by", type=click.Choice(["unit", "role"]), help="Separate tables per unit or role.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON document.")
@input_errors_exit_2
def stats_command(data: tuple[str, ...], questionnaire_paths: tuple[str, ...], numbers: str, by: str | None,
                  as_json: bool) -> None:
    """Per-question tables (选项 / 小计 / 比例 / 本题有效填写人次) of the valid responses in DATA."""
    questionnaire, frame = load_responses(data, questionnaire_paths, numbers)
    valid = valid_only(frame)
    if as_json:
        document = stats_json(valid, questionnaire)
        if by:
            document["by"] = by
            document["groups"] = [{"group": code, "name": name, "valid_responses": len(part),
                                   "questions": stats_json(part, questionnaire)["questions"]}
                                  for code, name, part in groups(valid, by)]
        print_json(document)
        return
    click.echo(f"{questionnaire.title}（{questionnaire.id}）：回收 {len(frame)} 份，有效 {len(valid)} 份")
    if by:
        parts = groups(valid, by)
        per_group = [(name, all_tables(part, questionnaire)) for _, name, part in parts]
        for i, table in enumerate(all_tables(valid, questionnaire)):
            click.echo("")
            click.echo("\n".join(format_table(table)))
            for name, tables in per_group:
                click.echo(f"  【{name}】")
                click.echo("\n".join("  " + line for line in format_table(tables[i])[1:]))
        return
    for table in all_tables(valid, questionnaire):
        click.echo("")
        click.echo("\n".join(format_table(table)))


# -- satisfaction ----------------------------------------------------------------------------------------

def _rate(result: SatisfactionResult | SatisfactionGroup) -> str:
    if result.rate is None:
        return "—"
    return percent(result.rate) if result.method == "top_box" else f"{result.rate:.2f}"


def _interval(result: SatisfactionResult | SatisfactionGroup) -> str:
    if result.ci95 is None:
        return "—"
    low, high = result.ci95
    if result.method == "top_box":
        return f"{percent(low)}–{percent(high)}"
    return f"{low:.2f}–{high:.2f}"


@click.command("satisfaction")
@DATA
@QUESTIONNAIRE
@NUMBERS
@click.option("--questions", required=True,
              help="Comma-separated question ids (q3,q4) or matrix rows (q4.r1).")
@click.option("--method", type=click.Choice(["top_box", "score"]), default="top_box", show_default=True)
@click.option("--by", type=click.Choice(["unit", "role"]), help="Rates per unit or role as well.")
@click.option("--cluster", type=click.Choice(list(CLUSTERS)), default="respondent", show_default=True,
              help="Clusters of the interval's design effect: each respondent's answers, or each unit's.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON document.")
@input_errors_exit_2
def satisfaction_command(data: tuple[str, ...], questionnaire_paths: tuple[str, ...], numbers: str, questions: str,
                         method: str, by: str | None, cluster: str, as_json: bool) -> None:
    """Satisfaction rate of the valid responses in DATA with n, respondents and a 95% interval (Wilson for
    top_box) on the effective sample size of the pooled answers."""
    questionnaire, frame = load_responses(data, questionnaire_paths, numbers)
    variables = [v.strip() for v in questions.split(",") if v.strip()]
    valid = valid_only(frame)
    result = satisfaction(valid, questionnaire, variables, method, cluster=cluster)
    parts = satisfaction_by(valid, questionnaire, variables, method, by, cluster=cluster) if by else []
    if as_json:
        print_json(satisfaction_json(result, parts))
        return
    label = "满意度（满意及以上占比）" if method == "top_box" else "满意度（平均得分）"
    click.echo(f"{questionnaire.title}：{', '.join(variables)}")
    header = ["", "满意度", "n", "人数", "有效样本量", "95%置信区间", "不适用"]
    rows = [[r.name if isinstance(r, SatisfactionGroup) else label, _rate(r), str(r.n), str(r.respondents),
             _number(r.n_effective), _interval(r), str(r.na)] for r in [result, *parts]]
    click.echo("\n".join(format_rows(header, rows, right={1, 2, 3, 4, 6})))
    click.echo(f"注：n为评价数（回答次数），人数为作答人数；置信区间按有效样本量计算（聚类：{CLUSTER_LABELS[cluster]}）。")


# -- crosstab --------------------------------------------------------------------------------------------

def format_crosstab(table: Crosstab) -> list[str]:
    """The cross table as text: 小计（行百分比） per cell, row and column totals, then the chi-square line."""
    lines = [f"交叉分析：{table.row_title} × {table.col_title}"]
    header = ["", *table.col_labels, "合计"]
    rows = []
    for label, counts, percents in zip(table.row_labels, table.counts, table.row_percents, strict=True):
        cells = [f"{c}（{percent(r)}）" if r is not None else str(c) for c, r in zip(counts, percents, strict=True)]
        rows.append([label, *cells, str(sum(counts))])
    rows.append(["合计", *(str(t) for t in table.col_totals), str(sum(table.col_totals))])
    lines += format_rows(header, rows, right=set(range(1, len(header))))
    lines.append(f"有效样本  {table.n}" + ("（多选题按选择人数计，各行可重叠）" if table.multiple else ""))
    if table.chi2 is not None:
        p_text = "< 0.001" if table.p_value < 0.001 else f"= {table.p_value:.3f}"
        lines.append(f"Pearson卡方检验：χ² = {table.chi2:.3f}，自由度 = {table.dof}，p {p_text}")
        if table.small_expected and table.small_expected > 0.2:
            lines.append(f"注：{table.small_expected * 100:.0f}%的单元格期望频数小于5，检验结果仅供参考。")
    elif not table.multiple:
        lines.append("不作卡方检验：合计不为0的行或列少于两个。")
    return lines


@click.command("crosstab")
@DATA
@QUESTIONNAIRE
@NUMBERS
@click.option("--rows", "rows", required=True, help="Row question: single, scale, multiple or a matrix row (q4.r1).")
@click.option("--cols", "cols", required=True,
              help="Column question (single, scale or a matrix row), or unit or role.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON document.")
@input_errors_exit_2
def crosstab_command(data: tuple[str, ...], questionnaire_paths: tuple[str, ...], numbers: str, rows: str, cols: str,
                     as_json: bool) -> None:
    """Cross table (交叉分析) of two questions of the valid responses in DATA, with row percentages and
    Pearson's chi-square test of independence."""
    questionnaire, frame = load_responses(data, questionnaire_paths, numbers)
    table = crosstab(valid_only(frame), questionnaire, rows, cols)
    if as_json:
        print_json(crosstab_json(table))
        return
    click.echo("\n".join(format_crosstab(table)))


# -- analyze ---------------------------------------------------------------------------------------------

LARGE = 20_000
"""Responses from which analyze shows its progress and draws charts in two processes."""


@click.command("analyze")
@DATA
@QUESTIONNAIRE
@NUMBERS
@click.option("--out", "out_dir", required=True, type=click.Path(file_okay=False),
              help="Folder for statistics.xlsx, word-frequency CSVs, word clouds and charts.")
@click.option("--crosstab", "crosstabs", multiple=True, metavar="ROWS:COLS",
              help="A cross table for the workbook's 交叉分析 sheet, such as q5:q1 or q3:unit (repeatable).")
@click.option("--cluster", type=click.Choice(list(CLUSTERS)), default="respondent", show_default=True,
              help="Clusters of the satisfaction intervals.")
@input_errors_exit_2
def analyze_command(data: tuple[str, ...], questionnaire_paths: tuple[str, ...], numbers: str, out_dir: str,
                    crosstabs: tuple[str, ...], cluster: str) -> None:
    """Everything for one questionnaire into OUT: statistics.xlsx, screening flags, word-frequency tables
    (phrase, word and keyword), word clouds and charts (valid responses only), from one read of DATA."""
    from tqdm import tqdm

    from analysis.outputs import STEPS, write_everything

    questionnaire, frame = load_responses(data, questionnaire_paths, numbers)
    large = len(frame) >= LARGE
    texts = sum(q.type == "text" for q in questionnaire.questions)
    with tqdm(total=len(STEPS) - 1 + texts, desc="analyze", unit="步", leave=False,
              disable=not large or None) as bar:
        def done(name: str) -> None:
            bar.set_postfix_str(name, refresh=False)
            bar.update()

        result = write_everything(frame, questionnaire, Path(out_dir), crosstabs=crosstabs, cluster=cluster,
                                  chart_workers=2 if large else 1, progress=done)
    flagged = result.flags["response_id"].nunique() if result.flags is not None else 0
    click.echo(f"{questionnaire.title}（{questionnaire.id}）：回收 {len(frame)} 份，有效 {len(valid_only(frame))} 份，"
               f"标记 {flagged} 份")
    for path in result.written:
        click.echo(f"wrote {path}")
    for note in result.notes:
        click.echo(f"note: {note}")


COMMANDS = [stats_command, satisfaction_command, crosstab_command, analyze_command]

__all__ = ["COMMANDS", "analyze_command", "crosstab_command", "load_responses", "satisfaction_command", "stats_command"]
