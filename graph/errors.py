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


class StaleRevision(Conflict):
    """A write made from a record that someone else changed (or created, or deleted)
    after it was read: the whole batch was refused; read again and redo the change.

    >>> str(StaleRevision("evt:x", expected=3, actual=4))
    "'evt:x' was changed by someone else since it was read (revision 3, now 4): reload and try again"
    >>> str(StaleRevision("evt:x", expected=0, actual=1))
    "'evt:x' was created by someone else meanwhile (it must not exist yet; now revision 1): reload and try again"
    """  # noqa: E501

    def __init__(self, node_id: str, *, expected: int, actual: int, where: str | None = None):
        self.node_id, self.expected, self.actual = node_id, expected, actual
        if expected == 0:
            what = ("was created by someone else meanwhile"
                    f" (it must not exist yet; now revision {actual})")
        elif actual == 0:
            what = f"was deleted by someone else since it was read (revision {expected})"
        else:
            what = (f"was changed by someone else since it was read"
                    f" (revision {expected}, now {actual})")
        super().__init__(f"{what}: reload and try again", value=node_id, where=where)


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
