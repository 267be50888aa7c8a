"""Links, QR codes and print pages on the address the console is reached at, or PUBLIC_BASE_URL when set;
commands take --base-url or PUBLIC_BASE_URL."""

from __future__ import annotations

import pytest

from surveyapp.config import Defaults
from surveyapp.links.services import qr_bytes
from tests.conftest import unit_link_token


def test_no_address_is_built_in():
    assert Defaults.PUBLIC_BASE_URL is None


@pytest.fixture
def unset(app):
    app.config["PUBLIC_BASE_URL"] = None


def on_hosts(client, app, *hosts: str):
    """Send the console's login cookie to other host names too (a browser would log in there)."""
    name = app.config["SESSION_COOKIE_NAME"]
    cookie = client.get_cookie(name)
    for host in hosts:
        client.set_cookie(name, cookie.value, domain=host)
    return client


def test_links_follow_the_address_of_the_request(console, make_survey, unset, app):
    on_hosts(console, app, "pj.example.cn", "10.0.0.7")
    survey = make_survey(["student-lamps"], units=(("S1", "第一小学"),))
    token = unit_link_token(survey.forms[0], "S1")
    html = console.get(f"/console/surveys/{survey.slug}/links",
                       base_url="http://pj.example.cn:8123").get_data(as_text=True)
    assert f'value="http://pj.example.cn:8123/s/{token}"' in html
    assert "127.0.0.1:5000" not in html
    printed = console.get(f"/console/surveys/{survey.slug}/print", base_url="https://pj.example.cn")
    assert f"https://pj.example.cn/s/{token}" in printed.get_data(as_text=True)
    svg = console.get(f"/console/surveys/{survey.slug}/qr/{survey.forms[0].id}/S1.svg",
                      base_url="http://10.0.0.7:8080")
    assert svg.data == qr_bytes(f"http://10.0.0.7:8080/s/{token}", "svg")


def test_public_base_url_wins_over_the_request(console, make_survey, app):
    on_hosts(console, app, "internal")
    app.config["PUBLIC_BASE_URL"] = "https://survey.example.cn/"
    survey = make_survey(["student-lamps"], units=(("S1", "第一小学"),))
    html = console.get(f"/console/surveys/{survey.slug}/links",
                       base_url="http://internal:8000").get_data(as_text=True)
    assert f'value="https://survey.example.cn/s/{unit_link_token(survey.forms[0], "S1")}"' in html
    assert "internal:8000" not in html


def test_survey_links_command_needs_an_address(runner, make_survey, unset):
    survey = make_survey(["student-lamps"], units=(("S1", "第一小学"),))
    result = runner.invoke(args=["survey", "links", survey.slug])
    assert result.exit_code == 2
    assert "pass --base-url" in result.output and "Traceback" not in result.output
    result = runner.invoke(args=["survey", "links", survey.slug, "--base-url", "http://10.1.2.3:8080/"])
    assert result.exit_code == 0
    assert result.output.splitlines()[1].endswith(
        f"\thttp://10.1.2.3:8080/s/{unit_link_token(survey.forms[0], 'S1')}")
    result = runner.invoke(args=["survey", "links", survey.slug, "--base-url", "10.1.2.3:8080"])
    assert result.exit_code == 2 and "no http:// or https:// address" in result.output


def test_demo_refuses_to_guess_an_address(runner, unset):
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 2 and "pass --base-url" in result.output
