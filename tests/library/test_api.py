"""The library's API: POST /questionnaires (YAML or text), GET /questionnaires, GET /questionnaires/<id>."""

from __future__ import annotations

import yaml

from questionnaires import SHIPPED
from tests.api.conftest import assert_error

from ..questionnaires.conftest import demo_doc, dump
from ..questionnaires.test_text_format import CONTRACT_EXAMPLE


def post_yaml(api, text: str):
    return api.post("/questionnaires", data=text.encode(), headers={"Content-Type": "application/yaml"})


def test_post_yaml_twice_gives_one_version_and_changed_content_the_next(api):
    first = post_yaml(api, dump(demo_doc()))
    assert first.status_code == 201
    assert first.get_json() == {"id": "demo", "version": 1, "title": "演示问卷", "role": "parent", "questions": 8,
                                "created": True}
    again = post_yaml(api, dump(demo_doc()))
    assert again.status_code == 200 and again.get_json()["version"] == 1 and again.get_json()["created"] is False
    changed = demo_doc()
    changed["title"] = "演示问卷（修订）"
    assert post_yaml(api, dump(changed)).get_json()["version"] == 2


def test_post_text_imports_it(api):
    reply = api.post("/questionnaires", data=CONTRACT_EXAMPLE.encode(),
                     headers={"Content-Type": "text/plain; charset=utf-8"})
    assert reply.status_code == 201
    assert reply.get_json() == {"id": "teacher-2025", "version": 1, "title": "教师满意度调查问卷",
                                "role": "teacher", "questions": 6, "created": True}
    stored = yaml.safe_load(api.get("/questionnaires/teacher-2025").get_data(as_text=True))
    assert [q["type"] for q in stored["questions"]] == ["single", "multiple", "scale", "matrix", "number", "text"]


def test_problems_come_back_as_422_with_their_places(api):
    document = demo_doc()
    document["questions"][2]["scale"] = "sat7"
    reply = assert_error(post_yaml(api, dump(document)), 422, "invalid")
    assert reply["errors"] == [{"path": "questions[2].scale", "message": "unknown scale 'sat7' (defined: sat5)"}]
    text = assert_error(api.post("/questionnaires", data="问卷\n1. 学段？\nA. 小学\n说明文字\n".encode(),
                                 headers={"Content-Type": "text/plain; charset=utf-8"}), 422, "invalid")
    assert text["errors"][0]["path"] == "line 4" and "“说明文字”" in text["errors"][0]["message"]
    assert_error(post_yaml(api, "format: [1\n"), 422, "invalid")
    assert_error(api.post("/questionnaires", json={"id": "x"}), 415, "unsupported_media_type")


def test_the_list_and_the_yaml_of_a_version(api):
    post_yaml(api, dump(demo_doc()))
    changed = demo_doc()
    changed["outro"] = "谢谢！"
    post_yaml(api, dump(changed))
    listing = api.get("/questionnaires").get_json()["questionnaires"]
    by_id = {entry["id"]: entry for entry in listing}
    assert by_id["demo"] == {"id": "demo", "title": "演示问卷", "role": "parent", "versions": [1, 2],
                             "builtin": False}
    assert by_id["teacher-platform"]["versions"] == [1] and by_id["teacher-platform"]["builtin"] is True
    latest = api.get("/questionnaires/demo")
    assert latest.mimetype == "application/yaml" and yaml.safe_load(latest.get_data(as_text=True))["outro"] == "谢谢！"
    first = api.get("/questionnaires/demo?version=1").get_data(as_text=True)
    assert yaml.safe_load(first)["outro"] == "感谢您的参与！"
    shipped = api.get("/questionnaires/parent-platform").get_data(as_text=True)
    assert shipped == (SHIPPED / "parent-platform.yaml").read_text(encoding="utf-8")
    assert_error(api.get("/questionnaires/demo?version=3"), 404, "not_found")
    assert_error(api.get("/questionnaires/nothing"), 404, "not_found")
    assert_error(api.get("/questionnaires/demo?version=latest"), 422, "invalid")


def test_a_token_is_needed(client):
    assert_error(client.get("/api/v1/questionnaires"), 401, "unauthorized")
