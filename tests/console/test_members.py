"""Survey members: the creator owns the survey, owners add, change and remove members, and what each
role then sees."""

from __future__ import annotations

import sqlalchemy as sa

from surveyapp.extensions import db
from surveyapp.models import Survey, SurveyMember
from surveyapp.surveys.members import add_owner

from .conftest import csrf_token, log_in
from .test_statistics import tables_in
from .test_surveys import UNITS, _create


def _client(app, name: str):
    client = app.test_client()
    assert log_in(client, username=name).status_code == 302
    return client


def _members(client, slug: str) -> list[list[str]]:
    return [row[:2] for row in tables_in(client.get(f"/console/surveys/{slug}/members").get_data(as_text=True))
            ["members"][1:]]


def _post(client, url: str, **data):
    token = csrf_token(client.get("/console/").get_data(as_text=True))
    return client.post(url, data={"csrf_token": token, **data})


def test_the_creator_of_a_survey_in_the_console_owns_it_and_others_do_not_see_it(app, evaluator, make_user):
    make_user("wang")
    make_user("zhao")
    wang = _client(app, "wang")
    page = wang.get("/console/surveys/new").get_data(as_text=True)
    reply = _create(wang, page, token=csrf_token(page))
    assert reply.status_code == 302
    assert _members(wang, "lamps-2025") == [["wang （我）", "所有者"]]
    listing = tables_in(wang.get("/console/").get_data(as_text=True))["0"]
    assert listing[1][1] == "lamps-2025" and listing[1][-1] == "所有者"
    li = _client(app, "zhao")
    assert "lamps-2025" not in li.get("/console/").get_data(as_text=True)
    assert li.get("/console/surveys/lamps-2025").status_code == 404
    admin = _client(app, "evaluator")                              # an admin sees every survey
    assert admin.get("/console/surveys/lamps-2025").status_code == 200
    assert "管理员" in tables_in(admin.get("/console/").get_data(as_text=True))["0"][1][-1]


def test_an_owner_adds_changes_and_removes_a_member_who_sees_accordingly(app, evaluator, make_user, make_survey,
                                                                        add_response):
    owner_user, _ = make_user("wang"), make_user("zhao")
    survey = make_survey()
    add_owner(survey, owner_user)
    db.session.commit()
    response = add_response(survey, "student", "S1")
    owner, li = _client(app, "wang"), _client(app, "zhao")
    members = f"/console/surveys/{survey.slug}/members"

    assert _post(owner, members, username="zhao", role="viewer").status_code == 302
    assert _members(owner, survey.slug) == [["wang （我）", "所有者"], ["zhao", "查看者"]]
    assert survey.slug in li.get("/console/").get_data(as_text=True)
    detail = f"/console/surveys/{survey.slug}/responses/{response.public_id}"
    assert _post(li, detail, status="invalid", reason="查看者试图判定").status_code == 403
    nav = li.get(f"/console/surveys/{survey.slug}").get_data(as_text=True)
    assert "成员" not in nav and "操作记录" not in nav and "开始收集" not in nav and "结束收集" not in nav

    li_member = db.session.scalar(sa.select(SurveyMember).filter_by(survey_id=survey.id, role="viewer"))
    assert _post(owner, f"{members}/{li_member.id}", action="change", role="editor").status_code == 302
    assert _members(owner, survey.slug)[1] == ["zhao", "编辑者"]
    assert _post(li, detail, status="invalid", reason="编辑者复核后判定").status_code == 302
    assert li.get(members).status_code == 403                    # editors do not manage members

    assert _post(owner, f"{members}/{li_member.id}", action="remove").status_code == 302
    assert _members(owner, survey.slug) == [["wang （我）", "所有者"]]
    assert li.get(f"/console/surveys/{survey.slug}").status_code == 404
    assert survey.slug not in li.get("/console/").get_data(as_text=True)


def test_a_survey_keeps_at_least_one_owner(app, evaluator, make_user, make_survey):
    wang = make_user("wang")
    survey = make_survey()
    only = add_owner(survey, wang)
    db.session.commit()
    owner = _client(app, "wang")
    members = f"/console/surveys/{survey.slug}/members"
    for data in ({"action": "remove"}, {"action": "change", "role": "editor"}):
        reply = _post(owner, f"{members}/{only.id}", **data)
        assert reply.status_code == 302
        page = owner.get(members).get_data(as_text=True)
        assert "调查至少需要一名所有者" in page
        assert _members(owner, survey.slug) == [["wang （我）", "所有者"]]
    # with a second owner, the first may step down and then no longer manages the members
    assert _post(owner, members, username="evaluator", role="owner").status_code == 302
    reply = _post(owner, f"{members}/{only.id}", action="change", role="viewer")
    assert reply.status_code == 302 and reply.headers["Location"] == "/console/"
    assert owner.get(members).status_code == 403


def test_adding_an_unknown_name_or_a_member_twice_is_refused_in_chinese(app, evaluator, make_user, make_survey):
    wang = make_user("wang")
    survey = make_survey()
    add_owner(survey, wang)
    db.session.commit()
    owner = _client(app, "wang")
    members = f"/console/surveys/{survey.slug}/members"
    page = _post(owner, members, username="nobody", role="viewer").get_data(as_text=True)
    assert "没有用户名为 nobody 的用户" in page
    page = _post(owner, members, username="wang", role="viewer").get_data(as_text=True)
    assert "wang 已是本调查的成员" in page
    assert db.session.scalar(sa.select(sa.func.count(SurveyMember.id))) == 1


def test_survey_create_owner_option(runner, tmp_path, make_user):
    make_user("admin", admin=True)
    make_user("wang")
    units = tmp_path / "units.csv"
    units.write_text(UNITS, encoding="utf-8")
    args = ["survey", "create", "--title", "t", "--slug", "owned", "--questionnaire", "student-lamps",
            "--units", str(units)]
    missing = runner.invoke(args=[*args, "--owner", "nobody"])
    assert missing.exit_code == 2 and "no user 'nobody'" in missing.output
    assert db.session.scalar(sa.select(sa.func.count(Survey.id))) == 0
    assert runner.invoke(args=[*args, "--owner", "wang"]).exit_code == 0
    survey = db.session.scalar(sa.select(Survey).filter_by(slug="owned"))
    assert [(m.user.username, m.role) for m in db.session.scalars(sa.select(SurveyMember))] == [("wang", "owner")]
    assert survey is not None
