"""`surveyapp questionnaires check | import | list`: validate questionnaire files, fill the library."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask.cli import with_appcontext

from questionnaires import SHIPPED, QuestionnaireError, iter_questionnaire_files, load_questionnaire

from ..extensions import db
from ..library.services import list_library, store_upload
from .common import input_errors_exit_2


@click.group("questionnaires")
def questionnaires_group() -> None:
    """Questionnaire definition files and the questionnaire library."""


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


@questionnaires_group.command("import")
@click.argument("file", type=click.Path(dir_okay=False))
@with_appcontext
@input_errors_exit_2
def import_file(file: str) -> None:
    """Store a questionnaire in the library: YAML (.yaml), or text (.txt, .docx) in the text format.

    The same content gives the version already stored; changed content of the same id a new version.
    """
    path = Path(file)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise QuestionnaireError(file, [("", f"cannot read file: {exc.strerror}")]) from exc
    stored = store_upload(data, str(path), origin="file")
    db.session.commit()
    version = stored.version
    state = "stored as new version" if stored.created else "unchanged: already stored as version"
    click.echo(f"{version.questionnaire_id} {state} {version.number} ({version.title}, role {version.role})")


@questionnaires_group.command("list")
@with_appcontext
def list_command() -> None:
    """The library: each questionnaire id with its versions (the shipped files are stored first)."""
    entries = list_library()
    db.session.commit()
    for entry in entries:
        numbers = ", ".join(str(v.number) for v in entry.versions)
        builtin = "  built-in" if entry.builtin else ""
        click.echo(f"{entry.id}  versions {numbers}  {entry.latest.title}  ({entry.latest.role}){builtin}")
