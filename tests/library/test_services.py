"""The questionnaire library service: versions, the built-in files, lookups, uploads, surveys from versions."""

from __future__ import annotations

import io

import pytest
import sqlalchemy as sa
from docx import Document

from questionnaires import SHIPPED, QuestionnaireError, clean_answers
from surveyapp.extensions import db
from surveyapp.library.services import (
    LibraryError,
    find_version,
    get_version,
    list_library,
    store_questionnaire,
    store_text_import,
    store_upload,
    sync_builtin,
)
from surveyapp.models import QuestionnaireVersion, Response
from surveyapp.surveys.services import SurveyError, create_survey, version_questionnaire
from surveyapp.surveys.units import UnitRow

SHIPPED_IDS = sorted(p.stem for p in SHIPPED.glob("*.yaml"))

V1 = """\
format: 1
id: afterschool
title: 课后服务家长问卷
role: parent
questions:
  - id: q1
    type: single
    text: 孩子是否参加课后服务？
    options: [是, 否]
"""
V2 = V1.replace("options: [是, 否]", "options: [是, 否, 不清楚]")
TEXT = "课后服务学生问卷\nid: afterschool-student\n1. 你参加课后服务吗？[单选题]\nA. 参加\nB. 不参加\n"


def test_the_same_content_is_the_same_version_and_changed_content_the_next(app):
    first = store_questionnaire(V1, "a.yaml", "upload")
    again = store_questionnaire("# a comment does not change the content\n" + V1, "b.yaml", "api")
    second = store_questionnaire(V2, "c.yaml", "editor")
    db.session.commit()
    assert (first.created, again.created, second.created) == (True, False, True)
    assert again.version.id == first.version.id
    assert (first.version.number, second.version.number) == (1, 2)
    assert (first.version.origin, second.version.origin) == ("upload", "editor")
    assert second.version.source == V2
    assert get_version("afterschool").id == second.version.id
    assert get_version("afterschool", 1).id == first.version.id
    assert find_version("afterschool", 3) is None and find_version("nothing") is None
    with pytest.raises(LibraryError, match="has no version 3"):
        get_version("afterschool", 3)
    with pytest.raises(LibraryError, match="no questionnaire 'nothing'"):
        get_version("nothing")


def test_an_invalid_questionnaire_stores_nothing(app):
    with pytest.raises(QuestionnaireError) as caught:
        store_questionnaire(V1.replace("type: single", "type: singel"), "bad.yaml")
    assert caught.value.problems[0][0] == "questions[0].type"
    assert db.session.scalar(sa.select(sa.func.count()).select_from(QuestionnaireVersion)) == 0


def test_the_shipped_files_are_the_built_in_library_stored_once(app):
    added = sync_builtin()
    assert sorted(v.questionnaire_id for v in added) == SHIPPED_IDS
    assert sync_builtin() == []
    store_questionnaire(V1, "a.yaml")
    entries = list_library()
    assert [e.id for e in entries] == sorted([*SHIPPED_IDS, "afterschool"])
    assert {e.id: e.builtin for e in entries}["afterschool"] is False
    assert all(e.builtin and [v.number for v in e.versions] == [1] for e in entries if e.id in SHIPPED_IDS)


def test_a_changed_shipped_file_becomes_the_next_version(app, tmp_path):
    folder = tmp_path / "shipped"
    folder.mkdir()
    (folder / "afterschool.yaml").write_text(V1, encoding="utf-8")
    sync_builtin(folder)
    (folder / "afterschool.yaml").write_text(V2, encoding="utf-8")
    entry = next(e for e in list_library(folder) if e.id == "afterschool")
    assert [v.number for v in entry.versions] == [1, 2] and entry.builtin
    assert entry.latest.source == V2


def test_responses_keep_pointing_at_the_version_they_answered(app):
    version_1 = store_questionnaire(V1, "a.yaml").version
    survey = create_survey("课后服务调查", "afterschool-2025", [("afterschool", None)], [UnitRow("S1", "一小")])
    db.session.commit()
    form = survey.forms[0]
    answers, _ = clean_answers(version_questionnaire(form.version), {"q1": "是"})
    db.session.add(Response(form=form, answers=answers))
    db.session.commit()
    version_2 = store_questionnaire(V2, "b.yaml").version
    db.session.commit()
    response = db.session.scalar(sa.select(Response))
    assert response.form.version.id == version_1.id != version_2.id
    assert version_questionnaire(response.form.version).question("q1").options[-1].label == "否"


def test_create_survey_takes_ids_versions_and_files(app):
    old = store_questionnaire(V1, "a.yaml").version
    store_questionnaire(V2, "b.yaml")
    store_text_import(TEXT, "student.txt")
    survey = create_survey("调查", "mixed-2025", [
        ("afterschool", "parent"),                      # an id: its latest version
        (old, "teacher"),                               # a stored version as it is
        ("afterschool-student", None),                  # the questionnaire's own role
        (SHIPPED / "teacher-platform.yaml", None),      # a file, stored first
    ], [])
    db.session.commit()
    forms = [(f.version.questionnaire_id, f.version.number, f.role) for f in survey.forms]
    assert forms == [("afterschool", 2, "parent"), ("afterschool", 1, "teacher"),
                     ("afterschool-student", 1, "student"), ("teacher-platform", 1, "teacher")]


@pytest.mark.parametrize(("forms", "message"), [
    ([("no-such-questionnaire", "parent")], "no questionnaire 'no-such-questionnaire' in the library"),
    ([("afterschool", "grandparent")], "role 'grandparent' is not one of"),
])
def test_create_survey_refuses_unknown_questionnaires_and_roles(app, forms, message):
    store_questionnaire(V1, "a.yaml")
    with pytest.raises(SurveyError, match=message):
        create_survey("调查", "bad-2025", forms, [])


def _docx(lines: list[str]) -> bytes:
    document = Document()
    for line in lines:
        document.add_paragraph(line)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def test_uploads_of_yaml_text_gbk_text_and_word_documents(app):
    assert store_upload(V1.encode("utf-8-sig"), "问卷.yaml").version.questionnaire_id == "afterschool"
    assert store_upload(TEXT.encode("gbk"), "学生.txt").version.title == "课后服务学生问卷"
    word = store_upload(_docx(TEXT.replace("afterschool-student", "word-student").splitlines()), "学生.docx")
    assert word.created and word.version.questionnaire_id == "word-student"
    assert version_questionnaire(word.version).question("q1").options[1].label == "不参加"


@pytest.mark.parametrize(("data", "name", "message"), [
    (b"x", "questionnaire.pdf", "只能上传 .yaml、.yml、.txt 或 .docx 文件"),
    (b"not a zip", "questionnaire.docx", "无法读取 Word 文档"),
    ("format: 1\n".encode("gbk") + "标题".encode("gbk"), "q.yaml", "不是 UTF-8 文本"),
])
def test_unreadable_uploads_are_refused_naming_the_file(app, data, name, message):
    with pytest.raises(QuestionnaireError) as caught:
        store_upload(data, name)
    assert caught.value.source == name and message in caught.value.problems[0][1]
