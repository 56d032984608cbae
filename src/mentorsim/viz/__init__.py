"""Figures: one style module (palette and axes), then the figure families (results, sweeps, equity)."""
