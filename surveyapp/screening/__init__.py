"""Screening: flagged responses (analysis.screening), one response's answers, recorded status changes."""
