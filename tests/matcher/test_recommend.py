"""Hybrid recommendation: pure combination, and the shared recommender on a real SQLite
file (`api.services.recommendations`, over the pure `matcher.recommender`)."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from duijie.api.services.recommendations import load_config, read_snapshot, shared_recommender
from duijie.graph.errors import InvalidInput, NotFound
from duijie.graph.model import Edge, Node, Provenance, edge_id
from duijie.matcher.recommend import (
    MAX_K,
    Party,
    RecommendConfig,
    check_k,
    combine,
    conflict_reasons,
    default_config,
    normalise,
    seed_weights,
    top_k,
)
from duijie.matcher.recommender import Recommender

ROOT = Path(__file__).resolve().parents[2]
PROV = [Provenance(source="test")]

NODES = [
    ("reg:zj", "Region", {"name": "浙江"}), ("reg:sx", "Region", {"name": "绍兴"}),
    ("reg:hz", "Region", {"name": "杭州"}), ("reg:xa", "Region", {"name": "西安"}),
    ("reg:sn", "Region", {"name": "陕西"}),
    ("topic:ir", "Topic", {"name": "红外探测"}), ("topic:cf", "Topic", {"name": "碳纤维"}),
    ("ent:dali", "Enterprise", {"name": "浙江大立科技", "region": "杭州", "group": "大立集团",
                                "rd_ratio_pct": 2.1, "flags": ["高新技术企业"]}),
    ("ent:dali2", "Enterprise", {"name": "大立光电", "region": "杭州", "group": "大立集团",
                                 "description": "红外热像仪 红外探测器 生产"}),
    ("ent:jingong", "Enterprise", {"name": "精功复合材料", "region": "绍兴", "industry": "新材料",
                                   "rd_ratio_pct": 4.0, "flags": ["高新技术企业"]}),
    ("need:ir", "Need", {"title": "非制冷红外探测器噪声抑制",
                         "text": "需要降低红外探测器读出电路噪声，提升灵敏度"}),
    ("need:cf", "Need", {"title": "碳纤维复合材料成型", "text": "碳纤维预浸料热压成型工艺优化"}),
    ("inst:opt", "Institute", {"name": "中国科学院西安光学精密机械研究所", "region": "西安",
                               "description": "光学成像 红外探测 空间光学"}),
    ("inst:zju", "Institute", {"name": "浙江大学材料学院", "region": "杭州",
                               "description": "碳纤维 复合材料 成型工艺"}),
    ("inst:hzir", "Institute", {"name": "杭州红外技术研究院", "region": "杭州",
                                "description": "红外探测器 读出电路 降噪"}),
    ("exp:wang", "Expert", {"name": "王研究员", "docs": [
        {"id": "p1", "title": "红外焦平面", "text": "红外探测器读出电路低噪声设计"}]}),
    ("exp:li", "Expert", {"name": "李教授", "region": "杭州", "docs": [
        {"id": "p2", "text": "碳纤维复合材料热压成型与缺陷检测"}]}),
    ("exp:zhao", "Expert", {"name": "赵工", "affiliation": "浙江大立科技", "docs": [
        {"id": "p3", "text": "红外探测器噪声抑制 读出电路"}]}),
    ("exp:busy", "Expert", {"name": "钱博士", "max_meetings": 0, "docs": [
        {"id": "p4", "text": "红外探测器 噪声"}]}),
    ("prog:zj", "Programme", {"name": "浙江省重点研发计划", "regions": ["浙江"],
                              "description": "支持红外探测 光电 新材料 关键技术攻关",
                              "rules": [{"field": "rd_ratio_pct", "op": ">=", "value": 3}],
                              "required_flags": ["高新技术企业"], "deadline": "2030-12-31"}),
    ("prog:sn", "Programme", {"name": "陕西省科技计划", "regions": ["陕西"],
                              "description": "支持光学 红外 项目"}),
]
EDGES = [
    ("reg:sx", "part_of", "reg:zj"), ("reg:hz", "part_of", "reg:zj"),
    ("reg:xa", "part_of", "reg:sn"),
    ("ent:dali", "submitted", "need:ir"), ("ent:jingong", "submitted", "need:cf"),
    ("need:ir", "about_topic", "topic:ir"), ("need:cf", "about_topic", "topic:cf"),
    ("ent:dali", "has_expertise", "topic:ir"), ("inst:opt", "has_expertise", "topic:ir"),
    ("inst:hzir", "has_expertise", "topic:ir"), ("inst:zju", "has_expertise", "topic:cf"),
    ("exp:wang", "affiliated_with", "inst:opt"), ("exp:wang", "has_expertise", "topic:ir"),
    ("exp:li", "has_expertise", "topic:cf"), ("exp:zhao", "affiliated_with", "ent:dali"),
    ("exp:zhao", "has_expertise", "topic:ir"), ("exp:busy", "has_expertise", "topic:ir"),
    ("ent:dali", "located_in", "reg:hz"), ("ent:jingong", "located_in", "reg:sx"),
    ("inst:opt", "located_in", "reg:xa"), ("inst:zju", "located_in", "reg:hz"),
    ("inst:hzir", "located_in", "reg:hz"), ("prog:zj", "about_topic", "topic:ir"),
    ("prog:sn", "about_topic", "topic:ir"), ("ent:jingong", "collaborated_with", "exp:li"),
]


def write(store, nodes, edges) -> None:
    with store.batch() as batch:
        for node_id, kind, props in nodes:
            batch.upsert_node(Node(node_id, kind, props, provenance=PROV))
        for src, kind, dst in edges:
            batch.upsert_edge(Edge(src, kind, dst, provenance=PROV))


@pytest.fixture
def store(sqlite_store):
    write(sqlite_store, NODES, EDGES)
    return sqlite_store


@pytest.fixture
def rec(store):
    return shared_recommender(store, today=date(2026, 1, 1))


def ids(recommendation):
    return [item.id for item in recommendation.items]


# -- pure parts ------------------------------------------------------------------------

def test_config_round_trips_and_rejects_unknown_keys(tmp_path):
    cfg = load_config()
    assert cfg == default_config()
    assert RecommendConfig.from_dict(cfg.to_dict()) == cfg
    assert cfg.set_params(alpha=0.5).get_params()["alpha"] == 0.5
    assert cfg.alpha == 0.85  # set_params returns a new config
    path = tmp_path / "c.json"
    path.write_text(json.dumps({**cfg.to_dict(), "alpah": 0.3}))
    with pytest.raises(InvalidInput, match="alpah"):
        load_config(path)
    with pytest.raises(InvalidInput, match=r"weights\.Expert"):
        RecommendConfig.from_dict({"weights": {"Expert": {"text": 0, "graph": 0}}})
    with pytest.raises(InvalidInput, match="seed role"):
        RecommendConfig.from_dict({"seed_weights": {"cousin": 1.0}})


def test_a_config_that_leaves_out_a_kind_names_it(tmp_path):
    data = default_config().to_dict()
    del data["weights"]["Need"]
    with pytest.raises(InvalidInput, match=r"weights.*leaves out Need"):
        RecommendConfig.from_dict(data)
    path = tmp_path / "weights.json"
    path.write_text(json.dumps(data))
    with pytest.raises(InvalidInput, match=r"weights\.json, weights.*leaves out Need"):
        load_config(path)
    with pytest.raises(InvalidInput, match="cannot be read"):
        load_config(tmp_path / "missing.json")


def test_the_recommender_takes_a_snapshot_not_a_store(store):
    with pytest.raises(TypeError, match="shared_recommender"):
        Recommender(store)


def test_seed_weights_share_a_role_among_its_nodes():
    seeds = seed_weights({"need": ["n"], "topic": ["a", "b", "a"], "region": ["r"]},
                         {"need": 1.0, "topic": 1.0, "region": 0.3})
    assert seeds == {"n": 1.0, "a": 0.5, "b": 0.5, "r": 0.3}
    assert seed_weights({"topic": []}, {"topic": 1.0}) == {}


def test_combine_normalise_and_top_k():
    text = normalise({"a": 4.0, "b": 2.0})
    graph = normalise({"b": 0.02, "c": 0.01})
    scores = combine({"text": text, "graph": graph}, {"text": 0.75, "graph": 0.25})
    assert scores == {"a": 0.75, "b": 0.625, "c": 0.125}
    assert top_k(scores, 2) == ["a", "b"]
    assert top_k({"x": 1.0, "w": 1.0}, 5) == ["w", "x"]
    assert normalise({"a": 0.0}) == {"a": 0.0}


@pytest.mark.parametrize("k", [1, 3, 10, 40, 120, 500])
def test_top_k_is_the_best_first_ties_by_id_whether_it_heaps_or_sorts(k):
    import random

    rng = random.Random(k)
    # many ties (scores on a coarse grid), zeros among them, ids not in score order
    scores = {f"c{rng.randrange(10**6):06d}": rng.randrange(8) / 4 for _ in range(400)}
    expected = [c for c, _ in sorted(scores.items(), key=lambda kv: (-kv[1], kv[0]))][:k]
    assert top_k(scores, k) == expected
    assert len(expected) == min(k, len(scores))


@pytest.mark.parametrize("k", [0, -1, MAX_K + 1, 10**9, 2.5, True, "10"])
def test_bad_k_is_refused(k):
    with pytest.raises(InvalidInput, match="k"):
        check_k(k)


def test_conflicts_of_interest():
    firm = Party("ent:a", "甲公司", "甲集团", frozenset({"ent:a", "ent:a2"}))
    assert conflict_reasons(firm, "ent:a2", "Enterprise", {}) != []
    assert conflict_reasons(firm, "ent:b", "Enterprise", {"group": "甲集团"}) != []
    assert conflict_reasons(firm, "exp:1", "Expert", {}, ["ent:a2"]) != []
    assert conflict_reasons(firm, "exp:1", "Expert", {"affiliation": "甲公司"}) != []
    assert conflict_reasons(firm, "exp:2", "Expert", {"affiliation": "乙大学"}, ["inst:b"]) == []
    assert conflict_reasons(Party(), "exp:1", "Expert", {"affiliation": "甲公司"}) == []


# -- the service on a real SQLite file --------------------------------------------------

def _every_left_out_is_suspected(recommender) -> int:
    """Check `may_be_left_out` against `_left_out_because` for every firm and every
    expert or institute; the number of (firm, candidate) pairs left out."""
    from duijie.matcher.ranking import _left_out_because, may_be_left_out

    kinds = recommender.snapshot.kinds
    left_out = 0
    for firm in [n for n, k in kinds.items() if k == "Enterprise"]:
        party = recommender.facts.party(firm)
        for kind in ("Expert", "Institute"):
            suspects = may_be_left_out(recommender, party, kind)
            for c in [n for n, k in kinds.items() if k == kind]:
                if _left_out_because(recommender, c, kind, None, False, party, set()):
                    assert c in suspects, (firm, c)
                    left_out += 1
    return left_out


def test_only_suspected_candidates_can_be_left_out_for_a_conflict(rec, tmp_path):
    """The map checks conflicts of interest only for `may_be_left_out`'s candidates: on
    the test graph (a group of two firms, an expert of one by edge and by name) and on
    the seed (its firms and affiliations), every candidate a page leaves out is among
    them."""
    from duijie.api.services.seeding import load_seed
    from duijie.graph.sqlite_store import SqliteStore

    assert _every_left_out_is_suspected(rec.current()) >= 1  # exp:zhao for 大立集团
    seeded = SqliteStore(tmp_path / "seed.db")
    load_seed(seeded)
    _every_left_out_is_suspected(shared_recommender(seeded).current())  # asserts each


def test_experts_for_a_need_with_conflicts_and_availability(rec):
    result = rec.recommend("need:ir", "expert", k=5)
    assert ids(result)[0] == "exp:wang"
    assert "exp:zhao" not in ids(result)  # works for the firm itself
    assert "exp:busy" not in ids(result)  # takes no meetings
    assert result.excluded == {"专家任职于需求方或其集团": 1, "专家暂不接受对接": 1}
    top = result.items[0]
    # The best text match scores 1, and its shown words carry all of it.
    assert top.components["text"] == 1.0 and top.components["graph"] > 0
    assert {"红外探测器", "噪声"} <= set(top.matched_phrases)
    assert "红外探测" not in top.matched_phrases  # inside 红外探测器 already
    assert any(p["text"] == "红外探测 → 王研究员" for p in top.paths)
    assert any(t["doc"] == "p1" and t["doc_title"] == "红外焦平面" for t in top.matched_terms)
    with_busy = rec.recommend("need:ir", "expert", k=5, available_only=False)
    assert "exp:busy" in ids(with_busy)


def test_institutes_with_region_filter(rec):
    best = rec.recommend("need:ir", "institute", k=3)
    assert ids(best)[:2] == ["inst:opt", "inst:hzir"]
    xian = rec.recommend("need:ir", "institute", k=3, region="西安市")
    assert ids(xian) == ["inst:opt"]
    assert xian.excluded == {"地区不在西安": 2}
    assert "inst:opt" not in ids(rec.recommend("need:ir", "institute", k=3, region="浙江"))


def test_experts_inherit_their_institutes_region(rec):
    assert ids(rec.recommend("need:ir", "expert", k=5, region="陕西")) == ["exp:wang"]


def test_unknown_region_lists_close_ones(rec):
    with pytest.raises(InvalidInput, match=r"西按.*close known regions: 西安"):
        rec.recommend("need:ir", "institute", region="西按")
    with pytest.raises(InvalidInput, match="empty"):
        rec.recommend("need:ir", "institute", region="  ")


def test_programmes_carry_the_firms_eligibility(rec):
    result = rec.recommend("need:ir", "programme", k=5)
    by_id = {item.id: item for item in result.items}
    zj = by_id["prog:zj"].rules
    assert zj["status"] == "not_eligible"
    assert [c["text"] for c in zj["failed"]] == ["研发投入占比 2.1% < 3%"]
    assert {c["text"] for c in zj["passed"]} >= {"具备高新技术企业", "所在地区 杭州 属于 浙江"}
    sn = by_id["prog:sn"].rules
    assert [c["text"] for c in sn["failed"]] == ["所在地区 杭州 不属于 陕西"]
    assert by_id["prog:zj"].components["rules"] == by_id["prog:sn"].components["rules"] == 0
    # 精功 (绍兴, R&D 4%, 高新) qualifies for the Zhejiang programme, but neither programme
    # is about carbon fibre: eligibility alone never proposes a programme.
    cf = rec.recommend("need:cf", "programme", k=5)
    assert ids(cf) == [] and cf.excluded == {"与需求没有主题关联": 2}
    assert rec.current().rules("prog:zj", "Programme", "ent:jingong").status == "eligible"


def test_enterprises_of_the_same_group_are_never_proposed(rec):
    result = rec.recommend("need:ir", "enterprise", k=5)
    assert "ent:dali2" not in ids(result) and "ent:dali" not in ids(result)
    assert result.excluded


def test_unsaved_need_text_seeds_topics_it_names(rec):
    result = rec.recommend(text="碳纤维预浸料的热压工艺", kind="expert", k=3)
    assert ids(result)[0] == "exp:li"
    assert any(p["nodes"][0] == "topic:cf" for p in result.items[0].paths)
    firm = rec.recommend(text="红外探测器降噪", kind="expert", k=5, firm_id="ent:dali")
    assert "exp:zhao" not in ids(firm)


def test_reverse_needs_for_an_expert_and_firms_for_a_programme(rec):
    li = rec.recommend_for("exp:li", "need", k=5)
    assert ids(li)[0] == "need:cf"
    zhao = rec.recommend_for("exp:zhao", "need", k=5)
    assert "need:ir" not in ids(zhao)  # his own firm's need
    assert zhao.excluded.get("查询对象本身") == 1
    firms = rec.recommend_for("prog:zj", "enterprise", k=5)
    assert ids(firms)[0] == "ent:jingong"
    assert firms.items[0].rules["status"] == "eligible"
    by_id = {item.id: item for item in firms.items}
    assert by_id["ent:dali2"].rules["status"] == "unknown"
    with pytest.raises(InvalidInput, match="is a Need"):
        rec.recommend_for("need:ir")
    with pytest.raises(NotFound):
        rec.recommend_for("exp:nobody")


def test_a_new_need_and_expert_are_rankable_at_once(store, rec):
    before = rec.current()
    model = before.text["Expert"]
    write(store, [("need:sic", "Need", {"title": "碳化硅外延缺陷",
                                        "text": "降低碳化硅外延片缺陷密度"}),
                  ("topic:sic", "Topic", {"name": "碳化硅"})],
          [("ent:dali", "submitted", "need:sic"), ("need:sic", "about_topic", "topic:sic")])
    assert rec.recommend("need:sic", "expert", k=3).reason  # nobody knows SiC yet
    new_expert = ("exp:sun", "Expert", {"name": "孙教授", "docs": [
        {"id": "s1", "text": "碳化硅外延生长与缺陷控制"}]})
    write(store, [new_expert], [("exp:sun", "has_expertise", "topic:sic")])
    result = rec.recommend("need:sic", "expert", k=3)
    assert ids(result)[0] == "exp:sun"
    assert result.items[0].components == {"text": 1.0, "graph": 1.0}
    now = rec.current()
    assert rec.base.full_builds == 1 and rec.base.incremental_builds == 2  # no refit
    assert now.text["Expert"].n_added_ == 1
    assert model.n_added_ == 0 and "exp:sun" not in before.snapshot  # the old one as it was
    with pytest.raises(NotFound):
        before.recommend("need:sic", "expert")
    # The incrementally grown index ranks exactly as one built from scratch.
    fresh = Recommender(read_snapshot(store))
    seeds = {"need:sic": 1.0, "ent:dali": 0.5}
    assert now.index.pagerank(seeds) == pytest.approx(fresh.index.pagerank(seeds), abs=1e-9)
    assert ids(fresh.recommend("need:sic", "expert", k=1)) == ["exp:sun"]


def test_the_region_index_follows_the_one_by_one_rule_and_grows(store, rec):
    def one_by_one(r, kind, name):
        return {n for n, k in r.kind_of.items() if k == kind and name in r.regions_of(n)}

    before = rec.current()
    names = {name for n in before.kind_of for name in before.regions_of(n)}
    assert {"浙江", "杭州", "西安"} <= names
    for kind in ("Expert", "Institute", "Enterprise"):
        for name in names:
            assert before.facts.in_region(kind, name) == one_by_one(before, kind, name)
    filtered = rec.recommend("need:ir", "expert", k=5, region="浙江")
    write(store, [("exp:hz", "Expert", {"name": "钱研究员", "region": "杭州", "docs": [
        {"id": "h1", "text": "红外探测器读出电路噪声"}]})], [])
    grown = rec.current()
    assert rec.base.incremental_builds == 1 and grown.facts._in_region  # grown, not rebuilt
    for name in names:
        assert grown.facts.in_region("Expert", name) == one_by_one(grown, "Expert", name)
    assert "exp:hz" in grown.facts.in_region("Expert", "浙江")
    again = rec.recommend("need:ir", "expert", k=5, region="浙江")
    assert "exp:hz" in ids(again) and sum(again.excluded.values()) >= sum(
        filtered.excluded.values())
    # a new place for a known expert: the index is built again, not grown
    write(store, [("reg:nb", "Region", {"name": "宁波"})], [("exp:li", "located_in", "reg:nb")])
    moved = rec.current()
    assert "exp:li" in moved.facts.in_region("Expert", "宁波")


def test_a_changed_record_reads_the_store_again(store, rec):
    assert "inst:opt" in ids(rec.recommend("need:ir", "institute", k=3, region="西安"))
    write(store, [("inst:opt", "Institute", {"name": "中国科学院西安光学精密机械研究所",
                                             "region": "杭州"})], [])
    with store.batch() as batch:
        batch.delete_edge(edge_id("inst:opt", "located_in", "reg:xa"))
    assert "inst:opt" not in ids(rec.recommend("need:ir", "institute", k=3, region="西安"))
    assert rec.base.full_builds == 2


@pytest.mark.parametrize("text", ["", "   \n\t", "，。！？……", None])
def test_bad_need_text_is_a_clear_error(rec, text):
    with pytest.raises(InvalidInput, match=r"text|recommend"):
        rec.recommend(text=text, kind="expert") if text is not None else rec.recommend()


def test_one_megabyte_of_text_is_cut_not_crashing(rec):
    result = rec.recommend(text="红外探测器噪声" * 150_000, kind="institute", k=2)
    assert len("红外探测器噪声" * 150_000) > 1_000_000
    assert ids(result)[0] in {"inst:opt", "inst:hzir"}


def test_bad_ids_kinds_and_k(rec):
    with pytest.raises(NotFound, match="need:nope"):
        rec.recommend("need:nope", "expert")
    with pytest.raises(NotFound):
        rec.recommend("exp:wang", "expert")  # an expert is not a need
    with pytest.raises(InvalidInput, match="kind"):
        rec.recommend("need:ir", "wizard")
    with pytest.raises(InvalidInput, match="k"):
        rec.recommend("need:ir", "expert", k=0)
    with pytest.raises(InvalidInput, match="not both"):
        rec.recommend("need:ir", text="红外")


def test_huge_k_returns_all_with_a_reason(rec):
    result = rec.recommend("need:ir", "institute", k=MAX_K)
    assert len(result.items) == 3
    assert "only 3" in result.reason


def test_empty_result_always_says_why(rec, store):
    everyone_away = rec.recommend("need:cf", "institute", k=3, region="西藏")
    assert everyone_away.items == [] and everyone_away.reason
    nothing_shared = rec.recommend(text="zebra quantum pastry", kind="institute")
    assert nothing_shared.items == []
    assert "no Institute shares a term" in nothing_shared.reason


def test_stored_need_with_unsearchable_text_falls_back_to_the_graph(store):
    write(store, [("need:dots", "Need", {"title": "……", "text": "？？"})],
          [("ent:dali", "submitted", "need:dots"), ("need:dots", "about_topic", "topic:ir")])
    result = shared_recommender(store).recommend("need:dots", "institute", k=2)
    assert "text not used" in result.query["note"]
    assert ids(result)[0] in {"inst:opt", "inst:hzir"}
    assert all(item.components["text"] == 0 for item in result.items)


# -- CLI in a subprocess -----------------------------------------------------------------

def run_cli(db: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "duijie.api.cli", "--db", str(db), *args],
                          capture_output=True, text=True, cwd=ROOT, timeout=120)


def test_cli_recommend_and_recommend_for(store, db_path):
    store.close()
    out = run_cli(db_path, "recommend", "need:ir", "--kind", "institute", "--k", "2", "--json")
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert [i["id"] for i in data["items"]] == ["inst:opt", "inst:hzir"]
    assert data["items"][0]["explanation"]["paths"]
    text = run_cli(db_path, "recommend", "need:ir", "--kind", "institute", "--region", "西安")
    assert text.returncode == 0, text.stderr
    assert "中国科学院西安光学精密机械研究所" in text.stdout and "共同主题：红外探测" in text.stdout
    assert "杭州红外技术研究院" not in text.stdout
    unsaved = run_cli(db_path, "recommend", "--text", "碳纤维热压成型", "--kind", "expert")
    assert unsaved.returncode == 0 and "李教授" in unsaved.stdout
    reverse = run_cli(db_path, "recommend-for", "prog:zj", "--kind", "enterprise")
    assert reverse.returncode == 0 and "研发投入占比 2.1% < 3%" in reverse.stdout


def test_cli_errors_are_one_line_with_exit_codes(store, db_path):
    store.close()
    bad_region = run_cli(db_path, "recommend", "need:ir", "--region", "西按")
    assert bad_region.returncode == 2 and "西安" in bad_region.stderr
    missing = run_cli(db_path, "recommend", "need:nope")
    assert missing.returncode == 3
    nothing = run_cli(db_path, "recommend")
    assert nothing.returncode == 2 and "--text" in nothing.stderr
    for command in ("recommend", "recommend-for"):
        help_text = run_cli(db_path, command, "--help")
        assert help_text.returncode == 0 and "Example:" in help_text.stdout


# -- the seed data on a real SQLite file ------------------------------------------------

@pytest.fixture(scope="module")
def seeded(tmp_path_factory):
    from duijie.api.services.seeding import XIAN_EVENT, load_seed
    from duijie.graph.sqlite_store import SqliteStore

    store = SqliteStore(tmp_path_factory.mktemp("seed") / "duijie.db")
    load_seed(store)
    yield store, shared_recommender(store, today=date(2026, 1, 1)).current(), XIAN_EVENT
    store.close()


def test_seed_xian_trip_firms_get_xian_institutes(seeded):
    store, rec, xian_event = seeded
    graph = store.projection()
    firms = [u for u in graph.predecessors(xian_event) if graph.nodes[u]["kind"] == "Enterprise"]
    assert len(firms) == 11
    checked = 0
    for firm in firms:
        for need in (v for v in graph.successors(firm) if graph.nodes[v]["kind"] == "Need"):
            result = rec.recommend(need, "institute", k=5, region="西安")
            assert result.items, result.reason
            for item in result.items:
                assert "西安" in rec.regions_of(item.id), (need, item.name)
            checked += 1
    assert checked >= 11


def test_seed_dali_need_finds_an_infrared_institute_through_its_field(seeded):
    # 大立科技's need is the record's one sentence; its field (infrared) comes from the
    # firm's public listing. The invented 示例西安光电研究所 works in that field, so it is
    # found through the topic, not through any planted met/signed/collaborated edge.
    _, rec, _ = seeded
    result = rec.recommend("need:xian-dali-technology", "institute", k=3, region="西安")
    assert result.items[0].id == "inst:ill-xian-optics"
    optics = result.items[0]
    assert optics.components["graph"] > max(i.components["graph"] for i in result.items[1:])
    assert any(path["edges"] == ["has_expertise"] and path["nodes"][0] == "topic:infrared-detection"
               for path in optics.paths)
    planted = {"met", "signed", "collaborated_with"}
    assert not any(planted & set(path["edges"]) for item in result.items for path in item.paths)
    # Without the filter, the top institutes still work in infrared or optics.
    unfiltered = rec.recommend("need:xian-dali-technology", "institute", k=3)
    assert unfiltered.items[0].id in {"inst:ill-xian-optics", "inst:ill-hangzhou-optics"}


def test_seed_programmes_explain_eligibility_and_experts_reverse(seeded):
    _, rec, _ = seeded
    # the record's own need says no technical topic, so no programme is proposed for it
    record_need = rec.recommend("need:xian-dali-technology", "programme", k=5)
    assert not record_need.items and "没有主题关联" in record_need.reason
    programmes = rec.recommend("need:ill-0001", "programme", k=5)
    assert programmes.items
    assert all(item.rules is not None and item.rules["status"] in
               {"eligible", "not_eligible", "unknown"} for item in programmes.items)
    reverse = rec.recommend_for("inst:ill-xian-optics", "need", k=5)
    assert reverse.items
    assert any("红外" in item.name for item in reverse.items)


def test_an_empty_store_says_so(sqlite_store):
    result = shared_recommender(sqlite_store).recommend(text="红外探测", kind="expert")
    assert result.items == [] and "no Expert candidates" in result.reason
    with pytest.raises(NotFound):
        shared_recommender(sqlite_store).recommend("need:x")


def test_programme_to_needs_checks_each_needs_firm(rec):
    result = rec.recommend_for("prog:zj", "need", k=5)
    status = {item.id: item.rules["status"] for item in result.items}
    assert status == {"need:cf": "eligible", "need:ir": "not_eligible"}
    assert ids(result) == ["need:cf", "need:ir"]


def test_within_narrows_the_answer_not_the_scores(rec):
    full = {i.id: i.score for i in rec.recommend("need:ir", kind="institute", k=50).items}
    listed = ["inst:hzir", "inst:zju", "exp:wang"]  # an expert is not an institute
    got = rec.recommend("need:ir", kind="institute", k=50, within=listed)
    assert {i.id for i in got.items} == {"inst:hzir", "inst:zju"} & set(full)
    assert all(i.score == full[i.id] for i in got.items)  # normalised as before
