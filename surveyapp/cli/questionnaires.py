"""`surveyapp questionnaires check`: validate questionnaire files."""

from __future__ import annotations

import sys

import click

from questionnaires import SHIPPED, QuestionnaireError, iter_questionnaire_files, load_questionnaire


@click.group("questionnaires")
def questionnaires_group() -> None:
    """Questionnaire definition files."""


@questionnaires_group.command("check")
@click.argument("paths", nargs=-1, type=click.Path())
def check(paths: tuple[str, ...]) -> None:
    """Validate questionnaire files (default: the project's questionnaires/ folder); exit 2 on any error."""
    files = iter_questionnaire_files(list(paths) or [SHIPPED])
    failed = 0
    seen: dict[str, str] = {}
    for file in files:
        try:
            q = load_questionnaire(file)
        except QuestionnaireError as exc:
            click.echo(exc.message, err=True)
            failed += 1
            continue
        if q.id in seen:
            click.echo(f"{file}: id: '{q.id}' is also used by {seen[q.id]}", err=True)
            failed += 1
            continue
        seen[q.id] = str(file)
        click.echo(f"ok  {file}  {q.id}  ({len(q.questions)} questions, role {q.role})")
    if not files:
        click.echo("error: no questionnaire files found", err=True)
        sys.exit(2)
    if failed:
        click.echo(f"{failed} of {len(files)} files have errors", err=True)
        sys.exit(2)
