"""Property tests (hypothesis): the name normaliser, and the importers' round trips and
all-or-nothing rule, on generated names and tables."""

from __future__ import annotations

import tempfile
from pathlib import Path

import opencc
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from duijie.graph.errors import InvalidInput
from duijie.graph.importers import import_file
from duijie.graph.normalize import (
    core_name,
    name_numbers,
    normalize_text,
    parse_name,
    pinyin_syllables,
)
from duijie.graph.places import PROVINCES, match_place
from duijie.graph.resolution_index import OrganisationIndex
from duijie.graph.sqlite_store import SqliteStore
from duijie.graph.store import iter_nodes

# Characters whose traditional form converts back to themselves (brands of real firms
# are written with such characters; 干/幹/乾 are not among them).
BRAND = "恒锋丰华鑫信星宏泰达盛荣龙康凯博创德光国佳嘉锦晶巨俊科蓝明铭鹏启瑞森顺舜思通伟祥翔欣" \
        "亚雅扬易亿益永宇元远跃正智卓美富福禾鼎诚昌"
INDUSTRY = ["工具", "机械", "电子", "新材料", "化工", "医药", "纺织", "门业", "机器人", "光电"]
LEGAL = ["", "有限公司", "股份有限公司", "有限责任公司", "集团有限公司", "集团"]
CITIES = ["杭州", "宁波", "嘉兴", "绍兴", "南京", "苏州", "成都", "西安"]

# A brand that starts with a place (顺德 is a district) reads as that place: not a brand.
brands = st.text(alphabet=BRAND, min_size=2, max_size=4).filter(lambda b: match_place(b) is None)
industries = st.sampled_from(INDUSTRY)
legal_forms = st.sampled_from(LEGAL)
places = st.sampled_from(["", *PROVINCES[:12], *CITIES])
T2S = opencc.OpenCC("s2t")
PROPERTY = settings(max_examples=60, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])


def full_width(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


@PROPERTY
@given(st.text(max_size=30))
def test_normalising_is_idempotent(text: str) -> None:
    once = normalize_text(text)
    assert normalize_text(once) == once
    assert " " not in once and once == once.lower()


@PROPERTY
@given(st.text(alphabet=st.characters(min_codepoint=0x21, max_codepoint=0x7E), max_size=20))
def test_full_width_letters_normalise_like_half_width(text: str) -> None:
    assert normalize_text(full_width(text)) == normalize_text(text)


@PROPERTY
@given(brands, industries, legal_forms, places)
def test_legal_forms_places_and_traditional_characters_leave_the_core(
        brand: str, industry: str, legal: str, place: str) -> None:
    core = core_name(brand + industry)
    assert core_name(place + brand + industry + legal) == core
    assert core_name(T2S.convert(place + brand + industry + legal)) == core
    assert core_name(f"{brand}（{CITIES[0]}）{industry}{legal}") == core


@PROPERTY
@given(brands, industries, legal_forms, places)
def test_parsing_keeps_what_it_strips(brand: str, industry: str, legal: str,
                                      place: str) -> None:
    parsed = parse_name(place + brand + industry + legal)
    assert parsed.stem == normalize_text(place + brand + industry)
    assert parsed.stem.endswith(parsed.core)
    assert (place in parsed.places) == bool(place)


@PROPERTY
@given(brands, industries)
def test_pinyin_has_one_syllable_per_character(brand: str, industry: str) -> None:
    assert len(pinyin_syllables(brand + industry)) == len(brand + industry)


@PROPERTY
@given(st.integers(min_value=1, max_value=99_999), brands)
def test_numbers_read_the_same_in_full_width(number: int, brand: str) -> None:
    assert name_numbers(f"{brand}{number}号") == (number,)
    assert name_numbers(full_width(f"{brand}{number}号")) == (number,)


@PROPERTY
@given(brands, industries, legal_forms, st.sampled_from(CITIES), legal_forms)
def test_a_stored_firm_is_found_under_another_legal_form_and_place(
        brand: str, industry: str, legal: str, city: str, other_legal: str) -> None:
    index = OrganisationIndex()
    index.add("ent:x", f"{city}{brand}{industry}{legal}", region=city)
    index.add("ent:other", "浙江中控技术股份有限公司", region="杭州")
    found = index.query(f"{brand}{industry}{other_legal}", region=city)
    assert found and (found[0].node_id, found[0].decision) == ("ent:x", "same")


# -- importers ----------------------------------------------------------------------

def firm_rows(draw_names: list[str], revenues: list[int]) -> list[list[str]]:
    return [["企业名称", "所在地区", "营业收入（万元）"],
            *[[name, CITIES[i % len(CITIES)], str(rev)]
              for i, (name, rev) in enumerate(zip(draw_names, revenues, strict=True))]]


distinct_firms = st.lists(st.tuples(brands, industries), min_size=1, max_size=8,
                          unique_by=lambda t: core_name(t[0] + t[1])).map(
    lambda pairs: [f"{b}{i}有限公司" for b, i in pairs])


def written(rows: list[list[str]], folder: Path, fmt: str) -> Path:
    if fmt == "xlsx":
        book = Workbook()
        for row in rows:
            book.active.append(row)
        path = folder / "firms.xlsx"
        book.save(path)
        return path
    path = folder / "firms.csv"
    path.write_bytes("\r\n".join(",".join(r) for r in rows).encode(fmt))
    return path


def imported(path: Path) -> dict:
    store = SqliteStore(":memory:")
    import_file(store, "企业", path)
    return {n.id: (n.props, sorted(n.aliases)) for n in iter_nodes(store, "Enterprise")}


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(distinct_firms, st.data())
def test_csv_in_any_encoding_and_xlsx_import_to_the_same_records(names: list[str],
                                                                 data) -> None:
    revenues = data.draw(st.lists(st.integers(0, 10**6), min_size=len(names),
                                  max_size=len(names)))
    rows = firm_rows(names, revenues)
    with tempfile.TemporaryDirectory() as folder:
        results = [imported(written(rows, Path(folder), fmt))
                   for fmt in ("utf-8", "utf-8-sig", "gb18030", "xlsx")]
    assert all(r == results[0] for r in results[1:])
    stored = {props["name"]: props for props, _ in results[0].values()}
    assert len(stored) + sum(len(a) for _, a in results[0].values()) == len(names)
    for name, revenue in zip(names, revenues, strict=True):
        if name in stored:
            assert stored[name]["revenue_wan"] == revenue


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(distinct_firms, st.data())
def test_one_bad_row_anywhere_writes_nothing_and_names_its_row(names: list[str],
                                                               data) -> None:
    rows = firm_rows(names, [1] * len(names))
    bad = data.draw(st.integers(1, len(rows) - 1))
    rows[bad][2] = data.draw(st.sampled_from(["-5", "很多", "1e999x"]))
    store = SqliteStore(":memory:")
    with tempfile.TemporaryDirectory() as folder:
        path = written(rows, Path(folder), data.draw(st.sampled_from(["utf-8", "xlsx"])))
        with pytest.raises(InvalidInput) as caught:
            import_file(store, "企业", path)
    assert any(f"row {bad + 1}, field 营业收入" in p for p in caught.value.problems)
    assert store.counts().get("nodes", {}) == {}
