"""Recommendations an office worker trusts (issue 11), each a test on the seed data.

Written on facts of the seed data that stay whatever is invented around them: real
programmes (the Keqiao policy, 西湖友谊奖, 国合到家), regions and real organisations.
"""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from duijie.api.services.recommendations import shared_recommender
from duijie.api.services.seeding import load_seed
from duijie.graph.model import Node, Provenance
from duijie.graph.sqlite_store import SqliteStore

ROOT = Path(__file__).resolve().parents[2]
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


# -- 6. recommend --firm NAME ---------------------------------------------------------------

def run_cli(db, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "duijie.api.cli", "--db", str(db), *args],
                          capture_output=True, text=True, cwd=ROOT, timeout=180)


def test_recommend_takes_the_firm_by_its_stored_name_or_a_sure_resolution(tmp_path):
    db = tmp_path / "cli.db"
    assert run_cli(db, "seed").returncode == 0
    firm = "ent:yingfeng-tech"
    resolved = json.loads(run_cli(db, "resolve", "浙江迎丰科技股份有限公司", "--json").stdout)
    assert resolved["candidates"][0]["node_id"] == firm
    assert resolved["candidates"][0]["score"] == 1.0
    for given in (firm, "迎丰科技", "浙江迎丰科技股份有限公司"):
        out = run_cli(db, "recommend", "--text", "印染废水处理", "--kind", "programme",
                      "--firm", given, "--k", "3", "--json")
        assert out.returncode == 0, (given, out.stderr)
        assert json.loads(out.stdout)["query"]["firm"] == firm
    text = run_cli(db, "recommend", "--text", "印染废水处理", "--firm", "迎丰科技", "--k", "1")
    assert "需求方：迎丰科技" in text.stdout
    unknown = run_cli(db, "recommend", "--text", "印染废水处理", "--firm", "完全不存在的某公司")
    assert unknown.returncode == 3
    assert "firm" in unknown.stderr and "完全不存在的某公司" in unknown.stderr
