"""`surveyapp export --layout readable`: the hosted survey tool's layout, read back by `surveyapp stats` to
the database's tables."""

from __future__ import annotations

import json
from collections import Counter
from datetime import UTC, datetime

import openpyxl
import sqlalchemy as sa

from questionnaires import SHIPPED
from surveyapp.extensions import db
from surveyapp.models import Form, Response, Survey, Unit

PARENT = SHIPPED / "parent-platform.yaml"


def _parent_responses() -> list[Response]:
    return list(db.session.scalars(sa.select(Response).join(Response.form).where(Form.role == "parent")
                                   .order_by(Response.id)))


def _add_typed_answers(survey: Survey) -> None:
    """Three parents who typed 其他 texts (one formula-like) and a formula-like suggestion; one is invalid."""
    form = next(f for f in survey.forms if f.role == "parent")
    unit = db.session.scalar(sa.select(Unit).filter_by(survey_id=survey.id, code="XX01"))
    base = dict(_parent_responses()[0].answers)
    extra = [
        ({"q4": "知道", "q5": ["学校通知", "其他"], "q5.other": "=HYPERLINK(\"x\")", "q25": "+希望多开放"}, "valid"),
        ({"q4": "知道", "q5": ["其他"], "q5.other": "邻居说的", "q25": "-"}, "valid"),
        ({"q4": "知道", "q5": ["家长会", "其他"], "q5.other": "邻居说的"}, "invalid"),
    ]
    for i, (answers, status) in enumerate(extra):
        db.session.add(Response(form_id=form.id, unit_id=unit.id, answers={**base, **answers},
                                submitted_at=datetime(2025, 10, 9, 6, 3, 11, tzinfo=UTC), duration_s=125.4,
                                status=status, invalid_reason="重复提交" if status == "invalid" else None,
                                public_id=f"typed{i}"))
    db.session.commit()


def test_readable_export_reads_back_to_the_database_tables(runner, tmp_path):
    assert runner.invoke(args=["demo"]).exit_code == 0
    survey = db.session.scalar(sa.select(Survey).filter_by(slug="demo-2025"))
    _add_typed_answers(survey)
    stored = _parent_responses()
    for response in stored[::9]:                      # every ninth parent invalid (answers kept)
        response.status, response.invalid_reason = "invalid", "答题时间过短"
    db.session.commit()

    out = tmp_path / "raw.xlsx"
    result = runner.invoke(args=["export", "demo-2025", "--layout", "readable", "--out", str(out)])
    assert result.exit_code == 0, result.output
    stats = runner.invoke(args=["stats", str(out), "--questionnaire", str(PARENT), "--json"])
    assert stats.exit_code == 0, stats.output
    tables = {entry["id"]: entry for entry in json.loads(stats.stdout)["questions"]}

    # expected tables counted straight from the stored answers of the valid responses
    valid = [r.answers for r in stored if r.status == "valid"]
    assert len(valid) > 1800 and len(stored) - len(valid) > 200

    def given(answers: dict, variable: str) -> list[str]:
        value = answers.get(variable)
        if value is None or value == "" or value == []:
            return []
        return [str(v) for v in value] if isinstance(value, list) else [str(value)]

    assert len(tables) == 25 - 2 + 6 + 4             # 25 questions, q18 (6 rows) and q19 (4 rows) row by row
    for variable, entry in tables.items():
        answered = [given(a, variable) for a in valid if given(a, variable)]
        if "options" in entry:
            counts = {str(o["code"]): o["count"] for o in entry["options"] if o["count"]}
            assert counts == Counter(code for codes in answered for code in codes), variable
            assert entry["valid"] == len(answered), variable
        else:
            assert entry["answered"] == len(answered), variable
    assert Counter(tables["q5"]["other_texts"]) == Counter(
        a["q5.other"] for a in valid if a.get("q5.other"))       # {=HYPERLINK("x"): 1, 邻居说的: 1}

    # the same by role and by school: one role, eight schools with their names
    by_unit = runner.invoke(args=["stats", str(out), "--questionnaire", str(PARENT), "--by", "unit"])
    assert by_unit.exit_code == 0, by_unit.output
    assert all(name in by_unit.output for name in ("实验小学", "南湖高级中学"))


def test_readable_export_workbook_as_an_evaluator_sees_it(runner, tmp_path):
    assert runner.invoke(args=["demo"]).exit_code == 0
    survey = db.session.scalar(sa.select(Survey).filter_by(slug="demo-2025"))
    _add_typed_answers(survey)
    out = tmp_path / "raw.xlsx"
    result = runner.invoke(args=["export", "demo-2025", "--layout", "readable", "--out", str(out),
                                 "--questionnaire", "parent-platform"])
    assert result.exit_code == 0, result.output
    book = openpyxl.load_workbook(out)
    assert book.sheetnames == ["教育质量综合评价项目家长满意度调查问卷"]
    sheet = book.active
    assert sheet.freeze_panes == "A2"
    header = [c.value for c in sheet[1]]
    assert header[:8] == ["序号", "提交答卷时间", "所用时间", "来源", "学校", "角色", "状态", "无效原因"]
    assert header[8] == "1、您是孩子的？" and any(h.startswith("18、(") for h in header)
    rows = {r[0].value: r for r in sheet.iter_rows(min_row=2)}
    count = db.session.scalar(sa.select(sa.func.count(Response.id)).join(Response.form).where(Form.role == "parent"))
    assert sorted(rows) == list(range(1, count + 1))
    q5 = header.index("5、您是通过哪些渠道了解到这项工作的？（可多选，最多选3项）")
    typed = [r for r in rows.values() if "〖" in (r[q5].value or "")]
    assert len(typed) == 3
    first = typed[0]
    # 2025-10-09 06:03:11 UTC is 14:03:11 in Beijing, a date-time cell
    assert first[1].value == datetime(2025, 10, 9, 14, 3, 11) and first[1].is_date
    assert [c.value for c in first[2:8]] == ["125秒", "手机", "实验小学", "家长", "有效", None]
    assert first[q5].value == "学校通知┋其他〖=HYPERLINK(\"x\")〗" and first[q5].data_type == "s"
    q25 = first[len(header) - 1]
    assert q25.value == "+希望多开放" and q25.data_type == "s"
    assert [c.value for c in typed[2][6:8]] == ["无效", "重复提交"]
    assert sheet.column_dimensions["B"].width > 15
    # the readable layout is a workbook only
    refused = runner.invoke(args=["export", "demo-2025", "--layout", "readable", "--out", str(tmp_path / "raw.csv")])
    assert refused.exit_code == 2 and "--out must end in .xlsx" in refused.output
    assert not (tmp_path / "raw.csv").exists()
