"""Who to invite to a docking event (`plan_invitations`).

Weighted maximum coverage: a need is covered when at least one invited expert
or institute matches it strongly (score >= `strong`); each need weighs its
priority. Choosing k candidates to maximise the covered weight is NP-hard, but
the covered weight is monotone and submodular, so the greedy choice (each time
the candidate that adds the most uncovered weight) reaches at least
(1 - 1/e) ≈ 63% of the best possible weight (Nemhauser, Wolsey & Fisher 1978).

>>> plan = plan_invitations({"need:a": 5, "need:b": 1},
...                         {("need:a", "exp:x"): 0.8, ("need:b", "exp:y"): 0.9}, k=1)
>>> plan.invited, plan.uncovered
(['exp:x'], {'need:b': 'budget exhausted: exp:y (0.90) would cover it'})
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from duijie.graph.errors import InvalidInput
from duijie.matcher.notes import note

APPROXIMATION = 1 - 1 / 2.718281828459045
"""The greedy's guarantee: covered weight >= (1 - 1/e) × the optimum."""


@dataclass
class InvitationPlan:
    invited: list[str]  # in the order chosen
    gains: dict[str, float]  # candidate -> priority weight it added when chosen
    covered: dict[str, list[str]]  # need -> invited candidates that match it strongly
    uncovered: dict[str, str]  # need -> why not covered
    covered_weight: float
    total_weight: float
    upper_bound: float  # covered_weight / (1 - 1/e): no k invitations can cover more

    def to_dict(self, names: Mapping[str, str] | None = None) -> dict[str, Any]:
        """JSON-safe, with a `names` map (id -> name, None when not given) for the
        invited candidates and the needs.

        >>> plan_invitations({"n1": 1}, {("n1", "a"): .9}, k=1).to_dict({"a": "李教授"})["names"]
        {'a': '李教授', 'n1': None}
        """
        names = names or {}
        mentioned = set(self.invited) | set(self.covered) | set(self.uncovered)
        mentioned |= {c for cs in self.covered.values() for c in cs}
        return {"invited": list(self.invited), "covered": {n: list(c) for n, c in
                                                           self.covered.items()},
                "uncovered": dict(self.uncovered), "covered_weight": self.covered_weight,
                "total_weight": self.total_weight, "upper_bound": self.upper_bound,
                "gains": dict(self.gains), "names": {i: names.get(i) for i in sorted(mentioned)}}


def plan_invitations(needs: Mapping[str, float], scores: Mapping[tuple[str, str], float], k: int,
                     *, strong: float = 0.6, invited: list[str] | None = None,
                     fill_budget: bool = True) -> InvitationPlan:
    """Choose up to `k` candidates so that the most priority-weighted needs have a strong match.

    Parameters
    ----------
    needs : mapping need id -> priority weight (> 0)
    scores : mapping (need id, candidate id) -> match score in [0, 1]
    k : int
        The invitation budget (>= 0), not counting `invited`.
    strong : float
        The score at which a candidate covers a need.
    invited : list of str, optional
        Candidates already invited (kept, counted as covering).
    fill_budget : bool
        When no candidate adds coverage, spend what is left of the budget on the
        candidates that most raise the priority-weighted best score of the needs
        (a facility-location objective, also submodular, so the greedy keeps its
        guarantee there too); False leaves it unused.

    Returns
    -------
    InvitationPlan
        The greedy choice reaches at least (1 - 1/e) of the optimal covered
        weight; `upper_bound` is the weight no choice of k can exceed.

    Raises
    ------
    InvalidInput
        A negative budget, a non-positive weight or a score outside [0, 1].

    Examples
    --------
    >>> s = {("n1", "a"): .9, ("n2", "a"): .7, ("n2", "b"): .8, ("n3", "c"): .3}
    >>> p = plan_invitations({"n1": 1, "n2": 1, "n3": 1}, s, k=2)
    >>> p.invited, sorted(p.covered), p.uncovered["n3"][:30]
    (['a', 'c'], ['n1', 'n2'], 'no candidate above the strong-')
    """
    if not isinstance(k, int) or k < 0:
        raise InvalidInput("must be an integer >= 0", value=k, where="invitation budget k")
    bad = [f"{n}: weight {w!r}" for n, w in needs.items() if not w > 0]
    bad += [f"{pair}: score {s!r}" for pair, s in scores.items() if not 0 <= s <= 1][:5]
    if bad:
        raise InvalidInput("weights must be > 0 and scores in [0, 1]", where="plan_invitations",
                           problems=bad)
    covers: dict[str, set[str]] = defaultdict(set)
    best_for: dict[str, tuple[float, str]] = {}
    for (need, cand), s in scores.items():
        if need not in needs:
            continue
        if s >= strong:
            covers[cand].add(need)
            if (s, cand) > best_for.get(need, (-1.0, "")):
                best_for[need] = (s, cand)
    chosen = list(dict.fromkeys(invited or []))
    done = set().union(*(covers[c] for c in chosen)) if chosen else set()
    gains: dict[str, float] = {c: 0.0 for c in chosen}
    for _ in range(k):
        best, best_gain = None, 0.0
        for cand in sorted(covers):  # sorted: ties go to the smaller id, deterministically
            if cand in gains:
                continue
            gain = sum(needs[n] for n in covers[cand] - done)
            if gain > best_gain:
                best, best_gain = cand, gain
        if best is None:
            break  # nothing adds coverage: the rest of the budget may go to filling
        chosen.append(best)
        gains[best] = best_gain
        done |= covers[best]
    if fill_budget and len(chosen) - len(invited or []) < k:
        _fill(needs, scores, chosen, gains, k - (len(chosen) - len(invited or [])))
    covered = {n: sorted(c for c in chosen if n in covers[c]) for n in sorted(done)}
    uncovered = {}
    for n in sorted(set(needs) - done):
        if n in best_for:
            s, cand = best_for[n]
            uncovered[n] = note("budget_exhausted", candidate=cand, score=f"{s:.2f}")
        else:
            top = max((s for (m, _), s in scores.items() if m == n), default=None)
            uncovered[n] = (note("below_strong", strong=strong, best=f"{top:.2f}")
                            if top is not None else note("below_strong_none", strong=strong))
    weight = sum(needs[n] for n in done)
    return InvitationPlan(invited=chosen, gains=gains, covered=covered, uncovered=uncovered,
                          covered_weight=weight, total_weight=float(sum(needs.values())),
                          upper_bound=min(weight / APPROXIMATION, float(sum(needs.values()))))


def _fill(needs: Mapping[str, float], scores: Mapping[tuple[str, str], float],
          chosen: list[str], gains: dict[str, float], budget: int) -> None:
    """Spend `budget` on the candidates that most raise Σ priority × best score."""
    by_cand: dict[str, dict[str, float]] = defaultdict(dict)
    for (need, cand), s in scores.items():
        if need in needs:
            by_cand[cand][need] = s
    best = defaultdict(float)
    for c in chosen:
        for need, s in by_cand[c].items():
            best[need] = max(best[need], s)
    for _ in range(budget):
        pick, pick_gain = None, 1e-12
        for cand in sorted(by_cand):
            if cand in gains:
                continue
            gain = sum(needs[n] * (s - best[n]) for n, s in by_cand[cand].items() if s > best[n])
            if gain > pick_gain:
                pick, pick_gain = cand, gain
        if pick is None:
            return
        chosen.append(pick)
        gains[pick] = 0.0  # adds no coverage, only strength
        for need, s in by_cand[pick].items():
            best[need] = max(best[need], s)
