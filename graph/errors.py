"""The project's exceptions: one base class and a few typed subclasses.

Every message names the offending value and where it came from, so the CLI can
print it as one line and the API can map the class to an HTTP status.

>>> err = InvalidInput("must be >= 0", value="-5", where="row 17, column 营业收入")
>>> str(err)
"row 17, column 营业收入: '-5' must be >= 0"
"""

from __future__ import annotations

from typing import Any


class DuijieError(Exception):
    """Base class of every error Duijie raises on purpose."""

    exit_code = 1

    def __init__(self, message: str, *, value: Any = None, where: str | None = None,
                 problems: list[str] | None = None):
        self.message = message
        self.value = value
        self.where = where
        self.problems = list(problems or [])
        super().__init__(self._render())

    def _render(self) -> str:
        text = self.message
        if self.value is not None:
            text = f"{self.value!r} {text}"
        if self.where:
            text = f"{self.where}: {text}"
        if self.problems:
            shown = self.problems[:20]
            more = len(self.problems) - len(shown)
            text += "\n  " + "\n  ".join(shown)
            if more > 0:
                text += f"\n  … and {more} more"
        return text


class InvalidInput(DuijieError):
    """Input that breaks a rule: a bad value, a missing field, an unknown kind."""

    exit_code = 2


class NotFound(DuijieError):
    """A node, edge or record that does not exist."""

    exit_code = 3


class Conflict(DuijieError):
    """A write that contradicts what is stored (duplicate id, stale version)."""

    exit_code = 4


class BackendUnavailable(DuijieError):
    """The store cannot be reached (server down, bad credentials, locked file)."""

    exit_code = 5


class NotFitted(DuijieError):
    """A scorer or index used before `fit`."""

    exit_code = 6


class Unauthorized(DuijieError):
    """No valid session: log in (again)."""

    exit_code = 7


class Forbidden(DuijieError):
    """A signed-in user asking for something their role may not do."""

    exit_code = 8
