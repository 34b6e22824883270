"""Contact duty: fit, capacities, kept pairs, firms no one fits, refusals."""

from __future__ import annotations

import random

import pytest

from duijie.graph.errors import InvalidInput
from duijie.matcher.contact_duty import (
    Firm,
    Official,
    assign_contacts,
    assign_contacts_greedy,
    fit_matrix,
)


def _random(n_firms: int, n_officials: int, seed: int = 3):
    rng = random.Random(seed)
    terms = [f"t{i}" for i in range(40)]
    depts = [f"d{i}" for i in range(6)]
    officials = [Official(f"off:{j:03d}", f"o{j}", rng.choice(depts), tuple(rng.sample(terms, 4)),
                          (f"r{j % 5}",), capacity=rng.randint(1, 6)) for j in range(n_officials)]
    firms = [Firm(f"ent:{i:04d}", f"f{i}", tuple(rng.sample(terms, 2)), (f"r{i % 7}",),
                  tuple(rng.sample(depts, rng.randint(0, 1)))) for i in range(n_firms)]
    return firms, officials


def test_fit_counts_fields_department_and_region() -> None:
    firm = Firm("ent:x", "甲", ("红外", "光学"), ("新昌", "绍兴", "浙江"), ("金融处",))
    officials = [Official("off:a", "王", "金融处", ("红外",), ("绍兴市",)),
                 Official("off:b", "李", "技术处", ("红外", "光学")),
                 Official("off:c", "赵", "人才处", ("无关",), ("山东",))]
    m = fit_matrix([firm], officials).toarray()[0]
    assert m.tolist() == pytest.approx([0.25 + 0.3 + 0.2, 0.5, 0.0])


def test_every_firm_gets_one_official_within_capacity() -> None:
    firms, officials = _random(300, 80)
    plan = assign_contacts(firms, officials)
    assert sorted(a.firm for a in plan.assignments) == [f.id for f in firms]
    capacity = {o.id: o.capacity for o in officials}
    load: dict[str, int] = {}
    for a in plan.assignments:
        load[a.official] = load.get(a.official, 0) + 1
    assert all(load[o] <= capacity[o] for o in load)
    assert load == {o: n for o, n in plan.load.items() if n}
    greedy = assign_contacts_greedy(firms, officials)
    assert plan.total_score >= sum(a.score for a in greedy) - 1e-9  # never worse than greedy
    assert plan.covered_by_fit >= len(greedy)


def test_a_full_official_sends_the_next_firm_elsewhere() -> None:
    officials = [Official("off:a", "王", "技术处", ("红外",), capacity=1),
                 Official("off:b", "李", "金融处", ("纺织",), capacity=2)]
    firms = [Firm("ent:1", "甲", ("红外",)), Firm("ent:2", "乙", ("红外",)),
             Firm("ent:3", "丙", ("纺织",))]
    plan = assign_contacts(firms, officials)
    pairs = {(a.firm, a.official, a.source) for a in plan.assignments}
    assert ("ent:3", "off:b", "planned") in pairs
    assert sum(1 for a in plan.assignments if a.official == "off:a") == 1
    spill = next(a for a in plan.assignments if a.official == "off:b" and a.firm != "ent:3")
    assert spill.source == "capacity" and spill.score == 0.0
    assert spill.reasons == (("capacity", ""),)


def test_kept_pairs_stay_even_when_another_fits_better() -> None:
    officials = [Official("off:a", "王", "技术处", ("红外",), capacity=2),
                 Official("off:b", "李", "金融处", ("纺织",), capacity=2)]
    firms = [Firm("ent:1", "甲", ("红外",))]
    plan = assign_contacts(firms, officials, keep=[("ent:1", "off:b")])
    assert [(a.official, a.source) for a in plan.assignments] == [("off:b", "kept")]
    with pytest.raises(InvalidInput, match="not in this plan"):
        assign_contacts(firms, officials, keep=[("ent:9", "off:b")])


def test_zero_or_too_little_capacity_is_refused() -> None:
    firms = [Firm("ent:1", "甲"), Firm("ent:2", "乙")]
    with pytest.raises(InvalidInput) as zero:
        assign_contacts(firms, [Official("off:a", "王", "技术处", capacity=0),
                                Official("off:b", "李", "技术处", capacity=5)])
    assert "official 王 has capacity 0" in str(zero.value)  # the page's words: a name
    assert "王（off:a）的可联系企业数为 0" in zero.value.text("zh", "cli")  # the CLI's: its id
    with pytest.raises(InvalidInput, match="fewer than the 2 firms"):
        assign_contacts(firms, [Official("off:b", "李", "技术处", capacity=1)])
    with pytest.raises(InvalidInput, match="no officials"):
        assign_contacts(firms, [])


def test_same_input_same_plan() -> None:
    firms, officials = _random(150, 60, seed=11)
    first = assign_contacts(firms, officials)
    again = assign_contacts(list(reversed(firms)), officials)
    assert [a.to_dict() for a in first.assignments] == [a.to_dict() for a in again.assignments]
