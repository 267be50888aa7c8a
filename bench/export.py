"""Benchmark target 5 (export): CSV, statistics workbook and raw-data workbook of 350,000 responses.

On the cached database of :mod:`bench.common` (3 questionnaires, 20 schools), the responses are loaded
once with :func:`surveyapp.responses.load_survey_frames` (all of them, invalid included, as the console's
export does; the load is reported but is not part of the export figures), then in the same run:

* CSV: :func:`analysis.responses.write_responses` of every questionnaire's frame (one file each);
  target <= 5 s in all;
* statistics workbook: :func:`analysis.workbook.write_statistics_workbook` of every questionnaire;
  target <= 5 s in all;
* raw-data workbook: :func:`analysis.responses.write_responses_xlsx` of all frames (one sheet each),
  against xlsxwriter alone (constant_memory) writing the same cell values, computed beforehand, into the
  same sheets; target <= 1.2 x xlsxwriter's time. Memory flat: the tracemalloc peak while writing 20,000
  and 120,000 rows of the biggest questionnaire must be about the same (<= 1.5 x + 5 MB); the peak
  resident set size above the level before each timed step (sampled every 20 ms) is printed too;
* readable raw-data workbook: :func:`analysis.readable_export.write_readable_xlsx` (the hosted survey tool's
  layout) measured the same way, against xlsxwriter alone writing its cells (the time column with its
  date format); same targets.

Prints one line per figure and exits 1 on a miss. Run: ``python bench/export.py [--responses N]``
(or ``make bench-export``).
"""

from __future__ import annotations

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from bench.common import _bench_entry  # noqa: E402

_bench_entry(__file__)

import argparse  # noqa: E402
import gc  # noqa: E402
import tempfile  # noqa: E402
import threading  # noqa: E402
import time  # noqa: E402
import tracemalloc  # noqa: E402
from collections.abc import Callable  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

from bench.common import SLUG, bench_database, open_app, verdict  # noqa: E402

CSV_TARGET = 5.0
STATISTICS_TARGET = 5.0
XLSX_RATIO_TARGET = 1.2
SMALL, LARGE = 20_000, 120_000
"""Rows written in the memory check: a streamed workbook takes about the same memory for both."""
_PAGE = os.sysconf("SC_PAGE_SIZE")


def _rss() -> int:
    with open("/proc/self/statm") as handle:
        return int(handle.read().split()[1]) * _PAGE


class PeakMemory:
    """Peak resident set size above the level at entry, sampled every 20 ms in a thread."""

    def __init__(self) -> None:
        self.start = self.peak = 0
        self._stop = threading.Event()

    def __enter__(self) -> PeakMemory:
        gc.collect()
        self.start = self.peak = _rss()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        return self

    def _run(self) -> None:
        while not self._stop.wait(0.02):
            self.peak = max(self.peak, _rss())

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, _rss())

    @property
    def extra_mb(self) -> float:
        return (self.peak - self.start) / 1e6


def timed(fn: Callable[[], Any]) -> tuple[float, float]:
    """Seconds and extra peak memory (MB) of one call."""
    with PeakMemory() as memory:
        started = time.perf_counter()
        fn()
        seconds = time.perf_counter() - started
    return seconds, memory.extra_mb


def xlsxwriter_alone(cells: dict[str, tuple[list[str], list[tuple[Any, ...]]]], path: Path,
                     time_column: int | None = None) -> None:
    """The baseline: xlsxwriter in constant_memory mode writing prepared cells, nothing else (numbers in
    `time_column` with a date-time format)."""
    import xlsxwriter

    book = xlsxwriter.Workbook(str(path), {"constant_memory": True, "strings_to_numbers": False,
                                           "strings_to_formulas": False, "strings_to_urls": False})
    try:
        bold = book.add_format({"bold": True})
        when = book.add_format({"num_format": "yyyy-mm-dd hh:mm:ss"})
        for name, (headers, rows) in cells.items():
            sheet = book.add_worksheet(name[:31])
            for col, header in enumerate(headers):
                sheet.write_string(0, col, header, bold)
            write_string, write_number = sheet.write_string, sheet.write_number
            formats = [when if col == time_column else None for col in range(len(headers))]
            for row, values in enumerate(rows, start=1):
                for col, cell in enumerate(values):
                    if cell is None:
                        continue
                    if isinstance(cell, str):
                        write_string(row, col, cell)
                    else:
                        write_number(row, col, cell, formats[col])
    finally:
        book.close()


def prepared_cells(frames: dict[str, Any], columns: Callable[[str], Any],
                   ) -> dict[str, tuple[list[str], list[tuple[Any, ...]]]]:
    """The header and row tuples of every sheet, computed beforehand from `columns(qid)`'s (header, cells)."""
    prepared = {}
    for qid in frames:
        found = list(columns(qid))
        prepared[qid] = ([name for name, _ in found], list(zip(*(c for _, c in found), strict=True)))
        del found
    return prepared


def flat_memory(write: Callable[[dict[str, Any], Path], Any], frames: dict[str, Any]) -> dict[int, float]:
    """tracemalloc peaks (MB) of `write` on the first SMALL and LARGE rows of the biggest frame."""
    qid = max(frames, key=lambda k: len(frames[k]))
    peaks = {}
    with tempfile.TemporaryDirectory() as tmp:
        for size in (SMALL, LARGE):
            part = {qid: frames[qid].iloc[:size]}
            tracemalloc.start()
            write(part, Path(tmp) / f"{size}.xlsx")
            peaks[size] = tracemalloc.get_traced_memory()[1] / 1e6
            tracemalloc.stop()
    return peaks


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--responses", type=int, default=350_000)
    args = parser.parse_args(argv)

    from analysis.readable_export import TIME_COLUMN, readable_columns, write_readable_xlsx
    from analysis.responses import export_columns, write_responses, write_responses_xlsx
    from analysis.workbook import write_statistics_workbook
    from surveyapp.responses import load_survey_frames

    app = open_app(bench_database(args.responses))
    started = time.perf_counter()
    with app.app_context():
        frames, questionnaires = load_survey_frames(SLUG, include_invalid=True)
    rows = sum(len(f) for f in frames.values())
    cells_n = sum(len(f) * (len(f.columns)) for f in frames.values())
    print(f"export: loaded {rows:,} responses ({cells_n / 1e6:.1f} M cells) from the database in "
          f"{time.perf_counter() - started:.2f} s (not part of the figures below)")

    failures = []
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)

        def csv_all() -> None:
            for qid, frame in frames.items():
                write_responses(frame, questionnaires[qid], out / f"{qid}.csv")

        seconds, extra = timed(csv_all)
        size = sum((out / f"{qid}.csv").stat().st_size for qid in frames) / 1e6
        ok = seconds <= CSV_TARGET
        failures += [] if ok else ["csv"]
        print(f"export: CSV of {rows:,} responses ({size:.0f} MB): {seconds:.2f} s  target <= "
              f"{CSV_TARGET:.0f} s  {verdict(ok)}  (extra memory {extra:.0f} MB)")

        def statistics_all() -> None:
            for qid, frame in frames.items():
                write_statistics_workbook(frame, questionnaires[qid], out / f"statistics-{qid}.xlsx")

        seconds, extra = timed(statistics_all)
        ok = seconds <= STATISTICS_TARGET
        failures += [] if ok else ["statistics"]
        print(f"export: statistics workbooks of {len(frames)} questionnaires: {seconds:.2f} s  target <= "
              f"{STATISTICS_TARGET:.0f} s  {verdict(ok)}  (extra memory {extra:.0f} MB)")

        ours, ours_extra = timed(lambda: write_responses_xlsx(frames, questionnaires, out / "responses.xlsx"))
        del_path = out / "responses.xlsx"
        ours_size = del_path.stat().st_size / 1e6
        del_path.unlink()

        prepared = prepared_cells(frames, lambda qid: export_columns(frames[qid], questionnaires[qid], guard=False))
        base, base_extra = timed(lambda: xlsxwriter_alone(prepared, out / "baseline.xlsx"))
        prepared.clear()

        readable, readable_extra = timed(lambda: write_readable_xlsx(frames, questionnaires, out / "readable.xlsx"))
        readable_size = (out / "readable.xlsx").stat().st_size / 1e6
        prepared = prepared_cells(frames, lambda qid: readable_columns(frames[qid], questionnaires[qid]))
        readable_base, readable_base_extra = timed(lambda: xlsxwriter_alone(prepared, out / "readable-base.xlsx",
                                                                            time_column=TIME_COLUMN))
        prepared.clear()

    # Memory flat: the Python memory the raw-data workbook takes while writing (tracemalloc peak) must not
    # grow with the number of rows. Measured untimed on the first SMALL and LARGE rows of the biggest frame.
    peaks = flat_memory(lambda part, path: write_responses_xlsx(part, questionnaires, path), frames)
    readable_peaks = flat_memory(lambda part, path: write_readable_xlsx(part, questionnaires, path), frames)
    for label, (seconds, baseline, size, extra, alone_extra, memory) in {
        "raw-data workbook (write_responses_xlsx)": (ours, base, ours_size, ours_extra, base_extra, peaks),
        "readable raw-data workbook (write_readable_xlsx)": (readable, readable_base, readable_size,
                                                             readable_extra, readable_base_extra, readable_peaks),
    }.items():
        ratio = seconds / baseline
        ok = ratio <= XLSX_RATIO_TARGET
        flat = memory[LARGE] <= 1.5 * memory[SMALL] + 5
        failures += [] if ok else [f"{label} ratio"]
        failures += [] if flat else [f"{label} memory"]
        print(f"export: {label}: {seconds:.2f} s ({size:.0f} MB file); xlsxwriter alone (constant_memory), "
              f"same cells: {baseline:.2f} s  ratio {ratio:.2f}  target <= {XLSX_RATIO_TARGET:.1f}  {verdict(ok)}")
        print(f"export: {label} peak RSS above the start: {extra:.0f} MB (xlsxwriter alone {alone_extra:.0f} MB; "
              "freed memory is reused, so this is a floor)")
        print(f"export: {label} Python memory (tracemalloc peak) writing {SMALL:,} / {LARGE:,} rows: "
              f"{memory[SMALL]:.1f} / {memory[LARGE]:.1f} MB  target: flat (<= 1.5 x + 5 MB)  {verdict(flat)}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
