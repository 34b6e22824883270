"""The office's commands (problem, challenges, map, firm, push, programme-status,
official, contact) answer bad input in one language: Chinese, as their output, through
the real CLI on a seeded SQLite file; `DUIJIE_LANG=en` answers in English."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from tests.api.test_cli import run, seeded_by_cli

# What a Chinese line may still hold in Latin letters: the ids and values the user
# typed, option names, option values to type, date and file formats, click's usage.
ALLOWED = re.compile(
    r"(?:ent|need|prog|off|mtg|evt|theme):[\w.-]+|--[\w-]+|YYYY-MM-DD|TOML|OPTIONS|ARGS|"
    r"COMMAND|FIRM_ID|TITLE|NEED_ID|PROGRAMME_ID|OFFICIAL|FIRM|THEME|duijie(?: [a-z-]+)*|"
    r"problem|policy|financing|talent|technology|unassigned|assigned|in_progress|answered|"
    r"closed|applied|holds|none|x>=\d|\d<=x<=\d|\S+\.toml")

BAD_INPUT = [  # (arguments, exit code)
    (("problem", "add", "ent:nope", "贷款难", "--type", "financing"), 3),
    (("problem", "add", "ent:ailaiyi", "贷款难", "--opened", "2024-13-01"), 2),
    (("problem", "add", "ent:ailaiyi", "贷款难", "--type", "foo"), 2),
    (("problem", "add", "ent:ailaiyi"), 2),
    (("problem", "close", "need:nope", "--answer", "已答复", "--seen", "2019-12-20"), 3),
    (("problem", "list", "--state", "foo"), 2),
    (("problem", "list", "--bogus"), 2),
    (("problem", "routing", "--set", "missing.toml"), 2),
    (("challenges", "--region", "火星"), 3),
    (("map",), 2),
    (("map", "--industry", "火星"), 3),
    (("map", "--region", "拉萨", "--strong", "2"), 2),
    (("push", "prog:nope"), 3),
    (("firm", "ent:nope"), 3),
    (("programme-status", "ent:ailaiyi", "prog:high-tech-enterprise", "applied", "--on",
      "2019-02-30"), 2),
    (("official", "add", "休假", "--department", "综合处", "--capacity", "0"), 2),
    (("official", "edit", "off:nope", "--capacity", "3"), 3),
    (("contact", "plan"), 2),
    (("contact", "record", "off:nope", "ent:ailaiyi"), 3),
    (("contact", "duty", "--official", "off:nope"), 3),
]


@pytest.fixture(scope="module")
def seeded(tmp_path_factory) -> Path:
    return seeded_by_cli(tmp_path_factory.mktemp("cli_language"))


def english_words(text: str) -> list[str]:
    """Latin words of three letters or more left once what may stay is taken out.

    >>> english_words("错误：企业：“ent:nope” 不是您可以打开的企业")
    []
    >>> english_words("error: firm: 'ent:nope' is not a firm")
    ['error', 'firm', 'not', 'firm']
    """
    return re.findall(r"[A-Za-z]{3,}", ALLOWED.sub(" ", text))


@pytest.mark.parametrize(("args", "code"), BAD_INPUT, ids=lambda a: " ".join(a)
                         if isinstance(a, tuple) else str(a))
def test_bad_input_is_answered_in_chinese(seeded: Path, args: tuple[str, ...],
                                          code: int) -> None:
    done = run(*args, db=seeded)
    assert done.returncode == code, done.stderr
    assert "错误：" in done.stderr and "Traceback" not in done.stderr, done.stderr
    said = done.stderr
    for typed in args:  # the user's own words may be quoted back
        said = said.replace(typed, " ")
    assert english_words(said) == [], done.stderr


def test_english_on_request(seeded: Path) -> None:
    done = run("map", "--industry", "火星", db=seeded, env={**os.environ, "DUIJIE_LANG": "en"})
    assert done.returncode == 3
    assert done.stderr.strip() == "error: industry: '火星' has no firms in the graph"
