"""Library fixtures: the console's logged-in evaluator, an API client with a token, and the editor's fields
as a browser posts them."""

from __future__ import annotations

from typing import Any

from tests.api.conftest import api, token  # noqa: F401 (fixtures)
from tests.console.conftest import console, evaluator, no_csrf  # noqa: F401 (fixtures)


def posted_fields(data: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    """Editor form data as the browser posts it: ``questions-0-options-1-label``, ticked boxes as ``y``,
    unticked ones left out, lists of codes as repeated values."""
    fields: dict[str, Any] = {}
    for key, value in data.items():
        name = f"{prefix}{key}"
        if isinstance(value, bool):
            if value:
                fields[name] = "y"
        elif isinstance(value, list) and value and isinstance(value[0], dict):
            for i, item in enumerate(value):
                fields.update(posted_fields(item, f"{name}-{i}-"))
        elif isinstance(value, list):
            if value:
                fields[name] = list(value)
        else:
            fields[name] = "" if value is None else str(value)
    return fields
