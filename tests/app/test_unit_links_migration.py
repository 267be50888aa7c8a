"""The upgrade to unit links: forms that existed keep their printed ``/s/<form token>/<unit code>`` links,
each gets a new token per unit, and surveys made afterwards accept only the new tokens."""

from __future__ import annotations

import sqlalchemy as sa
from flask_migrate import upgrade

from questionnaires import SHIPPED
from surveyapp import create_app
from surveyapp.extensions import db
from surveyapp.models import Form, Unit, UnitLink
from surveyapp.surveys.services import set_status, survey_links
from tests.app.test_answer_codes import insert_old_survey
from tests.respond.helpers import open_page

BEFORE = "8b3f2c6d1e90"          # a revision well before unit links (and the library's version columns)


def test_existing_forms_keep_their_links_and_get_a_token_per_unit(database_url, make_survey):
    app = create_app({"TESTING": True, "SECRET_KEY": "test-secret", "SQLALCHEMY_DATABASE_URI": database_url})
    with app.app_context():
        def clean() -> None:
            db.session.remove()
            with db.engine.begin() as conn:
                db.metadata.drop_all(conn)
                conn.execute(sa.text("DROP TABLE IF EXISTS alembic_version"))

        clean()
        try:
            upgrade(revision=BEFORE)
            first = insert_old_survey(SHIPPED / "student-lamps.yaml", "printed", "student", "printed-student-token-0")
            with db.engine.begin() as conn:
                survey_id, version = conn.execute(sa.text("SELECT survey_id, version_id FROM form WHERE id = :f"),
                                                  {"f": first}).one()
                conn.execute(sa.text("INSERT INTO form (survey_id, version_id, role, token) "
                                     "VALUES (:s, :v, 'teacher', 'printed-teacher-token-0')"),
                             {"s": survey_id, "v": version})
                for code, name in (("S1", "一小"), ("S2", "二小"), ("S3", "三小")):
                    conn.execute(sa.text("INSERT INTO unit (survey_id, code, name, district) "
                                         "VALUES (:s, :c, :n, '')"), {"s": survey_id, "c": code, "n": name})
            upgrade()

            old = db.session.scalars(sa.select(Form).order_by(Form.id)).all()
            assert [f.code_links for f in old] == [True, True]
            links = db.session.execute(sa.select(UnitLink.form_id, Unit.code, UnitLink.token)
                                       .join(Unit, Unit.id == UnitLink.unit_id)).all()
            assert sorted((f, c) for f, c, _ in links) == sorted((f.id, c) for f in old for c in ("S1", "S2", "S3"))
            assert len({t for _, _, t in links}) == 6 and all(len(t) >= 22 for _, _, t in links)

            survey = old[0].survey
            set_status(survey, "open")
            db.session.commit()
            client = app.test_client()
            page, _ = open_page(client, "/s/printed-student-token-0/S2")           # the printed link
            assert "二小" in page
            new_link = next(link.url for link in survey_links(survey, "")
                            if link.form.role == "student" and link.unit.code == "S2")
            assert "二小" in open_page(app.test_client(), new_link)[0]          # and the new one

            # a survey made after the upgrade takes only its unit links
            fresh = make_survey(["student-lamps"], units=(("S1", "一小"),))
            assert fresh.forms[0].code_links is False
            assert client.get(f"/s/{fresh.forms[0].token}/S1").status_code == 404
        finally:
            clean()
            db.engine.dispose()
