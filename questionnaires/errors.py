"""Errors raised on evaluators' files; the CLI turns any InputError into exit status 2."""

from __future__ import annotations


class InputError(Exception):
    """Bad input from a file: every problem names the file and the place inside it."""

    def __init__(self, source: str, problems: list[tuple[str, str]]):
        self.source = source
        self.problems = problems
        super().__init__(self.message)

    @property
    def message(self) -> str:
        return "\n".join(f"{self.source}: {place}: {problem}" if place else f"{self.source}: {problem}"
                         for place, problem in self.problems)

    def __str__(self) -> str:
        return self.message


class QuestionnaireError(InputError):
    """A questionnaire file breaks format version 1."""
