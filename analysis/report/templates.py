"""Every sentence of the report's narrative sections, in one place.

Templates take their numbers as explicit arguments, already computed by the scoring engine, the
satisfaction functions or the open-answer summary; they only format and join. Numbers print as the score
table prints them without trailing zeros (``5``, ``4.91``, ``98.2%``, ``100%``), counts with thousands
separators (``3,150``), with a space between a number and the Chinese text around it, as evaluators'
reports write them. Sentences are returned without their final ``。`` unless they always end a paragraph.

>>> closing_sentence(Decimal(5), Decimal("4.91"), Decimal("0.982"))
'指标分值 5 分，评价得分 4.91 分，得分率 98.2%。'
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from decimal import Decimal

from ..scoring.model import Rule
from ..scoring.rules import RuleOutcome
from ..scoring.table import format_number, format_percent, format_score, format_value

NUMERALS = "一二三四五六七八九"


# -- numbers -----------------------------------------------------------------------------------------------

_DECIMAL = re.compile(r"(\d+)\.(\d+)")


def trim(text: str) -> str:
    """Trailing zeros of every decimal number in `text` removed: ``98.20%`` -> ``98.2%``, ``5.00`` -> ``5``."""
    def cut(match: re.Match) -> str:
        decimals = match.group(2).rstrip("0")
        return f"{match.group(1)}.{decimals}" if decimals else match.group(1)
    return _DECIMAL.sub(cut, text)


def count(n: int) -> str:
    """A count with thousands separators: ``3150`` -> ``3,150``."""
    return f"{n:,}"


def score_text(score: Decimal) -> str:
    """A score as the table prints it, without trailing zeros: ``4.91``, ``5``."""
    return trim(format_score(score))


def percent_text(fraction: Decimal | float) -> str:
    """A fraction as a percentage with at most 2 decimals: ``0.982`` -> ``98.2%``."""
    return trim(format_percent(Decimal(str(fraction))))


def signed_percent(fraction: Decimal) -> str:
    """A deviation rate as the table prints it, without trailing zeros: ``+8%``, ``-3.5%``."""
    return trim(format_percent(fraction, signed=True))


def value_text(value: Decimal | float, unit: str) -> str:
    """An actual value in its unit: ``86.44%``; other units after a space (``27 个``, ``85.3 分``)."""
    value = Decimal(str(value))
    if unit == "%":
        return trim(format_value(value, unit))
    return f"{format_number(value)} {unit}" if unit else format_number(value)


def chinese_number(n: int) -> str:
    """1 -> 一, 10 -> 十, 12 -> 十二, 25 -> 二十五 (up to 99)."""
    if not 1 <= n <= 99:
        raise ValueError(f"chinese_number covers 1 to 99, not {n}")
    tens, ones = divmod(n, 10)
    head = "" if tens == 0 else ("十" if tens == 1 else f"{NUMERALS[tens - 1]}十")
    return head + ("" if ones == 0 else NUMERALS[ones - 1])


def quoted(labels: Sequence[str], joiner: str = "") -> str:
    """Labels in Chinese quotation marks: ``“有”``, ``“有”或“基本有”`` (with ``joiner`` 或)."""
    return joiner.join(f"“{label}”" for label in labels)


# -- headings ----------------------------------------------------------------------------------------------

def level1_heading(index: int, name: str) -> str:
    """（一）决策"""
    return f"（{chinese_number(index)}）{name}"


def level2_heading(index: int, name: str) -> str:
    """1. 资金投入"""
    return f"{index}. {name}"


def leaf_heading(index: int, name: str) -> str:
    """（1）预算编制合理性"""
    return f"（{index}）{name}"


EVIDENCE_INTRO = ("根据评价指标体系，各项三级指标的评价依据和得分情况如下。问卷数据均只统计有效答卷，"
                  "表中比例＝小计／本题有效填写人次（多选题比例之和可超过 100%）；"
                  "各指标得分保留两位小数，得分率＝评价得分／指标分值。")


def group_sentence(name: str, leaves: int, weight: Decimal, score: Decimal, rate: Decimal) -> str:
    """The summary under a level-1 heading."""
    return (f"{name}类指标共 {leaves} 项，分值 {format_number(weight)} 分，评价得分 {score_text(score)} 分，"
            f"得分率 {percent_text(rate)}。")


# -- survey evidence ---------------------------------------------------------------------------------------

def question_line(number: int, type_label: str, answered: int, text: str) -> str:
    """``问卷题 6（单选题，有效答题 420 人次）：……``"""
    return f"问卷题 {number}（{type_label}，有效答题 {count(answered)} 人次）：{text}"


def source_sentence(role: str, title: str, units: Sequence[str], roles: Sequence[str], responses: int) -> str:
    """Which questionnaire and rows the questions below were counted on."""
    narrowed = []
    if units:
        narrowed.append("、".join(units))
    if roles:
        narrowed.append("、".join(roles))
    only = f"（仅统计{'的'.join(narrowed)}的答卷）" if narrowed else ""
    return f"以下数据来自{role}问卷《{title}》的有效答卷{only}，共 {count(responses)} 份。"


def share_sentence(options: Sequence[str], value: Decimal, chosen: int, prefix: str = "") -> str:
    """``选择“有”的人次占比为 86.4%`` (several options: with the count of people choosing any)."""
    text = f"{prefix}选择{quoted(options, '或')}的人次占比为 {value_text(value, '%')}"
    return text + (f"（共 {count(chosen)} 人次）" if len(options) > 1 else "")


def satisfied_phrase(labels: Sequence[str]) -> str:
    """``满意及以上`` for a 满意 scale's top box, else the labels: ``选择“非常同意”或“同意”``."""
    if "满意" in labels and all(label.endswith("满意") and "不" not in label for label in labels):
        return "满意及以上"
    return f"选择{quoted(labels, '或')}"


def top_box_sentence(labels: Sequence[str], value: Decimal, *, questions: int, n: int, satisfied: int,
                     na: int, na_labels: Sequence[str], prefix: str = "", brief: bool = False) -> str:
    """``满意及以上的占比为 95.1%``; pooled over several questions the counts come first.

    `brief` (inside a mean) gives only the share.
    """
    phrase = satisfied_phrase(labels)
    share = f"{phrase}的占比为 {value_text(value, '%')}"
    left_out = f"（{quoted(na_labels)}的 {count(na)} 人次不计入）" if na and na_labels else ""
    if brief:
        return f"{prefix}{share}"
    if questions == 1:
        return f"{prefix}{share}{left_out}"
    return (f"{prefix}以上 {questions} 题合计有效评价 {count(n)} 人次{left_out}，其中{phrase} {count(satisfied)} "
            f"人次，{share}")


def score_method_sentence(scores: Sequence[tuple[str, Decimal]], value: Decimal, *, questions: int, n: int,
                          na: int, na_labels: Sequence[str], prefix: str = "", brief: bool = False) -> str:
    """``按各选项分值（非常满意 100 分、……）计算，满意度平均得分为 85.3 分``."""
    mean = f"满意度平均得分为 {value_text(value, '分')}"
    if brief:
        return f"{prefix}{mean}"
    scale = "、".join(f"{label} {format_number(score)} 分" for label, score in scores)
    left_out = f"，{quoted(na_labels)}的 {count(na)} 人次不计入" if na and na_labels else ""
    pooled = f"以上 {questions} 题合计有效评价 {count(n)} 人次，" if questions > 1 else ""
    return f"{prefix}按各选项分值（{scale}）计算{left_out}，{pooled}{mean}"


CATEGORY_PHRASES = {"no_opinion": "无意见", "positive": "正面评价", "negative": "负面意见",
                    "suggestion": "意见建议", "other": "其他内容"}
"""How a sentence names the answers of a text-share category."""


def text_share_sentence(category: str, value: Decimal, *, matched: int, n: int, prefix: str = "",
                        brief: bool = False) -> str:
    """``本题有效回答 320 人次，其中无意见 240 人次，无意见占比为 75%``."""
    phrase = CATEGORY_PHRASES[category]
    share = f"{phrase}占比为 {value_text(value, '%')}"
    if brief:
        return f"{prefix}{share}"
    return f"{prefix}本题有效回答 {count(n)} 人次，其中{phrase} {count(matched)} 人次，{share}"


def _target(target: str) -> str:
    """A target after 目标值: ``=100%`` and ``2025年8月31日前`` after a space, a word in quotes (“建立”)."""
    return f"“{target}”" if "\u4e00" <= target[0] <= "\u9fff" else f" {target}"


def target_sentence(target: str) -> str:
    """``目标值为 2025年8月31日前`` / ``目标值为“建立”``, for a leaf scored without an actual value."""
    return f"目标值为{_target(target)}"


def literal_sentence(value: Decimal, unit: str, target: str | None, deviation: Decimal | None) -> str:
    """``实际完成值为 96.5%（目标值 =100%），偏差率为 -3.5%``."""
    text = f"实际完成值为 {value_text(value, unit)}"
    if target:
        text += f"（目标值{_target(target)}）"
    if deviation is not None:
        text += f"，偏差率为 {signed_percent(deviation)}"
    return text


def mean_sentence(parts: int, word: str, value: Decimal, unit: str) -> str:
    """``取以上 2 题结果的算术平均值为 88.1%``; `word` is 题 when every part is one question, else 项."""
    return f"取以上 {parts} {word}结果的算术平均值为 {value_text(value, unit)}"


# -- rules -------------------------------------------------------------------------------------------------

def spaced(text: str) -> str:
    """`text` with a space after it when it ends in a digit, a Latin letter or %, before Chinese text."""
    return f"{text} " if text and text[-1].isascii() else text


def _points(number: Decimal, unit: str) -> str:
    """A distance on the value's scale: percentages in 个百分点, other units in the unit."""
    return f"{format_number(number)} 个百分点" if unit in ("%", "") else f"{format_number(number)} {unit}"


def rule_sentence(rule: Rule, outcome: RuleOutcome, unit: str) -> str:
    """The rule in words and how it applied, e.g. ``评价标准为≥90%，每降低 1 个百分点扣减权重分的 1%；
    实际值较标准低 1.86 个百分点，扣减权重分的 1.86%``.

    Parameters
    ----------
    rule : Rule
    outcome : RuleOutcome
        From the scoring engine (``LeafResult.outcome``).
    unit : str
        The value's unit as the sentences show it (``%``, ``个月``, ``分`` or ``""``).
    """
    kind = rule.type
    if kind == "manual":
        return "该指标由评价人员根据佐证材料综合评定得分"
    if kind == "yes_no":
        done = "已按要求完成，得满分" if outcome.case == "met" else "未按要求完成，不得分"
        return f"评价标准为按要求完成得满分，未完成不得分；经核查，{done}"
    if kind == "checklist":
        return _checklist(rule, outcome)
    if kind == "proportional":
        return _proportional(rule, outcome, unit)
    if kind == "ratio_below":
        text = f"评价标准为≥{value_text(rule.threshold, unit)}，达到标准得满分，未达到的按实际值与标准值之比计分"
        if outcome.case == "full":
            return text + "；实际值达到标准，得满分"
        return text + f"；实际值为标准值的 {percent_text(outcome.fraction)}，按此比例计分"
    below = kind == "deduct_below"
    sign, move = ("≥", "降低") if below else ("≤", "超出")
    text = f"评价标准为{sign}{value_text(rule.threshold, unit)}，每{move} {_points(Decimal(1), unit)}扣减权重分的 " \
           f"{format_number(rule.per_point)}%"
    limit = rule.floor if below else rule.ceiling
    if limit is not None:
        text += f"，{'低于' if below else '超过'} {spaced(value_text(limit, unit))}不得分"
    if outcome.case == "full":
        return text + ("；实际值达到标准，得满分" if below else "；实际值未超过标准，得满分")
    if outcome.case in ("below_floor", "above_ceiling"):
        return text + f"；实际值{'低于' if below else '超过'} {value_text(limit, unit)}，不得分"
    text += (f"；实际值较标准{'低' if below else '高'} {_points(outcome.gap, unit)}，扣减权重分的 "
             f"{format_number(outcome.deduction)}%")
    return text + ("，扣完为止" if outcome.clamped else "")


def _checklist(rule: Rule, outcome: RuleOutcome) -> str:
    shares = {item.share for item in rule.items}
    if len(shares) == 1:
        items = f"每项占权重分的 {percent_text(shares.pop())}：{'、'.join(item.name for item in rule.items)}"
    else:
        items = "、".join(f"{item.name}（占权重分的 {percent_text(item.share)}）" for item in rule.items)
    text = f"评价标准共 {len(rule.items)} 项，{items}；经核查，"
    met = [item.name for item in rule.items if item.met]
    unmet = [item.name for item in rule.items if not item.met]
    if not unmet:
        return text + f"{len(met)} 项均满足，得权重分的 {percent_text(outcome.fraction)}"
    if not met:
        return text + f"{len(unmet)} 项均未满足，不得分"
    return (text + f"满足{quoted(met)}共 {len(met)} 项，未满足{quoted(unmet)}共 {len(unmet)} 项，"
                   f"得权重分的 {percent_text(outcome.fraction)}")


def _proportional(rule: Rule, outcome: RuleOutcome, unit: str) -> str:
    text = "评价标准为按完成比例计分，得分＝分值×实际完成值"
    if rule.round_value is not None:
        how = "四舍五入取整" if rule.round_value == 0 else f"四舍五入保留 {rule.round_value} 位小数"
        text += f"；实际完成值先{how}为 {value_text(outcome.value, unit or '%')}"
    if outcome.clamped:
        text += "，完成比例超过 100% 的按满分计" if outcome.fraction > 1 else "，完成比例低于 0 的不得分"
    return text


def override_sentence(computed: Decimal, score: Decimal, reason: str) -> str:
    """``经评价人员调整，评价得分由计算得分 3.21 分调整为 3.5 分，理由：专家评议后调整``."""
    return f"经评价人员调整，评价得分由计算得分 {score_text(computed)} 分调整为 {score_text(score)} 分，理由：{reason}"


def closing_sentence(weight: Decimal, score: Decimal, rate: Decimal) -> str:
    """``指标分值 5 分，评价得分 4.91 分，得分率 98.2%。`` (exactly this, numbers as the score table shows them)."""
    return f"指标分值 {format_number(weight)} 分，评价得分 {score_text(score)} 分，得分率 {percent_text(rate)}。"


def paragraph(*sentences: str) -> str:
    """Sentences joined into one paragraph, each ending in ``。``; empty ones left out."""
    return "".join(s if s.endswith("。") else f"{s}。" for s in sentences if s)


NO_RATED_QUESTIONS = "所选问卷没有满意度量表题，无法计算满意度。"
SATISFACTION_NOTE = ("注：满意度＝选择“非常满意”“满意”等满意选项的评价人次／有效评价人次，"
                     "“不了解”等不适用的回答不计入；同一问卷的多道满意度题合并计算（矩阵题每行计一次）；"
                     "95% 置信区间为 Wilson 区间（得分为正态近似）。")


# -- satisfaction ------------------------------------------------------------------------------------------

def rate_text(rate: float, method: str) -> str:
    """A satisfaction rate: a percentage (top_box) or points (score)."""
    return percent_text(rate) if method == "top_box" else value_text(rate, "分")


def interval_text(ci95: tuple[float, float] | None, method: str) -> str:
    """``79.8%～82.5%`` (top_box) or ``83.1～87.5 分`` (score); ``—`` without an interval."""
    if ci95 is None:
        return "—"
    if method == "top_box":
        return f"{percent_text(ci95[0])}～{percent_text(ci95[1])}"
    return f"{format_number(Decimal(str(ci95[0])))}～{value_text(ci95[1], '分')}"


def rate_with_n(rate: str, people: int, people_word: str, interval: str) -> str:
    """``81.2%（n = 3,150 人，95% 置信区间 79.8%～82.5%）``."""
    return f"{rate}（n = {count(people)} {people_word}，95% 置信区间 {interval}）"


def satisfaction_sentence(subject: str, rate: str, people: int, people_word: str, interval: str) -> str:
    """``家长满意度为 81.2%（n = 3,150 人，95% 置信区间 79.8%～82.5%）``.

    Every number is an argument: `people` and `people_word` come from one adapter
    (:func:`analysis.report.satisfaction_text.people`).
    """
    return f"{subject}满意度为 {rate_with_n(rate, people, people_word, interval)}"


def unit_rate(name: str, rate: str, people: int, people_word: str, interval: str) -> str:
    """``第一小学 85.2%（n = 54 人次，95% 置信区间 72.9%～92.3%）``."""
    return f"{name} {rate_with_n(rate, people, people_word, interval)}"


def target_clause(target: str, met: bool) -> str:
    """``达到 90% 的目标`` / ``未达到 90% 的目标``."""
    return f"{'达到' if met else '未达到'} {spaced(target)}的目标"


def units_below_sentence(subject: str, target: str, below: Sequence[str], surely: Sequence[str],
                         unsure: Sequence[str]) -> str:
    """Units whose rate is under the target; `below` holds each unit as ``名称 85.2%（n = …，…）``.

    `surely` names the units whose interval lies wholly under the target, `unsure` the others.
    """
    if not below:
        return f"按单位统计，各单位{subject}满意度均不低于 {target}。"
    text = f"按单位统计，{subject}满意度低于 {spaced(target)}的单位有 {len(below)} 个：{'；'.join(below)}。"
    if surely:
        text += f"其中{'、'.join(surely)}的 95% 置信区间上限也低于 {target}，可以确认未达到目标"
        text += "；" if unsure else "。"
    if unsure:
        text += (f"{'、'.join(unsure)}的 95% 置信区间包含 {target}，按现有样本尚不能确认低于目标。")
    return text


def lowest_questions_sentence(subject: str, items: Sequence[tuple[int, str, str]]) -> str:
    """``家长评价中满意度最低的 3 项是：第 4 题“……”（60%）、……。`` from (number, text, rate)."""
    listed = "、".join(f"第 {number} 题“{text}”（{rate}）" for number, text, rate in items)
    return f"{subject}评价中满意度最低的 {len(items)} 项是：{listed}。"


# -- open answers ------------------------------------------------------------------------------------------

THEME_LABELS = {"negative": "不满和问题反映", "suggestion": "意见和建议", "positive": "肯定和表扬",
                "other": "其他内容"}


NO_OPEN_QUESTIONS = "所选问卷没有开放题。"


def no_answers_sentence(subject: str, number: int, text: str) -> str:
    """``家长问卷第 6 题“……”没有收到有效回答。``"""
    return f"{subject}问卷第 {number} 题“{text}”没有收到有效回答。"


def open_question_sentence(subject: str, number: int, text: str, answered: int, no_opinion: int,
                           share: Decimal | float) -> str:
    """``家长问卷第 6 题“……”共收到有效回答 320 条，其中表示没有意见的 240 条，占 75%。``"""
    return (f"{subject}问卷第 {number} 题“{text}”共收到有效回答 {count(answered)} 条，其中回答“无”“没有”等、"
            f"表示没有意见的 {count(no_opinion)} 条，占 {percent_text(share)}。")


def theme_clause(index: int, label: str, answers: int, share: Decimal | float, keywords: Sequence[str],
                 examples: Sequence[str]) -> str:
    """``一是意见和建议（2 条，占 33.33%），关键词为“开展”“活动”，如“希望多开展活动”``."""
    text = f"{chinese_number(index)}是{label}（{count(answers)} 条，占 {percent_text(share)}）"
    if keywords:
        text += f"，关键词为{quoted(keywords)}"
    if examples:
        text += f"，如{'、'.join(quoted([e]) for e in examples)}"
    return text


def themes_sentence(clauses: Sequence[str]) -> str:
    """The themes after the no-opinion sentence; ``其余回答均表示没有意见。`` when there are none."""
    if not clauses:
        return "全部回答均表示没有意见。"
    return f"其余回答主要涉及以下方面：{'；'.join(clauses)}。"
