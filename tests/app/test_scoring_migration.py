"""The migration that moves scoring inputs into the database imports the instance folder's JSON files."""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime

import sqlalchemy as sa
from flask_migrate import upgrade

from surveyapp.extensions import db
from surveyapp.models import SavedScoringInputs

from .test_database import empty_app  # noqa: F401  (the fixture)

BEFORE = "f3a3953f0574"      # the revision before scoring inputs moved into the database


def test_json_scoring_inputs_are_imported(empty_app, tmp_path):  # noqa: F811
    folder = tmp_path / "scoring"
    empty_app.config["CONSOLE_SCORING_DIR"] = str(folder)
    upgrade(revision=BEFORE)
    with db.engine.begin() as con:
        con.execute(sa.text("INSERT INTO survey (slug, title, status, allow_repeat, created_at) "
                            "VALUES ('lamps-2025', '调查', 'open', false, :now)"),
                    {"now": datetime(2025, 10, 1, tzinfo=UTC).replace(tzinfo=None)})
    (folder / "lamps-2025").mkdir(parents=True)
    (folder / "gone-survey").mkdir()
    saved = folder / "lamps-2025" / "lamps.json"
    saved.write_text(json.dumps({"literals": {"过程/资金管理/预算执行率": "95.5"},
                                 "overrides": {"效益/满意度/家长满意度": {"score": "4", "reason": "专家评议"}}},
                                ensure_ascii=False), encoding="utf-8")
    when = datetime(2025, 11, 3, 8, 30, tzinfo=UTC)
    os.utime(saved, (when.timestamp(), when.timestamp()))
    (folder / "lamps-2025" / "broken.json").write_text("{not json", encoding="utf-8")
    (folder / "gone-survey" / "lamps.json").write_text('{"literals": {"a": "1"}}', encoding="utf-8")

    upgrade()

    rows = db.session.scalars(sa.select(SavedScoringInputs)).all()
    assert len(rows) == 1
    row = rows[0]
    assert (row.system_name, row.saved_by, row.saved_at) == ("lamps", None, when)
    assert row.literals == {"过程/资金管理/预算执行率": "95.5"}
    assert row.overrides == {"效益/满意度/家长满意度": {"score": "4", "reason": "专家评议"}}
    assert "lamps-2025/lamps.json" in row.note
    db.session.remove()


def test_no_folder_no_import(empty_app, tmp_path):  # noqa: F811
    empty_app.config["CONSOLE_SCORING_DIR"] = str(tmp_path / "nothing-here")
    upgrade()
    assert db.session.scalar(sa.select(sa.func.count(SavedScoringInputs.id))) == 0
    db.session.remove()
