"""Use cases: what the product does, for the command line and the web alike.

Each use case takes a store and plain arguments and returns a result whose
`to_dict()` is the documented JSON shape (the CLI's `--json` prints it, the web
returns it). Results hold ids *and* names; no key comes and goes, no display string
is a key. Rules (which record planning ignores, what a re-plan keeps) live here or
below, never in `api/cli/` or `api/web/`.

>>> from dataclasses import dataclass
>>> @dataclass
... class Counted(Result):
...     kinds: dict[str, int]
...     when: tuple[str, ...] = ()
>>> Counted({"Need": 2}, ("2019-05-23",)).to_dict()
{'kinds': {'Need': 2}, 'when': ['2019-05-23']}
"""

from __future__ import annotations

import dataclasses
from datetime import date, datetime
from enum import Enum
from typing import Any

_AS_IS = frozenset({str, int, float, bool, type(None)})
"""Types `plain` returns unchanged (exactly these: an enum deriving str is converted)."""


def plain(value: Any) -> Any:
    """A value as JSON holds it: dataclasses and objects with `to_dict` as dicts, tuples
    and sets as lists (sets sorted), enums as their value, dates as ISO text.

    >>> plain({"at": date(2019, 5, 23), "ids": {"b", "a"}})
    {'at': '2019-05-23', 'ids': ['a', 'b']}
    """
    kind = type(value)
    if kind in _AS_IS:  # most values of a big result: no attribute lookups for them
        return value
    if kind is dict and all(type(k) is str for k in value):
        return {k: v if type(v) in _AS_IS else plain(v) for k, v in value.items()}
    if kind is list:
        return [v if type(v) in _AS_IS else plain(v) for v in value]
    if hasattr(value, "to_dict") and not isinstance(value, type):
        return value.to_dict()
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(plain(k)) if not isinstance(k, str) else k: plain(v)
                for k, v in value.items()}
    if isinstance(value, set | frozenset):
        return sorted(plain(v) for v in value)
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    return value


class Result:
    """Base of use-case results (dataclasses): `to_dict()` gives their JSON shape."""

    def to_dict(self) -> dict[str, Any]:
        return {f.name: plain(getattr(self, f.name))
                for f in dataclasses.fields(self)}  # type: ignore[arg-type]
