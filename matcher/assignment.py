"""Fair meeting assignment for a docking event (`plan_meetings`).

Firms (with their needs) on one side, experts and institutes ("helpers") on the
other, a match score per pair. The plan is lexicographically optimal:

1. as many firms as possible get at least one meeting;
2. among those plans, the weakest covered firm's best match is as strong as it
   can be (max-min, as in peer-review assignment systems);
3. if some firm with an acceptable match still gets nothing, nobody gets a third
   meeting;
4. among those plans, the total score is as high as it can be.

Requested, pinned and locked pairs are hard in every solver mode; forbidden,
declined and met-before pairs are never proposed. Without group quotas the plan
is an OR-Tools min-cost flow (max-flow probes find the max-min threshold); with
quotas (institute per firm, one person per organisation) it is an integer
program solved in the same stages on HiGHS (`matcher.assignment_milp`) or CP-SAT
(`matcher.assignment_cpsat`). Both are exact and deterministic. Scores are scaled
by 10**6 to integers, so scores that differ by 0.0001 are never tied.

>>> firms = [Participant("ent:a", capacity=1), Participant("ent:b", capacity=1)]
>>> helpers = [Participant("exp:x", capacity=1), Participant("exp:y", capacity=1)]
>>> scores = {("ent:a", "exp:x"): 0.9, ("ent:a", "exp:y"): 0.8, ("ent:b", "exp:x"): 0.85}
>>> plan = plan_meetings(firms, helpers, scores)
>>> [(m.firm, m.helper) for m in plan.meetings]
[('ent:a', 'exp:y'), ('ent:b', 'exp:x')]
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np

from duijie.graph.errors import DuijieError, InvalidInput
from duijie.matcher.assignment_flow import SCALE, PairArrays, solve_flow
from duijie.matcher.notes import note

Pair = tuple[str, str]


class PlanCancelled(DuijieError):
    """`cancelled()` said stop: nothing was planned."""

    exit_code = 130


@dataclass(frozen=True)
class Participant:
    """One firm or helper as the planner sees it.

    `kind` is "firm", "expert" or "institute"; `organisation` groups people of
    one employer for the one-per-organisation quota.
    """

    id: str
    capacity: int = 3
    kind: str = "expert"
    organisation: str | None = None
    name: str | None = None


@dataclass
class PlanRules:
    """The organisers' hard rules, as sets of (firm, helper) pairs."""

    requests: set[Pair] = field(default_factory=set)  # accepted by the other side: must meet
    pins: set[Pair] = field(default_factory=set)  # organiser: must meet
    locked: set[Pair] = field(default_factory=set)  # already agreed: kept as they are
    forbidden: set[Pair] = field(default_factory=set)  # organiser: never
    declined: set[Pair] = field(default_factory=set)  # "no thanks" from either side: never
    met_before: set[Pair] = field(default_factory=set)  # met before the cutoff: not again
    institute_per_firm: int = 0  # at least this many institutes for every served firm
    one_per_organisation: bool = False  # at most one person of one employer per firm


@dataclass
class PlannedMeeting:
    firm: str
    helper: str
    score: float
    source: Literal["locked", "pinned", "requested", "planned"] = "planned"


@dataclass
class MeetingPlan:
    """What `plan_meetings` returns: pairs, explanations, alternates, figures."""

    meetings: list[PlannedMeeting]
    unassigned: dict[str, str]  # participant id -> why it has no meeting
    alternates: dict[str, list[tuple[str, float]]]  # firm -> ranked stand-ins for no-shows
    diagnostics: list[str]
    covered_firms: int
    weakest_best: float | None  # the weakest covered firm's best score (max-min value)
    total_score: float
    solver: str
    names: dict[str, str] = field(default_factory=dict)  # participant id -> name, if given

    def pairs(self) -> list[Pair]:
        return [(m.firm, m.helper) for m in self.meetings]

    def to_dict(self, names: Mapping[str, str] | None = None) -> dict[str, Any]:
        """JSON-safe, with each participant's name beside its id (from the plan's
        participants, or `names`; None when neither knows it).

        >>> plan = plan_meetings([Participant("ent:a", 1, name="甲")],
        ...                      [Participant("exp:x", 1, name="李")], {("ent:a", "exp:x"): .8})
        >>> plan.to_dict()["meetings"]
        [{'firm': 'ent:a', 'firm_name': '甲', 'helper': 'exp:x', 'helper_name': '李', \
'score': 0.8, 'source': 'planned'}]
        """
        known = {**self.names, **(names or {})}
        mentioned = {i for m in self.meetings for i in (m.firm, m.helper)}
        mentioned |= set(self.unassigned) | set(self.alternates)
        mentioned |= {h for alts in self.alternates.values() for h, _ in alts}
        return {
            "meetings": [{"firm": m.firm, "firm_name": known.get(m.firm), "helper": m.helper,
                          "helper_name": known.get(m.helper), "score": m.score,
                          "source": m.source} for m in self.meetings],
            "unassigned": dict(self.unassigned),
            "alternates": {f: [[h, s] for h, s in alts] for f, alts in self.alternates.items()},
            "diagnostics": list(self.diagnostics),
            "covered_firms": self.covered_firms,
            "weakest_best": self.weakest_best,
            "total_score": self.total_score,
            "solver": self.solver,
            "names": {i: known.get(i) for i in sorted(mentioned)},
        }


# ----------------------------------------------------------------------------- checks

def _check_inputs(firms: Sequence[Participant], helpers: Sequence[Participant],
                  rules: PlanRules, min_score: float) -> None:
    problems = []
    for side, people in (("firm", firms), ("helper", helpers)):
        seen = set()
        for p in people:
            if p.id in seen:
                problems.append(f"{side} {p.id!r} listed twice")
            seen.add(p.id)
            if not isinstance(p.capacity, int) or p.capacity < 0:
                problems.append(f"{side} {p.id!r}: max_meetings {p.capacity!r} must be an "
                                "integer >= 0")
    firm_ids = {f.id for f in firms}
    helper_ids = {h.id for h in helpers}
    if firm_ids & helper_ids:
        problems.append(f"ids on both sides: {sorted(firm_ids & helper_ids)[:5]}")
    if not 0.0 <= min_score <= 1.0:
        problems.append(f"min_score {min_score!r} must lie in [0, 1]")
    for name in ("requests", "pins", "locked", "forbidden", "declined", "met_before"):
        for f, h in getattr(rules, name):
            if f not in firm_ids or h not in helper_ids:
                problems.append(f"{name}: pair ({f}, {h}) names a participant not in the event")
    if rules.institute_per_firm < 0:
        problems.append("institute_per_firm must be >= 0")
    if problems:
        raise InvalidInput("cannot plan meetings", where="plan_meetings", problems=problems)


def _forced(rules: PlanRules, firms: dict[str, Participant], helpers: dict[str, Participant]
            ) -> dict[Pair, str]:
    """Pairs that must meet and why; refuses pins that break a rule or a capacity."""
    forced: dict[Pair, str] = {}
    for source, pairs in (("locked", rules.locked), ("pinned", rules.pins),
                          ("requested", rules.requests)):
        for pair in sorted(pairs):
            forced.setdefault(pair, source)
    problems = []
    never = rules.forbidden | rules.declined
    for pair, source in forced.items():
        if pair in never:
            why = "forbidden" if pair in rules.forbidden else "declined"
            problems.append(f"pair {pair} is {source} and also {why}: drop one of the two")
    for side, people, idx in (("firm", firms, 0), ("helper", helpers, 1)):
        count: dict[str, int] = defaultdict(int)
        for pair in forced:
            count[pair[idx]] += 1
        for pid, n in sorted(count.items()):
            if n > people[pid].capacity:
                problems.append(
                    f"{side} {pid} has {n} pinned/requested/locked meetings but max_meetings "
                    f"{people[pid].capacity}: raise its max_meetings to {n} or drop a pin")
    if rules.one_per_organisation:
        seen: dict[tuple[str, str], str] = {}
        for f, h in forced:
            org = helpers[h].organisation
            if org and (f, org) in seen:
                problems.append(f"firm {f} is pinned to {seen[(f, org)]} and {h} of one "
                                f"organisation {org}: unset one_per_organisation or drop a pin")
            elif org:
                seen[(f, org)] = h
    if problems:
        raise InvalidInput("the hard rules cannot all hold", where="plan_meetings",
                           problems=problems)
    return forced


# ----------------------------------------------------------------------------- entry point

def _score_arrays(firms: Sequence[Participant], helpers: Sequence[Participant],
                  scores: Mapping[Pair, float] | np.ndarray, fids: list[str], hids: list[str]
                  ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(firm row, helper column, score) for every scored pair of known participants."""
    fpos = {f: i for i, f in enumerate(fids)}
    hpos = {h: j for j, h in enumerate(hids)}
    if isinstance(scores, np.ndarray):
        if scores.shape != (len(firms), len(helpers)):
            raise InvalidInput(f"score matrix has shape {scores.shape}, expected "
                               f"({len(firms)}, {len(helpers)}) (firms × helpers)",
                               where="plan_meetings")
        rows, cols = np.nonzero(~np.isnan(scores))
        val = scores[rows, cols].astype(float)
        fi = np.array([fpos[f.id] for f in firms], np.int64)[rows]
        hi = np.array([hpos[h.id] for h in helpers], np.int64)[cols]
    else:
        n = len(scores)
        fi = np.fromiter((fpos.get(f, -1) for f, _ in scores), np.int64, n)
        hi = np.fromiter((hpos.get(h, -1) for _, h in scores), np.int64, n)
        val = np.fromiter(scores.values(), float, n)
        known = (fi >= 0) & (hi >= 0)
        fi, hi, val = fi[known], hi[known], val[known]
    bad = np.flatnonzero(~((val >= 0) & (val <= 1)))
    if len(bad):
        k = int(bad[0])
        raise InvalidInput(f"score of ({fids[fi[k]]}, {hids[hi[k]]}) is {val[k]!r}; scores must "
                           "lie in [0, 1]", where="plan_meetings")
    return fi, hi, val


def plan_meetings(firms: Sequence[Participant], helpers: Sequence[Participant],
                  scores: Mapping[Pair, float] | np.ndarray, rules: PlanRules | None = None, *,
                  min_score: float = 0.3, solver: Literal["auto", "flow", "milp", "cpsat"] = "auto",
                  alternates: int = 3, time_limit: float = 60.0, fair: bool = True,
                  progress: Callable[[str], None] | None = None,
                  cancelled: Callable[[], bool] | None = None) -> MeetingPlan:
    """Propose meeting pairs: fair to firms, then best in total score.

    Parameters
    ----------
    firms, helpers : sequence of Participant
        Each with `capacity` (max meetings); helpers with `kind` and `organisation`.
    scores : mapping (firm id, helper id) -> float in [0, 1], or array
        Missing pairs are not acceptable (unless pinned, requested or locked). An
        array is firms × helpers in the order given, NaN for "not scored".
    rules : PlanRules, optional
        Requests, pins, locks (must meet), forbidden/declined/met-before (never),
        group quotas.
    min_score : float
        Pairs scoring below it are not proposed.
    solver : {"auto", "flow", "milp", "cpsat"}
        "auto" uses the min-cost flow unless a group quota needs an integer
        program: "milp" (HiGHS, the default there) or "cpsat" (OR-Tools CP-SAT,
        for small instances).
    alternates : int
        How many ranked stand-ins to keep per firm for no-shows.
    time_limit : float
        Seconds per CP-SAT stage.
    fair : bool
        False skips stages 1–3 and maximises the total score alone (hard rules
        still hold): the upper bound that fairness is measured against.
    progress : callable(stage), optional
        Told each stage ("coverage", "max-min", "total score") as it starts.
    cancelled : callable() -> bool, optional
        Asked between stages and probes; True stops with `PlanCancelled`.

    Returns
    -------
    MeetingPlan

    Raises
    ------
    InvalidInput
        Bad ids or scores, a pin that breaks a capacity or a rule, quotas that
        cannot be met, no acceptable pair at all (names the setting to change).
    Conflict
        Quotas that turn out infeasible, or CP-SAT without a proven optimum.
    PlanCancelled
        `cancelled()` returned True.

    Examples
    --------
    >>> firms = [Participant("ent:a", capacity=2)]
    >>> helpers = [Participant("exp:x"), Participant("inst:y", kind="institute")]
    >>> plan = plan_meetings(firms, helpers, {("ent:a", "exp:x"): 0.2,
    ...                                       ("ent:a", "inst:y"): 0.7})
    >>> plan.pairs(), plan.unassigned["exp:x"][:19]
    ([('ent:a', 'inst:y')], 'no acceptable match')
    """
    rules = rules or PlanRules()

    def step(stage: str) -> None:
        if cancelled is not None and cancelled():
            raise PlanCancelled("planning was cancelled", where=f"plan_meetings ({stage})")
        if progress is not None:
            progress(stage)

    _check_inputs(firms, helpers, rules, min_score)
    if solver not in ("auto", "flow", "milp", "cpsat"):
        raise InvalidInput("is not a solver; use auto, flow, milp or cpsat", value=solver,
                           where="plan_meetings")
    fmap = {f.id: f for f in firms}
    hmap = {h.id: h for h in helpers}
    fids, hids = sorted(fmap), sorted(hmap)
    fpos = {f: i for i, f in enumerate(fids)}
    hpos = {h: j for j, h in enumerate(hids)}
    forced = _forced(rules, fmap, hmap)
    fi, hi, val = _score_arrays(firms, helpers, scores, fids, hids)
    code = fi * len(hids) + hi
    order = np.argsort(code, kind="stable")  # by (firm id, helper id): the same plan each run
    fi, hi, val, code = fi[order], hi[order], val[order], code[order]
    score_of = dict(zip(code.tolist(), val.tolist(), strict=True)) if len(code) < 10**5 else None

    def lookup(pair: Pair) -> float:
        c = fpos[pair[0]] * len(hids) + hpos[pair[1]]
        if score_of is not None:
            return score_of.get(c, 0.0)
        k = np.searchsorted(code, c)
        return float(val[k]) if k < len(code) and code[k] == c else 0.0

    never = rules.forbidden | rules.declined | rules.met_before
    blocked = np.array([fpos[f] * len(hids) + hpos[h] for f, h in never | set(forced)],
                       np.int64)
    ok = (val >= min_score) & ~np.isin(code, blocked)
    acc = PairArrays(fids, hids, fi[ok], hi[ok], np.rint(val[ok] * SCALE).astype(np.int64))
    if not len(acc.fi) and not forced:
        best = float(val.max()) if len(val) else None
        raise InvalidInput(
            f"no pair reaches min_score={min_score}"
            + (f" (the best score is {best:.3f})" if best is not None else " (no scores given)"),
            where="plan_meetings",
            problems=["lower min_score, invite other experts or institutes, or lift declines"])
    firm_cap = np.array([fmap[f].capacity for f in fids], np.int64)
    helper_cap = np.array([hmap[h].capacity for h in hids], np.int64)
    n_forced = np.zeros(len(fids), np.int64)
    for f, h in forced:
        n_forced[fpos[f]] += 1
        helper_cap[hpos[h]] -= 1
    firm_cap -= n_forced
    has_match = set(np.unique(acc.fi[firm_cap[acc.fi] + n_forced[acc.fi] > 0]).tolist())
    has_match |= {fpos[f] for f, _ in forced}
    diagnostics = _supply_demand(fmap, hmap, acc, len(has_match), rules)
    quotas = rules.institute_per_firm > 0 or rules.one_per_organisation
    if solver == "flow" and quotas:
        raise InvalidInput("group quotas need solver='milp', 'cpsat' or 'auto'",
                           where="plan_meetings")
    used = "milp" if solver == "auto" and quotas else ("flow" if solver == "auto" else solver)
    if used != "flow":
        from duijie.matcher.assignment_cpsat import solve_cpsat
        from duijie.matcher.assignment_milp import solve_milp

        forced_firms = {f for f, _ in forced}
        free_firms = [f for i, f in enumerate(fids) if f not in forced_firms and firm_cap[i] > 0]
        acceptable = dict(zip(acc.pairs(), acc.sc.tolist(), strict=True))
        step("coverage")
        chosen_pairs, _, tau = (solve_milp if used == "milp" else solve_cpsat)(
            free_firms, dict(zip(fids, firm_cap.tolist(), strict=True)),
            dict(zip(hids, helper_cap.tolist(), strict=True)), acceptable,
            {p: round(lookup(p) * SCALE) for p in forced}, hmap, rules,
            len(has_match), time_limit, fair)
        chosen_set = set(chosen_pairs)
        chosen = np.array([p in chosen_set for p in acc.pairs()], bool)
    else:
        chosen, _, tau = solve_flow(acc, firm_cap, helper_cap, n_forced, len(has_match), fair,
                                     step)
    meetings = [PlannedMeeting(f, h, lookup((f, h)), src) for (f, h), src in sorted(forced.items())]
    meetings += [PlannedMeeting(fids[a], hids[b], s / SCALE) for a, b, s in zip(
        acc.fi[chosen].tolist(), acc.hi[chosen].tolist(), acc.sc[chosen].tolist(), strict=True)]
    meetings.sort(key=lambda m: (m.firm, -m.score, m.helper))
    return MeetingPlan(
        meetings=meetings,
        unassigned=explain_unassigned(fmap, hmap, meetings, acc, never, lookup, min_score),
        alternates=rank_alternates(hmap, meetings, acc, alternates),
        diagnostics=diagnostics,
        covered_firms=len({m.firm for m in meetings}),
        weakest_best=None if tau is None else tau / SCALE,
        total_score=round(sum(m.score for m in meetings), 6),
        solver=used,
        names={p.id: p.name for p in (*firms, *helpers) if p.name},
    )


def _supply_demand(fmap: dict[str, Participant], hmap: dict[str, Participant], acc: PairArrays,
                   n_has_match: int, rules: PlanRules) -> list[str]:
    """Supply against demand, before solving: what cannot work and what to change."""
    notes = []
    demand = sum(f.capacity for f in fmap.values())
    supply = sum(h.capacity for h in hmap.values())
    if supply < n_has_match:
        notes.append(note("short_supply", firms=n_has_match, supply=supply))
    elif supply < demand:
        notes.append(note("fewer_meetings", demand=demand, supply=supply))
    if rules.institute_per_firm:
        inst_supply = sum(h.capacity for h in hmap.values() if h.kind == "institute")
        is_inst = np.array([hmap[h].kind == "institute" for h in acc.hids], bool)
        wanting = len(np.unique(acc.fi[is_inst[acc.hi]]))
        if inst_supply < wanting * rules.institute_per_firm:
            raise InvalidInput(
                f"institute_per_firm={rules.institute_per_firm} needs "
                f"{wanting * rules.institute_per_firm} institute meetings but institutes "
                f"offer {inst_supply}", where="plan_meetings",
                problems=["lower institute_per_firm or raise institutes' max_meetings"])
    return notes


def explain_unassigned(fmap: dict[str, Participant], hmap: dict[str, Participant],
                       meetings: Iterable[PlannedMeeting], acc: PairArrays, never: set[Pair],
                       score: Callable[[Pair], float], min_score: float) -> dict[str, str]:
    """Why each participant without a meeting has none: capacity, no match, or conflict."""
    met = {m.firm for m in meetings} | {m.helper for m in meetings}
    options = dict(zip(acc.fids, np.bincount(acc.fi, minlength=len(acc.fids)).tolist(),
                       strict=True))
    options |= dict(zip(acc.hids, np.bincount(acc.hi, minlength=len(acc.hids)).tolist(),
                        strict=True))
    blocked: dict[str, int] = defaultdict(int)
    for pair in never:
        if score(pair) >= min_score:
            blocked[pair[0]] += 1
            blocked[pair[1]] += 1
    out = {}
    for pid, p in sorted({**fmap, **hmap}.items()):
        if pid in met:
            continue
        if p.capacity == 0:
            out[pid] = note("no_capacity")
        elif not options[pid]:
            out[pid] = (note("no_match_blocked", min_score=min_score, blocked=blocked[pid])
                        if blocked[pid] else note("no_match", min_score=min_score))
        else:
            out[pid] = note("conflict", options=options[pid])
    return out


def rank_alternates(hmap: dict[str, Participant], meetings: Iterable[PlannedMeeting],
                    acc: PairArrays, n: int) -> dict[str, list[tuple[str, float]]]:
    """Per firm, up to `n` stand-ins for a no-show: spare capacity first, then by score."""
    if n <= 0 or not len(acc.fi):
        return {}
    hpos = {h: j for j, h in enumerate(acc.hids)}
    fpos = {f: i for i, f in enumerate(acc.fids)}
    load = np.zeros(len(acc.hids), np.int64)
    planned = set()
    for m in meetings:
        load[hpos[m.helper]] += 1
        planned.add(fpos[m.firm] * len(acc.hids) + hpos[m.helper])
    cap = np.array([hmap[h].capacity for h in acc.hids], np.int64)
    free = ~np.isin(acc.fi * len(acc.hids) + acc.hi, np.array(sorted(planned), np.int64))
    fi, hi, sc = acc.fi[free], acc.hi[free], acc.sc[free]
    full = load[hi] >= cap[hi]
    order = np.lexsort((hi, -sc, full, fi))  # per firm: spare capacity, score, id
    fi, hi, sc = fi[order], hi[order], sc[order]
    first = np.searchsorted(fi, np.arange(len(acc.fids)))
    rank = np.arange(len(fi)) - first[fi]
    keep = rank < n
    out: dict[str, list[tuple[str, float]]] = defaultdict(list)
    for a, b, s in zip(fi[keep].tolist(), hi[keep].tolist(), sc[keep].tolist(), strict=True):
        out[acc.fids[a]].append((acc.hids[b], s / SCALE))
    return dict(out)


def plan_meetings_greedy(firms: Sequence[Participant], helpers: Sequence[Participant],
                         scores: Mapping[Pair, float], rules: PlanRules | None = None, *,
                         min_score: float = 0.3) -> list[PlannedMeeting]:
    """The baseline: forced pairs, then the best remaining pair while capacity lasts.

    Not fair and not optimal; kept to measure what the exact plan gains.

    >>> firms = [Participant("ent:a", capacity=1), Participant("ent:b", capacity=1)]
    >>> helpers = [Participant("exp:x", capacity=1), Participant("exp:y", capacity=1)]
    >>> s = {("ent:a", "exp:x"): 0.9, ("ent:a", "exp:y"): 0.8, ("ent:b", "exp:x"): 0.85}
    >>> [(m.firm, m.helper) for m in plan_meetings_greedy(firms, helpers, s)]
    [('ent:a', 'exp:x')]
    """
    rules = rules or PlanRules()
    fmap = {f.id: f for f in firms}
    hmap = {h.id: h for h in helpers}
    forced = _forced(rules, fmap, hmap)
    never = rules.forbidden | rules.declined | rules.met_before
    left = {**{f: p.capacity for f, p in fmap.items()}, **{h: p.capacity for h, p in hmap.items()}}
    out = []
    for (f, h), src in sorted(forced.items()):
        out.append(PlannedMeeting(f, h, float(scores.get((f, h), 0.0)), src))
        left[f] -= 1
        left[h] -= 1
    ranked = sorted(((-s, f, h) for (f, h), s in scores.items()
                     if s >= min_score and (f, h) not in never and (f, h) not in forced
                     and f in fmap and h in hmap))
    for neg, f, h in ranked:
        if left[f] > 0 and left[h] > 0:
            out.append(PlannedMeeting(f, h, -neg))
            left[f] -= 1
            left[h] -= 1
    return out
