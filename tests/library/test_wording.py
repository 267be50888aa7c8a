"""Every problem an evaluator can make in a questionnaire file reaches the console in Chinese."""

from __future__ import annotations

import re
import textwrap

import pytest

from questionnaires import QuestionnaireError, parse_questionnaire
from questionnaires.yamlfile import MAX_FILE_BYTES
from surveyapp.library.wording import chinese_problems

HEAD = "format: 1\nid: bad\ntitle: 问卷\nrole: parent\n"
BAD = {
    "type": HEAD + "questions:\n  - {id: q1, type: choice, text: 题}\n",
    "option": HEAD + "questions:\n  - {id: q1, type: single, text: 题, options: [[1, 2]]}\n",
    "scales": HEAD + "scales: [a, b]\nquestions:\n  - {id: q1, type: text, text: 题}\n",
    "scale body": HEAD + "scales: {s: yes}\nquestions:\n  - {id: q1, type: text, text: 题}\n",
    "question": HEAD + "questions:\n  - 第一题\n",
    "row": HEAD + "scales: {s: {options: [好, 差]}}\nquestions:\n  - {id: q1, type: matrix, text: 题, scale: s, "
                  "rows: [一行]}\n",
    "duplicate key": HEAD + "title: 又一个标题\nquestions:\n  - {id: q1, type: text, text: 题}\n",
    "syntax": HEAD + "questions:\n  - {id: q1, type: text, text: 题\n",
    "colon": HEAD + "questions:\n  - id: q1\n    type: text\n    text: 说明: 请填写\n",
    "tab": HEAD + "questions:\n\t- {id: q1, type: text, text: 题}\n",
    "indent": HEAD + "questions:\n  - id: q1\n    type: text\n   text: 题\n",
    "alias bomb": HEAD + "a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{b}: &{b} [{', '.join(['*' + a] * 10)}]\n" for a, b in zip("abcdefg", "bcdefgh", strict=True)),
    "huge": HEAD + "intro: " + "长" * (MAX_FILE_BYTES // 3 + 10) + "\n",
}
ENGLISH = re.compile(r"\b(?!YAML\b)[A-Za-z]{4,}\b")
QUOTED = re.compile(r"'[^']*'|“[^”]*”|（[^）]*）")     # the file's own values and the keys named in brackets


def problems_of(text: str) -> list[str]:
    with pytest.raises(QuestionnaireError) as caught:
        parse_questionnaire(text, "bad.yaml")
    return [message for _, message in chinese_problems(caught.value.problems)]


@pytest.mark.parametrize("case", sorted(BAD))
def test_problems_of_a_bad_file_read_in_chinese(case):
    messages = problems_of(textwrap.dedent(BAD[case]))
    assert messages
    for message in messages:
        assert not ENGLISH.search(QUOTED.sub("", message)), message


def test_a_syntax_problem_names_its_line_in_chinese():
    (message,) = problems_of(BAD["colon"])
    assert message.startswith("第 ") and "行第" in message and "英文冒号" in message
