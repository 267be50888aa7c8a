"""Hostile input at volume (hypothesis): malformed submissions and malformed definition files.

Submissions: 1,100 generated posts against the public page of the shipped parent questionnaire - random
field names, values, lengths and encodings, lists where one value belongs, missing or forged tokens,
broken bodies, and complete answer sets with one rule broken on purpose. Every one gets a Chinese page
with 303, 400, 409, 413 or 422, never a 500 or a traceback, and a row is stored only for a post that is
fully valid. The SQLite variant only (the property is about the web layer, not the backend).

Files: generated questionnaire and indicator YAML (random documents, documents built from the format's
own keys, and mutations of the shipped files) reach `parse_questionnaire` / `parse_indicators`: they give
a definition or raise the file's InputError (QuestionnaireError / ScoringError), never another exception.
"""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path
from urllib.parse import quote, urlencode

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analysis.scoring import loader as indicator_loader
from questionnaires import SHIPPED, InputError, clean_answers, parse_questionnaire
from surveyapp import create_app
from surveyapp.extensions import db
from surveyapp.surveys.services import FormSpec, create_survey, set_status, survey_links
from surveyapp.surveys.units import UnitRow
from tests.integration.servers import PARENT_ANSWERS

HIDDEN = re.compile(r'<input type="hidden" name="([^"]+)" value="([^"]*)">')
SETTINGS = dict(deadline=None, database=None, derandomize=True,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
PARENT = parse_questionnaire((SHIPPED / "parent-platform.yaml").read_text(encoding="utf-8"))
VARIABLES = list(PARENT.variables)
ALLOWED = {303, 400, 409, 413, 422}


class Site:
    """The app on a fresh SQLite file with the parent questionnaire open; counts what was posted."""

    def __init__(self, tmp_path: Path):
        self.path = tmp_path / "fuzz.sqlite"
        self.app = create_app({"TESTING": True, "SECRET_KEY": "fuzz-secret",
                               "SQLALCHEMY_DATABASE_URI": f"sqlite:///{self.path}",
                               "SUBMIT_RATE_LIMIT": "1000000 per minute"})   # every post comes from one address
        with self.app.app_context():
            db.create_all()
            survey = create_survey("模糊测试", "fuzz", [FormSpec(SHIPPED / "parent-platform.yaml")],
                                   [UnitRow("S1", "第一小学", "测试区")])
            set_status(survey, "open")
            db.session.commit()
            self.url = survey_links(survey, "")[0].url
        self.posts = 0
        self.stored = 0

    def fresh(self):
        """A new browser with the page opened: (client, hidden fields)."""
        client = self.app.test_client()
        page = client.get(self.url)
        assert page.status_code == 200
        return client, {name: value for name, value in HIDDEN.findall(page.get_data(as_text=True))}

    def rows(self) -> list[str]:
        con = sqlite3.connect(self.path)
        try:
            return [row[0] for row in con.execute("SELECT answers FROM response ORDER BY id")]
        finally:
            con.close()

    def post(self, client, **kwargs):
        before = len(self.rows())
        response = client.post(self.url, **kwargs)
        self.posts += 1
        text = response.get_data(as_text=True)
        assert response.status_code in ALLOWED, (response.status_code, text[:300])
        assert "Traceback" not in text and "服务器暂时出现问题" not in text
        if response.status_code != 303:
            assert 'lang="zh-CN"' in text                # a Chinese page, not a bare error
        after = self.rows()
        assert len(after) == before + (1 if response.status_code == 303 else 0)
        if response.status_code == 303:
            self.stored += 1
        return response, after[before:]


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    return Site(tmp_path_factory.mktemp("fuzz"))


def _valid_pairs() -> list[tuple[str, str]]:
    return list(PARENT_ANSWERS)


# -- strategies ---------------------------------------------------------------------------------------------

any_text = st.one_of(
    st.text(max_size=30),
    st.text(alphabet=st.characters(codec="utf-8"), min_size=0, max_size=3000),
    st.sampled_from(["", " ", "0", "-1", "1e309", "NaN", "inf", "5.0", "０", "５", "\u200b", "\x00", "\ufeff5",
                     "<script>alert(1)</script>", "=HYPERLINK(\"http://x\")", "其他", "母亲 ", "愿意\n"]),
)
field_name = st.one_of(st.sampled_from(VARIABLES + ["csrf_token", "submit-token", "started-at"]),
                       st.text(max_size=20))


@settings(max_examples=400, **SETTINGS)
@given(st.lists(st.tuples(field_name, any_text), max_size=40), st.booleans())
def _random_fields(site, pairs, keep_tokens):
    client, hidden = site.fresh()
    data = list(hidden.items()) if keep_tokens else []
    response, stored = site.post(client, data=urlencode(data + pairs).encode(),
                                 content_type="application/x-www-form-urlencoded")
    for document in stored:                           # a random post that happened to be valid
        _assert_fully_valid(document)


def _assert_fully_valid(document: str) -> None:
    import json

    answers = json.loads(document)
    raw = {var: (value if isinstance(value, list) else str(value)) for var, value in answers.items()}
    cleaned, problems = clean_answers(PARENT, raw)
    assert problems == [] and cleaned == answers


def _break_one_rule(draw) -> tuple[list[tuple[str, str]], str]:
    """The complete valid post with exactly one rule broken; (pairs, what was broken)."""
    pairs = _valid_pairs()
    kind = draw(st.sampled_from(["drop_required", "unknown_option", "two_for_single", "number", "too_many",
                                 "too_long", "other_text_missing", "matrix_code", "duplicate_option"]))
    required = ["q1", "q2", "q3", "q4", "q6", "q8", "q11", "q13", "q14", "q15", "q16", "q17", "q18.r3", "q19.r2",
                "q20", "q21", "q22", "q23", "q24"]
    if kind == "drop_required":
        var = draw(st.sampled_from(required))
        pairs = [(k, v) for k, v in pairs if k != var]
    elif kind == "unknown_option":
        var = draw(st.sampled_from(["q1", "q2", "q3", "q13", "q22", "q20"]))
        value = draw(st.text(min_size=1, max_size=20).filter(lambda t: t.strip() and not t.strip().isdigit()))
        value = value if PARENT.question(var).option(value.strip()) is None else "不存在的选项"
        pairs = [(k, value if k == var else v) for k, v in pairs]
    elif kind == "two_for_single":
        pairs.append(("q2", "高中"))
    elif kind == "number":
        var = draw(st.sampled_from(["q12", "q16"]))
        value = draw(st.sampled_from(["-1", "601", "1.5", "abc", "1e3", "0x10", "nan", "inf", "99999999999", "１.５"]))
        if var == "q12" and value == "601":
            value = "101"
        pairs = [(k, value if k == var else v) for k, v in pairs]
    elif kind == "too_many":
        pairs = [(k, v) for k, v in pairs if k != "q23"] + [
            ("q23", o.label) for o in PARENT.question("q23").options[:4]]
    elif kind == "too_long":
        length = draw(st.integers(min_value=501, max_value=5000))
        pairs = [(k, "长" * length if k == "q25" else v) for k, v in pairs]
    elif kind == "other_text_missing":
        pairs = [(k, v) for k, v in pairs if k != "q5.other"]
    elif kind == "matrix_code":
        var = draw(st.sampled_from([v for v in VARIABLES if v.startswith("q18.") or v.startswith("q19.")]))
        value = draw(st.sampled_from(["6", "-1", "4.5", "9", "满意度", "5 5"]))
        pairs = [(k, value if k == var else v) for k, v in pairs]
    else:
        pairs.append(("q23", "加强家校沟通"))
    return pairs, kind


@st.composite
def broken_posts(draw):
    return _break_one_rule(draw)


@settings(max_examples=400, **SETTINGS)
@given(broken_posts())
def _one_rule_broken(site, case):
    pairs, kind = case
    client, hidden = site.fresh()
    response, stored = site.post(client, data=urlencode(list(hidden.items()) + pairs).encode(),
                                 content_type="application/x-www-form-urlencoded")
    assert response.status_code == 422, kind
    assert stored == []
    assert 'class="err"' in response.get_data(as_text=True)     # the problem is shown beside the question


def _body(draw, hidden: dict[str, str]) -> tuple[bytes, str]:
    kind = draw(st.sampled_from(["bytes", "bad_percent", "multipart", "json", "forged_tokens", "huge",
                                 "no_csrf", "latin1"]))
    valid = urlencode(_valid_pairs())
    if kind == "bytes":
        return draw(st.binary(max_size=4000)), draw(st.sampled_from(
            ["application/x-www-form-urlencoded", "multipart/form-data", "text/plain", "application/octet-stream"]))
    if kind == "bad_percent":
        return (urlencode(hidden).encode() + b"&" + valid.encode() + b"&q25=%E4%B8&q1=%ZZ%"
                + draw(st.binary(max_size=50)), "application/x-www-form-urlencoded")
    if kind == "multipart":
        boundary = draw(st.sampled_from(["b", "x" * 70, "", "--"]))
        body = f"--{boundary}\r\nContent-Disposition: form-data; name=\"q1\"\r\n\r\n母亲\r\n".encode()
        body += draw(st.binary(max_size=200))
        return body, f"multipart/form-data; boundary={boundary}"
    if kind == "json":
        import json

        return json.dumps({**hidden, **dict(_valid_pairs())}).encode(), "application/json"
    if kind == "forged_tokens":
        forged = dict(hidden)
        forged[draw(st.sampled_from(list(hidden)))] = draw(st.text(max_size=80))
        return (urlencode(forged) + "&" + valid).encode(), "application/x-www-form-urlencoded"
    if kind == "huge":
        size = draw(st.sampled_from([257 * 1024, 400 * 1024]))
        return (urlencode(hidden) + "&" + valid + "&q25=" + "x" * size).encode(), "application/x-www-form-urlencoded"
    if kind == "no_csrf":
        rest = {k: v for k, v in hidden.items() if k != "csrf_token"}
        return (urlencode(rest) + "&" + valid).encode(), "application/x-www-form-urlencoded"
    text = urlencode(hidden) + "&" + "&".join(f"{quote(k)}={quote(v, encoding='gb18030')}" for k, v in _valid_pairs())
    return text.encode(), "application/x-www-form-urlencoded"


@settings(max_examples=300, **SETTINGS)
@given(st.data())
def _hostile_bodies(site, data):
    client, hidden = site.fresh()
    body, content_type = _body(data.draw, hidden)
    response, stored = site.post(client, data=body, content_type=content_type)
    for document in stored:
        _assert_fully_valid(document)


def test_a_thousand_malformed_submissions_never_error_and_store_nothing_invalid(site):
    _random_fields(site)
    _one_rule_broken(site)
    _hostile_bodies(site)
    assert site.posts >= 1000, site.posts
    # the control: a browser that posts the complete valid answer set is stored, once
    client, hidden = site.fresh()
    response, stored = site.post(client, data=urlencode(list(hidden.items()) + _valid_pairs()).encode(),
                                 content_type="application/x-www-form-urlencoded")
    assert response.status_code == 303 and len(stored) == 1
    _assert_fully_valid(stored[0])
    assert len(site.rows()) == site.stored


# -- definition files ------------------------------------------------------------------------------------

QUESTIONNAIRE_KEYS = ["format", "id", "title", "role", "intro", "outro", "scales", "questions", "options",
                      "code", "label", "score", "na", "satisfied", "type", "text", "scale", "rows", "other",
                      "required", "min", "max", "integer", "max_length", "show_if", "q1", "r1", "sat5", "exclusive"]
INDICATOR_KEYS = ["format", "title", "grades", "grade", "min", "indicators", "name", "children", "weight", "rule",
                  "type", "items", "share", "met", "value", "source", "target", "questionnaire", "question",
                  "checklist", "ratio", "survey", "literal", "op", "number", "unit", "scores", "steps"]
scalars = st.one_of(st.none(), st.booleans(), st.integers(-10, 200), st.floats(allow_nan=True),
                    st.text(max_size=12), st.sampled_from(["single", "multiple", "scale", "matrix", "number",
                                                           "text", "parent", "student", "teacher", "sat5", "q1",
                                                           "checklist", ">=", "1.4万人", "", "∞"]))


def documents(keys: list[str]):
    return st.recursive(
        scalars,
        lambda children: st.one_of(st.lists(children, max_size=5),
                                   st.dictionaries(st.sampled_from(keys), children, max_size=8)),
        max_leaves=40)


REPLACEMENTS = ["", "-1", "yes", "[1, 2]", "{a: 1}", "~", "1e9", '""', "q99", "[]", "{}", "0", "*anchor", "&a x"]


def mutated(text: str):
    lines = text.splitlines()

    @st.composite
    def build(draw):
        out = list(lines)
        for _ in range(draw(st.integers(1, 4))):
            i = draw(st.integers(0, len(out) - 1))
            action = draw(st.sampled_from(["drop", "dup", "replace_value", "indent", "insert"]))
            if action == "drop":
                del out[i]
            elif action == "dup":
                out.insert(i, out[i])
            elif action == "replace_value" and ":" in out[i]:
                key = out[i].split(":", 1)[0]
                out[i] = key + ": " + draw(st.sampled_from(REPLACEMENTS))
            elif action == "indent":
                out[i] = " " + out[i]
            else:
                out.insert(i, draw(st.text(max_size=30)))
            if not out:
                out = [""]
        return "\n".join(out)

    return build()


def _dump(document) -> str:
    return yaml.safe_dump(document, allow_unicode=True)


QUESTIONNAIRE_FILES = [p.read_text(encoding="utf-8") for p in sorted(SHIPPED.glob("*.yaml"))]
INDICATOR_FILES = [p.read_text(encoding="utf-8") for p in sorted((SHIPPED / "indicators").glob("*.yaml"))]


def _only_input_errors(parse, text: str) -> None:
    try:
        parse(text, "fuzz.yaml")
    except InputError as exc:
        assert str(exc)                                          # a message a user can read
    # any other exception propagates and fails the test


@settings(max_examples=300, **SETTINGS)
@given(st.one_of(st.text(max_size=300), documents(QUESTIONNAIRE_KEYS).map(_dump),
                 st.sampled_from(QUESTIONNAIRE_FILES).flatmap(mutated)))
def test_generated_questionnaire_files_give_a_questionnaire_or_a_questionnaire_error(text):
    _only_input_errors(parse_questionnaire, text)


@settings(max_examples=300, **SETTINGS)
@given(st.one_of(st.text(max_size=300), documents(INDICATOR_KEYS).map(_dump),
                 st.sampled_from(INDICATOR_FILES).flatmap(mutated)))
def test_generated_indicator_files_give_a_system_or_a_scoring_error(text):
    _only_input_errors(indicator_loader.parse_indicators, text)
