"""The questionnaire loader's problems in Chinese, for evaluators: places like ``questions[3].options[1]``
become ``第 4 题 › 选项 2`` and the loader's English sentences their Chinese wording.

A sentence without a wording here is shown as the loader wrote it (still with its Chinese place), so a new
loader message is never lost.
"""

from __future__ import annotations

import re

PLACE_PARTS = [
    (re.compile(r"^line (\d+), column (\d+)"), lambda m: f"第 {m.group(1)} 行第 {m.group(2)} 列"),
    (re.compile(r"^questions\[(\d+)\]"), lambda m: f"第 {int(m.group(1)) + 1} 题"),
    (re.compile(r"^scales\.([^.\[]+)"), lambda m: f"量表 {m.group(1)}"),
    (re.compile(r"^\.options\[(\d+)\]"), lambda m: f"选项 {int(m.group(1)) + 1}"),
    (re.compile(r"^\.rows\[(\d+)\]"), lambda m: f"小题 {int(m.group(1)) + 1}"),
    (re.compile(r"^\.satisfied\[(\d+)\]"), lambda m: f"计为满意的第 {int(m.group(1)) + 1} 项"),
    (re.compile(r"^\.show_if\.([^\[]+?)(?=\[|$)"), lambda m: f"显示条件 {m.group(1)}"),
    (re.compile(r"^\[(\d+)\]"), lambda m: f"第 {int(m.group(1)) + 1} 项"),
    (re.compile(r"^\.?(\w+)"), lambda m: KEY_NAMES.get(m.group(1), m.group(1))),
]
KEY_NAMES = {
    "format": "格式版本", "id": "编号", "title": "标题", "role": "填写对象", "intro": "开头说明", "outro": "结束语",
    "scales": "量表", "questions": "题目", "type": "题型", "text": "文字", "required": "必答", "options": "选项",
    "other": "其他", "scale": "量表", "rows": "小题", "min": "最少", "max": "最多", "integer": "整数",
    "max_length": "最多字数", "show_if": "显示条件", "code": "代码", "label": "文字", "score": "分值",
    "na": "不适用", "satisfied": "计为满意",
}
SENTENCES = [
    (r"is required(?: \(one of .*\))?", "必须填写"),
    (r"must be non-empty text, got .*", "不能为空"),
    (r"must be text, got .*", "必须是文字"),
    (r"an option cannot be empty", "选项文字不能为空"),
    (r"duplicate option code (.+)", r"选项代码 \1 重复"),
    (r"duplicate option label (.+)", r"选项文字 \1 重复"),
    (r"duplicate question id (.+)", r"题目编号 \1 重复"),
    (r"duplicate row id (.+)", r"小题编号 \1 重复"),
    (r"(.+) must match \^\[a-z0-9\]\[a-z0-9_-\]\*\$",
     r"\1 不符合要求：问卷编号只能用小写字母、数字、连字符和下划线，并以字母或数字开头"),
    (r"(.+) must match \^\[a-z\]\[a-z0-9_\]\*\$", r"\1 不符合要求：编号只能用小写字母、数字和下划线，并以字母开头"),
    (r"a scale name must match .*", "量表名称只能用小写字母、数字和下划线，并以字母开头"),
    (r"(.+) is not one of teacher, parent, student, principal, other", r"\1 不是可用的填写对象"),
    (r"must be a non-empty list of options", "至少需要一个选项"),
    (r"must be a non-empty list of rows with id and text", "矩阵题至少需要一个小题"),
    (r"must be a non-empty list of option codes", "至少需要选择一个选项"),
    (r"must be a non-empty list", "至少需要一道题"),
    (r"must be a number, got (.+)", r"必须是数字（现在是 \1）"),
    (r"must be a finite number, got (.+)", r"必须是数字（现在是 \1）"),
    (r"must be a whole number from 0 to (\d+)", r"必须是 0 到 \1 之间的整数（不能超过选项数）"),
    (r"must be a positive whole number, got (.+)", r"必须是正整数（现在是 \1）"),
    (r"must be text or a whole number, got (.+)", r"必须是文字或整数（现在是 \1）"),
    (r"min (\S+) is greater than max (\S+)", r"最少（\1）大于最多（\2）"),
    (r"unknown scale (.+?)(?: \(defined: (.*)\))?(?: \(no scales are defined\))?",
     r"量表 \1 不存在（请先在“量表”中添加，或选择已有的量表）"),
    (r"(.+) is not a code of this scale", r"\1 不是本量表的选项代码"),
    (r"(.+) is marked na and cannot count as satisfied", r"\1 是“不适用”选项，不能计为满意"),
    (r"the options already contain 其他; drop other: true or that option",
     "选项中已有“其他”，请去掉该选项或取消“加‘其他（请注明）’”"),
    (r"(.+) is not a question of this file .*", r"\1 不是本问卷的题目（显示条件只能引用前面的题目）"),
    (r"(.+) is this question itself; .*", r"\1 是本题自己，显示条件只能引用前面的题目"),
    (r"(.+) is question (\d+), after this one \(question (\d+)\); .*",
     r"\1 是第 \2 题，在本题（第 \3 题）之后；显示条件只能引用前面的题目"),
    (r"(.+) is not a row of matrix (.+)", r"\1 不是矩阵题 \2 的小题"),
    (r"(.+) is a (\w+) question; show_if needs single, multiple or scale",
     r"\1 不是选择题，显示条件只能引用单选、多选、量表题或矩阵题的小题"),
    (r"(.+) is not an option code of (.+) \(codes: (.*)\)", r"\1 不是 \2 的选项代码（可选：\3）"),
    (r"must map earlier question ids to lists of option codes", "请选择前面的题目和选项"),
    (r"must be 1, got .*", "必须是 1"),
    (r"unknown key \(allowed: .*\)", "不认识的项目"),
    (r"invalid YAML: duplicate key (.+) \(first written on line (\d+)\)",
     r"YAML 格式有误：键 \1 重复（第一次出现在第 \2 行）"),
    (r"invalid YAML: aliases repeat more than (\d+) values.*",
     r"YAML 格式有误：别名（*）重复的内容超过 \1 项，请直接写出各项内容"),
    (r"invalid YAML: alias \*(.+) is inside its own anchor", r"YAML 格式有误：别名 *\1 引用了它自己"),
    (r"invalid YAML: mapping values are not allowed here",
     "YAML 格式有误：此处不能有英文冒号（文字里的英文冒号请改为中文冒号，或给整段文字加引号）"),
    (r"invalid YAML: found character '\\t' that cannot start any token", "YAML 格式有误：不能用 Tab 缩进，请改用空格"),
    (r"invalid YAML: expected ',' or '}', but got .*", "YAML 格式有误：花括号 { } 没有闭合"),
    (r"invalid YAML: expected ',' or ']', but got .*", "YAML 格式有误：方括号 [ ] 没有闭合"),
    (r"invalid YAML: expected <block end>, but found .*", "YAML 格式有误：缩进不一致，请检查本行与上一行的空格数"),
    (r"invalid YAML: could not find expected ':'", "YAML 格式有误：缺少冒号"),
    (r"invalid YAML: found undefined alias (.+)", r"YAML 格式有误：别名 \1 没有定义"),
    (r"invalid YAML: (.*)", r"YAML 格式有误：\1"),
    (r"file is larger than (\d+) bytes", r"文件超过 \1 字节，请拆分或精简"),
    (r"not UTF-8 text: byte (0x[0-9a-f]+) at line (\d+), column (\d+).*",
     r"文件不是 UTF-8 编码（第 \2 行第 \3 列的字节 \1），请另存为 UTF-8"),
    (r"cannot read file: (.*)", r"无法读取文件：\1"),
    (r"'(.+)' is also used by (.+)", r"问卷编号“\1”已被 \2 使用"),
    (r"(.+) is not one of single, multiple, scale, matrix, number, text",
     r"\1 不是可用的题型（单选 single、多选 multiple、量表 scale、矩阵 matrix、数字 number、填空 text）"),
    (r"must be text or a mapping with code and label, got .*", "应为选项文字，或包含代码（code）和文字（label）的一项"),
    (r"must be a mapping of scale names to scales", "应为“量表名称: 量表”的形式"),
    (r"must be a mapping with options", "量表应包含选项（options）"),
    (r"must be a mapping with id, type and text", "每道题应包含编号（id）、题型（type）和文字（text）"),
    (r"must be a mapping with id and text", "每个小题应包含编号（id）和文字（text）"),
    (r"the file is empty.*", "文件是空的"),
    (r"the file must be a mapping .*", "文件内容应为问卷（format、id、title、role、questions 等项）"),
    (r"must be true or false, got .*", "只能是 true 或 false"),
]
COMPILED = [(re.compile(f"^{pattern}$"), wording) for pattern, wording in SENTENCES]


def chinese_place(place: str) -> str:
    """``questions[3].options[1].code`` as ``第 4 题 › 选项 2 › 代码``; other places as they are."""
    parts: list[str] = []
    rest = place
    while rest:
        for pattern, name in PLACE_PARTS:
            match = pattern.match(rest)
            if match:
                parts.append(name(match))
                rest = rest[match.end():]
                break
        else:
            return place
    return " › ".join(parts)


def chinese_problem(problem: str) -> str:
    for pattern, wording in COMPILED:
        if pattern.match(problem):
            return pattern.sub(wording, problem)
    return problem


def chinese_problems(problems: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """(original place, Chinese message naming the place) for each loader or text-import problem; the
    original place tells the editor which question a message belongs beside."""
    translated = []
    for place, problem in problems:
        if place.startswith("第 "):                   # already Chinese (the text import's lines)
            translated.append((place, f"{place}：{problem}"))
        else:
            translated.append((place, f"{chinese_place(place)}：{chinese_problem(problem)}" if place
                               else chinese_problem(problem)))
    return translated
