"""Two app instances on one PostgreSQL database: interleaved submissions reconcile (no per-process state).

Two gunicorn servers on different ports share one PostgreSQL database (a schema of its own in the
TEST_POSTGRES_URL database, made by the migrations and dropped afterwards) and one SECRET_KEY, as two
machines behind a load balancer do. Browsers open the page on one instance and post to the other; a
re-sent post and a second answer from the same browser reach the other instance; then both take load at
once. Every acknowledged submission is stored exactly once and nothing else is.
"""

from __future__ import annotations

import collections
import html
import http.client
import secrets
import threading
from urllib.parse import urlencode

import pytest
import sqlalchemy as sa

from tests.conftest import POSTGRES_URL, skip_or_fail
from tests.integration.servers import (
    ANSWERS,
    Flow,
    Gunicorn,
    app_environment,
    make_database,
    run_load,
    stored_tokens,
)
from tests.respond.helpers import HIDDEN

pytestmark = pytest.mark.postgres


@pytest.fixture
def schema_url():
    """A fresh schema in the test database; its URL (search_path set), dropped afterwards."""
    if not POSTGRES_URL:
        skip_or_fail("no PostgreSQL server: set TEST_POSTGRES_URL to run the multi-instance test")
    schema = f"multi_{secrets.token_hex(4)}"
    engine = sa.create_engine(POSTGRES_URL)
    with engine.begin() as con:
        con.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    separator = "&" if "?" in POSTGRES_URL else "?"
    try:
        yield f"{POSTGRES_URL}{separator}options=-csearch_path%3D{schema}"
    finally:
        with engine.begin() as con:
            con.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
        engine.dispose()


class Browser:
    """A respondent's browser: its own cookies, requests to whichever instance it is sent to."""

    def __init__(self):
        self.cookies: dict[str, str] = {}

    def request(self, port: int, method: str, path: str, body: str | None = None):
        con = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        con.request(method, path, body=body.encode() if body is not None else None, headers=headers)
        reply = con.getresponse()
        data = reply.read().decode()
        for header in reply.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            self.cookies[name] = rest.split(";", 1)[0]
        con.close()
        return reply.status, data

    def open(self, port: int, path: str) -> dict[str, str]:
        status, page = self.request(port, "GET", path)
        assert status == 200, page[:300]
        return {name: html.unescape(value) for name, value in HIDDEN.findall(page)}


def test_two_instances_on_one_postgresql_reconcile(schema_url, tmp_path):
    paths = make_database(schema_url, units=2)
    env = app_environment(tmp_path, schema_url)
    log = tmp_path / "gunicorn.log"
    with Gunicorn(env, workers=2, log=log) as first, Gunicorn(env, workers=2, log=log) as second:
        ports = (first.port, second.port)
        acknowledged: list[str] = []
        # interleaved: open on one instance, post to the other
        for i in range(12):
            browser = Browser()
            shown, posted = ports[i % 2], ports[(i + 1) % 2]
            path = paths[i % len(paths)]
            hidden = browser.open(shown, path)
            second_tab = browser.open(posted, path)           # the same page opened again, not yet sent
            status, _ = browser.request(posted, "POST", path, urlencode(hidden) + "&" + ANSWERS)
            assert status == 303
            acknowledged.append(hidden["submit-token"])
            # the same post again on the first instance: recognised, thank-you, no second row
            status, _ = browser.request(shown, "POST", path, urlencode(hidden) + "&" + ANSWERS)
            assert status == 303
            # a second questionnaire from the same browser: refused by either instance
            status, page = browser.request(posted, "POST", path, urlencode(second_tab) + "&" + ANSWERS)
            assert status == 409, page[:300]
            status, page = browser.request(shown, "GET", path)
            assert status == 200 and "您已提交过本问卷" in page     # the "already answered" page

        # both instances under load at once
        results = {}

        def drive(port: int) -> None:
            results[port] = run_load(Flow(port=port, page=paths[0], post=None, answers=ANSWERS), 4, 3.0,
                                     processes=1)

        threads = [threading.Thread(target=drive, args=(port,)) for port in ports]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
    for port in ports:
        result = results[port]
        assert result.acknowledged > 0 and result.statuses == {303: result.acknowledged}, result.statuses
        assert not result.errors, result.errors
        acknowledged += result.tokens

    stored = stored_tokens(schema_url)
    assert collections.Counter(stored) == collections.Counter(acknowledged)
    assert "Traceback" not in log.read_text(errors="replace")
