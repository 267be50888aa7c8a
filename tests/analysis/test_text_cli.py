"""`surveyapp wordfreq` and `surveyapp wordcloud` on response files."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from PIL import Image

from analysis.responses import write_responses
from surveyapp.cli import COMMANDS
from surveyapp.cli.text_commands import wordcloud_command, wordfreq_command

from .conftest import SAMPLE_YAML

BASE = {"q1": "小学", "q3": 5, "q4.r1": 5, "q4.r2": 4, "q4.r3": 5, "q5": "否", "q7": 3, "q9": 3}
Q8 = ["无", "无。", "没有", "希望多开展课后服务活动", "作业太多，孩子太累了", "老师辛苦了", None, "没有", "无"]


@pytest.fixture
def files(tmp_path, sample_q, frame_of):
    """A questionnaire file and a response file: 9 valid rows (above) and one invalid row saying 不满意."""
    questionnaire = tmp_path / "sample.yaml"
    questionnaire.write_text(SAMPLE_YAML, encoding="utf-8")
    answers = [dict(BASE, q8=a) for a in Q8] + [dict(BASE, q8="不满意")]
    frame = frame_of(sample_q, answers, status=["valid"] * len(Q8) + ["invalid:speeder"])
    data = tmp_path / "data.csv"
    write_responses(frame, sample_q, data)
    return str(data), str(questionnaire)


def run(command, *args):
    result = CliRunner().invoke(command, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_commands_are_registered():
    names = {command.name for command in COMMANDS}
    assert {"wordfreq", "wordcloud"} <= names


def test_wordfreq_phrase_json(files):
    data, questionnaire = files
    code, out, err = run(wordfreq_command, data, "--questionnaire", questionnaire, "--question", "q8", "--json")
    assert code == 0, err
    # valid rows only (the invalid 不满意 is not counted); 8 answered: 无 3, 没有 2, then three 1s
    assert json.loads(out) == {"mode": "phrase", "answered": 8, "rows": [
        {"term": "无", "count": 3}, {"term": "没有", "count": 2}, {"term": "希望多开展课后服务活动", "count": 1},
        {"term": "作业太多，孩子太累了", "count": 1}, {"term": "老师辛苦了", "count": 1}]}


def test_wordfreq_top_puts_the_tail_last_as_other(files):
    data, questionnaire = files
    code, out, _ = run(wordfreq_command, data, "--questionnaire", questionnaire, "--question", "q8",
                       "--top", "2", "--json")
    assert code == 0
    # 无 3, 没有 2, the other three answers once each -> 其他 3
    assert json.loads(out)["rows"] == [{"term": "无", "count": 3}, {"term": "没有", "count": 2},
                                       {"term": "其他", "count": 3}]


def test_wordfreq_word_mode(files):
    data, questionnaire = files
    code, out, _ = run(wordfreq_command, data, "--questionnaire", questionnaire, "--question", "q8",
                       "--mode", "word", "--json")
    assert code == 0
    document = json.loads(out)
    assert document["mode"] == "word" and document["answered"] == 8
    counts = {row["term"]: row["count"] for row in document["rows"]}
    # 无, 没有 say nothing: left out; 作业太多，孩子太累了 -> 作业, 太多, 孩子 ...; 了 is a stopword
    assert "无" not in counts and "没有" not in counts
    assert counts["太多"] == 1 and counts["课后服务"] == 1 and counts["作业"] == 1
    assert "了" not in counts and "不满意" not in counts  # stopword; the invalid row
    code, out, _ = run(wordfreq_command, data, "--questionnaire", questionnaire, "--question", "q8",
                       "--mode", "word", "--pos", "all", "--json")
    assert code == 0 and "多" in {row["term"] for row in json.loads(out)["rows"]}  # 希望多开展…: an adverb kept


def test_wordfreq_plain_table(files):
    data, questionnaire = files
    code, out, _ = run(wordfreq_command, data, "--questionnaire", questionnaire, "--question", "q8")
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "第8题（填空题）：您对本项目还有什么意见或建议？"
    assert lines[1].split() == ["评价", "词频"] and lines[2].split() == ["无", "3"]
    assert lines[-1] == "本题有效填写人次  8"


def test_wordfreq_on_a_closed_question_exits_2(files):
    data, questionnaire = files
    code, out, err = run(wordfreq_command, data, "--questionnaire", questionnaire, "--question", "q3")
    assert code == 2 and out == ""
    assert "q3: question q3 is a scale question" in err and "not an open (text) question" in err
    assert "Traceback" not in err


def test_wordfreq_on_an_unknown_question_exits_2(files):
    data, questionnaire = files
    code, _, err = run(wordfreq_command, data, "--questionnaire", questionnaire, "--question", "q42")
    assert code == 2 and "no question 'q42'" in err


def test_wordcloud_writes_a_png(files, tmp_path):
    data, questionnaire = files
    out = tmp_path / "pictures" / "cloud.png"
    code, stdout, err = run(wordcloud_command, data, "--questionnaire", questionnaire, "--question", "q8",
                            "--out", str(out))
    assert code == 0, err
    assert stdout.strip() == f"wrote {out}"
    with Image.open(out) as image:
        assert image.size == (800, 600)


def test_wordcloud_of_only_no_opinion_answers_exits_2(tmp_path, sample_q, frame_of):
    questionnaire = tmp_path / "sample.yaml"
    questionnaire.write_text(SAMPLE_YAML, encoding="utf-8")
    data = tmp_path / "none.csv"
    write_responses(frame_of(sample_q, [dict(BASE, q8=a) for a in ["无", "没有。", None]]), sample_q, data)
    out = tmp_path / "cloud.png"
    code, _, err = run(wordcloud_command, str(data), "--questionnaire", str(questionnaire), "--question", "q8",
                       "--out", str(out))
    assert code == 2 and "nothing to draw" in err and "q8" in err
    assert not out.exists()


def test_wordfreq_keyword_mode_and_token_counts(files):
    data, questionnaire = files
    code, out, err = run(wordfreq_command, data, "--questionnaire", questionnaire, "--question", "q8",
                         "--mode", "keyword", "--json")
    assert code == 0, err
    document = json.loads(out)
    assert document["mode"] == "keyword" and document["answered"] == 8
    weights = [row["weight"] for row in document["rows"]]
    assert weights == sorted(weights, reverse=True) and all(len(row["term"]) >= 2 for row in document["rows"])
    assert {"课后服务", "作业", "老师"} <= {row["term"] for row in document["rows"]}
    code, out, _ = run(wordfreq_command, data, "--questionnaire", questionnaire, "--question", "q8",
                       "--mode", "word", "--count", "tokens", "--pos", "all", "--json")
    assert code == 0
    # every word of the valid answers, adverbs too: 多 from 希望多开展课后服务活动, 作业 from 作业太多…
    counts = {row["term"]: row["count"] for row in json.loads(out)["rows"]}
    assert counts["作业"] == 1 and counts["多"] == 1
