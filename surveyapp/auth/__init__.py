"""Evaluator accounts and login."""
