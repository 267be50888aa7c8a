"""Links and QR codes: one link per form x unit, PNG and SVG downloads, printable A4 pages per school."""

from __future__ import annotations

import struct
import xml.etree.ElementTree as ET

from surveyapp.extensions import db
from surveyapp.models import Unit, UnitLink

SVG_NS = "{http://www.w3.org/2000/svg}"


def test_links_page_lists_every_form_unit_link(console, make_survey):
    survey = make_survey(["student-lamps", "teacher-platform"], units=(("S1", "第一小学"), ("S2", "第二小学"),
                                                                      ("S3", "第三小学")))
    html = console.get(f"/console/surveys/{survey.slug}/links").get_data(as_text=True)
    links = db.session.execute(db.select(UnitLink.token, Unit.code).join(Unit, Unit.id == UnitLink.unit_id)
                               .where(Unit.survey_id == survey.id)).all()
    assert sorted(code for _, code in links) == ["S1", "S1", "S2", "S2", "S3", "S3"]
    expected = [f"http://127.0.0.1:5000/s/{token}" for token, _ in links]
    assert len(set(expected)) == 6
    for url in expected:
        assert f'value="{url}"' in html
    assert html.count("kind=png") == 0 and html.count(".png?download=1") == 6
    assert html.count(".svg?download=1") == 6


def test_qr_png_is_a_png_image(console, make_survey):
    survey = make_survey()
    form = survey.forms[0]
    reply = console.get(f"/console/surveys/{survey.slug}/qr/{form.id}/S1.png?download=1")
    assert reply.status_code == 200 and reply.mimetype == "image/png"
    data = reply.data
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])          # IHDR: a square image, large enough to print
    assert width == height and width >= 250
    assert "attachment" in reply.headers["Content-Disposition"]


def test_qr_svg_parses_and_differs_per_unit(console, make_survey):
    survey = make_survey()
    form = survey.forms[0]
    first = console.get(f"/console/surveys/{survey.slug}/qr/{form.id}/S1.svg")
    second = console.get(f"/console/surveys/{survey.slug}/qr/{form.id}/S2.svg")
    assert first.mimetype == "image/svg+xml"
    root = ET.fromstring(first.data)
    assert root.tag == f"{SVG_NS}svg"
    assert root.find(f"{SVG_NS}path") is not None
    assert first.data != second.data


def test_unknown_unit_or_kind_is_404(console, make_survey):
    survey = make_survey()
    form = survey.forms[0]
    assert console.get(f"/console/surveys/{survey.slug}/qr/{form.id}/NOPE.png").status_code == 404
    assert console.get(f"/console/surveys/{survey.slug}/qr/{form.id}/S1.gif").status_code == 404
    assert console.get(f"/console/surveys/{survey.slug}/qr/99999/S1.png").status_code == 404


def test_survey_without_units_has_one_link_per_form(console, make_survey):
    survey = make_survey(units=())
    form = survey.forms[0]
    html = console.get(f"/console/surveys/{survey.slug}/links").get_data(as_text=True)
    assert f'value="http://127.0.0.1:5000/s/{form.token}"' in html
    assert console.get(f"/console/surveys/{survey.slug}/qr/{form.id}.png").data[:4] == b"\x89PNG"


def test_print_page_has_one_a4_sheet_per_unit_with_chinese_role_labels(console, make_survey):
    survey = make_survey(["student-lamps", "teacher-platform", "parent-platform"])
    html = console.get(f"/console/surveys/{survey.slug}/print").get_data(as_text=True)
    assert html.count('<section class="sheet">') == 2
    assert html.count("<svg") == 6                          # 3 roles x 2 schools
    for label in ("教师问卷", "家长问卷", "学生问卷", "第一小学", "第二小学", "测试调查"):
        assert label in html
    one = console.get(f"/console/surveys/{survey.slug}/print?unit=S2").get_data(as_text=True)
    assert one.count('<section class="sheet">') == 1 and "第二小学" in one and "第一小学" not in one
    assert console.get(f"/console/surveys/{survey.slug}/print?unit=NOPE").status_code == 404
    css = console.get("/console/static/console/print.css")
    text = css.get_data(as_text=True)
    css.close()
    assert "size: A4" in text and "break-after: page" in text
