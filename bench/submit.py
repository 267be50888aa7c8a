"""Target 1, submission throughput: real questionnaire submissions against the same run's no-op ceiling.

The real app runs under gunicorn (sync workers) on 127.0.0.1 with a SQLite file database made by
``surveyapp db upgrade`` (WAL, synchronous=FULL, busy timeout: the durable settings of every connection),
the production configuration and a survey of the shipped 25-question parent questionnaire opened in 20
schools. Virtual respondents (``bench/loadclient.py``), each a fresh browser with its own cookies, GET the
page, read its csrf_token / submit-token / started-at, and POST a complete valid answer set: CSRF, the
one-time submit token and the browser duplicate check are all on. That runs at 16 and at 64 concurrent
clients for a bounded time each; then the very same requests run with the POST sent to the app's no-op
endpoint (``SURVEYAPP_BENCH_NOOP=1`` registers ``POST /_bench/noop``: parse the form, 303, store nothing).

Figures: acknowledged (303) submissions per second, against the no-op cycles per second (target ≥ 0.5),
p99 latency of each request at 64 clients (target ≤ 100 ms), and stored rows against acknowledged
submissions (target: equal, and the stored submit tokens are exactly the acknowledged ones).

Run: ``make bench-submit`` or ``.venv/bin/python bench/submit.py [--seconds 15] [--workers 3]``.
Exit status 1 when a target is missed.
"""

from __future__ import annotations

import os
import sys

# run as `python bench/submit.py`: bench/ itself off the path (bench/tokenize.py would shadow the stdlib)
_HERE = os.path.dirname(os.path.abspath(__file__))
sys.path[:] = [p for p in sys.path if os.path.abspath(p or os.getcwd()) != _HERE]

import argparse  # noqa: E402
import sqlite3  # noqa: E402
import tempfile  # noqa: E402
from pathlib import Path  # noqa: E402
from urllib.parse import urlencode  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.appserver import Gunicorn, app_environment, prepare_survey  # noqa: E402
from bench.loadclient import Flow, Result, run_load  # noqa: E402

PARENT_ANSWERS = [
    ("q1", "母亲"), ("q2", "初中"), ("q3", "本科"), ("q4", "知道"),
    ("q5", "学校通知"), ("q5", "其他"), ("q5.other", "社区宣传"), ("q6", "参加过"), ("q7", "没有增加"),
    ("q8", "收到过"), ("q9", "很有帮助"), ("q10", "有调整"), ("q11", "偶尔查看"),
    ("q12", "3"), ("q13", "1至2小时"), ("q14", "适中"), ("q15", "8至9小时"), ("q16", "45"), ("q17", "没有参加"),
    ("q18.r1", "5"), ("q18.r2", "4"), ("q18.r3", "4"), ("q18.r4", "3"), ("q18.r5", "5"), ("q18.r6", "0"),
    ("q19.r1", "4"), ("q19.r2", "4"), ("q19.r3", "3"), ("q19.r4", "5"), ("q20", "4"), ("q21", "5"),
    ("q22", "愿意"), ("q23", "加强家校沟通"), ("q23", "及时向家长反馈评价结果"), ("q24", "愿意"),
    ("q25", "希望学校多组织家长开放日，作业量再适当减少一些，评价报告能写得更通俗易懂。"),
]
"""A complete, valid answer set of questionnaires/parent-platform.yaml, as a phone's browser posts it."""

RATIO_TARGET = 0.5
P99_TARGET_S = 0.100
LEVELS = (16, 64)
NOOP_PATH = "/_bench/noop"


def verdict(ok: bool) -> str:
    return "OK" if ok else "MISSED"


def describe(label: str, result: Result) -> str:
    statuses = ", ".join(f"{code}: {count}" for code, count in sorted(result.statuses.items()))
    errors = f"; errors {result.errors}" if result.errors else ""
    per_cycle = result.client_cpu_s / result.cycles * 1000 if result.cycles else float("nan")
    return (f"  {label}: {result.rate:,.0f} acknowledged/s over {result.seconds:.1f} s "
            f"({statuses}{errors}); p50/p99 GET {result.percentile('get', 0.5) * 1000:.0f}/"
            f"{result.p99('get') * 1000:.0f} ms, POST {result.percentile('post', 0.5) * 1000:.0f}/"
            f"{result.p99('post') * 1000:.0f} ms; load client {per_cycle:.2f} ms CPU per cycle")


def stored_tokens(database: Path) -> list[str]:
    con = sqlite3.connect(database)
    try:
        return [row[0] for row in con.execute("SELECT submit_token FROM response")]
    finally:
        con.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=float(os.environ.get("SECONDS_PER_RUN", 15)),
                        help="length of each measured run (default 15)")
    parser.add_argument("--warmup", type=float, default=2.0, help="unmeasured load before each run (s)")
    parser.add_argument("--workers", type=int, default=int(os.environ.get("WORKERS", 3)),
                        help="gunicorn sync workers (default 3)")
    parser.add_argument("--rounds", type=int, default=5,
                        help="slices each run is cut into, alternating submit and no-op (default 5)")
    parser.add_argument("--processes", type=int, default=2, help="load generator processes (default 2)")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="surveyapp-bench-") as tmp:
        workdir = Path(tmp)
        database = workdir / "bench.sqlite"
        env = app_environment(workdir, f"sqlite:///{database}", BENCH_NOOP="1")
        page = prepare_survey(env, workdir)
        answers = urlencode(PARENT_ANSWERS)
        print(f"submit: gunicorn {args.workers} sync workers, SQLite WAL synchronous=FULL, "
              f"parent questionnaire (25 questions, {len(answers)} bytes of answers), "
              f"{args.seconds:.0f} s per run, {args.processes} load processes, {os.cpu_count()} cores")
        results: dict[tuple[str, int], Result] = {}
        acknowledged: list[str] = []
        log = workdir / "gunicorn.log"
        with Gunicorn(env, workers=args.workers, log=log) as server:
            flows = {"submit": Flow(port=server.port, page=page, post=None, answers=answers),
                     "noop": Flow(port=server.port, page=page, post=NOOP_PATH, answers=answers)}
            for clients in LEVELS:
                # the two loads alternate in short slices, so that a change in the machine's other load
                # during the run falls on both alike
                for mode, flow in flows.items():
                    if args.warmup:
                        acknowledged += run_load(flow, clients, args.warmup, args.processes).tokens
                    results[mode, clients] = Result()
                for _ in range(args.rounds):
                    for mode, flow in flows.items():
                        result = run_load(flow, clients, args.seconds / args.rounds, args.processes)
                        acknowledged += result.tokens
                        results[mode, clients].merge_run(result)
                for mode in flows:
                    print(describe(f"{mode:6} {clients:2} clients", results[mode, clients]), flush=True)
        stored = stored_tokens(database)
        errors_in_log = [line for line in log.read_text(errors="replace").splitlines()
                         if "Traceback" in line or "Unhandled error" in line]

    ok = True
    print("figures:")
    for clients in LEVELS:
        submit, noop = results["submit", clients], results["noop", clients]
        ratio = submit.rate / noop.rate if noop.rate else 0.0
        hit = ratio >= RATIO_TARGET and not submit.errors and set(submit.statuses) == {303}
        ok &= hit
        print(f"submissions at {clients} clients: {submit.rate:,.0f}/s vs no-op {noop.rate:,.0f}/s, "
              f"ratio {ratio:.2f} (target >= {RATIO_TARGET}) {verdict(hit)}")
    submit64 = results["submit", 64]
    noop64 = results["noop", 64]
    p99 = max(submit64.p99("get"), submit64.p99("post"))
    hit = p99 <= P99_TARGET_S
    ok &= hit
    print(f"p99 at 64 clients: {p99 * 1000:.0f} ms (GET {submit64.p99('get') * 1000:.0f}, "
          f"POST {submit64.p99('post') * 1000:.0f}), ratio {p99 / P99_TARGET_S:.2f} of the "
          f"target (<= {P99_TARGET_S * 1000:.0f} ms; the no-op's own p99 in this run: "
          f"{max(noop64.p99('get'), noop64.p99('post')) * 1000:.0f} ms) {verdict(hit)}")
    exact = len(stored) == len(acknowledged) and sorted(stored) == sorted(acknowledged)
    ok &= exact
    print(f"stored rows = acknowledged submissions: {len(stored):,} rows, {len(acknowledged):,} "
          f"acknowledged, ratio {len(stored) / max(1, len(acknowledged)):.4f} (target 1, same tokens) "
          f"{verdict(exact)}")
    if errors_in_log:
        ok = False
        print(f"server errors logged: {len(errors_in_log)} MISSED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
