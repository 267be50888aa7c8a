"""Benchmark target 4 (console pages at scale): the statistics page of a 350,000-response survey.

On the cached database of :mod:`bench.common` (one survey, 3 questionnaires, 20 schools), an evaluator logs in
through the login page with Flask's test client and opens the statistics page (统计) of the survey's largest
questionnaire (parent-platform, 60% of the responses):

* cold: the first view in a fresh process (nothing cached; the page reads the responses, computes every
  question's table and satisfaction by unit x role, and renders);
* warm: the same page again, nothing changed since (best and worst of five views);
* for orientation, not targets: how much of the cold view is the read of the frame
  (:func:`surveyapp.responses.load_form_frame`, timed inside the request), the cold page of the other two
  questionnaires, a filtered view (one school) on the warm frame, and one chart PNG.

Targets: cold <= 2 s, warm <= 0.2 s. Prints one line per figure with ratio and target; exits 1 on a miss.

Run: ``python bench/console.py [--responses N]`` (or ``make bench-console``).
"""

from __future__ import annotations

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from bench.common import _bench_entry  # noqa: E402

_bench_entry(__file__)

import argparse  # noqa: E402
import re  # noqa: E402
import statistics as stats  # noqa: E402
import time  # noqa: E402

import sqlalchemy as sa  # noqa: E402

from bench.common import SLUG, bench_database, open_app, rss_mb, survey_forms, verdict  # noqa: E402
from surveyapp import cached_frames  # noqa: E402
from surveyapp.cached_frames import fingerprint  # noqa: E402
from surveyapp.extensions import db  # noqa: E402
from surveyapp.models import Response  # noqa: E402

COLD_TARGET = 2.0
WARM_TARGET = 0.2
USER, PASSWORD = "bench-console", "bench-console-password"
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
CSRF_VALUE = re.compile(r'(name="csrf_token" value=")[^"]+"')
MAIN_FORM = "parent-platform"


def ensure_user(app) -> None:  # noqa: ANN001
    """The evaluator account of the benchmark (made once in the cached database)."""
    from surveyapp.auth.services import create_user
    from surveyapp.models import User

    with app.app_context():
        if db.session.scalar(sa.select(User.id).filter_by(username=USER)) is None:
            create_user(USER, PASSWORD)
            db.session.commit()


def log_in(client) -> None:  # noqa: ANN001
    page = client.get("/console/login").get_data(as_text=True)
    token = CSRF.search(page).group(1)
    reply = client.post("/console/login", data={"csrf_token": token, "username": USER, "password": PASSWORD})
    if reply.status_code != 302:
        raise SystemExit(f"login failed: {reply.status_code}")


def timed_get(client, url: str) -> tuple[float, str]:  # noqa: ANN001
    started = time.perf_counter()
    reply = client.get(url)
    seconds = time.perf_counter() - started
    if reply.status_code != 200:
        raise SystemExit(f"GET {url}: {reply.status_code}")
    if reply.mimetype != "text/html":
        return seconds, ""
    # the logout form's CSRF token is signed with the time: blank it so that pages compare
    return seconds, CSRF_VALUE.sub(r'\1"', reply.get_data(as_text=True))


def line(label: str, seconds: float, target: float | None = None) -> bool:
    if target is None:
        print(f"{label:<58} {seconds:8.3f} s   (for orientation)")
        return True
    ok = seconds <= target
    print(f"{label:<58} {seconds:8.3f} s   target <= {target:g} s   ratio {seconds / target:5.2f}   {verdict(ok)}")
    return ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--responses", type=int, default=350_000)
    args = parser.parse_args()
    path = bench_database(args.responses)
    app = open_app(path)
    ensure_user(app)
    client = app.test_client()
    log_in(client)
    base = f"/console/surveys/{SLUG}/statistics"

    with app.app_context():
        survey, questionnaires = survey_forms(app)
        form_ids = {qid: [f.id for f in survey.forms if f.version.questionnaire_id == qid]
                    for qid in questionnaires}
        sizes = {qid: db.session.scalar(sa.select(sa.func.count(Response.id)).where(Response.form_id.in_(ids)))
                 for qid, ids in form_ids.items()}
    print(f"survey {SLUG}: {sum(sizes.values()):,} responses "
          f"({', '.join(f'{q} {n:,}' for q, n in sizes.items())})")

    ok = True
    reads: list[float] = []
    real_load = cached_frames.load_form_frame

    def timed_load(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        started = time.perf_counter()
        try:
            return real_load(*args, **kwargs)
        finally:
            reads.append(time.perf_counter() - started)

    cached_frames.load_form_frame = timed_load   # measures the read inside the cold page
    cold, html = timed_get(client, f"{base}?q={MAIN_FORM}")
    cached_frames.load_form_frame = real_load
    valid = re.search(r'id="count-valid">(\d+)<', html).group(1)
    ok &= line(f"statistics page cold ({MAIN_FORM}, {int(valid):,} valid)", cold, COLD_TARGET)
    line("  of which: load_form_frame (surveyapp.responses, the read)", sum(reads))
    line("  of which: everything else (tables, satisfaction, render)", cold - sum(reads))
    warm = []
    for _ in range(5):
        seconds, again = timed_get(client, f"{base}?q={MAIN_FORM}")
        warm.append(seconds)
        if again != html:
            raise SystemExit("the warm page differs from the cold one")
    ok &= line("statistics page warm, nothing changed (worst of 5)", max(warm), WARM_TARGET)
    line("statistics page warm (median of 5)", stats.median(warm))
    print("  warm views: " + ", ".join(f"{w:.3f}" for w in warm) + " s")
    with app.app_context():
        started = time.perf_counter()
        fingerprint(form_ids[MAIN_FORM])
        line("  of which: the fingerprint query", time.perf_counter() - started)

    seconds, _ = timed_get(client, f"{base}?q={MAIN_FORM}&unit=S01")
    line("same questionnaire filtered to one school (frame cached)", seconds)
    seconds, _ = timed_get(client, f"{base}?q={MAIN_FORM}&unit=S01")
    line("same filtered view again", seconds)
    seconds, _ = timed_get(client, f"{base}/chart.png?q={MAIN_FORM}&table=q3")
    line("one bar chart PNG (cold)", seconds)


    for qid in questionnaires:
        if qid == MAIN_FORM:
            continue
        seconds, _ = timed_get(client, f"{base}?q={qid}")
        line(f"statistics page cold ({qid}, {sizes[qid]:,} responses)", seconds)
    print(f"peak RSS {rss_mb():.0f} MB")
    print("target 4:", verdict(ok))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
