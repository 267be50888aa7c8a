"""Benchmark target 6 (files at city scale): analysis of a 350,000-row export of the hosted survey tool.

A generated export of the shipped parent questionnaire in the hosted tool's layout (``序号, 提交答卷时间,
所用时间, 来源, 来源详情, 来自IP``, one ``N、题目`` column per question and matrix row, option texts,
multiple choice joined by ``┋``, ``其他〖...〗``, ``(跳过)`` for hidden questions, ``(空)`` for empty open
answers, a trailing ``总分``), as CSV (UTF-8 with BOM) and XLSX, cached under ``bench/.cache/``. Closed
answers come from :func:`surveyapp.demo.synthetic_answers` (correlated as real ones are), open answers from
``bench/tokenize.py``'s corpus.

In the same run, each in a fresh process (the commands as a user runs them, start-up included):

* baseline (a): ``pandas.read_csv`` of the CSV (``python -c``, pandas' import included);
* ``surveyapp stats`` on the CSV: target <= 3 x (a);
* ``surveyapp analyze`` on the CSV: target <= 8 x (a);
* baseline (b): python-calamine's read of the XLSX alone (every cell to Python values);
* ``surveyapp stats`` on the XLSX: target <= 2 x (b);
* peak memory (max RSS) of ``surveyapp stats`` on the CSV: target <= 3 x that of (a).

Every figure is the best of two runs after one warm-up read of each file. Prints one line per figure and
exits 1 on a miss.

Run: ``python bench/files.py [--responses N]`` (or ``make bench-files``).
"""

from __future__ import annotations

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from bench.common import _bench_entry  # noqa: E402

_bench_entry(__file__)

import argparse  # noqa: E402
import csv  # noqa: E402
import functools  # noqa: E402
import hashlib  # noqa: E402
import random  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from datetime import datetime, timedelta  # noqa: E402
from pathlib import Path  # noqa: E402

from bench.common import CACHE, ROOT, verdict  # noqa: E402

print = functools.partial(print, flush=True)  # noqa: A001 - figures appear as they are measured

FORM = "parent-platform.yaml"
BUILDER_VERSION = 1
"""Raise when the generator below changes what it writes (the cache key does not read this file)."""
STATS_TARGET, ANALYZE_TARGET, XLSX_TARGET, MEMORY_TARGET = 3.0, 8.0, 2.0, 3.0
SOURCES = (("微信", 0.78), ("手机提交", 0.14), ("链接", 0.08))
REGIONS = ("广东-广州", "广东-深圳", "广东-佛山", "湖南-长沙")


def _key(n: int, seed: int) -> str:
    digest = hashlib.sha256(f"{BUILDER_VERSION}:{n}:{seed}".encode())
    for path in (ROOT / "questionnaires" / FORM, ROOT / "surveyapp" / "demo.py", ROOT / "bench" / "tokenize.py"):
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def _header(q) -> list[str]:  # noqa: ANN001
    header = ["序号", "提交答卷时间", "所用时间", "来源", "来源详情", "来自IP"]
    for question in q.questions:
        if question.type == "matrix":
            header.extend(f"{question.number}、{question.text}—{row.text}" for row in question.rows)
        else:
            header.append(f"{question.number}、{question.text}")
    return [*header, "总分"]


def _cells(q, answers: dict) -> list[str]:  # noqa: ANN001
    """The question cells of one response as the hosted tool writes them (按文本)."""
    cells = []
    for question in q.questions:
        if question.type == "matrix":
            for var in question.variables:
                code = answers.get(var)
                cells.append("(跳过)" if code is None else question.option_by_code(code).label)
            continue
        value = answers.get(question.id)
        if value is None:
            cells.append("(空)" if question.type == "text" else "(跳过)")
        elif question.type == "multiple":
            labels = [question.option_by_code(c).label for c in value]
            other = answers.get(f"{question.id}.other")
            if other and "其他" in labels:
                labels[labels.index("其他")] = f"其他〖{other}〗"
            cells.append("┋".join(labels))
        elif question.type in ("single", "scale"):
            cells.append(question.option_by_code(value).label)
        else:
            cells.append(str(value))
    return cells


def build_files(n: int, seed: int = 20251009) -> tuple[Path, Path, Path]:
    """(questionnaire, CSV, XLSX) of the generated export, built now if not cached."""
    from bench.tokenize import build_answers
    from questionnaires import SHIPPED, load_questionnaire
    from surveyapp.demo import synthetic_answers

    folder = CACHE / f"files-{n}-{_key(n, seed)}"
    csv_path, xlsx_path = folder / "parents.csv", folder / "parents.xlsx"
    questionnaire = SHIPPED / FORM
    if csv_path.exists() and xlsx_path.exists():
        print(f"files: {folder.relative_to(ROOT)} (cached: CSV {csv_path.stat().st_size / 1e6:.0f} MB, "
              f"XLSX {xlsx_path.stat().st_size / 1e6:.0f} MB)")
        return questionnaire, csv_path, xlsx_path
    started = time.perf_counter()
    folder.mkdir(parents=True, exist_ok=True)
    q = load_questionnaire(questionnaire)
    rng = random.Random(seed)
    texts = build_answers(n, seed)
    pools = [[synthetic_answers(q, rng, mood) for _ in range(400)] for mood in (-0.3, 0.0, 0.2, 0.4)]
    start = datetime(2025, 10, 9, 7, 30)
    header = _header(q)
    rows = []
    for i in range(n):
        answers = dict(rng.choice(pools[i % len(pools)]))
        if texts[i].strip():
            answers["q25"] = texts[i]
        else:
            answers.pop("q25", None)
        when = start + timedelta(seconds=i * 9 * 24 * 3600 // n + rng.randint(0, 30))
        source = rng.choices([s for s, _ in SOURCES], [w for _, w in SOURCES])[0]
        ip = f"10.{rng.randint(0, 255)}.{rng.randint(0, 255)}.{rng.randint(1, 254)}({rng.choice(REGIONS)})"
        seconds = rng.randint(8, 25) if rng.random() < 0.03 else int(rng.lognormvariate(5.3, 0.4))
        rows.append([str(i + 1), f"{when.year}/{when.month}/{when.day} {when:%H:%M:%S}", f"{seconds}秒", source,
                     "N/A", ip, *_cells(q, answers), "0"])
    with csv_path.open("w", encoding="utf-8-sig", newline="") as handle:
        csv.writer(handle, lineterminator="\r\n").writerows([header, *rows])
    _write_xlsx(xlsx_path, header, rows)
    print(f"files: built {folder.relative_to(ROOT)} with {n:,} rows in {time.perf_counter() - started:.0f} s "
          f"(CSV {csv_path.stat().st_size / 1e6:.0f} MB, XLSX {xlsx_path.stat().st_size / 1e6:.0f} MB)")
    return questionnaire, csv_path, xlsx_path


def _write_xlsx(path: Path, header: list[str], rows: list[list[str]]) -> None:
    """The sheet as the tool writes it: numbers (序号, 总分) as numbers, the rest as text."""
    import xlsxwriter

    book = xlsxwriter.Workbook(str(path), {"constant_memory": True, "strings_to_numbers": False})
    sheet = book.add_worksheet("Sheet1")
    for col, name in enumerate(header):
        sheet.write_string(0, col, name)
    last = len(header) - 1
    for r, cells in enumerate(rows, start=1):
        sheet.write_number(r, 0, int(cells[0]))
        for col in range(1, last):
            sheet.write_string(r, col, cells[col])
        sheet.write_number(r, last, int(cells[last]))
    book.close()


def _run(args: list[str]) -> tuple[float, float]:
    """(wall seconds, peak RSS in MB) of a child process; a failing command stops the benchmark."""
    with tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        child = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=err,
                                 env={**os.environ, "PYTHONPATH": str(ROOT)})
        _, status, usage = os.wait4(child.pid, 0)
        seconds = time.perf_counter() - started
        child.returncode = os.waitstatus_to_exitcode(status)
        if child.returncode != 0:
            err.seek(0)
            raise SystemExit(f"files: {' '.join(args[:4])} ... failed ({child.returncode}):\n"
                             f"{err.read().decode(errors='replace')[-2000:]}")
    return seconds, usage.ru_maxrss / 1024


def _best(args: list[str], runs: int = 2) -> tuple[float, float, list[float]]:
    results = [_run(args) for _ in range(runs)]
    return min(s for s, _ in results), max(m for _, m in results), [s for s, _ in results]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--responses", type=int, default=350_000)
    args = parser.parse_args(argv)
    questionnaire, csv_path, xlsx_path = build_files(args.responses)
    py = sys.executable
    script = Path(py).parent / "surveyapp"
    surveyapp = [str(script)] if script.exists() else [py, "-c", "from surveyapp.cli import main; main()"]
    qargs = ["--questionnaire", str(questionnaire)]
    read_csv = [py, "-c", f"import pandas; pandas.read_csv({str(csv_path)!r})"]
    read_xlsx = [py, "-c", "from python_calamine import CalamineWorkbook as B; "
                 f"b = B.from_path({str(xlsx_path)!r}); [b.get_sheet_by_name(s).to_python() for s in b.sheet_names]"]
    stats_csv = [*surveyapp, "stats", str(csv_path), *qargs, "--json"]
    stats_xlsx = [*surveyapp, "stats", str(xlsx_path), *qargs, "--json"]
    print(f"files: machine load average {os.getloadavg()[0]:.2f} at the start")
    _run(read_csv)  # warm the page cache and the imports for every side
    _run(read_xlsx)
    csv_s, csv_mb, csv_runs = _best(read_csv)
    print(f"files: (a) pandas.read_csv of the CSV: {csv_s:.2f} s, peak RSS {csv_mb:.0f} MB "
          f"(runs {', '.join(f'{r:.2f}' for r in csv_runs)})")
    xlsx_s, xlsx_mb, xlsx_runs = _best(read_xlsx)
    print(f"files: (b) python-calamine read of the XLSX: {xlsx_s:.2f} s, peak RSS {xlsx_mb:.0f} MB "
          f"(runs {', '.join(f'{r:.2f}' for r in xlsx_runs)})")
    stats_s, stats_mb, stats_runs = _best(stats_csv)
    with tempfile.TemporaryDirectory() as tmp:
        analyze_s, analyze_mb, analyze_runs = _best([*surveyapp, "analyze", str(csv_path), *qargs, "--out", tmp])
    sx_s, sx_mb, sx_runs = _best(stats_xlsx)
    results = [
        ("surveyapp stats on the CSV", stats_s, stats_runs, stats_s / csv_s, "(a)", STATS_TARGET),
        ("surveyapp analyze on the CSV", analyze_s, analyze_runs, analyze_s / csv_s, "(a)", ANALYZE_TARGET),
        ("surveyapp stats on the XLSX", sx_s, sx_runs, sx_s / xlsx_s, "(b)", XLSX_TARGET),
    ]
    ok = True
    for name, seconds, runs, ratio, base, target in results:
        met = ratio <= target
        ok &= met
        print(f"files: {name}: {seconds:.2f} s (runs {', '.join(f'{r:.2f}' for r in runs)})  ratio {ratio:.2f} x "
              f"{base}  target <= {target:.0f}  {verdict(met)}")
    memory = stats_mb / csv_mb
    ok &= memory <= MEMORY_TARGET
    print(f"files: peak RSS of stats on the CSV: {stats_mb:.0f} MB  ratio {memory:.2f} x (a)  "
          f"target <= {MEMORY_TARGET:.0f}  {verdict(memory <= MEMORY_TARGET)}")
    print(f"files:   (peak RSS of analyze {analyze_mb:.0f} MB, of stats on the XLSX {sx_mb:.0f} MB; "
          f"load average {os.getloadavg()[0]:.2f} at the end)")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
