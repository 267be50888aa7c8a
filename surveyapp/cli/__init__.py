"""The `surveyapp` command: a Flask CLI group over the app factory, plus the project's commands."""

from __future__ import annotations

from flask import Flask
from flask.cli import FlaskGroup, NoAppException

from . import admin, stats_commands, text_commands
from .questionnaires import questionnaires_group
from .report_commands import report_command
from .score_commands import score_command

COMMANDS = [questionnaires_group, *admin.COMMANDS, *stats_commands.COMMANDS, score_command,
            *text_commands.COMMANDS, report_command]


def register_commands(app: Flask) -> None:
    """Add the project's commands to `app.cli` (so `flask` and test runners see them too)."""
    for command in COMMANDS:
        app.cli.add_command(command)


def make_cli() -> FlaskGroup:
    from .. import create_app
    from ..config import ConfigurationError

    def load() -> Flask:
        try:
            return create_app()
        except ConfigurationError as exc:          # printed by click as "Error: ...", exit status 2
            raise NoAppException(str(exc)) from exc

    return FlaskGroup(create_app=load, help="Satisfaction surveys: collect, analyse, score.")


cli = make_cli()


def main() -> None:
    cli.main(prog_name="surveyapp")
