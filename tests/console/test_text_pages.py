"""The open-questions page (开放题): phrase table, word table, categories, word cloud or a Chinese note."""

from __future__ import annotations

import io
import re

from PIL import Image

from .conftest import STUDENT_ANSWERS
from .test_statistics import tables_in

Q = "student-lamps"


def page(console, survey, **args):
    return console.get(f"/console/surveys/{survey.slug}/text", query_string={"q": Q, "v": "q11", **args})


def add_texts(survey, add_response, texts, unit="S1"):
    for text in texts:
        answers = dict(STUDENT_ANSWERS)
        if text is None:
            answers.pop("q11")
        else:
            answers["q11"] = text
        add_response(survey, "student", unit, answers=answers)


def test_phrase_word_and_category_tables(console, make_survey, add_response):
    survey = make_survey([Q])
    # 无 twice (once with a full stop), 没有 once, 灯光太暗 twice, one respondent skipped the question
    add_texts(survey, add_response, ["无", "无。", "没有", "灯光太暗", "灯光太暗！", None])
    add_texts(survey, add_response, ["希望多开展活动"], unit="S2")
    add_response(survey, "student", "S2", status="invalid", reason="重复",
                 answers={**STUDENT_ANSWERS, "q11": "不该计入"})
    reply = page(console, survey)
    assert reply.status_code == 200
    html = reply.get_data(as_text=True)
    tables = tables_in(html)
    # whole normalised answers, most frequent first, ties in order of first appearance
    assert tables["phrase-table"] == [["评价", "词频"], ["无", "2"], ["灯光太暗", "2"], ["没有", "1"],
                                      ["希望多开展活动", "1"]]
    assert 'id="answered">6<' in html                      # 6 of the 7 valid respondents answered
    assert "不该计入" not in html
    categories = {row[0]: row[1:] for row in tables["category-table"][1:]}
    # 无, 无。, 没有: three no-opinion answers of six
    assert categories["无意见"] == ["3", "50.00%"]
    assert sum(int(c) for c, _ in categories.values()) == 6
    words = dict(tables["word-table"][1:])
    assert words["灯光"] == "2" and "暗" in "".join(words)          # jieba words, counted per answer
    assert 'id="wordcloud"' in html and "cloud-note" not in html

    filtered = tables_in(page(console, survey, unit="S2").get_data(as_text=True))
    assert filtered["phrase-table"] == [["评价", "词频"], ["希望多开展活动", "1"]]

    cloud = console.get(f"/console/surveys/{survey.slug}/text/wordcloud.png", query_string={"q": Q, "v": "q11"})
    assert cloud.status_code == 200 and cloud.mimetype == "image/png"
    assert Image.open(io.BytesIO(cloud.data)).size == (800, 600)


def test_top_20_phrases_and_the_rest_as_other(console, make_survey, add_response):
    survey = make_survey([Q])
    # 22 distinct answers: 建议1 three times, the others once -> 20 rows, then 其他 = 2
    texts = ["建议1", "建议1", "建议1"] + [f"建议{i}" for i in range(2, 23)]
    add_texts(survey, add_response, texts)
    rows = tables_in(page(console, survey).get_data(as_text=True))["phrase-table"]
    assert len(rows) == 1 + 21
    assert rows[1] == ["建议1", "3"] and rows[-1] == ["其他", "2"]
    assert sum(int(r[1]) for r in rows[1:]) == 24


def test_only_no_opinion_answers_give_a_chinese_note_instead_of_a_cloud(console, make_survey, add_response):
    survey = make_survey([Q])
    add_texts(survey, add_response, ["无", "没有", "暂无"])
    reply = page(console, survey)
    assert reply.status_code == 200
    html = reply.get_data(as_text=True)
    assert 'id="cloud-note"' in html and "3 条回答都是" in html and 'id="wordcloud"' not in html
    cloud = console.get(f"/console/surveys/{survey.slug}/text/wordcloud.png", query_string={"q": Q, "v": "q11"})
    assert cloud.status_code == 404

    empty = make_survey([Q])
    html = page(console, empty).get_data(as_text=True)
    assert "本题还没有有效回答" in html and 'id="answered">0<' in html


def test_other_texts_are_open_variables_too(console, make_survey):
    survey = make_survey(["parent-platform"])
    html = console.get(f"/console/surveys/{survey.slug}/text",
                       query_string={"q": "parent-platform"}).get_data(as_text=True)
    # the text question q25 first, then each 其他（请注明） text: one tab per open variable
    assert "v=q25" in html and "v=q5.other" in html
    assert console.get(f"/console/surveys/{survey.slug}/text", query_string={"q": "nope"}).status_code == 404


def test_the_tab_opens_on_the_main_open_question(console, make_survey):
    # teacher-platform asks three 其他（请注明） texts before its closing text question q15: the page
    # without ?v= must show q15, and its tab comes first
    survey = make_survey(["teacher-platform"])
    html = console.get(f"/console/surveys/{survey.slug}/text",
                       query_string={"q": "teacher-platform"}).get_data(as_text=True)
    tabs = re.findall(r"[?&;]v=([a-z0-9_.]+)", html)
    assert tabs[0] == "q15"
    assert 'aria-current="page"' in html.split("v=q15", 1)[1].split("</a>", 1)[0]


def test_word_table_modes(console, make_survey, add_response):
    survey = make_survey([Q])
    # 无 is no opinion (left out of word tables); 灯光 twice in one answer, once in another; 很 is an adverb
    add_texts(survey, add_response, ["无", "灯光太暗，灯光闪烁", "灯光很暗", "很好"])

    def words(**args):
        table = tables_in(page(console, survey, **args).get_data(as_text=True))["word-table"]
        return table[0], {row[0]: row[1:] for row in table[1:]}

    header, default = words()
    assert header == ["词语", "词频"]
    assert default["灯光"] == ["2"]                     # two answers mention it: once per answer
    assert "无" not in default and "很" not in default    # no-opinion answers and adverbs left out
    _, tokens = words(wc="tokens")
    assert tokens["灯光"] == ["3"]                      # every occurrence
    _, every = words(wm="all")
    assert "很" in every                                # every word, adverbs included
    header, keywords = words(wm="keyword")
    assert header == ["词语", "词频", "权重"]
    assert keywords["灯光"][0] == "2" and float(keywords["灯光"][1]) > 0
