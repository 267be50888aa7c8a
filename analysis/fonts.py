"""The CJK font for every picture: Noto Sans CJK SC as shipped by the ``mplfonts`` package.

Matplotlib's and wordcloud's default fonts have no Chinese glyphs and draw empty boxes, so every picture
passes this font explicitly. Nothing global is changed (no rcParams, no font-manager registration).
"""

from __future__ import annotations

import functools
import importlib.util
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from matplotlib.font_manager import FontProperties

FONT_FILE = "NotoSansCJKsc-Regular.otf"


@functools.cache
def cjk_font_path() -> Path:
    """The path of Noto Sans CJK SC inside the installed ``mplfonts`` package.

    Found without importing ``mplfonts`` (its import is not needed and could touch matplotlib's state).
    Raises RuntimeError with the fix when the package or the file is missing.
    """
    spec = importlib.util.find_spec("mplfonts")
    folders = list(spec.submodule_search_locations or []) if spec is not None else []
    for folder in folders:
        path = Path(folder) / "fonts" / FONT_FILE
        if path.is_file():
            return path
    raise RuntimeError(f"the Chinese font {FONT_FILE} was not found: install the 'mplfonts' package "
                       f"(pip install mplfonts), which ships it")


def cjk_font(size: float | None = None) -> FontProperties:
    """A matplotlib FontProperties for :func:`cjk_font_path` at `size` points (default size if None)."""
    from matplotlib.font_manager import FontProperties

    return FontProperties(fname=str(cjk_font_path()), size=size)
