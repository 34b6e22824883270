"""Every read command, on the seed data, marks each invented record's name 示意 and no
real organisation's; every JSON record naming one says `illustrative` (issue 10, part 1).

The commands run as real processes on a real SQLite file, after an event between invented
and real participants is planned, scheduled and given a follow-up.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.illustrative_marks import seed_names, unflagged, unmarked

EVT = "evt:marks"
INVENTED_FIRM = "ent:ill-hengtai-titanium"
PAIRS = (("ent:ill-hengtai-titanium", "inst:ill-xian-materials"),
         ("ent:ailaiyi", "inst:xian-jiaotong-university"),
         ("ent:ill-firm-011", "exp:xian-han-zhenyu"),
         ("ent:ailaiyi", "exp:xian-infrared"))


def run(db, *args: str) -> str:
    done = subprocess.run([sys.executable, "-m", "duijie.api.cli", "--db", str(db), *args],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, (args, done.stderr)
    return done.stdout


def build_db(path):
    """The seed, plus an event between invented and real participants, planned,
    scheduled, published, with an overdue follow-up on an invented pair."""
    run(path, "seed")
    run(path, "event", "create", "示意检查会", "--id", EVT, "--days", "2026-12-10",
        "--tables", "4")
    run(path, "event", "invite", EVT, *sorted({i for pair in PAIRS for i in pair}))
    for firm, helper in PAIRS:
        run(path, "event", "rule", EVT, "pin", firm, helper)
    run(path, "event", "plan", EVT)
    schedule = json.loads(run(path, "event", "schedule", EVT, "--publish", "--json"))
    invented = next(p["meeting"] for p in schedule["placements"] if p["firm"] == INVENTED_FIRM)
    run(path, "event", "followups", "--add", invented, "--action", "寄送样品", "--owner", "张三",
        "--due", "2026-11-20")
    return path


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    return build_db(tmp_path_factory.mktemp("marks") / "seed.db")


TEXT_COMMANDS = [
    ("event", "list"), ("event", "plan", EVT), ("event", "schedule", EVT),
    ("event", "agenda", EVT, "--format", "csv"), ("event", "agenda", EVT, "--format", "html"),
    ("event", "agenda", EVT, "--format", "html", "--lang", "en"),
    ("event", "agenda", EVT, "--format", "ics"),
    ("event", "followups", "--today", "2026-12-20"),
    ("event", "replay", "evt:xian-docking-2019-05"),
    ("firm", INVENTED_FIRM), ("firm", "ent:ill-firm-011"), ("firm", "ent:ailaiyi"),
    ("push", "prog:high-tech-enterprise"), ("push", "prog:provincial-enterprise-tech-centre"),
    ("recommend", "need:xian-hengtai-titanium", "--kind", "expert"),
    ("recommend", "need:xian-hengtai-titanium", "--kind", "institute"),
    ("recommend", "need:xian-hengtai-titanium", "--kind", "enterprise"),
    ("recommend-for", "exp:xian-han-zhenyu"),
    ("recommend-for", "prog:high-tech-enterprise", "--kind", "enterprise"),
    ("problem", "list"), ("challenges",), ("report", "evt:xian-docking-2019-05"),
]


def test_every_read_command_marks_invented_names_and_only_those(db):
    seen = {}
    for args in TEXT_COMMANDS:
        out = run(db, *args)
        seen[args] = out
        assert unmarked(out) == [], args
    invented, real, _ = seed_names()
    shown = "\n".join(seen.values())
    # The check has teeth: both kinds of name are on screen, and a bare name is caught.
    assert sum(name in shown for name in invented) >= 20
    assert sum(name in shown for name in real) >= 10
    assert unmarked("示例绍兴钛材科技 × 西安交通大学（示意）") == [
        "unmarked 示例绍兴钛材科技: …示例绍兴钛材科技 × 西安交通大学（示意）…",
        "marked 西安交通大学: …示例绍兴钛材科技 × 西安交通大学（示意）…"]


JSON_COMMANDS = [
    ("event", "followups", "--today", "2026-12-20"), ("firm", INVENTED_FIRM),
    ("firm", "ent:ailaiyi"), ("push", "prog:provincial-enterprise-tech-centre"),
    ("recommend", "need:xian-hengtai-titanium", "--kind", "institute"),
    ("recommend-for", "exp:xian-han-zhenyu"), ("problem", "list"), ("challenges",),
]


def test_every_json_record_naming_an_invented_record_says_so(db):
    flagged = 0
    for args in JSON_COMMANDS:
        data = json.loads(run(db, *args, "--json"))
        assert unflagged(data) == [], args
        flagged += json.dumps(data).count('"illustrative": true')
    assert flagged >= 20
    assert unflagged({"id": "ent:ill-hengtai-titanium", "name": "x"}) != []


def test_an_invented_threshold_is_marked_where_eligibility_is_read(db):
    profile = json.loads(run(db, "firm", INVENTED_FIRM, "--json"))
    near = {o["programme_id"]: o for o in profile["programmes_near"]}
    offer = near["prog:provincial-enterprise-tech-centre"]  # its thresholds are simplified
    assert offer["illustrative"] is True and "（示意）" in offer["change"]
    assert "(illustrative)" in offer["change_en"]
    assert offer["programme_name"] == "浙江省省级企业技术中心"  # the programme itself is real


def test_every_report_sentence_on_invented_pairs_says_so(db):
    """Issue 12's rule: illustrative outcomes are never read as recorded ones."""
    data = json.loads(run(db, "report", "evt:xian-docking-2019-05", "--json"))
    assert data["data"] == "illustrative"
    drawn = [f for f in data["findings"] if not f["key"].startswith("analysis_find_data_")]
    assert drawn and all(f["data"] == "illustrative" for f in drawn)
    for lang, tag in (("zh", "[示例（虚构）数据]"), ("en", "[illustrative (invented) data]")):
        lines = [line for line in run(db, "report", "evt:xian-docking-2019-05", "--lang",
                                      lang).splitlines() if line.startswith("  - ")]
        assert len(lines) == len(data["findings"])
        assert sum(line.endswith(tag) for line in lines) == len(drawn), lines
