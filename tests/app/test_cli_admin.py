"""The database commands: users, survey create/open/close/links, demo, export."""

from __future__ import annotations

import pandas as pd
import sqlalchemy as sa

from analysis.text import categorise
from questionnaires import MULTI_SEPARATOR, SHIPPED, load_questionnaire
from surveyapp.extensions import db
from surveyapp.models import Response, Survey, User
from tests.conftest import count_rows


def test_users_create_prints_a_generated_password_once(runner):
    result = runner.invoke(args=["users", "create", "wang"])
    assert result.exit_code == 0, result.output
    password = result.output.strip().rsplit("password: ", 1)[1]
    user = db.session.scalar(sa.select(User).filter_by(username="wang"))
    assert user.check_password(password) and user.password_hash != password
    again = runner.invoke(args=["users", "create", "wang"])
    assert again.exit_code == 2 and "already exists" in again.output


def test_survey_create_open_links_close(runner, tmp_path):
    units = tmp_path / "units.csv"
    units.write_text("code,name,district\nS1,第一小学,城关区\nS2,第二小学,南湖区\nS3,第三小学,南湖区\n",
                     encoding="utf-8")
    created = runner.invoke(args=[
        "survey", "create", "--title", "课后服务满意度调查", "--slug", "afterschool",
        "--questionnaire", "teacher-platform", "--questionnaire", str(SHIPPED / "parent-platform.yaml"),
        "--units", str(units)])
    assert created.exit_code == 0, created.output
    assert "2 forms and 3 units" in created.output
    assert runner.invoke(args=["survey", "open", "afterschool"]).exit_code == 0
    links = runner.invoke(args=["survey", "links", "afterschool", "--base-url", "https://pj.example.cn"])
    rows = [line.split("\t") for line in links.output.strip().splitlines()]
    assert rows[0] == ["role", "unit", "unit_name", "url"]
    assert len(rows) == 1 + 2 * 3
    assert {(r[0], r[1]) for r in rows[1:]} == {(role, u) for role in ("teacher", "parent") for u in ("S1", "S2", "S3")}
    assert all(r[3].startswith("https://pj.example.cn/s/") and r[3].count("/") == 4 for r in rows[1:])
    assert len({r[3] for r in rows[1:]}) == 2 * 3                  # a token per form x unit
    assert runner.invoke(args=["survey", "close", "afterschool"]).exit_code == 0
    assert db.session.scalar(sa.select(Survey.status).filter_by(slug="afterschool")) == "closed"


def test_survey_create_with_bad_units_exits_2_and_creates_nothing(runner, tmp_path):
    units = tmp_path / "units.csv"
    units.write_text("S1,第一小学\nS1,又是第一小学\n", encoding="utf-8")
    result = runner.invoke(args=["survey", "create", "--title", "t", "--slug", "bad",
                                 "--questionnaire", "student-lamps", "--units", str(units)])
    assert result.exit_code == 2
    assert f"{units}: row 2: code 'S1' repeats row 1" in result.output
    assert count_rows(Survey) == 0


def test_unknown_survey_exits_2(runner):
    result = runner.invoke(args=["survey", "open", "nope"])
    assert result.exit_code == 2 and "no survey with slug 'nope'" in result.output


def test_demo_loads_once_with_plausible_answers(runner):
    first = runner.invoke(args=["demo"])
    assert first.exit_code == 0, first.output
    assert "console login: evaluator / " in first.output
    links = [line for line in first.output.splitlines() if "/s/" in line]
    assert len(links) == 3 * 8
    total = count_rows(Response)
    assert 3000 <= total <= 10000
    second = runner.invoke(args=["demo"])
    assert second.exit_code == 0 and "already loaded" in second.output
    assert count_rows(Response) == total

    student = load_questionnaire(SHIPPED / "student-lamps.yaml")
    open_question = next(q for q in student.questions if q.type == "text")
    texts = [r.answers.get(open_question.id) for r in db.session.scalars(sa.select(Response)).all()
             if r.form.role == "student"]
    answered = [t for t in texts if t]
    no_opinion = [t for t in answered if categorise(t) == "no_opinion"]
    assert 0.5 < len(no_opinion) / len(answered) < 0.9       # mostly "nothing", with a tail of real answers
    assert len(set(answered) - set(no_opinion)) >= 15         # and those vary


def test_demo_answers_look_like_a_real_round(runner):
    assert runner.invoke(args=["demo"]).exit_code == 0
    parent = load_questionnaire(SHIPPED / "parent-platform.yaml")
    rows = db.session.execute(sa.select(Response.answers, Response.duration_s, Response.unit_id)
                              .join(Response.form).where(sa.text("form.role = 'parent'"))).all()
    # choice questions: no option takes (nearly) everything, as the first option did before
    for q in parent.questions:
        if q.type == "single" and len(q.options) >= 3:
            chosen = [a[q.id] for a, _, _ in rows if a.get(q.id) is not None]
            top = max(chosen.count(code) for code in {o.code for o in q.options})
            assert top / len(chosen) < 0.75, q.id
    # satisfaction: mostly 满意/非常满意 but not all, some 不了解, and schools that differ
    rated = [v for a, _, _ in rows for k, v in a.items() if k.startswith("q18.")]
    answered = [v for v in rated if v != 0]
    top_box = sum(v in (4, 5) for v in answered) / len(answered)
    assert 0.6 < top_box < 0.95
    assert 0.01 < rated.count(0) / len(rated) < 0.1                  # 不了解
    by_unit: dict[int, list[int]] = {}
    for a, _, unit in rows:
        by_unit.setdefault(unit, []).extend(v in (4, 5) for k, v in a.items() if k.startswith("q18.") and v != 0)
    rates = [sum(v) / len(v) for v in by_unit.values()]
    assert max(rates) - min(rates) > 0.05
    # a few speeders (under a minute) and straight-liners (every q18 row 非常满意)
    durations = [d for _, d, _ in rows]
    assert 0.01 < sum(d < 60 for d in durations) / len(durations) < 0.08
    straight = [a for a, _, _ in rows if [v for k, v in a.items() if k.startswith("q18.")] == [5] * 6]
    assert 0.02 < len(straight) / len(rows) < 0.3


def test_export_reloads_in_pandas_with_the_contract_columns(runner, tmp_path):
    assert runner.invoke(args=["demo"]).exit_code == 0
    out = tmp_path / "demo.csv"
    result = runner.invoke(args=["export", "demo-2025", "--out", str(out)])
    assert result.exit_code == 0, result.output
    student = load_questionnaire(SHIPPED / "student-lamps.yaml")
    path = tmp_path / "demo-student-lamps.csv"
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    frame = pd.read_csv(path, encoding="utf-8-sig", dtype=str, keep_default_na=False)
    assert list(frame.columns) == ["response_id", "questionnaire", "role", "unit", "unit_name", "submitted_at",
                                   "duration_s", "channel", "status", *student.variables]
    stored = db.session.scalar(sa.select(sa.func.count(Response.id)).join(Response.form)
                               .where(sa.text("form.role = 'student'")))
    assert len(frame) == stored
    assert set(frame["questionnaire"]) == {"student-lamps"} and set(frame["status"]) == {"valid"}
    assert frame["submitted_at"].str.endswith("+08:00").all()
    for q in student.questions:
        if q.type in ("single", "scale"):
            labels = {o.label for o in q.options}
            assert set(frame[q.id]) <= labels | {""}, q.id
        if q.type == "multiple":
            for cell in frame[q.id]:
                assert all(part in {o.label for o in q.options} for part in cell.split(MULTI_SEPARATOR) if part)
    xlsx = tmp_path / "demo.xlsx"
    assert runner.invoke(args=["export", "demo-2025", "--out", str(xlsx)]).exit_code == 0
    sheets = pd.read_excel(xlsx, sheet_name=None, dtype=str, engine="openpyxl")
    assert set(sheets) == {"teacher-platform", "parent-platform", "student-lamps"}
    assert len(sheets["student-lamps"]) == stored
