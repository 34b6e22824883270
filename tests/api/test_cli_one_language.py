"""The CLI's human output in one language on a seeded SQLite file, through the real CLI:
Chinese by default, English with DUIJIE_LANG=en; names (with the [id] to type), statuses
in words, and columns that line up whatever the language of a cell."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from duijie.api.cli.words import width
from duijie.graph.sqlite_store import SqliteStore
from tests.api.test_cli import run

XIAN = "evt:xian-docking-2019-05"


@pytest.fixture(scope="module")
def seeded(tmp_path_factory) -> Path:
    db = tmp_path_factory.mktemp("one_language") / "seed.db"
    SqliteStore(db).close()
    assert run("seed", db=db).returncode == 0
    return db


def in_english(*args: str, db: Path):
    return run(*args, db=db, env={**os.environ, "DUIJIE_LANG": "en"})


def latin_words(text: str) -> list[str]:
    """Latin words of 3+ letters outside the [ids] a user types back.

    >>> latin_words("2019-05-23  已举办  11  赴西安对接 [evt:xian-docking-2019-05]")
    []
    >>> latin_words("held   11 firms (record)")
    ['held', 'firms', 'record']
    """
    return re.findall(r"[A-Za-z]{3,}", re.sub(r"\[[a-z]+:[^\]]+\]", " ", text))


def test_event_list_is_chinese_with_names_and_aligned_columns(seeded: Path) -> None:
    done = run("event", "list", db=seeded)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].split() == ["日期", "状态", "记录企业", "参与方", "会谈", "活动"]
    xian = next(line for line in lines if XIAN in line)
    assert xian.startswith("2019-05-23  已举办") and "赴西安精准对接“三服务”活动" in xian
    assert re.search(r"\s11\s+0\s+0\s", xian)  # the 11 firms on record
    assert any(line.startswith("日期未定") for line in lines)  # an undated event says so
    labels = re.sub(r"“[^”]*”|\S*\d{4}\S*", " ", done.stdout)  # names may hold Latin
    assert latin_words(labels) == [], done.stdout
    # every row's numbers and names start in the same column, dated or not
    starts = {width(re.match(r".*?\d+ +\d+ +\d+  ", line).group()) for line in lines[1:]}
    assert starts == {width(lines[0][:lines[0].index("活动")])}, done.stdout

def test_event_list_in_english_has_no_chinese_labels(seeded: Path) -> None:
    done = in_english("event", "list", db=seeded)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].split()[:5] == ["date", "status", "firms", "people", "meetings"]
    xian = next(line for line in lines if XIAN in line)
    assert xian.startswith("2019-05-23  held")
    assert any(line.startswith("no date") for line in lines)
    assert "已举办" not in done.stdout and "日期未定" not in done.stdout
