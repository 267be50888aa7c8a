"""The per-address limit on questionnaire posts: a Chinese 429 page that keeps the answers, counters in
the database shared by every instance, forwarded addresses trusted only when configured."""

from __future__ import annotations

import pytest

from surveyapp import create_app
from surveyapp.respond import ratelimit
from surveyapp.respond.ratelimit import DatabaseStorage
from tests.respond.conftest import VALID
from tests.respond.helpers import hidden_fields, open_page, post_answers, responses


@pytest.fixture
def limited(app, open_form):
    """A survey that takes repeated answers, and a limit of 3 posts a minute per address."""
    app.config["SUBMIT_RATE_LIMIT"] = "3 per minute"
    return open_form(allow_repeat=True)


def test_posts_past_the_limit_get_a_chinese_429_page_with_the_answers_kept(client, limited):
    _, url = limited
    for _ in range(3):
        assert post_answers(client, url, VALID).status_code == 303
    refused = post_answers(client, url, {**VALID, "q8": "第四份答卷"})
    assert refused.status_code == 429
    page = refused.get_data(as_text=True)
    assert "提交过于频繁，您的回答已保留" in page
    assert "第四份答卷" in page and 'name="q5" value="是" checked' in page
    assert hidden_fields(page)["submit-token"]                       # the page can be submitted again later
    assert len(responses()) == 3
    # pages are still shown: only posts count
    assert client.get(url).status_code == 200


def test_another_address_is_counted_apart(app, client, limited):
    _, url = limited
    school = {"REMOTE_ADDR": "10.8.0.1"}
    for _ in range(3):
        assert post_answers(client, url, VALID, environ_base=school).status_code == 303
    assert post_answers(client, url, VALID, environ_base=school).status_code == 429
    assert post_answers(app.test_client(), url, VALID, environ_base={"REMOTE_ADDR": "10.8.0.2"}).status_code == 303
    assert len(responses()) == 4


def test_forwarded_addresses_count_only_behind_a_trusted_proxy(app, client, limited):
    """Without TRUSTED_PROXIES a client cannot pick its address with X-Forwarded-For."""
    _, url = limited
    for n in range(3):
        headers = {"X-Forwarded-For": f"203.0.113.{n}"}
        assert post_answers(client, url, VALID, headers=headers).status_code == 303
    assert post_answers(client, url, VALID, headers={"X-Forwarded-For": "203.0.113.99"}).status_code == 429


def _instance(database_url: str, **settings):
    """Another app on the test's database (a second server, or one behind a proxy)."""
    return create_app({"TESTING": True, "SECRET_KEY": "test-secret", "SQLALCHEMY_DATABASE_URI": database_url,
                       "SUBMIT_RATE_LIMIT": "3 per minute", **settings})


def _dispose(*instances) -> None:
    from surveyapp.extensions import db

    for instance in instances:
        with instance.app_context():
            db.engine.dispose()


def test_behind_a_trusted_proxy_each_forwarded_address_has_its_own_count(database_url, limited):
    _, url = limited
    behind = _instance(database_url, TRUSTED_PROXIES="1")
    proxy = {"REMOTE_ADDR": "127.0.0.1"}

    def post(address: str) -> int:
        headers = {"X-Forwarded-For": address}
        return post_answers(behind.test_client(), url, VALID, headers=headers, environ_base=proxy).status_code

    assert [post(f"198.51.100.{n}") for n in range(4)] == [303] * 4          # four parents, one proxy
    assert [post("198.51.100.0") for _ in range(3)] == [303, 303, 429]
    _dispose(behind)


def test_two_instances_share_the_counters(database_url, limited):
    """Two app instances on one database (two servers behind a balancer) count one address together."""
    _, url = limited
    first, second = _instance(database_url), _instance(database_url)
    statuses = [post_answers(instance.test_client(), url, VALID).status_code
                for instance in (first, second, first, second)]
    assert statuses == [303, 303, 303, 429]
    _dispose(first, second)


class FakeClock:
    def __init__(self, now: float):
        self.now = now

    def time(self) -> float:
        return self.now


def test_database_storage_counts_fixed_windows(app, monkeypatch):
    """The storage on SQLite and PostgreSQL: counts per key, a new window once the old one ended."""
    clock = FakeClock(1_000_000.0)
    monkeypatch.setattr(ratelimit, "time", clock)
    storage = DatabaseStorage()
    assert storage.check() and storage.get("a") == 0
    assert [storage.incr("a", 60) for _ in range(3)] == [1, 2, 3]
    assert storage.incr("a", 60, amount=2) == 5
    assert storage.incr("b", 60) == 1
    assert (storage.get("a"), storage.get("b")) == (5, 1)
    assert storage.get_expiry("a") == pytest.approx(1_000_060.0)
    clock.now += 59.5
    assert storage.incr("a", 60) == 6                            # the same window
    clock.now += 0.5
    assert storage.get("a") == 0 and storage.get_expiry("a") == clock.now   # the window has ended
    assert storage.incr("a", 60) == 1                            # a new one starts
    assert storage.get_expiry("a") == pytest.approx(clock.now + 60)
    storage.clear("b")
    assert storage.get("b") == 0
    assert storage.reset() == 1


def test_the_counter_write_leaves_the_connections_durable(app):
    """The counter's commit skips the fsync (synchronous=NORMAL) but the connection goes back to the pool
    with the durable setting every response needs."""
    from surveyapp.extensions import db

    if db.engine.dialect.name != "sqlite":
        pytest.skip("a SQLite setting")
    DatabaseStorage().incr("k", 60)
    with db.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA synchronous").scalar() == 2      # FULL


def test_a_breach_behind_an_untrusted_proxy_is_logged_once(client, limited, caplog):
    import logging

    _, url = limited
    ratelimit._warned = False
    with caplog.at_level(logging.WARNING, logger="surveyapp.respond.ratelimit"):
        for _ in range(5):
            post_answers(client, url, VALID)
    warnings = [r for r in caplog.records if "SURVEYAPP_TRUSTED_PROXIES" in r.getMessage()]
    assert len(warnings) == 1
    _, hidden = open_page(client, url)
    assert hidden["submit-token"]
