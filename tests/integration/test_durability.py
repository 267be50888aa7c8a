"""Crashes under load lose no acknowledged response: kill a gunicorn worker, then the whole server.

Respondents post the parent questionnaire against the real app under gunicorn (SQLite file database made
by the migrations, durable settings). One worker is killed with SIGKILL (the master starts a new one),
then the master and all its workers are killed with SIGKILL (a crash, no shutdown) and the server is
started again on the same database. Each respondent whose post was cut off by a kill sends the very same
request again, as a browser's retry does, until it gets its answer.

Afterwards the rows are reconciled with what was sent: every submit token sent is acknowledged (303),
every acknowledged token has exactly one row, whose school and answers are the ones posted, and no row
holds a token nobody sent; SQLite's integrity check passes. The kills are triggered by the number of
acknowledged submissions, not by the clock, and every wait is generous: a busy machine only makes the
test slower. Whichever requests the kills happen to cut off, one post surely is: a respondent whose
connection has sent half its body when the server crashes (on a busy machine every other respondent may
be between requests at that instant).
"""

from __future__ import annotations

import collections
import html
import http.client
import json
import re
import threading
import time
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, quote_plus

import sqlalchemy as sa

from tests.integration.servers import ANSWERS, Gunicorn, app_environment, make_database, sqlite_integrity

CLIENTS = 8
KILL_WORKER_AT = 30          # acknowledged submissions before one worker is killed
CRASH_AT = 60                # ... before the whole server is killed
STOP_AT = 90                # ... before the load stops (after the restart)
WAIT_S = 600.0               # the longest any step may take, however busy the machine
HIDDEN = re.compile(r'<input type="hidden" name="([^"]+)" value="([^"]*)">')
CUT_OFF = (OSError, http.client.HTTPException)


@dataclass
class Post:
    """One submission as sent: where, with which cookies and body, and the token it carries."""

    path: str
    cookies: str
    body: str
    token: str


@dataclass
class Ledger:
    """What the respondents saw, shared by their threads (list appends are atomic)."""

    acknowledged: list[str] = field(default_factory=list)
    sent: dict[str, Post] = field(default_factory=dict)
    cut_off: list[Post] = field(default_factory=list)
    unexpected: list[tuple[int, str]] = field(default_factory=list)


def _request(port: int, method: str, path: str, cookies: str = "", body: str = "",
             ) -> tuple[int, list[str], str]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    try:
        headers = {"Cookie": cookies} if cookies else {}
        if method == "POST":
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        connection.request(method, path, body=body.encode() if body else None, headers=headers)
        reply = connection.getresponse()
        return reply.status, reply.headers.get_all("Set-Cookie") or [], reply.read().decode()
    finally:
        connection.close()


def _cookie_header(set_cookies: list[str]) -> str:
    return "; ".join(value.split(";", 1)[0] for value in set_cookies)


def _open(port: int, path: str, stop: threading.Event) -> tuple[str, dict[str, str]] | None:
    """GET the page until the server answers: (cookies, hidden fields), or None once stopped."""
    while not stop.is_set():
        try:
            status, set_cookies, page = _request(port, "GET", path)
        except CUT_OFF:
            time.sleep(0.05)                              # the server is down or restarting
            continue
        assert status == 200, (status, page[:300])
        return _cookie_header(set_cookies), {k: html.unescape(v) for k, v in HIDDEN.findall(page)}
    return None


def _prepared(port: int, path: str, ledger: Ledger, stop: threading.Event) -> Post | None:
    """Open the page and make its submission (recorded as sent), or None once stopped."""
    opened = _open(port, path, stop)
    if opened is None:
        return None
    cookies, hidden = opened
    body = "&".join(f"{k}={quote_plus(v)}" for k, v in hidden.items()) + "&" + ANSWERS
    post = Post(path, cookies, body, hidden["submit-token"])
    ledger.sent[post.token] = post
    return post


def _respondent(port: int, paths: list[str], number: int, ledger: Ledger, stop: threading.Event) -> None:
    turn = number
    while not stop.is_set():
        path = paths[turn % len(paths)]
        turn += 1
        post = _prepared(port, path, ledger, stop)
        if post is None:
            return
        try:
            status, _, text = _request(port, "POST", path, post.cookies, post.body)
        except CUT_OFF:
            ledger.cut_off.append(post)
            continue
        if status == 303:
            ledger.acknowledged.append(post.token)
        else:
            ledger.unexpected.append((status, text[:300]))


def _half_sent(port: int, path: str, ledger: Ledger, stop: threading.Event,
               ) -> tuple[http.client.HTTPConnection, Post, bytes]:
    """A submission whose connection has sent its headers and half its body; the rest is still to send."""
    post = _prepared(port, path, ledger, stop)
    assert post is not None
    data = post.body.encode()
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    connection.putrequest("POST", path)
    for name, value in (("Cookie", post.cookies), ("Content-Type", "application/x-www-form-urlencoded"),
                        ("Content-Length", str(len(data)))):
        connection.putheader(name, value)
    connection.endheaders(data[:len(data) // 2])
    return connection, post, data[len(data) // 2:]


def _finish(connection: http.client.HTTPConnection, post: Post, rest: bytes, ledger: Ledger) -> bool:
    """Send the rest of a half-sent submission and read the answer; whether the connection was cut off."""
    try:
        connection.send(rest)
        status = connection.getresponse().status
    except CUT_OFF:
        ledger.cut_off.append(post)
        return True
    finally:
        connection.close()
    if status == 303:
        ledger.acknowledged.append(post.token)
    else:
        ledger.unexpected.append((status, "the half-sent post"))
    return False


def _resend(port: int, post: Post) -> int:
    """Send a cut-off submission again, as the respondent's browser does, until the server answers."""
    deadline = time.monotonic() + WAIT_S
    while True:
        try:
            return _request(port, "POST", post.path, post.cookies, post.body)[0]
        except CUT_OFF:
            assert time.monotonic() < deadline, "the server did not answer a re-sent submission"
            time.sleep(0.1)


def _wait_for(condition, what: str) -> None:
    deadline = time.monotonic() + WAIT_S
    while not condition():
        assert time.monotonic() < deadline, f"waited {WAIT_S:.0f} s for {what}"
        time.sleep(0.05)


def test_acknowledged_submissions_survive_worker_and_server_kills(tmp_path):
    database = tmp_path / "durable.sqlite"
    url = f"sqlite:///{database}"
    paths = make_database(url)
    units = {path: code for path, code in zip(paths, ("S01", "S02", "S03"), strict=True)}
    env = app_environment(tmp_path, url)                 # with a rate limit no load reaches
    log = tmp_path / "gunicorn.log"
    server = Gunicorn(env, workers=2, log=log).start(wait=WAIT_S)
    port = server.port
    ledger, stop = Ledger(), threading.Event()
    events: dict[str, object] = {}
    threads = [threading.Thread(target=_respondent, args=(port, paths, n, ledger, stop), daemon=True)
               for n in range(CLIENTS)]
    for thread in threads:
        thread.start()
    try:
        _wait_for(lambda: len(ledger.acknowledged) >= KILL_WORKER_AT, f"{KILL_WORKER_AT} acknowledgements")
        events["worker"] = server.kill_worker()          # SIGKILL one worker mid-load
        _wait_for(lambda: len(ledger.acknowledged) >= CRASH_AT, f"{CRASH_AT} acknowledgements")
        half_sent = _half_sent(port, paths[0], ledger, stop)
        server.kill()                                    # SIGKILL master and workers: a crash
        events["half-sent cut off"] = _finish(*half_sent, ledger)
        server = Gunicorn(env, workers=2, port=port, log=log).start(wait=WAIT_S)
        _wait_for(lambda: len(ledger.acknowledged) >= STOP_AT, f"{STOP_AT} acknowledgements")
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=WAIT_S)
    try:
        resent = collections.Counter(_resend(port, post) for post in ledger.cut_off)
    finally:
        server.stop()

    assert "worker" in events
    assert ledger.unexpected == []                       # never an error page
    assert events["half-sent cut off"], "the crash did not cut off the post it interrupted"
    assert resent == {303: len(ledger.cut_off)}         # every cut-off post, sent again, is thanked
    acknowledged = set(ledger.acknowledged) | {post.token for post in ledger.cut_off}
    assert acknowledged == set(ledger.sent)             # every submission sent got its 303 in the end

    engine = sa.create_engine(url)
    try:
        with engine.connect() as connection:
            rows = connection.execute(sa.text(
                "SELECT response.submit_token, unit.code, response.answers FROM response "
                "JOIN unit ON unit.id = response.unit_id")).all()
    finally:
        engine.dispose()
    per_token = collections.Counter(token for token, _, _ in rows)
    assert [token for token, n in per_token.items() if n != 1] == []            # one row per submission
    assert set(per_token) == acknowledged                                      # and no row nobody sent
    posted = {k: v for k, v in parse_qsl(ANSWERS)}
    for token, code, answers in rows:
        answers = json.loads(answers) if isinstance(answers, str) else answers
        assert code == units[ledger.sent[token].path]                          # the school of its link
        assert answers["q25"] == posted["q25"] and answers["q1"] == posted["q1"]
    assert sqlite_integrity(database) == ["ok"]
    assert "Traceback" not in log.read_text(errors="replace")
