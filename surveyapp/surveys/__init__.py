"""Surveys: creation from questionnaires and units, status, links."""
