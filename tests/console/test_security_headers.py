"""Security headers: no page can be framed or sniffed, console pages and downloads are never cached."""

from __future__ import annotations

import pytest

from tests.respond.conftest import unit_url
from tests.respond.helpers import open_page

FRAMING = ("frame-ancestors 'none'", "X-Frame-Options")


def _assert_protected(response) -> None:
    policy = response.headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in policy and "script-src 'self'" in policy
    assert "'unsafe-inline'" not in policy and "'unsafe-eval'" not in policy
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"


def test_console_pages_are_protected_and_never_cached(console, make_survey):
    survey = make_survey(["student-lamps"])
    for url in ("/console/", f"/console/surveys/{survey.slug}", f"/console/surveys/{survey.slug}/links",
                f"/console/surveys/{survey.slug}/downloads"):
        response = console.get(url)
        assert response.status_code == 200, url
        _assert_protected(response)
        assert response.headers["Cache-Control"] == "no-store", url


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_downloads_are_never_cached(console, make_survey, kind):
    survey = make_survey(["student-lamps"])
    response = console.get(f"/console/surveys/{survey.slug}/download/responses.{kind}")
    assert response.status_code == 200
    _assert_protected(response)
    assert response.headers["Cache-Control"] == "no-store"


def test_the_login_page_and_error_pages_are_protected(client):
    for url, status in (("/console/login", 200), ("/console/no-such-page", 404), ("/s/no-such-token", 404)):
        response = client.get(url)
        assert response.status_code == status, url
        _assert_protected(response)
        assert response.headers["Cache-Control"] == "no-store"


def test_respondent_pages_keep_the_submit_token_out_of_caches(client, make_survey):
    survey = make_survey(["student-lamps"], units=(("S1", "一小"),))
    page, _ = open_page(client, unit_url(survey, "S1"))
    response = client.get(unit_url(survey, "S1"))
    _assert_protected(response)
    assert response.headers["Cache-Control"] == "no-store"
    # the stylesheet and script stay cacheable (revalidated), and are not sniffed either
    for asset in ("/s/static/respond/respond.css", "/s/static/respond/respond.js"):
        static = client.get(asset)
        assert static.status_code == 200 and "no-store" not in static.headers.get("Cache-Control", "")
        assert static.headers["X-Content-Type-Options"] == "nosniff"
        static.close()


def test_the_error_pages_inline_style_is_the_one_the_policy_allows(client):
    import base64
    import hashlib
    import re

    response = client.get("/s/no-such-token")
    style = re.search(r"<style>(.*?)</style>", response.get_data(as_text=True), re.S).group(1)
    digest = base64.b64encode(hashlib.sha256(style.encode()).digest()).decode()
    assert f"'sha256-{digest}'" in response.headers["Content-Security-Policy"]
