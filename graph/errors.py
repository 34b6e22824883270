"""The project's exceptions: one base class and a few typed subclasses.

Every message names the offending value and where it came from, so the CLI can
print it as one line and the API can map the class to an HTTP status. Duijie's own
refusals carry a message key and its values (`graph/refusals.toml`, both languages) and
where as a `Where`, so the CLI and the pages word them in the reader's language
(`text`); `str()` stays the English line.

>>> err = InvalidInput("must be >= 0", value="-5", where="row 17, column 营业收入")
>>> str(err)
"row 17, column 营业收入: '-5' must be >= 0"
>>> err = InvalidInput(key="ledger.already_closed", params={"day": "2019-12-20"},
...                    where=at("where.problem_close"))
>>> str(err), err.text("zh")
('problem close: was already closed on 2019-12-20', '问题（销号）：已于 2019-12-20 销号')
"""

from __future__ import annotations

from typing import Any

from duijie.graph.refusals import Said, Where, at, refusal_line

__all__ = [  # the errors, and the refusals' vocabulary beside them (`graph.refusals`)
    "BackendUnavailable", "Conflict", "DuijieError", "Forbidden", "InvalidInput", "NotFitted",
    "NotFound", "Refusal", "Said", "StaleRevision", "Unauthorized", "Where", "at"]


class DuijieError(Exception):
    """Base class of every error Duijie raises on purpose."""

    exit_code = 1

    def __init__(self, message: str | None = None, *, key: str | None = None,
                 params: dict[str, Any] | None = None, value: Any = None,
                 where: str | None = None, problems: list[str] | None = None):
        said = Said(key, **(params or {})) if key is not None else (
            message if isinstance(message, Said) else None)
        self.said = said
        self.key = said.key if said is not None else None
        self.params = said.params if said is not None else {}
        self.message = str(said) if said is not None else str(message or "")
        self.value = value
        self.where = where
        self.problems = list(problems or [])
        super().__init__(self._render())

    def worded(self, lang: str, surface: str | None = None) -> str | None:
        """The error in `lang` (`surface="cli"`: the command line's wording, where it
        has one), or None when some part of it has no key (an older refusal, a third
        party's message): it is then read as raised, in English.

        >>> NotFound(key="contacts.not_official", value="off:x",
        ...          where=at("where.official")).worded("zh")
        '联系干部：“off:x” 不是联系干部'
        >>> NotFound("gone", where="x").worded("zh") is None
        True
        """
        if self.said is None or (self.where and not isinstance(self.where, Where)) or not all(
                isinstance(p, Said) for p in self.problems):
            return None
        return refusal_line(self.said, self.value, self.where or None, self.problems, lang,
                            surface)

    def text(self, lang: str = "en", surface: str | None = None) -> str:
        """The error in `lang` when it is keyed, else as raised (`str()`)."""
        return self.worded(lang, surface) or str(self)

    def to_data(self) -> dict[str, Any] | None:
        """The keyed error as plain JSON data (for a page's address), or None."""
        if self.worded("en") is None:
            return None
        return {"said": self.said.to_data(), "value": _plain(self.value),  # type: ignore[union-attr]
                "where": self.where.to_data() if isinstance(self.where, Where) else [],
                "problems": [p.to_data() for p in self.problems]}  # type: ignore[attr-defined]

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


def _plain(value: Any) -> Any:
    if isinstance(value, list | tuple | set | frozenset):
        return [_plain(v) for v in value][:20]
    return value if isinstance(value, int | float | bool) or value is None else str(value)[:300]


class Refusal(Exception):
    """A keyed error read back from `DuijieError.to_data` (a page's address carries it
    across a redirect): worded again in the reader's language; bad data reads as None.

    >>> err = Conflict(key="challenges.stale_theme", value="theme:1", where=at("where.theme"))
    >>> Refusal.from_data(err.to_data()).text("en") == str(err)
    True
    >>> Refusal.from_data({"said": {"key": "no.such.key"}}) is None
    True
    """

    def __init__(self, said: Said, value: Any, where: Where | None, problems: list[Said]):
        self.said, self.value, self.where, self.problems = said, value, where, problems
        super().__init__(self.text("en"))

    @property
    def key(self) -> str:
        return self.said.key

    def text(self, lang: str = "en", surface: str | None = None) -> str:
        return refusal_line(self.said, self.value, self.where, self.problems, lang, surface)

    @classmethod
    def from_data(cls, data: Any) -> Refusal | None:
        try:
            value = data.get("value")
            if isinstance(value, dict):
                raise ValueError("not a value")
            return cls(Said.from_data(data.get("said")), value,
                       Where.from_data(data.get("where") or []) or None,
                       [Said.from_data(p) for p in (data.get("problems") or [])[:50]])
        except (ValueError, AttributeError, TypeError):
            return None


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
    >>> StaleRevision("off:x", expected=1, actual=2,
    ...               where=at("where.official_named", name="王")).text("zh")
    '联系干部 王：读取后已被他人修改（读取时第 1 版，现为第 2 版）：请重新读取后再试'
    """  # noqa: E501

    def __init__(self, node_id: str, *, expected: int, actual: int,
                 where: str | None = None):
        self.node_id, self.expected, self.actual = node_id, expected, actual
        if expected == 0:
            key, params = "stale.created", {"now": actual}
        elif actual == 0:
            key, params = "stale.deleted", {"was": expected}
        else:
            key, params = "stale.changed", {"was": expected, "now": actual}
        # a keyed place names the record (official 王) where a person reads it: no raw id
        super().__init__(key=key, params=params, where=where,
                         value=None if isinstance(where, Where) else node_id)


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
