"""The dependency rule: analysis/ and questionnaires/ never import flask, SQLAlchemy or surveyapp."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FORBIDDEN = ("flask", "flask_sqlalchemy", "flask_wtf", "flask_login", "flask_migrate", "sqlalchemy", "surveyapp")


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names


@pytest.mark.parametrize("package", ["analysis", "questionnaires"])
def test_pure_packages_import_no_web_or_database_code(package):
    offenders = {str(path.relative_to(ROOT)): sorted(imported_modules(path) & set(FORBIDDEN))
                 for path in (ROOT / package).rglob("*.py")}
    assert {k: v for k, v in offenders.items() if v} == {}


def test_analysis_runs_in_a_process_without_flask():
    code = ("import sys, analysis.tables, analysis.satisfaction, analysis.text, analysis.scoring, "
            "analysis.responses, analysis.report, questionnaires; "
            f"print(sorted(m for m in sys.modules if m.split('.')[0] in {FORBIDDEN!r}))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    assert result.stdout.strip() == "[]"


def test_top_level_layout():
    for name in ("surveyapp", "analysis", "questionnaires", "migrations", "tests", "bench", "docs"):
        assert (ROOT / name).is_dir(), name
    for name in ("wsgi.py", "pyproject.toml", "Makefile", "README.md", ".ci/run"):
        assert (ROOT / name).is_file(), name
