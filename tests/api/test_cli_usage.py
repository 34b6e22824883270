"""A mistyped command or option is answered with the close ones, in the CLI's language:
"您是不是要用 …" in Chinese (the default), "Did you mean …" with DUIJIE_LANG=en. The real
CLI in a subprocess, on a real (empty) SQLite file."""

from __future__ import annotations

import os
from pathlib import Path

import click
import pytest

from duijie.api.cli import cli
from duijie.api.cli.commands import SuggestingGroup
from tests.api.test_cli import all_commands, run

MISTYPED = [  # (arguments, the Chinese error line, the English one)
    (("problm", "list"), "错误：没有命令 problm，您是不是要用 problem？",
     "Error: No such command 'problm'. Did you mean 'problem'?"),
    (("problem", "lst"), "错误：没有命令 lst，您是不是要用 list？",
     "Error: No such command 'lst'. Did you mean 'list'?"),
    (("problem", "list", "--stat"), "错误：没有选项 --stat，您是不是要用 --state 或 --today？",
     "Error: No such option '--stat'. (Did you mean one of: '--state', '--today'?)"),
    (("contact", "plna"), "错误：没有命令 plna，您是不是要用 plan？",
     "Error: No such command 'plna'. Did you mean 'plan'?"),
    (("chalenges",), "错误：没有命令 chalenges，您是不是要用 challenges？",
     "Error: No such command 'chalenges'. Did you mean 'challenges'?"),
    (("xyzzy",), "错误：没有命令 xyzzy", "Error: No such command 'xyzzy'."),
]


@pytest.mark.parametrize(("args", "chinese", "english"), MISTYPED,
                         ids=[" ".join(m[0]) for m in MISTYPED])
def test_a_mistyped_name_is_answered_with_the_close_ones(tmp_path: Path, args, chinese,
                                                         english) -> None:
    db = tmp_path / "empty.db"
    zh = run(*args, db=db)
    assert zh.returncode == 2 and zh.stdout == ""
    lines = zh.stderr.splitlines()
    assert lines[0].startswith("用法：duijie") and lines[-1] == chinese, zh.stderr
    en = run(*args, db=db, env={**os.environ, "DUIJIE_LANG": "en"})
    assert en.returncode == 2 and en.stderr.splitlines()[-1] == english, en.stderr


def test_every_group_of_the_cli_suggests() -> None:
    groups = [cli] + [c for _, c in all_commands(cli) if isinstance(c, click.Group)]
    assert len(groups) > 5
    for group in groups:
        assert isinstance(group, SuggestingGroup), group.name
