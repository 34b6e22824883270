"""Checks that every name of an invented (illustrative) seed record a person reads is
marked 示意, and no real organisation's name is (issue 10, part 1).

Read by the CLI and web tests: `unmarked(text)` lists the offending spots, `unflagged(data)`
the JSON records that name an invented record without saying so.
"""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path
from typing import Any

SEED = Path(__file__).resolve().parents[1] / "seed_data"
NAMED_FILES = ("enterprises", "institutes", "experts", "events", "programmes")
MARK = re.compile(r"（示意）| \(illustrative\)")
ID_KEYS = ("id", "node_id", "meeting_id", "firm_id", "helper_id", "firm", "helper",
           "programme_id")
NAME_KEYS = ("name", "title", "firm_name", "helper_name", "meeting", "programme_name")
RECORD_PREFIXES = ("ent:", "inst:", "exp:", "need:", "mtg:", "evt:", "prog:")


@cache
def seed_names() -> tuple[frozenset[str], frozenset[str], frozenset[str]]:
    """(invented names, real names, invented ids) of the seed's organisations, people,
    events, programmes (names) and of every record (ids)."""
    invented, real, invented_ids = set(), set(), set()
    for path in SEED.glob("*.jsonl"):
        for line in path.read_text(encoding="utf-8").splitlines():
            record = json.loads(line)
            if "id" not in record:
                continue
            flagged = bool(record["props"].get("illustrative"))
            if flagged:
                invented_ids.add(record["id"])
            name = record["props"].get("name")
            if path.stem in NAMED_FILES and name:
                (invented if flagged else real).add(name)
    return frozenset(invented), frozenset(real), frozenset(invented_ids)


@cache
def seed_titles() -> tuple[frozenset[str], frozenset[str]]:
    """(invented, real) titles of the seed's needs and problems."""
    invented, real = set(), set()
    for line in (SEED / "needs.jsonl").read_text(encoding="utf-8").splitlines():
        props = json.loads(line)["props"]
        (invented if props.get("illustrative") else real).add(props["title"])
    return frozenset(invented), frozenset(real)


def unmarked(text: str, *, titles: bool = True) -> list[str]:
    """Every spot where an invented name (and, with `titles`, an invented need's title)
    is shown without its mark, or a real one with it (a name inside a longer seed name is
    the longer one's). JSON is read with `titles=False`: a need's own title is a field
    it is edited by, and its record says `illustrative` instead (`unflagged`)."""
    invented, real, _ = seed_names()
    if titles:
        invented_titles, real_titles = seed_titles()
        invented, real = invented | invented_titles, real | real_titles
    every = invented | real
    problems = []
    for names, wanted in ((invented, True), (real, False)):
        for name in names:
            for hit in re.finditer(re.escape(name), text):
                if any(other != name and text.startswith(other, hit.start())
                       for other in every if other.startswith(name)):
                    continue
                marked = MARK.match(text, hit.end()) is not None
                if marked != wanted:
                    problems.append(f"{'unmarked' if wanted else 'marked'} {name}: "
                                    f"…{text[max(0, hit.start() - 30):hit.end() + 30]}…")
    return problems


def unflagged(data: Any, where: str = "$") -> list[str]:
    """JSON records naming a seed record that lack the fixed `illustrative` key, or say
    False while a record they name is invented."""
    _, _, invented_ids = seed_names()
    problems = []
    if isinstance(data, dict):
        refs = {data[k] for k in ID_KEYS
                if isinstance(data.get(k), str) and data[k].startswith(RECORD_PREFIXES)}
        if refs and any(k in data for k in NAME_KEYS):
            if "illustrative" not in data:
                problems.append(f"{where}: no illustrative key ({sorted(refs)})")
            elif refs & invented_ids and data["illustrative"] is not True:
                problems.append(f"{where}: names invented {sorted(refs & invented_ids)} "
                                "but says illustrative false")
        for key, value in data.items():
            problems += unflagged(value, f"{where}.{key}")
    elif isinstance(data, list):
        for i, value in enumerate(data):
            problems += unflagged(value, f"{where}[{i}]")
    return problems


# --- the seed store every walking test reads --------------------------------------------

EVT = "evt:marks"
INVENTED_FIRM = "ent:ill-hengtai-titanium"
INVENTED_NEED = "need:xian-hengtai-titanium"
PAIRS = (("ent:ill-hengtai-titanium", "inst:ill-xian-materials"),
         ("ent:ailaiyi", "inst:xian-jiaotong-university"),
         ("ent:ill-firm-011", "exp:xian-han-zhenyu"),
         ("ent:ailaiyi", "exp:xian-infrared"))
# Near spellings of invented organisations: imported with their region they merge, without
# it they are queued, so the merge report, `resolve` and the review queue name invented records.
NEAR_NAMES = (("示例绍兴钛才科技", "绍兴"), ("示例淄博复材", "淄博"))
QUEUED_NAMES = ("示例潍坊永磁电极", "示例平湖光伏", "示例宁波视觉检侧", "示例德清网联")

RUNS: list[tuple[tuple[str, ...], str]] = []
"""Every command a walking test ran, with what it printed (read by the coverage check)."""


def run(db: Path, *args: str) -> str:
    """`duijie --db DB ARGS…` as a real process; its output, logged in `RUNS`."""
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-m", "duijie.api.cli", "--db", str(db), *args],
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, (args, done.stderr)
    RUNS.append((args, done.stdout))
    return done.stdout


def run_json(db: Path, *args: str) -> Any:
    return json.loads(run(db, *args, "--json"))


def build_db(path: Path) -> Path:
    """The seed, plus an event between invented and real participants, planned,
    scheduled, published, with outcomes, problems raised at its meetings and an overdue
    follow-up on an invented pair; near spellings of invented firms imported (merged and
    queued for review); officials on contact duty; the demo's Xi'an plan."""
    run(path, "seed")
    run(path, "event", "create", "示意检查会", "--id", EVT, "--days", "2026-12-10",
        "--tables", "4")
    run_json(path, "event", "create", "示意检查会二", "--id", "evt:marks-2",
             "--days", "2026-12-11")
    helpers = sorted({helper for _, helper in PAIRS})
    run(path, "event", "invite", EVT, *sorted({firm for firm, _ in PAIRS}))
    run_json(path, "event", "invite", EVT, *helpers)
    for i, (firm, helper) in enumerate(PAIRS):
        if i % 2:
            run(path, "event", "rule", EVT, "pin", firm, helper)
        else:
            run_json(path, "event", "rule", EVT, "pin", firm, helper)
    run(path, "event", "plan", EVT)
    run_json(path, "event", "plan", EVT)
    schedule = run_json(path, "event", "schedule", EVT, "--publish")
    meeting = {p["firm"]: p["meeting"] for p in schedule["placements"]}
    invented, real = meeting[INVENTED_FIRM], meeting["ent:ailaiyi"]
    run(path, "event", "followups", "--add", invented, "--action", "寄送样品", "--owner", "张三",
        "--due", "2026-11-20")
    run_json(path, "event", "followups", "--add", meeting["ent:ill-firm-011"],
             "--action", "约定回访", "--owner", "李四", "--due", "2026-11-25")
    run(path, "event", "outcome", invented, "--stage", "post_event", "--held", "--intent")
    run_json(path, "event", "outcome", invented, "--stage", "m1", "--ledger", "negotiating")
    run(path, "event", "no-show", real)
    run_json(path, "event", "no-show", meeting["ent:ill-firm-011"])
    raised = run_json(path, "problem", "raise", invented, "钛板退火后硬度不均")["id"]
    run(path, "problem", "raise", invented, "钛板焊缝气孔", "--type", "problem")
    added = run_json(path, "problem", "add", INVENTED_FIRM, "钛材出口认证",
                     "--type", "policy")["id"]
    run(path, "problem", "add", "ent:ill-firm-011", "焊接机器人融资", "--type", "financing")
    run(path, "problem", "assign", raised, "--department", "技术创新处", "--person", "王五")
    run_json(path, "problem", "assign", added, "--department", "技术创新处")
    run(path, "problem", "step", raised, "已联系研究院")
    run_json(path, "problem", "step", added, "已转交")
    run(path, "problem", "close", raised, "--answer", "已解决", "--seen", "2026-12-05")
    run_json(path, "problem", "close", added, "--answer", "已答复", "--seen", "2026-12-05")
    run(path, "programme-status", "ent:ill-firm-004", "prog:provincial-enterprise-tech-centre",
        "applied")
    run_json(path, "programme-status", "ent:ill-firm-011",
             "prog:provincial-enterprise-tech-centre", "applied")
    official = run_json(path, "official", "add", "王五", "--department", "技术创新处",
                        "--regions", "绍兴", "--capacity", "60")["id"]
    run(path, "official", "add", "赵六", "--department", "技术创新处", "--capacity", "60")
    run(path, "official", "edit", official, "--capacity", "70", "--rev", "1")
    run(path, "contact", "plan")
    run(path, "contact", "record", official, INVENTED_FIRM, "--on", "2026-12-01",
        "--problem", "钛材检测设备不足")
    run_json(path, "contact", "record", official, "ent:ailaiyi", "--on", "2026-12-01")
    run(path, "contact", "duty", "--official", official, "--today", "2026-12-20")
    run_json(path, "contact", "duty", "--official", official, "--today", "2026-12-20")
    run_json(path, "event", "invite", "evt:marks-2", INVENTED_FIRM, "ent:ailaiyi",
             "--budget", "3")
    near = path.with_name("near.csv")
    near.write_text("name,region\n" + "".join(f"{n},{r}\n" for n, r in NEAR_NAMES),
                    encoding="utf-8")
    queued = path.with_name("queued.csv")
    queued.write_text("name\n" + "".join(f"{n}\n" for n in QUEUED_NAMES), encoding="utf-8")
    run(path, "import", "enterprise", str(near), "--dry-run")
    run_json(path, "import", "enterprise", str(near))
    run(path, "import", "enterprise", str(queued))
    items = [i["id"] for i in run_json(path, "review", "list")]
    assert len(items) == len(QUEUED_NAMES), items
    run(path, "review", "accept", items[0])
    run(path, "review", "reject", items[1])
    run(path, "demo")
    run_json(path, "demo")
    return path
