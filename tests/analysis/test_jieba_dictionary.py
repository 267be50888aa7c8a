"""The on-disk index of jieba's dictionary holds what jieba loads, and a tokenizer on it cuts as jieba does."""

from __future__ import annotations

import random
from pathlib import Path

import jieba
import pytest

from analysis import jieba_dictionary
from analysis.jieba_dictionary import main_dictionary_file, open_prefix_dictionary, reference_tokenizer


@pytest.fixture(scope="module")
def loaded():
    """jieba's prefix dictionary and total as jieba itself loads them."""
    with open(main_dictionary_file(), "rb") as handle:
        return jieba.Tokenizer.gen_pfdict(handle)


@pytest.fixture(scope="module")
def index_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("jieba-index")


def test_index_holds_jiebas_words_prefixes_and_total(loaded, index_dir):
    frequencies, total = loaded
    dictionary = open_prefix_dictionary(index_dir)
    assert dictionary.total == total
    sample = random.Random(3).sample(sorted(frequencies), 3000)
    assert {key: dictionary.lookup(key) for key in sample} == {key: frequencies[key] for key in sample}
    assert dictionary.frequency("学校") == frequencies["学校"] > 0
    prefix = next(key for key in sample if frequencies[key] == 0)
    assert dictionary.frequency(prefix) is None            # a prefix is not a word
    assert dictionary.frequency("没有这个词语吧") is None
    assert len(list(index_dir.glob("surveyapp-jieba-*.sqlite"))) == 1


def test_a_second_open_reads_the_file_built_by_the_first(index_dir, monkeypatch):
    open_prefix_dictionary(index_dir)

    def no_build(*args):
        raise AssertionError("the index was built again")

    monkeypatch.setattr(jieba_dictionary, "_write_index", no_build)
    assert open_prefix_dictionary(index_dir).frequency("作业") is not None


def test_a_damaged_index_file_is_built_again(tmp_path, loaded):
    dictionary = open_prefix_dictionary(tmp_path)
    [path] = tmp_path.glob("surveyapp-jieba-*.sqlite")
    del dictionary
    path.write_bytes(b"not a database" * 100)
    assert open_prefix_dictionary(tmp_path).total == loaded[1]
    assert list(tmp_path.iterdir()) == [path]                # no partial file left behind


def test_without_a_writable_folder_the_index_is_built_in_memory(tmp_path, loaded):
    not_a_folder = tmp_path / "file"
    not_a_folder.write_text("x")
    dictionary = open_prefix_dictionary(not_a_folder)
    assert dictionary.total == loaded[1]
    assert dictionary.frequency("老师") == loaded[0]["老师"]


@pytest.mark.parametrize("text", [
    "希望3-4年级作业少一些", "v2.0版本比以前好用", "无无无", "哈哈哈哈哈老师", "c++课程太难", "50%的作业是重复的",
    "老师很负责，孩子进步很大", "app经常闪退 登录太麻烦", "意意意意意意意",
])
def test_tokenizer_on_the_index_cuts_as_jieba_with_its_dictionary_loaded(text, index_dir):
    plain = jieba.Tokenizer()
    plain.initialize()
    assert reference_tokenizer(open_prefix_dictionary(index_dir)).lcut(text) == plain.lcut(text)


def test_added_words_stay_with_their_tokenizer(index_dir):
    dictionary = open_prefix_dictionary(index_dir)
    one, other = reference_tokenizer(dictionary), reference_tokenizer(dictionary)
    before = other.lcut("课后服务很好")
    one.add_word("课后服务", 1000)
    assert one.lcut("课后服务很好")[0] == "课后服务"
    assert other.lcut("课后服务很好") == before
    assert one.total == dictionary.total + 1000 and other.total == dictionary.total


def test_index_holds_jiebas_tags_and_idf_table(index_dir):
    import jieba

    dictionary = open_prefix_dictionary(index_dir)
    source = main_dictionary_file()
    tags = dict(line.split(" ")[0::2] for line in source.read_text(encoding="utf-8").splitlines()[:2000])
    for word, tag in list(tags.items())[::97]:
        assert dictionary.tag(word) == tag
    assert dictionary.tag("很") == "zg" and dictionary.tag("不存在的词语") is None
    lines = (Path(jieba.__file__).parent / "analyse" / "idf.txt").read_text(encoding="utf-8").splitlines()
    idf = {w: float(v) for w, v in (line.split(" ") for line in lines)}
    assert dictionary.idf("作业") == idf["作业"] and dictionary.idf("不存在的词语") is None
    assert dictionary.median_idf == sorted(idf.values())[len(idf) // 2]
