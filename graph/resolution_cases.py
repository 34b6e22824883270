"""Measuring entity resolution on the labelled name set built from public lists.

The set (tests/data/resolution/, built by scripts/build_resolution_set.py) is a
register of real, distinct organisation names (universities, listed companies,
railway bureaus, CAS institutes, national bureaus) and cases about them, each in the `tune` or the
`heldout` half:

- `typo`: found when the expected entry comes back `same`, or `review` ranked first;
- `affiliation`: found when the parent comes back `part_of` (or `review` first);
- `distinct`: a register name queried against the register without itself
  (which holds a name sharing its core or sound): any `same` is a wrong merge;
- `abbreviation`: a dictionary abbreviation (北大 for 北京大学), found like a typo;
- `shared_abbreviation`: an abbreviation that another register name's characters
  also follow (北大 / 北京师范大学): any `same` is a wrong merge.

`import_register` imports the register itself as one clean file would be, each
name against the names before it: any `same` folds two distinct organisations,
any `review` sends a distinct name to an organiser.

Figures carry Wilson 95% intervals (`Rate.interval`).

>>> register = [Entry("恒锋工具", "浙江", "", "Enterprise"),
...             Entry("安阳工学院", "河南", "", "Institute"),
...             Entry("商丘工学院", "河南", "", "Institute")]
>>> index = register_index(register)
>>> outcome(index, Case("tune", "typo", "恒峰工具股份有限公司", "恒锋工具"), register[0])
'review'
>>> outcome(index, Case("tune", "distinct", "安阳工学院", "商丘工学院"), register[1])
'different'
"""

from __future__ import annotations

import csv
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from duijie.graph.errors import InvalidInput
from duijie.graph.resolution_index import OrganisationIndex

REGISTER_FILES = ("universities.tsv", "listed.tsv", "railways.tsv", "institutes.tsv",
                  "bureaus.tsv")
CASE_TYPES = ("typo", "affiliation", "distinct", "abbreviation", "shared_abbreviation")
_KEPT_APART = ("distinct", "shared_abbreviation")  # found unless merged


def split_of(name: str) -> str:
    """The half a register entry (and every case about it) falls in, by a hash of
    its name: stable and about even.

    >>> split_of("南京大学"), split_of("山东路桥")
    ('heldout', 'tune')
    """
    return "tune" if hashlib.sha256(name.encode()).digest()[0] % 2 == 0 else "heldout"


@dataclass(frozen=True)
class Entry:
    """One organisation of the register."""

    name: str
    region: str
    industry: str
    kind: str


@dataclass(frozen=True)
class Case:
    split: str
    type: str  # one of CASE_TYPES
    query: str
    expected: str  # the register name it means (typo, affiliation) or resembles
    note: str = ""


@dataclass
class Rate:
    """k of n, with its Wilson 95% interval.

    >>> Rate(95, 100).interval
    (0.888, 0.978)
    """

    k: int = 0
    n: int = 0
    examples: list[str] = field(default_factory=list)

    @property
    def value(self) -> float:
        return self.k / self.n if self.n else 0.0

    @property
    def interval(self) -> tuple[float, float]:
        if not self.n:
            return (0.0, 1.0)
        from scipy.stats import binomtest  # local: scipy is heavy to import

        ci = binomtest(self.k, self.n).proportion_ci(0.95, method="wilson")
        return (round(float(ci.low), 3), round(float(ci.high), 3))

    def add(self, hit: bool, example: str = "") -> None:
        self.n += 1
        if hit:
            self.k += 1
            if example and len(self.examples) < 20:
                self.examples.append(example)

    def text(self) -> str:
        low, high = self.interval
        return f"{self.k}/{self.n} = {self.value:.1%} [{low:.1%}, {high:.1%}]"


def read_register(folder: str | Path) -> list[Entry]:
    """Every entry of the register files in `folder` (kind Institute, listed firms
    Enterprise)."""
    out = []
    for file in REGISTER_FILES:
        path = Path(folder) / file
        with path.open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle, delimiter="\t"):
                kind = "Enterprise" if file == "listed.tsv" else "Institute"
                out.append(Entry(row["name"], row.get("region") or "",
                                 row.get("industry") or "", kind))
    return out


def read_cases(path: str | Path) -> list[Case]:
    """The cases of `cases.tsv` (split, type, query, expected, note)."""
    out, problems = [], []
    with Path(path).open(encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle, delimiter="\t")
        next(reader, None)
        for number, row in enumerate(reader, start=2):
            if len(row) != 5 or row[1] not in CASE_TYPES:
                problems.append(f"{path}, line {number}: expected split, type "
                                f"({'/'.join(CASE_TYPES)}), query, expected, note")
                continue
            out.append(Case(*row))
    if problems:
        raise InvalidInput("labelled cases are malformed", where=str(path), problems=problems)
    return out


def register_index(register: Iterable[Entry]) -> OrganisationIndex:
    """An index holding every register entry, its id its name."""
    index = OrganisationIndex()
    for entry in register:
        index.add(entry.name, entry.name, region=entry.region or None,
                  industry=entry.industry or None, kind=entry.kind)
    return index


def outcome(index: OrganisationIndex, case: Case, entry: Entry) -> str:
    """What resolution did with a case: `same`, `part_of`, `review` (the expected
    entry first), `wrong` (another entry decided same or part_of, or first in
    review), `different` (nothing taken)."""
    # A distinct name is imported with its region, as a file would carry it; a typo
    # or a part comes with its name alone (the harder test for finding it).
    distinct = case.type == "distinct"
    found = index.query(case.query, kind=entry.kind, k=5,
                        region=(entry.region or None) if distinct else None,
                        exclude={case.query} if distinct else set())
    if not found or found[0].decision == "different":
        return "different"
    best = found[0]
    if case.type in _KEPT_APART:  # a part of another (中山大学新华学院) is no merge
        return "wrong" if best.decision == "same" else best.decision
    if best.node_id != case.expected:
        return "wrong"
    return best.decision


@dataclass
class CaseQuality:
    """Per case type: found (same/part_of/review-first), wrong, and the detail."""

    found: dict[str, Rate] = field(default_factory=dict)
    wrong: dict[str, Rate] = field(default_factory=dict)
    decisions: dict[str, dict[str, int]] = field(default_factory=dict)


def evaluate_cases(register: list[Entry], cases: Iterable[Case], split: str,
                   index: OrganisationIndex | None = None) -> CaseQuality:
    """Resolve every case of `split` against an index of the whole register."""
    index = index if index is not None else register_index(register)
    by_name = {e.name: e for e in register}
    quality = CaseQuality()
    for case in cases:
        if case.split != split:
            continue
        entry = by_name[case.expected]
        if case.type == "distinct":
            entry = by_name.get(case.query, entry)
        result = outcome(index, case, entry)
        counts = quality.decisions.setdefault(case.type, {})
        counts[result] = counts.get(result, 0) + 1
        found = quality.found.setdefault(case.type, Rate())
        wrong = quality.wrong.setdefault(case.type, Rate())
        if case.type in _KEPT_APART:
            found.add(result != "wrong")
        else:
            found.add(result in ("same", "part_of", "review"),
                      f"{case.query} → {case.expected}")
        wrong.add(result == "wrong", f"{case.query} ~ {case.expected} ({case.note})")
    return quality


@dataclass
class ImportQuality:
    """The register imported as one clean file: folds and reviews among distinct names."""

    rows: Rate = field(default_factory=Rate)  # unused k; n = rows counted
    folded: Rate = field(default_factory=Rate)
    reviewed: Rate = field(default_factory=Rate)
    part_of: Rate = field(default_factory=Rate)


def import_register(register: list[Entry], split: str | None = None,
                    splits: dict[str, str] | None = None) -> ImportQuality:
    """Import every entry in order against the entries before it; count, for the
    rows of `split` (all when None), those folded (`same`), sent to review, or
    linked as a part."""
    index = OrganisationIndex()
    quality = ImportQuality()
    for entry in register:
        found = index.query(entry.name, kind=entry.kind, region=entry.region or None,
                            industry=entry.industry or None, k=1)
        counted = split is None or (splits or {}).get(entry.name) == split
        if counted:
            decision = found[0].decision if found else "different"
            other = found[0].name if found else ""
            quality.rows.add(False)
            quality.folded.add(decision == "same", f"{entry.name} → {other}")
            quality.reviewed.add(decision == "review", f"{entry.name} ~ {other}")
            quality.part_of.add(decision == "part_of", f"{entry.name} ⊂ {other}")
        index.add(entry.name, entry.name, region=entry.region or None,
                  industry=entry.industry or None, kind=entry.kind)
    return quality
