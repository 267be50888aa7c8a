"""Indicator files are parsed once per version of the file, not on every scoring request."""

from __future__ import annotations

import os
import shutil

import pytest

import analysis.scoring
from questionnaires import SHIPPED
from surveyapp.scoring import services


@pytest.fixture
def parses(monkeypatch):
    """The paths `load_indicators` parsed, in order (the real loader still runs)."""
    parsed: list[str] = []
    real = analysis.scoring.load_indicators

    def counting(path):
        parsed.append(os.path.basename(path))
        return real(path)

    services._parsed_indicators.cache_clear()
    monkeypatch.setattr(analysis.scoring, "load_indicators", counting)
    yield parsed
    services._parsed_indicators.cache_clear()


def test_scoring_pages_parse_each_file_once_until_it_changes(app, console, make_survey, tmp_path, parses):
    folder = tmp_path / "indicators"
    folder.mkdir()
    for name in ("platform.yaml", "lamps.yaml"):
        shutil.copy(SHIPPED / "indicators" / name, folder / name)
    (folder / "broken.yaml").write_text("format: 1\ntitle: 坏文件\n", encoding="utf-8")
    app.config["CONSOLE_INDICATORS_DIR"] = str(folder)
    app.config["CONSOLE_SCORING_DIR"] = str(tmp_path / "scoring")
    survey = make_survey(["student-lamps"])
    page = f"/console/surveys/{survey.slug}/scoring"
    for _ in range(3):
        assert console.get(page).status_code == 200
        assert console.get(f"{page}?indicators=lamps.yaml").status_code == 200
    assert sorted(parses) == ["broken.yaml", "lamps.yaml", "platform.yaml"]      # once each, broken too
    stat = (folder / "lamps.yaml").stat()
    os.utime(folder / "lamps.yaml", ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    assert console.get(page).status_code == 200
    assert sorted(parses) == ["broken.yaml", "lamps.yaml", "lamps.yaml", "platform.yaml"]
