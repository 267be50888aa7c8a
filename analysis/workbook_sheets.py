"""The parts of statistics.xlsx beyond the per-question tables: satisfaction, matrix tables, cross tables.

Each function writes rows top to bottom through a :class:`analysis.workbook.Writer`-like object (``line``
and ``skip``; constant_memory needs row order). Numbers stay numbers (ratios with a percent format).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from .crosstab import Crosstab
from .matrix_tables import MatrixTable
from .satisfaction import CLUSTER_LABELS, SatisfactionGroup, SatisfactionResult

SATISFACTION_HEADER = ("范围", "名称", "满意度", "有效评价数", "人数", "有效样本量", "95%置信区间下限",
                       "95%置信区间上限", "不适用")


def write_satisfaction(w: Any, title: str, method: str, cluster: str, overall: SatisfactionResult,
                       parts: Sequence[tuple[str, Sequence[SatisfactionGroup]]]) -> None:
    """The satisfaction table: all valid answers, then each group list (per role, per unit) in turn."""
    rate_style = "percent" if method == "top_box" else "number"
    how = "满意及以上占比" if method == "top_box" else "平均得分"
    w.line(f"{title}满意度（{how}）", style="title")
    w.line(f"有效评价数为评价（回答）次数，人数为作答人数；95%置信区间按有效样本量计算"
           f"（设计效应，{CLUSTER_LABELS[cluster]}聚类），每人只评价一次时即通常的"
           f"{'Wilson区间' if method == 'top_box' else '正态近似区间'}。")
    w.line(*SATISFACTION_HEADER, style="header")
    styles = (None, None, rate_style, None, None, "number", rate_style, rate_style, None)

    def line(scope: str, name: str, r: SatisfactionResult | SatisfactionGroup) -> None:
        low, high = r.ci95 if r.ci95 is not None else (None, None)
        w.line(scope, name, r.rate, r.n, r.respondents, r.n_effective, low, high, r.na, styles=styles)

    line("全部", "全部有效答卷", overall)
    for scope, groups in parts:
        for g in groups:
            line(scope, g.name, g)


def write_matrix(w: Any, table: MatrixTable) -> None:
    """A matrix question as one table: rows × options (小计 and 比例 each), 有效填写人次 and satisfaction."""
    w.line(table.title, style="title")
    rated = table.method is not None
    tail = ["有效填写人次"] + (["满意度" if table.method == "top_box" else "平均得分"] if rated else [])
    first = ["评价项目"]
    second = [""]
    for label in table.option_labels:
        first += [label, ""]
        second += ["小计", "比例"]
    w.line(*first, *tail, style="header")
    w.line(*second, *[""] * len(tail), style="header")
    rate_style = "percent" if table.method == "top_box" else "number"
    styles = (None, *(s for _ in table.option_labels for s in (None, "percent")), None, rate_style)
    for row in table.rows:
        cells: list[Any] = [row.text]
        for count, ratio in zip(row.counts, row.ratios, strict=True):
            cells += [count, ratio]
        cells.append(row.valid)
        if rated:
            cells.append(row.rate)
        w.line(*cells, styles=styles)
    w.line("本题有效填写人次", table.valid, style="bold")


def write_crosstab(w: Any, table: Crosstab) -> None:
    """A cross table: counts with totals, then row percentages, then Pearson's chi-square."""
    w.line(f"交叉分析：{table.row_title} × {table.col_title}", style="title")
    w.line("", *table.col_labels, "合计", style="header")
    for label, counts in zip(table.row_labels, table.counts, strict=True):
        w.line(label, *counts, sum(counts))
    w.line("合计", *table.col_totals, sum(table.col_totals), style="bold")
    w.skip()
    w.line("行百分比", *table.col_labels, style="header")
    styles = (None, *["percent"] * len(table.col_labels))
    for label, percents in zip(table.row_labels, table.row_percents, strict=True):
        w.line(label, *percents, styles=styles)
    w.line("有效样本", table.n)
    if table.multiple:
        w.line("多选题按选择人数计，各行可重叠，不作卡方检验。")
    elif table.chi2 is None:
        w.line("合计不为0的行或列少于两个，不作卡方检验。")
    else:
        w.line("Pearson卡方", table.chi2, styles=(None, "number"))
        w.line("自由度", table.dof)
        w.line("p值", table.p_value, styles=(None, "p"))
        if table.small_expected and table.small_expected > 0.2:
            w.line(f"注：{table.small_expected * 100:.0f}%的单元格期望频数小于5，检验结果仅供参考。")
