"""The seed dataset: breadth, provenance, the Xi'an trip, aliases, loading, the CLI."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from duijie.api.services.seeding import XIAN_EVENT, load_seed, seed_folder
from duijie.graph.errors import InvalidInput
from duijie.graph.model import EnterpriseProps
from duijie.graph.normalize import organisation_keys
from duijie.graph.sqlite_store import SqliteStore
from duijie.graph.store import iter_edges, iter_nodes
from duijie.matcher.eligibility import ProgrammeCheck
from duijie.matcher.programme_conditions import TO_CHECK

SEEDS_DIR = Path(__file__).resolve().parents[3] / "shared" / "seeds"
SEED_SOURCES = {f"seed:{p}" for p in (
    "000_6e910e093a9df034.txt", "001_0520cc004af2469a.txt", "002_955e07b0edd1b8b7.txt",
    "003_8f1be0d5f7140018.txt", "004_9e2b8a0a13e2c809.txt")}
REAL_PEOPLE = {"高从塔", "余浩", "厉敏", "金永辉", "冯飞", "高兴夫", "刘家义"}


@pytest.fixture
def seeded(sqlite_store):
    load_seed(sqlite_store)
    return sqlite_store


def test_counts_meet_the_minimums(nodes, edges):
    kinds = Counter(n.kind for n in nodes.values())
    assert kinds["Enterprise"] >= 75
    assert kinds["Institute"] >= 50
    assert kinds["Expert"] >= 70
    assert kinds["Programme"] >= 20
    assert kinds["Need"] >= 110
    assert kinds["Topic"] >= 60
    assert kinds["Event"] >= 6
    needs = [n for n in nodes.values() if n.kind == "Need"]
    assert {n.props.get("need_type", "technology") for n in needs} == {
        "technology", "problem", "policy", "financing", "talent"}
    assert sum(n.confidentiality == "confidential" for n in needs) >= 5
    levels = Counter(n.props.get("level") for n in nodes.values() if n.kind == "Region")
    assert levels["province"] >= 4 and levels["city"] >= 10 and levels["county"] >= 10


def test_topics_form_a_bilingual_hierarchy_with_synonyms(nodes, edges):
    topics = [n for n in nodes.values() if n.kind == "Topic"]
    assert all(t.props.get("name_en") and t.props.get("synonyms") for t in topics)
    parents = {e.src: e.dst for e in edges if e.kind == "part_of" and e.src.startswith("topic:")}
    assert len(parents) >= 60
    assert all(nodes[p].kind == "Topic" for p in parents.values())
    assert parents["topic:infrared-detection"] == "topic:optoelectronics"


def test_every_record_has_provenance_and_invented_ones_are_flagged(records):
    for record in records:
        sources = {p.source for p in record.provenance}
        assert sources, record
        invented = "illustrative" in sources
        assert bool(record.props.get("illustrative")) == invented, record
        for p in record.provenance:
            if p.source.startswith("seed:"):
                assert p.source in SEED_SOURCES and p.quote, record
            elif p.source.startswith("public:"):  # a checkable public fact: where, and what
                assert p.source.startswith("public:http") and p.quote, record
            else:
                assert p.source == "illustrative", record


@pytest.mark.skipif(not SEEDS_DIR.is_dir(), reason="seed documents not beside the checkout")
def test_every_quote_is_in_its_document(records):
    texts = {f"seed:{p.name}": p.read_text(encoding="utf-8") for p in SEEDS_DIR.glob("*.txt")}
    quotes = [(p.source, p.quote) for r in records for p in r.provenance
              if p.source.startswith("seed:")]
    assert len(quotes) > 300
    missing = [q for s, q in quotes if q not in texts[s]]
    assert missing == []


def test_experts_are_invented_and_never_real_people(nodes, edges):
    experts = [n for n in nodes.values() if n.kind == "Expert"]
    assert all(x.props.get("illustrative") for x in experts)
    assert not {x.name for x in experts} & REAL_PEOPLE
    affiliated = {e.src: e.dst for e in edges if e.kind == "affiliated_with"}
    for x in experts:
        assert nodes[affiliated[x.id]].kind == "Institute"
        assert 2 <= len(x.props["docs"]) <= 5
        assert x.props["fields"]
    foreign = [x for x in experts if "ja" in x.props["languages"]]
    assert len(foreign) >= 5
    assert all(d["text"].isascii() for x in foreign for d in x.props["docs"])


def test_real_enterprises_carry_no_invented_figures(nodes):
    real = [n for n in nodes.values() if n.kind == "Enterprise" and not n.props.get("illustrative")]
    assert len(real) >= 40
    for firm in real:
        assert not {"revenue_wan", "employees", "rd_ratio_pct"} & set(firm.props), firm.id
    invented = [n for n in nodes.values() if n.kind == "Enterprise" and n.props.get("illustrative")]
    with_figures = [f for f in invented if "revenue_wan" in f.props and "rd_ratio_pct" in f.props]
    assert len(with_figures) >= 25
    assert any("revenue_wan" not in f.props for f in invented)  # gaps on purpose


def test_programme_rules_test_enterprise_fields(nodes):
    programmes = [n for n in nodes.values() if n.kind == "Programme"]
    with_rules = [p for p in programmes if p.props.get("rules")]
    assert len(with_rules) >= 9  # 4 real (published or by name), 5 invented examples
    for p in with_rules:
        for rule in p.props["rules"]:
            # a field the firm has, or a published criterion the office checks by hand
            known = (TO_CHECK if rule["op"] == "to_check" else EnterpriseProps.model_fields)
            assert rule["field"] in known, (p.id, rule)
            assert rule["label"]
        ProgrammeCheck(p.props)  # every rule reads (fields, operators, tiers)
    names = {p.name for p in programmes}
    assert {"国家企业技术中心", "制造业单项冠军示范企业", "首台（套）重大技术装备",
            "省制造业创新中心", "高新技术企业认定", "科技型中小企业评价"} <= names


def test_the_xian_docking_trip(seeded):
    event = seeded.get_node(XIAN_EVENT)
    assert event.props["firms"] == 11 and event.props["cooperation_reached"] == 8
    assert (event.props["start_date"], event.props["end_date"]) == ("2019-05-23", "2019-05-24")
    joined = seeded.neighbours(XIAN_EVENT, "participated_in", "in")
    firms = {n.name: e for e, n in joined if n.kind == "Enterprise"}
    assert len(firms) == 11
    for named in ("浙江大立科技", "精功（绍兴）复合材料", "湖州太平微特电机"):
        assert firms[named].provenance[0].source.startswith("seed:000")
        assert not firms[named].props.get("illustrative")
    # The Xi'an side is invented (the record names no institute or expert there).
    helpers = [n for e, n in joined if n.kind in ("Institute", "Expert")]
    assert len(helpers) >= 10 and all(n.props.get("illustrative") for n in helpers)
    for helper in helpers:
        assert [r.id for _e, r in seeded.neighbours(helper.id, "located_in", "out")] == ["reg:xian"]
    # Which firms reached cooperation, and with whom, is not in the record: the signings
    # are invented, between invented firms and invented helpers only.
    signed = [e for e in iter_edges(seeded, "signed") if e.props.get("source_event") == XIAN_EVENT]
    assert 0 < len(signed) < 8 and all(e.props["illustrative"] for e in signed)
    for e in signed:
        (firm,) = [n for _s, n in seeded.neighbours(e.src, "submitted", "in")]
        assert firm.props["illustrative"] and firm.name in firms
        assert seeded.get_node(e.dst).props["illustrative"]
        assert seeded.get_node(e.src).props["status"] == "signed"
    # The named firms' needs are the record's sentence, nothing more.
    firm_nodes = {n.name: n for _e, n in joined if n.kind == "Enterprise"}
    for named in ("浙江大立科技", "精功（绍兴）复合材料", "湖州太平微特电机"):
        (need,) = [n for _e, n in seeded.neighbours(firm_nodes[named].id, "submitted", "out")
                   if n.id.startswith("need:xian-")]
        assert not need.props.get("illustrative") and "trl" not in need.props
        assert all("技术项目引接需求" in t for t in (need.props["text"], need.provenance[0].quote))


def test_other_events_carry_their_published_figures(seeded):
    def props(event_id):
        return seeded.get_node(event_id).props

    assert props("evt:jiaxing-zheshang-fair")["agreements"] == 9
    carriers = props("evt:international-carriers-service")
    assert carriers["firms"] == 130 and "agreements" not in carriers  # "近20个" is not 20
    assert "55家国际科技合作创新载体" in carriers["description"]
    zhoushan = props("evt:zhoushan-expert-visits")
    assert "experts" not in zhoushan  # "40余名": more than 40, kept as a figure
    assert [(f["value"], f["qualifier"]) for f in zhoushan["figures"]] == [
        (40, "more_than"), (10, "more_than")]
    assert props("evt:japan-experts-zhejiang")["experts"] == 5
    xinchang = props("evt:xinchang-cloud-bureau-matching")
    assert (xinchang["experts"], xinchang["projects"]) == (37, 14)


@pytest.mark.parametrize(("node_id", "spellings"), [
    ("ent:hengfeng-tools", ["恒锋工具有限公司", "恒峰工具"]),
    ("ent:jiaxipera", ["加西贝拉", "嘉西贝拉"]),
    ("inst:pku-itai-zhejiang", ["浙江省北大信息技术高等研究院", "北大信息技术高等研究院"]),
])
def test_one_organisation_spelled_two_ways_is_one_node(seeded, node_id, spellings):
    org = seeded.get_node(node_id)
    names = [org.name, *org.aliases]
    for spelling in spellings:
        assert any(spelling in name for name in names)
        # …and the organisation is quoted under that spelling
        assert any(spelling in (p.quote or "") for p in org.provenance)
    same_name = [n for n in iter_nodes(seeded, org.kind) if set(spellings) & {n.name, *n.aliases}]
    assert [n.id for n in same_name] == [node_id]


def test_no_two_seed_organisations_share_an_exact_key(nodes):
    owners: dict[tuple[str, str], str] = {}
    for node in nodes.values():
        if node.kind not in ("Enterprise", "Institute"):
            continue
        for key in organisation_keys(node.name, node.aliases, node.props.get("credit_code")):
            if key[0] in ("core", "credit"):
                assert owners.setdefault(key, node.id) == node.id, (key, owners[key], node.id)


def test_loading_writes_every_record_and_every_edge_end_exists(seeded, nodes, edges, db_path):
    counts = seeded.counts()
    assert sum(counts["nodes"].values()) == len(nodes)
    assert sum(counts["edges"].values()) == len(edges)
    seeded.close()
    reopened = SqliteStore(db_path)  # the real file, read back
    ends = {e.src for e in iter_edges(reopened)} | {e.dst for e in iter_edges(reopened)}
    assert set(reopened.get_nodes(ends)) == ends
    reopened.close()


def test_loading_twice_changes_nothing(seeded):
    before_nodes = [n.to_dict() for n in iter_nodes(seeded)]
    before_edges = [e.to_dict() for e in iter_edges(seeded)]
    report = load_seed(seeded)
    assert report.nodes_created == 0
    assert [n.to_dict() for n in iter_nodes(seeded)] == before_nodes
    assert [e.to_dict() for e in iter_edges(seeded)] == before_edges


def _broken_copy(tmp_path: Path, name: str, line: int, text: str) -> Path:
    folder = tmp_path / "seed"
    shutil.copytree(seed_folder(), folder, ignore=shutil.ignore_patterns("*.py", "build",
                                                                         "__pycache__"))
    lines = (folder / name).read_text(encoding="utf-8").splitlines()
    lines[line - 1] = text
    (folder / name).write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder


@pytest.mark.parametrize(("name", "line", "mutate", "expected"), [
    ("needs.jsonl", 5, lambda rec: "{not json", "needs.jsonl, line 5"),
    ("enterprises.jsonl", 3, lambda rec: json.dumps({**rec, "props": {
        **rec["props"], "revenue_wan": -5}}, ensure_ascii=False), "enterprises.jsonl, line 3"),
    ("experts.jsonl", 2, lambda rec: json.dumps({**rec, "props": {
        **rec["props"], "salary": 1}}, ensure_ascii=False), "experts.jsonl, line 2"),
    ("edges.jsonl", 7, lambda rec: json.dumps({**rec, "dst": "reg:atlantis"}),
     "reg:atlantis"),
])
def test_a_bad_line_is_named_and_the_store_is_unchanged(sqlite_store, tmp_path, name, line,
                                                         mutate, expected):
    original = (seed_folder() / name).read_text(encoding="utf-8").splitlines()[line - 1]
    folder = _broken_copy(tmp_path, name, line, mutate(json.loads(original)))
    with pytest.raises(InvalidInput) as err:
        load_seed(sqlite_store, folder)
    assert expected in str(err.value)
    assert sqlite_store.counts() == {"nodes": {}, "edges": {}}


def test_committed_files_match_the_build_script(records):
    from duijie.seed_data.build_seed import check, collect

    built_nodes, built_edges = collect()
    assert check(built_nodes, built_edges, None) == []
    def as_lines(items):
        return sorted(json.dumps(i, ensure_ascii=False, sort_keys=True) for i in items)

    assert as_lines([*built_nodes, *built_edges]) == as_lines(r.to_dict() for r in records)


def _duijie(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "duijie.api.cli", *args], capture_output=True,
                          text=True, encoding="utf-8", timeout=300)


def test_cli_seed_and_demo(db_path, nodes):
    first = _duijie("--db", str(db_path), "seed", "--json")
    assert first.returncode == 0, first.stderr
    report = json.loads(first.stdout)
    assert report["nodes_created"] == len(nodes)
    again = json.loads(_duijie("--db", str(db_path), "seed", "--json").stdout)
    assert again["nodes_created"] == 0 and again["counts"] == report["counts"]
    events = json.loads(_duijie("--db", str(db_path), "event", "list", "--json").stdout)
    (xian,) = [e for e in events if e["id"] == XIAN_EVENT]
    assert xian["recorded_firms"] == 11  # the record's firms, before anyone plans the trip
    demo = _duijie("--db", str(db_path), "demo")
    assert demo.returncode == 0, demo.stderr
    assert "赴西安精准对接“三服务”活动" in demo.stdout
    assert "浙江企业 11 家，达成合作的企业 8 家" in demo.stdout
    assert "浙江大立科技" in demo.stdout and "浙江大立科技（示意）" not in demo.stdout
    assert "示例西安材料研究院（示意）" in demo.stdout
    assert "40余名" in demo.stdout or "40余" in demo.stdout


def test_cli_demo_seeds_an_empty_store(tmp_path):
    db = tmp_path / "fresh.db"
    out = _duijie("--db", str(db), "demo", "--json")
    assert out.returncode == 0, out.stderr
    summary = json.loads(out.stdout)
    assert summary["seeded_now"] is True
    assert len(summary["xian"]["firms"]) == 11 and len(summary["xian"]["signed"]) == 5


@pytest.mark.parametrize("command", ["seed", "demo", "generate"])
def test_cli_help_has_an_example(command):
    done = _duijie(command, "--help")
    assert done.returncode == 0 and "Example:" in done.stdout
