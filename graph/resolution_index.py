"""An in-memory index of organisations for entity resolution, and the pair scorer.

Pure structures: no store, no I/O. `OrganisationIndex.add` takes plain values
(the write path and `graph.resolution` feed it from the store); `query` finds
candidates by blocking and scores them with `compare`.

Blocking: exact lookups of the normalised name, core name, pinyin and credit
code, plus inverted indexes of character bigrams of core names and of pinyin
syllable pairs, of which only the rarest few are read. At most
`PREFILTER` candidates are then ranked with rapidfuzz in C before the full,
explainable comparison runs on the best of them.

Deciding: `compare` turns text similarity into a score and lets evidence move it.
A same credit code decides `same`; different credit codes decide `different`.
Region, industry and legal name agreeing or conflicting add or subtract, and so do
numbers: 测试1号 / 测试12号 and 第一 / 第二 are different organisations. A match
that rests on pinyin or on part of a name (恒峰 / 恒锋) needs at least one piece of
agreeing evidence to be `same`; without it, it goes to `review`.

>>> index = OrganisationIndex()
>>> index.add("ent:hf", "恒锋工具股份有限公司", region="嘉兴", industry="工具")
>>> index.add("ent:jk", "浙江金凯门业有限公司", region="金华", industry="门业")
>>> [(c.node_id, c.decision) for c in index.query("恒峰工具", region="嘉兴")]
[('ent:hf', 'same')]
>>> index.query("恒峰工具")[0].decision  # pinyin alone cannot decide
'review'
>>> [c.decision for c in index.query("江山欧派门业", region="衢州", industry="门业")]
['different']
>>> index.add("ent:t1", "浙江测试1号科技有限公司", region="杭州")
>>> [(c.node_id, c.decision) for c in index.query("浙江测试12号科技有限公司", region="杭州")]
[]

Names with digits (测试12号) are blocked apart: their digit-free bigrams (测试, 科技)
go to separate postings that a query carrying digits does not read, since stored
names with other numbers could only be `different`; so thousands of firms numbered
1…5000 cost a query a handful of candidates, not thousands.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from operator import itemgetter
from typing import Literal, NamedTuple

from rapidfuzz import fuzz, process
from rapidfuzz.distance import Hamming

from duijie.graph.abbreviations import (
    MAX_LENGTH,
    abbreviation_keys,
    is_abbreviation_shaped,
    is_two_level_shaped,
    read_as_abbreviation,
    read_as_two_level,
)
from duijie.graph.normalize import (
    INDUSTRY_WORDS,
    LEGAL_SUFFIXES,
    brand_name,
    char_readings,
    core_name,
    is_generic,
    name_numbers,
    name_places,
    normalize_text,
    parse_name,
    pinyin_syllables,
)
from duijie.graph.places import compare_regions, find_places, match_place

Decision = Literal["same", "part_of", "review", "different"]

SAME_THRESHOLD = 0.90
"""Score at or above which a pair is merged automatically (given the evidence rule).
Measured on the tuning half of tests/data/resolution/pairs.tsv: with region as the
only evidence, values up to 0.92 keep recall 1.0 with no wrong merge and 0.95 loses
10 %; 0.90 leaves a margin (figures in the README, Entity resolution)."""
REVIEW_THRESHOLD = 0.80
"""Score at or above which a pair goes to an organiser; below it, `different`.
On the tuning half with names alone, same pairs score 0.875 and up and distinct
pairs 0.75 and below: 0.80 is the lowest value that sends no distinct pair there to
review (0.70 sends one) while every same pair still reaches review or better."""

REGION_AGREE, REGION_CONFLICT = 0.05, 0.25
INDUSTRY_AGREE, INDUSTRY_CONFLICT = 0.05, 0.10
LEGAL_AGREE, LEGAL_CONFLICT = 0.10, 0.30
MAX_EVIDENCE_BONUS = REGION_AGREE + INDUSTRY_AGREE + LEGAL_AGREE
NUMBER_CONFLICT = 0.40  # 测试1号 / 测试12号: more than any agreeing evidence can add back
DIFFERENT_KINDS_SCORE = 0.60  # below review: 临沂职业学院 / 临沂科技职业学院
QUALIFIER_CONFLICT = 0.40  # 中国石油大学（华东） / （北京）: two universities
TAIL_CONFLICT = 0.25  # 西安理工大学 / 西安工业大学: same brand, different institutions
BRAND_WEIGHT = 0.6  # share of the score the brand alone carries; tails scale the rest

MAX_BLOCKS = 4  # rarest character bigrams (and skip-bigrams) read per query
MAX_PINYIN_BLOCKS = 2  # rarest pinyin syllable pairs read per query
BLOCK_BUDGET = 300  # further blocks are read while the candidates stay under this
MAX_POSTING = 500  # a block this common (工具, gong ju) is read only if nothing rarer is
PREFILTER = 12  # candidates kept per rapidfuzz pass (core, pinyin, full name) before the
# full comparison. 25 compared twice as many for the same labelled-set results, and put
# the right firm first less often in the benchmark (82.0 vs 84.6 %): weak candidates
# that reached review crowded it out.

ABBREVIATION_SCORE = 0.85  # a short name read as an abbreviation: review, never `same`
PART_OF_SCORE = 0.95  # a part found by its parent's whole name: as sure as a same core
UNIT_WORDS = ("学院", "系", "研究所", "研究院", "研究中心", "实验室", "中心", "医院", "分公司",
              "子公司", "分厂", "分院", "办事处", "分校", "校区", "事业部", "图书馆", "分部",
              "分行", "支行", "营业部", "研究生院")
"""What a part of an organisation is called after its parent's name."""
CAMPUS_WORDS = ("校区", "分校", "分院")
BARE_UNITS = ("研究院", "研究所", "研究中心", "实验室", "研究生院")
"""Units a name may add alone: 格力电器研究院 is the firm's institute."""
GOVERNMENT_OFFICES = ("厅", "部", "局", "委", "办")
GOVERNMENT_UNITS = ("处", "司", "科", "室", "办公室", "中心", "局")
"""Divisions of a government office (工业和信息化部 + 科技司, 浙江省经济和信息化厅 +
技术创新处, 国家知识产权局 + 专利局): units only after a parent whose whole name ends as
an office does, since alone 司 or 科 end many a firm's or school's own name, and a
regional bureau is not its national namesake's (上海铁路局 does not start with 国家铁路局)."""


def unit_after(parent: str, rest: str) -> str:
    """What `rest` names after the stem `parent` when it is a unit of it, else "".

    >>> unit_after("南京大学", "新闻传播学院"), unit_after("桂林旅游", "学院")
    ('新闻传播学院', '')
    >>> unit_after("工业和信息化部", "科技司"), unit_after("大立", "科技司")
    ('科技司', '')
    >>> unit_after("国家知识产权局", "专利局"), unit_after("上海铁路", "局")
    ('专利局', '')
    """
    part = _without_leading_legal_form(rest)
    unit = next((u for u in UNIT_WORDS if part.endswith(u)), "")
    if not unit and parent.endswith(GOVERNMENT_OFFICES) and not part.endswith("公司"):
        unit = next((u for u in GOVERNMENT_UNITS if part.endswith(u)), "")
    # 新闻传播学院, not 学院 alone (桂林旅游学院 is no school of 桂林旅游)
    return part if unit and (len(part) > len(unit) or unit in BARE_UNITS) else ""


def _without_leading_legal_form(text: str) -> str:
    """云南白药股份有限公司杭州分公司 → 杭州分公司 once 云南白药 is taken off."""
    for suffix in LEGAL_SUFFIXES:
        if text.startswith(suffix) and len(text) > len(suffix):
            return text[len(suffix):]
    return text


# Tail words that add nothing when one spelling has them and the other does not.
_WEAK_TEXT = "科技 技术 股份 实业 控股 发展 产业 工贸 贸易 新材 智能 高新 有限 集团 制造 制品 工业"
WEAK_WORDS = frozenset(_WEAK_TEXT.split())


@dataclass(frozen=True)
class NameForm:
    """One spelling of a name, reduced to what comparison needs."""

    text: str
    norm: str
    core: str
    brand: str
    tail: str  # industry words after the brand, weak words removed
    syllables: tuple[str, ...]
    brand_syllables: tuple[str, ...]
    readings: tuple[frozenset[str], ...] | None  # every reading of each core character
    numbers: tuple[int, ...] = ()  # 12 of 测试12号, 2 of 第二机床厂
    stem: str = ""  # the name without brackets and legal forms, places kept
    qualifiers: tuple[str, ...] = ()  # what brackets add: 华东, 北京, 苏州校区
    plain: bool = False  # the brand is only industry words or one place (no brand at all)


def _reading_set(char: str) -> frozenset[str]:
    return frozenset(char_readings(char))


def _readings(core: str, syl: tuple[str, ...]) -> tuple[frozenset[str], ...] | None:
    if len(syl) != len(core):
        return None
    return tuple(_reading_set(c) | {s} for c, s in zip(core, syl, strict=True))


def _reading_similarity(a: NameForm, b: NameForm) -> float:
    """Share of positions where the two cores can sound the same (equal lengths)."""
    if a.readings is None or b.readings is None:
        return fuzz.ratio(a.syllables, b.syllables) / 100
    same = sum(1 for x, y in zip(a.readings, b.readings, strict=True) if x & y)
    return same / len(a.readings)


@lru_cache(maxsize=300_000)
def name_form(text: str, syllables: tuple[str, ...] | None = None) -> NameForm:
    """`text` normalised, stripped to its core and brand, with pinyin.

    `syllables` of the core may be passed when already known (keys stored at write
    time), which saves running pypinyin again.

    >>> f = name_form("浙江智昌机器人科技有限公司")
    >>> f.core, f.brand, f.tail
    ('智昌机器人科技', '智昌', '机器人')
    """
    core = core_name(text)
    syl = syllables if syllables is not None else pinyin_syllables(core)
    brand = brand_name(core)
    # One syllable per character: slice instead of running pypinyin again.
    brand_syl = syl[: len(brand)] if len(syl) == len(core) else pinyin_syllables(brand)
    parsed = parse_name(text)
    return NameForm(text, normalize_text(text), core, brand, _tail_key(core[len(brand):]),
                    syl, brand_syl, _readings(core, syl), name_numbers(text), parsed.stem,
                    parsed.qualifiers, _plain(brand))


def _tail_key(tail: str) -> str:
    """The industry words after the brand; weak ones (科技, 股份) count only when
    nothing else is there (海利科技 and 海立环保 are in different lines)."""
    words, i = [], 0
    while i < len(tail):
        for size in (6, 5, 4, 3, 2, 1):
            word = tail[i:i + size]
            if len(word) == size and (word in INDUSTRY_WORDS or size == 1):
                words.append(word)
                i += size
                break
    strong = [w for w in words if w not in WEAK_WORDS]
    return "".join(strong or words)


@dataclass(frozen=True)
class OrgProfile:
    """What is known of one organisation record: its names and evidence."""

    names: tuple[NameForm, ...]
    kind: str | None = None
    places: frozenset[str] = frozenset()  # from the names and the region
    industry: str | None = None
    credit_code: str | None = None
    legal_name: str | None = None
    name_places: frozenset[str] = frozenset()  # leading or bracketed places of the names
    region_places: frozenset[str] = frozenset()  # the record's region alone
    qualified: bool = False  # a name says something in brackets (华东, 苏州校区)


def org_profile(name: str, aliases: tuple[str, ...] | list[str] = (), *,
                kind: str | None = None, region: str | None = None,
                industry: str | None = None, credit_code: str | None = None,
                legal_name: str | None = None,
                syllables: dict[str, tuple[str, ...]] | None = None) -> OrgProfile:
    """Build an `OrgProfile` from plain values (region is free text: 嘉兴市海盐县)."""
    texts = [t for t in dict.fromkeys([name, *aliases]) if t and t.strip()]
    forms = []
    for t in texts:
        known = syllables.get(core_name(t)) if syllables else None
        forms.append(name_form(t, known))
    in_names: set[str] = set()
    for t in texts:
        in_names |= name_places(t)
    regional: set[str] = set()
    if region and region.strip():
        region_norm = normalize_text(region)
        regional = set(find_places(region_norm)) or {region_norm}
    return OrgProfile(
        tuple(forms), kind, frozenset(in_names | regional),
        normalize_text(industry) if industry and industry.strip() else None,
        credit_code.strip().upper() if credit_code and credit_code.strip() else None,
        normalize_text(legal_name) if legal_name and legal_name.strip() else None,
        frozenset(in_names), frozenset(regional), any(f.qualifiers for f in forms),
    )


@dataclass
class Candidate:
    """A stored organisation a name may refer to, with the reasons for the verdict."""

    node_id: str
    name: str
    kind: str | None
    score: float
    decision: Decision
    reasons: list[str] = field(default_factory=list)
    matched_name: str = ""

    def to_dict(self) -> dict:
        return {"node_id": self.node_id, "name": self.name, "kind": self.kind,
                "score": round(self.score, 3), "decision": self.decision,
                "reasons": list(self.reasons), "matched_name": self.matched_name}


@lru_cache(maxsize=100_000)
def _plain(brand: str) -> bool:
    """A brand made only of industry words or of one place name."""
    hit = match_place(brand)
    return is_generic(brand) or (hit is not None and hit[1] == len(brand))


def _similarity(a: NameForm, b: NameForm) -> tuple[float, list[str], bool, bool]:
    """(text score, reasons, exact core, tails conflict) of two spellings."""
    if a.core == b.core:
        return 1.0, [f"same core name {a.core}"], True, False
    char = fuzz.ratio(a.brand, b.brand) / 100
    py = fuzz.ratio(a.brand_syllables, b.brand_syllables) / 100
    brand_sim = max(char, 0.25 * char + 0.75 * py)  # sounding alike counts, a bit less
    tails_conflict = bool(a.tail and b.tail and a.tail != b.tail)
    tail_sim = fuzz.ratio(a.tail, b.tail) / 100 if tails_conflict else 1.0
    # Multiplicative: industry words in common add nothing when the brands differ.
    score = brand_sim * (BRAND_WEIGHT + (1 - BRAND_WEIGHT) * tail_sim)
    if a.plain or b.plain:
        # No distinctive words (技术创新处 / 技术创新服务中心, 西安 of 西安理工大学):
        # only the whole name counts.
        score = min(score, fuzz.ratio(a.core, b.core) / 100)
        reasons = [f"names {a.core} / {b.core} have no distinctive words; "
                   f"characters {score:.0%}"]
        kind_a, kind_b = _unplaced(a.core), _unplaced(b.core)
        if kind_a != kind_b and is_generic(kind_a) and is_generic(kind_b):
            # 职业学院 / 科技职业学院, 工学院 / 理工学院: another kind of institution.
            score = min(score, DIFFERENT_KINDS_SCORE)
            reasons.append(f"kinds of organisation differ: {kind_a} / {kind_b}")
        if tails_conflict:
            reasons.append(f"lines of business differ: {a.tail} / {b.tail}")
        return score, reasons, False, tails_conflict
    homophones = False
    shares_brand = char > 0 or py > 0
    if not shares_brand:
        reasons = [f"names {a.core} / {b.core} share only industry words"]
        return score, reasons, False, tails_conflict
    # One differing character (Hamming, in C) first: most pairs stop there.
    if len(a.core) == len(b.core) and Hamming.distance(a.core, b.core) == 1 \
            and _reading_similarity(a, b) == 1.0:
        # A pinyin typing error swaps characters that sound alike: position by
        # position, with every reading of polyphonic characters (苏泊尔 / 苏伯尔); a
        # swap in a business word (工夜 / 工业) is no other line of business.
        core_char = fuzz.ratio(a.core, b.core) / 100
        score = max(score, 0.25 * core_char + 0.75)
        homophones, tails_conflict = True, False
        char, py = max(char, core_char), 1.0
    reasons = [f"names {a.core} / {b.core}: characters {char:.0%}, pinyin {py:.0%}"]
    if homophones or (py == 1.0 and char < 1.0):
        reasons.append(f"{a.core} / {b.core} sound the same: homophones are only candidates")
    if tails_conflict:
        reasons.append(f"lines of business differ: {a.tail} / {b.tail}")
    return score, reasons, False, tails_conflict


@lru_cache(maxsize=100_000)
def _unplaced(core: str) -> str:
    """A core without the places it leads with (东营科技职业学院 → 科技职业学院)."""
    while (hit := match_place(core)) is not None and len(core) - hit[1] >= 2:
        core = core[hit[1]:]
    return core


def _stems_sound_alike(a: NameForm, b: NameForm) -> float:
    """The score of two whole names (places kept) that sound the same position by
    position (云男白药 / 云南白药, 上孩海洋大学 / 上海海洋大学), else 0."""
    if a.stem == b.stem or len(a.stem) != len(b.stem) or len(a.stem) < 3:
        return 0.0
    # One typo: two would make 荣盛 / 融晟 one firm.
    if Hamming.distance(a.stem, b.stem) != 1:
        return 0.0
    x, y = next((x, y) for x, y in zip(a.stem, b.stem, strict=True) if x != y)
    if not set(char_readings(x)) & set(char_readings(y)):
        return 0.0
    return 0.25 * (len(a.stem) - 1) / len(a.stem) + 0.75


class Verdict(NamedTuple):
    """What `compare` found: the score, the decision, why, and which spelling matched.

    `strength` ranks `same` verdicts when several stored records qualify: (same
    credit code, same core name, pieces of agreeing evidence).
    """

    score: float
    decision: Decision
    reasons: list[str]
    matched: str
    strength: tuple[int, int, int] = (0, 0, 0)


def compare(query: OrgProfile, cand: OrgProfile, *, same_threshold: float = SAME_THRESHOLD,
            review_threshold: float = REVIEW_THRESHOLD) -> Verdict:
    """Score two organisation records and decide.

    >>> a = org_profile("嘉兴加西贝拉压缩机有限公司")
    >>> b = org_profile("嘉西贝拉", region="嘉兴")
    >>> score, decision, reasons, *_ = compare(b, a)
    >>> decision, reasons[-1]
    ('same', 'same region: 嘉兴')
    """
    if query.credit_code and query.credit_code == cand.credit_code:
        return Verdict(1.0, "same", [f"same credit code {cand.credit_code}"],
                       cand.names[0].text, (1, 1, 1))
    best = (-1.0, [], False, False, "", "", False)
    for qa in query.names:
        for cb in cand.names:
            score, reasons, exact, tails = _similarity(qa, cb)
            alike = _stems_sound_alike(qa, cb)
            if alike > score:
                score, tails = alike, False
                reasons = [f"names {qa.stem} / {cb.stem} differ by one character that "
                           "sounds the same: homophones are only candidates"]
            numbers = ""
            if qa.numbers and cb.numbers and qa.numbers != cb.numbers:
                score -= NUMBER_CONFLICT
                numbers = (f"numbers differ: {'-'.join(map(str, qa.numbers))} / "
                           f"{'-'.join(map(str, cb.numbers))}")
            if score > best[0]:
                best = (score, reasons, exact, tails, cb.text, numbers,
                        qa.plain or cb.plain)
            if exact and not numbers:
                break
    score, reasons, exact, tails_conflict, matched, numbers, plain = best
    reasons = list(reasons)
    support, conflict = 0, tails_conflict
    if numbers:
        conflict = True
        reasons.append(numbers)
    qualified = _compare_qualifiers(query, cand)
    if qualified:
        reasons.append(qualified[1])
        if qualified[0] == "conflict":
            score -= QUALIFIER_CONFLICT
        conflict = True
    if query.credit_code and cand.credit_code:
        reasons.append(f"credit codes differ: {query.credit_code} / {cand.credit_code}")
        return Verdict(min(score, 0.3), "different", reasons, matched)
    if not exact and score + MAX_EVIDENCE_BONUS < review_threshold:
        # Far apart by name: no evidence could lift it to review, so none is weighed
        # (most candidates a query compares end here).
        return Verdict(max(0.0, score), "different", reasons, matched)
    if any(qa.norm == cb.norm for qa in query.names for cb in cand.names):
        support += 1
        reasons.append("same full name")
    if tails_conflict:
        score -= TAIL_CONFLICT
    verdict, where = _place_evidence(query, cand, plain)
    if verdict == "agree":
        score += REGION_AGREE
        support += 1
        reasons.append(f"same region: {where}")
    elif verdict == "conflict":
        score -= REGION_CONFLICT
        conflict = True
        reasons.append(f"regions differ: {where}")
    elif verdict == "compatible":
        reasons.append(f"regions compatible: {where}")
    if query.industry and cand.industry:
        # Many firms share an industry: it moves the score but is no evidence alone.
        if query.industry in cand.industry or cand.industry in query.industry:
            score += INDUSTRY_AGREE
            reasons.append(f"same industry: {cand.industry}")
        else:
            score -= INDUSTRY_CONFLICT
            conflict = True
            reasons.append(f"industries differ: {query.industry} / {cand.industry}")
    if query.legal_name and cand.legal_name:
        if query.legal_name == cand.legal_name:
            score += LEGAL_AGREE
            support += 1
            reasons.append("same legal name")
        else:
            score -= LEGAL_CONFLICT
            conflict = True
            reasons.append(f"legal names differ: {query.legal_name} / {cand.legal_name}")
    score = max(0.0, min(1.0, score))
    strength = (0, int(exact), support)
    if score >= same_threshold and not conflict and (exact or support > 0):
        return Verdict(score, "same", reasons, matched, strength)
    if score >= review_threshold:
        if score >= same_threshold and not conflict:
            reasons.append("nothing but the name agrees: an organiser should confirm")
        return Verdict(score, "review", reasons, matched, strength)
    return Verdict(score, "different", reasons, matched, strength)


def _place_evidence(query: OrgProfile, cand: OrgProfile, plain: bool) -> tuple[str, str]:
    return _places_verdict(query.name_places, query.region_places, query.places,
                           cand.name_places, cand.region_places, cand.places, plain,
                           "Institute" in (query.kind, cand.kind))


@lru_cache(maxsize=200_000)
def _places_verdict(q_named: frozenset[str], q_region: frozenset[str], q_all: frozenset[str],
                    c_named: frozenset[str], c_region: frozenset[str], c_all: frozenset[str],
                    plain: bool, institute: bool) -> tuple[str, str]:
    """How the two records' places compare. A conflict counts between the places
    the names lead with, or between the regions; a name's place against the other
    record's region only agrees (北京中医药大学东方学院 lies in 河北). When the
    names have no distinctive words (东营职业学院), their places are what they are
    called, so only the regions can agree."""
    named = _compare_places(q_named, c_named)
    regional = _compare_places(q_region, c_region)
    for verdict in (named, regional):
        if verdict[0] == "conflict":
            return verdict
    if named[0] == "compatible" and q_named != c_named and institute:
        # 山西煤炭职业技术学院 / 大同煤炭职业技术学院: an institution's place is its name.
        return "conflict", f"{'、'.join(sorted(q_named))} / {'、'.join(sorted(c_named))}"
    if regional[0] == "agree":
        return regional
    crossed = _compare_places(q_all, c_all)
    if crossed[0] == "conflict" and not (q_named and c_named):
        return crossed  # 四川长江职业学院 / 长江职业学院 in 湖北
    if crossed[0] == "agree" and not plain:
        return crossed
    for verdict in (regional, named, crossed):
        if verdict[0] == "compatible":
            return verdict
    return "unknown", ""


def _compare_qualifiers(query: OrgProfile, cand: OrgProfile) -> tuple[str, str] | None:
    """What the brackets say: ("conflict", why) when both names are qualified
    differently (中国石油大学（华东） / （北京））, ("one-sided", why) when only one is
    and the qualifier is not a place an enterprise merely registered in (精功（绍兴）);
    None when they agree or say nothing."""
    if not query.qualified and not cand.qualified:
        return None
    qa = {q for f in query.names for q in f.qualifiers}
    qb = {q for f in cand.names for q in f.qualifiers}
    if qa & qb:
        return None
    if qa and qb:
        return "conflict", f"brackets differ: {'、'.join(sorted(qa))} / {'、'.join(sorted(qb))}"
    one = qa or qb
    institute = "Institute" in (query.kind, cand.kind)
    if not institute and all(match_place(q) and match_place(q)[1] == len(q) for q in one):
        return None
    return "one-sided", f"only one name says which: {'、'.join(sorted(one))}"


@lru_cache(maxsize=100_000)
def _compare_places(a: frozenset[str], b: frozenset[str]) -> tuple[str, str]:
    """`compare_regions`, cached: an import compares the same few places many times."""
    return compare_regions(a, b)


_ORDER = {"same": 3, "part_of": 2, "review": 1, "different": 0}


def _best(found: list[Candidate], query_norm: str, k: int,
          norm_of: Callable[[Candidate], str]) -> list[Candidate]:
    """The `k` best candidates: by decision, then score; among equal scores the
    closer full spelling (place and all, `norm_of` the matched name) first, then the
    id. The spelling is compared only for candidates that can still reach the first
    `k`."""
    def rank(c: Candidate) -> tuple[int, float]:
        return -_ORDER[c.decision], -c.score

    found.sort(key=rank)
    if len(found) > k:
        cut = rank(found[k - 1])
        found = [c for c in found if rank(c) <= cut]
    found.sort(key=lambda c: (*rank(c), -fuzz.ratio(query_norm, norm_of(c)), c.node_id))
    return found[:k]


def _one_same(found: list[Candidate], strengths: dict[str, tuple[int, int, int]]) -> None:
    """One name means one organisation: if several candidates qualify as `same`, only
    a strictly strongest one keeps it (credit code, then exact core name, then
    evidence); the others, or all of them on a tie, go to review."""
    same = [c for c in found if c.decision == "same"]
    if len(same) < 2:
        return
    top = max(strengths[c.node_id] for c in same)
    leaders = [c for c in same if strengths[c.node_id] == top]
    for c in same:
        if len(leaders) > 1:
            c.decision = "review"
            c.reasons.append(f"ambiguous: {len(leaders)} organisations match as well")
        elif c is not leaders[0]:
            c.decision = "review"
            c.reasons.append(f"a closer match exists: {leaders[0].name}")


_UNITS = re.compile(r"\d+|\D")
_DIGIT = re.compile(r"\d")


def _bigrams(text: str) -> set[str]:
    """Character bigrams, plus skip-bigrams (恒_工) that survive one wrong character.

    A run of digits is one unit (试12, 12号), so numbered names share no digit grams.

    >>> sorted(_bigrams("试12号"))
    ['12号', '试12', '试_号']
    """
    units = _UNITS.findall(text)
    if len(units) < 2:
        return {text} if text else set()
    grams = {units[i] + units[i + 1] for i in range(len(units) - 1)}
    grams.update(f"{units[i]}_{units[i + 2]}" for i in range(len(units) - 2))
    return grams


def _numbered(form: NameForm) -> bool:
    return bool(_DIGIT.search(form.core))


def _syllable_pairs(form: NameForm) -> set[str]:
    """Adjacent syllable pairs of the core, in every reading of each character."""
    units = form.readings or tuple(frozenset([s]) for s in form.syllables)
    if len(units) < 2:
        return set().union(*units) if units else set()
    return {f"{x} {y}" for i in range(len(units) - 1)
            for x in units[i] for y in units[i + 1]}


class OrganisationIndex:
    """Organisations held in memory for resolving names quickly.

    `add` (or re-add) a record, `remove` one, `query` a name. Ids are the store's
    node ids; the index holds no store handle and does no I/O.
    """

    def __init__(self) -> None:
        self._ids: list[str | None] = []  # slot -> node id (None once removed)
        self._slot: dict[str, int] = {}
        self._profiles: list[OrgProfile | None] = []
        self._names: list[str] = []
        self._core: list[str] = []  # slot -> core of the primary name (for the prefilter)
        self._pinyin_text: list[str] = []
        self._norm: list[str] = []
        self._exact: dict[tuple[str, str], set[int]] = {}
        self._bigram: dict[str, list[int]] = {}
        self._pinyin: dict[str, list[int]] = {}
        # Digit-free grams of names with digits (测试, ce shi of 测试12号): read only by
        # queries without digits, so numbered firms do not crowd each other's blocks.
        self._numbered_bigram: dict[str, list[int]] = {}
        self._numbered_pinyin: dict[str, list[int]] = {}
        self._abbreviated: dict[str, list[int]] = {}  # 西北, 西工 of 西北工业大学
        self._removed = 0  # slots emptied by `remove` (their postings stay until rebuilt)

    def __len__(self) -> int:
        return len(self._slot)

    def __contains__(self, node_id: object) -> bool:
        return node_id in self._slot

    def entries(self) -> Iterator[tuple[str, str, OrgProfile]]:
        """Every organisation held: ``(node id, name, profile)``."""
        for node_id, name, profile in zip(self._ids, self._names, self._profiles, strict=True):
            if node_id is not None and profile is not None:
                yield node_id, name, profile

    def add(self, node_id: str, name: str, aliases: tuple[str, ...] | list[str] = (), *,
            region: str | None = None, industry: str | None = None,
            credit_code: str | None = None, kind: str | None = None,
            legal_name: str | None = None,
            syllables: dict[str, tuple[str, ...]] | None = None) -> None:
        """Add an organisation, replacing any earlier record with the same id."""
        profile = org_profile(name, aliases, kind=kind, region=region, industry=industry,
                              credit_code=credit_code, legal_name=legal_name,
                              syllables=syllables)
        self.add_profile(node_id, name, profile)

    def add_profile(self, node_id: str, name: str, profile: OrgProfile) -> None:
        if node_id in self._slot:
            self.remove(node_id)
        slot = len(self._ids)
        self._ids.append(node_id)
        self._slot[node_id] = slot
        self._profiles.append(profile)
        self._names.append(name)
        primary = profile.names[0] if profile.names else None
        self._core.append(primary.core if primary else "")
        self._pinyin_text.append(" ".join(primary.syllables) if primary else "")
        self._norm.append(primary.norm if primary else "")
        for key in self._exact_keys(profile):
            self._exact.setdefault(key, set()).add(slot)
        for key in {k for form in profile.names for k in abbreviation_keys(form.stem)}:
            self._abbreviated.setdefault(key, []).append(slot)
        for form in profile.names:
            numbered = _numbered(form)
            for grams, plain, apart in ((_bigrams(form.core), self._bigram,
                                         self._numbered_bigram),
                                        (_syllable_pairs(form), self._pinyin,
                                         self._numbered_pinyin)):
                for gram in grams:
                    table = apart if numbered and not _DIGIT.search(gram) else plain
                    postings = table.setdefault(gram, [])
                    if not postings or postings[-1] != slot:
                        postings.append(slot)

    @staticmethod
    def _exact_keys(profile: OrgProfile) -> set[tuple[str, str]]:
        keys = {("credit", profile.credit_code)} if profile.credit_code else set()
        for f in profile.names:
            keys |= {("norm", f.norm), ("core", f.core), ("pinyin", " ".join(f.syllables)),
                     ("stem", f.stem)}
        return keys

    def remove(self, node_id: str) -> None:
        """Forget an organisation (postings are skipped lazily at query time)."""
        slot = self._slot.pop(node_id, None)
        if slot is None:
            return
        profile = self._profiles[slot]
        if profile is not None:
            for key in self._exact_keys(profile):
                self._exact.get(key, set()).discard(slot)
        self._ids[slot] = None
        self._profiles[slot] = None
        self._removed += 1

    def profile(self, node_id: str) -> OrgProfile:
        return self._profiles[self._slot[node_id]]  # type: ignore[return-value]

    def name_of(self, node_id: str) -> str:
        return self._names[self._slot[node_id]]

    def candidate_slots(self, profile: OrgProfile) -> tuple[set[int], set[int]]:
        """Blocking: (slots sharing an exact key, slots from the rarest blocks)."""
        exact: set[int] = set()
        for key in self._exact_keys(profile):
            exact |= self._exact.get(key, set())
        bigrams, pairs = set(), set()
        for form in profile.names:
            # The query's whole stem too: a typo in a place (云男白药) keeps it unstripped.
            bigrams |= _bigrams(form.core) | _bigrams(form.stem)
            pairs |= _syllable_pairs(form)
        # Stored names with other numbers could only be `different`: a query whose
        # names all carry digits skips their digit-free grams.
        numbered = all(_numbered(f) for f in profile.names)
        blocked: set[int] = set()
        for tables, grams, limit in (
                ((self._bigram,) if numbered else (self._bigram, self._numbered_bigram),
                 bigrams, MAX_BLOCKS),
                ((self._pinyin,) if numbered else (self._pinyin, self._numbered_pinyin),
                 pairs, MAX_PINYIN_BLOCKS)):
            # Rarest first (ties broken by the gram, so a query always reads the same
            # blocks): the first `limit`, then more while they fit the budget, so that
            # rare blocks all naming one record do not hide the others.
            sizes = sorted((sum(len(t.get(g, ())) for t in tables), g) for g in grams
                           if any(g in t for t in tables))
            found: set[int] = set()
            for n, (size, gram) in enumerate(sizes):
                if size > MAX_POSTING and found:
                    break
                if n >= limit and len(found) + size > BLOCK_BUDGET:
                    break
                for table in tables:
                    found.update(table.get(gram, ()))
            blocked |= found
        return exact, blocked

    def query(self, name: str, aliases: tuple[str, ...] | list[str] = (), *,
              kind: str | None = None, region: str | None = None,
              industry: str | None = None, credit_code: str | None = None,
              legal_name: str | None = None, k: int = 5,
              exclude: set[str] | frozenset[str] = frozenset(),
              same_threshold: float = SAME_THRESHOLD,
              review_threshold: float = REVIEW_THRESHOLD) -> list[Candidate]:
        """The `k` best candidates for a name, best first, each with a decision."""
        profile = org_profile(name, aliases, kind=kind, region=region, industry=industry,
                              credit_code=credit_code, legal_name=legal_name)
        return self.query_profile(profile, k=k, exclude=exclude,
                                  same_threshold=same_threshold,
                                  review_threshold=review_threshold)

    def query_profile(self, profile: OrgProfile, *, k: int = 5,
                      exclude: set[str] | frozenset[str] = frozenset(),
                      same_threshold: float = SAME_THRESHOLD,
                      review_threshold: float = REVIEW_THRESHOLD) -> list[Candidate]:
        if not profile.names:
            return []
        exact, blocked = self.candidate_slots(profile)

        ids, profiles, kind = self._ids, self._profiles, profile.kind
        if exclude or kind is not None:
            slots = sorted(s for s in exact | blocked
                           if (node_id := ids[s]) is not None and node_id not in exclude
                           and (kind is None or profiles[s].kind in (None, kind)))
        elif self._removed:
            slots = sorted(s for s in exact | blocked if ids[s] is not None)
        else:  # the common case: nothing removed, nothing to skip
            slots = sorted(exact | blocked)
        if len(slots) > PREFILTER:
            slots = self._prefilter(profile, slots, exact)
        out, strengths = [], {}
        for slot in slots:
            cand = self._profiles[slot]
            verdict = compare(profile, cand, same_threshold=same_threshold,
                              review_threshold=review_threshold)
            strengths[self._ids[slot]] = verdict.strength
            out.append(Candidate(self._ids[slot], self._names[slot], cand.kind, verdict.score,
                                 verdict.decision, list(verdict.reasons), verdict.matched))
        _one_same(out, strengths)
        if any(c.decision != "different" for c in out):
            out = self._without_own_parts(profile, out)
        if not any(c.decision == "same" for c in out):
            out = self._with_parents(profile, out, exclude)
        if not any(c.decision in ("same", "part_of") for c in out):
            out = self._with_abbreviated(profile, out, exclude)
        return _best(out, profile.names[0].norm, k, self._matched_norm)

    def _matched_norm(self, found: Candidate) -> str:
        """The normalised spelling a candidate matched (kept in its profile)."""
        profile = self._profiles[self._slot[found.node_id]]
        norm = next((f.norm for f in profile.names if f.text == found.matched_name), None) \
            if profile is not None else None
        return norm if norm is not None else normalize_text(found.matched_name)

    def parents(self, profile: OrgProfile) -> dict[int, tuple[str, str]]:
        """Stored organisations a name is a part of: {slot: (parent's name as written
        in the query, the part)}. The longest stored name the query starts with, when
        what follows names a unit (南京大学 + 新闻传播学院, 云南白药 + 杭州分公司), or
        the same name with a campus in brackets (北京邮电大学(宏福校区))."""
        out: dict[int, tuple[str, str]] = {}
        for form in profile.names:
            stem = form.stem
            whole = self._parents_of(stem, {})
            for slot, found in whole.items():
                out.setdefault(slot, found)
            if not whole and form.core != stem and stem.endswith(form.core):
                # 浙江大立科技研究院 under a stored 大立科技: the leading place is the
                # part's own, unless the parent's region says otherwise. Only when no
                # stored name holds the place too (杭州园林 before 园林).
                for slot, found in self._parents_of(form.core, {}).items():
                    parent = self._profiles[slot]
                    if parent is not None and not parent.name_places and \
                            _compare_places(profile.places, parent.places)[0] != "conflict":
                        out.setdefault(slot, found)
            campus = [q for q in form.qualifiers if q.endswith(CAMPUS_WORDS)]
            if campus:
                for slot in self._exact.get(("stem", stem), ()):
                    out.setdefault(slot, (stem, campus[0]))
        return out

    def _parents_of(self, stem: str, out: dict[int, tuple[str, str]]
                    ) -> dict[int, tuple[str, str]]:
        """The longest stored stem `stem` starts with, when what follows names a unit."""
        for size in range(len(stem) - 2, 1, -1):
            slots = self._exact.get(("stem", stem[:size]))
            if not slots:
                continue
            part = unit_after(stem[:size], stem[size:])
            if part:
                for slot in slots:
                    out.setdefault(slot, (stem[:size], part))
            break
        return out

    def _without_own_parts(self, profile: OrgProfile, out: list[Candidate]) -> list[Candidate]:
        """A stored part of the query (工业和信息化部科技司 when 工业和信息化部 is asked)
        is not the query: never `same` nor queued as it."""
        kept = []
        for c in out:
            cand = self._profiles[self._slot[c.node_id]] if c.decision != "different" else None
            part = next((unit_after(q.stem, f.stem[len(q.stem):]) for q in profile.names
                         for f in (cand.names if cand is not None else ())
                         if len(f.stem) > len(q.stem) and f.stem.startswith(q.stem)
                         and unit_after(q.stem, f.stem[len(q.stem):])), "") or next((
                # a campus of the query (北京邮电大学(宏福校区) when 北京邮电大学 is asked)
                campus for q in profile.names if not q.qualifiers
                for f in (cand.names if cand is not None else ()) if f.stem == q.stem
                for campus in f.qualifiers if campus.endswith(CAMPUS_WORDS)), "")
            if part:
                c = Candidate(c.node_id, c.name, c.kind, min(c.score, DIFFERENT_KINDS_SCORE),
                              "different", [f"{c.name} is a unit of {profile.names[0].text}",
                                            *c.reasons], c.matched_name)
            kept.append(c)
        return kept

    def parent_links(self, profile: OrgProfile,
                     exclude: set[str] | frozenset[str] = frozenset()) -> list[Candidate]:
        """The stored organisations of the same kind a name is a part of, as
        `part_of` candidates, the longest parent name first (see `parents`).

        >>> index = OrganisationIndex()
        >>> index.add("inst:zju", "浙江大学", kind="Institute")
        >>> [(c.node_id, c.reasons) for c in index.parent_links(
        ...     org_profile("浙江大学计算机科学与技术学院", kind="Institute"))]
        [('inst:zju', ['part of 浙江大学: 计算机科学与技术学院'])]
        """
        return [self._part_of(slot, parent, part)
                for slot, (parent, part) in self._parent_slots(profile, exclude)]

    def _parent_slots(self, profile: OrgProfile, exclude: set[str] | frozenset[str]
                      ) -> list[tuple[int, tuple[str, str]]]:
        kind = profile.kind
        found = [(s, p) for s, p in self.parents(profile).items()
                 if (node_id := self._ids[s]) is not None and node_id not in exclude
                 and (parent := self._profiles[s]) is not None
                 and (kind is None or parent.kind in (None, kind))]
        return sorted(found, key=lambda item: -len(item[1][0]))

    def _part_of(self, slot: int, parent: str, part: str) -> Candidate:
        return Candidate(self._ids[slot], self._names[slot], self._profiles[slot].kind,
                         PART_OF_SCORE, "part_of", [f"part of {parent}: {part}"],
                         self._names[slot])

    def _with_parents(self, profile: OrgProfile, out: list[Candidate],
                      exclude: set[str] | frozenset[str]) -> list[Candidate]:
        found = self._parent_slots(profile, exclude)
        # A misspelt sibling (三峡大学科鸡学院 for 三峡大学科技学院) is a review, not a part.
        stems = {parent for _, (parent, _) in found}
        if not found or any(c.decision == "review" and any(
                f.stem.startswith(stem) and len(f.stem) > len(stem)
                for f in self._profiles[self._slot[c.node_id]].names
                for stem in stems) for c in out):
            return out
        ids = {self._ids[slot] for slot, _ in found}
        return [c for c in out if c.node_id not in ids] + [
            self._part_of(slot, parent, part) for slot, (parent, part) in found]

    def _with_abbreviated(self, profile: OrgProfile, out: list[Candidate],
                          exclude: set[str] | frozenset[str]) -> list[Candidate]:
        """Stored names the query may abbreviate (西工大 → 西北工业大学; in two levels,
        中科院西光所 → 中国科学院西安光学精密机械研究所), as `review` candidates: an
        abbreviation is never enough to merge (西电 reads as 西安电子科技大学 and as
        西昌电力 alike)."""
        # Only a bare short name: 国检集团 or 上港集团 is a firm's own name, not 国检.
        shorts = [f.stem for f in profile.names if f.stem == f.norm and (
            is_abbreviation_shaped(f.stem) or is_two_level_shaped(f.stem))]
        if not shorts:
            return out
        kind, seen = profile.kind, {c.node_id: c for c in out}
        for short in shorts:
            for slot in self._abbreviated.get(short[:2], ()):
                node_id, cand = self._ids[slot], self._profiles[slot]
                if node_id is None or cand is None or node_id in exclude \
                        or (kind is not None and cand.kind not in (None, kind)):
                    continue
                earlier = seen.get(node_id)
                if earlier is not None and earlier.decision != "different":
                    continue
                read = read_as_abbreviation if len(short) <= MAX_LENGTH else read_as_two_level
                reading = min(((r, f.text) for f in cand.names
                               if (r := read(short, f.stem))), default=None)
                if reading is None:
                    continue
                (skipped, spelled), matched = reading
                found = Candidate(node_id, self._names[slot], cand.kind,
                                  ABBREVIATION_SCORE - 0.01 * min(skipped, 4), "review",
                                  [f"{short} may abbreviate {matched}: {spelled}"], matched)
                seen[node_id] = found
        return list(seen.values())

    def _prefilter(self, profile: OrgProfile, slots: list[int], exact: set[int]) -> list[int]:
        """Keep exact-key hits and the slots whose core or pinyin is closest, ranked
        by rapidfuzz in C."""
        keep = {s for s in slots if s in exact}
        pick = itemgetter(*slots)  # more than PREFILTER slots, so a tuple
        cores, pinyins = pick(self._core), pick(self._pinyin_text)
        norms = pick(self._norm)  # place and legal form break ties of cores
        for form in profile.names:
            for query, choices in ((form.core, cores), (" ".join(form.syllables), pinyins),
                                   (form.norm, norms)):
                for _, _, i in process.extract(query, choices, scorer=fuzz.ratio,
                                               limit=PREFILTER):
                    keep.add(slots[i])
        return list(keep)
