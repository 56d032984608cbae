"""Exceptions with one-line messages that name the file, the field and what is allowed."""


class MentorsimError(ValueError):
    """Base class for user-facing errors (bad input); the CLI prints them and exits 2."""


class ScenarioError(MentorsimError):
    """A scenario, sweep or targets file, or an override, is invalid."""
