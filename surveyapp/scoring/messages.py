"""Indicator-system problems in Chinese for the console: places by indicator names, messages translated.

The loader (`analysis.scoring.parse_indicators`) reports each problem as an English place and message
(``indicators[1].children[0].children[0].weight``, ``is required``). The console shows the place as the
path of indicator names the evaluator wrote (``过程 › 资金管理 › 预算执行率 › 分值（weight）``) and the message
in Chinese; a message without a translation below is shown as the loader wrote it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import yaml

from questionnaires.model import TYPE_LABELS

KEY_LABELS = {
    "format": "格式版本（format）", "title": "标题（title）", "grades": "评级（grades）",
    "indicators": "指标（indicators）", "name": "名称（name）", "children": "下级指标（children）",
    "weight": "分值（weight）", "target": "指标值（target）", "value": "实际完成值（value）",
    "rule": "计分规则（rule）", "override": "调整得分（override）", "type": "规则类型（type）",
    "threshold": "阈值（threshold）", "per_point": "每点扣分（per_point）", "floor": "下限（floor）",
    "ceiling": "上限（ceiling）", "items": "核查项（items）", "share": "占比（share）", "met": "是否达成（met）",
    "score": "得分（score）", "reason": "理由（reason）", "grade": "等级（grade）", "min": "最低分（min）",
    "round_value": "取整位数（round_value）", "form": "问卷（form）", "question": "题目（question）",
    "questions": "题目（questions）", "options": "选项（options）", "method": "方法（method）",
    "category": "类别（category）", "filter": "筛选（filter）",
}

RULE_LABELS = {
    "manual": "人工评分", "yes_no": "是否完成", "checklist": "逐项核查", "proportional": "按比例计分",
    "deduct_below": "低于目标扣分", "deduct_above": "高于目标扣分", "ratio_below": "按完成比例计分",
}

MESSAGES: list[tuple[re.Pattern, Callable[[re.Match], str]]] = [(re.compile(p), f) for p, f in [
    (r"^is required$", lambda m: "必须填写"),
    (r"^is required by the (\w+) rule$", lambda m: f"“{RULE_LABELS.get(m[1], m[1])}”规则必须填写此项"),
    (r"^is required: an override must give its reason$", lambda m: "调整得分必须写明理由"),
    (r"^is required \(one of (.+)\)$", lambda m: f"必须填写，可选：{m[1]}"),
    (r"^unknown key \(allowed: (.+)\)$", lambda m: f"不认识的键，可用的键：{m[1]}"),
    (r"^unknown rule (.+) \(one of (.+)\)$", lambda m: f"未知的计分规则 {m[1]}，可选：{m[2]}"),
    (r"^must be a number, got (.+)$", lambda m: f"应为数字，实际为 {m[1]}"),
    (r"^must be greater than 0, got (.+)$", lambda m: f"应大于 0，实际为 {m[1]}"),
    (r"^must not be negative, got (.+)$", lambda m: f"不能为负数，实际为 {m[1]}"),
    (r"^must be true or false, got (.+)$", lambda m: f"应为 true 或 false，实际为 {m[1]}"),
    (r"^must be non-empty text, got (.+)$", lambda m: f"不能为空，实际为 {m[1]}"),
    (r"^must be 1, got (.+)$", lambda m: f"应为 1，实际为 {m[1]}"),
    (r"^duplicate name (.+) at this level$", lambda m: f"同一层级的名称 {m[1]} 重复"),
    (r"^duplicate grade (.+)$", lambda m: f"等级 {m[1]} 重复"),
    (r"^(.+) is more than the weight (.+)$", lambda m: f"{m[1]} 超过分值 {m[2]}"),
    (r"^the shares add up to (.+), more than 1$", lambda m: f"各项占比之和为 {m[1]}，超过 1"),
    (r"^a share is a fraction of the weight \(at most 1\), got (.+)$",
     lambda m: f"占比应为不超过 1 的小数，实际为 {m[1]}"),
    (r"^grades must be listed highest first", lambda m: "评级须按最低分从高到低排列"),
    (r"^must be a non-empty list of level-(\d) indicators$", lambda m: f"应为至少一项的{m[1]}级指标列表"),
    (r"^the indicator tree has three levels", lambda m: "指标体系只有三级：三级指标不能再有下级指标"),
    (r"^a level-(\d) indicator needs children", lambda m: f"{m[1]}级指标必须有下级指标（只有三级指标计分）"),
    (r"^invalid YAML: (.+)$", lambda m: f"YAML 格式错误：{m[1]}"),
    (r"^the file is larger than (\d+) bytes$", lambda m: f"文件超过 {m[1]} 字节"),
    (r"^the file holds no indicator system$", lambda m: "文件中没有指标体系"),
    (r"^the file must be a mapping with format, title, grades and indicators$",
     lambda m: "文件内容应为指标体系（包含 format、title、grades 和 indicators）"),
    (r"^must be a non-empty list of \{grade, min\}, highest first$",
     lambda m: "应为至少一项的评级列表（每项含 grade 和 min），从高到低排列"),
    (r"^must be a mapping with grade and min$", lambda m: "每个评级应包含等级（grade）和最低分（min）"),
    (r"^must be a mapping with name and (.+)$", lambda m: "每个指标应包含名称（name），以及下级指标或分值和计分规则"),
    (r"^must be text such as '≥95%', got (.+)$", lambda m: f"指标值应为文字，例如“≥95%”，实际为 {m[1]}"),
    (r"^must be a mapping with a type$", lambda m: "计分规则应包含规则类型（type）"),
    (r"^must be a whole number of decimals from 0 to 6, got (.+)$",
     lambda m: f"应为 0 到 6 之间的整数位数，实际为 {m[1]}"),
    (r"^floor (.+) is above the threshold (.+)$", lambda m: f"下限 {m[1]} 高于阈值 {m[2]}"),
    (r"^ceiling (.+) is below the threshold (.+)$", lambda m: f"上限 {m[1]} 低于阈值 {m[2]}"),
    (r"^must be a non-empty list of \{name, share, met\}$",
     lambda m: "应为至少一项的核查项列表（每项含 name、share 和 met）"),
    (r"^must be a mapping with name, share and met$",
     lambda m: "每个核查项应包含名称（name）、占比（share）和是否达成（met）"),
    (r"^must be a mapping with score and reason$", lambda m: "调整得分应包含得分（score）和理由（reason）"),
    (r"^unknown value source \(one of (.+)\)$", lambda m: f"未知的取值方式，可选：{m[1]}"),
    (r"^must be a non-empty list of values$", lambda m: "应为至少一项的取值列表"),
    (r"^must be a mapping$", lambda m: "应为“键: 值”的形式"),
    (r"^(.+) is not a questionnaire id$", lambda m: f"{m[1]} 不是问卷编号"),
    (r"^must be a non-empty list of option codes or labels, got (.+)$",
     lambda m: f"应为至少一项的选项代码或选项文字列表，实际为 {m[1]}"),
    (r"^must be a non-empty list of question ids such as q3 or q4.r1, got (.+)$",
     lambda m: f"应为至少一项的题目编号列表（例如 q3 或 q4.r1），实际为 {m[1]}"),
    (r"^must be a category name such as no_opinion, got (.+)$",
     lambda m: f"应为类别名称（例如 no_opinion），实际为 {m[1]}"),
    (r"^must be a question id such as q3 or q4.r1, got (.+)$",
     lambda m: f"应为题目编号（例如 q3 或 q4.r1），实际为 {m[1]}"),
    (r"^must be a mapping with unit and/or role lists$", lambda m: "筛选应包含学校（unit）和/或角色（role）列表"),
    (r"^must be a non-empty list of (\w+) codes, got (.+)$", lambda m: f"应为至少一项的代码列表，实际为 {m[2]}"),
    (r"^(.+) is not one of (.+)$", lambda m: f"{m[1]} 不是可用的值，可选：{m[2]}"),
    (r"^must be a finite number, got (.+)$", lambda m: f"应为数字，实际为 {m[1]}"),
    (r"^unknown category (.+); expected one of (.+)$", lambda m: f"未知的类别 {m[1]}，可选：{m[2]}"),
    (r"^questionnaire (.+) has no question (.+)$", lambda m: f"问卷 {m[1]} 中没有题目 {m[2]}"),
    (r"^(.+) is not a row of matrix (.+) in (.+)$", lambda m: f"{m[1]} 不是问卷 {m[3]} 中矩阵题 {m[2]} 的小题"),
    (r"^(.+) is not a variable of (.+) in (.+)$", lambda m: f"{m[1]} 不是问卷 {m[3]} 中题目 {m[2]} 的变量"),
    (r"^(.+) is an other-text; name the question (.+)$", lambda m: f"{m[1]} 是“其他”填写内容，请改用题目 {m[2]}"),
    (r"^(.+) is a (\w+) question; satisfaction needs scale or matrix.*$",
     lambda m: f"{m[1]} 是{TYPE_LABELS.get(m[2], m[2])}，满意度只能用量表题或矩阵量表题的小题"),
    (r"^(.+) is a (\w+) question; share needs (.+)$",
     lambda m: f"{m[1]} 是{TYPE_LABELS.get(m[2], m[2])}，占比只能用单选、多选、量表题或矩阵量表题的小题"),
    (r"^(.+) is a (\w+) question; text_share needs an open \(text\) question.*$",
     lambda m: f"{m[1]} 是{TYPE_LABELS.get(m[2], m[2])}，开放题占比只能用填空题或“其他”填写内容"),
    (r"^no valid answers in (\S+)(?: with .*)?: the value cannot be computed$",
     lambda m: f"问卷 {m[1]} 中没有有效回答，无法计算该值"),
    (r"^no response data for questionnaire (.+) \(data given for: (.*)\)$",
     lambda m: f"没有问卷 {m[1]} 的答卷数据（已有：{m[2]}）"),
    (r"^unknown questionnaire (.+): its definition was not found$", lambda m: f"找不到问卷 {m[1]} 的定义"),
]]
LEVEL_WORDS = {1: "一级指标", 2: "二级指标", 3: "三级指标"}
STEP = re.compile(r"([A-Za-z_]+)(?:\[(\d+)\])?")
LINE = re.compile(r"^line (\d+), column (\d+)$")


def chinese_message(message: str) -> str:
    for pattern, translate in MESSAGES:
        match = pattern.search(message)
        if match:
            return translate(match)
    return message


def chinese_place(place: str, raw: Any) -> str:
    """``indicators[1].children[0].weight`` -> ``过程 › 资金管理 › 分值（weight）`` (names from the YAML data
    `raw` where it has them, else ``第2项一级指标``)."""
    line = LINE.match(place)
    if line:
        return f"第 {line[1]} 行第 {line[2]} 列"
    if not place:
        return "整个文件"
    parts: list[str] = []
    node, level = raw, 0
    for step in place.split("."):
        match = STEP.fullmatch(step)
        if match is None:
            parts.append(step)
            node = None
            continue
        key, index = match[1], match[2]
        node = node.get(key) if isinstance(node, dict) else None
        if key in ("indicators", "children") and index is not None:
            level += 1
            item = node[int(index)] if isinstance(node, list) and int(index) < len(node) else None
            name = item.get("name") if isinstance(item, dict) else None
            parts.append(str(name) if name not in (None, "") else f"第{int(index) + 1}项{LEVEL_WORDS.get(level, '')}")
            node = item
        else:
            label = KEY_LABELS.get(key, key)
            if index is not None:
                label += f"第{int(index) + 1}项"
                node = node[int(index)] if isinstance(node, list) and int(index) < len(node) else None
            parts.append(label)
    return " › ".join(parts)


def chinese_problems(problems: list[tuple[str, str]], text: str) -> list[tuple[str, str]]:
    """(place, message) pairs of the loader in Chinese, places named from the YAML `text` when it parses."""
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError:
        raw = None
    return [(chinese_place(place.split(" (")[0], raw), chinese_message(message)) for place, message in problems]
