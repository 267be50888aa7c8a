"""Benchmark target 2 (analysis at city scale): everything an evaluator asks of 350,000 responses.

On the cached database of :mod:`bench.common` (3 questionnaires, 20 schools), in the same run:

* baseline (a): the plain read of those responses - ``SELECT *`` of the response table fetched with the
  sqlite3 module (best of two runs, after one warm-up read, so the figure is the fastest it can be);
* ours (b), from the database: :func:`surveyapp.responses.load_survey_frames` (all responses, then
  :func:`analysis.frames.valid_only`), every per-question table of every form
  (:func:`analysis.tables.all_tables`), satisfaction by school and by role over every rated question
  (:func:`analysis.satisfaction.satisfaction_by`, as ``surveyapp stats analyze`` does), the phrase and
  word tables (:func:`analysis.text.phrase_table`, :func:`analysis.text.word_table`) and a word cloud
  (:func:`analysis.pictures.wordcloud_png`) of the parents' open question, in a fresh process state
  (segmenter and font loading included).

Target: (b) <= 3 x (a), and (b) <= 15 s. Prints one line per figure and exits 1 on a miss.

Run: ``python bench/analysis.py [--responses N]`` (or ``make bench-analysis``).
"""

from __future__ import annotations

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from bench.common import _bench_entry  # noqa: E402

_bench_entry(__file__)  # bench/analysis.py must not shadow the `analysis` package

import argparse  # noqa: E402
import sqlite3  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

from bench.common import bench_database, open_app, rss_mb, survey_forms, verdict  # noqa: E402

RATIO_TARGET = 3.0
SECONDS_TARGET = 15.0
OPEN_QUESTION = ("parent-platform", "q25")


def plain_read(path: Path) -> tuple[float, int]:
    """Seconds to fetch every column of every response row with the sqlite3 module, and the row count."""
    started = time.perf_counter()
    con = sqlite3.connect(path)
    try:
        rows = con.execute("SELECT * FROM response").fetchall()
    finally:
        con.close()
    return time.perf_counter() - started, len(rows)


def analyse(app, out: Path) -> dict[str, float]:  # noqa: ANN001
    """Run the whole analysis once; seconds per step."""
    from analysis.frames import valid_only
    from analysis.pictures import wordcloud_png
    from analysis.satisfaction import satisfaction_by
    from analysis.tables import all_tables
    from analysis.text import phrase_table, word_table
    from surveyapp.responses import load_survey_frames

    steps: dict[str, float] = {}

    def lap(name: str, started: float) -> float:
        now = time.perf_counter()
        steps[name] = steps.get(name, 0.0) + now - started
        return now

    with app.app_context():
        from bench.common import SLUG

        t = time.perf_counter()
        frames, questionnaires = load_survey_frames(SLUG, include_invalid=True)
        valid = {qid: valid_only(frame) for qid, frame in frames.items()}
        t = lap("load frames", t)
    tables = 0
    for qid, frame in valid.items():
        q = questionnaires[qid]
        tables += len(all_tables(frame, q))
        t = lap("per-question tables", t)
        rated = [x.id for x in q.questions if x.type in ("scale", "matrix") and x.scale is not None
                 and x.scale.satisfied]
        if rated:
            for by in ("unit", "role"):
                satisfaction_by(frame, q, rated, "top_box", by)
        t = lap("satisfaction by school and role", t)
    qid, variable = OPEN_QUESTION
    texts = valid[qid][variable].tolist()
    phrases = phrase_table(texts)
    t = lap("phrase table", t)
    words = word_table(texts)
    t = lap("word table", t)
    wordcloud_png(texts, out / "cloud.png")
    lap("word cloud", t)
    steps["_tables"] = tables
    steps["_phrases"] = len(phrases)
    steps["_words"] = len(words)
    steps["_rows"] = sum(len(f) for f in frames.values())
    return steps


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--responses", type=int, default=350_000)
    args = parser.parse_args(argv)

    path = bench_database(args.responses)
    app = open_app(path)
    with app.app_context():
        survey, questionnaires = survey_forms(app)
        print(f"analysis: survey with {len(survey.forms)} forms, {len(survey.units)} schools")

    plain_read(path)  # warm the page cache: both sides read a warm file
    reads = [plain_read(path) for _ in range(2)]
    baseline, rows = min(reads)
    print(f"analysis: (a) plain read of {rows:,} responses (SELECT *, sqlite3): {baseline:.2f} s "
          f"(runs {', '.join(f'{r:.2f}' for r, _ in reads)})")

    with tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        steps = analyse(app, Path(tmp))
        total = time.perf_counter() - started
    if steps["_rows"] != rows:
        print(f"analysis: the frames hold {steps['_rows']:,} rows, the table {rows:,}: NOT the same data")
        return 1
    for name, seconds in steps.items():
        if not name.startswith("_"):
            print(f"analysis:   {name}: {seconds:.2f} s")
    print(f"analysis:   ({int(steps['_tables'])} question tables, {int(steps['_phrases']):,} phrases, "
          f"{int(steps['_words']):,} words; peak RSS {rss_mb():.0f} MB)")
    ratio = total / baseline
    ratio_ok, seconds_ok = ratio <= RATIO_TARGET, total <= SECONDS_TARGET
    print(f"analysis: (b) all analysis from the database: {total:.2f} s  ratio {ratio:.2f} x (a)  "
          f"target <= {RATIO_TARGET:.1f}  {verdict(ratio_ok)}")
    print(f"analysis: (b) all analysis in seconds: {total:.2f} s  target <= {SECONDS_TARGET:.0f} s  "
          f"{verdict(seconds_ok)}")
    return 0 if ratio_ok and seconds_ok else 1


if __name__ == "__main__":
    sys.exit(main())
