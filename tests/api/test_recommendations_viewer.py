"""Recommendations filtered for who asks, on the seed graph: a firm gets its own needs'
matches without scores or another firm's records on any path, nobody outside the firm
and the organisers meets a confidential need, and the operator's answer is unchanged."""

from __future__ import annotations

import pytest

from duijie.api.services.access import Viewer
from duijie.api.services.needs import submit_need
from duijie.api.services.recommendations import (
    NOTHING_SHOWN,
    recommend_for_candidate,
    recommend_for_need,
    recommend_for_text,
    shared_recommender,
)
from duijie.api.services.seeding import load_seed
from duijie.graph import open_store
from duijie.graph.errors import NotFound

AILAIYI = Viewer.enterprise("usr:1", "ent:ailaiyi")
# another firm: an invented one with open laser needs the laser expert fits
XINYUN = Viewer.enterprise("usr:2", "ent:ill-firm-028")
LASER_EXPERT = "exp:xian-han-zhenyu"
OWN_NEED = "need:ailaiyi-digital-project-policy"


@pytest.fixture(scope="module")
def seeded():
    store = open_store(":memory:")
    load_seed(store)
    secret = submit_need(store, {
        "title": "机密：超快光纤激光器光束质量控制", "confidentiality": "confidential",
        "text": "高功率超快光纤激光器在百瓦级输出时光束质量变差，非线性效应明显，"
                "需要光束质量控制与非线性抑制方面的专家指导。", "region": "丽水"},
        viewer=AILAIYI, author="ailaiyi", submission_key="viewer-test-1")
    yield store, secret.id
    store.close()


def firm_kinds(store, ids):
    return {n.id: n.kind for n in store.get_nodes(set(ids)).values()}


def test_the_operator_gets_what_the_recommender_answers(seeded):
    store, _ = seeded
    plain = shared_recommender(store).recommend(OWN_NEED, "institute", 5).to_dict()
    answer = recommend_for_need(store, OWN_NEED, kind="institute", k=5).to_dict()
    assert answer.pop("ranking")["method"] == "hybrid"  # too few recorded outcomes to learn
    assert answer == plain
    assert plain["items"][0]["score"] is not None


def test_a_firm_sees_its_need_matches_without_scores_or_other_firms(seeded):
    store, _ = seeded
    # k=15: deep enough that the seed routes some paths through another firm
    full = recommend_for_need(store, OWN_NEED, kind="institute", k=15).to_dict()
    mine = recommend_for_need(store, OWN_NEED, kind="institute", k=15,
                              viewer=AILAIYI).to_dict()
    assert [i["id"] for i in mine["items"]] == [i["id"] for i in full["items"]]
    assert mine["count"] == len(mine["items"]) and mine["excluded"] == {}
    all_paths = [p for i in full["items"] for p in i["explanation"]["paths"]]
    shown = [p for i in mine["items"] for p in i["explanation"]["paths"]]
    kinds = firm_kinds(store, {n for p in all_paths for n in p["nodes"]})
    private = {"Enterprise", "Need", "Meeting", "Outcome"}
    foreign = [p for p in all_paths if any(
        kinds[n] in private and n not in (OWN_NEED, "ent:ailaiyi") for n in p["nodes"])]
    # Organisers see another firm on a path only as a named reason (a firm of the same
    # industry that worked with the candidate, tests/api/test_trust.py); a firm never does.
    assert all(p["reason"]["code"] == "industry_peer" for p in foreign)
    assert not [p for p in shown if p in foreign or any(
        kinds[n] in private and n not in (OWN_NEED, "ent:ailaiyi") for n in p["nodes"])]
    for item in mine["items"]:
        assert item["score"] is None and item["components"] == {}
        assert all(p["score"] is None for p in item["explanation"]["paths"])
        assert all(t["weight"] is None for t in item["explanation"]["matched_terms"])


def test_another_firms_need_is_not_found_like_an_unknown_one(seeded):
    store, secret = seeded
    with pytest.raises(NotFound) as other:
        recommend_for_need(store, secret, viewer=XINYUN)
    with pytest.raises(NotFound) as unknown:
        recommend_for_need(store, "need:nope", viewer=XINYUN)
    assert str(other.value).replace(secret, "X") == str(unknown.value).replace(
        "need:nope", "X")
    with pytest.raises(NotFound):
        recommend_for_text(store, "激光", firm_id="ent:ailaiyi", viewer=XINYUN)


def test_a_confidential_need_reaches_only_its_firm_and_organisers(seeded):
    store, secret = seeded
    seen = {}
    for name, viewer in {"office": Viewer.organiser("usr:o"), "firm": AILAIYI,
                         "xian": Viewer.organiser("usr:x", "西安"), "other": XINYUN,
                         "expert": Viewer.expert("usr:e", LASER_EXPERT)}.items():
        data = recommend_for_candidate(store, LASER_EXPERT, k=10, viewer=viewer).to_dict()
        assert data["count"] == len(data["items"])
        seen[name] = data
    ids = {name: [i["id"] for i in data["items"]] for name, data in seen.items()}
    assert secret in ids["office"][:3] and secret in ids["firm"]
    for name in ("xian", "other", "expert"):
        assert secret not in ids[name] and "机密" not in str(seen[name])
    xinyun_needs = {n.id for _, n in store.neighbours("ent:ill-firm-028", "submitted", "out")}
    assert ids["other"] and set(ids["other"]) <= xinyun_needs
    # The expert sees only public needs shared with them (met or signed with them).
    shared = {e.src for kind in ("met", "signed")
              for e in store.find_edges(kind, dst=LASER_EXPERT, limit=10**6)}
    assert set(ids["expert"]) <= shared and seen["expert"]["excluded"] == {}
    if not ids["expert"]:
        assert seen["expert"]["reason"] == NOTHING_SHOWN
    assert seen["office"]["items"][0]["score"] is not None


def test_an_organisers_region_is_an_index_read_once_per_graph_version(tmp_path):
    from duijie.api.services.access import in_scope
    from duijie.api.services.recommendations import SIGHTS, _Sight
    from duijie.graph.model import Node, Provenance
    from duijie.graph.sqlite_store import SqliteStore
    from duijie.graph.store import iter_nodes

    store = SqliteStore(tmp_path / "duijie.db")
    load_seed(store)
    shared = shared_recommender(store)
    regions = {n.props.get("region") for kind in ("Expert", "Enterprise")
               for n in iter_nodes(store, kind)} - {None, ""}
    assert len(regions) > 5
    for scope in [*sorted(regions), "浙江", "绍兴市", "陕西"]:
        viewer = Viewer.organiser("usr:org", scope)
        sight = _Sight.of(store, viewer)
        for kind, node_kind in (("expert", "Expert"), ("enterprise", "Enterprise")):
            # the slow rule: every node of the kind read and checked one by one
            one_by_one = frozenset(n.id for n in iter_nodes(store, node_kind)
                                   if in_scope(viewer, [n.props.get("region") or ""]))
            assert sight.within(kind, shared.current()) == one_by_one, (scope, kind)
    # another organiser of the same region gets the same sight without a read
    hits = SIGHTS.hits
    assert _Sight.of(store, Viewer.organiser("usr:other", "西安")) is _Sight.of(
        store, Viewer.organiser("usr:org", "西安"))
    assert SIGHTS.hits >= hits + 2
    # an expert written now is in the region's index of the grown recommender
    before = shared.current()
    with store.batch() as batch:
        batch.upsert_node(Node("exp:new-xian", "Expert", {
            "name": "新专家", "region": "西安", "docs": [{"id": "d", "text": "红外探测器降噪"}]},
            [], [Provenance(source="test")]))
    after = shared.current()
    assert after is not before and before.snapshot.version != after.snapshot.version
    sight = _Sight.of(store, Viewer.organiser("usr:org", "西安"))
    assert "exp:new-xian" in sight.within("expert", after)
    assert shared.base.incremental_builds >= 1
    store.close()
