"""The post is read without binding the WTForms form, and gives what the bound form gives."""

from __future__ import annotations

import pytest
from werkzeug.datastructures import MultiDict

from questionnaires import load_questionnaire
from surveyapp.respond import forms as qforms

POSTS = [
    {},                                                                   # nothing at all
    {"q1": "初中", "q2": ["学校通知", "班主任"], "q3": "5", "q4.r1": "4", "q4.r2": "0", "q5": "是",
     "q6": "3", "q7": "12", "q8": "  两行\r\n文字  ", "submit-token": "x" * 30, "started-at": "s"},
    {"q1": ["小学", "初中"], "q2": "家长群", "q7": ["1", "2"], "q8": ["a", "b"], "q1.other": "",
     "q2.other": "朋友\r\n介绍", "unknown": "x", "submit-token": ["a", "b"]},   # forged: repeated values
    {"q3": "", "q2": [], "q4.r1": ["5", "5"]},
]


@pytest.mark.parametrize("post", POSTS)
def test_posted_values_equal_the_bound_forms_data(app, all_types_file, post):
    questionnaire = load_questionnaire(all_types_file)
    formdata = MultiDict()
    for key, value in post.items():
        for item in value if isinstance(value, list) else [value]:
            formdata.add(key, item)
    form = qforms.questionnaire_form_class(questionnaire)(formdata=formdata, meta={"csrf": False})
    raw, submit_token, started = qforms.posted_values(questionnaire, formdata)
    assert raw == qforms.raw_answers(form, questionnaire)
    assert submit_token == form[qforms.SUBMIT_FIELD].data
    assert started == form[qforms.STARTED_FIELD].data
