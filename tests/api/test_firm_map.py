"""A firm's own map: its needs, the suppliers that can serve them and its meetings, and
nothing of any other firm (a confidential probe: another firm's confidential need on the
same subject, its meeting with a supplier on this map, its collaboration with this firm);
who may open it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from duijie.api.services.access import Viewer
from duijie.api.services.firm_map import firm_map
from duijie.api.services.seeding import load_seed
from duijie.graph.errors import NotFound
from duijie.graph.model import Edge, Node
from duijie.graph.sqlite_store import SqliteStore

FIRM, OTHER = "ent:ailaiyi", "ent:probe-other"
OTHER_NAME, SECRET = "探针别家纺织公司", "探针机密：纺织数字化车间排产系统"


@pytest.fixture(scope="module")
def store(tmp_path_factory) -> SqliteStore:
    store = SqliteStore(Path(tmp_path_factory.mktemp("firm_map")) / "seed.db")
    load_seed(store)
    mine = {e.dst for e in store.find_edges("submitted", src=FIRM)}
    text = " ".join(str(store.get_node(n).props.get("title")) for n in sorted(mine))
    with store.batch() as b:
        b.upsert_node(Node(OTHER, "Enterprise", {"name": OTHER_NAME, "region": "丽水",
                                                 "industry": "纺织印染"}))
        b.upsert_node(Node("need:probe-secret", "Need", {"title": SECRET, "text": text,
                                                         "region": "丽水"},
                           confidentiality="confidential"))
        b.upsert_edge(Edge(OTHER, "submitted", "need:probe-secret"))
        b.upsert_edge(Edge(FIRM, "collaborated_with", OTHER))
        b.upsert_node(Node("need:ailaiyi-own-secret", "Need", {
            "title": "本企业机密：数字化车间排产", "text": text, "region": "丽水"},
            confidentiality="confidential"))
        b.upsert_edge(Edge(FIRM, "submitted", "need:ailaiyi-own-secret"))
    yield store
    store.close()


def test_the_firms_map_holds_its_own_needs_and_suppliers_only(store) -> None:
    drawn = firm_map(store, FIRM, viewer=Viewer.enterprise("u1", FIRM))
    kinds = {n.id: n.kind for n in drawn.nodes}
    assert [i for i, k in kinds.items() if k == "Enterprise"] == [FIRM]
    mine = {e.dst for e in store.find_edges("submitted", src=FIRM)}
    needs = {i for i, k in kinds.items() if k == "Need"}
    assert needs and needs <= mine and "need:ailaiyi-own-secret" in needs
    assert set(kinds.values()) <= {"Enterprise", "Need", "Expert", "Institute"}
    suppliers = {i for i, k in kinds.items() if k in ("Expert", "Institute")}
    assert suppliers, "the firm's needs have strong suppliers on the seed"
    # The other firm's confidential need is on the same subject: its best suppliers are
    # this map's; put its meeting with one of them on record, then look for it anywhere.
    with store.batch() as b:
        b.upsert_edge(Edge("need:probe-secret", "met", sorted(suppliers)[0]))
    again = firm_map(store, FIRM, viewer=Viewer.enterprise("u1", FIRM))
    for shown in (drawn, again, firm_map(store, FIRM, viewer=Viewer.organiser("u2"))):
        text = json.dumps(shown.to_dict(), ensure_ascii=False)
        assert OTHER not in text and OTHER_NAME not in text and SECRET not in text
        assert "need:probe-secret" not in text
        other_firms = {n.id for n in store.find_nodes("Enterprise", limit=10_000)} - {FIRM}
        assert not [f for f in other_firms if f in text]
    assert {e.source for e in drawn.edges} | {e.target for e in drawn.edges} <= set(kinds)


def test_who_may_open_a_firms_map(store) -> None:
    for viewer in (Viewer.enterprise("u3", OTHER), Viewer.expert("u4", "exp:xian-han-zhenyu"),
                   Viewer.organiser("u5", "西安"), Viewer.analyst("u6")):
        with pytest.raises(NotFound, match="is not an enterprise you can open"):
            firm_map(store, FIRM, viewer=viewer)
    with pytest.raises(NotFound):
        firm_map(store, "ent:no-such-firm")
    with pytest.raises(NotFound):
        firm_map(store, "exp:xian-han-zhenyu")  # not a firm
    scoped = firm_map(store, FIRM, viewer=Viewer.organiser("u7", "丽水"))
    assert any(n.id == "need:ailaiyi-own-secret" for n in scoped.nodes)
    firm_side = firm_map(store, OTHER, viewer=Viewer.enterprise("u3", OTHER))
    text = json.dumps(firm_side.to_dict(), ensure_ascii=False)
    assert "need:probe-secret" in text and FIRM not in text and "艾莱依" not in text


def test_the_firms_own_meetings_and_signings_are_on_its_map(store) -> None:
    need = next(n for n in sorted(e.dst for e in store.find_edges("submitted", src=FIRM))
                if store.get_node(n).props.get("need_type", "technology") == "technology")
    met, signed = "exp:xian-han-zhenyu", "inst:xidian-university"  # not strong matches
    with store.batch() as b:
        b.upsert_edge(Edge(need, "met", met))
        b.upsert_edge(Edge(need, "signed", signed))
    drawn = firm_map(store, FIRM, viewer=Viewer.enterprise("u1", FIRM))
    links = {(e.source, e.target): e.kinds for e in drawn.edges}
    assert "met" in links[tuple(sorted((need, met)))]
    assert "signed" in links[tuple(sorted((need, signed)))]
    assert drawn.links["met"] >= 1 and drawn.links["signed"] >= 1
    assert need not in {g.id for g in drawn.unmet_needs}  # a signed need is never a gap
    # its policy question is a department's to answer: listed apart, not drawn
    assert [o.need_type for o in drawn.other_needs] == ["policy"]
    assert not {o.id for o in drawn.other_needs} & {n.id for n in drawn.nodes}
