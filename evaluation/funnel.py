"""What came of an event's meetings: the funnel, sign rates per firm, contract value.

The input is plain: one `PairRecord` per meeting (firm × expert or institute) with what
the outcome ledger recorded for it. The funnel runs invited → met → intent → signed →
collaborated; each later step implies the earlier ones (a signed pair met, whether or
not the post-event form said so), as the ledger's order does. The check-ins at 1, 3, 6
and 12 months say how far each pair had come by then. Every rate carries its Wilson
interval (`evaluation.intervals.wilson`).

>>> pairs = [PairRecord("e", "f1", "h1", held=True, intent=True, ledger={"m1": "signed"},
...                     contract_value_wan=120.0),
...          PairRecord("e", "f1", "h2", held=True, intent=False),
...          PairRecord("e", "f2", "h1", held=False)]
>>> [(s.stage, s.count) for s in funnel(pairs)]
[('invited', 3), ('met', 2), ('intent', 1), ('signed', 1), ('collaborated', 0)]
>>> firm_sign_rate(pairs).text()
'1/2 = 50% (95% CI 9–91%)'
"""

from __future__ import annotations

import statistics
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from duijie.evaluation.intervals import Rate, wilson
from duijie.graph.errors import InvalidInput
from duijie.graph.vocab import LedgerStep, OutcomeStage

FUNNEL = ("invited", "met", "intent", "signed", "collaborated")
CHECK_INS = (OutcomeStage.M1.value, OutcomeStage.M3.value, OutcomeStage.M6.value,
             OutcomeStage.M12.value)
LEDGER = tuple(step.value for step in LedgerStep)
SIGNED_STEPS = frozenset({LedgerStep.SIGNED, LedgerStep.REGISTERED, LedgerStep.FUNDED})
COLLABORATING_STEPS = frozenset({LedgerStep.REGISTERED, LedgerStep.FUNDED})
"""A contract registered (技术合同认定登记) or funded: the collaboration is under way."""
_STEP = {step: index for index, step in enumerate(LEDGER)}
_NO_CONTACT, _NEGOTIATING, _SIGNED, _REGISTERED = (
    _STEP[LedgerStep.NO_CONTACT], _STEP[LedgerStep.NEGOTIATING], _STEP[LedgerStep.SIGNED],
    _STEP[LedgerStep.REGISTERED])


@dataclass(frozen=True)
class PairRecord:
    """One meeting and what its outcomes recorded (plain data, from the outcome ledger).

    `ledger` maps a check-in stage (m1, m3, m6, m12) to the ledger step recorded then;
    `score` is the match score the plan gave the pair; `illustrative` marks invented
    records (demo data), which reports keep apart from recorded ones.
    """

    event_id: str
    firm: str
    helper: str
    held: bool | None = None
    intent: bool | None = None
    ledger: Mapping[str, str] = field(default_factory=dict)
    contract_value_wan: float = 0.0
    score: float | None = None
    illustrative: bool = False
    meeting_id: str | None = None

    @cached_property
    def _steps_by_check_in(self) -> tuple[int, ...]:
        """The furthest step by each check-in in turn: computed once, as a report asks
        every pair about every stage."""
        out, best = [], -1
        for stage in CHECK_INS:
            best = max(best, _STEP.get(self.ledger.get(stage), -1))
            out.append(best)
        return tuple(out)

    def furthest(self, by: str | None = None) -> int:
        """Index in `LEDGER` of the furthest step recorded (by check-in `by`), -1 if none."""
        steps = self._steps_by_check_in
        return steps[-1] if by is None else steps[CHECK_INS.index(by)]

    def reached(self, stage: str, by: str | None = None) -> bool:
        """Did the pair reach funnel `stage` (by check-in `by`, or ever)?"""
        step = self.furthest(by)
        if stage == "invited":
            return True
        if stage == "met":
            return bool(self.held) or step > _NO_CONTACT
        if stage == "intent":
            return bool(self.intent) or step >= _NEGOTIATING
        if stage == "signed":
            return step >= _SIGNED
        if stage == "collaborated":
            return step >= _REGISTERED
        raise InvalidInput(f"is not a funnel stage; use one of {', '.join(FUNNEL)}",
                           value=stage, where="funnel")


@dataclass(frozen=True)
class FunnelStep:
    """`count` pairs reached `stage`; `of_previous` and `of_invited` are Wilson rates."""

    stage: str
    count: int
    of_previous: Rate | None
    of_invited: Rate | None

    def to_dict(self) -> dict[str, Any]:
        return {"stage": self.stage, "count": self.count,
                "of_previous": self.of_previous.to_dict() if self.of_previous else None,
                "of_invited": self.of_invited.to_dict() if self.of_invited else None}


def _rate(successes: int, n: int) -> Rate | None:
    return wilson(successes, n) if n else None


def funnel(pairs: Sequence[PairRecord], by: str | None = None) -> list[FunnelStep]:
    """Pairs at each funnel step (as of check-in `by`, or all recorded), with rates.

    A step with no pairs before it has no rate (None), never a rate on nothing.
    """
    steps, previous = [], len(pairs)
    for stage in FUNNEL:
        count = sum(1 for p in pairs if p.reached(stage, by))
        steps.append(FunnelStep(stage, count, _rate(count, previous) if stage != "invited"
                                else None, _rate(count, len(pairs)) if stage != "invited"
                                else None))
        previous = count
    return steps


def by_check_in(pairs: Sequence[PairRecord]) -> list[dict[str, Any]]:
    """At each check-in (m1, m3, m6, m12): pairs with a record then, pairs signed and
    collaborating by then (a later check-in keeps the furthest step reached).

    >>> by_check_in([PairRecord("e", "f", "h", ledger={"m1": "signed", "m6": "registered"})])[2]
    {'stage': 'm6', 'recorded': 1, 'signed': 1, 'collaborated': 1}
    """
    return [{"stage": stage, "recorded": sum(1 for p in pairs if stage in p.ledger),
             "signed": sum(1 for p in pairs if p.reached("signed", stage)),
             "collaborated": sum(1 for p in pairs if p.reached("collaborated", stage))}
            for stage in CHECK_INS]


def per_firm(pairs: Sequence[PairRecord]) -> list[dict[str, Any]]:
    """For each firm: meetings, met, signed, sign rate (signed of met, with its interval
    when it met anyone) and contract value in 万元; best first.

    >>> per_firm([PairRecord("e", "f", "h", held=True, ledger={"m3": "signed"})])[0]["signed"]
    1
    """
    firms: dict[str, list[PairRecord]] = {}
    for p in pairs:
        firms.setdefault(p.firm, []).append(p)
    rows = []
    for firm, mine in firms.items():
        met = sum(1 for p in mine if p.reached("met"))
        signed = sum(1 for p in mine if p.reached("signed"))
        rate = _rate(signed, met)
        rows.append({"firm": firm, "meetings": len(mine), "met": met, "signed": signed,
                     "sign_rate": rate.to_dict() if rate else None,
                     "contract_value_wan": round(sum(p.contract_value_wan for p in mine
                                                     if p.reached("signed")), 2)})
    return sorted(rows, key=lambda r: (-r["signed"], -r["contract_value_wan"], r["firm"]))


def firm_sign_rate(pairs: Sequence[PairRecord]) -> Rate:
    """Firms with at least one signed contract among the firms with meetings (the
    published figure: "11 firms went, 8 reached cooperation").

    Raises `InvalidInput` when there are no pairs (no rate on nothing).
    """
    firms = {p.firm for p in pairs}
    signed = {p.firm for p in pairs if p.reached("signed")}
    if not firms:
        raise InvalidInput("no meetings: there is no sign rate to give", where="sign rate")
    return wilson(len(signed), len(firms))


def contract_value(pairs: Sequence[PairRecord]) -> dict[str, Any]:
    """Total, median and largest contract value (万元) of the signed pairs.

    >>> contract_value([PairRecord("e", "f", "h", ledger={"m1": "signed"},
    ...                            contract_value_wan=80.0)])
    {'signed_pairs': 1, 'with_value': 1, 'total_wan': 80.0, 'median_wan': 80.0, 'max_wan': 80.0}
    """
    signed = [p for p in pairs if p.reached("signed")]
    values = [p.contract_value_wan for p in signed if p.contract_value_wan > 0]
    return {"signed_pairs": len(signed), "with_value": len(values),
            "total_wan": round(sum(values), 2),
            "median_wan": round(statistics.median(values), 2) if values else None,
            "max_wan": round(max(values), 2) if values else None}
