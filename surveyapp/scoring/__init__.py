"""Scoring (评分): indicator systems, the evaluator's literal values and overrides, the score table."""
