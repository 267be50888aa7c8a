"""Open answers: normalisation, phrase and word tables, stopwords, categories, shares."""

from __future__ import annotations

import math
import textwrap

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from analysis.errors import DataError
from analysis.text import (
    CATEGORIES,
    NEVER_STOPWORDS,
    Segmenter,
    categorise,
    category_table,
    count_answered,
    default_lexicon,
    load_lexicon,
    load_stopwords,
    load_userdict,
    normalise,
    open_question,
    phrase_table,
    text_share,
    tokenize,
    word_table,
)
from questionnaires import InputError


def rows(table):
    return list(zip(table["term"].tolist(), table["count"].tolist(), strict=True))


# -- normalisation ------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("raw", "expected"), [
    ("无", "无"),
    ("  无。 ", "无"),
    ("无！！！", "无"),
    ("没有…", "没有"),
    ("暂无......", "暂无"),
    ("没有？", "没有"),
    ("好的～", "好的"),
    ("谢谢~", "谢谢"),
    ("无；", "无"),
    ("无、", "无"),
    ("\u3000无\u3000", "无"),
    ("无\u200b", "无"),
    ("ＡＰＰ很卡", "app很卡"),
    ("１２３", "123"),
    ("WiFi 信号差", "wifi 信号差"),
    ("希望   多开展\t活动", "希望 多开展 活动"),
    ("没有,谢谢!", "没有，谢谢"),        # ASCII punctuation next to Chinese becomes the Chinese form
    ("没有，谢谢！", "没有，谢谢"),
    ("10:30放学", "10:30放学"),        # a time keeps its colon
    ("希望(可以)增加", "希望（可以）增加"),
    ("v2.0版本好用", "v2.0版本好用"),    # a decimal point inside is not trailing punctuation
    ("。", ""),
    ("……", ""),
    ("   ", ""),
    ("", ""),
    (None, ""),
    (math.nan, ""),
    (pd.NA, ""),
    (3, "3"),
    ("很好👍", "很好"),                  # emoji are not part of a phrase
    ("很好👍🏻👍🏻", "很好"),
    ("❤️谢谢老师❤️", "谢谢老师"),
    ("👍", "👍"),                       # an answer of emoji only stays an answer
    ("“无”", "无"),                     # quotes around the answer
    ("。无", "无"),                     # punctuation at the start
    ("：没有意见", "没有意见"),
    ("不满意👎", "不满意"),               # words are never touched
])
def test_normalise(raw, expected):
    assert normalise(raw) == expected


_SAMPLE_CHARS = list("无没有希望ＡａBb１2 ,，.。!！?？;；:：()（）~～…、\u3000\t\u200b-_")


@given(st.text(alphabet=st.sampled_from(_SAMPLE_CHARS), max_size=20))
def test_normalise_is_idempotent_and_leaves_no_trailing_punctuation(text):
    once = normalise(text)
    assert normalise(once) == once
    assert not once or once[-1] not in "。！!？?，,；;、.…~～ \t\u3000"
    assert once == once.strip()
    assert "  " not in once


# -- phrase table -------------------------------------------------------------------------------------------

def test_phrase_table_counts_normalised_answers_ties_in_first_appearance_order():
    texts = ["无", "没有", "无。", "希望多开展活动", "没有", "", None, "  ", "谢谢"]
    # normalised: 无, 没有, 无, 希望多开展活动, 没有, 谢谢 -> 无 2, 没有 2 (tie: 无 came first), then the 1s
    assert rows(phrase_table(texts)) == [("无", 2), ("没有", 2), ("希望多开展活动", 1), ("谢谢", 1)]
    assert count_answered(texts) == 6


def test_phrase_table_tie_order_is_first_appearance_not_alphabet():
    assert rows(phrase_table(["b", "a", "a", "b", "c"])) == [("b", 2), ("a", 2), ("c", 1)]


def test_phrase_table_top_sums_the_tail_as_other_last():
    texts = ["无", "没有", "无", "希望多开展活动", "没有", "谢谢", "无"]
    # 无 3, 没有 2, then 希望多开展活动 1 + 谢谢 1 = 2 in 其他
    assert rows(phrase_table(texts, top=2)) == [("无", 3), ("没有", 2), ("其他", 2)]


def test_phrase_table_without_a_tail_has_no_other_row():
    texts = ["无", "没有", "无"]
    assert rows(phrase_table(texts, top=2)) == [("无", 2), ("没有", 1)]
    assert rows(phrase_table(texts, top=5)) == [("无", 2), ("没有", 1)]


def test_phrase_table_a_real_answer_other_joins_the_tail_row():
    texts = ["其他", "其他", "其他", "无", "无", "没有"]
    # head is 无 (2); 其他 (3, a real answer) + 没有 (1) = 4 go to the one 其他 row
    assert rows(phrase_table(texts, top=1)) == [("无", 2), ("其他", 4)]


def test_phrase_table_of_nothing_is_empty():
    table = phrase_table([None, "", "。"])
    assert table.empty and list(table.columns) == ["term", "count"]


@pytest.mark.parametrize("top", [0, -1, 1.5, True])
def test_phrase_table_rejects_a_bad_top(top):
    with pytest.raises(ValueError, match="top"):
        phrase_table(["无"], top=top)


def test_phrase_table_does_not_change_its_input():
    texts = ["无。", " 没有 "]
    phrase_table(texts)
    assert texts == ["无。", " 没有 "]


# -- stopwords and tokens -----------------------------------------------------------------------------------

def test_shipped_stopwords_keep_negations_and_evaluative_words():
    stop = load_stopwords()
    assert {"的", "了", "吧", "我们", "这个"} <= stop
    for word in ["不", "没", "没有", "非常", "很", "一般", "满意", "不满意", "太", "好", "差", "无"]:
        assert word not in stop


def test_negations_in_an_edited_stopword_file_are_refused(tmp_path):
    path = tmp_path / "stop.txt"
    path.write_text("# my list\n的\n不\n没有\n非常\n老师\n", encoding="utf-8")
    assert load_stopwords(path) == {"的", "老师"}
    assert {"不", "没有", "非常"} <= NEVER_STOPWORDS


def test_tokens_drop_stopwords_punctuation_and_digits_but_keep_negations():
    assert tokenize(["非常不满意，作业太多了！", "老师很好，没有不满意", "每天作业2小时", "", None]) == [
        ["非常", "不满意", "作业", "太多"],
        ["老师", "很", "好", "没有", "不满意"],
        ["每天", "作业", "小时"],
        [],
        [],
    ]


def test_school_vocabulary_stays_one_token():
    words = ["不满意", "课后服务", "延时服务", "护眼灯", "双减", "作业负担", "家校沟通", "评价平台",
             "综合素质评价"]
    assert tokenize(words, stopwords=()) == [[w] for w in words]
    assert tokenize(["希望多开展课后服务活动"], stopwords=()) == [["希望", "多", "开展", "课后服务", "活动"]]


def test_bumu_yi_is_never_cut_into_satisfied():
    for text in ["不满意", "很不满意", "我对作业量不满意。", "非常不满意！"]:
        tokens = tokenize([text])[0]
        assert "不满意" in tokens and "满意" not in tokens and "不" not in tokens


def test_stopwords_none_keeps_every_word():
    assert tokenize(["老师辛苦了"], stopwords=()) == [["老师", "辛苦", "了"]]
    assert tokenize(["老师辛苦了"]) == [["老师", "辛苦"]]


def test_word_table_counts_each_answer_as_often_as_it_occurs():
    texts = ["作业太多", "作业太多。", "老师辛苦了", "", "作业太多，孩子太累", None]
    # tokens: [作业, 太多] twice; [老师, 辛苦]; [作业, 太多, 孩子, 太累]
    # 作业 2 + 1 = 3, 太多 3, then the 1s in order of first appearance
    assert rows(word_table(texts)) == [("作业", 3), ("太多", 3), ("老师", 1), ("辛苦", 1), ("孩子", 1),
                                       ("太累", 1)]
    assert rows(word_table(texts, top=2)) == [("作业", 3), ("太多", 3), ("其他", 4)]


def test_word_table_equals_counting_every_answer_with_jieba():
    texts = (["希望学校多开展课外活动，减少作业量"] * 7 + ["无"] * 30 + ["app经常闪退，3-4年级作业太多"] * 3
             + ["护眼灯效果很好，孩子视力有改善。"] * 5 + ["老师辛苦了"] * 11 + ["v2.0版本比以前好用"] * 2)
    reference = Segmenter(engine="jieba")
    stop = load_stopwords()
    expected: dict[str, int] = {}
    for text in texts:  # the plain way: every answer tokenised by jieba itself
        for token in reference.reference().lcut(normalise(text)):
            if token not in stop and any(ch.isalpha() for ch in token):
                expected[token] = expected.get(token, 0) + 1
    ranked = sorted(expected.items(), key=lambda kv: -kv[1])
    assert rows(word_table(texts, pos="all", count="tokens", skip_no_opinion=False)) == ranked


def test_word_table_leaves_out_no_opinion_answers_unless_asked():
    texts = ["无", "没有", "没有意见", "护眼灯很好"]
    assert rows(word_table(texts, pos="all")) == [("护眼灯", 1), ("很", 1), ("好", 1)]
    assert ("无", 1) in rows(word_table(texts, pos="all", skip_no_opinion=False))


# -- user dictionary ----------------------------------------------------------------------------------------

def test_userdict_format(tmp_path):
    path = tmp_path / "dict.txt"
    path.write_text("# school words\n\n课后服务 1000 n\nWiFi 50\n午托\n", encoding="utf-8")
    assert load_userdict(path) == [("课后服务", 1000, "n"), ("wifi", 50, None), ("午托", None, None)]


def test_userdict_refuses_frequency_zero(tmp_path):
    path = tmp_path / "dict.txt"
    path.write_text("课后服务 1000\n护眼灯 0\n", encoding="utf-8")
    with pytest.raises(DataError, match=r"dict.txt: line 2: frequency 0"):
        load_userdict(path)


def test_a_custom_userdict_changes_the_tokens(tmp_path):
    path = tmp_path / "dict.txt"
    path.write_text("平台操作 2000\n", encoding="utf-8")
    text = "评价平台操作复杂"
    assert "平台操作" not in tokenize([text])[0]
    assert tokenize([text], segmenter=Segmenter(path)) == [["评价", "平台操作", "复杂"]]


# -- categories ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "category"), [
    ("无", "no_opinion"), ("没有", "no_opinion"), ("否", "no_opinion"), ("没意见", "no_opinion"),
    ("暂时没有", "no_opinion"), ("暂无", "no_opinion"), ("无意见", "no_opinion"), ("没有意见", "no_opinion"),
    ("无建议", "no_opinion"), ("无。", "no_opinion"), ("没有，谢谢！", "no_opinion"),
    ("无无无", "no_opinion"), ("挺好的", "no_opinion"),
    ("满意", "positive"), ("很好", "positive"), ("不错", "positive"), ("老师辛苦了！", "positive"),
    ("感谢学校", "positive"), ("谢谢", "positive"), ("挺好，老师很负责", "positive"),
    ("没有不满意", "positive"),
    ("不满意", "negative"), ("非常不满意", "negative"), ("很不满意。", "negative"), ("不太满意", "negative"),
    ("不是很满意", "negative"), ("作业太多", "negative"), ("孩子太累了", "negative"), ("不好", "negative"),
    ("质量差", "negative"), ("作业负担重", "negative"), ("平台经常打不开", "negative"),
    ("作业太多，希望减少", "negative"),
    ("希望多开展活动", "suggestion"), ("建议增加体育课", "suggestion"), ("应该多组织亲子活动", "suggestion"),
    ("能否延长课后服务时间", "suggestion"), ("希望作业不要太多", "suggestion"),
    ("老师辛苦了，希望多开展活动", "suggestion"),
    ("一般", "other"), ("差不多吧", "other"), ("孩子上三年级", "other"),
])
def test_categorise(text, category):
    assert categorise(text) == category


@given(st.text(alphabet="无没有否嗯", min_size=1, max_size=9))
def test_a_no_opinion_phrase_written_several_times_over_says_nothing(clause):
    lexicon = default_lexicon()
    # the plain definition: the clause is one of the phrases, or some phrase written k times
    plain = any(len(clause) % len(p) == 0 and clause == p * (len(clause) // len(p)) for p in lexicon.no_opinion)
    assert lexicon.says_nothing(clause) == plain


def test_categorise_refuses_an_empty_answer():
    with pytest.raises(ValueError, match="empty"):
        categorise(" 。")


def test_category_table_counts_non_empty_answers():
    texts = ["无", "没有。", "不满意", "希望增加活动", "很好", "一般", "", None, "无"]
    table = category_table(texts)
    # answered: 7 -> no_opinion 3 (无, 没有, 无), positive 1, negative 1, suggestion 1, other 1
    assert table["category"].tolist() == list(CATEGORIES)
    assert table["label"].tolist() == ["无意见", "正面", "负面", "建议", "其他"]
    assert table["count"].tolist() == [3, 1, 1, 1, 1]
    assert table["ratio"].tolist() == pytest.approx([3 / 7, 1 / 7, 1 / 7, 1 / 7, 1 / 7])


def test_category_table_of_nothing_has_zero_counts_and_no_ratio():
    table = category_table([None, ""])
    assert table["count"].tolist() == [0] * 5
    assert table["ratio"].isna().all()


def test_an_edited_lexicon_changes_categories(tmp_path):
    path = tmp_path / "lexicon.yaml"
    path.write_text(textwrap.dedent("""
        no_opinion: [无]
        positive: [很赞]
        negative: [太吵]
        negators: [不]
    """), encoding="utf-8")
    lexicon = load_lexicon(path)
    assert categorise("食堂很赞", lexicon) == "positive"
    assert categorise("教室太吵", lexicon) == "negative"
    assert categorise("满意", lexicon) == "other"
    assert categorise("无", lexicon) == "no_opinion"


def test_a_broken_lexicon_names_file_and_key(tmp_path):
    path = tmp_path / "lexicon.yaml"
    path.write_text("positive: [满意]\nnegative: [满意]\ncolours: [red]\nmax_gap: -1\n", encoding="utf-8")
    with pytest.raises(DataError) as caught:
        load_lexicon(path)
    message = caught.value.message
    assert "lexicon.yaml: colours: unknown key" in message
    assert "'满意' is also listed under positive" in message
    assert "max_gap" in message


# -- questions and shares -----------------------------------------------------------------------------------

def test_text_share_counts_answered_open_answers(sample_q, frame_of):
    frame = frame_of(sample_q, [{"q8": "无"}, {"q8": "作业太多"}, {"q8": "希望多开展活动"}, {"q8": None},
                                {"q8": "没有。"}, {"q8": "  "}])
    share = text_share(frame, sample_q, "q8", "no_opinion")
    # answered: 无, 作业太多, 希望多开展活动, 没有 -> n 4; no opinion: 无, 没有 -> 2
    assert (share.count, share.n, share.rate) == (2, 4, 0.5)
    both = text_share(frame, sample_q, "q8", ["no_opinion", "suggestion"])
    assert (both.count, both.n, both.rate) == (3, 4, 0.75)


def test_text_share_of_no_answers_has_no_rate(sample_q, frame_of):
    share = text_share(frame_of(sample_q, [{"q8": None}]), sample_q, "q8", "negative")
    assert (share.count, share.n, share.rate) == (0, 0, None)


def test_text_share_rejects_unknown_categories(sample_q, frame_of):
    with pytest.raises(ValueError, match="unknown category happy"):
        text_share(frame_of(sample_q, [{"q8": "无"}]), sample_q, "q8", "happy")


def test_only_open_text_variables_are_open_questions(sample_q):
    assert open_question(sample_q, "q8").id == "q8"
    assert open_question(sample_q, "q2.other").id == "q2"
    with pytest.raises(DataError, match=r"sample.yaml: q3: question q3 is a scale question .*not an open"):
        open_question(sample_q, "q3")
    with pytest.raises(InputError, match="no question 'q99'"):
        open_question(sample_q, "q99")
