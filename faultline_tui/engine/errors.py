"""The engine's one exception hierarchy; every message is one line meant for people."""

from __future__ import annotations


class FaultlineError(Exception):
    """Base of every error the engine raises on purpose."""


class InputError(FaultlineError):
    """A log cannot be read: missing, unreadable, a directory, or binary."""


class PlaybookError(FaultlineError):
    """A playbook file or folder is invalid; the message names file, line and key."""

    def __init__(self, message: str, path: str = "", line: int | None = None, key: str = ""):
        self.path = path
        self.line = line
        self.key = key
        where = path + (f":{line}" if line else "")
        super().__init__(f"{where}: {key + ': ' if key else ''}{message}" if where else message)


class UsageError(FaultlineError):
    """The user asked for something that does not exist (an unknown playbook id, ...)."""
