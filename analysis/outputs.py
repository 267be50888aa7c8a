"""Everything ``surveyapp analyze`` writes for one questionnaire, computed once from one responses frame.

The statistics workbook, the screening flags, the word-frequency tables and word cloud of each open
question, a bar chart per question table and the satisfaction charts by unit and role. Each table and
each satisfaction split is computed once and used by the workbook and the charts alike; charts are drawn
once each, in worker processes when asked (drawing is most of the time at city scale).
"""

from __future__ import annotations

import csv
import multiprocessing
from collections.abc import Callable, Iterable
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from questionnaires import Questionnaire

from .errors import NothingToDraw
from .frames import valid_only
from .safe import neutralise
from .satisfaction import rated_method, satisfaction_by, satisfaction_variables
from .screening import screen
from .tables import question_tables
from .workbook import write_statistics_workbook

TERM_HEADERS = {"phrase": ("评价", "词频"), "word": ("词语", "回答数"), "keyword": ("词语", "回答数", "TF-IDF")}
CHOICE_TYPES = ("single", "multiple", "scale", "matrix")
STEPS = ("tables", "satisfaction", "statistics.xlsx", "screening", "word tables", "charts")
"""The steps :func:`write_everything` reports to its progress callback (word tables once per open question)."""


@dataclass
class Outputs:
    """What was written, what could not be (notes), and the screening flags."""

    written: list[Path] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    flags: pd.DataFrame | None = None


class _Inline(Executor):
    """Runs each job at once, in this process."""

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future:
        future: Future = Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except BaseException as exc:  # noqa: BLE001 - handed to the caller through the future
            future.set_exception(exc)
        return future


def write_everything(frame: pd.DataFrame, questionnaire: Questionnaire, out: Path, *,
                     crosstabs: Iterable[str] = (), cluster: str = "respondent", chart_workers: int = 1,
                     progress: Callable[[str], None] | None = None) -> Outputs:
    """Write every output of one questionnaire's responses into `out` (made if missing).

    Parameters
    ----------
    frame : DataFrame
        All responses (the workbook counts collected and valid ones; everything else uses valid ones).
    chart_workers : int
        Processes drawing the charts while this one computes the rest (1: drawn here, one after another).
    progress : callable, optional
        Called with the name of each step as it ends (for a progress bar).
    """
    from . import pictures
    from .text import open_answers, term_table

    step = progress or (lambda _name: None)
    out.mkdir(parents=True, exist_ok=True)
    valid = valid_only(frame)
    result = Outputs()
    tables = {q.id: question_tables(valid, questionnaire, q.id) for q in questionnaire.questions
              if q.type in CHOICE_TYPES}
    step("tables")
    variables, method = satisfaction_variables(questionnaire)
    rated = [q.id for q in questionnaire.questions if rated_method(q) == "top_box"]
    by_group: dict[str, list[Any]] = {}
    if rated:
        by_group = {by: satisfaction_by(valid, questionnaire, rated, "top_box", by, cluster=cluster)
                    for by in ("unit", "role")}
    step("satisfaction")
    # the workbook first: a cross table that cannot be made stops everything before anything is drawn
    same_rate = method == "top_box" and variables == rated
    result.written.append(write_statistics_workbook(
        frame, questionnaire, out / "statistics.xlsx", crosstabs=crosstabs, cluster=cluster,
        tables={qid: t for qid, t in tables.items() if questionnaire.question(qid).type != "matrix"},
        by_group=by_group if same_rate else None))
    step("statistics.xlsx")
    charts: list[tuple[Future, Path]] = []
    with _charts_executor(chart_workers) as pool:
        for question in questionnaire.questions:
            for table in tables.get(question.id, []):
                if not table.valid:
                    result.notes.append(f"{table.id}: no answers, no chart")
                    continue
                path = out / f"chart_{table.id}.png"
                charts.append((pool.submit(pictures.bar_chart_png, table, path), path))
        for by, parts in by_group.items():
            if any(g.n for g in parts):
                title = "满意度（满意及以上占比，按" + ("单位" if by == "unit" else "角色") + "）"
                path = out / f"satisfaction_by_{by}.png"
                charts.append((pool.submit(pictures.satisfaction_chart_png, parts, path, title=title), path))

        result.flags = screen(frame, questionnaire)
        result.written.append(_write_flags(result.flags, out / "screening.csv"))
        step("screening")

        for question in questionnaire.questions:
            if question.type != "text":
                continue
            texts = open_answers(valid, questionnaire, question.id)
            for mode in TERM_HEADERS:
                result.written.append(_write_terms(term_table(texts, mode), out / f"wordfreq_{question.id}_{mode}.csv",
                                                   mode))
            path = out / f"wordcloud_{question.id}.png"
            try:
                result.written.append(pictures.wordcloud_png(texts, path, source=question.id))
            except NothingToDraw as exc:
                result.notes.append(f"{question.id}: no word cloud "
                                    f"({exc.problems[0][1] if exc.problems else exc})")
            step("word tables")
        for future, path in charts:
            future.result()
            result.written.append(path)
        step("charts")
    return result


def _charts_executor(workers: int) -> Executor:
    if workers <= 1:
        return _Inline()
    # fork: the workers start with this process's imports and tables, nothing is loaded twice
    return ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("fork"))


def _write_flags(flags: pd.DataFrame, path: Path) -> Path:
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\r\n")
        writer.writerow(["response_id", "flag", "reason"])
        for row in flags.itertuples(index=False):
            writer.writerow([neutralise(str(row.response_id)), row.flag, row.reason])
    return path


def _write_terms(frame: pd.DataFrame, path: Path, mode: str) -> Path:
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\r\n")
        writer.writerow(TERM_HEADERS[mode])
        weights = frame["weight"].tolist() if "weight" in frame else [None] * len(frame)
        for term, count, weight in zip(frame["term"].tolist(), frame["count"].tolist(), weights, strict=True):
            writer.writerow([neutralise(str(term)), int(count), *([] if weight is None else [f"{weight:.6f}"])])
    return path


__all__ = ["STEPS", "TERM_HEADERS", "Outputs", "write_everything"]
