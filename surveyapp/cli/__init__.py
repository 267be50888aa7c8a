"""The `surveyapp` command: a Flask CLI group over the app factory, plus the project's commands."""

from __future__ import annotations

from flask.cli import FlaskGroup

from .. import create_app
from . import admin
from .questionnaires import questionnaires_group

COMMANDS = [questionnaires_group, *admin.COMMANDS]


def make_cli() -> FlaskGroup:
    group = FlaskGroup(create_app=lambda: create_app(), help="Satisfaction surveys: collect, analyse, score.")
    for command in COMMANDS:
        group.add_command(command)
    return group


cli = make_cli()


def main() -> None:
    cli.main(prog_name="surveyapp")
