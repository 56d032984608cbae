"""Outputs are functions of results: results and comparisons, equity, decisions, sensitivity and number formatting."""
