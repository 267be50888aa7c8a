"""analyze's outputs from one frame: each chart once, the same files with charts drawn in worker processes."""

from __future__ import annotations

from analysis.outputs import write_everything


def test_charts_in_workers_give_the_same_files(tmp_path, sample_q, frame_of):
    frame = frame_of(sample_q, [
        {"q1": "小学", "q2": ["学校通知"], "q3": 5, "q4.r1": 5, "q4.r2": 4, "q4.r3": 4, "q5": "否", "q7": 1,
         "q8": "希望多开展活动", "q9": 3},
        {"q1": "初中", "q3": 4, "q4.r1": 2, "q5": "是", "q6": 5, "q7": 2, "q8": "无", "q9": 2},
    ])
    steps = []
    inline = write_everything(frame, sample_q, tmp_path / "one", progress=steps.append)
    pooled = write_everything(frame, sample_q, tmp_path / "two", chart_workers=2)
    names = sorted(p.name for p in inline.written)
    assert names == sorted(p.name for p in pooled.written)
    assert sorted(p.name for p in (tmp_path / "two").iterdir()) == names  # nothing else, nothing twice
    # q1, q2, q3, q4's three rows, q5, q6, q9: one chart each; both satisfaction charts
    charts = [n for n in names if n.startswith("chart_")]
    assert charts == sorted(f"chart_{v}.png" for v in ("q1", "q2", "q3", "q4.r1", "q4.r2", "q4.r3", "q5", "q6", "q9"))
    assert {"satisfaction_by_unit.png", "satisfaction_by_role.png", "statistics.xlsx", "screening.csv",
            "wordcloud_q8.png"} <= set(names)
    assert steps == ["tables", "satisfaction", "statistics.xlsx", "screening", "word tables", "charts"]
    for name in charts:
        assert (tmp_path / "two" / name).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
