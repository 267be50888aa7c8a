"""How the answer storage behaves at city scale: 350,000 parent-questionnaire responses in SQLite.

Prints: insert rate, time to read all responses into a frame, time to count every choice question's
options inside the database. Run: `make bench-storage` (N=... to change the size).
"""

from __future__ import annotations

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from bench.common import _bench_entry  # noqa: E402

_bench_entry(__file__)  # before anything imports `tokenize`: bench/tokenize.py must not shadow it

import random  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

import sqlalchemy as sa  # noqa: E402

from questionnaires import SHIPPED  # noqa: E402
from surveyapp import create_app  # noqa: E402
from surveyapp.answer_codes import encode_or_none  # noqa: E402
from surveyapp.demo import synthetic_answers  # noqa: E402
from surveyapp.extensions import db  # noqa: E402
from surveyapp.models import Response  # noqa: E402
from surveyapp.responses import answer_counts, load_form_frame, survey_questionnaires  # noqa: E402
from surveyapp.surveys.services import FormSpec, create_survey, set_status  # noqa: E402
from surveyapp.surveys.units import UnitRow  # noqa: E402


def main() -> int:
    n = int(os.environ.get("N", "350000"))
    with tempfile.TemporaryDirectory() as tmp:
        app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp}/bench.sqlite", "SECRET_KEY": "b"})
        with app.app_context():
            db.create_all()
            units = [UnitRow(f"U{i:02d}", f"学校{i}") for i in range(20)]
            survey = create_survey("bench", "bench", [FormSpec(SHIPPED / "parent-platform.yaml")], units)
            set_status(survey, "open")
            db.session.commit()
            form = survey.forms[0]
            questionnaire = survey_questionnaires(survey)["parent-platform"]
            rng = random.Random(1)
            pool = [synthetic_answers(questionnaire, rng) for _ in range(5000)]
            coded = [encode_or_none(questionnaire, answers) for answers in pool]
            started = time.perf_counter()
            batch = []
            for i in range(n):
                batch.append({"form_id": form.id, "unit_id": survey.units[i % 20].id, "answers": pool[i % 5000],
                              "codes": coded[i % 5000][0], "texts": coded[i % 5000][1],
                              "public_id": f"b{i}", "status": "valid", "channel": "微信", "duration_s": 100.0})
                if len(batch) == 10000:
                    db.session.execute(sa.insert(Response), batch)
                    batch.clear()
            if batch:
                db.session.execute(sa.insert(Response), batch)
            db.session.commit()
            insert_s = time.perf_counter() - started
            print(f"insert {n} responses in 10k batches: {insert_s:.1f} s ({n / insert_s:,.0f}/s)")

            started = time.perf_counter()
            frame = load_form_frame([form], questionnaire)
            read_s = time.perf_counter() - started
            print(f"read {len(frame)} responses into a frame (columnar copy): {read_s:.2f} s")

            started = time.perf_counter()
            counts = answer_counts([form], questionnaire)
            count_s = time.perf_counter() - started
            print(f"count options of {len(counts)} choice variables inside the database (json_each): {count_s:.2f} s")
            size = Path(tmp, "bench.sqlite").stat().st_size / 1e6
            print(f"database size: {size:.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
