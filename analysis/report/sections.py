"""Three sections of the report appendix: collection summary, score table, question tables (the open answers
are in :mod:`analysis.report.text_tables`).

Each function writes into a :class:`~analysis.report.document.ReportContext`; tables and figures get their
numbered captions from it. Counting follows :mod:`analysis.tables` and :mod:`analysis.satisfaction`: only
valid responses count, except in the collection summary.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

import pandas as pd

from questionnaires import ROLE_LABELS, Question, Questionnaire

from ..frames import valid_only
from ..matrix_tables import MatrixTable, matrix_table
from ..satisfaction import SatisfactionGroup, satisfaction_by, satisfaction_variables
from ..tables import NO_UNIT, QuestionTable, _present, groups, question_tables
from . import styles
from .styles import merge, new_table, percent

SUBSECTION_NUMERALS = "一二三四五六七八九十"


def _sub(index: int) -> str:
    """（一）, （二） … for level-2 headings."""
    if index <= len(SUBSECTION_NUMERALS):
        return f"（{SUBSECTION_NUMERALS[index - 1]}）"
    return f"（{index}）"


def role_name(questionnaire: Questionnaire) -> str:
    """The respondents of a questionnaire in Chinese (教师, 家长 …), from its role."""
    return ROLE_LABELS.get(questionnaire.role, questionnaire.role)


def _status_reason(status: Any) -> str | None:
    """The reason of an ``invalid:<reason>`` status in a short, groupable form; None for valid rows.

    Screening writes detailed reasons such as ``答题时间过短（12秒，少于30秒）``; the report groups them by
    the part before the first bracket or colon (答题时间过短).
    """
    text = str(status) if status is not None else ""
    if text == "valid":
        return None
    reason = text.removeprefix("invalid:") if text.startswith("invalid:") else text
    reason = re.split(r"[（(：:，,;；]", reason, maxsplit=1)[0].strip()
    return reason or "未注明原因"


# -- 1. collection summary -------------------------------------------------------------------------------------

def summary_section(ctx, frames: Mapping[str, pd.DataFrame], questionnaires: Mapping[str, Questionnaire],
                    targets: Sequence[tuple[str, str, str, int]] = ()) -> None:
    """Collected, valid and invalid responses: per questionnaire, invalid by reason, per unit and role, and
    the valid responses against the `targets` (unit code, unit name, role, target count) when given."""
    doc = ctx.document
    rows = []
    for qid, frame in frames.items():
        valid = int((frame["status"] == "valid").sum())
        rows.append((questionnaires[qid], len(frame), valid, len(frame) - valid))
    collected = sum(r[1] for r in rows)
    valid_total = sum(r[2] for r in rows)
    invalid_total = collected - valid_total
    sentence = (f"本次调查共回收问卷{collected}份，其中有效问卷{valid_total}份，无效问卷{invalid_total}份，"
                f"有效率{percent(valid_total, collected)}。")
    period = _period(frames)
    if period:
        sentence += f"问卷回收时间为{period}。"
    styles.body(doc, sentence)

    ctx.table_caption("问卷回收情况")
    table = new_table(doc, [2.0, 6.4, 1.9, 1.9, 1.9, 1.9],
                      ["调查对象", "问卷名称", "回收份数", "有效份数", "无效份数", "有效率"])
    numeric = ["center", "left", "right", "right", "right", "right"]
    for q, n, v, i in rows:
        styles.add_row(table, [role_name(q), q.title, str(n), str(v), str(i), percent(v, n)], align=numeric)
    if len(rows) > 1:
        styles.add_row(table, ["合计", "", str(collected), str(valid_total), str(invalid_total),
                               percent(valid_total, collected)], align=numeric, bold=True,
                       fill=styles.SUBTOTAL_FILL)
        last = len(table.rows) - 1
        merge(table, last, 0, last, 1, "合计", bold=True, fill=styles.SUBTOTAL_FILL)

    reasons: dict[str, int] = {}
    for frame in frames.values():
        for status in frame["status"].tolist():
            reason = _status_reason(status)
            if reason is not None:
                reasons[reason] = reasons.get(reason, 0) + 1
    if reasons:
        ctx.table_caption("无效问卷原因")
        table = new_table(doc, [7.0, 3.0, 3.0, 3.0], ["无效原因", "份数", "占无效问卷比例", "占回收问卷比例"])
        numbers = ["left", "right", "right", "right"]
        for reason, count in sorted(reasons.items(), key=lambda kv: -kv[1]):
            cells = [reason, str(count), percent(count, invalid_total), percent(count, collected)]
            styles.add_row(table, cells, align=numbers)
        cells = ["合计", str(invalid_total), percent(invalid_total, invalid_total), percent(invalid_total, collected)]
        styles.add_row(table, cells, align=["center", *numbers[1:]], bold=True, fill=styles.SUBTOTAL_FILL)
        styles.note(doc, "注：无效问卷保留在数据中，不计入各题统计和满意度。")
    else:
        styles.body(doc, "本次调查没有判定为无效的问卷，各项统计均基于全部回收问卷。")

    _unit_table(ctx, frames, questionnaires)
    if targets:
        _target_table(ctx, frames, questionnaires, targets)


def _target_table(ctx, frames: Mapping[str, pd.DataFrame], questionnaires: Mapping[str, Questionnaire],
                  targets: Sequence[tuple[str, str, str, int]]) -> None:
    """Valid responses per unit and role against their targets: 目标数, 有效份数, 完成率 (valid / target)."""
    valid: dict[tuple[str, str], int] = {}
    for qid, frame in frames.items():
        rows = frame.loc[frame["status"] == "valid", ["unit", "role"]]
        for unit, role in zip(rows["unit"].tolist(), rows["role"].tolist(), strict=True):
            key = (str(unit) if _present(unit) else "", role if _present(role) else questionnaires[qid].role)
            valid[key] = valid.get(key, 0) + 1
    order = {role: i for i, role in enumerate(ROLE_LABELS)}
    rows = sorted(targets, key=lambda t: (t[0], order.get(t[2], len(order)), t[2]))
    reached = sum(1 for code, _, role, target in rows if valid.get((code, role), 0) >= target)
    styles.body(ctx.document, f"共为{len(rows)}个单位和调查对象设定了有效问卷目标数，其中{reached}个已达到目标，"
                              f"{len(rows) - reached}个未达到目标。")
    ctx.table_caption("各单位目标完成情况")
    table = new_table(ctx.document, [6.0, 2.0, 2.0, 2.0, 2.0, 2.0],
                      ["单位", "调查对象", "目标数", "有效份数", "完成率", "是否达标"])
    for code, name, role, target in rows:
        count = valid.get((code, role), 0)
        styles.add_row(table, [name or code, ROLE_LABELS.get(role, role), str(target), str(count),
                               percent(count, target), "是" if count >= target else "否"],
                       align=["left", "center", "right", "right", "right", "center"])


def _period(frames: Mapping[str, pd.DataFrame]) -> str | None:
    stamps = pd.concat([f["submitted_at"] for f in frames.values() if "submitted_at" in f], ignore_index=True)
    stamps = pd.to_datetime(stamps, errors="coerce", utc=True).dropna()
    if stamps.empty:
        return None
    first, last = (s.tz_convert("Asia/Shanghai") for s in (stamps.min(), stamps.max()))
    def day(t):
        return f"{t.year}年{t.month}月{t.day}日"
    return day(first) if first.date() == last.date() else f"{day(first)}至{day(last)}"


def _unit_table(ctx, frames: Mapping[str, pd.DataFrame], questionnaires: Mapping[str, Questionnaire]) -> None:
    """Valid responses per unit and role, with valid and collected totals per unit."""
    meta = []
    for qid, frame in frames.items():
        part = frame[["role", "unit", "unit_name", "status"]].copy()
        part["role"] = part["role"].map(lambda r, q=questionnaires[qid]: r if _present(r) else q.role)
        meta.append(part)
    everything = pd.concat(meta, ignore_index=True)
    if not everything["unit"].map(_present).any():
        return
    roles = [r for r in ROLE_LABELS if (everything["role"] == r).any()]
    roles += sorted({str(r) for r in everything["role"]} - set(roles))
    role_width = min(1.8, 8.0 / (len(roles) + 1))
    widths = [16.0 - role_width * (len(roles) + 1) - 3.8] + [role_width] * (len(roles) + 1) + [1.8, 2.0]
    ctx.table_caption("各单位问卷回收情况")
    table = new_table(ctx.document, widths)
    k = len(roles)
    styles.add_row(table, ["单位", "有效问卷份数"] + [""] * k + ["回收份数", "有效率"], header=True)
    styles.add_row(table, [""] + [ROLE_LABELS.get(r, r) for r in roles] + ["小计", "", ""], header=True)
    merge(table, 0, 0, 1, 0, "单位", bold=True)
    merge(table, 0, 1, 0, k + 1, "有效问卷份数", bold=True)
    merge(table, 0, k + 2, 1, k + 2, "回收份数", bold=True)
    merge(table, 0, k + 3, 1, k + 3, "有效率", bold=True)
    align = ["left"] + ["right"] * (len(roles) + 3)
    for _code, name, part in groups(everything, "unit"):
        valid = part.loc[part["status"] == "valid"]
        cells = [name] + [str(int((valid["role"] == r).sum())) for r in roles]
        cells += [str(len(valid)), str(len(part)), percent(len(valid), len(part))]
        styles.add_row(table, cells, align=align)
    valid = everything.loc[everything["status"] == "valid"]
    cells = ["合计"] + [str(int((valid["role"] == r).sum())) for r in roles]
    cells += [str(len(valid)), str(len(everything)), percent(len(valid), len(everything))]
    styles.add_row(table, cells, align=["center"] + align[1:], bold=True, fill=styles.SUBTOTAL_FILL)
    if (~everything["unit"].map(_present)).any():
        styles.note(ctx.document, f"注：{NO_UNIT}为未通过单位链接提交的问卷。")


# -- 2. score table --------------------------------------------------------------------------------------------

SCORE_HEADER = ["一级指标", "二级指标", "三级指标", "分值", "指标值", "实际完成值", "得分", "得分率"]
SCORE_WIDTHS = [1.8, 2.0, 3.4, 1.1, 2.1, 2.1, 1.5, 1.8]


def scores_section(ctx, result) -> None:
    """The score table in the appendix layout, then a note for every overridden score."""
    from ..scoring.table import format_number, format_percent, format_score, format_value, table_rows

    doc = ctx.document
    grade = result.grade or "无"
    styles.body(doc, f"依据评价指标体系，{result.title}综合得分{format_score(result.total)}分"
                     f"（满分{format_number(result.weight_sum)}分），评价等级为“{grade}”。各项指标得分见下表。")
    ctx.table_caption(f"{result.title}指标得分表" if result.title else "绩效评价指标得分表")
    table = new_table(doc, SCORE_WIDTHS, SCORE_HEADER)
    rows = table_rows(result)
    align = ["center", "center", "left", "right", "center", "center", "right", "right"]
    level1_start = level2_start = None
    sub = styles.SUBTOTAL_FILL
    for row in rows:
        weight = "" if row.weight is None else format_number(row.weight)
        score = "" if row.score is None else format_score(row.score)
        rate = "" if row.rate is None else format_percent(row.rate)
        r = len(table.rows)
        if row.kind == "leaf":
            value = "" if row.value is None else format_value(row.value, row.unit)
            label = row.level3 + ("*" if row.note else "")
            styles.add_row(table, ["", "", label, weight, row.target, value, score, rate], align=align)
            level1_start = r if level1_start is None else level1_start
            level2_start = r if level2_start is None else level2_start
        elif row.kind == "level2":
            styles.add_row(table, ["", "", "小计", weight, "", "", score, rate], align=align, bold=True, fill=sub)
            merge(table, r, 2, r, 2, "小计", bold=True, fill=sub)
            merge(table, level2_start, 1, r, 1, row.level2)
            level2_start = None
        elif row.kind == "level1":
            styles.add_row(table, ["", "", "", weight, "", "", score, rate], align=align, bold=True, fill=sub)
            merge(table, r, 1, r, 2, row.level2, bold=True, fill=sub)
            merge(table, level1_start, 0, r, 0, row.level1)
            level1_start = None
        elif row.kind == "total":
            styles.add_row(table, ["", "", "", weight, "", "", score, rate], align=align, bold=True, fill=sub)
            merge(table, r, 0, r, 2, "合计", bold=True, fill=sub)
        else:
            styles.add_row(table, [""] * 8, bold=True, fill=sub)
            merge(table, r, 0, r, 2, "评价等级", bold=True, fill=sub)
            merge(table, r, 3, r, 7, grade, bold=True, fill=sub)
    overridden = [row for row in rows if row.kind == "leaf" and row.note]
    if overridden:
        lines = "；".join(f"{row.level3}：{row.note}" for row in overridden)
        styles.note(doc, f"注：标“*”的指标得分经评价人员调整。{lines}。")
    bands = "，".join(f"{b.grade}≥{format_number(b.min)}分" for b in result.system.grades)
    if bands:
        styles.note(doc, f"注：得分率＝得分／分值；评价等级标准为{bands}。")


# -- 3. question tables ----------------------------------------------------------------------------------------

def _rate_text(group: SatisfactionGroup) -> tuple[str, str]:
    """(rate, interval) as printed: percentages for top_box, points for score."""
    if group.rate is None:
        return "—", "—"
    if group.method == "top_box":
        ci = "—" if group.ci95 is None else f"{percent(group.ci95[0])}～{percent(group.ci95[1])}"
        return percent(group.rate), ci
    ci = "—" if group.ci95 is None else f"{group.ci95[0]:.2f}～{group.ci95[1]:.2f}"
    return f"{group.rate:.2f}", ci


def _satisfaction_table(ctx, groups_: list[SatisfactionGroup], first: str, method: str) -> None:
    if method == "top_box":
        table = new_table(ctx.document, [4.0, 2.2, 1.8, 2.0, 2.0, 4.0],
                          [first, "有效评价数", "人数", "满意数", "满意度", "95%置信区间"])
        for g in groups_:
            rate, ci = _rate_text(g)
            satisfied = "" if g.satisfied is None else str(g.satisfied)
            styles.add_row(table, [g.name, str(g.n), str(g.respondents), satisfied, rate, ci],
                           align=["left", "right", "right", "right", "right", "center"])
    else:
        table = new_table(ctx.document, [5.0, 2.6, 2.2, 2.6, 3.6],
                          [first, "有效评价数", "人数", "满意度得分", "95%置信区间"])
        for g in groups_:
            rate, ci = _rate_text(g)
            styles.add_row(table, [g.name, str(g.n), str(g.respondents), rate, ci],
                           align=["left", "right", "right", "right", "center"])


MAX_CHART_GROUPS = 40
"""Above this many groups (units) the satisfaction chart is left out: its table is the readable form."""


def _satisfaction_chart(ctx, groups_: list[SatisfactionGroup], caption: str, charts: bool) -> None:
    if not charts or not groups_ or len(groups_) > MAX_CHART_GROUPS:
        return
    from ..pictures import satisfaction_chart_png

    if groups_[0].method == "top_box":
        items = [{"name": g.name, "rate": g.rate, "n": g.n, "ci95": g.ci95} for g in groups_]
    else:  # mean scores on a 0-100 scale drawn as fractions
        items = [{"name": g.name, "rate": None if g.rate is None else g.rate / 100, "n": g.n,
                  "ci95": None if g.ci95 is None else (max(0.0, g.ci95[0] / 100), min(1.0, g.ci95[1] / 100))}
                 for g in groups_]
    ctx.figure(lambda path: satisfaction_chart_png(items, path, title=""), caption, 14.0)


def _satisfaction_note(ctx, pooled: list[tuple[Questionnaire, list[str], str]]) -> None:
    parts = []
    for q, variables, _method in pooled:
        numbers = "、".join(str(q.question(v).number) for v in variables)
        parts.append(f"{role_name(q)}问卷第{numbers}题")
    methods = {m for _, _, m in pooled}
    if methods == {"top_box"}:
        how = "满意度＝选择“非常满意”“满意”的评价数／有效评价数"
    elif methods == {"score"}:
        how = "满意度得分为各选项分值的平均数"
    else:
        how = "满意度按各问卷的计分方法计算"
    styles.note(ctx.document, f"注：{how}，汇总{('、'.join(parts))}的全部评价（矩阵题每行计一次），“不了解”"
                              f"等不适用的回答不计入；有效评价数为评价（回答）次数，人数为作答人数。同一人的多项评价"
                              f"并不相互独立，95%置信区间按有效样本量（有效评价数÷设计效应，以作答人为群）计算，"
                              f"为Wilson区间（得分为正态近似）；每人只评价一次时即为通常的Wilson区间。")


def questions_section(ctx, frames: Mapping[str, pd.DataFrame], questionnaires: Mapping[str, Questionnaire],
                      *, charts: bool = True) -> None:
    """Satisfaction per role, then per questionnaire: per-unit satisfaction and every closed question."""
    doc = ctx.document
    valid = {qid: valid_only(frame) for qid, frame in frames.items()}
    pooled = []
    by_role: list = []
    for qid, frame in valid.items():
        q = questionnaires[qid]
        variables, method = satisfaction_variables(q)
        if variables and len(frame):
            pooled.append((q, variables, method))
            by_role.extend((q, g) for g in satisfaction_by(frame, q, variables, method, by="role"))
    names = [g.name for _, g in by_role]
    # two questionnaires for one role (two parent surveys) are told apart by their titles
    by_role = [replace(g, name=f"{g.name}（{q.title}）") if names.count(g.name) > 1 else g for q, g in by_role]
    index = 0
    if by_role:
        index += 1
        styles.heading(doc, f"{_sub(index)}满意度汇总", 2)
        methods = {g.method for g in by_role}
        ctx.table_caption("各类调查对象满意度")
        if len(methods) == 1:
            _satisfaction_table(ctx, by_role, "调查对象", methods.pop())
            _satisfaction_note(ctx, pooled)
            _satisfaction_chart(ctx, by_role, "各类调查对象满意度", charts)
        else:  # rates and mean scores do not share a column
            for method in ("top_box", "score"):
                _satisfaction_table(ctx, [g for g in by_role if g.method == method], "调查对象", method)
            _satisfaction_note(ctx, pooled)

    for qid, frame in valid.items():
        q = questionnaires[qid]
        index += 1
        styles.heading(doc, f"{_sub(index)}{role_name(q)}问卷：{q.title}", 2)
        styles.body(doc, f"{role_name(q)}问卷有效问卷{len(frame)}份，各题作答情况如下（比例＝小计／本题有效填写人次，"
                         f"多选题比例之和可超过100%）。")
        step = 0
        variables, method = satisfaction_variables(q)
        if variables and len(frame) and frame["unit"].map(_present).any():
            step += 1
            styles.heading(doc, f"{step}．各单位满意度", 3)
            by_unit = satisfaction_by(frame, q, variables, method, by="unit")
            ctx.table_caption(f"各单位{role_name(q)}满意度")
            _satisfaction_table(ctx, by_unit, "单位", method)
            _satisfaction_chart(ctx, by_unit, f"各单位{role_name(q)}满意度", charts)
        closed = [question for question in q.questions if question.type != "text"]
        if closed:
            step += 1
            styles.heading(doc, f"{step}．各题统计", 3)
            for question in closed:
                _question(ctx, frame, q, question, charts)


def _question(ctx, frame: pd.DataFrame, questionnaire: Questionnaire, question: Question, charts: bool) -> None:
    if question.type == "matrix":
        table = matrix_table(frame, questionnaire, question.id)
        ctx.table_caption(table.title)
        _matrix_table(ctx, table)
        return
    for table in question_tables(frame, questionnaire, question.id):
        ctx.table_caption(table.title)
        if table.type == "number":
            _number_table(ctx, table)
            continue
        choice_table(ctx, table)
        if charts and table.type in ("single", "multiple", "scale") and table.valid:
            from ..pictures import bar_chart_png

            ctx.figure(lambda path, t=table: bar_chart_png(t, path, titled=False),
                       f"第{table.number}题：{table.text}", 14.0)


def _matrix_table(ctx, table: MatrixTable) -> None:
    """Rows × options: 小计（比例） per option, each row's 本题有效填写人次 and satisfaction."""
    rated = table.method is not None
    extra = ["有效填写人次"] + (["满意度" if table.method == "top_box" else "平均得分"] if rated else [])
    first = 3.2
    rest = (styles.TEXT_WIDTH_CM - first) / (len(table.option_labels) + len(extra))
    grid = new_table(ctx.document, [first] + [rest] * (len(table.option_labels) + len(extra)),
                     ["评价项目", *table.option_labels, *extra])
    align = ["left"] + ["right"] * (len(table.option_labels) + len(extra))
    for row in table.rows:
        cells = [row.text] + [f"{c}（{percent(c, row.valid)}）" for c in row.counts] + [str(row.valid)]
        if rated:
            cells.append("—" if row.rate is None else
                         percent(row.rate) if table.method == "top_box" else f"{row.rate:.2f}")
        styles.add_row(grid, cells, align=align)
    styles.note(ctx.document, f"注：括号内为比例（小计／该行有效填写人次）；本题有效填写人次{table.valid}"
                              + ("；满意度按该行的有效评价计算，不适用的回答不计入。" if rated else "。"))


def choice_table(ctx, table: QuestionTable) -> None:
    """The 选项 / 小计 / 比例 table of one question or matrix row, ending with 本题有效填写人次."""
    grid = new_table(ctx.document, [9.0, 2.5, 2.5], ["选项", "小计", "比例"])
    for row in table.rows:
        styles.add_row(grid, [row.label, str(row.count), percent(row.count, table.valid)],
                       align=["left", "right", "right"])
    styles.add_row(grid, ["本题有效填写人次", str(table.valid), ""], align=["left", "right", "right"], bold=True)
    if table.others:
        shown = "；".join(dict.fromkeys(table.others))
        if len(shown) > 120:
            shown = shown[:120] + "……"
        styles.note(ctx.document, f"注：选择“其他”的填写内容（{len(table.others)}条）：{shown}。")


def _number_table(ctx, table: QuestionTable) -> None:
    grid = new_table(ctx.document, [9.0, 5.0], ["统计量", "数值"])
    s = table.summary
    for label, value in (("平均值", s.mean if s else None), ("中位数", s.median if s else None),
                         ("最小值", s.min if s else None), ("最大值", s.max if s else None)):
        styles.add_row(grid, [label, "—" if value is None else styles.number(value)], align=["left", "right"])
    styles.add_row(grid, ["本题有效填写人次", str(table.valid)], align=["left", "right"], bold=True)
