"""Every command, on the seed data, marks each invented record's name 示意 and no real
organisation's; every JSON record naming one says `illustrative` (issue 10, part 1).

The commands run as real processes on a real SQLite file, after an event between invented
and real participants is planned, scheduled, given outcomes, problems and follow-ups
(`tests.illustrative_marks.build_db`, whose every write is checked too). A coverage test
holds the walk to every command of the CLI: a new command is walked or named below with
why it prints no seed record.
"""

from __future__ import annotations

import json

import click
import pytest
from openpyxl import load_workbook

from duijie.api.cli import cli
from tests.illustrative_marks import (
    EVT,
    INVENTED_FIRM,
    INVENTED_NEED,
    RUNS,
    build_db,
    run,
    seed_names,
    unflagged,
    unmarked,
)

XIAN = "evt:xian-docking-2019-05"
TITANIUM_CENTRE = "prog:example-rd-centre"  # invented; the titanium firm is one step away
EQUIPMENT = "prog:example-equipment-first-use"  # invented, with an invented industry list

READS = [
    ("event", "list"), ("event", "schedule", EVT),
    ("event", "followups", "--today", "2026-12-20"), ("event", "replay", XIAN),
    ("event", "agenda", EVT, "--format", "csv"), ("event", "agenda", EVT, "--format", "html"),
    ("event", "agenda", EVT, "--format", "html", "--lang", "en"),
    ("event", "agenda", EVT, "--format", "ics"),
    ("event", "agenda", EVT, "--format", "csv", "--participant", INVENTED_FIRM),
    ("firm", INVENTED_FIRM), ("firm", "ent:ill-firm-011"), ("firm", "ent:ailaiyi"),
    ("firm", "ent:jiaxipera"), ("push", EQUIPMENT), ("push", "prog:tech-sme"),
    ("push", "prog:high-tech-enterprise"), ("push", TITANIUM_CENTRE),
    ("recommend", INVENTED_NEED, "--kind", "expert"),
    ("recommend", INVENTED_NEED, "--kind", "institute"),
    ("recommend", INVENTED_NEED, "--kind", "enterprise"),
    ("recommend", INVENTED_NEED, "--kind", "programme"),
    ("recommend-for", "exp:xian-han-zhenyu"),
    ("recommend-for", "prog:high-tech-enterprise", "--kind", "enterprise"),
    ("evaluate", "rerank", INVENTED_NEED, "--allow-illustrative"),
    ("problem", "list"), ("problem", "list", "--firm", INVENTED_FIRM),
    ("problem", "routing"), ("challenges",), ("report", XIAN), ("report", EVT),
    ("report", XIAN, "--lang", "en"), ("resolve", "示例绍兴钛才科技"), ("resolve", "大立科技"),
    ("review", "list"), ("review", "list", "--status", "all"), ("map", "--region", "西安"),
    ("contact", "plan"), ("contact", "duty", "--today", "2026-12-20"), ("official", "list"),
    ("stats",),
]

NOT_WALKED = {
    "serve": "the web service: tests/web/test_illustrative_pages.py walks its pages",
    "init": "prints the store's location",
    "export": "a JSON Lines copy of the records, each with its illustrative prop",
    "graph copy": "counts of records copied between stores",
    "graph verify": "counts of records compared between stores",
    "generate": "synthetic records of its own, none from the seed",
    "affinity": "scores files of profiles and queries brought from outside",
    "evaluate affinity": "metrics of a scores file against a labels file",
    "evaluate learn": "learns the ranking from recorded outcomes: counts and scores",
    "embeddings": "vectors of the documents, by id, into a file",
    "user add": "accounts of the web service", "user list": "accounts of the web service",
    "seed": "counts by kind; onto imported organisations its matches and parts name seed "
            "records marked (tests/api/test_seed_merges.py)",
    "challenges merge": "theme edits: the themes are read by `challenges`",
    "challenges rename": "theme edits: the themes are read by `challenges`",
    "challenges split": "theme edits: the themes are read by `challenges`",
    "challenges recompute": "recomputes the themes `challenges` reads",
}


def leaf_commands() -> dict[str, click.Command]:
    ctx = click.Context(cli)
    found = {}

    def walk(group: click.Group, prefix: tuple[str, ...]) -> None:
        for name in group.list_commands(ctx):
            command = group.get_command(ctx, name)
            if isinstance(command, click.Group):
                walk(command, (*prefix, name))
                if command.invoke_without_command:  # `challenges` lists, its subcommands edit
                    found[" ".join((*prefix, name))] = command
            else:
                found[" ".join((*prefix, name))] = command
    walk(cli, ())
    return found


def command_of(args: tuple[str, ...], leaves: dict[str, click.Command]) -> str:
    return next(" ".join(args[:n]) for n in (2, 1) if " ".join(args[:n]) in leaves)


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    return build_db(tmp_path_factory.mktemp("marks") / "seed.db")


@pytest.fixture(scope="module")
def walked(db):
    """Every read command's text and --json output, after the writes of `build_db`."""
    leaves = leaf_commands()
    for args in READS:
        run(db, *args)
        if any(p.name == "json" for p in leaves[command_of(args, leaves)].params):
            run(db, *args, "--json")
    return list(RUNS)


def test_every_command_is_walked_in_text_and_json(walked):
    leaves = leaf_commands()
    text, as_json = set(), set()
    for args, _ in walked:
        (as_json if "--json" in args else text).add(command_of(args, leaves))
    assert not set(NOT_WALKED) - set(leaves), "a command named here no longer exists"
    for name, command in leaves.items():
        if name in NOT_WALKED:
            continue
        assert name in text, f"`duijie {name}` is never walked: add it or say why not"
        if any(p.name == "json" for p in command.params):
            assert name in as_json, f"`duijie {name} --json` is never walked"


def test_every_output_marks_invented_names_and_only_those(walked):
    problems = {" ".join(args): found for args, out in walked
                if (found := unmarked(out, titles="--json" not in args))}
    assert problems == {}
    invented, real, _ = seed_names()
    shown = "\n".join(out for _, out in walked)
    # The check has teeth: both kinds of name are on screen, and a bare name is caught.
    assert sum(name in shown for name in invented) >= 60
    assert sum(name in shown for name in real) >= 30
    assert unmarked("示例绍兴钛材科技 × 西安交通大学（示意）") == [
        "unmarked 示例绍兴钛材科技: …示例绍兴钛材科技 × 西安交通大学（示意）…",
        "marked 西安交通大学: …示例绍兴钛材科技 × 西安交通大学（示意）…"]


def test_every_json_record_naming_an_invented_record_says_so(walked):
    outputs = [(args, json.loads(out)) for args, out in walked if "--json" in args]
    problems = {" ".join(args): found for args, data in outputs if (found := unflagged(data))}
    assert problems == {}
    assert sum(json.dumps(data).count('"illustrative": true') for _, data in outputs) >= 80
    assert unflagged({"id": "ent:ill-hengtai-titanium", "name": "x"}) != []


def sheet_text(path) -> str:
    book = load_workbook(path, read_only=True)
    return "\n".join(str(cell) for sheet in book for row in sheet.iter_rows(values_only=True)
                     for cell in row if cell is not None)


def test_files_written_mark_invented_names(db, tmp_path):
    agenda, ledger, report = (tmp_path / "agenda.xlsx", tmp_path / "ledger.xlsx",
                              tmp_path / "report.html")
    run(db, "event", "agenda", EVT, "--format", "xlsx", "--out", str(agenda))
    run(db, "problem", "list", "--xlsx", str(ledger))
    run(db, "report", XIAN, "--out", str(report))
    texts = {"agenda": sheet_text(agenda), "ledger": sheet_text(ledger),
             "report": report.read_text(encoding="utf-8")}
    for name, text in texts.items():
        assert "（示意）" in text and unmarked(text) == [], name


def test_an_invented_threshold_is_marked_where_eligibility_is_read(db):
    profile = json.loads(run(db, "firm", INVENTED_FIRM, "--json"))
    near = {o["programme_id"]: o for o in profile["programmes_near"]}
    offer = near[TITANIUM_CENTRE]  # an invented programme, its thresholds invented
    assert offer["illustrative"] is True and offer["target_illustrative"] is True
    assert offer["change"] == ("营业收入 26000万元 → 30000万元（示意） 即可申报 "
                               "示例：企业研发中心培育计划（示意）")
    assert "(illustrative)" in offer["change_en"]
    assert offer["programme_name"] == "示例：企业研发中心培育计划（示意）"


def test_every_report_sentence_on_invented_pairs_says_so(db):
    """Issue 12's rule: illustrative outcomes are never read as recorded ones."""
    data = json.loads(run(db, "report", XIAN, "--json"))
    assert data["data"] == "illustrative"
    drawn = [f for f in data["findings"] if not f["key"].startswith(
        ("analysis_find_data_", "analysis_find_published"))]
    assert drawn and all(f["data"] == "illustrative" for f in drawn)
    # the published "8 of 11" is the documents' fact; its sentence says the recorded half
    # here is invented, in its own words
    published = [f for f in data["findings"] if f["key"] == "analysis_find_published_invented"]
    assert [f["data"] for f in published] == [None]
    headings = {"zh": ("做得好的", "（示意）"), "en": ("What went well", " (illustrative)")}
    for lang, tag in (("zh", "[示意：示例（虚构）数据]"), ("en", "[illustrative (invented) data]")):
        printed = run(db, "report", XIAN, "--lang", lang).splitlines()
        lines = [line for line in printed if line.startswith("  - ")]
        assert len(lines) == len(data["findings"])
        assert sum(line.endswith(tag) for line in lines) == len(drawn), lines
        said = {"zh": "是示意（虚构）数据，不是记录",
                "en": "are illustrative (invented) data"}[lang]
        assert sum(said in line for line in lines) == 1, lines
        # "What went well", drawn from invented pairs alone, is itself marked 示意.
        good, mark = headings[lang]
        assert good + mark in printed and good not in printed, printed


def test_an_eligibility_verdict_an_invented_threshold_decides_is_marked(db):
    """加西贝拉 (real) qualifies for an invented example programme by its invented industry
    list: the verdict and the programme's name are marked 示意 wherever they are read, the
    firm's name is not; a real programme's published criteria (高新技术企业认定) are not."""
    text = run(db, "firm", "ent:jiaxipera").splitlines()
    assert text[0].startswith("加西贝拉压缩机有限公司 [")  # a real firm: no mark
    now = {o["programme_id"]: o for o in json.loads(
        run(db, "firm", "ent:jiaxipera", "--json"))["programmes_now"]}
    assert now[EQUIPMENT]["illustrative"] is True
    assert "  示例：装备首用推广计划（示意）｜符合条件（示意）" in text
    # the real programme's criteria the graph holds no data for are to check, unmarked
    asked = {d["text"]: d for d in json.loads(
        run(db, "firm", "ent:ill-firm-005", "--json"))["data_to_check"]}
    assert [p["name"] for p in asked["核心知识产权"]["programmes"]] == ["高新技术企业认定"]
    assert "  核心知识产权：关系到 1 个项目（高新技术企业认定）" in run(
        db, "firm", "ent:ill-firm-005").splitlines()

    for programme, invented in ((EQUIPMENT, True), ("prog:high-tech-enterprise", False)):
        head = run(db, "push", programme).splitlines()[0]
        assert ("家（示意）（查验" in head) is invented, head
        data = json.loads(run(db, "push", programme, "--json"))
        assert (data["verdict_illustrative"], data["illustrative"]) == (invented, invented)

    # firms for the programme, each checked against its (invented) rules
    asked = ("recommend-for", EQUIPMENT, "--kind", "enterprise")
    found = json.loads(run(db, *asked, "--json"))
    rules = [i["explanation"]["rules"] for i in found["items"] if i["explanation"]["rules"]]
    printed = run(db, *asked)
    verdicts = [line.strip() for line in printed.splitlines() if "政策资格：" in line]
    assert len(verdicts) == len(rules) and any(r["illustrative"] for r in rules)
    assert [v.endswith("（示意）") for v in verdicts] == [r["illustrative"] for r in rules]
