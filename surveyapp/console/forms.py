"""Console forms shared by every feature (Flask-WTF, CSRF on every one)."""

from __future__ import annotations

from flask_wtf import FlaskForm

try:  # WTForms >= 3.3 deprecates (value, label) tuples
    from wtforms import SelectChoice
except ImportError:  # pragma: no cover - older WTForms
    def SelectChoice(value: str, label: str) -> tuple[str, str]:  # noqa: N802
        return (value, label)

__all__ = ["PostForm", "SelectChoice"]


class PostForm(FlaskForm):
    """A button that only needs the CSRF token (logout, open, close, save)."""
