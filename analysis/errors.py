"""Errors raised on response data; the CLI turns any InputError (and so DataError) into exit status 2."""

from __future__ import annotations

from questionnaires.errors import InputError


class DataError(InputError):
    """Bad response data: every problem names the file and the place (row, column) inside it.

    Parameters
    ----------
    source : str
        The file (or other source) the data came from.
    problems : list of (place, problem)
        One entry per problem, for example ``("row 3, column q4", "'很好' is not an option")``.
    """


class NothingToDraw(DataError):
    """A picture (word cloud, chart) was asked for but nothing is left to draw."""
