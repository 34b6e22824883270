"""The CLI's error line in the language it speaks (Chinese by default, as its output).

Duijie's own refusals carry a message key and its values (`graph.errors`): the CLI
words them from the one catalog the pages read too (`graph/refusals.toml`, with the
command line's wording where it names an option). An import's problems are worded
from `graph/import_words.toml`, a mistyped command or option from the name and close
names it carries, and click's own refusals (its English, a third party's words) from
the `USAGE` patterns here. An error with no key is printed as raised, in English, so
no line mixes the two languages. ``DUIJIE_LANG=en`` keeps English.

>>> from duijie.graph.errors import InvalidInput, NotFound, at
>>> error_line(NotFound(key="contacts.not_official", value="off:x", where=at("where.official")))
'错误：联系干部：“off:x” 不是联系干部'
>>> error_line(InvalidInput(key="contacts.zero_capacity", params={"name": "王"},
...            where=at("where.official_named", name="王").then("field.capacity")))
'错误：联系干部 王，可联系企业数：王 的可联系企业数为 0：在岗干部至少联系 1 家企业，请设为 1 或更多'
>>> error_line(NotFound(key="contacts.not_official", value="off:x", where=at("where.official")),
...            "en")
"error: official: 'off:x' is not an official"
>>> error_line(InvalidInput("something new", where="official"))  # no key: as raised
'error: official: something new'
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence

import click

from duijie.api.cli.commands import UnknownCommand
from duijie.graph.errors import DuijieError
from duijie.graph.import_words import ImportFileError, ImportRefused, line

LANG_ENV = "DUIJIE_LANG"

USAGE: Sequence[tuple[str, str]] = (  # click's own refusals (its words, click 8)
    (r"Option '(?P<o>[^']+)' requires an argument\.", "选项 {o} 需要一个值"),
    (r"Missing argument '(?P<a>[^']+)'\.", "缺少参数 {a}"),
    (r"Missing option '(?P<o>[^']+)'\.", "缺少选项 {o}"),
    (r"Got unexpected extra arguments? \((?P<a>.+)\)", "多余的参数：{a}"),
    (r"Invalid value for '(?P<o>[^']+)': (?P<v>.+) is not one of (?P<c>.+)\.",
     "{o} 的值 {v} 无效，可选：{c}"),
    (r"Invalid value for '(?P<o>[^']+)': (?P<v>.+) is not in the range (?P<r>.+)\.",
     "{o} 的值 {v} 超出范围 {r}"),
    (r"Invalid value for '(?P<o>[^']+)': (?P<v>.+) is not a valid (?:integer|float)(?: range)?\.",
     "{o} 的值 {v} 不是数字"),
    (r"Invalid value for '(?P<o>[^']+)': (?P<v>.+) is not a valid date\.?",
     "{o} 的值 {v} 不是日期"),
    (r"Invalid value for '(?P<o>[^']+)': (?:File|Path) (?P<v>.+) does not exist\.",
     "{o}：文件 {v} 不存在"),
)


def usage_line(error: click.ClickException, lang: str | None = None) -> str | None:
    """Click's refusal of a command line (a missing argument, a value out of range) in
    Chinese with the command's usage, or None to let click show its own (English; or
    in English mode).

    >>> usage_line(click.UsageError("Missing argument 'FIRM_ID'."))
    '错误：缺少参数 FIRM_ID'
    """
    if (lang or os.environ.get(LANG_ENV, "zh")) == "en":
        return None
    words = _unknown_name(error) or _translated(error.format_message(), USAGE)
    if words is None:
        return None
    context = getattr(error, "ctx", None)
    if context is None:
        return f"错误：{words}"
    return (f"用法：{context.get_usage().removeprefix('Usage: ')}\n"
            f"（{context.command_path} --help 列出全部选项）\n错误：{words}")


def _unknown_name(error: click.ClickException) -> str | None:
    """A mistyped command or option, from what the error carries (its name and the
    close ones), never from its English words.

    >>> _unknown_name(click.NoSuchOption("--stat", possibilities=["--state", "--today"]))
    '没有选项 --stat，您是不是要用 --state 或 --today？'
    """
    if isinstance(error, UnknownCommand):
        said, name, close = "没有命令", error.name, error.possibilities
    elif isinstance(error, click.NoSuchOption):
        said, name, close = "没有选项", error.option_name, sorted(error.possibilities or [])
    else:
        return None
    return f"{said} {name}" + (f"，您是不是要用 {' 或 '.join(close)}？" if close else "")


def _fill(template: str, match: re.Match[str]) -> str:
    return template.format(match.group(0), **match.groupdict())


def _translated(text: str, table: Sequence[tuple[str, str]]) -> str | None:
    for pattern, template in table:
        match = re.fullmatch(pattern, text, flags=re.DOTALL)
        if match:
            return _fill(template, match)
    return None


def error_line(error: DuijieError, lang: str | None = None) -> str:
    """What the CLI prints for `error`: Chinese unless `lang` (default ``$DUIJIE_LANG``)
    is ``en`` or the error carries no message key."""
    lang = lang or os.environ.get(LANG_ENV, "zh")
    if isinstance(error, ImportRefused):  # its problems carry keys: worded in `lang`
        lines = error.lines("en" if lang == "en" else "zh")  # every one, as the CLI lists
        return ("error: " if lang == "en" else "错误：") + "\n  ".join(lines)
    if isinstance(error, ImportFileError):
        return ("error: " if lang == "en" else "错误：") + line(error.issue, lang)
    worded = error.worded("en" if lang == "en" else "zh", "cli")  # a keyed refusal
    if worded is not None:
        return ("error: " if lang == "en" else "错误：") + worded
    return f"error: {error}"
