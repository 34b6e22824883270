"""What an import problem says, in the user's language: a key with values, worded from
`import_words.toml` (English and Chinese) when it is shown.

An `ImportIssue` is a str (its English line, so logs and older callers read it as
before) that also keeps its file, row, field (the header as the file spells it), key
and values; `line(issue, "zh")` words it in Chinese. The schema's (pydantic's) errors
become issues by their type (`schema_issue`), never by their English message.

>>> issue = ImportIssue("not_number", "firms.csv", row=3, field="营业收入", cell="abc")
>>> str(issue)
"firms.csv, row 3, field 营业收入: 'abc' is not a number"
>>> line(issue, "zh")
'firms.csv，第 3 行，字段 营业收入：“abc” 不是数字'
>>> line(ImportIssue("header_missing", "a.csv", column="企业名称/name"), "zh")
'a.csv，表头：缺少必填列 企业名称/name'
"""

from __future__ import annotations

import tomllib
from functools import cache
from importlib import resources
from typing import Any

from duijie.graph.errors import InvalidInput

LANGUAGES = ("zh", "en")
QUOTED = frozenset({"cell", "column_name", "first_header"})  # values quoted as a user typed them
_SHOWN_CHARACTERS = 60


@cache
def words() -> dict[str, dict[str, str]]:
    """The templates: {"en": {key: text}, "zh": {key: text}}."""
    text = resources.files("duijie.graph").joinpath("import_words.toml").read_text("utf-8")
    return tomllib.loads(text)


def word(key: str, lang: str = "en", **values: Any) -> str:
    """One template filled in (`lang` other than zh reads English).

    >>> word("identity_name", "zh"), word("kind_Need", "en")
    ('名称', 'Need')
    """
    table = words()["zh" if lang == "zh" else "en"]
    return table[key].format(**values)


def quoted(value: Any, lang: str) -> str:
    """A value as the user typed it, quoted the language's way and cut when long.

    >>> quoted("-5", "en"), quoted("-5", "zh"), quoted(3, "zh")
    ("'-5'", '“-5”', '3')
    """
    if lang == "zh":
        text = str(value)
        if len(text) > _SHOWN_CHARACTERS:
            text = text[:_SHOWN_CHARACTERS - 3] + "…"
        return f"“{text}”" if isinstance(value, str) else text
    text = repr(value)
    return text if len(text) <= _SHOWN_CHARACTERS else text[:_SHOWN_CHARACTERS - 3] + "…'"


class CellError(ValueError):
    """A cell or value that breaks a rule, with the key of what it says (raised inside the
    schema's validators and by the cell converters)."""

    def __init__(self, key: str, **values: Any):
        self.key, self.values = key, values
        super().__init__(word(key, "en", **{"cell": "", **values}).strip())


class ImportIssue(str):
    """One problem of an imported file: its English line, plus where it is and what it
    says as a key with values. A `header_…` key is a problem of the header row."""

    file: str
    row: int | None
    field: str | None
    key: str
    values: dict[str, Any]
    header: bool

    def __new__(cls, key: str, file: str, *, row: int | None = None,
                field: str | None = None, **values: Any) -> ImportIssue:
        header = key.startswith("header_")
        self = super().__new__(cls, _line(key, values, file, row, field, header, "en"))
        self.key, self.file, self.row, self.field = key, file, row, field
        self.header, self.values = header, values
        return self

    def __reduce__(self):  # copies and pickles keep the key, not only the text
        return (_rebuilt, (self.key, self.file, self.row, self.field, self.values))

    def message(self, lang: str = "en") -> str:
        """What is wrong, without where.

        >>> ImportIssue("required", "a.csv", row=2, field="名称").message("zh")
        '必填，但为空'
        """
        return _message(self.key, self.values, lang)


def _rebuilt(key, file, row, field, values) -> ImportIssue:
    return ImportIssue(key, file, row=row, field=field, **values)


def _message(key: str, values: dict[str, Any], lang: str) -> str:
    shown = {name: quoted(value, lang) if name in QUOTED else _worded(value, lang)
             for name, value in values.items()}
    return word(key, lang, **shown)


def _worded(value: Any, lang: str) -> Any:
    """A value that is itself a key ({"key": …, …}) or a list, in `lang`."""
    if isinstance(value, dict) and "key" in value:
        return _message(value["key"], {k: v for k, v in value.items() if k != "key"}, lang)
    if isinstance(value, list | tuple):
        return word("list_separator", lang).join(str(_worded(v, lang)) for v in value)
    return value


def _line(key: str, values: dict[str, Any], file: str, row: int | None, field: str | None,
          header: bool, lang: str) -> str:
    message = _message(key, values, lang)
    if header:
        return word("at_header", lang, file=file, message=message)
    if row is None:
        return word("at_file", lang, file=file, message=message)
    if field is None:
        return word("at_row", lang, file=file, row=row, message=message)
    return word("at_field", lang, file=file, row=row, field=field, message=message)


def line(problem: str, lang: str = "en") -> str:
    """A problem line in `lang`: an `ImportIssue` worded again, any other text as it is."""
    if isinstance(problem, ImportIssue):
        return _line(problem.key, problem.values, problem.file, problem.row, problem.field,
                     problem.header, lang)
    return problem


class ImportRefused(InvalidInput):
    """A file refused whole, with every `ImportIssue` found (nothing was written).

    >>> err = ImportRefused("a.csv", [ImportIssue("required", "a.csv", row=2, field="名称")])
    >>> str(err)
    'a.csv: nothing was imported: 1 problem(s)\\n  a.csv, row 2, field 名称: is required but empty'
    """

    def __init__(self, file: str, problems: list[str]):
        self.file = file
        super().__init__(word("file_problems", "en", count=len(problems)), where=file,
                         problems=problems)

    def lines(self, lang: str) -> list[str]:
        """The heading and each problem in `lang`."""
        heading = word("at_file", lang, file=self.file,
                       message=word("file_problems", lang, count=len(self.problems)))
        return [heading, *(line(p, lang) for p in self.problems)]


# -- the schema's errors (pydantic's types) -------------------------------------------

_LIMITS = {"greater_than_equal": ("at_least", "ge"), "greater_than": ("more_than", "gt"),
           "less_than_equal": ("at_most", "le"), "less_than": ("less_than", "lt"),
           "string_too_long": ("too_long", "max_length"), "too_long": ("too_many", "max_length")}
_SHAPES = {"int_parsing": "not_number", "int_type": "not_number", "float_parsing": "not_number",
           "float_type": "not_number", "int_from_float": "not_whole_number",
           "bool_parsing": "not_yes_no", "bool_type": "not_yes_no",
           "date_parsing": "not_date", "date_type": "not_date",
           "date_from_datetime_parsing": "not_date", "missing": "required",
           "string_too_short": "too_short", "too_short": "too_short"}


def schema_issue(error: dict[str, Any], file: str, row: int | None, field: str | None,
                 cell: Any, *, date_field: bool = False,
                 choices: list[str] | None = None) -> ImportIssue:
    """One pydantic error of a row's record as an issue: its type picks the key, its
    context the values; `cell` is the value as the file holds it, `choices` the words a
    literal field accepts.

    >>> err = {"type": "greater_than_equal", "ctx": {"ge": 0}, "input": -5.0}
    >>> print(line(schema_issue(err, "a.csv", 4, "营业收入", "-5"), "zh"))
    a.csv，第 4 行，字段 营业收入：“-5” 不能小于 0
    """
    kind, context = error.get("type", ""), error.get("ctx") or {}
    place = {"row": row, "field": field}
    if kind in _LIMITS:
        key, name = _LIMITS[kind]
        limit = context.get(name)
        if isinstance(limit, float) and limit.is_integer():
            limit = int(limit)  # 0, not 0.0
        return ImportIssue(key, file, **place, cell=cell, limit=limit)
    if kind in ("literal_error", "enum"):
        expected = choices or [c.strip(" '") for c in str(context.get("expected", ""))
                               .replace(" or ", ",").split(",") if c.strip(" '")]
        return ImportIssue("one_of", file, **place, cell=cell, choices=expected)
    if kind == "string_pattern_mismatch" and date_field:
        return ImportIssue("not_date", file, **place, cell=cell)
    if kind == "value_error" and isinstance(context.get("error"), CellError):
        said = context["error"]
        return ImportIssue(said.key, file, **place, **{"cell": cell, **said.values})
    if kind in _SHAPES:
        key = _SHAPES[kind]
        return ImportIssue(key, file, **place, **({} if key == "required" else {"cell": cell}))
    if kind.endswith("_type"):
        return ImportIssue("wrong_shape", file, **place, cell=cell,
                           expected=kind.removesuffix("_type"))
    return ImportIssue("not_valid", file, **place, cell=cell)


class ImportFileError(InvalidInput):
    """A file that cannot be read as a table at all (empty, not a workbook, too large):
    one `ImportIssue`, worded in the user's language where it is shown.

    >>> err = ImportFileError(ImportIssue("file_empty", "a.csv"))
    >>> str(err), line(err.issue, "zh")
    ('a.csv: is empty: there is no header row', 'a.csv：是空文件：没有表头行')
    """

    def __init__(self, issue: ImportIssue, value: Any = None, where: str | None = None):
        self.issue = issue
        where = where or (issue.file if issue.row is None else f"{issue.file}, row {issue.row}")
        super().__init__(issue.message("en"), where=where)
        self.value = value  # kept for callers; the message already shows it
