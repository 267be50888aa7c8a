"""Shared pieces of the command line: input errors become one message on stderr and exit status 2."""

from __future__ import annotations

import functools
import json
import sys
import unicodedata
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from questionnaires import SHIPPED, InputError, Questionnaire, load_folder


def input_errors_exit_2(func: Callable) -> Callable:
    """Wrap a command so that bad input prints a clear message and exits 2, never a traceback."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except InputError as exc:
            english = getattr(exc, "english", None)    # a console service's refusal says it in English too
            click.echo(f"error: {english or exc.message}", err=True)
            sys.exit(2)
        except ValueError as exc:
            click.echo(f"error: {exc}", err=True)
            sys.exit(2)

    return wrapper


def questionnaire_lookup(paths: tuple[str, ...]) -> dict[str, Questionnaire]:
    """Questionnaires from the given files or folders, then the project's own folder, keyed by id.

    A given file wins over a shipped questionnaire with the same id.
    """
    found = dict(load_folder([SHIPPED]))
    for path in paths:
        if not Path(path).exists():
            raise InputError(path, [("", "no such file or folder")])
        found.update(load_folder([path]))
    return found


def print_json(document: Any) -> None:
    """Print exactly one JSON document on stdout."""
    click.echo(json.dumps(document, ensure_ascii=False, indent=2, default=str))


def boxed(lines: list[str]) -> str:
    """Lines framed in a box, so the few that matter stand out of a long terminal log."""
    width = max(display_width(line) for line in lines)
    rule = "+" + "-" * (width + 2) + "+"
    body = [f"| {line}{' ' * (width - display_width(line))} |" for line in lines]
    return "\n".join([rule, *body, rule])


def display_width(text: str) -> int:
    """Columns a terminal gives `text`: two for each wide (CJK) character."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)
