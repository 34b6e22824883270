"""Programme eligibility: a firm's properties checked against a programme's rules, as data.

Every condition ends in one of three lists: passed, failed (with the firm's value
and the threshold, "研发投入占比 2.1% < 3%"), or unknown (the input that is
missing). Missing data is never a silent fail: a programme is `not_eligible` only
when a condition fails on data the firm has, `unknown` when nothing failed but
something could not be checked, `eligible` otherwise.

>>> firm = {"name": "浙江大立科技", "rd_ratio_pct": 2.1, "region": "杭州",
...         "flags": ["高新技术企业"]}
>>> prog = {"name": "省重点研发计划", "regions": ["浙江"], "required_flags": ["高新技术企业"],
...         "rules": [{"field": "rd_ratio_pct", "op": ">=", "value": 3}]}
>>> r = evaluate_eligibility(firm, prog, region_ancestors={"杭州": ["浙江", "中国"]})
>>> r.status, r.failed[0].text_zh, r.failed[0].text_en
('not_eligible', '研发投入占比 2.1% < 3%', 'R&D ratio 2.1% < 3%')
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any, Literal

from duijie.graph.errors import InvalidInput
from duijie.graph.places import PLACE_SUFFIXES, find_places, place_path
from duijie.graph.vocab import illustrative_mark

Status = Literal["eligible", "not_eligible", "unknown"]

FIELDS: dict[str, tuple[str, str, str]] = {
    # firm field: (中文, English, unit)
    "revenue_wan": ("营业收入", "revenue", "万元"),
    "employees": ("从业人数", "employees", "人"),
    "rd_ratio_pct": ("研发投入占比", "R&D ratio", "%"),
    "founded_year": ("成立年份", "founded", ""),
    "listed": ("上市", "listed", ""),
    "region": ("所在地区", "region", ""),
    "industry": ("所属行业", "industry", ""),
    "flags": ("企业资质", "flags", ""),
    "group": ("所属集团", "group", ""),
    "credit_code": ("统一社会信用代码", "credit code", ""),
    "name": ("企业名称", "name", ""),
    "today": ("申报日期", "application date", ""),
}
"""Fields a rule may test, with how they are named to organisers. ``today`` is the
date of the evaluation (for ``before`` rules)."""

TO_CHECK: dict[str, tuple[str, str]] = {
    "core_ip": ("核心知识产权", "core intellectual property"),
    "tech_field": ("技术领域", "technology field"),
    "tech_staff_pct": ("科技人员占比", "share of science and technology staff"),
    "hitech_income_pct": ("高新技术产品（服务）收入占比", "high-tech product income share"),
    "innovation_score": ("创新能力评价", "innovation capacity evaluation"),
    "compliance": ("安全质量与环境合规", "safety, quality and environmental record"),
    "total_assets": ("资产总额", "total assets"),
    "resident": ("居民企业", "resident enterprise"),
    "products": ("产品（服务）类别", "products and services"),
    "evaluation_score": ("评价得分", "evaluation score"),
}
"""Published criteria the graph holds no data for (a firm's IP, its staff mix): a rule
``{"field": "core_ip", "op": "to_check", "label": …}`` lists one as a condition to check
by hand, always unknown, so a verdict never passes over it in silence."""

OPS = (">=", ">", "<=", "<", "==", "!=", "in", "not_in", "has_flag", "before", "to_check",
       "years_since")

NO_RULES = ("申报条件未录入，请以当年申报通知为准",
            "No conditions recorded: see the year's call for applications")
"""What a programme with no conditions answers (field ``rules``): never "eligible", since
nothing says what a firm must meet (see `states_conditions`)."""


def states_conditions(programme: Mapping[str, Any]) -> bool:
    """True when a programme says what a firm must meet: a rule on anything but the
    region, or a required flag. Its regions and industries, and a rule on the region
    (柯桥区《…若干政策》: the area its name states), only say where it applies: a
    programme with nothing else (浙江省西湖友谊奖, an award for foreign experts, scoped to
    浙江) would be offered to every firm there, so it is neither pushed nor offered.

    >>> states_conditions({"name": "x", "regions": ["浙江"]})
    False
    >>> states_conditions({"rules": [{"field": "region", "op": "==", "value": "柯桥"}]})
    False
    >>> states_conditions({"regions": ["浙江"], "required_flags": ["高新技术企业"]})
    True
    """
    rules = programme.get("rules") or []
    return bool(programme.get("required_flags")) or any(
        (r.get("field") if isinstance(r, Mapping) else getattr(r, "field", None)) != "region"
        for r in rules)

# How an operator reads when the condition holds, and when it fails, in each language:
# an organiser reads "研发投入占比 2.1% < 3%" or "所在地区 柯桥区 属于 柯桥", never a bare `in`.
_SHOWN = {
    "zh": {">=": "≥", ">": ">", "<=": "≤", "<": "<", "==": "为", "!=": "不为", "in": "属于",
           "not_in": "不属于", "before": "早于"},
    "en": {">=": "≥", ">": ">", "<=": "≤", "<": "<", "==": "is", "!=": "is not", "in": "in",
           "not_in": "not in", "before": "before"},
}
_NEGATED = {
    "zh": {">=": "<", ">": "≤", "<=": ">", "<": "≥", "==": "不为", "!=": "为", "in": "不属于",
           "not_in": "属于", "before": "不早于"},
    "en": {">=": "<", ">": "≤", "<=": ">", "<": "≥", "==": "is not", "!=": "is", "in": "not in",
           "not_in": "in", "before": "not before"},
}
_PLACE_SUFFIX = re.compile(f"({'|'.join(PLACE_SUFFIXES)})$")


@dataclass(frozen=True)
class Check:
    """One condition and how it went: the firm's value, the programme's, in words."""

    field: str
    op: str
    expected: Any
    actual: Any
    text_zh: str
    text_en: str
    label: str | None = None  # the programme's own wording, if it has one
    illustrative: bool = False  # an invented (simplified) threshold, shown 示意
    label_en: str | None = None

    def to_dict(self) -> dict[str, Any]:
        out = {"field": self.field, "op": self.op, "expected": self.expected,
               "actual": self.actual, "text": self.text_zh, "text_en": self.text_en,
               "illustrative": self.illustrative}
        if self.label:
            out["label"] = self.label
        if self.label_en:
            out["label_en"] = self.label_en
        return out


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


def _fmt(value: Any, unit: str = "") -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, list | tuple | set | frozenset):
        return "、".join(str(v) for v in value) or "（无）"
    if unit == "%":
        return f"{value}%"
    return f"{value}{unit}" if unit and unit != "%" else str(value)


def _label(field_name: str) -> tuple[str, str, str]:
    if field_name in TO_CHECK:
        return (*TO_CHECK[field_name], "")
    return FIELDS.get(field_name, (field_name, field_name, ""))


def tier_threshold(tiers: Iterable[Iterable[Any]], basis: float) -> float:
    """The threshold of a tiered rule for a firm whose `by` field is `basis`: that of the
    first tier whose upper bound (inclusive) reaches it; a bound of None takes the rest.

    高新技术企业认定's R&D rule: sales up to 5,000万元 need 5%, up to 2亿元 4%, above 3%.

    >>> tiers = [[5000, 5], [20000, 4], [None, 3]]
    >>> [tier_threshold(tiers, r) for r in (4000, 5000, 5001, 20000, 20001)]
    [5, 5, 4, 4, 3]
    """
    for bound, threshold in tiers:
        if bound is None or basis <= bound:
            return threshold
    raise AssertionError("the last tier has no bound")  # checked when the rule is read


def _missing(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def normalise_place(name: str) -> str:
    """A place name without its administrative suffix (浙江省 → 浙江, 绍兴市 → 绍兴).

    >>> normalise_place("浙江省"), normalise_place("西安市"), normalise_place("北京")
    ('浙江', '西安', '北京')
    """
    name = name.strip()
    short = _PLACE_SUFFIX.sub("", name)
    return short if len(short) >= 2 else name


def region_path(region: str, region_ancestors: Mapping[str, Iterable[str]] | None = None
                ) -> list[str]:
    """A region and every region it lies in, nearest first, as normalised names.

    The graph's ``part_of`` hierarchy (`region_ancestors`, each region's containing
    regions nearest first) and the gazetteer of `graph.places` both count, and a
    compound name counts as its places, the most specific first (绍兴市柯桥区 is
    柯桥, in 绍兴, in 浙江). Programme eligibility asks whether a place is on it;
    problem routing asks how near.

    >>> region_path("绍兴市柯桥区")
    ['绍兴市柯桥', '柯桥', '绍兴', '浙江']
    >>> region_path("高新区", {"高新区": ["西安市"]})
    ['高新', '西安', '陕西']
    """
    ancestors = region_ancestors or {}
    out: list[str] = []
    level = [region, *reversed(find_places(region))]
    while level:
        after: list[str] = []
        for place in level:
            key = normalise_place(place)
            if key in out:
                continue
            out.append(key)
            after.extend(ancestors.get(place, ()))
            if key != place:
                after.extend(ancestors.get(key, ()))
            after.extend(reversed((place_path(key) or ())[:-1]))
        level = after
    return out


def region_chain(region: str, region_ancestors: Mapping[str, Iterable[str]] | None = None
                 ) -> set[str]:
    """The places of `region_path` as a set: is a place on the region's path?

    >>> sorted(region_chain("绍兴市柯桥区"))
    ['柯桥', '浙江', '绍兴', '绍兴市柯桥']
    """
    return set(region_path(region, region_ancestors))


def _region_wanted(expected: Any) -> set[str]:
    values = expected if isinstance(expected, list | tuple | set | frozenset) else [expected]
    return {normalise_place(str(v)) for v in values}


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


@dataclass(frozen=True)
class Condition:
    """One condition of a programme, read and checked once (field and operator known)
    before any firm is: a rule, a required flag, the programme's regions or industries,
    or its deadline (`source`)."""

    field: str
    op: str
    expected: Any
    where: str
    source: str = "rule"  # rule | flag | region | industry | deadline
    label: str | None = None
    illustrative: bool = False
    wanted: frozenset[str] | None = None  # a place test's places, normalised
    by: str | None = None  # a tiered threshold's basis field (`expected` holds the tiers)
    label_en: str | None = None


def programme_conditions(programme_props: Mapping[str, Any]) -> list[Condition]:
    """A programme's conditions in the order a verdict lists them, each checked.

    A required flag that a rule already tests is one condition, not two.

    Raises
    ------
    InvalidInput
        A rule names an unknown field or operator, or `in` without a list (naming the
        programme and rule).

    >>> [(c.source, c.field, c.op) for c in programme_conditions({"name": "x",
    ...     "rules": [{"field": "employees", "op": "<", "value": 100}],
    ...     "required_flags": ["高新技术企业"], "regions": ["浙江"]})]
    [('rule', 'employees', '<'), ('flag', 'flags', 'has_flag'), ('region', 'region', 'in')]
    """
    programme = str(programme_props.get("name") or "programme")
    whole = f"programme {programme!r}"
    out: list[Condition] = []
    for i, rule in enumerate(programme_props.get("rules") or []):
        rule = rule if isinstance(rule, Mapping) else dict(rule)  # pydantic models too
        where = f"{whole}, rule {i + 1} ({rule.get('label') or rule.get('field')})"
        out.append(_condition(rule.get("field"), rule.get("op"), rule.get("value"), where,
                              "rule", rule.get("label"), bool(rule.get("illustrative")),
                              by=rule.get("by"), label_en=rule.get("label_en")))
    tested = {(c.field, c.expected if c.op == "has_flag" else None) for c in out}
    for flag in programme_props.get("required_flags") or []:
        if ("flags", flag) not in tested:  # a rule tests the same flag: one line, not two
            out.append(_condition("flags", "has_flag", flag, whole, "flag"))
    regions = programme_props.get("regions") or []
    if regions:
        out.append(_condition("region", "in", list(regions), whole, "region"))
    industries = programme_props.get("industries") or []
    if industries:
        out.append(Condition("industry", "in", industries, whole, "industry"))
    deadline = programme_props.get("deadline")
    if deadline:
        out.append(Condition("deadline", "before", deadline, whole, "deadline"))
    if not any(c.source == "flag" or (c.source == "rule" and c.field != "region")
               for c in out):
        out.append(Condition("rules", "to_check", None, whole, "none", *NO_RULES[:1],
                             label_en=NO_RULES[1]))
    return out


def _condition(name: Any, op: Any, expected: Any, where: str, source: str,
               label: str | None = None, illustrative: bool = False, *,
               by: str | None = None, label_en: str | None = None) -> Condition:
    if op not in OPS:
        raise InvalidInput(f"is not a rule operator (known: {', '.join(OPS)})", value=op,
                           where=where)
    if op == "to_check":
        if name not in TO_CHECK:
            raise InvalidInput(f"is not a criterion to check by hand (known: "
                               f"{', '.join(TO_CHECK)})", value=name, where=where)
        return Condition(name, op, None, where, source, label, illustrative,
                         label_en=label_en)
    if name not in FIELDS:
        raise InvalidInput(f"tests an unknown field (known: {', '.join(FIELDS)})",
                           value=name, where=where)
    if by is not None:
        _check_tiers(by, op, expected, where)
        return Condition(name, op, [list(t) for t in expected], where, source, label,
                         illustrative, by=by, label_en=label_en)
    if op == "years_since" and (name != "founded_year" or isinstance(expected, bool)
                                or not isinstance(expected, int) or expected < 0):
        raise InvalidInput("years_since tests founded_year with a whole number of years",
                           value=expected, where=where)
    if op in ("in", "not_in") and not isinstance(expected, list | tuple | set):
        raise InvalidInput("needs a list value", value=expected, where=where)
    wanted = (frozenset(_region_wanted(expected))
              if name == "region" and op in ("==", "!=", "in", "not_in") else None)
    return Condition(name, op, expected, where, source, label, illustrative, wanted,
                     label_en=label_en)


def _check_tiers(by: Any, op: Any, tiers: Any, where: str) -> None:
    """A tiered rule: a numeric basis field, a comparison, and [[up to, threshold], …]
    with rising bounds, the last one None (the rest)."""
    if by not in FIELDS or by in ("region", "industry", "flags", "name", "today"):
        raise InvalidInput("a tiered threshold needs a numeric basis field", value=by,
                           where=where)
    if op not in (">=", ">", "<=", "<"):
        raise InvalidInput("a tiered threshold needs >=, >, <= or <", value=op, where=where)
    ok = isinstance(tiers, list | tuple) and tiers and all(
        isinstance(t, list | tuple) and len(t) == 2 for t in tiers)
    bounds = [t[0] for t in tiers] if ok else []
    ok = ok and bounds[-1] is None and all(
        isinstance(b, int | float) for b in bounds[:-1]) and bounds[:-1] == sorted(
        bounds[:-1]) and all(isinstance(t[1], int | float) for t in tiers)
    if not ok:
        raise InvalidInput("needs tiers [[up to, threshold], …, [null, threshold]] with "
                           "rising bounds", value=tiers, where=where)


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
        if _missing(actual) or (cond.by and _missing(firm.get(cond.by))):
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
                unknown.append(_unknown_field(cond, firm))
        return ("not_eligible" if failed else "unknown" if unknown else "eligible"), unknown

    def evaluate(self, firm: Mapping[str, Any]) -> EligibilityResult:
        """The verdict on `firm`, every condition worded (see `evaluate_eligibility`)."""
        result = EligibilityResult("eligible")
        lists = {"passed": result.passed, "failed": result.failed, "unknown": result.unknown}
        for cond in self.conditions:
            outcome, actual, held = self._outcome(cond, firm)
            check = _worded(cond, outcome, actual, held, firm)
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


def _unknown_field(cond: Condition, firm: Mapping[str, Any]) -> str:
    """The data an unknown condition lacks: its field, or a tiered threshold's basis."""
    if cond.by and not _missing(firm.get(cond.field)):
        return cond.by
    return cond.field


def _worded(cond: Condition, outcome: str, actual: Any, held: bool,
            firm: Mapping[str, Any]) -> Check:
    """One condition's `Check`, in both languages."""
    name, op, expected = cond.field, cond.op, cond.expected
    zh, en, unit = _label(name)
    if cond.source == "none":  # no rules recorded: said as it is, not as data to check
        check = Check(name, op, None, None, *NO_RULES, cond.label, label_en=cond.label_en)
    elif op == "to_check":
        what_en = cond.label_en or en
        check = Check(name, op, None, None, f"待核实：{cond.label or zh}",
                      f"to check: {what_en}", cond.label, label_en=cond.label_en)
    elif cond.by:
        check = _worded_tier(cond, outcome, actual, held, firm)
    elif cond.source == "deadline":
        late = "" if held else " 已过"
        check = Check("deadline", "before", expected, actual, f"申报截止 {expected}{late}",
                      f"deadline {expected}{'' if held else ' has passed'}")
    elif outcome == "unknown" and cond.source == "flag":
        check = Check("flags", "has_flag", expected, None, f"是否为{expected}：缺少数据",
                      f"whether {expected}: missing")
    elif outcome == "unknown" and cond.source == "industry":
        check = Check("industry", "in", expected, None, "所属行业：缺少数据", "industry: missing")
    elif outcome == "unknown":
        check = Check(name, op, expected, None, f"{zh}：缺少数据", f"{en}: missing", cond.label)
    elif cond.source == "industry":
        check = Check("industry", "in", expected, actual,
                      f"所属行业 {actual} {'属于' if held else '不属于'} {_fmt(expected)}",
                      f"industry {actual} {'in' if held else 'not in'} {', '.join(expected)}")
    elif cond.wanted is not None:
        listed = expected if isinstance(expected, list | tuple) else [expected]
        check = Check(name, op, expected, actual,
                      f"{zh} {actual} {'属于' if held else '不属于'} {_fmt(listed)}",
                      f"{en} {actual} {'in' if held else 'not in'} "
                      f"{', '.join(map(str, listed))}", cond.label)
    elif op == "has_flag":
        check = Check(name, op, expected, actual, f"{'具备' if held else '不具备'}{expected}",
                      f"{'has' if held else 'lacks'} {expected}", cond.label)
    elif op == "years_since":  # `actual` holds the years since the founding year
        check = Check(name, op, expected, actual,
                      f"成立 {actual} 年，{'不少于' if held else '不足'} {expected} 年",
                      f"founded {actual} years ago, {'at least' if held else 'under'} "
                      f"{expected}", cond.label)
    else:
        shown = _SHOWN if held else _NEGATED
        a, e = _fmt(actual, unit), _fmt(expected, unit)
        check = Check(name, op, expected, actual, f"{zh} {a} {shown['zh'].get(op, op)} {e}",
                      f"{en} {a} {shown['en'].get(op, op)} {e}", cond.label)
    if cond.illustrative:  # an invented threshold says so wherever it is read
        check = replace(check, text_zh=check.text_zh + illustrative_mark(True, "zh"),
                        text_en=check.text_en + illustrative_mark(True, "en"),
                        illustrative=True)
    return check


def _worded_tier(cond: Condition, outcome: str, actual: Any, held: bool,
                 firm: Mapping[str, Any]) -> Check:
    """A tiered condition: the threshold of the firm's band, and the band's basis."""
    zh, en, unit = _label(cond.field)
    if outcome == "unknown":
        missing = _unknown_field(cond, firm)
        mzh, men, _ = _label(missing)
        return Check(missing, cond.op, cond.expected, None, f"{mzh}：缺少数据",
                     f"{men}: missing", cond.label)
    basis = firm[cond.by]
    bzh, ben, bunit = _label(cond.by)
    threshold = tier_threshold(cond.expected, basis)
    shown = _SHOWN if held else _NEGATED
    a, e, b = _fmt(actual, unit), _fmt(threshold, unit), _fmt(basis, bunit)
    return Check(cond.field, cond.op, threshold, actual,
                 f"{zh} {a} {shown['zh'][cond.op]} {e}（按{bzh} {b} 所在档）",
                 f"{en} {a} {shown['en'][cond.op]} {e} (the band for {ben} {b})", cond.label)


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
                zh, en, _ = _label(check.field)
                words[key] = (zh, en)
            if programme_id not in found.setdefault(key, []):
                found[key].append(programme_id)
    order = sorted(found, key=lambda k: (-len(found[k]), k[1] is not None, k[0], k[1] or ""))
    return [DataToCheck(field, flag, *words[(field, flag)], tuple(found[(field, flag)]))
            for field, flag in order]
