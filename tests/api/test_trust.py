"""Recommendations an office worker trusts (issue 11), each a test on the seed data.

Written on facts of the seed data that stay whatever is invented around them: real
programmes (the Keqiao policy, 西湖友谊奖, 国合到家), regions and real organisations.
"""

from __future__ import annotations

from datetime import date

import pytest

from duijie.api.services.recommendations import shared_recommender
from duijie.api.services.seeding import load_seed
from duijie.graph.model import Node, Provenance
from duijie.graph.sqlite_store import SqliteStore

TODAY = date(2026, 6, 1)
KEQIAO = "prog:keqiao-tech-policy"


@pytest.fixture(scope="module")
def seeded(tmp_path_factory):
    store = SqliteStore(tmp_path_factory.mktemp("trust") / "duijie.db")
    load_seed(store)
    yield store
    store.close()


def rec(store):
    return shared_recommender(store, today=TODAY).current()


def keqiao_firms(store) -> list[str]:
    return [n.id for n in store.find_nodes("Enterprise", limit=10**6)
            if "柯桥" in (n.props.get("region") or "")]


def test_every_keqiao_firm_meets_the_keqiao_policy(seeded):
    firms = keqiao_firms(seeded)
    assert firms, "the seed data has firms in 柯桥区"
    r = rec(seeded)
    for firm in firms:
        result = r.rules(KEQIAO, "Programme", firm)
        region_lines = [c.text_zh for c in result.failed if c.field == "region"]
        assert not region_lines, (firm, region_lines)
        assert any(c.field == "region" for c in result.passed)


@pytest.mark.parametrize("region", ["绍兴市柯桥区", "柯桥", "柯桥区"])
def test_a_firm_written_any_way_in_keqiao_is_in_keqiao(seeded, region, tmp_path):
    store = SqliteStore(tmp_path / "one.db")
    try:
        load_seed(store)
        with store.batch() as batch:
            batch.upsert_node(Node("ent:test-keqiao", "Enterprise", {
                "name": "测试柯桥印染", "region": region, "industry": "纺织印染"},
                provenance=[Provenance(source="test")]))
        result = rec(store).rules(KEQIAO, "Programme", "ent:test-keqiao")
        assert result.status == "eligible", [c.text_zh for c in result.failed]
        lines = [c.text_zh for c in result.passed + result.failed + result.unknown]
        assert len(lines) == len(set(lines)) and len(lines) == 2  # region, industry
    finally:
        store.close()


def test_eligibility_lines_are_said_in_words_once(seeded):
    r = rec(seeded)
    firms = [n.id for n in seeded.find_nodes("Enterprise", limit=10**6)]
    programmes = [n.id for n in seeded.find_nodes("Programme", limit=10**6)]
    for firm in firms:
        for prog in programmes:
            result = r.rules(prog, "Programme", firm)
            for checks in (result.passed, result.failed, result.unknown):
                texts = [c.text_zh for c in checks]
                assert len(texts) == len(set(texts)), (firm, prog, texts)
                fields = [c.field for c in checks if c.field in ("region", "industry")]
                assert len(fields) == len(set(fields)), (firm, prog, texts)
            for c in result.passed + result.failed:
                assert not any(f" {op} " in f" {c.text_zh} " for op in
                               ("in", "not_in", "==", "!=", ">=", "<=")), c.text_zh
