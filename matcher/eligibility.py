"""Programme eligibility: a firm's properties checked against a programme's rules, as data.

Every condition ends in one of three lists: passed, failed (with the firm's value
and the threshold, "研发投入占比 2.1% < 3%"), or unknown (the input that is
missing). Missing data is never a silent fail: a programme is `not_eligible` only
when a condition fails on data the firm has, `unknown` when nothing failed but
something could not be checked, `eligible` otherwise.

A programme's conditions are read by `matcher.programme_conditions`, each outcome is
worded by `matcher.eligibility_checks`, and places compare through
`matcher.region_paths`; this module decides the verdict.

>>> firm = {"name": "浙江大立科技", "rd_ratio_pct": 2.1, "region": "杭州",
...         "flags": ["高新技术企业"]}
>>> prog = {"name": "省重点研发计划", "regions": ["浙江"], "required_flags": ["高新技术企业"],
...         "rules": [{"field": "rd_ratio_pct", "op": ">=", "value": 3}]}
>>> r = evaluate_eligibility(firm, prog, region_ancestors={"杭州": ["浙江", "中国"]})
>>> r.status, r.failed[0].text_zh, r.failed[0].text_en
('not_eligible', '研发投入占比 2.1% < 3%', 'R&D ratio 2.1% < 3%')
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal

from duijie.graph.errors import InvalidInput
from duijie.matcher.eligibility_checks import Check, worded_check
from duijie.matcher.programme_conditions import (
    Condition,
    field_words,
    is_missing,
    programme_conditions,
    tier_threshold,
)
from duijie.matcher.region_paths import region_chain

Status = Literal["eligible", "not_eligible", "unknown"]


@dataclass
class EligibilityResult:
    """The verdict on one firm and one programme, with every condition accounted for."""

    status: Status
    passed: list[Check] = field(default_factory=list)
    failed: list[Check] = field(default_factory=list)
    unknown: list[Check] = field(default_factory=list)

    @property
    def score(self) -> float:
        """1 eligible, 0.5 unknown, 0 not eligible, scaled by the share of checks passed."""
        total = len(self.passed) + len(self.failed) + len(self.unknown)
        share = len(self.passed) / total if total else 1.0
        return {"eligible": 1.0, "unknown": 0.5, "not_eligible": 0.0}[self.status] * (
            0.5 + 0.5 * share)

    @property
    def illustrative(self) -> bool:
        """True when an invented (simplified, 示意) threshold decides the verdict: one
        passed for `eligible` (or `unknown`, or the data missing for one), every failed
        one for `not_eligible` (a real failure decides it whatever the invented ones say).

        >>> real = Check("region", "in", ["浙江"], "浙江", "", "")
        >>> made_up = Check("rd_ratio_pct", ">=", 3, 4, "", "", illustrative=True)
        >>> EligibilityResult("eligible", passed=[real, made_up]).illustrative
        True
        >>> EligibilityResult("not_eligible", passed=[made_up], failed=[real]).illustrative
        False
        """
        if self.status == "not_eligible":
            return all(c.illustrative for c in self.failed)
        return any(c.illustrative for c in self.passed + self.unknown)

    def to_dict(self) -> dict[str, Any]:
        return {"status": self.status, "illustrative": self.illustrative,
                "passed": [c.to_dict() for c in self.passed],
                "failed": [c.to_dict() for c in self.failed],
                "unknown": [c.to_dict() for c in self.unknown]}


def _compare(op: str, actual: Any, expected: Any) -> bool:
    if op == ">=":
        return actual >= expected
    if op == ">":
        return actual > expected
    if op == "<=":
        return actual <= expected
    if op == "<":
        return actual < expected
    if op == "==":
        return actual == expected
    if op == "!=":
        return actual != expected
    if op == "in":
        return actual in expected
    if op == "not_in":
        return actual not in expected
    if op == "has_flag":
        return expected in actual
    if op == "before":
        return str(actual) < str(expected)
    if op == "years_since":  # `actual` is already the years elapsed (see _outcome)
        return actual >= expected
    raise AssertionError(op)  # ops are checked before


class ProgrammeCheck:
    """A programme's conditions read once, to check many firms against them.

    `evaluate` gives the worded verdict (`EligibilityResult`, every condition in both
    languages); `status` gives only what a push needs (the verdict and the fields
    missing), words left out: over 100,000 firms the words cost more than the checks.
    Both decide every condition the same way (`_outcome`). A firm's region path is
    worked out once per region name.

    >>> check = ProgrammeCheck({"name": "x", "regions": ["浙江"],
    ...     "rules": [{"field": "rd_ratio_pct", "op": ">=", "value": 3}]}, "2024-01-01",
    ...     region_ancestors={"绍兴": ["浙江"]})
    >>> check.status({"region": "绍兴", "rd_ratio_pct": 4}), check.status({"region": "绍兴"})
    (('eligible', []), ('unknown', ['rd_ratio_pct']))
    >>> check.evaluate({"region": "西安", "rd_ratio_pct": 4}).failed[0].text_zh
    '所在地区 西安 不属于 浙江'
    """

    def __init__(self, programme_props: Mapping[str, Any], today: date | str | None = None,
                 *, region_ancestors: Mapping[str, Iterable[str]] | None = None,
                 industry_ancestors: Mapping[str, Iterable[str]] | None = None) -> None:
        if today is None:
            today = date.today()
        elif isinstance(today, str):
            today = date.fromisoformat(today)
        self.today = today
        self.conditions = programme_conditions(programme_props)
        self.region_ancestors = region_ancestors
        self.industry_ancestors = industry_ancestors or {}
        self._chains: dict[str, set[str]] = {}

    def _chain(self, region: str) -> set[str]:
        chain = self._chains.get(region)
        if chain is None:
            chain = self._chains[region] = region_chain(region, self.region_ancestors)
        return chain

    def _outcome(self, cond: Condition, firm: Mapping[str, Any]) -> tuple[str, Any, bool]:
        """How one condition went: passed, failed or unknown; the firm's value; and
        whether the test held (for a place: whether the firm lies inside)."""
        if cond.source == "deadline":
            ok = self.today.isoformat() <= str(cond.expected)
            return ("passed" if ok else "failed"), self.today.isoformat(), ok
        if cond.op == "to_check":  # a criterion the graph holds no data for
            return "unknown", None, False
        actual = self.today.isoformat() if cond.field == "today" else firm.get(cond.field)
        if is_missing(actual) or (cond.by and is_missing(firm.get(cond.by))):
            return "unknown", None, False
        if cond.source == "industry":
            chain = {actual, *self.industry_ancestors.get(actual, ())}
            ok = bool(chain & set(cond.expected))
            return ("passed" if ok else "failed"), actual, ok
        if cond.wanted is not None:
            # Places compare through the hierarchy: a Keqiao firm meets a 柯桥 rule, and
            # 绍兴市柯桥区 lies in 柯桥区, 绍兴 and 浙江.
            inside = bool(self._chain(str(actual)) & cond.wanted)
            ok = inside if cond.op in ("==", "in") else not inside
            return ("passed" if ok else "failed"), actual, inside
        if cond.op == "years_since":  # a year at least N years before the evaluation date
            actual = self.today.year - int(actual)
        try:
            expected = (tier_threshold(cond.expected, firm[cond.by]) if cond.by
                        else cond.expected)
            ok = _compare(cond.op, actual, expected)
        except TypeError:
            raise InvalidInput(f"cannot compare {actual!r} with {cond.expected!r}",
                               value=cond.op, where=cond.where) from None
        return ("passed" if ok else "failed"), actual, ok

    def status(self, firm: Mapping[str, Any]) -> tuple[Status, list[str]]:
        """The verdict on `firm` and the fields whose data is missing, without words
        (the same verdict and fields as `evaluate`)."""
        failed, unknown = False, []
        for cond in self.conditions:
            outcome = self._outcome(cond, firm)[0]
            if outcome == "failed":
                failed = True
            elif outcome == "unknown" and not (cond.source in _SAID_ONCE
                                               and cond.field in unknown):
                unknown.append(cond.missing_field(firm))
        return ("not_eligible" if failed else "unknown" if unknown else "eligible"), unknown

    def evaluate(self, firm: Mapping[str, Any]) -> EligibilityResult:
        """The verdict on `firm`, every condition worded (see `evaluate_eligibility`)."""
        result = EligibilityResult("eligible")
        lists = {"passed": result.passed, "failed": result.failed, "unknown": result.unknown}
        for cond in self.conditions:
            outcome, actual, held = self._outcome(cond, firm)
            check = worded_check(cond, outcome, actual, held, firm)
            if cond.source in _SAID_ONCE and any(c.field == check.field
                                                 for c in lists[outcome]):
                # a programme-wide region or industry check a rule on the same field
                # already said the same way (金华's rule and its region list would both
                # say "不属于 金华"): every line an organiser reads says something new
                continue
            lists[outcome].append(check)
        if result.failed:
            result.status = "not_eligible"
        elif result.unknown:
            result.status = "unknown"
        return result


_SAID_ONCE = ("region", "industry")



def evaluate_eligibility(firm_props: Mapping[str, Any], programme_props: Mapping[str, Any],
                         today: date | str | None = None, *,
                         region_ancestors: Mapping[str, Iterable[str]] | None = None,
                         industry_ancestors: Mapping[str, Iterable[str]] | None = None
                         ) -> EligibilityResult:
    """Check a firm against a programme's rules, flags, regions, industries and deadline.

    Parameters
    ----------
    firm_props : dict
        An Enterprise's properties (``revenue_wan``, ``rd_ratio_pct``, ``flags``, …).
        A field that is absent is unknown, not failed.
    programme_props : dict
        A Programme's properties: ``rules`` (``{"field", "op", "value", "label"}``),
        ``required_flags``, ``regions``, ``industries``, ``deadline`` (ISO date).
    today : date or ISO string, optional
        The evaluation date (for the deadline and ``before`` rules); today if None.
    region_ancestors : dict {region: [regions it lies in]}, optional
        Lets a firm in 绍兴 qualify for a 浙江 programme. Names are compared
        without their 省/市/区/县 suffix.
    industry_ancestors : dict {industry: [broader industries]}, optional

    Returns
    -------
    EligibilityResult

    Raises
    ------
    InvalidInput
        A rule names an unknown field or operator (naming the programme and rule).

    Examples
    --------
    >>> evaluate_eligibility({"employees": 80}, {"name": "小微贷",
    ...     "rules": [{"field": "employees", "op": "<", "value": 100},
    ...               {"field": "revenue_wan", "op": "<", "value": 5000}]}).status
    'unknown'
    """
    return ProgrammeCheck(programme_props, today, region_ancestors=region_ancestors,
                          industry_ancestors=industry_ancestors).evaluate(firm_props)


@dataclass(frozen=True)
class DataToCheck:
    """One fact a firm has not given that would decide programmes it may qualify for:
    a field (``rd_ratio_pct``) or, for ``flags``, one qualification (``flag``)."""

    field: str
    flag: str | None
    text_zh: str  # "研发投入占比", "是否为高新技术企业"
    text_en: str
    programmes: tuple[str, ...]  # the programmes it would decide, as given


def data_to_check(results: Mapping[str, EligibilityResult]) -> list[DataToCheck]:
    """The facts to ask a firm for: every unknown condition of a programme nothing has
    ruled out on the firm's own data (status ``unknown``), each fact once with the
    programmes it decides, the fact deciding most programmes first.

    A programme the firm already fails on its data is left out: asking for more data
    would not make it eligible.

    >>> firm = {"region": "丽水", "industry": "纺织印染"}
    >>> results = {p: evaluate_eligibility(firm, prog) for p, prog in {
    ...     "prog:ht": {"rules": [{"field": "rd_ratio_pct", "op": ">=", "value": 3}],
    ...                 "required_flags": ["科技型中小企业"]},
    ...     "prog:sme": {"rules": [{"field": "employees", "op": "<", "value": 500},
    ...                            {"field": "rd_ratio_pct", "op": ">=", "value": 2}]},
    ...     "prog:sd": {"regions": ["山东"], "rules": [
    ...         {"field": "revenue_wan", "op": ">=", "value": 1}]}}.items()}
    >>> [(d.text_zh, d.programmes) for d in data_to_check(results)]
    [('研发投入占比', ('prog:ht', 'prog:sme')), ('从业人数', ('prog:sme',)), \
('是否为科技型中小企业', ('prog:ht',))]
    """
    found: dict[tuple[str, str | None], list[str]] = {}
    words: dict[tuple[str, str | None], tuple[str, str]] = {}
    for programme_id, result in results.items():
        if result.status != "unknown":
            continue
        for check in result.unknown:
            if check.field == "rules":  # no rules recorded: no datum of the firm's decides it
                continue
            flag = str(check.expected) if check.op == "has_flag" else None
            key = (check.field, flag)
            if flag is not None:
                words[key] = (f"是否为{flag}", f"whether it is {flag}")
            else:
                zh, en, _ = field_words(check.field)
                words[key] = (zh, en)
            if programme_id not in found.setdefault(key, []):
                found[key].append(programme_id)
    order = sorted(found, key=lambda k: (-len(found[k]), k[1] is not None, k[0], k[1] or ""))
    return [DataToCheck(field, flag, *words[(field, flag)], tuple(found[(field, flag)]))
            for field, flag in order]
