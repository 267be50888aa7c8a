"""Pictures: word cloud, per-question bar chart and satisfaction chart PNGs with a real Chinese font."""

from __future__ import annotations

import subprocess
import sys
from types import SimpleNamespace as NS

import matplotlib
import numpy as np
import pytest
from matplotlib.ft2font import FT2Font
from PIL import Image

from analysis.errors import DataError
from analysis.fonts import cjk_font_path
from analysis.pictures import NothingToDraw, bar_chart_png, satisfaction_chart_png, wordcloud_png
from analysis.satisfaction import SatisfactionGroup
from analysis.tables import question_tables

ANSWERS = (["无"] * 40 + ["没有。"] * 10 + ["希望学校多开展课外活动，减少作业量"] * 12 + ["老师辛苦了"] * 20
           + ["护眼灯效果很好，孩子视力有改善"] * 8 + ["作业太多，孩子太累了"] * 9 + ["不满意"] * 4)


def pixels(path) -> np.ndarray:
    with Image.open(path) as image:
        return np.asarray(image.convert("RGB")).astype(int)


def ink(path) -> float:
    """Share of pixels that are not (nearly) white."""
    return float((pixels(path).min(axis=2) < 245).mean())


def red_pixels(path) -> int:
    rgb = pixels(path)
    return int(((rgb[..., 0] > 150) & (rgb[..., 1] < 60) & (rgb[..., 2] < 60)).sum())


def test_the_font_is_noto_sans_cjk_and_has_every_glyph_we_draw():
    path = cjk_font_path()
    assert path.name == "NotoSansCJKsc-Regular.otf" and path.is_file()
    charmap = FT2Font(str(path)).get_charmap()
    drawn = ["不满意护眼灯课后服务", "问卷题本题有效填写人次选项小计比例", "满意度目标无数据（）：%", "第一小学"]
    for text in drawn:
        assert [ch for ch in text if ord(ch) not in charmap] == []


# -- word cloud ---------------------------------------------------------------------------------------------

def test_wordcloud_png_has_the_asked_size_and_drawn_words(tmp_path):
    path = wordcloud_png(ANSWERS, tmp_path / "cloud.png")
    with Image.open(path) as image:
        assert image.format == "PNG" and image.size == (800, 600)
    colours = len(np.unique(pixels(path).reshape(-1, 3), axis=0))
    assert 0.05 < ink(path) < 0.9
    assert colours > 10  # several coloured words, anti-aliased - not a blank or one-colour image


@pytest.mark.parametrize("size", [(400, 300), (401, 299), (1200, 900)])
def test_wordcloud_png_other_size(tmp_path, size):
    path = wordcloud_png(ANSWERS, tmp_path / "other.png", width=size[0], height=size[1])
    with Image.open(path) as image:
        assert image.size == size
    assert 0.05 < ink(path) < 0.9


def test_wordcloud_leaves_no_opinion_answers_out(tmp_path):
    # "无" alone would be the biggest word by far; left out, only 护眼灯 / 很 / 好 remain to be drawn.
    few = wordcloud_png(["无"] * 500 + ["护眼灯很好"], tmp_path / "few.png")
    same = wordcloud_png(["护眼灯很好"], tmp_path / "same.png")
    assert np.array_equal(pixels(few), pixels(same))


@pytest.mark.parametrize("answers", [["无", "没有", "暂无。", "没意见", "", None], [], ["的", "了"]])
def test_nothing_to_draw(tmp_path, answers):
    with pytest.raises(NothingToDraw, match="nothing to draw") as caught:
        wordcloud_png(answers, tmp_path / "none.png", source="data.csv: q8")
    assert isinstance(caught.value, DataError)
    assert caught.value.message.startswith("data.csv: q8: nothing to draw")
    assert not (tmp_path / "none.png").exists()


# -- charts -------------------------------------------------------------------------------------------------

def two_rows():
    return NS(text="您所在班级是否已经更换了新的课桌椅？", type="single", valid=450,
              rows=[NS(label="已更换", count=412, ratio=412 / 450), NS(label="未更换", count=38, ratio=38 / 450)])


def test_bar_chart_png_is_word_sized_and_not_blank(tmp_path):
    path = bar_chart_png(two_rows(), tmp_path / "bar.png")
    with Image.open(path) as image:
        width, height = image.size
        dpi = image.info.get("dpi")
    # 16 cm at 200 dpi is 1260 px; the tight bounding box trims a little margin
    assert 1100 < width <= 1300 and 250 < height < width
    assert dpi is not None and round(dpi[0]) == 200
    assert 0.03 < ink(path) < 0.6


def test_bar_chart_grows_with_its_rows(tmp_path):
    many = NS(text="您通过哪些渠道了解本项目？（可多选）", type="multiple", valid=300,
              rows=[NS(label=f"渠道{i}", count=10 * i, ratio=i / 30) for i in range(1, 9)])
    short = pixels(bar_chart_png(two_rows(), tmp_path / "two.png")).shape[0]
    tall = pixels(bar_chart_png(many, tmp_path / "eight.png")).shape[0]
    assert tall > short * 1.5


def test_bar_chart_of_a_real_question_table(tmp_path, sample_q, frame_of):
    frame = frame_of(sample_q, [{"q3": 5}, {"q3": 4}, {"q3": 4}, {"q3": 2}, {"q3": None}])
    (table,) = question_tables(frame, sample_q, "q3")
    path = bar_chart_png(table, tmp_path / "q3.png")
    assert ink(path) > 0.03


def test_bar_chart_without_rows_is_nothing_to_draw(tmp_path):
    with pytest.raises(NothingToDraw):
        bar_chart_png(NS(text="空", type="single", rows=[]), tmp_path / "empty.png")


def test_satisfaction_chart_png(tmp_path):
    groups = [{"name": "第一小学", "rate": 0.92, "n": 50, "ci95": (0.81, 0.97)},
              {"name": "第二实验中学", "rate": 0.85, "n": 420, "ci95": (0.81, 0.88)},
              {"name": "空学校", "rate": None, "n": 0, "ci95": None}]
    path = satisfaction_chart_png(groups, tmp_path / "sat.png", target=0.9)
    with Image.open(path) as image:
        assert 1100 < image.size[0] <= 1300
    assert red_pixels(path) > 50  # the dashed target line and its label
    assert red_pixels(satisfaction_chart_png(groups, tmp_path / "plain.png")) == 0


def test_satisfaction_chart_takes_satisfaction_groups(tmp_path):
    groups = [SatisfactionGroup("s1", "第一小学", "top_box", 0.9, 50, 0, 45, (0.79, 0.96)),
              SatisfactionGroup("s2", "第二小学", "score", 82.5, 40, 2, None, (78.0, 87.0))][:1]
    assert ink(satisfaction_chart_png(groups, tmp_path / "g.png")) > 0.03
    scores = [SatisfactionGroup("s2", "第二小学", "score", 82.5, 40, 2, None, (78.0, 87.0))]
    assert ink(satisfaction_chart_png(scores, tmp_path / "s.png", target=80)) > 0.03
    with pytest.raises(ValueError, match="target"):
        satisfaction_chart_png(groups, tmp_path / "bad.png", target=90)
    with pytest.raises(NothingToDraw):
        satisfaction_chart_png([], tmp_path / "none.png")


def test_pictures_leave_matplotlib_alone(tmp_path):
    before = dict(matplotlib.rcParams)
    bar_chart_png(two_rows(), tmp_path / "bar.png")
    wordcloud_png(ANSWERS, tmp_path / "cloud.png")
    assert dict(matplotlib.rcParams) == before
    code = ("import sys; from analysis.pictures import wordcloud_png, bar_chart_png;"
            "from types import SimpleNamespace as NS;"
            f"wordcloud_png(['护眼灯很好'], r'{tmp_path / 'c.png'}');"
            f"bar_chart_png(NS(text='题', type='single', rows=[NS(label='是', count=1, ratio=1.0)]), "
            f"r'{tmp_path / 'b.png'}');"
            "print('matplotlib.pyplot' in sys.modules)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"  # pyplot (global figures, GUI backends) never imported
