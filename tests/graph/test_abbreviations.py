"""Abbreviations (西工大 → 西北工业大学) are found as review candidates, never merged,
and organisations sharing an abbreviation stay apart; on real names and on the
dictionary pairs of the labelled set (tests/data/resolution/abbreviations.tsv)."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from duijie.graph.abbreviations import read_as_abbreviation
from duijie.graph.model import Node, Provenance
from duijie.graph.resolution import plan_organisation_writes
from duijie.graph.resolution_cases import (
    evaluate_cases,
    read_cases,
    read_register,
    register_index,
    split_of,
)
from duijie.graph.resolution_index import OrganisationIndex
from duijie.graph.sqlite_store import SqliteStore
from duijie.graph.store import WriteBatch

DATA = Path(__file__).resolve().parents[1] / "data" / "resolution"
UNIVERSITIES = ("西北工业大学", "西安电子科技大学", "浙江大学", "北京大学", "北京师范大学",
                "四川外国语大学", "西北大学", "浙江工业大学", "北京交通大学")
FIRMS = ("中国西电", "西昌电力", "北大荒", "中国工商银行", "中国银行", "常州大学怀德学院",
         "大连理工大学城市学院")


@pytest.fixture(scope="module")
def index() -> OrganisationIndex:
    index = OrganisationIndex()
    for name in UNIVERSITIES:
        index.add(name, name, kind="Institute")
    for name in FIRMS:
        index.add(name, name, kind="Enterprise")
    return index


@pytest.mark.parametrize(("short", "meant"), [
    ("西工大", "西北工业大学"), ("浙大", "浙江大学"), ("北大", "北京大学"),
    ("北师大", "北京师范大学"), ("川外", "四川外国语大学")])
def test_an_abbreviation_puts_its_organisation_first_for_review(
        index: OrganisationIndex, short: str, meant: str) -> None:
    found = index.query(short, k=5)
    assert (found[0].node_id, found[0].decision) == (meant, "review")
    assert "may abbreviate" in found[0].reasons[0]
    assert not any(c.decision == "same" for c in found)


def test_organisations_sharing_an_abbreviation_are_all_asked_about_none_merged(
        index: OrganisationIndex) -> None:
    found = {c.node_id: c.decision for c in index.query("西电", k=5)}
    assert found == {"中国西电": "review", "西昌电力": "review", "西安电子科技大学": "review"}
    # With the evidence a file carries, still no merge: an abbreviation is a candidate.
    assert all(c.decision != "same" for c in index.query("西电", region="西安", k=5))


@pytest.mark.parametrize(("name", "stored"), [
    ("中国银行", "中国工商银行"),  # a whole word (工商) is not left out of an abbreviation
    ("常州大学", "常州大学怀德学院"),  # the whole name leading another: nothing left out
    ("北大荒", "北京大学"),  # longer than the name's shape allows from its start
    # A name that spells out its kind (大学) is a full name: 大(连)理(工)大学(城市学院) is
    # no reading of it (a clean list queued this pair for review).
    ("大理大学", "大连理工大学城市学院"),
])
def test_full_names_are_not_read_as_abbreviations(index: OrganisationIndex, name: str,
                                                  stored: str) -> None:
    assert all(stored != c.node_id or "may abbreviate" not in c.reasons[0]
               for c in index.query(name, k=10))


def test_a_firms_own_name_with_a_legal_form_is_not_an_abbreviation() -> None:
    index = OrganisationIndex()
    index.add("ent:gl", "国缆检测", kind="Enterprise")
    assert read_as_abbreviation("国检", "国缆检测") is not None
    assert [c.decision for c in index.query("国检集团", k=3)] in ([], ["different"])


def test_importing_an_abbreviation_queues_a_review_and_merges_nothing(tmp_path: Path) -> None:
    store = SqliteStore(tmp_path / "duijie.db")
    source = [Provenance(source="test")]
    batch = WriteBatch()
    batch.upsert_node(Node("inst:nwpu", "Institute", {"name": "西北工业大学"}, [], source))
    store.apply(batch)
    planned, reviews = plan_organisation_writes(
        store, [Node("inst:x", "Institute", {"name": "西工大"}, [], source)])
    assert [n.id for n in planned] == ["inst:x"]  # a new node, not re-targeted
    assert [(r.candidate_id, r.name) for r in reviews] == [("inst:nwpu", "西工大")]
    store.close()


def test_the_abbreviation_cases_come_from_the_dictionary_and_follow_their_half() -> None:
    with (DATA / "abbreviations.tsv").open(encoding="utf-8", newline="") as handle:
        pairs = list(csv.DictReader(handle, delimiter="\t"))
    register = {e.name for e in read_register(DATA)}
    assert len(pairs) > 50 and all(p["register_name"] in ("", p["full_name"]) for p in pairs)
    assert all(p["register_name"] in register for p in pairs if p["register_name"])
    cases = [c for c in read_cases(DATA / "cases.tsv") if "abbreviation" in c.type]
    assert {c.type for c in cases} == {"abbreviation", "shared_abbreviation"}
    assert all(c.split == split_of(c.expected) for c in cases)
    dictionary = {(p["abbreviation"], p["register_name"]) for p in pairs}
    assert all((c.query, c.expected) in dictionary for c in cases if c.type == "abbreviation")


def test_no_organisation_sharing_an_abbreviation_is_merged_in_either_half() -> None:
    register = read_register(DATA)
    cases = [c for c in read_cases(DATA / "cases.tsv") if c.type == "shared_abbreviation"]
    index = register_index(register)
    for split in ("tune", "heldout"):
        quality = evaluate_cases(register, cases, split, index)
        wrong = quality.wrong["shared_abbreviation"]
        assert wrong.n > 10 and wrong.k == 0, wrong.examples


@pytest.fixture(scope="module")
def institutes() -> OrganisationIndex:
    """The 38 CAS institutes of the labelled set, beside universities and firms."""
    index = OrganisationIndex()
    for row in csv.DictReader((DATA / "institutes.tsv").open(encoding="utf-8"),
                              delimiter="\t"):
        index.add(row["name"], row["name"], kind="Institute")
    for name in UNIVERSITIES + FIRMS:
        index.add(name, name)
    return index


@pytest.mark.parametrize(("short", "meant"), [
    ("中科院西光所", "中国科学院西安光学精密机械研究所"),
    ("中科院长春光机所", "中国科学院长春光学精密机械与物理研究所"),
    ("中科院上海光机所", "中国科学院上海光学精密机械研究所"),
    ("中科院大连化物所", "中国科学院大连化学物理研究所"),
    ("中科院计算所", "中国科学院计算技术研究所"),
    ("中科院半导体所", "中国科学院半导体研究所"),
    ("中科院化学所", "中国科学院化学研究所"),  # not 长春应用化学 or 山西煤炭化学
    ("中国科学院软件所", "中国科学院软件研究所"),  # the body written whole
])
def test_a_two_level_abbreviation_puts_its_institute_first_for_review(
        institutes: OrganisationIndex, short: str, meant: str) -> None:
    found = institutes.query(short, k=5)
    assert (found[0].node_id, found[0].decision) == (meant, "review"), found
    assert not any(c.decision == "same" for c in found)
    assert sum("may abbreviate" in c.reasons[0] for c in found) == 1, found


@pytest.mark.parametrize("name", [
    "中科院西电所",  # no institute opens 西电
    "中科院化学院",  # the institute's kind differs (所 / 院)
    "中科院杭州所",  # no institute of the list is in 杭州
])
def test_two_level_names_that_read_as_no_institute_are_not_candidates(
        institutes: OrganisationIndex, name: str) -> None:
    assert not any("may abbreviate" in c.reasons[0] for c in institutes.query(name, k=10))
