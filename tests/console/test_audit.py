"""The audit log: the events each audited action writes (from the console and the command line), never
an answer or a password, and the pages that show them to admins and to a survey's owners."""

from __future__ import annotations

import textwrap

import sqlalchemy as sa

from surveyapp.audit.services import record_event
from surveyapp.extensions import db
from surveyapp.models import AuditEvent
from surveyapp.surveys.members import add_owner

from .conftest import PASSWORD, STUDENT_ANSWERS, csrf_token, log_in
from .test_scoring_pages import INDICATORS, NAME
from .test_statistics import tables_in


def events(after: int = 0) -> list[tuple[str, str | None, str | None, str]]:
    """(action, user name, survey slug, detail) of every event after id `after`, oldest first."""
    db.session.expire_all()
    rows = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.id > after).order_by(AuditEvent.id))
    return [(e.action, e.user.username if e.user else None, e.survey.slug if e.survey else None, e.detail)
            for e in rows]


def last_id() -> int:
    return db.session.scalar(sa.select(sa.func.max(AuditEvent.id))) or 0


def _post(client, url: str, **data):
    token = csrf_token(client.get("/console/").get_data(as_text=True))
    return client.post(url, data={"csrf_token": token, **data})


def test_logins_failures_and_logouts_are_recorded_without_passwords(client, evaluator):
    start = last_id()
    log_in(client, password="my-secret-typo")
    log_in(client, username="intruder", password="another-secret")
    log_in(client)
    _post(client, "/console/logout")
    assert events(start) == [("login_failed", "evaluator", None, "密码错误"),
                             ("login_failed", None, None, "未知用户名"),
                             ("login", "evaluator", None, ""),
                             ("logout", "evaluator", None, "")]
    stored = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.id > start)).all()
    assert {e.address for e in stored} == {"127.0.0.1"}
    texts = " ".join(f"{e.detail} {e.action}" for e in db.session.scalars(sa.select(AuditEvent)))
    for secret in ("my-secret-typo", "another-secret", "intruder", PASSWORD):
        assert secret not in texts


def test_survey_status_members_screening_and_scoring_are_recorded(app, console, evaluator, make_user,
                                                                  make_survey, add_response, tmp_path):
    make_user("zhao")
    survey = make_survey(status="draft")
    add_owner(survey, evaluator)
    db.session.commit()
    secret_answer = "我家孩子的班主任是张三"
    response = add_response(survey, "student", "S1", answers={**STUDENT_ANSWERS, "q11": secret_answer},
                            duration_s=10)
    base = f"/console/surveys/{survey.slug}"
    start = last_id()
    _post(console, f"{base}/status", action="open")
    _post(console, f"{base}/status", action="close")
    _post(console, f"{base}/members", username="zhao", role="viewer")
    member = db.session.scalar(sa.text("select id from survey_member where role = 'viewer'"))
    _post(console, f"{base}/members/{member}", action="change", role="editor")
    _post(console, f"{base}/members/{member}", action="remove")
    _post(console, f"{base}/responses/{response.public_id}", status="invalid", reason="复核：答题过快")
    _post(console, f"{base}/responses/{response.public_id}", status="valid", reason="复核后恢复")
    _post(console, f"{base}/screening/bulk", flag="speeder")
    folder = tmp_path / "indicators"
    folder.mkdir()
    (folder / NAME).write_text(textwrap.dedent(INDICATORS), encoding="utf-8")
    app.config.update(CONSOLE_INDICATORS_DIR=str(folder), CONSOLE_SCORING_DIR=str(tmp_path / "scoring"))
    _post(console, f"{base}/scoring?indicators={NAME}", **{"literal-1": "97", "override-0": "6",
                                                           "reason-0": "补充材料后复核"})
    slug, who = survey.slug, "evaluator"
    assert events(start) == [
        ("survey_opened", who, slug, ""),
        ("survey_closed", who, slug, ""),
        ("member_added", who, slug, "zhao：查看者"),
        ("member_changed", who, slug, "zhao：查看者 → 编辑者"),
        ("member_removed", who, slug, "zhao（编辑者）"),
        ("response_invalidated", who, slug, f"答卷 {response.public_id}：复核：答题过快"),
        ("response_restored", who, slug, f"答卷 {response.public_id}：复核后恢复"),
        ("response_invalidated", who, slug, "按规则“答题过快”批量判为无效 1 份"),
        ("scoring_saved", who, slug, f"{NAME.removesuffix('.yaml')}：1 个实际完成值，1 项得分调整"),
    ]
    assert all(secret_answer not in detail for *_, detail in events())


def test_raw_data_exports_are_recorded_from_the_console_and_the_command_line(console, runner, make_survey,
                                                                              add_response, tmp_path):
    survey = make_survey()
    add_response(survey, "student", "S1")
    add_response(survey, "student", "S2")
    base = f"/console/surveys/{survey.slug}/download"
    start = last_id()
    assert console.get(f"{base}/responses.csv?questionnaire=student-lamps").status_code == 200
    assert console.get(f"{base}/responses.xlsx").status_code == 200
    assert console.get(f"{base}/responses.xlsx?layout=readable").status_code == 200
    assert console.get(f"{base}/statistics.xlsx?q=student-lamps").status_code == 200    # not raw data
    assert runner.invoke(args=["export", survey.slug, "--out", str(tmp_path / "all.csv")]).exit_code == 0
    slug = survey.slug
    assert events(start) == [
        ("raw_export", "evaluator", slug, f"{slug}-student-lamps.csv（2 份答卷）"),
        ("raw_export", "evaluator", slug, f"{slug}-responses.xlsx（2 份答卷）"),
        ("raw_export", "evaluator", slug, f"{slug}-responses-readable.xlsx（2 份答卷）"),
        ("raw_export", None, slug, "all.csv（2 份答卷）"),
    ]


def test_user_management_is_recorded_from_the_console_and_the_command_line(app, console, runner, make_user):
    start = last_id()
    _post(console, "/console/admin/users", username="zhao")
    zhao = db.session.scalar(sa.text("select id from \"user\" where username = 'zhao'"))
    reset = _post(console, f"/console/admin/users/{zhao}", action="reset").get_data(as_text=True)
    _post(console, f"/console/admin/users/{zhao}", action="deactivate")
    _post(console, f"/console/admin/users/{zhao}", action="activate")
    _post(console, f"/console/admin/users/{zhao}", action="revoke")
    runner.invoke(args=["users", "create", "qian", "--password", "qian-password-1"])
    runner.invoke(args=["users", "reset-password", "qian"])
    assert events(start) == [
        ("user_created", "evaluator", None, "zhao（评价人员）"),
        ("password_reset", "evaluator", None, "zhao（结束 0 个登录）"),
        ("user_deactivated", "evaluator", None, "zhao（结束 0 个登录）"),
        ("user_activated", "evaluator", None, "zhao"),
        ("sessions_revoked", "evaluator", None, "zhao（0 个）"),
        ("user_created", None, None, "qian（评价人员）"),
        ("password_reset", None, None, "qian（结束 0 个登录）"),
    ]
    password = reset.split("的密码：<code>")[1].split("<")[0]
    texts = " ".join(detail for *_, detail in events())
    assert password not in texts and "qian-password-1" not in texts


def test_commands_act_as_the_system(runner, make_survey, make_user, tmp_path):
    make_user("admin", admin=True)
    make_user("wang")
    units = tmp_path / "units.csv"
    units.write_text("code,name,district\nS1,第一小学,城关区\n", encoding="utf-8")
    start = last_id()
    runner.invoke(args=["survey", "create", "--title", "命令行调查", "--slug", "cli-made", "--questionnaire",
                        "student-lamps", "--units", str(units), "--owner", "wang"])
    runner.invoke(args=["survey", "open", "cli-made"])
    runner.invoke(args=["survey", "open", "cli-made"])                  # no change, no event
    assert events(start) == [("survey_opened", None, "cli-made", "")]


def _audit_rows(client, url: str) -> list[list[str]]:
    return tables_in(client.get(url).get_data(as_text=True)).get("audit", [[]])[1:]


def test_admins_page_through_every_event_and_filter_them(app, console, evaluator, make_survey):
    first, second = make_survey(), make_survey()
    for number in range(60):
        record_event("raw_export", survey=first if number % 2 else second, user=evaluator, detail=f"文件{number}")
    db.session.commit()
    total = db.session.scalar(sa.select(sa.func.count(AuditEvent.id)))
    page1, page2 = _audit_rows(console, "/console/audit"), _audit_rows(console, "/console/audit?page=2")
    assert len(page1) == 50 and len(page1) + len(page2) == total
    assert page1[0][4] == "文件59"                                       # newest first
    only_first = _audit_rows(console, f"/console/audit?survey={first.id}&action=raw_export")
    assert len(only_first) == 30 and {row[3] for row in only_first} == {first.title}
    assert {row[4] for row in only_first} == {f"文件{n}" for n in range(1, 60, 2)}
    nobody = _audit_rows(console, "/console/audit?user=999")
    assert nobody == []


def test_an_owner_sees_the_events_of_their_survey_only(app, make_survey, make_user):
    make_user("admin", admin=True)
    wang = make_user("wang")
    mine, other = make_survey(), make_survey()
    add_owner(mine, wang)
    record_event("raw_export", survey=mine, user=wang, detail="我的导出")
    record_event("raw_export", survey=other, user=None, detail="别人的导出")
    db.session.commit()
    client = app.test_client()
    assert log_in(client, username="wang").status_code == 302
    rows = _audit_rows(client, f"/console/surveys/{mine.slug}/audit")
    details = [row[3] for row in rows]
    assert "我的导出" in details and "别人的导出" not in details
    assert client.get(f"/console/surveys/{other.slug}/audit").status_code == 404
    assert client.get("/console/audit").status_code == 403
