"""Shared benchmark fixtures: a SQLite database of N responses at city scale, built once and cached.

The database holds one survey (slug ``bench``) offering the three shipped questionnaires
(teacher-platform, parent-platform, student-lamps) in 20 schools. Closed answers come from
:func:`surveyapp.demo.synthetic_answers` (correlated the way real ones are); open answers come from
``bench/tokenize.py``'s corpus (mostly 无 / 没有 in their variants, short praise, a long tail of
suggestions that repeat as real ones do). About 3% of the responses are marked invalid (speeders).

The schema is made by the project's migrations; responses are written with one ``executemany`` of
prepared rows (journal off while building), so 350,000 responses take some 20 seconds to build. The file
is cached under ``bench/.cache/`` keyed by N, the seed, the builder version and the hashes of the
questionnaires and migrations, so a rerun reuses it; delete the folder to rebuild.

Use::

    from bench.common import bench_database, open_app
    path = bench_database(350_000)
    app = open_app(path)
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import sqlite3
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

CACHE = Path(__file__).resolve().parent / ".cache"
BUILDER_VERSION = 2
"""Raise when the builder below changes what it writes (the cache key does not read this file)."""
SLUG = "bench"
FORMS = ("teacher-platform.yaml", "parent-platform.yaml", "student-lamps.yaml")
SHARES = {"teacher": 0.05, "parent": 0.60, "student": 0.35}
"""Share of the responses per role (teachers are few, parents many)."""
UNITS = 20
POOL = 4000
"""Distinct closed-answer documents generated per questionnaire (each response takes one, plus its own
open answers and meta data)."""
INVALID_SHARE = 0.03


def _bench_entry(path: str) -> None:
    """Make a script under bench/ importable as a program: project root first, bench/ itself off the
    path (bench/analysis.py would shadow the `analysis` package, bench/tokenize.py the stdlib)."""
    here = os.path.dirname(os.path.abspath(path))
    sys.path[:] = [p for p in sys.path if os.path.abspath(p or os.getcwd()) != here]
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))


def cache_key(n: int, seed: int) -> str:
    """A short hash of everything the database content depends on."""
    digest = hashlib.sha256()
    digest.update(f"{BUILDER_VERSION}:{n}:{seed}:{UNITS}:{POOL}:{sorted(SHARES.items())}".encode())
    for name in FORMS:
        digest.update((ROOT / "questionnaires" / name).read_bytes())
    for path in sorted((ROOT / "migrations" / "versions").glob("*.py")):
        digest.update(path.read_bytes())
    for path in (ROOT / "surveyapp" / "demo.py", ROOT / "surveyapp" / "answer_codes.py",
                 ROOT / "bench" / "tokenize.py"):
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def open_app(path: Path) -> Any:
    """A surveyapp Flask app on the database file at `path`."""
    from surveyapp import create_app

    return create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}", "SECRET_KEY": "bench",
                       "TESTING": False})


def bench_database(n: int = 350_000, seed: int = 20251009, *, quiet: bool = False) -> Path:
    """The path of a cached database of `n` responses (built now if it is not cached yet)."""
    CACHE.mkdir(parents=True, exist_ok=True)
    path = CACHE / f"responses-{n}-{cache_key(n, seed)}.sqlite"
    if path.exists():
        if not quiet:
            print(f"database: {path.relative_to(ROOT)} (cached, {path.stat().st_size / 1e6:.0f} MB)")
        return path
    started = time.perf_counter()
    fd, tmp = tempfile.mkstemp(dir=CACHE, suffix=".building")
    os.close(fd)
    os.unlink(tmp)
    try:
        _build(Path(tmp), n, seed)
        os.replace(tmp, path)
    finally:
        for leftover in (tmp, tmp + "-wal", tmp + "-shm"):
            if os.path.exists(leftover):
                os.unlink(leftover)
    if not quiet:
        print(f"database: built {path.relative_to(ROOT)} with {n:,} responses in "
              f"{time.perf_counter() - started:.1f} s ({path.stat().st_size / 1e6:.0f} MB)")
    return path


def _build(path: Path, n: int, seed: int) -> None:
    import logging

    from flask_migrate import upgrade

    from bench.tokenize import build_answers
    from questionnaires import SHIPPED
    from surveyapp.answer_codes import encode
    from surveyapp.demo import synthetic_answers
    from surveyapp.extensions import db
    from surveyapp.surveys.services import FormSpec, create_survey, set_status, version_questionnaire
    from surveyapp.surveys.units import UnitRow

    app = open_app(path)
    logging.getLogger("alembic").setLevel(logging.WARNING)
    with app.app_context():
        upgrade()
        units = [UnitRow(f"S{i + 1:02d}", f"第{i + 1}学校", f"区{i % 4 + 1}") for i in range(UNITS)]
        survey = create_survey("基准测试调查", SLUG, [FormSpec(SHIPPED / name) for name in FORMS], units)
        set_status(survey, "open")
        db.session.commit()
        forms = [(form.id, form.role, version_questionnaire(form.version)) for form in survey.forms]
        unit_ids = [unit.id for unit in survey.units]
        db.session.remove()
        db.engine.dispose()

    rng = random.Random(seed)
    open_answers = build_answers(n, seed)
    other_texts = ["孩子同学告诉的", "社区宣传", "学校公众号", "朋友圈", "邻居说的", "无"]
    start = datetime(2025, 10, 9, 0, 30, tzinfo=UTC)
    rows: list[tuple[Any, ...]] = []
    counts = {role: round(n * share) for role, share in SHARES.items()}
    counts["parent"] += n - sum(counts.values())
    next_open = 0
    for form_id, role, questionnaire in forms:
        text_vars = [q.id for q in questionnaire.questions if q.type == "text"]
        moods = [rng.uniform(-0.4, 0.4) for _ in unit_ids]
        pools = [[synthetic_answers(questionnaire, rng, mood) for _ in range(POOL // UNITS)] for mood in moods]
        for i in range(counts[role]):
            u = i % UNITS
            answers = dict(rng.choice(pools[u]))
            for var in text_vars:
                text = open_answers[next_open % n]
                next_open += 1
                if text.strip():
                    answers[var] = text
                else:
                    answers.pop(var, None)
            for var in list(answers):
                if var.endswith(".other"):
                    answers[var] = rng.choice(other_texts)
            codes, texts = encode(questionnaire, answers)
            speeder = rng.random() < INVALID_SHARE
            submitted = start + timedelta(seconds=rng.randint(0, 9 * 24 * 3600),
                                          microseconds=rng.randint(0, 999_999))
            rows.append((
                f"b{len(rows):07d}{rng.getrandbits(40):010x}", form_id, unit_ids[u],
                submitted.replace(tzinfo=None).isoformat(sep=" "),
                float(rng.randint(8, 25) if speeder else int(rng.lognormvariate(5.3, 0.4))),
                rng.choices(("微信", "手机", "电脑"), (0.82, 0.12, 0.06))[0],
                "invalid" if speeder else "valid", "答题时间过短" if speeder else None,
                json.dumps(answers, ensure_ascii=False, separators=(",", ":")),
                codes, json.dumps(texts, ensure_ascii=False, separators=(",", ":")) if texts else None,
            ))
    rows.sort(key=lambda r: r[3])  # stored in submission order, as a real round is
    con = sqlite3.connect(path)
    try:
        con.execute("PRAGMA journal_mode=OFF")
        con.execute("PRAGMA synchronous=OFF")
        con.executemany(
            "INSERT INTO response (public_id, form_id, unit_id, submitted_at, duration_s, channel, status, "
            "invalid_reason, answers, codes, texts) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
        con.commit()
        con.execute("PRAGMA journal_mode=WAL")
        con.execute("ANALYZE")
    finally:
        con.close()


def survey_forms(app: Any) -> tuple[Any, dict[str, Any]]:
    """(survey, questionnaires by id) of the bench survey; call inside an app context."""
    from surveyapp.responses import survey_questionnaires
    from surveyapp.surveys.services import get_survey

    survey = get_survey(SLUG)
    return survey, survey_questionnaires(survey)


def rss_mb() -> float:
    """Peak resident set size of this process so far, in MB."""
    import resource

    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 1024 if sys.platform != "darwin" else peak / 1e6


def verdict(ok: bool) -> str:
    return "OK" if ok else "MISSED"


if __name__ == "__main__":
    _bench_entry(__file__)
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 350_000
    print(bench_database(count))
