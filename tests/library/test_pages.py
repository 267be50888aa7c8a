"""Console pages of the questionnaire library: list, upload, text import, editor, preview, download."""

from __future__ import annotations

import html
import io
import re

import sqlalchemy as sa
from docx import Document

from questionnaires import SHIPPED
from surveyapp.extensions import db
from surveyapp.library import editor as ed
from surveyapp.models import QuestionnaireVersion, Survey
from tests.conftest import count_rows

from ..questionnaires.conftest import demo_doc, dump
from .conftest import posted_fields

TEXT = """家长满意度调查问卷
id: parent-2025
尊敬的家长：您好！

1. 孩子就读的学段？[单选题]
A. 小学
B. 初中
C. 其他（请注明）

2. 您对学校课后服务是否满意？[量表题]
非常满意 满意 一般 不满意 非常不满意 不了解
"""


def page_text(response) -> str:
    return response.get_data(as_text=True)


def preview_of(page: str) -> str:
    """The respondent page shown in the editor's phone preview (the iframe's srcdoc)."""
    match = re.search(r'<iframe class="phone"[^>]*srcdoc="([^"]*)"', page)
    assert match, "no phone preview on the page"
    return html.unescape(match.group(1))


def versions(qid: str) -> list[int]:
    return list(db.session.scalars(sa.select(QuestionnaireVersion.number)
                                   .filter_by(questionnaire_id=qid).order_by(QuestionnaireVersion.number)))


def test_the_library_lists_the_built_in_questionnaires(console):
    page = page_text(console.get("/console/library"))
    assert '<a href="/console/library">问卷库</a>' in page
    for path in SHIPPED.glob("*.yaml"):
        assert f'id="lib-{path.stem}"' in page
        assert f'href="/console/library/{path.stem}/v1.yaml"' in page
    assert page.count("内置") == len(list(SHIPPED.glob("*.yaml")))


def test_uploading_yaml_stores_a_version_and_the_same_file_again_stores_nothing(console, no_csrf):
    upload = {"file": (io.BytesIO(dump(demo_doc()).encode()), "demo.yaml")}
    reply = console.post("/console/library/upload", data=upload, content_type="multipart/form-data")
    assert reply.status_code == 302 and reply.headers["Location"] == "/console/library#lib-demo"
    assert "已保存为第 1 版" in page_text(console.get("/console/library"))
    upload = {"file": (io.BytesIO(dump(demo_doc()).encode()), "again.yaml")}
    console.post("/console/library/upload", data=upload, content_type="multipart/form-data")
    assert "内容与问卷“演示问卷”第 1 版相同，未建立新版本" in page_text(console.get("/console/library"))
    assert versions("demo") == [1]


def test_an_invalid_upload_shows_its_problems_in_chinese_and_stores_nothing(console, no_csrf):
    document = demo_doc()
    document["questions"][2]["scale"] = "sat7"
    document["questions"][6]["min"] = "零"
    upload = {"file": (io.BytesIO(dump(document).encode()), "demo.yaml")}
    reply = console.post("/console/library/upload", data=upload, content_type="multipart/form-data")
    page = page_text(reply)
    assert reply.status_code == 422 and "文件有误，未保存" in page
    assert "第 3 题 › 量表：量表 &#39;sat7&#39; 不存在" in page
    assert "第 7 题 › 最少：必须是数字（现在是 &#39;零&#39;）" in page
    assert versions("demo") == []


def test_a_word_document_is_refused_by_the_yaml_upload(console, no_csrf):
    upload = {"file": (io.BytesIO(b"x"), "问卷.docx")}
    reply = console.post("/console/library/upload", data=upload, content_type="multipart/form-data")
    assert reply.status_code == 400 and "从文本导入" in page_text(reply)


def test_pasted_text_lands_in_the_editor_with_preview_and_yaml_and_is_not_stored(console, no_csrf):
    reply = console.post("/console/library/import", data={"text": TEXT})
    page = page_text(reply)
    assert reply.status_code == 200
    assert "文本已转换为问卷" in page
    assert 'value="parent-2025"' in page and "孩子就读的学段？" in page
    preview = preview_of(page)
    assert "<h1>家长满意度调查问卷</h1>" in preview and "预览中不能提交问卷" in preview
    assert 'name="q1" value="其他"' in preview and 'name="q1.other"' in preview
    assert 'sandbox="allow-scripts"' in page                    # no allow-forms: the preview cannot submit
    assert html.escape("- {code: 5, label: 非常满意, score: 100}", quote=False) in page
    assert count_rows(QuestionnaireVersion) == 0


def test_text_that_cannot_be_placed_shows_every_line_and_keeps_the_text(console, no_csrf):
    broken = TEXT.replace("B. 初中", "B. 初中\n请勾选一项")
    reply = console.post("/console/library/import", data={"text": broken})
    page = page_text(reply)
    assert reply.status_code == 422
    assert "第 8 行：“请勾选一项”：无法归属" in page
    assert "B. 初中\n请勾选一项\n" in page[page.index("<textarea"):page.index("</textarea>")]


def test_a_docx_upload_is_imported_from_its_paragraphs(console, no_csrf):
    document = Document()
    for line in TEXT.splitlines():
        document.add_paragraph(line)
    buffer = io.BytesIO()
    document.save(buffer)
    reply = console.post("/console/library/import", data={"text": "", "file": (io.BytesIO(buffer.getvalue()),
                                                                                 "问卷.docx")},
                         content_type="multipart/form-data")
    assert reply.status_code == 200 and "孩子就读的学段？" in preview_of(page_text(reply))


def test_editor_buttons_and_save_make_a_new_version_only_when_the_content_changed(console, no_csrf):
    data = ed.data_from_document(demo_doc())
    added = page_text(console.post("/console/library/editor", data={**posted_fields(data),
                                                                    "action": "add:questions"}))
    assert 'id="eq-8"' in added and "第 9 题" in added
    reply = console.post("/console/library/editor", data={**posted_fields(data), "action": "save"})
    assert reply.status_code == 302 and reply.headers["Location"] == "/console/library/demo/v1"
    assert versions("demo") == [1]
    stored = db.session.scalar(sa.select(QuestionnaireVersion).filter_by(questionnaire_id="demo"))
    assert stored.origin == "editor" and stored.source == ed.check_data(data)[0]
    console.post("/console/library/editor", data={**posted_fields(data), "action": "save"})
    assert versions("demo") == [1]
    data["questions"][0]["options"].append({"code": "", "label": "中职", "score": "", "na": False})
    console.post("/console/library/editor", data={**posted_fields(data), "action": "save"})
    assert versions("demo") == [1, 2]
    page = page_text(console.get("/console/library/demo/v2"))
    assert "中职" in preview_of(page) and "第 2 版" in page


def test_editor_problems_are_shown_beside_their_question_and_nothing_is_stored(console, no_csrf):
    data = ed.data_from_document(demo_doc())
    data["questions"][2]["scale"] = "sat7"
    data["questions"][5]["show_if"] = [{"question": "q8", "codes": ["是"]}]
    reply = console.post("/console/library/editor", data={**posted_fields(data), "action": "save"})
    page = page_text(reply)
    assert reply.status_code == 200 and "有 2 处问题需要修改" in page
    card_3 = page[page.index('id="eq-2"'):page.index('id="eq-3"')]
    assert "第 3 题 › 量表：量表 &#39;sat7&#39; 不存在" in card_3
    card_6 = page[page.index('id="eq-5"'):page.index('id="eq-6"')]
    assert "&#39;q8&#39; 是第 8 题，在本题（第 6 题）之后" in card_6
    assert "<iframe" not in page and count_rows(QuestionnaireVersion) == 0


def test_editing_a_stored_version_starts_from_its_content(console, no_csrf):
    console.get("/console/library")
    page = page_text(console.get("/console/library/student-lamps/edit?version=1"))
    assert "基于 <code>student-lamps</code> 第 1 版" in page
    assert "您所在的学校是否更换了护眼灯" in page or "护眼灯" in preview_of(page)
    assert console.get("/console/library/student-lamps/edit?version=7").status_code == 404
    assert console.get("/console/library/nothing/edit").status_code == 404


def test_the_yaml_of_any_version_downloads_as_stored(console):
    console.get("/console/library")
    reply = console.get("/console/library/teacher-platform/v1.yaml")
    assert reply.status_code == 200 and reply.mimetype == "application/yaml"
    assert reply.headers["Content-Disposition"] == 'attachment; filename="teacher-platform-v1.yaml"'
    assert reply.get_data(as_text=True) == (SHIPPED / "teacher-platform.yaml").read_text(encoding="utf-8")
    assert console.get("/console/library/teacher-platform/v2.yaml").status_code == 404


def test_a_new_survey_can_use_a_questionnaire_made_in_the_editor(console, no_csrf):
    data = ed.data_from_document(demo_doc())
    console.post("/console/library/editor", data={**posted_fields(data), "action": "save"})
    page = page_text(console.get("/console/surveys/new"))
    index = next(int(n) for n, qid in re.findall(r'id="use_(\d+)".*?<code>([^<]+)</code>', page, flags=re.S)
                 if qid == "demo")
    reply = console.post("/console/surveys/new", data={
        "title": "演示调查", "slug": "demo-2025", f"use_{index}": "y", f"version_{index}": "1",
        f"role_{index}": "parent", "units": (io.BytesIO("S1,一小\n".encode()), "units.csv")},
        content_type="multipart/form-data")
    assert reply.status_code == 302
    survey = db.session.scalar(sa.select(Survey).filter_by(slug="demo-2025"))
    assert [(f.version.questionnaire_id, f.version.number, f.role) for f in survey.forms] == [("demo", 1, "parent")]


def test_pages_need_a_login(client):
    for url in ("/console/library", "/console/library/new", "/console/library/import"):
        assert client.get(url).status_code == 302
