"""Files that `analysis` writes to a path, turned into bytes for a download."""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any


def written_bytes(write: Callable[[Path], Any], name: str) -> bytes:
    """Call `write(path)` with a path named `name` in a private temporary folder and return the file's bytes.

    `write` may return another path (the file it really wrote); that file is read instead.
    """
    with tempfile.TemporaryDirectory(prefix="surveyapp-") as folder:
        path = Path(folder) / name
        written = write(path)
        return Path(written if isinstance(written, (str, Path)) else path).read_bytes()
