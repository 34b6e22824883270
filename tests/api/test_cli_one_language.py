"""The CLI's human output in one language on a seeded SQLite file, through the real CLI:
Chinese by default, English with DUIJIE_LANG=en; names (with the [id] to type), statuses
in words, and columns that line up whatever the language of a cell."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest

from duijie.api.cli.words import width
from tests.api.test_cli import run, seeded_by_cli

XIAN = "evt:xian-docking-2019-05"


@pytest.fixture(scope="module")
def seeded(tmp_path_factory) -> Path:
    return seeded_by_cli(tmp_path_factory.mktemp("one_language"))


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


def chinese_only(text: str, *typed: str) -> list[str]:
    """Latin words of a Chinese answer once the ids and values the user typed, [ids],
    (mtg:…) ids and dates are taken out."""
    for value in typed:
        text = text.replace(value, " ")
    return latin_words(re.sub(r"\(?mtg:\w+\)?|T\d+", " ", text))


def test_an_event_from_creation_to_follow_up_speaks_chinese(seeded: Path) -> None:
    firm, expert, evt = "ent:ailaiyi", "exp:xian-han-zhenyu", "evt:one-language"
    steps = [("event", "create", "语言测试对接会", "--id", evt, "--days", "2019-05-23",
              "--tables", "2"),
             ("event", "invite", evt, firm, expert),
             ("event", "rule", evt, "pin", firm, expert),
             ("event", "plan", evt, "--simple-scores"),
             ("event", "schedule", evt, "--publish")]
    said = {}
    for args in steps:
        done = run(*args, db=seeded)
        assert done.returncode == 0, (args, done.stderr)
        said[args[1]] = done.stdout
        assert chinese_only(done.stdout, *args) == [], (args, done.stdout)
    assert said["create"].startswith(f"已创建 {evt}：6 个时段，2 张洽谈桌")
    assert f"已加入 艾莱依集团 [{firm}]（企业）" in said["invite"]
    assert said["rule"].startswith("已记录 锁定（")
    assert "[锁定]" in said["plan"]
    assert "已排入 1 场，未排入 0 场，空档 0 个，已发布 1 场" in said["schedule"]
    meeting = re.search(r"mtg:\w+", said["schedule"]).group()
    for args in [("event", "followups", "--add", meeting, "--action", "寄送样品", "--owner",
                  "张三", "--due", "2019-06-30"),
                 ("event", "followups", "--event", evt, "--today", "2019-07-10"),
                 ("event", "outcome", meeting, "--held", "--rating-need", "5")]:
        done = run(*args, db=seeded)
        assert done.returncode == 0, (args, done.stderr)
        assert chinese_only(done.stdout, *args) == [], (args, done.stdout)
        said[args[-1]] = done.stdout
    assert "2019-06-30（逾期 10 天） 张三" in said["2019-07-10"]
    assert said["5"].startswith(f"已记录会谈 {meeting} 的结果（会后）")
    english = in_english("event", "followups", "--event", evt, "--today", "2019-07-10",
                         db=seeded)
    assert "2019-06-30 (10 days) 张三" in english.stdout and "逾期" not in english.stdout


def test_init_and_stats_speak_chinese_and_english_on_request(seeded: Path,
                                                             tmp_path: Path) -> None:
    done = run("stats", db=seeded)
    assert done.returncode == 0, done.stderr
    assert latin_words(done.stdout) == [], done.stdout
    lines = done.stdout.splitlines()
    assert re.fullmatch(r"节点 +\d+", lines[0]) and "  企业" in done.stdout
    assert "  隶属" in done.stdout and "  提交" in done.stdout
    assert len({width(line) for line in lines}) == 1, done.stdout  # counts end in one column
    english = in_english("stats", db=seeded).stdout
    assert english.startswith("nodes") and "  Enterprise" in english and "企业" not in english
    made = run("init", db=tmp_path / "new.db")
    assert made.stdout.startswith("数据库已就绪：") and "new.db" in made.stdout


def test_resolve_and_review_speak_chinese(seeded: Path, tmp_path: Path) -> None:
    found = run("resolve", "大立科技", db=seeded)
    assert found.returncode == 0, found.stderr
    assert found.stdout.startswith("同一机构   1.00  浙江大立科技 [ent:dali-technology]")
    assert "核心名称相同：大立科技" in found.stdout
    assert latin_words(found.stdout) == [], found.stdout
    english = in_english("resolve", "大立科技", db=seeded).stdout
    assert english.startswith("same ") and "same core name: 大立科技" in english

    db, table = tmp_path / "review.db", tmp_path / "firms.csv"
    shutil.copy(seeded, db)
    table.write_text("企业名称\n示例德清网联\n", encoding="utf-8")  # only the name agrees
    assert run("import", "企业", str(table), db=db).returncode == 0
    listed = run("review", "list", db=db)
    assert listed.returncode == 0, listed.stderr
    assert "待核对" in listed.stdout and "示例德清网联 [" in listed.stdout
    assert "只有名称相符，需要人工确认" in listed.stdout
    assert latin_words(re.sub(r"rev:\w+", " ", listed.stdout)) == [], listed.stdout
    assert run("review", "list", "--status", "rejected", db=db).stdout.strip() == "非同一机构：0"
