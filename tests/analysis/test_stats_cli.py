"""The stats, satisfaction and analyze commands on files."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
from click.testing import CliRunner

from analysis.responses import write_responses
from surveyapp.cli.stats_commands import analyze_command, crosstab_command, satisfaction_command, stats_command

from .conftest import SAMPLE_YAML


@pytest.fixture
def files(tmp_path, sample_q, frame_of):
    qfile = tmp_path / "sample.yaml"
    qfile.write_text(SAMPLE_YAML, encoding="utf-8")
    frame = frame_of(sample_q, [
        {"q1": "小学", "q2": ["学校通知"], "q3": 5, "q4.r1": 5, "q4.r2": 4, "q4.r3": 4, "q5": "否", "q7": 1,
         "q8": "希望多开展活动", "q9": 3},
        {"q1": "小学", "q3": 4, "q4.r1": 2, "q5": "否", "q7": 2, "q8": "无", "q9": 3},
        {"q1": "初中", "q3": 2, "q5": "是", "q6": 5, "q7": 3, "q8": "无"},
        {"q1": "高中", "q3": 5, "q5": "否"},
    ], unit=["s1", "s1", "s2", "s2"], unit_name=["一小", "一小", "二中", "二中"],
        status=["valid", "valid", "valid", "invalid:答题时间过短"])
    data = write_responses(frame, sample_q, tmp_path / "data.csv")
    return str(data), str(qfile)


def run(command, args):
    result = CliRunner().invoke(command, args)
    return result


def test_stats_json(files):
    data, qfile = files
    result = run(stats_command, [data, "--questionnaire", qfile, "--json"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert list(doc) == ["questions"]
    q1 = doc["questions"][0]
    assert {"id", "type", "text", "valid", "options"} <= set(q1)
    # only the 3 valid responses count: 2 小学, 1 初中
    assert q1["valid"] == 3
    assert [(o["label"], o["count"], o["ratio"]) for o in q1["options"]] == [
        ("小学", 2, 0.6667), ("初中", 1, 0.3333), ("高中", 0, 0.0)]
    assert [q["id"] for q in doc["questions"]][3:6] == ["q4.r1", "q4.r2", "q4.r3"]
    q8 = next(q for q in doc["questions"] if q["id"] == "q8")
    assert q8["answered"] == 3 and "options" not in q8


def test_stats_text_and_by(files):
    data, qfile = files
    result = run(stats_command, [data, "--questionnaire", qfile])
    assert result.exit_code == 0, result.output
    assert "第1题（单选题）：您的孩子就读于哪个学段？" in result.output
    assert "66.67%" in result.output and "本题有效填写人次  3" in result.output
    by = run(stats_command, [data, "--questionnaire", qfile, "--by", "unit", "--json"])
    doc = json.loads(by.stdout)
    assert [(g["group"], g["name"], g["valid_responses"]) for g in doc["groups"]] == [("s1", "一小", 2),
                                                                                        ("s2", "二中", 1)]


def test_satisfaction_json(files):
    data, qfile = files
    result = run(satisfaction_command, [data, "--questionnaire", qfile, "--questions", "q3", "--by", "unit",
                                        "--json"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert {"method", "rate", "n", "ci95", "groups"} <= set(doc)
    # valid q3 answers: 5, 4, 2 -> 2 of 3 satisfied
    assert (doc["method"], doc["n"], doc["rate"]) == ("top_box", 3, round(2 / 3, 4))
    assert [(g["group"], g["name"], g["n"], g["rate"]) for g in doc["groups"]] == [("s1", "一小", 2, 1.0),
                                                                                     ("s2", "二中", 1, 0.0)]
    assert set(doc["groups"][0]) >= {"group", "name", "rate", "n", "ci95"}


def test_satisfaction_json_respondents_and_clusters(files):
    data, qfile = files
    result = run(satisfaction_command, [data, "--questionnaire", qfile, "--questions", "q3,q4", "--json"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert {"method", "rate", "n", "ci95", "groups", "respondents", "n_effective"} <= set(doc)
    # valid rows: r1 q3 5, q4 5/4/4 (4 of 4); r2 q3 4, q4.r1 2 (1 of 2); r3 q3 2 (0 of 1)
    assert (doc["n"], doc["respondents"]) == (7, 3)
    p = 5 / 7
    v = 3 / 2 * ((4 - 4 * p) ** 2 + (1 - 2 * p) ** 2 + (0 - p) ** 2) / 49
    n_eff = 7 / (v / (p * (1 - p) / 7))
    assert doc["n_effective"] == round(n_eff, 2)
    # two units (一小: r1, r2; 二中: r3) as clusters: y = (5, 0), m = (6, 1)
    units = json.loads(run(satisfaction_command, [data, "--questionnaire", qfile, "--questions", "q3,q4",
                                                  "--cluster", "unit", "--by", "unit", "--json"]).stdout)
    v = 2 / 1 * ((5 - 6 * p) ** 2 + (0 - p) ** 2) / 49
    assert units["cluster"] == "unit"
    assert units["n_effective"] == round(min(7, 7 / (v / (p * (1 - p) / 7))), 2)
    assert [(g["respondents"], g["n"]) for g in units["groups"]] == [(2, 6), (1, 1)]
    text = run(satisfaction_command, [data, "--questionnaire", qfile, "--questions", "q3,q4"]).output
    assert "人数" in text and "有效样本量" in text and f"{n_eff:.2f}" in text


def test_satisfaction_text(files):
    data, qfile = files
    result = run(satisfaction_command, [data, "--questionnaire", qfile, "--questions", "q3,q4",
                                        "--method", "score"])
    assert result.exit_code == 0, result.output
    # scores: q3 100, 80, 30; q4 rows 100, 80, 80, 30 -> 500 / 7
    assert f"{500 / 7:.2f}" in result.output


def test_crosstab_json_and_text(files):
    data, qfile = files
    result = run(crosstab_command, [data, "--questionnaire", qfile, "--rows", "q5", "--cols", "q1", "--json"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert list(doc)[:9] == ["rows", "cols", "row_labels", "col_labels", "counts", "n", "chi2", "dof", "p_value"]
    # valid rows: (否, 小学), (否, 小学), (是, 初中); the invalid (否, 高中) is not counted
    assert (doc["rows"], doc["cols"], doc["n"]) == ("q5", "q1", 3)
    assert doc["row_labels"] == ["是", "否"] and doc["col_labels"] == ["小学", "初中", "高中"]
    assert doc["counts"] == [[0, 1, 0], [2, 0, 0]]
    # 2 x 2 without 高中: expected [[2/3, 1/3], [4/3, 2/3]] -> 2/3 + 4/3 + 1/3 + 2/3 = 3, dof 1
    assert doc["chi2"] == pytest.approx(3.0) and doc["dof"] == 1
    assert doc["p_value"] == pytest.approx(math.erfc(math.sqrt(3 / 2)), abs=1e-6)  # chi2(1) tail = erfc(√(x/2))
    text = run(crosstab_command, [data, "--questionnaire", qfile, "--rows", "q5", "--cols", "unit"])
    assert text.exit_code == 0, text.output
    assert "一小" in text.output and "2（100.00%）" in text.output and "自由度 = 1" in text.output
    bad = run(crosstab_command, [data, "--questionnaire", qfile, "--rows", "q7", "--cols", "q1"])
    assert bad.exit_code == 2 and "number question" in bad.stderr and "Traceback" not in bad.output


def test_bad_input_exits_2(tmp_path, files):
    data, qfile = files
    bad = tmp_path / "bad.csv"
    text = Path(data).read_text(encoding="utf-8-sig").replace("希望多开展活动,同意", "希望多开展活动,很好")
    bad.write_text(text, encoding="utf-8-sig")
    result = run(stats_command, [str(bad), "--questionnaire", qfile])
    assert result.exit_code == 2
    assert "row 2, column 'q9'" in result.stderr and "很好" in result.stderr
    assert "Traceback" not in result.output
    result = run(satisfaction_command, [data, "--questionnaire", qfile, "--questions", "q9"])
    assert result.exit_code == 2 and "satisfied" in result.stderr


def test_analyze_writes_files(tmp_path, files):
    data, qfile = files
    out = tmp_path / "out"
    result = run(analyze_command, [data, "--questionnaire", qfile, "--out", str(out)])
    assert result.exit_code == 0, result.output
    names = {p.name for p in out.iterdir()}
    assert {"statistics.xlsx", "screening.csv", "wordfreq_q8_phrase.csv", "wordfreq_q8_word.csv",
            "chart_q1.png", "chart_q4.r1.png", "satisfaction_by_unit.png"} <= names
    phrase = (out / "wordfreq_q8_phrase.csv").read_text(encoding="utf-8-sig").splitlines()
    assert phrase[0] == "评价,词频" and phrase[1] == "无,2"


def test_analyze_phrase_tables_agree_between_workbook_and_csv(tmp_path, sample_q, frame_of):
    import openpyxl

    from analysis.responses import write_responses

    qfile = tmp_path / "sample.yaml"
    qfile.write_text(SAMPLE_YAML, encoding="utf-8")
    base = {"q1": "小学", "q3": 5, "q5": "是"}
    answers = ["无"] * 27 + ["无。"] * 6 + ["很好"] * 3 + ["很好👍"] * 2 + ["希望多开展活动"]
    frame = frame_of(sample_q, [dict(base, q8=a) for a in answers])
    data = write_responses(frame, sample_q, tmp_path / "data.csv")
    out = tmp_path / "out"
    result = run(analyze_command, [str(data), "--questionnaire", str(qfile), "--out", str(out),
                                   "--crosstab", "q5:q1", "--crosstab", "q3:unit"])
    assert result.exit_code == 0, result.output
    csv_rows = [line.split(",") for line in
                (out / "wordfreq_q8_phrase.csv").read_text(encoding="utf-8-sig").splitlines()[1:]]
    # 无 27 + 无。 6 = 33; 很好 3 + 很好👍 2 = 5
    assert csv_rows == [["无", "33"], ["很好", "5"], ["希望多开展活动", "1"]]
    book = openpyxl.load_workbook(out / "statistics.xlsx")
    sheet = [[c.value for c in row] for row in book["第8题"].iter_rows()]
    start = next(i for i, row in enumerate(sheet) if row[0] == "填写内容")
    assert [[row[0], str(row[1])] for row in sheet[start + 1:]] == csv_rows
    assert "交叉分析" in book.sheetnames
    words = (out / "wordfreq_q8_word.csv").read_text(encoding="utf-8-sig").splitlines()
    assert words[0] == "词语,回答数" and not any(line.startswith(("无,", "很,", "希望,")) for line in words)
    keywords = (out / "wordfreq_q8_keyword.csv").read_text(encoding="utf-8-sig").splitlines()
    assert keywords[0] == "词语,回答数,TF-IDF"
    bad = run(analyze_command, [str(data), "--questionnaire", str(qfile), "--out", str(out), "--crosstab", "q5"])
    assert bad.exit_code == 2 and "rows:cols" in bad.stderr
