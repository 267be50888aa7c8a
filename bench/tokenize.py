"""Benchmark target 3 (tokenising): 350,000 open answers to word counts in <= 0.1 x plain jieba.lcut time.

Builds 350,000 realistic answers to "您对本项目还有什么意见或建议？" (mostly 无 / 没有 / 暂无 in their
punctuation variants, some short praise, a tail of real suggestions - with ASCII, digits and full-width
characters - repeating as real answers do), then in the same run:

* baseline: plain ``jieba.lcut`` over every normalised answer, jieba's global dictionary carrying the
  same user dictionary as analysis.text;
* ours, every word: ``analysis.text.word_table(pos="all", count="tokens", skip_no_opinion=False)`` over the
  raw answers (normalisation included), checked against the counts built from the baseline's tokens with the
  same stopwords and token rule, order included;
* ours, the default word table (no-opinion answers out, nouns/verbs/adjectives/idioms by part of speech,
  once per answer), checked against counts built from the baseline's tokens tagged by ``jieba.posseg``
  itself (its tag table for dictionary words, ``jieba.posseg.lcut`` of the word for the others).

The target holds for both timings. Prints one line per figure and exits 1 when a ratio misses the target or
counts differ.

Run: ``python bench/tokenize.py [--answers N] [--seed S]`` (or ``make bench-tokenize``).
"""

from __future__ import annotations

import os
import sys

# This file is named like the standard library's `tokenize` module, which Python imports on its own
# (linecache, inspect): keep the bench folder off the import path and put the project root on it.
_HERE = os.path.dirname(os.path.abspath(__file__))
sys.path[:] = [p for p in sys.path if os.path.abspath(p or os.getcwd()) != _HERE]
sys.path.insert(0, os.path.dirname(_HERE))

import argparse  # noqa: E402
import logging  # noqa: E402
import random  # noqa: E402
import statistics  # noqa: E402
import time  # noqa: E402

TARGET = 0.10

NO_OPINION = [
    ("无", 300), ("无。", 120), ("没有", 220), ("没有。", 80), ("暂无", 90), ("否", 40), ("没意见", 40),
    ("暂时没有", 35), ("无意见", 30), ("没有意见", 30), ("无建议", 20), ("没有，谢谢", 15), ("无！", 10),
    (" 无 ", 8), ("没有了", 8), ("/", 6), ("暂无意见。", 6), ("无无无", 3), ("没有没有", 2), ("无.", 5),
]
SHORT = [
    ("很好", 60), ("满意", 50), ("非常满意", 45), ("挺好的", 40), ("不错", 25), ("老师辛苦了！", 30),
    ("谢谢老师", 20), ("好", 20), ("希望越来越好", 15), ("支持学校工作", 10), ("一般", 8), ("都很好", 12),
    ("老师们辛苦了", 10), ("感谢学校的付出", 6), ("很满意，谢谢", 6),
]
LEADS = ["", "", "", "希望", "建议", "希望学校", "建议学校", "希望老师", "学校应该", "能否", "希望能"]
CONTENTS = [
    "多开展课外活动", "减少作业量", "加强家校沟通", "课后服务时间太长", "延时服务可以更灵活一些",
    "护眼灯效果很好", "孩子视力有改善", "评价平台操作复杂", "平台经常打不开", "app经常闪退", "登录太麻烦",
    "作业太多，孩子太累了", "每天作业要写到10点", "3-4年级作业太多", "增加体育锻炼时间",
    "食堂饭菜质量有待提高", "午托费用太贵", "多组织亲子活动", "老师布置作业要适量", "双减政策落实到位",
    "作业负担还是重", "综合素质评价太形式主义", "校服质量差", "课桌椅高度不合适", "家长群消息太多",
    "多关注孩子心理健康", "加强校园安全管理", "放学时间太早，家长接不了", "增加社团活动",
    "希望有更多的实践课", "教室灯光太暗", "护眼灯安装很及时", "wifi信号不好", "希望开设编程课",
    "英语课时太少", "老师很负责，孩子进步很大", "培训内容要更实用", "评价平台数据要及时更新",
    "操作说明写得不清楚", "手机上打不开页面", "电脑端加载很慢", "每学期开一次家长会", "减少不必要的打卡",
    "课后服务内容单一", "希望增加艺术类课程", "体育课不要被占用", "考试太频繁", "v2.0版本比以前好用",
    "学校环境很好", "门口交通拥堵", "营养午餐要改进", "近视防控要常抓不懈", "多举办讲座",
    "家校沟通渠道要畅通",
]
TAILS = ["", "", "。", "！", "，谢谢", "，辛苦了", "，孩子很喜欢", "。谢谢！", "!!", "..."]


def _zipf_weights(n: int, s: float = 1.1) -> list[float]:
    return [1 / (rank ** s) for rank in range(1, n + 1)]


def build_answers(count: int, seed: int = 20251009) -> list[str]:
    """`count` open answers: about 70% no opinion, 10% short praise, 20% suggestions with repetition."""
    rng = random.Random(seed)
    pool: list[str] = []
    for _ in range(6000):  # the distinct suggestions respondents write, some far more often than others
        text = rng.choice(LEADS) + rng.choice(CONTENTS)
        if rng.random() < 0.3:
            text += "，" + rng.choice(LEADS) + rng.choice(CONTENTS)
        text += rng.choice(TAILS)
        if rng.random() < 0.05:  # typed on a full-width keyboard
            text = "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)
        if rng.random() < 0.05:
            text = " " + text.replace("，", " ,") + "  "
        pool.append(text)
    rng.shuffle(pool)
    pool_weights = _zipf_weights(len(pool), 0.9)
    no_words, no_weights = zip(*NO_OPINION, strict=True)
    short_words, short_weights = zip(*SHORT, strict=True)
    answers = []
    for _ in range(count):
        draw = rng.random()
        if draw < 0.70:
            answers.append(rng.choices(no_words, no_weights)[0])
        elif draw < 0.80:
            answers.append(rng.choices(short_words, short_weights)[0])
        else:
            answers.append(rng.choices(pool, pool_weights)[0])
    return answers


def reference_table(token_lists: list[list[str]], stopwords: frozenset[str]) -> list[tuple[str, int]]:
    """Word counts built the plain way from per-answer tokens: every answer, every token, counted."""
    from analysis.text import is_word

    counts: dict[str, int] = {}
    for tokens in token_lists:
        for token in tokens:
            if token not in stopwords and is_word(token):
                counts[token] = counts.get(token, 0) + 1
    return sorted(counts.items(), key=lambda kv: -kv[1])


def reference_content_table(token_lists: list[list[str]], texts: list[str], stopwords: frozenset[str],
                            ) -> list[tuple[str, int]]:
    """The default word table built the plain way: jieba.lcut tokens, jieba.posseg's tags, every answer."""
    import jieba.posseg

    from analysis.text import default_lexicon, is_no_opinion, is_word
    from analysis.word_tags import is_content_tag
    from analysis.words import NEGATORS

    jieba.posseg.dt.makesure_userdict_loaded()   # the user dictionary's tags into posseg's table
    tags: dict[str, str] = {}

    def tag(token: str) -> str:
        if token not in tags:
            found = jieba.posseg.dt.word_tag_tab.get(token)
            tags[token] = found or jieba.posseg.lcut(token)[-1].flag
        return tags[token]

    def kept(token: str) -> bool:
        return is_word(token) and token not in stopwords and is_content_tag(tag(token))

    lexicon = default_lexicon()
    counts: dict[str, int] = {}
    for tokens, text in zip(token_lists, texts, strict=True):
        if not text or is_no_opinion(text, lexicon):
            continue
        words, i = [], 0
        while i < len(tokens):
            nxt = tokens[i + 1] if i + 1 < len(tokens) else None
            if tokens[i] in NEGATORS and nxt is not None and nxt not in NEGATORS and kept(nxt):
                words.append(tokens[i] + nxt)
                i += 2
                continue
            if kept(tokens[i]):
                words.append(tokens[i])
            i += 1
        for word in dict.fromkeys(words):
            counts[word] = counts.get(word, 0) + 1
    return sorted(counts.items(), key=lambda kv: -kv[1])


def _timed(function, repeat: int) -> tuple[float, float, object]:
    """(first run, median of the runs, result of the last run)."""
    runs, result = [], None
    for _ in range(max(1, repeat)):
        start = time.perf_counter()
        result = function()
        runs.append(time.perf_counter() - start)
    return runs[0], statistics.median(runs), result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--answers", type=int, default=350_000)
    parser.add_argument("--seed", type=int, default=20251009)
    parser.add_argument("--repeat", type=int, default=3, help="runs of word_table (the median counts)")
    args = parser.parse_args(argv)

    import jieba

    from analysis.text import default_segmenter, load_stopwords, load_userdict, normalise, word_table

    answers = build_answers(args.answers, args.seed)
    print(f"tokenize: {len(answers):,} answers, {len(set(answers)):,} distinct as typed, "
          f"{len({normalise(a) for a in answers}):,} distinct after normalisation")

    # The same user dictionary in jieba's global tokenizer; both engines built before timing.
    jieba.setLogLevel(logging.WARNING)
    jieba.initialize()
    for word, freq, tag in load_userdict():
        jieba.add_word(word, freq, tag)
    default_segmenter().fast()
    default_segmenter().reference()
    word_table(answers[:100])

    normalised = [normalise(a) for a in answers]
    start = time.perf_counter()
    token_lists = [jieba.lcut(text) for text in normalised]
    baseline = time.perf_counter() - start

    every = _timed(lambda: word_table(answers, pos="all", count="tokens", skip_no_opinion=False), args.repeat)
    content = _timed(lambda: word_table(answers), args.repeat)

    stop = load_stopwords()
    kept = [(tokens, text) for tokens, text in zip(token_lists, normalised, strict=True) if text]
    checks = [
        ("every word", every, reference_table([tokens for tokens, _ in kept], stop)),
        ("default (content words, once per answer)", content,
         reference_content_table([t for t, _ in kept], [x for _, x in kept], stop)),
    ]
    print(f"tokenize: plain jieba.lcut over {len(answers):,} answers: {baseline:.3f} s")
    ok = True
    for name, (first, median, table), expected in checks:
        got = list(zip(table["term"].tolist(), table["count"].astype(int).tolist(), strict=True))
        identical = got == expected
        ratio = median / baseline
        ok = ok and identical and ratio <= TARGET
        print(f"tokenize: word_table {name}: {median:.3f} s (median of {args.repeat}, first {first:.3f} s)  "
              f"ratio {ratio:.3f}  target <= {TARGET:.2f}  {'OK' if ratio <= TARGET else 'MISSED'}")
        print(f"tokenize: {name}: counts identical to jieba's: {'yes' if identical else 'NO'} "
              f"({len(expected):,} words, {sum(c for _, c in expected):,} counted)")
        if not identical:
            diff = [(g, e) for g, e in zip(got, expected, strict=False) if g != e][:5]
            print(f"tokenize: first differences (ours, jieba): {diff}; lengths {len(got)} vs {len(expected)}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
