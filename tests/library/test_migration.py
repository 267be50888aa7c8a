"""The library revision numbers the versions stored before it, per questionnaire, in the order stored."""

from __future__ import annotations

import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from surveyapp import create_app
from surveyapp.extensions import db

BEFORE = "068086ca0403"      # the revision before the library's


def test_existing_versions_are_numbered_per_questionnaire(database_url):
    app = create_app({"TESTING": True, "SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": database_url})
    with app.app_context():
        def clean() -> None:
            with db.engine.begin() as conn:
                db.metadata.drop_all(conn)
                conn.execute(sa.text("DROP TABLE IF EXISTS alembic_version"))

        clean()
        try:
            upgrade(revision=BEFORE)
            with db.engine.begin() as conn:
                for row_id, qid in ((1, "teacher"), (2, "parent"), (3, "teacher"), (4, "teacher")):
                    conn.execute(sa.text(
                        "INSERT INTO questionnaire_version (id, questionnaire_id, title, role, content_hash, source, "
                        "loaded_at) VALUES (:id, :qid, '问卷', 'teacher', :hash, 'x', '2025-10-08 00:00:00')"),
                        {"id": row_id, "qid": qid, "hash": f"hash{row_id}"})
            upgrade()
            with db.engine.connect() as conn:
                rows = conn.execute(sa.text("SELECT id, questionnaire_id, number, origin FROM questionnaire_version "
                                            "ORDER BY id")).all()
            assert [tuple(r) for r in rows] == [(1, "teacher", 1, "file"), (2, "parent", 1, "file"),
                                                (3, "teacher", 2, "file"), (4, "teacher", 3, "file")]
            downgrade(revision=BEFORE)
            columns = {c["name"] for c in sa.inspect(db.engine).get_columns("questionnaire_version")}
            assert "number" not in columns and "origin" not in columns
        finally:
            db.session.remove()
            clean()
            db.engine.dispose()
