"""How one condition of a programme went for a firm, in words (`Check`), in Chinese and
English: "研发投入占比 2.1% < 3%", "所在地区 柯桥区 属于 柯桥", "待核实：核心知识产权".

>>> c = Condition("region", "in", ["浙江"], "x", "region", wanted=frozenset({"浙江"}))
>>> worded_check(c, "passed", "绍兴", True, {}).text_en
'region 绍兴 in 浙江'
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from duijie.graph.vocab import illustrative_mark
from duijie.matcher.programme_conditions import NO_RULES, Condition, field_words, tier_threshold

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


def _fmt(value: Any, unit: str = "") -> str:
    """A value as read, with its unit (a list joined with 、)."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, list | tuple | set | frozenset):
        return "、".join(str(v) for v in value) or "（无）"
    if unit == "%":
        return f"{value}%"
    return f"{value}{unit}" if unit and unit != "%" else str(value)


def worded_check(cond: Condition, outcome: str, actual: Any, held: bool,
                 firm: Mapping[str, Any]) -> Check:
    """One condition's `Check`, in both languages: `outcome` (passed, failed, unknown),
    the firm's value and whether the test held, as `ProgrammeCheck` decided them.

    >>> c = Condition("rd_ratio_pct", ">=", 3, "x")
    >>> worded_check(c, "failed", 2.1, False, {}).text_zh
    '研发投入占比 2.1% < 3%'
    """
    name, op, expected = cond.field, cond.op, cond.expected
    zh, en, unit = field_words(name)
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
    zh, en, unit = field_words(cond.field)
    if outcome == "unknown":
        missing = cond.missing_field(firm)
        mzh, men, _ = field_words(missing)
        return Check(missing, cond.op, cond.expected, None, f"{mzh}：缺少数据",
                     f"{men}: missing", cond.label)
    basis = firm[cond.by]
    bzh, ben, bunit = field_words(cond.by)
    threshold = tier_threshold(cond.expected, basis)
    shown = _SHOWN if held else _NEGATED
    a, e, b = _fmt(actual, unit), _fmt(threshold, unit), _fmt(basis, bunit)
    return Check(cond.field, cond.op, threshold, actual,
                 f"{zh} {a} {shown['zh'][cond.op]} {e}（按{bzh} {b} 所在档）",
                 f"{en} {a} {shown['en'][cond.op]} {e} (the band for {ben} {b})", cond.label)

