"""A small, fast load generator for the respondent flow: GET the page, read its tokens, POST the answers.

Each virtual respondent is a fresh browser: its own cookie jar (the session cookie that carries the CSRF
secret and the ``sa_cid`` browser cookie the duplicate check reads), one GET of the questionnaire page,
the hidden ``csrf_token`` / ``submit-token`` / ``started-at`` fields parsed out of it, then one POST of a
complete answer set with those fields and cookies. A virtual client repeats that with a new browser until
the time is up (a closed loop, no think time: ``clients`` requests are in flight at any moment).

The generator is plain HTTP/1.1 over asyncio streams in several processes (wrk cannot follow the
GET-parse-POST flow; ``http.client`` in threads costs the GIL). Only loopback addresses are accepted.

Use::

    from bench.loadclient import Flow, run_load
    result = run_load(Flow(port=8000, page="/s/TOKEN/S01", post=None, answers=BODY), clients=64, seconds=15)
    result.acknowledged, result.rate, result.p99("post")
"""

from __future__ import annotations

import asyncio
import html
import ipaddress
import multiprocessing as mp
import os
import re
import time
from dataclasses import dataclass, field
from urllib.parse import quote_plus

HIDDEN = re.compile(rb'<input type="hidden" name="([^"]+)" value="([^"]*)">')
TOKEN_FIELDS = (b"csrf_token", b"submit-token", b"started-at")
USER_AGENT = ("Mozilla/5.0 (Linux; Android 13) AppleWebKit/537.36 Chrome/116 Mobile Safari/537.36 "
              "MicroMessenger/8.0.42")


@dataclass(frozen=True)
class Flow:
    """What one virtual respondent does.

    page: path of the questionnaire page (GET). post: path the answers go to; None posts back to the page
    (a real submission), "/_bench/noop" measures the no-op ceiling with the very same requests.
    answers: the url-encoded answer part of the body (without the hidden fields).
    """

    port: int
    page: str
    post: str | None
    answers: str
    host: str = "127.0.0.1"


@dataclass
class Result:
    """What a load run saw: counts by outcome, latencies in seconds, acknowledged submit tokens."""

    seconds: float = 0.0
    cycles: int = 0
    acknowledged: int = 0
    statuses: dict[int, int] = field(default_factory=dict)
    errors: dict[str, int] = field(default_factory=dict)
    get_latency: list[float] = field(default_factory=list)
    post_latency: list[float] = field(default_factory=list)
    tokens: list[str] = field(default_factory=list)
    client_cpu_s: float = 0.0

    @property
    def rate(self) -> float:
        """Acknowledged (303) submissions per second."""
        return self.acknowledged / self.seconds if self.seconds else 0.0

    def percentile(self, kind: str, q: float) -> float:
        values = sorted(self.get_latency if kind == "get" else self.post_latency)
        if not values:
            return float("nan")
        return values[min(len(values) - 1, int(q * len(values)))]

    def p99(self, kind: str) -> float:
        return self.percentile(kind, 0.99)

    def merge_run(self, other: Result) -> None:
        """Add a later run of the same load: counts add up, and so do the times."""
        seconds = self.seconds + other.seconds
        self.merge(other)
        self.seconds = seconds

    def merge(self, other: Result) -> None:
        """Add the result of another process of the same run (times overlap: the longest counts)."""
        self.seconds = max(self.seconds, other.seconds)
        self.cycles += other.cycles
        self.acknowledged += other.acknowledged
        for key, value in other.statuses.items():
            self.statuses[key] = self.statuses.get(key, 0) + value
        for key, value in other.errors.items():
            self.errors[key] = self.errors.get(key, 0) + value
        self.get_latency += other.get_latency
        self.post_latency += other.post_latency
        self.tokens += other.tokens
        self.client_cpu_s += other.client_cpu_s


class HTTPError(Exception):
    pass


async def _request(host: str, port: int, raw: bytes) -> tuple[int, dict[bytes, list[bytes]], bytes]:
    """Send one request on a new connection; (status, headers by lower-case name, body)."""
    reader, writer = await asyncio.open_connection(host, port)
    try:
        writer.write(raw)
        # Half-close at once, as a proxy in front of the app effectively does: gunicorn's sync worker
        # (27.x) lingers after each response until the peer's FIN arrives (RFC 9112 9.6), so a client that
        # is slow to close its end would hold a worker idle and be measured instead of the app.
        writer.write_eof()
        head = await reader.readuntil(b"\r\n\r\n")
        lines = head.split(b"\r\n")
        status = int(lines[0].split(b" ", 2)[1])
        headers: dict[bytes, list[bytes]] = {}
        for line in lines[1:]:
            if line:
                name, _, value = line.partition(b":")
                headers.setdefault(name.strip().lower(), []).append(value.strip())
        if b"content-length" in headers:
            body = await reader.readexactly(int(headers[b"content-length"][0]))
        elif headers.get(b"transfer-encoding", [b""])[0].lower() == b"chunked":
            raise HTTPError("chunked responses are not expected from the app")
        else:
            body = await reader.read()
        return status, headers, body
    finally:
        writer.close()


def _cookies(headers: dict[bytes, list[bytes]], jar: dict[bytes, bytes]) -> None:
    for value in headers.get(b"set-cookie", []):
        pair = value.split(b";", 1)[0]
        name, _, content = pair.partition(b"=")
        jar[name.strip()] = content.strip()


def _cookie_header(jar: dict[bytes, bytes]) -> bytes:
    if not jar:
        return b""
    return b"Cookie: " + b"; ".join(k + b"=" + v for k, v in jar.items()) + b"\r\n"


async def _respondent_loop(flow: Flow, deadline: float, result: Result) -> None:
    host_header = f"Host: {flow.host}:{flow.port}\r\nUser-Agent: {USER_AGENT}\r\n".encode()
    page = flow.page.encode()
    post_path = (flow.post or flow.page).encode()
    answers = flow.answers.encode()
    clock = time.perf_counter
    while clock() < deadline:
        jar: dict[bytes, bytes] = {}
        try:
            started = clock()
            status, headers, body = await _request(
                flow.host, flow.port, b"GET " + page + b" HTTP/1.1\r\n" + host_header + b"\r\n")
            result.get_latency.append(clock() - started)
            if status != 200:
                result.errors[f"GET {status}"] = result.errors.get(f"GET {status}", 0) + 1
                continue
            _cookies(headers, jar)
            hidden = {name: value for name, value in HIDDEN.findall(body) if name in TOKEN_FIELDS}
            if len(hidden) != len(TOKEN_FIELDS):
                result.errors["page without tokens"] = result.errors.get("page without tokens", 0) + 1
                continue
            form = b"&".join(name + b"=" + quote_plus(html.unescape(value.decode())).encode()
                             for name, value in hidden.items())
            data = form + b"&" + answers
            request = (b"POST " + post_path + b" HTTP/1.1\r\n" + host_header + _cookie_header(jar)
                       + b"Content-Type: application/x-www-form-urlencoded\r\n"
                       + b"Content-Length: " + str(len(data)).encode() + b"\r\n\r\n" + data)
            started = clock()
            status, headers, _ = await _request(flow.host, flow.port, request)
            result.post_latency.append(clock() - started)
        except (OSError, asyncio.IncompleteReadError, asyncio.LimitOverrunError, HTTPError, ValueError) as exc:
            name = type(exc).__name__
            result.errors[name] = result.errors.get(name, 0) + 1
            await asyncio.sleep(0.02)                 # a server down or restarting: do not spin
            continue
        result.cycles += 1
        result.statuses[status] = result.statuses.get(status, 0) + 1
        if status == 303:
            result.acknowledged += 1
            if flow.post is None:
                result.tokens.append(hidden[b"submit-token"].decode())


async def _run_clients(flow: Flow, clients: int, deadline: float) -> Result:
    result = Result()
    await asyncio.gather(*(_respondent_loop(flow, deadline, result) for _ in range(clients)))
    return result


def _worker(flow: Flow, clients: int, start_at: float, seconds: float, out: mp.Queue) -> None:
    # wait for the common start so that every process loads the server over the same window
    delay = start_at - time.time()
    if delay > 0:
        time.sleep(delay)
    cpu = time.process_time()
    started = time.perf_counter()
    result = asyncio.run(_run_clients(flow, clients, started + seconds))
    result.seconds = time.perf_counter() - started
    result.client_cpu_s = time.process_time() - cpu
    out.put(result)


def run_load(flow: Flow, clients: int, seconds: float, processes: int | None = None) -> Result:
    """Drive `clients` concurrent virtual respondents for `seconds`; the merged result.

    Requests that are still in flight when the time is up are waited for and counted (so every
    acknowledgement the server sent is seen); the rate divides by the longest wall time a process took.
    """
    if not ipaddress.ip_address(flow.host).is_loopback:
        raise ValueError(f"load is only ever sent to a loopback address, not {flow.host}")
    processes = processes or min(clients, max(1, min(4, os.cpu_count() or 1)))
    shares = [clients // processes + (1 if i < clients % processes else 0) for i in range(processes)]
    ctx = mp.get_context("fork")
    out: mp.Queue = ctx.Queue()
    start_at = time.time() + 0.3
    workers = [ctx.Process(target=_worker, args=(flow, share, start_at, seconds, out), daemon=True)
               for share in shares if share]
    for worker in workers:
        worker.start()
    merged = Result()
    for _ in workers:
        merged.merge(out.get(timeout=seconds + 120))
    for worker in workers:
        worker.join(timeout=10)
    return merged
