"""A programme's conditions, read from its data and checked once before any firm is.

A programme states rules (``{"field", "op", "value"}``, a threshold by band of another
field, or a criterion to check by hand), required flags, regions, industries and a
deadline; `programme_conditions` reads them into `Condition`s, refusing a rule on an
unknown field or operator with the programme and rule named.

>>> [(c.source, c.field, c.op) for c in programme_conditions({"name": "x",
...     "rules": [{"field": "rd_ratio_pct", "op": ">=", "value": 3}], "regions": ["浙江"]})]
[('rule', 'rd_ratio_pct', '>='), ('region', 'region', 'in')]
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from duijie.graph.errors import InvalidInput
from duijie.matcher.region_paths import places_wanted

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


def field_words(field_name: str) -> tuple[str, str, str]:
    """How a field (or a criterion to check by hand) is named: Chinese, English, unit.

    >>> field_words("rd_ratio_pct"), field_words("core_ip")
    (('研发投入占比', 'R&D ratio', '%'), ('核心知识产权', 'core intellectual property', ''))
    """
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


def is_missing(value: Any) -> bool:
    """True for a value a firm has not given (None or blank text).

    >>> is_missing(None), is_missing("  "), is_missing(0)
    (True, True, False)
    """
    return value is None or (isinstance(value, str) and not value.strip())


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

    def missing_field(self, firm: Mapping[str, Any]) -> str:
        """The data this condition lacks for `firm` when unknown: its field, or a tiered
        threshold's basis.

        >>> Condition("rd_ratio_pct", ">=", [[None, 3]], "x", by="revenue_wan"
        ...           ).missing_field({"rd_ratio_pct": 2})
        'revenue_wan'
        """
        if self.by and not is_missing(firm.get(self.field)):
            return self.by
        return self.field


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
    wanted = (frozenset(places_wanted(expected))
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
