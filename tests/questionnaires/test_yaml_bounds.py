"""Hostile YAML: an alias bomb of under 1 KB fails at once with a message naming the file, for
questionnaires and indicator systems alike; a few honest aliases still load."""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from questionnaires import QuestionnaireError, load_questionnaire, parse_questionnaire
from questionnaires.yamlfile import MAX_ALIAS_NODES

ROOT = Path(__file__).resolve().parents[2]


def alias_bomb(levels: int = 9, width: int = 9) -> str:
    """The 'billion laughs': each level repeats the one before `width` times (9**9 = 387 million), the
    last one given as a question's options (which the loader then walked and quoted in its messages)."""
    lines = ["format: 1", "id: bomb", "title: 炸弹", "role: parent",
             "l0: &l0 [" + ", ".join(["哈"] * width) + "]"]
    for level in range(1, levels):
        lines.append(f"l{level}: &l{level} [" + ", ".join([f"*l{level - 1}"] * width) + "]")
    lines += ["questions:", f"  - {{id: q1, type: single, text: 甲？, options: *l{levels - 1}}}"]
    return "\n".join(lines) + "\n"


def _load_in_a_child(kind: str, path: Path) -> dict:
    """Load `path` in a child process held to 1 GB of memory and 120 s (a guard for the code before
    the bound: there the bomb took gigabytes and minutes); its outcome as JSON."""
    code = textwrap.dedent(f"""
        import json, sys
        from questionnaires import InputError
        try:
            if {kind!r} == "questionnaire":
                from questionnaires import load_questionnaire as load
            else:
                from analysis.scoring import load_indicators as load
            load({str(path)!r})
        except InputError as exc:
            print(json.dumps({{"source": exc.source, "message": str(exc)}}))
        else:
            print(json.dumps({{"loaded": True}}))
    """)

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))

    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120,
                          preexec_fn=limit)
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout)


def test_the_bomb_is_under_one_kilobyte():
    assert len(alias_bomb().encode()) < 1024


@pytest.mark.parametrize("kind", ["questionnaire", "indicators"])
def test_an_alias_bomb_fails_at_once_naming_the_file(tmp_path, kind):
    path = tmp_path / f"{kind}-bomb.yaml"
    path.write_text(alias_bomb(), encoding="utf-8")
    outcome = _load_in_a_child(kind, path)
    assert outcome.get("source") == str(path), outcome
    assert f"aliases repeat more than {MAX_ALIAS_NODES} values" in outcome["message"]
    assert str(path) in outcome["message"]


def test_the_check_command_reports_the_bomb_with_exit_2(tmp_path):
    path = tmp_path / "bomb.yaml"
    path.write_text(alias_bomb(), encoding="utf-8")
    done = subprocess.run([str(Path(sys.executable).parent / "surveyapp"), "questionnaires", "check", str(path)],
                          cwd=tmp_path, capture_output=True, text=True, timeout=120,
                          env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path),
                               "SURVEYAPP_SECRET_KEY_FILE": str(tmp_path / "none")},
                          preexec_fn=lambda: resource.setrlimit(resource.RLIMIT_AS, (2 << 30, 2 << 30)))
    assert done.returncode == 2, done.stderr
    assert str(path) in done.stderr and "alias bomb" in done.stderr and "Traceback" not in done.stderr


def test_an_alias_inside_its_own_anchor_is_refused(tmp_path):
    path = tmp_path / "loop.yaml"
    path.write_text("format: 1\nloop: &a [1, *a]\n", encoding="utf-8")
    with pytest.raises(QuestionnaireError, match=r"alias \*a is inside its own anchor") as caught:
        load_questionnaire(path)
    assert caught.value.source == str(path)


def test_a_few_honest_aliases_still_load():
    text = textwrap.dedent("""\
        format: 1
        id: aliases
        title: 别名问卷
        role: parent
        questions:
          - {id: q1, type: single, text: 甲？, options: &yes_no [是, 否]}
          - {id: q2, type: single, text: 乙？, options: *yes_no}
          - {id: q3, type: single, text: 丙？, options: *yes_no}
        """)
    questionnaire = parse_questionnaire(text, "aliases.yaml")
    assert [o.label for o in questionnaire.question("q3").options] == ["是", "否"]


def test_text_over_the_size_limit_is_refused_before_parsing():
    from questionnaires.yamlfile import MAX_FILE_BYTES

    with pytest.raises(QuestionnaireError, match=f"larger than {MAX_FILE_BYTES} bytes"):
        parse_questionnaire("#" * (MAX_FILE_BYTES + 1), "big.yaml")
