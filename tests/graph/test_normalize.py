"""Normalisation of organisation names and the place gazetteer."""

from __future__ import annotations

import pytest

from duijie.graph.normalize import (
    brand_name,
    core_name,
    is_generic,
    name_numbers,
    name_places,
    normalize_text,
    organisation_keys,
    pinyin_key,
)
from duijie.graph.places import compare_regions


@pytest.mark.parametrize(("raw", "expected"), [
    ("ＴＣＬ科技", "tcl科技"),  # full-width letters
    ("恒锋工具　股份有限公司", "恒锋工具股份有限公司"),  # full-width space
    ("華東醫藥", "华东医药"),  # traditional
    ("精功（绍兴）复合材料", "精功(绍兴)复合材料"),  # full-width brackets
])
def test_normalize_text(raw: str, expected: str) -> None:
    assert normalize_text(raw) == expected


@pytest.mark.parametrize(("name", "core"), [
    ("恒锋工具有限公司", "恒锋工具"),
    ("恒锋工具股份有限公司", "恒锋工具"),
    ("浙江海利集团有限公司", "海利"),
    ("卧龙电气驱动集团股份有限公司", "卧龙电气驱动"),
    ("嘉兴加西贝拉压缩机有限公司", "加西贝拉压缩机"),
    ("浙江省北大信息技术高等研究院", "北大信息技术高等研究院"),
    ("精功（绍兴）复合材料有限公司", "精功复合材料"),
    ("湖州太平微特电机有限公司", "太平微特电机"),
    ("舜宇光学科技（集团）有限公司", "舜宇光学科技"),
    ("TCL Technology Group Co., Ltd.", "tcltechnology"),
])
def test_core_name_strips_legal_forms_and_places(name: str, core: str) -> None:
    assert core_name(name) == core


@pytest.mark.parametrize("name", ["浙江大学", "西安交通大学", "杭州银行", "中山大学"])
def test_place_is_kept_when_only_industry_words_would_remain(name: str) -> None:
    assert core_name(name) == name


def test_spellings_of_one_firm_share_a_core_and_homophones_share_pinyin() -> None:
    assert core_name("浙江大立科技股份有限公司") == core_name("大立科技") == "大立科技"
    assert core_name("萬向錢潮") == core_name("万向钱潮股份有限公司")
    assert pinyin_key("恒峰工具") == pinyin_key("恒锋工具") == "heng feng gong ju"
    assert pinyin_key("加西贝拉") == pinyin_key("嘉西贝拉")
    assert pinyin_key("金凯门业") != pinyin_key("欧派门业")


def test_brand_and_generic_words() -> None:
    assert brand_name("金凯门业") == "金凯"
    assert brand_name("智昌机器人科技") == "智昌"
    assert brand_name("杭州银行") == "杭州"  # two characters are always kept
    assert is_generic("工业大学") and not is_generic("北大")


def test_places_carried_by_names() -> None:
    assert name_places("精功（绍兴）复合材料有限公司") == {"绍兴"}
    assert name_places("嘉兴加西贝拉") == {"嘉兴"}
    assert name_places("北大信息技术高等研究院") == frozenset()


@pytest.mark.parametrize(("a", "b", "verdict"), [
    ({"嘉兴"}, {"嘉兴"}, "agree"),
    ({"海盐"}, {"嘉兴"}, "agree"),  # a county and its city
    ({"浙江"}, {"嘉兴"}, "compatible"),
    ({"浙江", "宁波"}, {"嘉兴"}, "conflict"),  # the finest place decides
    ({"宁波"}, {"西安"}, "conflict"),
    ({"临汾"}, {"宁波"}, "conflict"),
    ({"新加坡"}, {"宁波"}, "unknown"),  # not in the gazetteer: no verdict
    (set(), {"宁波"}, "unknown"),
])
def test_compare_regions(a: set[str], b: set[str], verdict: str) -> None:
    assert compare_regions(a, b)[0] == verdict


def test_organisation_keys_cover_every_name_and_the_credit_code() -> None:
    keys = organisation_keys("恒锋工具股份有限公司", ["恒峰工具"], " 91330400704757867x ")
    assert ("core", "恒锋工具") in keys and ("core", "恒峰工具") in keys
    assert ("pinyin", "heng feng gong ju") in keys
    assert keys.count(("pinyin", "heng feng gong ju")) == 1  # no duplicate keys
    assert ("credit", "91330400704757867X") in keys


@pytest.mark.parametrize(("name", "numbers"), [
    ("浙江测试12号科技有限公司", (12,)),
    ("浙江测试１２号科技", (12,)),  # full-width digits
    ("杭州第二十一中学", (21,)),
    ("七〇一研究所", (701,)),
    ("一百零五号仓库", (105,)),
    ("1号2车间", (1, 2)),
    ("三一重工", ()),  # a brand, not a number
    ("一汽解放", ()),
    ("万向集团", ()),
])
def test_name_numbers(name: str, numbers: tuple[int, ...]) -> None:
    assert name_numbers(name) == numbers
