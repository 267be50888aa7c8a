"""The management API end to end, as an evaluator's script uses it, against a real server.

`surveyapp run --port P` serves a fresh SQLite database made by the migrations; the script holds a token made
by `surveyapp users token`. It imports a questionnaire, creates a survey with targets, opens it, gets the
links (on the server's real address), answers through the public form like four respondents' phones,
reads progress and statistics, uploads an indicator system, stores scoring inputs and reads the scores. Every
expected number is worked out here.

The questionnaire is imported as text through POST /questionnaires once that endpoint exists (the library
feature, ``surveyapp.library.api``); until then the same questionnaire, written as YAML, is stored as a
version directly in the database before the server starts (POST /surveys finds it by id either way).
"""

from __future__ import annotations

import html
import http.client
import importlib.util
import json
import re
import subprocess
import time
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import pytest

from bench.appserver import BIN, ROOT, app_environment, free_port, surveyapp

QUESTIONNAIRE_TEXT = """课后服务家长满意度调查
id: e2e-parent
role: parent
尊敬的家长：本问卷不记名。

1. 您的孩子是否参加了学校的课后服务？[单选题]
A. 是
B. 否

2. 您对学校课后服务是否满意？[量表题]
非常满意 满意 一般 不满意 非常不满意 不了解

3. 您对课后服务还有什么意见或建议？[填空题]
"""

QUESTIONNAIRE_YAML = """format: 1
id: e2e-parent
title: 课后服务家长满意度调查
role: parent
intro: 尊敬的家长：本问卷不记名。
scales:
  sat:
    options:
      - {code: 5, label: 非常满意, score: 100}
      - {code: 4, label: 满意, score: 80}
      - {code: 3, label: 一般, score: 60}
      - {code: 2, label: 不满意, score: 30}
      - {code: 1, label: 非常不满意, score: 0}
      - {code: 0, label: 不了解, na: true}
    satisfied: [5, 4]
questions:
  - {id: q1, type: single, text: 您的孩子是否参加了学校的课后服务？, options: [是, 否]}
  - {id: q2, type: scale, scale: sat, text: 您对学校课后服务是否满意？}
  - {id: q3, type: text, text: 您对课后服务还有什么意见或建议？, required: false}
"""

INDICATORS = """format: 1
title: 课后服务项目绩效评价
grades:
  - {grade: 优, min: 90}
  - {grade: 良, min: 80}
  - {grade: 中, min: 60}
  - {grade: 差, min: 0}
indicators:
  - name: 决策
    children:
      - name: 项目立项
        children:
          - {name: 立项规范性, weight: 10, rule: {type: manual, score: 6}}
  - name: 产出
    children:
      - name: 数量
        children:
          - {name: 课后服务覆盖率, weight: 20, target: "=100%", rule: {type: ratio_below, threshold: 100}}
  - name: 效益
    children:
      - name: 满意度
        children:
          - name: 家长满意度
            weight: 70
            target: "≥90%"
            value: {satisfaction: {form: e2e-parent, questions: [q2], method: top_box}}
            rule: {type: proportional}
"""

# q2 answers through the public form: S1 非常满意, 满意, 一般; S2 不满意
ANSWERS = [("S1", "非常满意", "希望多开展活动"), ("S1", "满意", ""), ("S1", "一般", "无"), ("S2", "不满意", "")]
OPTION = re.compile(r'<input type="radio" name="(q\d+)" value="([^"]*)"[^>]*><span>([^<]*)</span>')
HIDDEN = re.compile(r'<input type="hidden" name="([^"]+)" value="([^"]*)">')


def text_import_available() -> bool:
    """Whether POST /questionnaires (the library feature) is in this tree."""
    try:
        return importlib.util.find_spec("surveyapp.library.api") is not None
    except ModuleNotFoundError:
        return False


class Server:
    """`surveyapp run --port P` in a subprocess (the development server, as `make run` starts it)."""

    def __init__(self, env: dict[str, str], log: Path):
        self.port = free_port()
        self.log = open(log, "ab")  # noqa: SIM115
        self.process = subprocess.Popen([str(BIN / "surveyapp"), "run", "--host", "127.0.0.1", "--port",
                                         str(self.port)], cwd=ROOT, env=env, stdout=self.log, stderr=self.log)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"surveyapp run exited with {self.process.returncode}: {log.read_text()}")
            try:
                if self.request("GET", "/console/login")[0] == 200:
                    return
            except OSError:
                pass
            time.sleep(0.2)
        self.stop()
        raise RuntimeError("surveyapp run did not come up within 60 s")

    def request(self, method: str, path: str, body: bytes | None = None, headers: dict | None = None,
                ) -> tuple[int, dict[str, str], bytes]:
        con = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        try:
            con.request(method, path, body=body, headers=headers or {})
            reply = con.getresponse()
            return reply.status, {k.lower(): v for k, v in reply.getheaders()}, reply.read()
        finally:
            con.close()

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=20)
        self.log.close()


class Script:
    """What an evaluator's script does: JSON requests with the token."""

    def __init__(self, server: Server, token: str):
        self.server, self.token = server, token

    def call(self, method: str, path: str, document=None, body: bytes | None = None,
             content_type: str | None = None) -> tuple[int, object]:
        headers = {"Authorization": f"Bearer {self.token}"}
        if document is not None:
            body, content_type = json.dumps(document).encode(), "application/json"
        if content_type:
            headers["Content-Type"] = content_type
        status, reply_headers, data = self.server.request(method, f"/api/v1{path}", body, headers)
        assert reply_headers["content-type"].startswith("application/json"), data[:300]
        return status, json.loads(data)


def answer(server: Server, url: str, q2: str, q3: str) -> int:
    """One respondent's phone: open the link, choose 是 and the q2 label, post (its own cookies)."""
    path = urlsplit(url).path
    status, headers, page = server.request("GET", path)
    assert status == 200
    text = page.decode()
    cookie = headers["set-cookie"].split(";", 1)[0]
    codes = {(name, html.unescape(label)): value for name, value, label in OPTION.findall(text)}
    fields = {name: html.unescape(value) for name, value in HIDDEN.findall(text)}
    fields.update({"q1": codes[("q1", "是")], "q2": codes[("q2", q2)], "q3": q3})
    status, _, _ = server.request("POST", path, urlencode(fields).encode(),
                                  {"Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie})
    return status


@pytest.fixture
def running(tmp_path):
    database = f"sqlite:///{tmp_path / 'e2e.sqlite'}"
    env = app_environment(tmp_path, database)
    surveyapp(env, "db", "upgrade")
    surveyapp(env, "users", "create", "evaluator", "--password", "correct-horse-42")
    token = surveyapp(env, "users", "token", "evaluator", "--label", "e2e").strip().splitlines()[-1].split()[-1]
    if not text_import_available():
        _store_yaml_version(database, tmp_path)
    server = Server(env, tmp_path / "server.log")
    try:
        yield server, token
    finally:
        server.stop()
        assert "Traceback" not in (tmp_path / "server.log").read_text(errors="replace")


def _store_yaml_version(database: str, tmp_path: Path) -> None:
    """Until POST /questionnaires exists: the questionnaire stored as a version, as that endpoint would."""
    from surveyapp import create_app
    from surveyapp.extensions import db
    from surveyapp.surveys.services import store_version

    path = tmp_path / "e2e-parent.yaml"
    path.write_text(QUESTIONNAIRE_YAML, encoding="utf-8")
    app = create_app({"SQLALCHEMY_DATABASE_URI": database, "SECRET_KEY": "setup-only"})
    with app.app_context():
        store_version(path)
        db.session.commit()
        db.session.remove()
        db.engine.dispose()


def test_a_script_runs_an_evaluation(running):
    server, token = running
    api = Script(server, token)
    status, _ = Script(server, "sa_wrong_token").call("GET", "/surveys")
    assert status == 401

    if text_import_available():
        status, imported = api.call("POST", "/questionnaires", body=QUESTIONNAIRE_TEXT.encode(),
                                    content_type="text/plain; charset=utf-8")
        assert status == 201, imported
        assert (imported["id"], imported["questions"]) == ("e2e-parent", 3)

    # S2: 40 parents at ±10%: n0 = 1.959964² x 0.25 / 0.01 = 96.04; 96.04 / (1 + 95.04/40) = 28.45 -> 29
    status, created = api.call("POST", "/surveys", {
        "slug": "afterschool-2025", "title": "2025年课后服务满意度调查",
        "forms": [{"questionnaire": "e2e-parent", "role": "parent"}],
        "units": [{"code": "S1", "name": "第一小学", "district": "城关区", "targets": {"parent": 3}},
                  {"code": "S2", "name": "第二小学", "district": "城关区", "enrolment": {"parent": 40},
                   "margin": 0.1}]})
    assert (status, created) == (201, {"slug": "afterschool-2025", "status": "draft"})
    assert api.call("POST", "/surveys/afterschool-2025/status", {"action": "open"}) == (
        200, {"slug": "afterschool-2025", "status": "open"})

    status, links = api.call("GET", "/surveys/afterschool-2025/links")
    urls = {link["unit"]: link["url"] for link in links["links"]}
    assert set(urls) == {"S1", "S2"}
    for url in urls.values():                  # the address the server really runs on, not a built-in one
        assert re.fullmatch(rf"http://127\.0\.0\.1:{server.port}/s/[\w-]+", url), url
    assert urls["S1"] != urls["S2"]

    for unit, q2, q3 in ANSWERS:
        assert answer(server, urls[unit], q2, q3) == 303

    status, progress = api.call("GET", "/surveys/afterschool-2025/progress")
    rows = {row["unit"]: row for row in progress["rows"]}
    assert (rows["S1"]["valid"], rows["S1"]["target"], rows["S1"]["completion"]) == (3, 3, 1.0)
    assert (rows["S2"]["valid"], rows["S2"]["target"], rows["S2"]["completion"]) == (1, 29, round(1 / 29, 4))
    assert rows["S2"]["below_target"] and not rows["S1"]["below_target"]
    # 4 valid of 3 + 29 = 32 wanted
    assert progress["total"] == {"collected": 4, "valid": 4, "target": 32, "completion": 0.125}

    status, stats = api.call("GET", "/surveys/afterschool-2025/statistics?questionnaire=e2e-parent")
    q2 = next(q for q in stats["questions"] if q["id"] == "q2")
    assert q2["valid"] == 4
    assert {o["label"]: o["count"] for o in q2["options"] if o["count"]} == {"非常满意": 1, "满意": 1, "一般": 1,
                                                                             "不满意": 1}
    q3 = next(q for q in stats["questions"] if q["id"] == "q3")
    assert q3["answered"] == 2
    status, rate = api.call("GET", "/surveys/afterschool-2025/satisfaction?questionnaire=e2e-parent&questions=q2")
    assert (rate["rate"], rate["n"], rate["satisfied"]) == (0.5, 4, 2)            # 非常满意 + 满意 = 2 of 4

    status, system = api.call("POST", "/indicator-systems?name=afterschool", body=INDICATORS.encode(),
                              content_type="application/yaml")
    assert (status, system["name"], system["version"]) == (201, "afterschool", 1)
    status, stored = api.call("PUT", "/surveys/afterschool-2025/scoring/afterschool", {
        "literals": {"课后服务覆盖率": "85"},
        "overrides": {"立项规范性": {"score": "8", "reason": "补充立项材料后复核"}}})
    assert status == 200 and stored["saved_by"] == "evaluator"

    status, scores = api.call("GET", "/surveys/afterschool-2025/scores?system=afterschool")
    assert status == 200
    # 立项规范性: override 8 (computed 6); 覆盖率 85 against 100: 20 x 85/100 = 17.00;
    # 家长满意度 50% (proportional): 70 x 50/100 = 35.00; total 60.00 -> 中 (60 <= total < 80)
    assert [(row["path"][-1], row["score"]) for row in scores["rows"]] == [
        ("立项规范性", 8.0), ("课后服务覆盖率", 17.0), ("家长满意度", 35.0)]
    assert scores["rows"][0]["override"]["reason"] == "补充立项材料后复核"
    assert (scores["total"], scores["grade"], scores["weight_sum"]) == (60.0, "中", 100)
