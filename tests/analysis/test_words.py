"""Word tables that say something: no-opinion answers out, content words only, once per answer, keywords."""

from __future__ import annotations

from pathlib import Path

import pytest

from analysis.text import answer_words, keyword_table, term_table, word_table
from analysis.words import word_counts


def rows(table):
    return list(zip(table["term"].tolist(), table["count"].tolist(), strict=True))


# the answers of the issue: topped by 无, 没有, 很, 多, 希望 before
ANSWERS = (["无"] * 27 + ["无。"] * 6 + ["没有"] * 12 + ["希望多开展活动"] * 3 + ["老师很好"] * 2 + ["很好"] * 4
           + ["食堂饭菜质量有待提高"])


def test_word_table_leaves_out_no_opinion_answers_adverbs_and_markers():
    table = rows(word_table(ANSWERS))
    terms = [t for t, _ in table]
    for noise in ("无", "没有", "很", "多", "希望"):
        assert noise not in terms
    counts = dict(table)
    # 希望多开展活动 x3 -> 开展 (v), 活动 (vn); 老师很好 x2 -> 老师 (n), 好 (a); 很好 x4 -> 好
    assert counts["开展"] == 3 and counts["活动"] == 3
    assert counts["好"] == 6 and counts["老师"] == 2
    assert table[0] == ("好", 6)
    # 食堂饭菜质量有待提高: nouns and verbs kept
    assert {"食堂", "饭菜", "质量", "提高"} <= set(terms)


def test_pos_all_keeps_adverbs_but_not_stopwords():
    counts = dict(rows(word_table(ANSWERS, pos="all")))
    assert counts["很"] == 6 and counts["多"] == 3
    assert "无" not in counts                                    # still no no-opinion answers
    assert dict(rows(word_table(ANSWERS, pos="all", skip_no_opinion=False)))["无"] == 33


def test_each_word_counts_once_per_answer_by_default():
    long_answer = "作业" * 500
    texts = [long_answer, "作业太多，作业太多", "作业太多"]
    counts = dict(rows(word_table(texts)))
    assert counts["作业"] == 3 and counts["太多"] == 2            # three answers name 作业, two 太多
    tokens = dict(rows(word_table(texts, count="tokens")))
    assert tokens["作业"] == 500 + 2 + 1 and tokens["太多"] == 3


def test_a_negation_stays_with_the_word_it_negates():
    assert answer_words("老师很负责，就是不太方便") == ["老师", "负责", "不太方便"]
    counts = dict(rows(word_table(["不方便", "很方便", "不满意", "满意"])))
    # 方便 counts the one answer that says it is convenient, never the one that says it is not
    assert counts == {"不方便": 1, "方便": 1, "不满意": 1, "满意": 1}


def test_keyword_mode_is_tf_idf_against_jiebas_bundled_table():
    import jieba

    # jieba's bundled table read here the way jieba.analyse reads it ("word idf" lines, median for the rest)
    lines = (Path(jieba.__file__).parent / "analyse" / "idf.txt").read_text(encoding="utf-8").splitlines()
    idf = {word: float(value) for word, value in (line.strip().split(" ") for line in lines)}
    median = sorted(idf.values())[len(idf) // 2]
    texts = ["食堂饭菜质量有待提高"] * 2 + ["老师很好"] * 3 + ["护眼灯效果很好"]
    counts = word_counts(texts)
    # by hand: words of two characters or more, once per answer
    expected_counts = {"食堂": 2, "饭菜": 2, "质量": 2, "有待": 2, "提高": 2, "老师": 3, "护眼灯": 1, "效果": 1}
    assert {w: c for w, c in counts.items() if len(w) >= 2} == expected_counts
    total = sum(expected_counts.values())
    weights = {w: c / total * idf.get(w, median) for w, c in expected_counts.items()}
    table = keyword_table(texts)
    assert table["term"].tolist() == sorted(weights, key=lambda w: -weights[w])
    assert table["weight"].tolist() == pytest.approx([weights[w] for w in table["term"]])
    assert "好" not in table["term"].tolist()                   # one character: not a keyword
    assert "护眼灯" in table["term"].tolist()                   # not in jieba's IDF table: the median
    top = keyword_table(texts, top=2)
    assert top["term"].tolist()[-1] == "其他" and top["count"].tolist()[-1] == total - top["count"][:2].sum()


def test_term_table_modes():
    assert rows(term_table(["无", "无。"], "phrase")) == [("无", 2)]
    assert rows(term_table(["作业太多"], "word")) == [("作业", 1), ("太多", 1)]
    assert list(term_table(["作业太多"], "keyword").columns) == ["term", "count", "weight"]
    with pytest.raises(ValueError, match="mode"):
        term_table(["无"], "cloud")
    with pytest.raises(ValueError, match="pos"):
        word_table(["无"], pos="nouns")
    with pytest.raises(ValueError, match="count"):
        word_table(["无"], count="words")


def test_tags_are_jiebas():
    import jieba.posseg

    from analysis.segmenter import default_segmenter

    segmenter = default_segmenter()
    table = jieba.posseg.dt.word_tag_tab
    for word in ("满意", "很", "多", "老师", "作业", "希望", "开展", "方便", "有待", "一丝不苟"):
        assert segmenter.tag(word) == table[word]
    assert segmenter.tag("课后服务") == "n"                      # the user dictionary's tag
    # a word jieba's HMM makes (not in any dictionary) gets the tag jieba.posseg gives it on its own
    assert "闪退" not in table
    assert segmenter.tag("闪退") == jieba.posseg.lcut("闪退")[-1].flag
    assert segmenter.tag("app") == "eng" and segmenter.tag("2025") == "m"
