"""Programme eligibility in the page's language: each condition from message keys.

The use cases hand pages a programme's checks as data (`matcher.eligibility_checks.Check`:
field, operator, the programme's value, the firm's) and a firm's offers one change
away (`matcher.programme_push.Offer`). These functions word them from the
``elig_*`` keys of `messages/eligibility.toml`, so an English page reads
"R&D ratio 2.1% < 3%" and a Chinese one "研发投入占比 2.1% < 3%"; names
(programmes, places, qualifications, industries) are data and stay as stored.

>>> check = {"field": "rd_ratio_pct", "op": ">=", "expected": 3, "actual": 2.1}
>>> check_words(check, "failed", "en"), check_words(check, "failed", "zh")
('R&D ratio 2.1% < 3%', '研发投入占比 2.1% < 3%')
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from jinja2 import pass_context

from duijie.api.web.i18n import translate
from duijie.graph.vocab import illustrative_mark

OP_NAMES = {">=": "ge", ">": "gt", "<=": "le", "<": "lt", "==": "eq", "!=": "ne",
            "in": "in", "not_in": "not_in", "before": "before"}
NEGATED = {"ge": "lt", "gt": "le", "le": "gt", "lt": "ge", "eq": "ne", "ne": "eq",
           "in": "not_in", "not_in": "in", "before": "not_before"}
PLACE_FIELDS = ("region", "industry")  # compared by place: "in", never "is"


def check_words(check: Mapping[str, Any], outcome: str, lang: str) -> str:
    """One condition of a programme, as it came out for a firm (`outcome`: ``passed``,
    ``failed`` or ``unknown``), in `lang`.

    >>> check_words({"field": "region", "op": "in", "expected": ["金华", "义乌"],
    ...              "actual": "杭州"}, "failed", "en")
    'region 杭州 not in 金华, 义乌'
    >>> check_words({"field": "flags", "op": "has_flag", "expected": "高新技术企业",
    ...              "actual": None}, "unknown", "en")
    'whether 高新技术企业: missing'
    >>> check_words({"field": "revenue_wan", "op": "<", "expected": 5000,
    ...              "actual": None}, "unknown", "zh")
    '营业收入：缺少数据'
    """
    def t(key: str, **values: Any) -> str:
        return translate(key, lang, **values)

    name, op = str(check.get("field")), str(check.get("op"))
    field = field_words(name, lang)
    expected, actual = check.get("expected"), check.get("actual")
    if op == "to_check" and name == "rules":  # a programme with no rules recorded
        text = t("elig_no_rules")
    elif op == "to_check":  # a published criterion the graph holds no data for
        what = check.get("label_en" if lang == "en" else "label") or field
        text = t("elig_to_check", what=what)
    elif outcome == "unknown" or actual is None:
        text = (t("elig_flag_missing", flag=expected) if op == "has_flag"
                else t("elig_missing", field=field))
    elif name == "deadline":
        text = t("elig_deadline_open" if outcome == "passed" else "elig_deadline_passed",
                 date=expected)
    elif op == "has_flag":
        text = t("elig_has_flag" if outcome == "passed" else "elig_lacks_flag", flag=expected)
    elif op == "years_since":  # `actual` holds the years since the founding year
        text = t("elig_founded_ok" if outcome == "passed" else "elig_founded_short",
                 years=actual, min=expected)
    else:
        op_name = OP_NAMES.get(op, op)
        if name in PLACE_FIELDS:
            op_name = {"eq": "in", "ne": "not_in"}.get(op_name, op_name)
        if outcome != "passed":
            op_name = NEGATED.get(op_name, op_name)
        text = t("elig_compare", field=field, op=t(f"elig_op_{op_name}"),
                 actual=value_words(name, actual, lang),
                 expected=value_words(name, expected, lang))
    return text + illustrative_mark(check.get("illustrative"), lang)


def change_words(offer: Mapping[str, Any], lang: str) -> str:
    """What one change would make a firm eligible for (a ``near`` offer), in `lang`.

    >>> offer = {"field": "rd_ratio_pct", "op": ">=", "actual": 2.1, "target": 3,
    ...          "programme_name": "高新技术企业认定", "target_illustrative": False}
    >>> change_words(offer, "en")
    'R&D ratio 2.1% → 3% would make it eligible for 高新技术企业认定'
    >>> change_words({**offer, "field": "revenue_wan", "op": ">", "actual": 800,
    ...               "target": 1000}, "en")
    'revenue CNY 8,000,000 → more than CNY 10,000,000 would make it eligible for 高新技术企业认定'
    >>> change_words({**offer, "illustrative": True}, "zh")  # a condition met is invented
    '研发投入占比 2.1% → 3% 即可申报（示意） 高新技术企业认定'
    >>> change_words({**offer, "illustrative": True, "target_illustrative": True}, "en")
    'R&D ratio 2.1% → 3% (illustrative) would make it eligible for 高新技术企业认定'
    """
    name, op = str(offer.get("field")), offer.get("op")
    programme = offer.get("programme_name")
    # An invented threshold decides it: marked on the target when that one is, else on
    # the verdict (a condition it already meets is the invented one).
    # (a flag to hold has no threshold to mark: the verdict is)
    mark = illustrative_mark(offer.get("illustrative") and (
        op == "has_flag" or not offer.get("target_illustrative")), lang)
    if op == "has_flag":
        return translate("elig_change_flag", lang, flag=offer.get("target"),
                         programme=programme, mark=mark)
    key = {">": "elig_change_gt", "<": "elig_change_lt"}.get(op, "elig_change")
    target = value_words(name, offer.get("target"), lang) + illustrative_mark(
        offer.get("target_illustrative"), lang)
    return translate(key, lang, field=field_words(name, lang),
                     actual=value_words(name, offer.get("actual"), lang), target=target,
                     programme=programme, mark=mark)


def field_words(field: str, lang: str) -> str:
    """What a tested field is called in `lang` (a field the catalog lacks, as named).

    >>> field_words("employees", "zh"), field_words("colour", "en")
    ('从业人数', 'colour')
    """
    key = f"elig_field_{field}"
    words = translate(key, lang)
    return field if words == key else words


def value_words(field: str, value: Any, lang: str) -> str:
    """A firm's or a programme's value, with its unit, in `lang`.

    >>> value_words("revenue_wan", 3000.0, "en"), value_words("revenue_wan", 3000, "zh")
    ('CNY 30,000,000', '3000万元')
    >>> value_words("listed", True, "en"), value_words("region", ["浙江", "江苏"], "zh")
    ('yes', '浙江、江苏')
    """
    if isinstance(value, bool):
        return translate("elig_yes" if value else "elig_no", lang)
    if isinstance(value, list | tuple | set | frozenset):
        return translate("elig_list_separator", lang).join(
            value_words(field, v, lang) for v in value) or translate("elig_list_empty", lang)
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if field == "rd_ratio_pct":
        return translate("elig_value_percent", lang, value=value)
    if field == "revenue_wan" and isinstance(value, int | float):
        return translate("elig_value_revenue_wan", lang, value=value,
                         yuan=f"{value * 10_000:,.0f}")
    if field == "employees":
        return translate("elig_value_employees", lang, value=value)
    return str(value)


@pass_context
def _check_in_page_language(context: Any, check: Mapping[str, Any], outcome: str) -> str:
    return check_words(check, outcome, context.get("lang", "zh"))


@pass_context
def _change_in_page_language(context: Any, offer: Mapping[str, Any]) -> str:
    return change_words(offer, context.get("lang", "zh"))


TEMPLATE_FUNCTIONS = {"eligibility_check": _check_in_page_language,
                      "eligibility_change": _change_in_page_language}
"""Template globals: ``{{ eligibility_check(c, 'failed') }}``, ``{{ eligibility_change(o) }}``."""
