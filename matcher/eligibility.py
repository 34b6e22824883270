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

OPS = (">=", ">", "<=", "<", "==", "!=", "in", "not_in", "has_flag", "before")

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

    def to_dict(self) -> dict[str, Any]:
        out = {"field": self.field, "op": self.op, "expected": self.expected,
               "actual": self.actual, "text": self.text_zh, "text_en": self.text_en,
               "illustrative": self.illustrative}
        if self.label:
            out["label"] = self.label
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

    def to_dict(self) -> dict[str, Any]:
        return {"status": self.status,
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
    return FIELDS.get(field_name, (field_name, field_name, ""))


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
    raise AssertionError(op)  # ops are checked before


def _check_rule(rule: Mapping[str, Any], firm: Mapping[str, Any], today: date,
                where: str, region_ancestors: Mapping[str, Iterable[str]] | None = None
                ) -> tuple[str, Check]:
    name, op, expected = rule.get("field"), rule.get("op"), rule.get("value")
    if name not in FIELDS:
        raise InvalidInput(f"tests an unknown field (known: {', '.join(FIELDS)})",
                           value=name, where=where)
    if op not in OPS:
        raise InvalidInput(f"is not a rule operator (known: {', '.join(OPS)})", value=op,
                           where=where)
    if op in ("in", "not_in") and not isinstance(expected, list | tuple | set):
        raise InvalidInput("needs a list value", value=expected, where=where)
    zh, en, unit = _label(name)
    label = rule.get("label")
    actual = today.isoformat() if name == "today" else firm.get(name)
    if _missing(actual):
        return "unknown", Check(name, op, expected, None, f"{zh}：缺少数据",
                                f"{en}: missing", label)
    if name == "region" and op in ("==", "!=", "in", "not_in"):
        # Places compare through the hierarchy: a Keqiao firm meets a 柯桥 rule, and
        # 绍兴市柯桥区 lies in 柯桥区, 绍兴 and 浙江.
        inside = bool(region_chain(str(actual), region_ancestors) & _region_wanted(expected))
        ok = inside if op in ("==", "in") else not inside
        zh_op = ("属于" if inside else "不属于")
        en_op = ("in" if inside else "not in")
        listed = expected if isinstance(expected, list | tuple) else [expected]
        return ("passed" if ok else "failed"), Check(
            name, op, expected, actual, f"{zh} {actual} {zh_op} {_fmt(listed)}",
            f"{en} {actual} {en_op} {', '.join(map(str, listed))}", label)
    try:
        ok = _compare(op, actual, expected)
    except TypeError:
        raise InvalidInput(f"cannot compare {actual!r} with {expected!r}", value=op,
                           where=where) from None
    shown_op = (_SHOWN if ok else _NEGATED)["zh"].get(op, op)
    shown_op_en = (_SHOWN if ok else _NEGATED)["en"].get(op, op)
    if op == "has_flag":
        zh_text = f"{'具备' if ok else '不具备'}{expected}"
        en_text = f"{'has' if ok else 'lacks'} {expected}"
    else:
        a, e = _fmt(actual, unit), _fmt(expected, unit)
        zh_text = f"{zh} {a} {shown_op} {e}"
        en_text = f"{en} {a} {shown_op_en} {e}"
    return ("passed" if ok else "failed"), Check(name, op, expected, actual, zh_text,
                                                 en_text, label)


def _add_unless_said(lists: Mapping[str, list[Check]], outcome: str, check: Check) -> None:
    """Add a programme-wide region or industry check unless a rule on the same field
    already came out the same way (金华's rule and its region list would both say
    "不属于 金华"): every line an organiser reads says something new."""
    if any(c.field == check.field for c in lists[outcome]):
        return
    lists[outcome].append(check)


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
    if today is None:
        today = date.today()
    elif isinstance(today, str):
        today = date.fromisoformat(today)
    programme = str(programme_props.get("name") or "programme")
    result = EligibilityResult("eligible")
    lists = {"passed": result.passed, "failed": result.failed, "unknown": result.unknown}

    for i, rule in enumerate(programme_props.get("rules") or []):
        rule = rule if isinstance(rule, Mapping) else dict(rule)  # pydantic models too
        where = f"programme {programme!r}, rule {i + 1} ({rule.get('label') or rule.get('field')})"
        outcome, check = _check_rule(rule, firm_props, today, where, region_ancestors)
        if rule.get("illustrative"):  # an invented threshold says so wherever it is read
            check = replace(check, text_zh=check.text_zh + illustrative_mark(True, "zh"),
                            text_en=check.text_en + illustrative_mark(True, "en"),
                            illustrative=True)
        lists[outcome].append(check)

    tested = {(c.field, c.expected if c.op == "has_flag" else None)
              for c in result.passed + result.failed + result.unknown}
    for flag in programme_props.get("required_flags") or []:
        if ("flags", flag) in tested:  # a rule tests the same flag: one line, not two
            continue
        outcome, check = _check_rule({"field": "flags", "op": "has_flag", "value": flag},
                                     firm_props, today, f"programme {programme!r}")
        if outcome == "unknown":
            check = Check("flags", "has_flag", flag, None, f"是否为{flag}：缺少数据",
                          f"whether {flag}: missing")
        lists[outcome].append(check)

    regions = programme_props.get("regions") or []
    if regions:
        outcome, check = _check_rule({"field": "region", "op": "in", "value": list(regions)},
                                     firm_props, today, f"programme {programme!r}",
                                     region_ancestors)
        _add_unless_said(lists, outcome, check)

    industries = programme_props.get("industries") or []
    if industries:
        industry = firm_props.get("industry")
        if _missing(industry):
            check = Check("industry", "in", industries, None, "所属行业：缺少数据",
                          "industry: missing")
            _add_unless_said(lists, "unknown", check)
        else:
            chain = {industry, *(industry_ancestors or {}).get(industry, ())}
            ok = bool(chain & set(industries))
            text = f"所属行业 {industry} {'属于' if ok else '不属于'} {_fmt(industries)}"
            text_en = f"industry {industry} {'in' if ok else 'not in'} {', '.join(industries)}"
            _add_unless_said(lists, "passed" if ok else "failed", Check(
                "industry", "in", industries, industry, text, text_en))

    deadline = programme_props.get("deadline")
    if deadline:
        ok = today.isoformat() <= str(deadline)
        text = f"申报截止 {deadline}{'' if ok else ' 已过'}"
        text_en = f"deadline {deadline}{'' if ok else ' has passed'}"
        (result.passed if ok else result.failed).append(
            Check("deadline", "before", deadline, today.isoformat(), text, text_en))

    if result.failed:
        result.status = "not_eligible"
    elif result.unknown:
        result.status = "unknown"
    return result
