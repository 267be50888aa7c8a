"""Pictures for the report: word clouds, per-question bar charts, satisfaction charts (PNG files).

Every picture draws Chinese with the bundled Noto Sans CJK SC (:mod:`analysis.fonts`), never the default
font, which draws empty boxes. Charts are built on their own ``Figure`` with the Agg canvas: pyplot is
never imported, no rcParams are changed, and nothing stays open. Charts are 16 cm wide at 200 dpi, so
they paste into a Word page at their natural size and stay sharp.
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Collection, Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from questionnaires.model import TYPE_LABELS

from .categories import Lexicon
from .errors import NothingToDraw
from .fonts import cjk_font, cjk_font_path
from .phrases import count_answered
from .segmenter import Segmenter
from .words import keyword_table

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = ["NothingToDraw", "bar_chart_png", "satisfaction_chart_png", "wordcloud_png"]

CM = 1 / 2.54
WIDTH_CM = 16.0
DPI = 200
BAR_COLOUR = "#4472C4"  # Word's default accent blue: looks at home in the report
TARGET_COLOUR = "#C00000"
_NOTE_BOX = {"facecolor": "white", "edgecolor": "none", "pad": 0.5, "alpha": 0.85}


# -- word cloud ---------------------------------------------------------------------------------------------

# Dark colours that stay readable on white and in print (ColorBrewer Dark2, yellow swapped for navy).
# Given as a colour function so wordcloud never imports pyplot for a colormap.
CLOUD_SCALE = 2
CLOUD_COLOURS = ("#1B9E77", "#D95F02", "#7570B3", "#E7298A", "#66A61E", "#1F4E79", "#A6761D", "#666666")


def _cloud_colour(word: str, font_size: int, position: Any, orientation: Any, random_state: Any = None,
                  **kwargs: Any) -> str:
    """A colour for one word, drawn with the cloud's seeded random state (so a cloud is reproducible)."""
    if random_state is None:
        return CLOUD_COLOURS[0]
    return CLOUD_COLOURS[random_state.randint(0, len(CLOUD_COLOURS) - 1)]


def wordcloud_png(texts: Iterable[Any], path: str | Path, *, width: int = 800, height: int = 600,
                  max_words: int = 200, stopwords: Collection[str] | None = None,
                  segmenter: Segmenter | None = None, lexicon: Lexicon | None = None,
                  source: str = "answers", pos: str = "content") -> Path:
    """Draw the word cloud of open answers into a PNG file.

    Words come from :func:`analysis.words.keyword_table` (keyword mode: nouns, verbs, adjectives and
    idioms of the answers that say something, each counted once per answer, weighted by TF-IDF); the
    biggest word is the one with the highest weight.

    Parameters
    ----------
    texts : iterable of str
    path : path of the PNG file to write (its folder must exist)
    width, height : int
        Size in pixels.
    max_words : int
        At most this many words are drawn.
    stopwords, segmenter, lexicon, pos : see :func:`analysis.words.word_table`
    source : str
        Names the data in the error message (for example ``"data.csv: q8"``).

    Returns
    -------
    Path of the written file.

    Raises
    ------
    NothingToDraw
        When no word is left (no answers, or only no-opinion answers and stopwords).
    """
    from wordcloud import WordCloud

    texts = list(texts)
    table = keyword_table(texts, pos=pos, stopwords=stopwords, segmenter=segmenter, lexicon=lexicon)
    if table.empty:
        answered = count_answered(texts)
        why = ("there are no answers" if answered == 0 else
               f"all {answered} answers say nothing (无, 没有, 暂无 ...) or hold no noun, verb or adjective "
               "of two characters or more")
        raise NothingToDraw(source, [("", f"nothing to draw in the word cloud: {why}")])
    frequencies = dict(zip(table["term"], table["weight"].astype(float), strict=True))
    # Every word horizontal: a Chinese word turned by 90 degrees reads sideways. Words are placed on a
    # canvas of half the size and drawn at twice that size (wordcloud's `scale`): a quarter of the
    # placement work, glyphs as sharp as on a full-size canvas; the at most one extra pixel of an odd
    # size is cut off.
    cloud = WordCloud(font_path=str(cjk_font_path()), width=-(-width // CLOUD_SCALE),
                      height=-(-height // CLOUD_SCALE), scale=CLOUD_SCALE, max_words=max_words,
                      background_color="white", color_func=_cloud_colour, prefer_horizontal=1.0,
                      min_font_size=4, random_state=7, margin=2)
    cloud.generate_from_frequencies(frequencies)
    path = Path(path)
    cloud.to_image().crop((0, 0, width, height)).save(path, format="PNG")
    return path


# -- charts -------------------------------------------------------------------------------------------------

def _field(item: Any, name: str, default: Any = None) -> Any:
    if isinstance(item, dict):
        return item.get(name, default)
    return getattr(item, name, default)


def _missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def _wrap(text: str, width: int) -> str:
    return "\n".join(textwrap.wrap(str(text), width=width, break_long_words=True, break_on_hyphens=False)
                     or [""])


def _figure(width_cm: float, height_cm: float) -> Figure:
    """A new figure on the Agg canvas (matplotlib's figure and canvas are imported here, on first use: a
    process that only draws word clouds never pays for them)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width_cm * CM, max(height_cm, 5.0) * CM))
    FigureCanvasAgg(fig)
    return fig


def _save(fig: Figure, path: str | Path) -> Path:
    path = Path(path)
    try:
        fig.savefig(path, format="png", dpi=DPI, facecolor="white", bbox_inches="tight", pad_inches=0.1)
    finally:
        fig.clear()
    return path


def _percent_axis(ax: Any, limit: float, percent: bool = True) -> None:
    """An x axis from 0 to `limit` with ticks every 20 up to 100 (room for notes past 100)."""
    font = cjk_font(8)
    ax.set_xlim(0, limit)
    ticks = list(range(0, 101, 20))
    ax.set_xticks(ticks, labels=[f"{t}%" if percent else str(t) for t in ticks], fontproperties=font)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.grid(axis="x", color="#DDDDDD", linewidth=0.6)
    ax.set_axisbelow(True)


def bar_chart_png(table: Any, path: str | Path, *, width_cm: float = WIDTH_CM, titled: bool = True) -> Path:
    """Draw one question's table as horizontal bars: option labels left, 小计（比例） at each bar's end.

    Parameters
    ----------
    table : object with ``.text``, ``.type`` and ``.rows`` (e.g. :class:`analysis.tables.QuestionTable`)
        A per-question table; each row has ``.label``, ``.count`` and ``.ratio`` (a fraction, None when
        nothing was answered). ``.type`` is a question type (``single`` ...) or a Chinese type label. An
        optional ``.title`` is used as the heading (else "text（type label）"), an optional ``.valid``
        (本题有效填写人次) is printed under the chart.
    path : path of the PNG file to write
    width_cm : float
        Width in centimetres (default 16, a Word page); the height follows the number of rows.
    titled : bool
        Draw the heading; a report that numbers its figures with a caption below leaves it out.

    Returns
    -------
    Path of the written file. Raises NothingToDraw for a table without rows.
    """
    rows = list(_field(table, "rows", None) or [])
    text = str(_field(table, "text", "") or "")
    if not rows:
        raise NothingToDraw(text or "table", [("", "nothing to draw: the table has no rows")])
    kind = str(_field(table, "type", "") or "")
    title = _field(table, "title") or (f"{text}（{TYPE_LABELS.get(kind, kind)}）" if kind else text)
    title = title if titled else ""
    labels = [_wrap(_field(r, "label", ""), 12) for r in rows]
    ratios = [_field(r, "ratio") for r in rows]
    counts = [_field(r, "count") for r in rows]
    lines = sum(label.count("\n") + 1 for label in labels)
    height_cm = 2.2 + 0.55 * max(lines, len(rows) * 1.4) + 0.5 * (title.count("\n") + len(title) // 30)
    fig = _figure(width_cm, height_cm)
    ax = fig.add_subplot()
    positions = list(range(len(rows)))
    values = [0.0 if _missing(r) else float(r) * 100 for r in ratios]
    ax.barh(positions, values, color=BAR_COLOUR, height=0.6)
    ax.set_yticks(positions, labels=labels, fontproperties=cjk_font(9))
    ax.invert_yaxis()  # first option on top, as in the printed table
    _percent_axis(ax, 125)
    font = cjk_font(8.5)
    for y, value, ratio, count in zip(positions, values, ratios, counts, strict=True):
        note = "—" if _missing(ratio) else f"{count}（{float(ratio) * 100:.2f}%）"
        ax.text(value + 1.5, y, note, va="center", ha="left", fontproperties=font, bbox=_NOTE_BOX)
    if title:
        ax.set_title(_wrap(title, 30), loc="left", fontproperties=cjk_font(10.5))
    valid = _field(table, "valid")
    if not _missing(valid):
        ax.set_xlabel(f"本题有效填写人次：{valid}", fontproperties=cjk_font(8.5), loc="left")
    fig.tight_layout()
    return _save(fig, path)


def satisfaction_chart_png(groups: Sequence[Any], path: str | Path, target: float | None = None, *,
                           title: str = "满意度", width_cm: float = WIDTH_CM) -> Path:
    """Draw satisfaction rates per group as horizontal bars with their 95% intervals.

    Parameters
    ----------
    groups : list of dicts or objects with ``name``, ``rate``, ``n`` and ``ci95`` (low, high)
        For example :class:`analysis.satisfaction.SatisfactionGroup`. Rates are fractions, or mean
        scores (0-100) when the groups have ``method == "score"``. A group without a rate (n = 0) gets no
        bar and the note 无数据.
    path : path of the PNG file to write
    target : float, optional
        A target rate in the same unit (a fraction such as 0.9, or a score), drawn as a dashed red line.
    title : str
    width_cm : float

    Returns
    -------
    Path of the written file. Raises NothingToDraw for an empty list.
    """
    groups = list(groups)
    if not groups:
        raise NothingToDraw(title, [("", "nothing to draw: no groups")])
    score = any(_field(g, "method") == "score" for g in groups)
    factor = 1.0 if score else 100.0
    if target is not None and not 0 <= target * factor <= 100:
        unit = "a score between 0 and 100" if score else "a fraction between 0 and 1"
        raise ValueError(f"target must be {unit}, not {target!r}")
    names = [_wrap(f"{_field(g, 'name', '')}（n={_field(g, 'n', 0)}）", 14) for g in groups]
    rates = [_field(g, "rate") for g in groups]
    lines = sum(name.count("\n") + 1 for name in names)
    height_cm = 2.5 + 0.55 * max(lines, len(groups) * 1.4)
    fig = _figure(width_cm, height_cm)
    ax = fig.add_subplot()
    positions = list(range(len(groups)))
    values = [0.0 if _missing(r) else float(r) * factor for r in rates]
    low_err, high_err = [], []
    for g, value, rate in zip(groups, values, rates, strict=True):
        ci = _field(g, "ci95")
        if _missing(rate) or ci is None or any(_missing(c) for c in ci):
            low_err.append(0.0)
            high_err.append(0.0)
        else:
            low_err.append(max(value - float(ci[0]) * factor, 0.0))
            high_err.append(max(float(ci[1]) * factor - value, 0.0))
    ax.barh(positions, values, color=BAR_COLOUR, height=0.6, xerr=[low_err, high_err],
            error_kw={"ecolor": "#333333", "capsize": 3, "elinewidth": 0.9})
    ax.set_yticks(positions, labels=names, fontproperties=cjk_font(9))
    ax.invert_yaxis()
    _percent_axis(ax, 118, percent=not score)
    font = cjk_font(8.5)
    for y, value, rate, high in zip(positions, values, rates, high_err, strict=True):
        if _missing(rate):
            note = "无数据"
        else:
            note = f"{float(rate):.2f}" if score else f"{float(rate) * 100:.2f}%"
        ax.text(value + high + 2.5, y, note, va="center", ha="left", fontproperties=font, bbox=_NOTE_BOX)
    if target is not None:
        mark = f"目标 {target:g}分" if score else f"目标 {target * 100:g}%"
        ax.axvline(target * factor, color=TARGET_COLOUR, linestyle="--", linewidth=1.1)
        ax.text(target * factor, -0.75, mark, color=TARGET_COLOUR, ha="center", va="bottom",
                fontproperties=cjk_font(8))
    ax.set_title(_wrap(title, 30), loc="left", fontproperties=cjk_font(10.5), pad=14 if target else 6)
    note = "误差线：95% 置信区间" + ("（均值±1.96标准误）" if score else "（Wilson）")
    ax.set_xlabel(note, fontproperties=cjk_font(8), loc="left")
    fig.tight_layout()
    return _save(fig, path)
