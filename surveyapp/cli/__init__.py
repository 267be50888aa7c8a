"""The `surveyapp` command: a Flask CLI group over the app factory, plus the project's commands."""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import FlaskGroup, NoAppException

from . import admin, stats_commands, text_commands
from .questionnaires import questionnaires_group
from .report_commands import report_command
from .score_commands import score_command

COMMANDS = [questionnaires_group, *admin.COMMANDS, *stats_commands.COMMANDS, score_command,
            *text_commands.COMMANDS, report_command]
FILE_COMMANDS = [*stats_commands.COMMANDS, *text_commands.COMMANDS]


def register_commands(app: Flask) -> None:
    """Add the project's commands to `app.cli` (so `flask` and test runners see them too)."""
    for command in COMMANDS:
        app.cli.add_command(command)


def make_cli() -> FlaskGroup:
    from .. import create_app
    from ..config import ConfigurationError

    def load() -> Flask:
        # `surveyapp run` is the development server: it keeps a generated key in the instance folder; the
        # other commands serve nothing and sign nothing that outlives them, so they never need the key
        context = click.get_current_context(silent=True)
        serving = context is not None and context.info_name == "run"
        try:
            return create_app(when_key_missing="keep" if serving else "ephemeral")
        except ConfigurationError as exc:          # printed by click as "Error: ...", exit status 2
            raise NoAppException(str(exc)) from exc

    group = FlaskGroup(create_app=load, help="Satisfaction surveys: collect, analyse, score.")
    for command in FILE_COMMANDS:  # found without making the app: they read files, not the database
        group.add_command(command)
    return group


cli = make_cli()


def main() -> None:
    cli.main(prog_name="surveyapp")
