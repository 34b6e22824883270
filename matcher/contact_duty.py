"""Contact duty (双向联系, 一对一服务): each firm gets one official who keeps in touch.

Fit of an official for a firm, in [0, 1]:

- 0.5 × the share of the firm's terms (its industry, its needs' topics) that the
  official's fields cover;
- 0.3 if the official's department answers for one of the firm's open problems;
- 0.2 if the official covers the firm's region (or a region it lies in).

Scores are sparse matrix products (firms × terms times terms × officials), so
10,000 firms × 500 officials take a fraction of a second. Each firm's best `top_k`
officials go to the events' assignment engine (`plan_meetings`, a min-cost flow:
the highest total fit, one official per firm, each official's capacity; with
`fair`, first its coverage and max-min stages). Firms no official fits, or whose
fitting officials are full, go in id order to the officials with most room left
(said so in their reasons). Pairs kept from an earlier plan are locked.

>>> officials = [Official("off:a", "王", "金融处", fields=("复合材料",), capacity=1),
...              Official("off:b", "李", "技术处", fields=("红外",), capacity=1)]
>>> firms = [Firm("ent:x", "甲", terms=("红外",)), Firm("ent:y", "乙", terms=("复合材料",))]
>>> plan = assign_contacts(firms, officials)
>>> [(a.firm, a.official, a.score) for a in plan.assignments]
[('ent:x', 'off:b', 0.5), ('ent:y', 'off:a', 0.5)]
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from scipy import sparse

from duijie.graph.errors import InvalidInput, Said, at
from duijie.matcher.assignment import Participant, PlanRules, plan_meetings
from duijie.matcher.region_paths import normalise_place

FIELD_WEIGHT, DEPARTMENT_WEIGHT, REGION_WEIGHT = 0.5, 0.3, 0.2
REASON_WORDS = {
    "zh": {"field": "领域：{value}", "department": "部门：{value}（企业有待办问题）",
           "region": "地区：{value}", "capacity": "按剩余容量分配：无领域、部门或地区匹配"},
    "en": {"field": "field: {value}", "department": "department: {value} (open problems)",
           "region": "region: {value}",
           "capacity": "by room left: no field, department or region in common"},
}
NO_FIT_REASON = ("capacity", "")


@dataclass(frozen=True)
class Official:
    id: str
    name: str
    department: str
    fields: tuple[str, ...] = ()
    regions: tuple[str, ...] = ()
    capacity: int = 20


@dataclass(frozen=True)
class Firm:
    id: str
    name: str
    terms: tuple[str, ...] = ()  # industry and the topics of its needs
    region_chain: tuple[str, ...] = ()  # its region and the regions containing it
    problem_departments: tuple[str, ...] = ()  # departments answering its open problems


@dataclass(frozen=True)
class Assignment:
    firm: str
    official: str
    score: float
    reasons: tuple[tuple[str, str], ...]  # (code, value): see REASON_WORDS
    source: str = "planned"  # planned, kept (an earlier plan's pair), capacity (no fit)

    def to_dict(self) -> dict[str, Any]:
        return {"firm": self.firm, "official": self.official, "score": self.score,
                "reasons": [{"code": c, "value": v} for c, v in self.reasons],
                "source": self.source}


@dataclass
class ContactPlan:
    assignments: list[Assignment]
    unassigned: list[str]
    load: dict[str, int]  # official -> firms assigned
    diagnostics: list[str] = field(default_factory=list)
    covered_by_fit: int = 0
    total_score: float = 0.0


def check_officials(officials: Sequence[Official], firms: int) -> None:
    """Refuse an official with no capacity, repeated ids, or too little capacity in all.

    >>> check_officials([Official("off:a", "王", "金融处", capacity=0)], firms=1)
    Traceback (most recent call last):
    ...
    duijie.graph.errors.InvalidInput: contact duty: cannot assign firms
      official 王 has capacity 0: give them at least 1 firm, or leave them out
      officials can take 0 firms in all, fewer than the 1 firms: raise capacities or \
add officials
    """
    problems = []
    seen: set[str] = set()
    for o in officials:
        if o.id in seen:
            problems.append(Said("contacts.official_twice", id=o.id))
        seen.add(o.id)
        if not isinstance(o.capacity, int) or o.capacity <= 0:
            problems.append(Said("contacts.official_capacity", name=o.name, id=o.id,
                                 n=o.capacity))
    total = sum(max(o.capacity, 0) for o in officials)
    if not officials:
        problems.append(Said("contacts.no_officials"))
    elif total < firms:
        problems.append(Said("contacts.too_little_capacity", total=total, firms=firms))
    if problems:
        raise InvalidInput(key="contacts.cannot_assign", where=at("where.contact_duty"),
                           problems=problems)


def _index(values: Iterable[Iterable[str]]) -> dict[str, int]:
    vocab: dict[str, int] = {}
    for row in values:
        for v in row:
            vocab.setdefault(v, len(vocab))
    return vocab


def _matrix(rows: Sequence[Iterable[str]], vocab: Mapping[str, int], normalise: bool
            ) -> sparse.csr_matrix:
    indptr, indices = [0], []
    for row in rows:
        cols = sorted({vocab[v] for v in row if v in vocab})
        indices.extend(cols)
        indptr.append(len(indices))
    data = np.ones(len(indices))
    m = sparse.csr_matrix((data, np.array(indices, np.int64), np.array(indptr, np.int64)),
                          shape=(len(rows), len(vocab)))
    if normalise:
        counts = np.array([max(1, len(set(r))) for r in rows], float)
        m = sparse.diags(1.0 / counts) @ m
    return m.tocsr()


def fit_matrix(firms: Sequence[Firm], officials: Sequence[Official]) -> sparse.csr_matrix:
    """Fit of every official for every firm (firms × officials, zeros left out).

    >>> m = fit_matrix([Firm("ent:x", "甲", ("红外", "光学"), ("杭州", "浙江"))],
    ...                [Official("off:a", "王", "技术处", ("红外",), ("浙江",))])
    >>> float(m[0, 0])
    0.45
    """
    terms = _index([o.fields for o in officials])
    depts = _index([(o.department,) for o in officials])
    regions = _index([tuple(normalise_place(r) for r in o.regions) for o in officials])
    firm_terms = [tuple(dict.fromkeys(f.terms)) for f in firms]
    score = FIELD_WEIGHT * (_matrix(firm_terms, terms, True)
                            @ _matrix([o.fields for o in officials], terms, False).T)
    score = score + DEPARTMENT_WEIGHT * (
        _matrix([f.problem_departments for f in firms], depts, False)
        @ _matrix([(o.department,) for o in officials], depts, False).T).sign()
    score = score + REGION_WEIGHT * (
        _matrix([tuple(normalise_place(r) for r in f.region_chain) for f in firms], regions,
                False)
        @ _matrix([tuple(normalise_place(r) for r in o.regions) for o in officials], regions,
                  False).T).sign()
    return sparse.csr_matrix(score)


def _reasons(firm: Firm, official: Official) -> tuple[tuple[str, str], ...]:
    out = [("field", t) for t in dict.fromkeys(firm.terms) if t in set(official.fields)]
    if official.department in firm.problem_departments:
        out.append(("department", official.department))
    chain = {normalise_place(r) for r in firm.region_chain}
    out += [("region", r) for r in official.regions if normalise_place(r) in chain]
    return tuple(out)


def reason_text(code: str, value: str, lang: str = "zh") -> str:
    """A reason as a person reads it.

    >>> reason_text("department", "金融处"), reason_text("field", "红外", "en")
    ('部门：金融处（企业有待办问题）', 'field: 红外')
    """
    return REASON_WORDS[lang][code].format(value=value)


def assign_contacts(firms: Sequence[Firm], officials: Sequence[Official], *,
                    keep: Iterable[tuple[str, str]] = (), top_k: int = 10,
                    fair: bool = False) -> ContactPlan:
    """One official per firm, by fit, under each official's capacity.

    Parameters
    ----------
    firms, officials : sequences of Firm and Official
    keep : pairs (firm id, official id) of an earlier plan to keep as they are
    top_k : how many best-fitting officials of each firm the planner considers
    fair : also run the engine's fairness stages (as many firms as possible get a
        fitting official, the weakest fit as high as it can be) before the total fit.
        Off by default: every firm gets an official anyway (the capacity fallback),
        and at 10,000 firms the stages cost about six times the plan itself.

    Raises
    ------
    InvalidInput
        An official with capacity 0, repeated ids, too little capacity in all, or a
        kept pair naming someone unknown.
    """
    check_officials(officials, len(firms))
    fmap = {f.id: f for f in firms}
    omap = {o.id: o for o in officials}
    if len(fmap) != len(firms):
        raise InvalidInput(key="contacts.firm_twice", where=at("where.contact_duty"))
    keep = {(f, o) for f, o in keep}
    bad = [(f, o) for f, o in keep if f not in fmap or o not in omap]
    if bad:
        raise InvalidInput(key="contacts.kept_not_in_plan", value=bad[:5],
                           where=at("where.contact_duty"))
    kept_firms = {f for f, _ in keep}
    if len(kept_firms) != len(keep):
        raise InvalidInput(key="contacts.firm_kept_twice", where=at("where.contact_duty"))
    matrix = fit_matrix(firms, officials)
    scores: dict[tuple[str, str], float] = {}
    for i, f in enumerate(firms):
        start, end = matrix.indptr[i], matrix.indptr[i + 1]
        cols, vals = matrix.indices[start:end], matrix.data[start:end]
        if len(cols) > top_k:
            best = np.argpartition(-vals, top_k - 1)[:top_k]
            cols, vals = cols[best], vals[best]
        for j, v in zip(cols.tolist(), vals.tolist(), strict=True):
            if v > 0:
                scores[(f.id, officials[j].id)] = round(min(1.0, v), 6)
    for pair in keep:
        scores.setdefault(pair, 0.0)
    load = {o.id: 0 for o in officials}
    assignments: list[Assignment] = []
    diagnostics: list[str] = []
    fitting_ids = {f for f, _ in scores}
    fitting = [Participant(f.id, 1, "firm", name=f.name) for f in firms if f.id in fitting_ids]
    helpers = [Participant(o.id, o.capacity, "official", name=o.name) for o in officials]
    if fitting:
        plan = plan_meetings(fitting, helpers, scores, PlanRules(locked=keep),
                             min_score=1e-6, alternates=0, fair=fair)
        diagnostics += plan.diagnostics
        for m in plan.meetings:
            source = "kept" if m.source == "locked" else "planned"
            assignments.append(Assignment(m.firm, m.helper, m.score,
                                          _reasons(fmap[m.firm], omap[m.helper]), source))
            load[m.helper] += 1
    covered = {a.firm for a in assignments}
    left = sorted((f for f in firms if f.id not in covered), key=lambda f: f.id)
    rooms = [(-(o.capacity - load[o.id]), j) for j, o in enumerate(officials)]
    heapq.heapify(rooms)
    for f in left:  # no official fits (or the fitting ones are full): most room left first
        free, j = heapq.heappop(rooms)
        if free >= 0:
            break
        room = officials[j]
        load[room.id] += 1
        heapq.heappush(rooms, (free + 1, j))
        assignments.append(Assignment(f.id, room.id, 0.0, (NO_FIT_REASON,), "capacity"))
    covered = {a.firm for a in assignments}
    assignments.sort(key=lambda a: (a.firm, a.official))
    return ContactPlan(assignments, [f.id for f in firms if f.id not in covered], load,
                       diagnostics, sum(1 for a in assignments if a.score > 0),
                       round(sum(a.score for a in assignments), 6))


def assign_contacts_greedy(firms: Sequence[Firm], officials: Sequence[Official], *,
                           top_k: int = 10) -> list[Assignment]:
    """The baseline: each firm in turn takes its best official with room left.

    >>> officials = [Official("off:a", "王", "技术处", ("红外", "光学"), capacity=1),
    ...              Official("off:b", "李", "技术处", ("红外",), capacity=1)]
    >>> firms = [Firm("ent:x", "甲", ("红外",)), Firm("ent:y", "乙", ("光学",))]
    >>> [(a.firm, a.official) for a in assign_contacts_greedy(firms, officials)]
    [('ent:x', 'off:a')]
    """
    matrix = fit_matrix(firms, officials).tocsr()
    room = {o.id: o.capacity for o in officials}
    out = []
    for i, f in enumerate(firms):
        start, end = matrix.indptr[i], matrix.indptr[i + 1]
        ranked = sorted(zip(matrix.data[start:end].tolist(),
                            matrix.indices[start:end].tolist(), strict=True),
                        key=lambda vj: (-vj[0], vj[1]))
        for v, j in ranked[:top_k]:
            o = officials[j]
            if room[o.id] > 0:
                room[o.id] -= 1
                out.append(Assignment(f.id, o.id, round(v, 6), _reasons(f, o)))
                break
    return out
