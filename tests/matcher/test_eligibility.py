"""Programme eligibility: each operator, missing data, region hierarchy, deadlines."""

from __future__ import annotations

import random
from datetime import date

import pytest

from duijie.graph.errors import InvalidInput
from duijie.graph.model import EnterpriseProps, ProgrammeProps
from duijie.matcher.eligibility import ProgrammeCheck, data_to_check, evaluate_eligibility
from duijie.matcher.programme_conditions import FIELDS, TO_CHECK
from duijie.matcher.region_paths import normalise_place

FIRM = {"name": "浙江大立科技", "revenue_wan": 12000.0, "employees": 350,
        "rd_ratio_pct": 2.1, "flags": ["高新技术企业"], "region": "绍兴",
        "industry": "光电", "founded_year": 2001, "listed": True}
ANCESTORS = {"绍兴": ["浙江"], "新昌": ["绍兴"], "浙江": ["中国"], "西安": ["陕西"]}


def prog(**props):
    return {"name": "测试计划", **props}


def rule(field, op, value, label=None):
    out = {"field": field, "op": op, "value": value}
    if label:
        out["label"] = label
    return out


@pytest.mark.parametrize("op, value, ok", [
    (">=", 350, True), (">=", 351, False),
    (">", 349, True), (">", 350, False),
    ("<=", 350, True), ("<=", 349, False),
    ("<", 351, True), ("<", 350, False),
    ("==", 350, True), ("==", 1, False),
    ("!=", 1, True), ("!=", 350, False),
    ("in", [100, 350], True), ("in", [100], False),
    ("not_in", [100], True), ("not_in", [350], False),
])
def test_each_comparison_operator(op, value, ok):
    r = evaluate_eligibility(FIRM, prog(rules=[rule("employees", op, value)]))
    assert r.status == ("eligible" if ok else "not_eligible")
    assert len(r.passed if ok else r.failed) == 1
    check = (r.passed if ok else r.failed)[0]
    assert check.actual == 350 and check.expected == value
    assert "从业人数" in check.text_zh and "employees" in check.text_en


def test_failed_condition_is_named_with_values():
    r = evaluate_eligibility(FIRM, prog(rules=[rule("rd_ratio_pct", ">=", 3,
                                                    "研发投入占比不低于3%")]))
    assert r.status == "not_eligible"
    (check,) = r.failed
    assert check.text_zh == "研发投入占比 2.1% < 3%"
    assert check.text_en == "R&D ratio 2.1% < 3%"
    assert check.label == "研发投入占比不低于3%"


def test_has_flag_and_required_flags():
    r = evaluate_eligibility(FIRM, prog(rules=[rule("flags", "has_flag", "高新技术企业")],
                                        required_flags=["科技型中小企业"]))
    assert r.status == "not_eligible"
    assert r.passed[0].text_zh == "具备高新技术企业"
    assert r.failed[0].text_zh == "不具备科技型中小企业"
    assert r.failed[0].text_en == "lacks 科技型中小企业"


def test_missing_data_is_unknown_never_failed():
    firm = {"name": "某企业", "employees": 50}
    r = evaluate_eligibility(firm, prog(
        rules=[rule("rd_ratio_pct", ">=", 3), rule("employees", "<", 100)],
        required_flags=["高新技术企业"], regions=["浙江"], industries=["光电"]))
    assert r.status == "unknown"
    assert not r.failed
    assert [c.field for c in r.unknown] == ["rd_ratio_pct", "flags", "region", "industry"]
    assert r.unknown[0].text_zh == "研发投入占比：缺少数据"
    assert "高新技术企业" in r.unknown[1].text_zh
    assert [c.field for c in r.passed] == ["employees"]


def test_a_failure_beats_unknowns():
    r = evaluate_eligibility({"employees": 500}, prog(rules=[
        rule("employees", "<", 100), rule("revenue_wan", "<", 1000)]))
    assert r.status == "not_eligible"
    assert len(r.failed) == 1 and len(r.unknown) == 1


def test_region_hierarchy():
    # one rule the firm meets, so the verdict turns on the region alone
    zj = prog(regions=["浙江省"], rules=[rule("employees", "<=", 1000)])
    assert evaluate_eligibility(FIRM, zj, region_ancestors=ANCESTORS).status == "eligible"
    xinchang = {**FIRM, "region": "新昌县"}  # county in 绍兴 in 浙江, suffix stripped
    assert evaluate_eligibility(xinchang, zj, region_ancestors=ANCESTORS).status == "eligible"
    xian = {**FIRM, "region": "西安市"}
    r = evaluate_eligibility(xian, zj, region_ancestors=ANCESTORS)
    assert r.status == "not_eligible"
    assert r.failed[0].text_zh == "所在地区 西安市 不属于 浙江省"
    # Without the graph's hierarchy the gazetteer still knows 绍兴 lies in 浙江; an
    # unknown place is known to lie nowhere.
    assert evaluate_eligibility(FIRM, zj).status == "eligible"
    assert evaluate_eligibility({**FIRM, "region": "某开发区"}, zj).status == "not_eligible"


@pytest.mark.parametrize("region", ["柯桥区", "柯桥", "绍兴市柯桥区"])
def test_region_rules_compare_places_not_strings(region):
    keqiao = prog(rules=[rule("region", "==", "柯桥", "企业位于柯桥区")], regions=["柯桥区"])
    r = evaluate_eligibility({**FIRM, "region": region}, keqiao)
    assert not r.failed, [c.text_zh for c in r.failed]
    assert r.passed[0].text_zh == f"所在地区 {region} 属于 柯桥"
    assert len(r.passed) == 1  # the region list says the same as the rule: one line
    # the area alone says where it applies, not what a firm must meet
    assert r.status == "unknown" and [c.field for c in r.unknown] == ["rules"]


def test_region_in_rule_and_negations():
    size = rule("employees", "<=", 1000)  # met, so the verdict turns on the region
    jinhua = prog(rules=[rule("region", "in", ["金华", "永康", "义乌"]), size], regions=["金华"])
    assert evaluate_eligibility({**FIRM, "region": "金华市"}, jinhua).status == "eligible"
    assert evaluate_eligibility({**FIRM, "region": "浙江省永康市"}, jinhua).status == "eligible"
    r = evaluate_eligibility({**FIRM, "region": "杭州"}, jinhua)
    assert [c.text_zh for c in r.failed] == ["所在地区 杭州 不属于 金华、永康、义乌"]
    assert [c.text_en for c in r.failed] == ["region 杭州 not in 金华, 永康, 义乌"]
    outside = prog(rules=[rule("region", "not_in", ["陕西"]), size])
    assert evaluate_eligibility({**FIRM, "region": "西安市"}, outside).status == "not_eligible"
    assert evaluate_eligibility(FIRM, outside).status == "eligible"


def test_operators_are_words_never_bare_symbols_of_code():
    firm = {**FIRM, "industry": "光电"}
    for op, value in [("in", ["光电"]), ("in", ["纺织"]), ("not_in", ["光电"]),
                      ("not_in", ["纺织"]), ("==", "光电"), ("!=", "光电")]:
        r = evaluate_eligibility(firm, prog(rules=[rule("industry", op, value)]))
        check = (r.passed + r.failed)[0]
        for word in ("in", "not_in", "==", "!="):
            assert f" {word} " not in f" {check.text_zh} ", check.text_zh
        assert "not_in" not in check.text_en and "==" not in check.text_en


def test_a_flag_tested_twice_is_one_line():
    p = prog(rules=[rule("flags", "has_flag", "科技型中小企业")],
             required_flags=["科技型中小企业"])
    r = evaluate_eligibility(FIRM, p)
    assert [c.text_zh for c in r.failed] == ["不具备科技型中小企业"]


def test_industries_with_ancestors():
    p = prog(industries=["先进制造"], rules=[rule("employees", "<=", 1000)])
    assert evaluate_eligibility(FIRM, p).status == "not_eligible"
    assert evaluate_eligibility(FIRM, p, industry_ancestors={"光电": ["先进制造"]}
                                ).status == "eligible"


def test_deadline_and_before_rule():
    p = prog(deadline="2025-06-30", rules=[rule("today", "before", "2025-07-01")])
    assert evaluate_eligibility(FIRM, p, today=date(2025, 6, 30)).status == "eligible"
    late = evaluate_eligibility(FIRM, p, today="2025-07-01")
    assert late.status == "not_eligible"
    assert [c.text_zh for c in late.failed] == ["申报日期 2025-07-01 不早于 2025-07-01",
                                                "申报截止 2025-06-30 已过"]


def test_a_programme_without_rules_is_never_eligible():
    # nothing says what a firm must meet: the verdict says so in both languages
    for programme in (prog(), prog(regions=["浙江"])):
        r = evaluate_eligibility(FIRM, programme)
        assert r.status == "unknown" and not r.failed
        assert [(c.text_zh, c.text_en) for c in r.unknown] == [
            ("申报条件未录入，请以当年申报通知为准",
             "No conditions recorded: see the year's call for applications")]
        assert data_to_check({"prog:x": r}) == []  # no datum of the firm would decide it
    # its area still rules out a firm elsewhere (a fact about the programme's name)
    assert evaluate_eligibility({**FIRM, "region": "西安"}, prog(regions=["浙江"])
                                ).status == "not_eligible"


HIGH_TECH_RD = rule("rd_ratio_pct", ">=", [[5000, 5], [20000, 4], [None, 3]])
HIGH_TECH_RD["by"] = "revenue_wan"


@pytest.mark.parametrize("revenue, ratio, status, threshold", [
    (4000, 3.5, "not_eligible", 5), (4000, 5, "eligible", 5),
    (5000, 4.5, "not_eligible", 5),  # 5,000万元 itself is the first band (含)
    (5001, 4.5, "eligible", 4), (12000, 3.9, "not_eligible", 4), (20000, 4, "eligible", 4),
    (20001, 3.5, "eligible", 3), (90000, 2.9, "not_eligible", 3),
])
def test_a_tiered_threshold_takes_the_band_of_the_firms_revenue(revenue, ratio, status,
                                                                 threshold):
    """高新技术企业认定: R&D / sales ≥ 5% up to 5,000万元 of sales, ≥ 4% up to 2亿元,
    ≥ 3% above (国科发火〔2016〕32号 第十一条)."""
    firm = {"revenue_wan": revenue, "rd_ratio_pct": ratio}
    r = evaluate_eligibility(firm, prog(rules=[HIGH_TECH_RD]))
    assert r.status == status
    (check,) = r.passed + r.failed
    assert check.expected == threshold and check.actual == ratio
    assert f"{threshold}%" in check.text_zh and str(revenue) in check.text_zh
    push = ProgrammeCheck(prog(rules=[HIGH_TECH_RD]), "2024-01-01")
    assert push.status(firm) == (status, [])


def test_a_tiered_threshold_without_the_basis_asks_for_it():
    r = evaluate_eligibility({"rd_ratio_pct": 4.5}, prog(rules=[HIGH_TECH_RD]))
    assert r.status == "unknown"
    assert [(c.field, c.text_zh) for c in r.unknown] == [("revenue_wan", "营业收入：缺少数据")]
    check = ProgrammeCheck(prog(rules=[HIGH_TECH_RD]), "2024-01-01")
    assert check.status({"rd_ratio_pct": 4.5}) == ("unknown", ["revenue_wan"])
    assert check.status({"revenue_wan": 100}) == ("unknown", ["rd_ratio_pct"])


@pytest.mark.parametrize("tiers", [[], [[5000, 5]], [[20000, 4], [5000, 5], [None, 3]],
                                   [[5000, "五"], [None, 3]], 5])
def test_a_tiered_threshold_must_be_well_formed(tiers):
    bad = {**HIGH_TECH_RD, "value": tiers}
    with pytest.raises(InvalidInput, match="tiers"):
        evaluate_eligibility(FIRM, prog(rules=[bad]))


def test_a_criterion_to_check_by_hand_is_always_unknown_and_listed():
    ip = {"field": "core_ip", "op": "to_check", "value": None,
          "label": "拥有核心知识产权", "label_en": "owns core IP"}
    r = evaluate_eligibility(FIRM, prog(rules=[rule("employees", "<=", 1000), ip]))
    assert r.status == "unknown"
    assert [(c.text_zh, c.text_en) for c in r.unknown] == [
        ("待核实：拥有核心知识产权", "to check: owns core IP")]
    assert [d.text_zh for d in data_to_check({"prog:x": r})] == ["核心知识产权"]
    # a failure on the firm's own data still decides the verdict
    assert evaluate_eligibility(FIRM, prog(rules=[rule("employees", "<=", 10), ip])
                                ).status == "not_eligible"
    with pytest.raises(InvalidInput, match="to check by hand"):
        evaluate_eligibility(FIRM, prog(rules=[{**ip, "field": "rd_ratio_pct"}]))


def test_unknown_field_names_programme_and_rule():
    with pytest.raises(InvalidInput, match=r"测试计划.*rule 2.*rd_ratio"):
        evaluate_eligibility(FIRM, prog(rules=[rule("employees", ">", 1),
                                               rule("rd_ratio", ">=", 3)]))
    with pytest.raises(InvalidInput, match="operator"):
        evaluate_eligibility(FIRM, prog(rules=[rule("employees", "~", 1)]))
    with pytest.raises(InvalidInput, match="cannot compare"):
        evaluate_eligibility(FIRM, prog(rules=[rule("employees", ">", "很多")]))


def test_rules_from_the_validated_model_work():
    props = ProgrammeProps(name="省级专精特新", rules=[
        {"field": "rd_ratio_pct", "op": ">=", "value": 3}]).model_dump()
    assert evaluate_eligibility(FIRM, props).status == "not_eligible"


def test_every_rule_field_is_an_enterprise_property():
    assert set(FIELDS) - {"today"} <= set(EnterpriseProps.model_fields)
    # criteria checked by hand are those the graph holds no data for
    assert not set(TO_CHECK) & set(EnterpriseProps.model_fields)


def test_scores_order_the_verdicts():
    ok = evaluate_eligibility(FIRM, prog(rules=[rule("employees", ">", 1)]))
    unknown = evaluate_eligibility({}, prog(rules=[rule("employees", ">", 1)]))
    no = evaluate_eligibility(FIRM, prog(rules=[rule("employees", "<", 1)]))
    assert ok.score > unknown.score > no.score == 0


def test_normalise_place():
    assert normalise_place("新疆维吾尔自治区") == "新疆"
    assert normalise_place("市") == "市"


def _random_firm(rng: random.Random) -> dict:
    choices = {"region": ["杭州", "绍兴市柯桥区", "新昌", "西安", "浙江省永康市", "某开发区", "",
                          None],
               "industry": ["光电", "纺织", None, ""],
               "flags": [[], ["高新技术企业"], ["科技型中小企业", "高新技术企业"], None],
               "rd_ratio_pct": [None, 1.5, 3, 3.0, 4.2], "employees": [None, 10, 100, 500],
               "revenue_wan": [None, 100, 5000.0], "founded_year": [None, 2001, 2020],
               "listed": [None, True, False]}
    return {k: rng.choice(v) for k, v in choices.items() if rng.random() > 0.15}


def _random_programme(rng: random.Random) -> dict:
    rules = [rng.choice([
        rule(rng.choice(["rd_ratio_pct", "employees", "revenue_wan"]),
             rng.choice([">=", ">", "<=", "<", "==", "!="]), rng.choice([3, 100, 5000])),
        rule("region", rng.choice(["in", "not_in"]), rng.choice([["浙江"], ["金华", "柯桥"]])),
        rule("region", rng.choice(["==", "!="]), rng.choice(["西安", "绍兴"])),
        rule("flags", "has_flag", rng.choice(["高新技术企业", "专精特新"])),
        rule("industry", rng.choice(["in", "not_in"]), ["光电", "先进制造"]),
        {**rule("today", "before", "2024-06-01"), "illustrative": True}])
        for _ in range(rng.randint(0, 3))]
    extra = {"required_flags": ["高新技术企业"], "regions": ["浙江"],
             "industries": ["先进制造"], "deadline": "2024-06-01"}
    return prog(rules=rules, **{k: v for k, v in extra.items() if rng.random() < 0.4})


def test_the_verdict_without_words_is_the_worded_one() -> None:
    """A push reads `ProgrammeCheck.status` (no words) for 100,000 firms; it must say
    what `evaluate` says of every firm: the verdict and the data missing, in order."""
    rng = random.Random(7)
    statuses = set()
    for _ in range(400):
        programme, today = _random_programme(rng), rng.choice(["2024-03-01", "2024-12-31"])
        check = ProgrammeCheck(programme, today, region_ancestors=ANCESTORS,
                               industry_ancestors={"光电": ["先进制造"]})
        for _ in range(10):
            firm = _random_firm(rng)
            worded = check.evaluate(firm)
            assert check.status(firm) == (worded.status, [c.field for c in worded.unknown])
            assert worded.to_dict() == evaluate_eligibility(
                firm, programme, today, region_ancestors=ANCESTORS,
                industry_ancestors={"光电": ["先进制造"]}).to_dict()
            statuses.add(worded.status)
    assert statuses == {"eligible", "not_eligible", "unknown"}


def test_a_programme_s_conditions_are_checked_before_any_firm() -> None:
    with pytest.raises(InvalidInput, match="unknown field") as err:
        ProgrammeCheck(prog(rules=[rule("employees", ">", 1), rule("colour", "==", "red")]))
    assert "rule 2" in err.value.where
    check = ProgrammeCheck(prog(rules=[rule("employees", ">", "很多")]))
    with pytest.raises(InvalidInput, match="cannot compare"):
        check.status(FIRM)


def test_a_verdict_says_when_an_invented_threshold_decides_it():
    invented = {**rule("rd_ratio_pct", ">=", 2), "illustrative": True}
    real_region = {"regions": ["浙江"]}
    eligible = evaluate_eligibility(FIRM, prog(rules=[invented], **real_region),
                                    region_ancestors=ANCESTORS)
    assert (eligible.status, eligible.illustrative) == ("eligible", True)
    assert eligible.to_dict()["illustrative"] is True
    real = evaluate_eligibility(FIRM, prog(rules=[rule("rd_ratio_pct", ">=", 2)]))
    assert (real.status, real.illustrative) == ("eligible", False)
    # a real condition failing decides "not eligible" whatever the invented one says
    elsewhere = evaluate_eligibility(FIRM, prog(rules=[invented], regions=["山东"]),
                                     region_ancestors=ANCESTORS)
    assert (elsewhere.status, elsewhere.illustrative) == ("not_eligible", False)
    only_invented = evaluate_eligibility(
        FIRM, prog(rules=[{**rule("rd_ratio_pct", ">=", 3), "illustrative": True}]))
    assert (only_invented.status, only_invented.illustrative) == ("not_eligible", True)


def test_registered_a_year_before_is_counted_from_the_evaluation_date() -> None:
    # 高企: 注册成立一年以上 — judged by the founding year against the date evaluated,
    # so the same rule reads right in any year (no fixed year in the seed).
    p = prog(rules=[rule("founded_year", "years_since", 1)])
    new = {**FIRM, "founded_year": 2026}
    assert evaluate_eligibility(new, p, today="2026-12-04").status == "not_eligible"
    later = evaluate_eligibility(new, p, today="2027-01-02")
    assert later.status == "eligible"
    assert [c.text_zh for c in later.passed] == ["成立 1 年，不少于 1 年"]
    short = evaluate_eligibility(new, p, today="2026-06-01").failed
    assert [(c.actual, c.text_en) for c in short] == [(0, "founded 0 years ago, under 1")]
    assert evaluate_eligibility({"name": "x"}, p).status == "unknown"
    with pytest.raises(InvalidInput):
        evaluate_eligibility(FIRM, prog(rules=[rule("employees", "years_since", 1)]))
    with pytest.raises(InvalidInput):
        evaluate_eligibility(FIRM, prog(rules=[rule("founded_year", "years_since", "1")]))
