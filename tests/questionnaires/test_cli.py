"""`surveyapp questionnaires check`: exit 0 on good files, 2 with file and place on stderr otherwise."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from questionnaires import SHIPPED
from surveyapp.cli import cli

from .conftest import demo_doc, write_doc


@pytest.fixture
def check():
    runner = CliRunner()

    def run(*paths):
        return runner.invoke(cli, ["questionnaires", "check", *map(str, paths)])

    return run


@pytest.mark.parametrize("args", [(), (SHIPPED,)], ids=["default-folder", "shipped-folder"])
def test_shipped_questionnaires_pass(check, args):
    result = check(*args)
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
    ok = [line for line in result.stdout.splitlines() if line.startswith("ok")]
    assert len(ok) == 3
    assert any("parent-platform" in line and "(25 questions, role parent)" in line for line in ok)
    assert any("teacher-platform" in line and "role teacher" in line for line in ok)
    assert any("student-lamps" in line and "role student" in line for line in ok)


def test_broken_file_exits_2_naming_file_and_place(check, tmp_path):
    doc = demo_doc()
    doc["questions"][2]["scale"] = "sat7"
    path = write_doc(tmp_path, doc)
    result = check(path)
    assert result.exit_code == 2
    assert f"{path}: questions[2].scale: unknown scale 'sat7' (defined: sat5)" in result.stderr.splitlines()
    assert "Traceback" not in result.stderr + result.stdout
    assert "ok " not in result.stdout


def test_invalid_yaml_exits_2_with_line_and_column(check, tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text("format: 1\nid: demo\n title: 演示\n", encoding="utf-8")
    result = check(path)
    assert result.exit_code == 2
    assert result.stderr.startswith(f"{path}: line 3, column 7: invalid YAML")


def test_same_id_in_two_files_exits_2(check, tmp_path):
    first = write_doc(tmp_path, demo_doc(), "a.yaml")
    second = write_doc(tmp_path, demo_doc(), "b.yaml")
    result = check(tmp_path)
    assert result.exit_code == 2
    assert f"{second}: id: 'demo' is also used by {first}" in result.stderr
    assert "1 of 2 files have errors" in result.stderr


def test_good_and_bad_files_together(check, tmp_path):
    good = write_doc(tmp_path, demo_doc(), "good.yaml")
    bad_doc = demo_doc()
    bad_doc["id"] = "other"
    bad_doc["questions"][5]["show_if"] = {"q9": ["是"]}
    bad = write_doc(tmp_path, bad_doc, "bad.yaml")
    result = check(good, bad)
    assert result.exit_code == 2
    assert f"ok  {good}  demo" in result.stdout
    assert f"{bad}: questions[5].show_if.q9: 'q9' is not a question of this file" in result.stderr
    assert "1 of 2 files have errors" in result.stderr


def test_missing_file_and_empty_folder_exit_2(check, tmp_path):
    missing = tmp_path / "missing.yaml"
    result = check(missing)
    assert result.exit_code == 2
    assert result.stderr.startswith(f"{missing}: cannot read file")
    empty = tmp_path / "empty"
    empty.mkdir()
    result = check(empty)
    assert result.exit_code == 2
    assert "no questionnaire files found" in result.stderr
