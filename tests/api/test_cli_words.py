"""Every read command's human output in one language, through the real CLI on a SQLite file
the demo seeded and planned: Chinese by default (no English word but the ids, values and
file names a user types, and what the data's own names hold), English with
DUIJIE_LANG=en (no Chinese but the data's names and the 示意 mark)."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.api.test_cli import run

# Technical terms a Chinese line may keep (no Chinese word is used for them).
TERMS = {"Louvain", "NDCG", "MRR", "AUC", "Ctrl", "JSON", "CSV", "XLSX", "PageRank"}
TYPED = re.compile(  # what a user types back, or reads as a file or address
    r"\[[^\]\s]+\]|\((?:[a-z]+:[^\s)]+)\)|\b[a-z]+:[\w.:/-]+|\w+://\S+|/\S+|"
    r"\S+\.(?:db|jsonl|html|xlsx|csv|ics|npz|toml)\b|bash scripts/\S+|--[\w-]+|"
    r"duijie(?: [a-z-]+)*")
CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef“”·—…]+")


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> tuple[Path, str]:
    """The demo's store (seeded, the Xi'an trip planned), and every text its data holds."""
    folder = tmp_path_factory.mktemp("cli_words")
    db = folder / "demo.db"
    done = run("demo", "--no-serve", db=db)
    assert done.returncode == 0, done.stderr
    exported = run("export", "-", db=db)
    data = []
    for line in exported.stdout.splitlines():
        record = json.loads(line)
        data += [v for v in _strings(record)]
    routing = (Path(__file__).resolve().parents[2] / "matcher" / "config" /
               "problem_routing.toml")  # the packaged departments, when none is stored
    return db, "\n".join([*data, routing.read_text("utf-8")])


def _strings(value: object):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from _strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from _strings(v)


def english_words(text: str, data: str) -> list[str]:
    """Latin words of a Chinese answer that are not typed back, a term, or the data's own.

    >>> english_words("已导出 3 个节点到 a.jsonl [ent:x] (need:y) duijie review list", "")
    []
    >>> english_words("得分 0.40  hybrid #1  POCT试纸", "POCT试纸条")
    ['hybrid']
    """
    left, data = TYPED.sub(" ", text), data.lower()  # a theme's terms are lower case
    return [w for w in re.findall(r"[A-Za-z]{3,}", left)
            if w not in TERMS and w.lower() not in data]


def chinese_words(text: str, data: str) -> list[str]:
    """Chinese runs of an English answer that are not the data's own (names, quotes) or
    the 示意 mark.

    >>> chinese_words("Recommendations: 红外降噪 [need:1]  score 0.9", "红外降噪需求")
    []
    >>> chinese_words("推荐结果：红外降噪（示意）", "红外降噪")
    ['推荐结果']
    """
    pieces = (p for run in CJK.findall(TYPED.sub(" ", text))
              for p in re.split(r"[（）()、，：；“”·—…\s]+|示意", run))
    return [p for p in pieces if p and p not in data]


def english(*args: str, db: Path):
    return run(*args, db=db, env={**os.environ, "DUIJIE_LANG": "en"})


READS = [  # arguments of each read command walked
    ("stats",),
    ("event", "list"),
    ("event", "replay", "evt:xian-docking-2019-05"),
    ("recommend", "need:xian-dali-technology", "--k", "3"),
    ("recommend", "--text", "需要提升红外探测器的灵敏度", "--kind", "institute", "--k", "3"),
    ("recommend", "need:xian-dali-technology", "--region", "西安", "--k", "30"),
    ("recommend-for", "exp:xian-han-zhenyu", "--k", "3"),
    ("recommend-for", "prog:high-tech-enterprise", "--kind", "enterprise", "--k", "2"),
    ("resolve", "恒峰工具", "--region", "嘉兴"),
    ("review", "list", "--status", "all"),
    ("evaluate", "rerank", "need:xian-dali-technology", "--kind", "institute", "-k", "3"),
    ("report", "evt:xian-docking-2019-05"),
    ("demo", "--no-serve"),
    ("seed",),
    ("map", "--industry", "电机电器"),
    ("firm", "ent:dali-technology"),
    ("push", "prog:example-equipment-first-use"),
    ("problem", "list"),
    ("problem", "routing"),
    ("challenges",),
    ("official", "list"),
    ("contact", "duty"),
]


def _id(args: tuple[str, ...]) -> str:
    return " ".join(args)


@pytest.mark.parametrize("language", ["zh", "en"])
@pytest.mark.parametrize("args", READS, ids=_id)
def test_a_read_command_answers_in_one_language(demo, args: tuple[str, ...],
                                                language: str) -> None:
    """Chinese by default: no English word but what the data holds; English on request
    (DUIJIE_LANG=en): no Chinese but the data's names."""
    db, data = demo
    done = (run if language == "zh" else english)(*args, db=db)
    assert done.returncode == 0, done.stderr
    said = done.stdout + done.stderr
    for typed in args:
        said = said.replace(typed, " ")
    stray = english_words if language == "zh" else chinese_words
    assert stray(said, data) == [], said


def test_seed_and_demo_say_each_line_once_in_one_language(demo) -> None:
    db, _ = demo
    seeded = run("seed", db=db).stdout
    assert seeded.startswith("种子数据已载入：") and "nodes" not in seeded
    assert "\n  企业 " in seeded and "Enterprise" not in seeded
    shown = run("demo", "--no-serve", db=db).stdout
    assert "  浙江企业（11）：浙江大立科技、" in shown and "firms (" not in shown
    assert "示意签约（5；记录未载明哪家企业与谁达成合作）：" in shown
    assert "\n西安精准对接方案\n" in shown and "plan for" not in shown
    en = english("demo", "--no-serve", db=db).stdout
    assert "  Zhejiang firms (11): 浙江大立科技, " in en and "浙江企业（" not in en
    assert "赴西安精准对接“三服务”活动 (西安): firms 11, cooperation reached 8" in en
    assert "invite 12 experts/institutes (covering need weight" in en


def test_user_add_and_list_name_the_role_and_the_firm(demo, tmp_path: Path) -> None:
    db = tmp_path / "users.db"
    shutil.copy(demo[0], db)
    made = subprocess.run([sys.executable, "-m", "duijie.api.cli", "--db", str(db), "user",
                           "add", "dali", "--role", "enterprise", "--party",
                           "ent:dali-technology", "--password-stdin"],
                          input="a long secret 123\n", capture_output=True, text=True,
                          timeout=120)
    assert made.returncode == 0, made.stderr
    assert re.fullmatch(r"已创建企业账号 dali（usr:\w+）\n", made.stdout), made.stdout
    listed = run("user", "list", db=db).stdout
    assert re.match(r"dali +企业 +浙江大立科技 \[ent:dali-technology\]", listed), listed
    assert "enterprise" not in listed
    en = english("user", "list", db=db).stdout
    assert re.match(r"dali +Enterprise +浙江大立科技 \[ent:dali-technology\]", en), en


def test_export_copy_and_import_speak_chinese(demo, tmp_path: Path) -> None:
    db, data = demo
    backup = tmp_path / "backup.jsonl"
    exported = run("export", str(backup), db=db)
    assert re.fullmatch(r"已导出 \d+ 个节点、\d+ 条关系到 \S+backup\.jsonl\n", exported.stderr)
    copy = tmp_path / "copy.db"
    copied = run("graph", "copy", "--from", str(db), "--to", str(copy), "--state",
                 str(tmp_path / "state.json"))
    assert copied.returncode == 0, copied.stderr
    assert re.match(r"已复制：\d+ 个节点、\d+ 条关系、0 条核对记录、0 个保存的模型\n"
                    r"核对一致：共 \d+ 条记录", copied.stdout), copied.stdout
    dry = run("import", "graph", str(backup), "--dry-run", db=tmp_path / "new.db")
    assert dry.stdout.startswith("将导入（试运行，未写入任何内容）backup.jsonl：")
    assert "（数据库尚不存在：按空库检查，未创建）" in dry.stdout
    assert not (tmp_path / "new.db").exists()
    en = english("export", str(backup), db=db).stderr
    assert en.startswith("exported ") and chinese_words(en, data) == []


def test_planning_notes_from_the_matcher_are_worded(demo, tmp_path: Path) -> None:
    """An event where one expert matches no firm: the matcher's reasons (why a need is not
    covered, why a participant has no meeting) read in the CLI's language."""
    db = tmp_path / "plan.db"
    shutil.copy(demo[0], db)
    evt = "evt:words"
    for args in [("event", "create", "语言测试会", "--id", evt, "--days", "2019-05-23",
                  "--tables", "2"),
                 ("event", "invite", evt, "ent:dali-technology", "ent:ill-firm-001",
                  "exp:xian-han-zhenyu", "inst:ill-xian-optics")]:
        assert run(*args, db=db).returncode == 0
    invited = run("event", "invite", evt, "--budget", "1", "--candidates-region", "西安",
                  db=db)
    assert "：没有得分达到强匹配阈值 0.6 的候选（最高 " in invited.stdout, invited.stdout
    planned = run("event", "plan", evt, db=db)
    assert "未安排 示例专家西01（示意）：没有可接受的配对：没有一对得分达到 0.3" in planned.stdout
    for said in (invited.stdout, planned.stdout):
        assert english_words(said.replace(evt, " "), demo[1]) == [], said
    en = english("event", "plan", evt, db=db).stdout
    assert "unassigned 示例专家西01（示意）: no acceptable match: no pair reaches 0.3" in en
    assert "min_score" not in en and chinese_words(en, demo[1]) == [], en


def test_recommend_notes_are_in_one_language(demo) -> None:
    db, data = demo
    back = run("recommend-for", "exp:xian-han-zhenyu", "--k", "3", db=db).stdout
    assert "注意：文本得分与正向推荐相同" in back and "(text scores" not in back
    assert "已排除：需求已关闭 " in back
    en = english("recommend-for", "exp:xian-han-zhenyu", "--k", "3", db=db).stdout
    assert "Note: text scores are the forward ones" in en and "文本得分" not in en
    assert "Left out: need closed " in en
    narrowed = run("recommend", "need:xian-dali-technology", "--region", "西安", "--k", "30",
                   db=db).stdout
    assert "说明：只有 " in narrowed and "(only" not in narrowed, narrowed
    assert "地区不在西安 " in narrowed
    narrowed_en = english("recommend", "need:xian-dali-technology", "--region", "西安",
                          "--k", "30", db=db).stdout
    assert "Why: only " in narrowed_en and "Left out: not in 西安 " in narrowed_en
    assert chinese_words(narrowed_en, data) == [], narrowed_en


def test_a_seed_records_review_reason_names_it_without_its_id(monkeypatch) -> None:
    """The review queue's reason for a stored record that may be a seed organisation
    reads its name in the CLI's language, never the seed's id (nor the resolver's
    English)."""
    from duijie.api.cli.words import LANG_ENV, reason_words

    reason = "seed record 浙江大学 (inst:zju): the resolver says review"
    monkeypatch.delenv(LANG_ENV, raising=False)
    assert reason_words(reason) == "与种子数据中的 浙江大学 可能是同一机构"
    monkeypatch.setenv(LANG_ENV, "en")
    assert reason_words(reason) == "may be the same organisation as the seed record 浙江大学"
