"""A firm's profile and a programme push, on a real SQLite file and through the CLI."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from duijie.api.services.access import Viewer
from duijie.api.services.firms import firm_profile, push_programme
from duijie.api.services.problems import add_problem
from duijie.graph.errors import InvalidInput, NotFound
from duijie.graph.model import Edge, Node
from duijie.graph.sqlite_store import SqliteStore
from tests.api.test_cli import run

RULES = [{"field": "rd_ratio_pct", "op": ">=", "value": 3, "label": "研发投入占比不低于3%"}]


@pytest.fixture
def store(db_path: Path):
    store = SqliteStore(db_path)
    with store.batch() as b:
        b.upsert_node(Node("prog:ht", "Programme", {
            "name": "高新技术企业认定", "level": "national", "rules": RULES,
            "grants_flag": "高新技术企业", "value_wan": 50}))
        b.upsert_node(Node("prog:open", "Programme", {"name": "没有条件的计划"}))
        for fid, name, props in (
                ("ent:new", "新申报公司", {"rd_ratio_pct": 3.4, "region": "杭州"}),
                ("ent:holder", "已认定公司", {"rd_ratio_pct": 5.0, "flags": ["高新技术企业"]}),
                ("ent:edge", "有认定记录公司", {"rd_ratio_pct": 5.0}),
                ("ent:applied", "已申报公司", {"rd_ratio_pct": 4.0}),
                ("ent:low", "研发偏低公司", {"rd_ratio_pct": 2.1, "region": "杭州"})):
            b.upsert_node(Node(fid, "Enterprise", {"name": name, **props}))
        b.upsert_edge(Edge("ent:edge", "awarded", "prog:ht"))
        b.upsert_edge(Edge("ent:applied", "applied_for", "prog:ht"))
        b.upsert_node(Node("need:low-1", "Need", {"title": "红外降噪"}))
        b.upsert_edge(Edge("ent:low", "submitted", "need:low-1"))
    yield store
    store.close()


def test_push_lists_qualifying_firms_that_neither_hold_nor_applied(store: SqliteStore) -> None:
    result = push_programme(store, "prog:ht", today="2020-01-01")
    assert [(f.id, f.name) for f in result.firms] == [("ent:new", "新申报公司")]
    assert (result.checked, result.holders, result.applied) == (5, 2, 1)
    assert result.held_by == ["ent:edge", "ent:holder"]
    with pytest.raises(InvalidInput, match="no eligibility rules"):
        push_programme(store, "prog:open")
    with pytest.raises(NotFound):
        push_programme(store, "prog:nothing")


def test_profile_shows_needs_problems_and_the_programme_one_step_away(
        store: SqliteStore) -> None:
    add_problem(store, firm_id="ent:low", title="用地指标", opened_on="2019-12-01")
    profile = firm_profile(store, "ent:low", today="2020-01-01")
    # the problem is listed once, under problems with its ledger state (not also as a
    # need with the need's own status, which would read "submitted" beside "closed")
    assert [n.title for n in profile.needs] == ["红外降噪"]
    assert [(p.title, p.state) for p in profile.problems] == [("用地指标", "assigned")]
    assert profile.programmes_now == []
    assert [o.change for o in profile.programmes_near] == [
        "研发投入占比 2.1% → 3% 即可申报 高新技术企业认定"]
    data = profile.to_dict()
    assert data["programmes_near"][0]["programme_name"] == "高新技术企业认定"
    assert {"field": "region", "value": "杭州"} in data["facts"]
    held = firm_profile(store, "ent:edge", today="2020-01-01")
    assert [n.name for n in held.programmes_held] == ["高新技术企业认定"]
    assert held.programmes_now == [] and held.programmes_near == []


def test_a_firm_sees_its_own_profile_only(store: SqliteStore) -> None:
    own = firm_profile(store, "ent:low", viewer=Viewer.enterprise("usr:1", "ent:low"))
    assert own.id == "ent:low"
    with pytest.raises(NotFound):
        firm_profile(store, "ent:new", viewer=Viewer.enterprise("usr:1", "ent:low"))
    with pytest.raises(NotFound):
        firm_profile(store, "ent:new", viewer=Viewer.organiser("usr:2", scope="西安"))


def test_seed_push_of_high_tech_skips_every_firm_holding_the_flag(tmp_path: Path) -> None:
    db = tmp_path / "seed.db"
    assert run("seed", db=db).returncode == 0
    result = run("push", "prog:high-tech-enterprise", "--today", "2024-01-01", "--json", db=db)
    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout)
    # its published criteria include ones the graph holds no data for (IP, staff mix):
    # no firm is said to qualify, those meeting the rest are listed to check by hand
    assert answer["firms"] == [] and answer["verdict_illustrative"] is False
    pushed = {f["id"] for f in answer["to_check"]}
    assert all("core_ip" in f["to_check"] and "tech_staff_pct" in f["to_check"]
               for f in answer["to_check"])
    store = SqliteStore(db)
    flagged = {n.id for n in store.find_nodes("Enterprise", limit=10_000)
               if "高新技术企业" in n.props.get("flags", [])}
    store.close()
    assert pushed and flagged and not pushed & flagged
    # the recommender no longer offers a firm what it holds, nor a programme to holders
    need = "need:ill-0001"  # of 示例杭州红外探测科技, which holds 高新技术企业 (awarded and flag)
    offered = run("recommend", need, "--kind", "programme", "--k", "30", "--json", db=db)
    assert offered.returncode == 0, offered.stderr
    assert "prog:high-tech-enterprise" not in {i["id"] for i in json.loads(offered.stdout)["items"]}
    firms = run("recommend-for", "prog:high-tech-enterprise", "--kind", "enterprise", "--k",
                "100", "--json", db=db)
    assert not {i["id"] for i in json.loads(firms.stdout)["items"]} & flagged
    shown = run("firm", "ent:ailaiyi", db=db)
    assert shown.returncode == 0 and "艾莱依集团" in shown.stdout and "问题（" in shown.stdout
    # the facts' sources by the document's heading, never the raw provenance code
    assert "来源：浙江省经信厅技术创新处（人工智能处）《秉强国初心" in shown.stdout
    assert "seed:" not in shown.stdout and "已申报：—" in shown.stdout
    listed = run("push", "prog:high-tech-enterprise", "--today", "2024-01-01", db=db)
    to_check = listed.stdout.split("数据不全、需核实")[1]
    assert "缺 成立年份、研发投入占比（%）；待核实 核心知识产权、技术领域、科技人员占比" in to_check
    assert "rd_ratio_pct" not in to_check and "core_ip" not in to_check  # named in Chinese
    assert run("push", "prog:nothing", db=db).returncode == 3
    # programmes that say only where they apply are offered to no firm and not pushed:
    # 浙江省西湖友谊奖 honours foreign experts, 国合到家 is a service, 315 an engineering plan
    scoped = ("prog:west-lake-friendship-award", "prog:guohe-daojia", "prog:zj-315-programme")
    for firm in ("ent:ailaiyi", "ent:dali-technology"):
        profile = json.loads(run("firm", firm, "--json", db=db).stdout)
        offered = {o["programme_id"] for o in profile["programmes_now"]
                   + profile["programmes_near"]}
        assert offered.isdisjoint(scoped), (firm, offered & set(scoped))
    refused = run("push", "prog:west-lake-friendship-award", db=db)
    assert refused.returncode == 2 and "申报条件未录入，请以当年申报通知为准" in refused.stderr


def test_a_seed_firm_without_figures_is_told_what_data_to_check(tmp_path: Path) -> None:
    """A real seed firm gives no figures, so no programme can be decided for it: instead
    of empty lists its profile names the facts to ask for, each with the programmes it
    decides; once the firm gives one, those programmes are decided and it is no longer
    asked for."""
    db = tmp_path / "seed.db"
    assert run("seed", db=db).returncode == 0
    store = SqliteStore(db)
    try:
        profile = firm_profile(store, "ent:ailaiyi", today="2024-01-01")
        assert profile.programmes_now == [] and profile.programmes_near == []
        asked = {d.text: d for d in profile.data_to_check}
        assert {"研发投入占比", "营业收入", "是否为高新技术企业"} <= set(asked), list(asked)
        rd = asked["研发投入占比"]
        assert rd.field == "rd_ratio_pct" and rd.text_en == "R&D ratio"
        assert "高新技术企业认定" in {p.name for p in rd.programmes}
        assert all(p.id.startswith("prog:") and p.name for p in rd.programmes)
        counts = [len(d.programmes) for d in profile.data_to_check]
        assert counts == sorted(counts, reverse=True)  # what decides most comes first
        # a programme the firm fails on its own data (a region it is not in) is not asked
        # about: no data would make it eligible
        shandong = {n.id for n in store.find_nodes("Programme", limit=1000)
                    if (n.props.get("regions") or [""])[0] in ("山东", "山东省")}
        assert shandong and not shandong & {p.id for d in profile.data_to_check
                                            for p in d.programmes}
        with store.batch() as b:  # the firm gives its R&D ratio, founding year, revenue
            b.upsert_node(Node("ent:ailaiyi", "Enterprise", {
                "rd_ratio_pct": 4.2, "founded_year": 2005, "revenue_wan": 30000}))
        given = firm_profile(store, "ent:ailaiyi", today="2024-01-01")
        still = {d.text for d in given.data_to_check}
        assert not {"研发投入占比", "营业收入"} & still
        # 高企's criteria the graph holds no data for are still to check, by hand
        assert "核心知识产权" in still
        decided = {o.programme_id for o in given.programmes_now + given.programmes_near}
        assert decided, "giving the figures decides programmes"
    finally:
        store.close()
    shown = run("firm", "ent:dali-technology", db=db)
    assert shown.returncode == 0 and "待核实的数据" in shown.stdout
    assert re.search(r"研发投入占比：关系到 \d+ 个项目（.*高新技术企业认定", shown.stdout)
    data = json.loads(run("firm", "ent:dali-technology", "--json", db=db).stdout)
    assert data["data_to_check"][0]["programmes"][0]["name"]
    # real programmes with no conditions recorded are named as such, never as a verdict;
    # those of another area (山东) are not this firm's, and 高企 has its criteria
    unruled = {p["id"] for p in data["programmes_without_rules"]}
    assert {"prog:national-enterprise-tech-centre", "prog:single-champion"} <= unruled
    assert not {"prog:high-tech-enterprise", "prog:shandong-first-set"} & unruled
    assert re.search(r"^申报条件未录入，请以当年申报通知为准（\d+）：.*国家企业技术中心",
                     shown.stdout, re.M)
