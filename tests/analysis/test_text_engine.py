"""rjieba may stand in for jieba only where it gives jieba's tokens: proven here on a realistic corpus.

The reference is jieba itself: a plain ``jieba.Tokenizer`` that loads its whole dictionary the usual way,
with the shipped user dictionary added. The engine under test is :class:`analysis.text.Segmenter` in its
default ``auto`` mode (rjieba for answers without ``. - _ + # & %``, jieba on the dictionary index of
:mod:`analysis.jieba_dictionary` for the rest), each of its two engines on its own, and the index-backed
jieba tokenizer itself.
"""

from __future__ import annotations

import itertools
import random

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from analysis.text import _REFERENCE_ONLY, Segmenter, default_segmenter, load_userdict, normalise

LEADS = ["", "希望", "建议", "希望学校", "建议学校", "希望老师", "学校应该", "能否", "老师们", "家长"]
CONTENTS = [
    "多开展课外活动", "减少作业量", "加强家校沟通", "课后服务时间太长", "延时服务可以更灵活一些",
    "护眼灯效果很好", "孩子视力有改善", "评价平台操作复杂", "平台经常打不开", "APP经常闪退",
    "登录太麻烦", "作业太多，孩子太累了", "每天作业要写到10点", "3-4年级作业太多", "增加体育锻炼时间",
    "食堂饭菜质量有待提高", "午托费用太贵", "多组织亲子活动", "老师布置作业要适量", "双减政策落实到位",
    "作业负担还是重", "综合素质评价太形式主义", "校服质量差", "课桌椅高度不合适", "家长群消息太多",
    "多关注孩子心理健康", "加强校园安全管理", "放学时间太早，家长接不了", "增加社团活动",
    "教室灯光太暗", "护眼灯安装很及时", "WiFi信号不好", "希望开设编程课", "英语课时太少",
    "老师很负责，孩子进步很大", "培训内容要更实用", "v2.0版本比以前好用", "手机上打不开页面",
    "电脑端加载很慢", "每学期开一次家长会", "减少不必要的打卡", "体育课不要被占用", "考试太频繁",
    "门口交通拥堵", "营养午餐要改进", "近视防控要常抓不懈", "不满意", "非常不满意", "很满意",
    "没有意见", "暂无", "一般般吧", "50%的作业是重复的", "C++课程太难",
    "希望学校能够增加体育锻炼时间，减少作业量", "孩子说课后服务的老师讲得很好", "延时服务收费不合理",
    "对综合素质评价平台不太了解", "谢谢老师们的辛勤付出",
]
TAILS = ["", "，谢谢", "，辛苦了", "，孩子很喜欢", "，望采纳", "，谢谢学校的付出", "。总体满意"]


def realistic_corpus() -> list[str]:
    """Every lead x content x tail, normalised: about 4,000 answers like the ones parents write."""
    texts = (lead + content + tail for lead, content, tail in itertools.product(LEADS, CONTENTS, TAILS))
    return sorted({normalise(t) for t in texts} - {""})


@pytest.fixture(scope="module")
def segmenter():
    return default_segmenter()


@pytest.fixture(scope="module")
def jieba_itself():
    """jieba as its users know it: the whole dictionary loaded into memory, then the user dictionary."""
    import jieba

    tokenizer = jieba.Tokenizer()
    tokenizer.initialize()
    for word, freq, tag in load_userdict():
        tokenizer.add_word(word, freq, tag)
    return tokenizer


def test_corpus_covers_both_routes():
    corpus = realistic_corpus()
    routed = [t for t in corpus if _REFERENCE_ONLY.search(t)]
    assert len(corpus) > 4000 and 100 < len(routed) < len(corpus) // 4


def test_auto_engine_gives_jiebas_tokens_on_a_realistic_corpus(segmenter, jieba_itself):
    differences = [(t, segmenter.cut(t), jieba_itself.lcut(t)) for t in realistic_corpus()
                   if segmenter.cut(t) != jieba_itself.lcut(t)]
    assert differences == []


def test_rjieba_alone_equals_jieba_on_every_answer_routed_to_it(segmenter, jieba_itself):
    fast = segmenter.fast()
    routed = [t for t in realistic_corpus() if not _REFERENCE_ONLY.search(t)]
    assert len(routed) > 3000
    assert [t for t in routed if fast.cut(t) != jieba_itself.lcut(t)] == []


def test_indexed_jieba_equals_jieba_on_every_answer(segmenter, jieba_itself):
    """The reference engine reads its dictionary from the index: on every answer, routed or not, it cuts
    exactly as jieba with its dictionary loaded."""
    indexed = segmenter.reference()
    assert [t for t in realistic_corpus() if indexed.lcut(t) != jieba_itself.lcut(t)] == []


def test_both_engines_keep_every_user_word_whole(segmenter):
    fast, reference = segmenter.fast(), segmenter.reference()
    for word, _, _ in load_userdict():
        assert fast.cut(word) == [word] == reference.lcut(word)


def test_random_answers_built_from_school_words_agree(jieba_itself):
    """Random concatenations (seeded): Han words, punctuation, ASCII letters and digits in any order."""
    seg = default_segmenter()
    rng = random.Random(4)
    pieces = [c for c in CONTENTS[:30]] + ["的", "了", "很", "太", "不", "没有", "。", "，", "！", " ", "、",
                                            "a", "Bx", "wifi", "3", "12", "3.5", "2-3", "x_y", "%", "+", "#",
                                            "“", "”", "…", "😊", "é", "㐀", "カ", "한"]
    texts = [normalise("".join(rng.choice(pieces) for _ in range(rng.randint(1, 6)))) for _ in range(3000)]
    assert [t for t in texts if t and seg.cut(t) != jieba_itself.lcut(t)] == []


_ALPHABET = st.sampled_from([
    "老师", "作业", "不满意", "满意", "课后服务", "护眼灯", "双减", "很", "不", "太多", "辛", "苦",
    "了", "，", "。", " ", "a", "B", "ok", "7", "2025", "3.5", "-", "_", ".", "%", "&", "c++",
    "一", "二", "鿕", "鿖", "㐀", "ß", "の", "！", "?", "😊",
])


@settings(max_examples=300, deadline=None)
@given(st.lists(_ALPHABET, min_size=1, max_size=12))
@example(["苦", "苦", "苦", "苦", "苦", "ok", "不满意"])   # equal-probability splits: engines break ties differently
def test_any_mix_of_words_and_symbols_agrees(jieba_itself, parts):
    seg = default_segmenter()
    text = normalise("".join(parts))
    if text:
        assert seg.cut(text) == jieba_itself.lcut(text)


def test_reference_engine_is_jieba_for_everything():
    seg = Segmenter(engine="jieba")
    text = "希望多开展课后服务"
    assert seg.cut(text) == seg.reference().lcut(text)
    assert seg._fast is None  # rjieba never built
    with pytest.raises(ValueError, match="engine"):
        Segmenter(engine="rjieba")
