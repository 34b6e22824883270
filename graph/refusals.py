"""What Duijie says when it refuses something, in Chinese and English: a message key with
its values, worded from `refusals.toml` where it is read (the CLI, the pages).

A `Said` is a str (its English text, so logs and `str(error)` read as before) that also
keeps its key and values; `Said.text("zh")` words it in Chinese. A `Where` does the same
for where a refusal happened: its parts, each keyed or literal (a file name), in order.

A few wordings name what to type on the command line (``--answer``); the CLI reads those
from the `cli` section (``cli.ledger.no_answer``) where it holds the key, and the pages
(and `str()`) the plain wording.

>>> said = Said("ledger.already_closed", day="2019-12-20")
>>> str(said), said.text("zh")
('was already closed on 2019-12-20', '已于 2019-12-20 销号')
>>> where = at("where.official_named", name="王").then("field.capacity")
>>> str(where), where.text("zh")
('official 王, capacity', '联系干部 王，可联系企业数')
>>> refusal_line(said, "need:1", where, [], "zh")
'联系干部 王，可联系企业数：“need:1” 已于 2019-12-20 销号'
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable, Mapping
from functools import cache
from importlib import resources
from typing import Any

LANGUAGES = ("zh", "en")
SHOWN_PROBLEMS = 20
_SHOWN_CHARACTERS = 80
_PLACEHOLDER = re.compile(r"\{(\w+)\}")


def _flat(table: Mapping[str, Any], prefix: str = "") -> dict[str, str]:
    out: dict[str, str] = {}
    for name, value in table.items():
        if isinstance(value, Mapping):
            out.update(_flat(value, f"{prefix}{name}."))
        else:
            out[f"{prefix}{name}"] = str(value)
    return out


@cache
def catalog() -> dict[str, dict[str, str]]:
    """The wordings: {"en": {"ledger.already_closed": …}, "zh": {…}} (sections flattened
    to dotted keys)."""
    text = resources.files("duijie.graph").joinpath("refusals.toml").read_text("utf-8")
    tables = tomllib.loads(text)
    return {lang: _flat(tables.get(lang, {})) for lang in LANGUAGES}


def placeholders(template: str) -> set[str]:
    """The values a wording needs.

    >>> sorted(placeholders("{name} has capacity {n}"))
    ['n', 'name']
    """
    return set(_PLACEHOLDER.findall(template))


def needed(key: str) -> set[str]:
    """The values a key's wordings need (the plain one's and the command line's).

    >>> sorted(needed("contacts.official_capacity"))
    ['id', 'n', 'name']
    """
    en = catalog()["en"]
    return placeholders(en[key]) | {name for surface in SURFACES
                                    for name in placeholders(en.get(f"{surface}.{key}", ""))}


def _lang(lang: str) -> str:
    return "zh" if lang == "zh" else "en"


SURFACES = ("cli",)  # a wording of its own for the command line, where it has one


def word(key: str, lang: str = "en", surface: str | None = None, **params: Any) -> str:
    """One wording filled in, its values worded in `lang` too (a `Said` by its key, a list
    joined the language's way); `surface="cli"` prefers the command line's wording.

    >>> word("field.capacity", "zh"), word("where.rule", "en", n=2)
    ('可联系企业数', 'rule 2')
    >>> word("ledger.no_answer", "zh"), word("ledger.no_answer", "zh", "cli")
    ('销号须有办理答复：请写明企业收到的答复', '销号须有办理答复：请用 --answer 写明企业收到的答复')
    """
    lang = _lang(lang)
    table = catalog()[lang]
    shown = {name: worded_value(value, lang, surface) for name, value in params.items()}
    template = table.get(f"{surface}.{key}") if surface else None
    return (template or table[key]).format(**shown)


def worded_value(value: Any, lang: str, surface: str | None = None) -> str:
    """A value inside a wording: a `Said` in `lang`, a list joined, anything else as is.

    >>> worded_value(["a", "b"], "zh"), worded_value(["a", "b"], "en")
    ('a、b', 'a, b')
    """
    if isinstance(value, Said):
        return value.text(lang, surface)
    if isinstance(value, list | tuple | set | frozenset):
        return catalog()[_lang(lang)]["list_separator"].join(
            worded_value(v, lang, surface) for v in value)
    return str(value)


def shown_value(value: Any, lang: str) -> str:
    """The value a refusal is about, quoted the language's way ('x' / “x”), cut when long.

    >>> shown_value("ent:x", "en"), shown_value("ent:x", "zh"), shown_value(["a", 3], "zh")
    ("'ent:x'", '“ent:x”', '“a”、3')
    """
    if lang != "zh":
        return repr(value)
    if isinstance(value, list | tuple | set | frozenset):
        return "、".join(shown_value(v, lang) for v in value)
    if isinstance(value, str):
        text = value if len(value) <= _SHOWN_CHARACTERS else value[:_SHOWN_CHARACTERS - 1] + "…"
        return f"“{text}”"
    return str(value)


class Said(str):
    """A text with its key and values: its English wording as a str, any language by
    `text(lang)`. The values may be `Said`s themselves (worded in the same language).

    >>> Said("field.capacity").text("zh")
    '可联系企业数'
    """

    key: str
    params: dict[str, Any]

    def __new__(cls, key: str, **params: Any) -> Said:
        self = super().__new__(cls, word(key, "en", **params))
        self.key, self.params = key, params
        return self

    def __reduce__(self):  # copies and pickles keep the key, not only the English
        return (_said, (self.key, self.params))

    def text(self, lang: str = "en", surface: str | None = None) -> str:
        return word(self.key, lang, surface, **self.params)

    def to_data(self) -> dict[str, Any]:
        """Plain JSON data: {"key": …, "params": {…}} (a `Said` value as its own data)."""
        return {"key": self.key, "params": {n: _data(v) for n, v in self.params.items()}}

    @classmethod
    def from_data(cls, data: Any) -> Said:
        """Back from `to_data`; a key not in the catalog, a missing value or a value of
        another shape is refused (ValueError): the data may come from a page's address.

        >>> Said.from_data({"key": "where.rule", "params": {"n": 2}}).text("zh")
        '第 2 条规则'
        """
        key = data.get("key") if isinstance(data, dict) else None
        if not isinstance(key, str) or key not in catalog()["en"] or key.startswith(
                tuple(f"{s}." for s in SURFACES)):
            raise ValueError("not a known refusal key")
        params = data.get("params") or {}
        if not isinstance(params, dict) or set(params) != needed(key):
            raise ValueError("the values do not fit the wording")
        return cls(key, **{n: _from_data(v) for n, v in params.items()})


def _said(key: str, params: dict[str, Any]) -> Said:
    return Said(key, **params)


def _data(value: Any) -> Any:
    if isinstance(value, Said):
        return value.to_data()
    if isinstance(value, list | tuple | set | frozenset):
        return [_data(v) for v in value]
    return value if isinstance(value, int | float | bool) or value is None else str(value)


def _from_data(value: Any) -> Any:
    if isinstance(value, dict):
        return Said.from_data(value)
    if isinstance(value, list):
        return [_from_data(v) for v in value]
    if isinstance(value, str | int | float | bool) or value is None:
        return value if not isinstance(value, str) else value[:300]
    raise ValueError("not a value a refusal holds")


class Where(str):
    """Where a refusal happened: parts in order, each a `Said` (worded in the reader's
    language) or a literal str shown as it is (a file name, an id).

    >>> w = Where(Said("where.routing_table"), "routing.toml")
    >>> str(w), w.text("zh")
    ('routing table, routing.toml', '分办规则，routing.toml')
    """

    parts: tuple[Said | str, ...]

    def __new__(cls, *parts: Said | str | Where) -> Where:
        flat: list[Said | str] = []
        for part in parts:
            if isinstance(part, Where):
                flat.extend(part.parts)
            elif part:
                flat.append(part)
        self = super().__new__(cls, ", ".join(flat))
        self.parts = tuple(flat)
        return self

    def __reduce__(self):
        return (_where, (self.parts,))

    def then(self, key: str, **params: Any) -> Where:
        """This place and one more keyed part after it."""
        return Where(self, Said(key, **params))

    def text(self, lang: str = "en", surface: str | None = None) -> str:
        sep = "，" if lang == "zh" else ", "
        return sep.join(p.text(lang, surface) if isinstance(p, Said) else p
                        for p in self.parts)

    def to_data(self) -> list[Any]:
        return [p.to_data() if isinstance(p, Said) else str(p) for p in self.parts]

    @classmethod
    def from_data(cls, data: Any) -> Where:
        if not isinstance(data, list):
            raise ValueError("not a place")
        return cls(*(Said.from_data(p) if isinstance(p, dict) else str(p)[:300]
                     for p in data[:10]))


def _where(parts: tuple[Any, ...]) -> Where:
    return Where(*parts)


NODE_KIND_WORDS = {  # a record's kind inside a refusal ("is a Meeting, not an Event")
    "Enterprise": "node_kinds.enterprise", "Need": "node_kinds.need",
    "Institute": "node_kinds.institute", "Expert": "node_kinds.expert",
    "Programme": "node_kinds.programme", "Event": "node_kinds.event",
    "Meeting": "node_kinds.meeting", "Outcome": "node_kinds.outcome",
    "Topic": "node_kinds.topic", "Industry": "node_kinds.industry",
    "Region": "node_kinds.region", "Official": "node_kinds.official",
    "Theme": "node_kinds.theme", "RoutingTable": "node_kinds.routing_table"}
ROLE_WORDS = {"organiser": "roles.organiser", "enterprise": "roles.enterprise",
              "expert": "roles.expert", "analyst": "roles.analyst"}


def kind_word(kind: str) -> Said | str:
    """A record's kind, worded in the reader's language (an unknown kind as it is).

    >>> kind_word("Meeting").text("zh"), kind_word("Meeting")
    ('会谈', 'Meeting')
    """
    return Said(NODE_KIND_WORDS[kind]) if kind in NODE_KIND_WORDS else kind


def role_word(role: str) -> Said | str:
    """An account's role, worded in the reader's language.

    >>> role_word("analyst").text("zh")
    '分析员'
    """
    return Said(ROLE_WORDS[role]) if role in ROLE_WORDS else role


def at(key: str, **params: Any) -> Where:
    """A place of one keyed part; `.then(…)` adds more.

    >>> at("where.problem_close").then("field.seen").text("zh")
    '问题（销号），企业知晓日期'
    """
    return Where(Said(key, **params))


def refusal_line(message: Said, value: Any, where: Where | None,
                 problems: Iterable[Said], lang: str, surface: str | None = None) -> str:
    """A refusal in `lang`: where, the value it is about, what is wrong, the problems
    below (at most 20, then how many more). English reads as `str()` of the error."""
    zh = lang == "zh"
    text = message.text(lang, surface)
    if value is not None:
        text = f"{shown_value(value, lang)} {text}"
    if where:
        text = f"{where.text(lang, surface)}{'：' if zh else ': '}{text}"
    problems = list(problems)
    if problems:
        shown = problems[:SHOWN_PROBLEMS]
        text += "\n  " + "\n  ".join(p.text(lang, surface) for p in shown)
        if len(problems) > SHOWN_PROBLEMS:
            text += "\n  " + word("more_problems", lang, count=len(problems) - SHOWN_PROBLEMS)
    return text
