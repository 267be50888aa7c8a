"""`surveyapp wordfreq` and `surveyapp wordcloud`: open answers of one question, from response files."""

from __future__ import annotations

from pathlib import Path

import click

from analysis.frames import valid_only
from analysis.text import COUNT_CHOICES, MODES, POS_CHOICES, count_answered, open_answers, open_question, term_table
from questionnaires import InputError

from .common import input_errors_exit_2, print_json
from .stats_commands import DATA, NUMBERS, QUESTIONNAIRE, format_rows, load_responses

QUESTION = click.option("--question", required=True,
                        help="An open (text) question id such as q8, or a question's 其他 text: q2.other.")


def _answers(data: tuple[str, ...], questionnaire_paths: tuple[str, ...], question: str, numbers: str):
    questionnaire, frame = load_responses(data, questionnaire_paths, numbers)
    q = open_question(questionnaire, question)
    return questionnaire, q, open_answers(valid_only(frame), questionnaire, question)


@click.command("wordfreq")
@DATA
@QUESTIONNAIRE
@NUMBERS
@QUESTION
@click.option("--mode", type=click.Choice(list(MODES)), default="phrase", show_default=True,
              help="phrase: whole normalised answers; word: word counts; keyword: words ranked by TF-IDF.")
@click.option("--pos", type=click.Choice(list(POS_CHOICES)), default="content", show_default=True,
              help="word and keyword modes: nouns, verbs, adjectives and idioms only, or every word.")
@click.option("--count", "count_by", type=click.Choice(list(COUNT_CHOICES)), default="answers",
              show_default=True, help="word and keyword modes: a word once per answer, or every occurrence.")
@click.option("--top", type=click.IntRange(min=1), default=None,
              help="Keep the N first rows and sum the rest as 其他.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON document.")
@input_errors_exit_2
def wordfreq_command(data: tuple[str, ...], questionnaire_paths: tuple[str, ...], numbers: str, question: str,
                     mode: str,
                     pos: str, count_by: str, top: int | None, as_json: bool) -> None:
    """Word-frequency table (词频表) of an open question over the valid responses in DATA.

    word and keyword modes leave out answers that say nothing (无, 没有, 暂无 ...)."""
    _, q, answers = _answers(data, questionnaire_paths, question, numbers)
    options = {} if mode == "phrase" else {"pos": pos, "count": count_by}
    table = term_table(answers, mode, top, **options)
    answered = count_answered(answers)
    terms = [str(t) for t in table["term"].tolist()]
    counts = [int(c) for c in table["count"].tolist()]
    weights = [round(float(w), 6) for w in table["weight"].tolist()] if "weight" in table else None
    if as_json:
        rows = [{"term": t, "count": c} for t, c in zip(terms, counts, strict=True)]
        if weights is not None:
            for row, weight in zip(rows, weights, strict=True):
                row["weight"] = weight
        print_json({"mode": mode, "answered": answered, "rows": rows})
        return
    suffix = "（其他填写内容）" if question != q.id else ""
    click.echo(f"第{q.number}题（{q.type_label}）：{q.text}{suffix}")
    header = ["评价" if mode == "phrase" else "词语", "词频" if mode == "phrase" else "回答数"
              if count_by == "answers" else "次数"]
    lines = [[t, str(c)] for t, c in zip(terms, counts, strict=True)]
    if weights is not None:
        header.append("TF-IDF")
        lines = [line + [f"{w:.4f}"] for line, w in zip(lines, weights, strict=True)]
    click.echo("\n".join(format_rows(header, lines, right=set(range(1, len(header))))))
    click.echo(f"本题有效填写人次  {answered}")


@click.command("wordcloud")
@DATA
@QUESTIONNAIRE
@NUMBERS
@QUESTION
@click.option("--out", required=True, type=click.Path(dir_okay=False), help="The PNG file to write.")
@click.option("--width", type=click.IntRange(min=100, max=10000), default=800, show_default=True,
              help="Width in pixels.")
@click.option("--height", type=click.IntRange(min=100, max=10000), default=600, show_default=True,
              help="Height in pixels.")
@input_errors_exit_2
def wordcloud_command(data: tuple[str, ...], questionnaire_paths: tuple[str, ...], numbers: str, question: str,
                      out: str,
                      width: int, height: int) -> None:
    """Word-cloud PNG of an open question over the valid responses in DATA (no-opinion answers left out)."""
    from analysis.pictures import wordcloud_png

    _, _, answers = _answers(data, questionnaire_paths, question, numbers)
    path = Path(out)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        wordcloud_png(answers, path, width=width, height=height, source=f"{', '.join(data)}: {question}")
    except OSError as exc:
        raise InputError(out, [("", f"cannot write: {exc.strerror or exc}")]) from exc
    click.echo(f"wrote {path}")


COMMANDS = [wordfreq_command, wordcloud_command]

__all__ = ["COMMANDS", "wordcloud_command", "wordfreq_command"]
