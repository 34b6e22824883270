"""One condition away, ranked by value; a push that skips holders and applicants."""

from __future__ import annotations

import pytest

from duijie.graph.errors import InvalidInput
from duijie.matcher.programme_push import programmes_for_firm, push_programme

HIGH_TECH = {"name": "高新技术企业认定", "level": "national", "grants_flag": "高新技术企业",
             "value_wan": 50, "rules": [{"field": "rd_ratio_pct", "op": ">=", "value": 3}]}
CHAMPION = {"name": "单项冠军", "level": "national", "value_wan": 200, "rules": [
    {"field": "rd_ratio_pct", "op": ">=", "value": 3},
    {"field": "revenue_wan", "op": ">=", "value": 40000}]}
ZJ_ONLY = {"name": "浙江计划", "level": "provincial", "regions": ["浙江"],
           "rules": [{"field": "employees", "op": "<=", "value": 500}]}
FLAGGED = {"name": "尖兵领雁", "level": "provincial", "value_wan": 300,
           "required_flags": ["高新技术企业"]}
CITY = {"name": "市级补助", "level": "city", "rules": [{"field": "employees", "op": "<=",
                                                     "value": 500}]}
PROGRAMMES = {"prog:ht": HIGH_TECH, "prog:champ": CHAMPION, "prog:zj": ZJ_ONLY,
              "prog:flag": FLAGGED, "prog:city": CITY, "prog:none": {"name": "无条件"}}


def test_one_condition_away_names_the_change_and_ranks_by_value() -> None:
    firm = {"name": "甲", "region": "济南", "rd_ratio_pct": 2.1, "revenue_wan": 50000,
            "employees": 300, "flags": []}
    offers = programmes_for_firm(firm, PROGRAMMES, today="2020-01-01",
                                 region_ancestors={"济南": ["山东"]})
    assert [o.programme_id for o in offers.now] == ["prog:city"]  # 浙江: region fails
    near = [(o.programme_id, o.change) for o in offers.near]
    assert near == [  # by value: 300, 200, 50 万元
        ("prog:flag", "取得“高新技术企业”即可申报 尖兵领雁"),
        ("prog:champ", "研发投入占比 2.1% → 3% 即可申报 单项冠军"),
        ("prog:ht", "研发投入占比 2.1% → 3% 即可申报 高新技术企业认定")]
    assert offers.near[1].change_en == "R&D ratio 2.1% → 3% would make it eligible for 单项冠军"
    assert (offers.near[1].actual, offers.near[1].target) == (2.1, 3)


def test_two_failures_a_region_or_missing_data_are_not_one_away() -> None:
    firm = {"region": "济南", "rd_ratio_pct": 1.0, "revenue_wan": 100, "employees": 900}
    offers = programmes_for_firm(firm, PROGRAMMES, today="2020-01-01")
    ids = {o.programme_id for o in offers.near}
    assert "prog:champ" not in ids  # two conditions fail
    assert "prog:zj" not in ids  # the region cannot be changed
    near = lambda firm: {o.programme_id for o in programmes_for_firm(  # noqa: E731
        firm, PROGRAMMES).near}
    assert near({"region": "济南", "flags": []}) == {"prog:flag"}
    assert near({"region": "济南"}) == set()  # unknown data is not "one away"


def test_a_holder_is_not_offered_what_it_holds() -> None:
    firm = {"rd_ratio_pct": 4.0, "flags": ["高新技术企业"], "employees": 10}
    offers = programmes_for_firm(firm, PROGRAMMES, today="2020-01-01", held={"prog:city"})
    ids = {o.programme_id for o in offers.now}
    assert "prog:ht" not in ids and "prog:city" not in ids and "prog:flag" in ids


def test_push_excludes_holders_by_edge_or_flag_and_applicants() -> None:
    firms = [("ent:new", {"rd_ratio_pct": 3.5}),
             ("ent:flag", {"rd_ratio_pct": 5, "flags": ["高新技术企业"]}),
             ("ent:edge", {"rd_ratio_pct": 5}),
             ("ent:applied", {"rd_ratio_pct": 5}),
             ("ent:low", {"rd_ratio_pct": 2.9}),
             ("ent:blank", {"name": "无数据"})]
    out = push_programme("prog:ht", HIGH_TECH, firms, holders={"ent:edge"},
                         applied={"ent:applied"}, today="2020-01-01", near=True)
    assert out.eligible == ["ent:new"]
    assert (out.holders, out.applied, out.checked) == (2, 1, 6)
    assert out.unknown == [("ent:blank", ["rd_ratio_pct"])]
    assert [(f, o.target) for f, o in out.near] == [("ent:low", 3)]


def test_a_programme_without_rules_is_refused() -> None:
    with pytest.raises(InvalidInput, match="no eligibility rules"):
        push_programme("prog:none", {"name": "无条件"}, [("ent:a", {})])
    # a scope alone is no condition: an award for foreign experts scoped to 浙江
    award = {"name": "浙江省西湖友谊奖", "regions": ["浙江"], "industries": []}
    with pytest.raises(InvalidInput, match="no eligibility rules"):
        push_programme("prog:award", award, [("ent:a", {"region": "杭州"})])
    offers = programmes_for_firm({"region": "杭州"}, {"prog:award": award})
    assert offers.now == [] and offers.near == []


def test_a_verdict_an_invented_threshold_decides_is_marked_where_it_is_read() -> None:
    """A real programme whose thresholds are simplified (示意): eligible now says so
    (`illustrative`), one change away marks the invented target or, when the invented
    one is a condition already met, the verdict; a real threshold alone marks nothing."""
    invented_revenue = {"field": "revenue_wan", "op": ">=", "value": 30000,
                        "illustrative": True}
    real_ratio = {"field": "rd_ratio_pct", "op": ">=", "value": 3}
    centre = {"name": "省级企业技术中心", "rules": [invented_revenue, real_ratio]}
    real = {"name": "高新技术企业认定", "rules": [real_ratio]}
    flagged = {"name": "国家企业技术中心", "rules": [{"field": "flags", "op": "has_flag",
                                                  "value": "省级企业技术中心",
                                                  "illustrative": True}]}
    programmes = {"prog:centre": centre, "prog:real": real, "prog:flag": flagged}

    rich = programmes_for_firm({"revenue_wan": 50000, "rd_ratio_pct": 4, "flags": []},
                               programmes, today="2020-01-01")
    assert [(o.programme_id, o.illustrative) for o in rich.now] == [
        ("prog:centre", True), ("prog:real", False)]
    assert rich.now[0].programme_name == "省级企业技术中心"  # the programme itself is real
    assert [o.change for o in rich.near] == [
        "取得“省级企业技术中心”即可申报（示意） 国家企业技术中心"]

    # the real ratio fails, the invented revenue threshold is met: the verdict is marked
    low_ratio = programmes_for_firm({"revenue_wan": 50000, "rd_ratio_pct": 2, "flags": []},
                                    {"prog:centre": centre}, today="2020-01-01")
    [near] = low_ratio.near
    assert (near.illustrative, near.target_illustrative) == (True, False)
    assert near.change == "研发投入占比 2% → 3% 即可申报（示意） 省级企业技术中心"
    assert near.change_en == ("R&D ratio 2% → 3% would make it eligible (illustrative) "
                              "for 省级企业技术中心")
    # the invented revenue threshold fails: marked on the target, once
    small = programmes_for_firm({"revenue_wan": 1000, "rd_ratio_pct": 4, "flags": []},
                                {"prog:centre": centre, "prog:real": real}, today="2020-01-01")
    assert [o.change for o in small.near] == [
        "营业收入 1000万元 → 30000万元（示意） 即可申报 省级企业技术中心"]
    assert [(o.programme_id, o.illustrative) for o in small.now] == [("prog:real", False)]
