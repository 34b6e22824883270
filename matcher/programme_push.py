"""Programmes for a firm, and firms for a programme (服务找企业), on top of eligibility.

`programmes_for_firm` sorts every programme into those the firm qualifies for now
and those one condition away ("研发投入占比 2.1% → 3% 即可申报 …"), ranked by value.
`push_programme` lists every firm that qualifies for one programme and neither
holds it nor has applied, so an office can push it.

A condition is "one away" only when it is the single failed one, nothing is
unknown, and a firm can change it: a figure (revenue, staff, R&D ratio) or a
qualification (a flag). Its region, industry, age or a passed deadline are not
offered as changes.

>>> firm = {"name": "甲", "rd_ratio_pct": 2.1, "flags": []}
>>> prog = {"name": "高新技术企业认定", "rules": [
...     {"field": "rd_ratio_pct", "op": ">=", "value": 3}]}
>>> offer = programmes_for_firm(firm, {"prog:ht": prog}, today="2020-01-01")
>>> offer.now, offer.near[0].change
([], '研发投入占比 2.1% → 3% 即可申报 高新技术企业认定')
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from duijie.graph.errors import InvalidInput, at
from duijie.graph.model import shown_name
from duijie.graph.vocab import illustrative_mark
from duijie.matcher.eligibility import EligibilityResult, ProgrammeCheck, evaluate_eligibility
from duijie.matcher.eligibility_checks import Check
from duijie.matcher.programme_conditions import FIELDS, states_conditions

CHANGEABLE_FIELDS = ("revenue_wan", "employees", "rd_ratio_pct", "flags", "listed")
"""What a firm can change about itself (its region, industry or age it cannot)."""

LEVEL_ORDER = {"national": 0, "international": 1, "provincial": 2, "city": 3, "county": 4}


@dataclass(frozen=True)
class Offer:
    """One programme for one firm: eligible now, or what one change would make it."""

    programme_id: str
    programme_name: str
    level: str | None
    value_wan: float | None
    benefit: str | None
    status: str  # "eligible" or "near"
    change: str | None = None
    change_en: str | None = None
    field: str | None = None
    op: str | None = None  # how the field is tested (">=", "has_flag", …)
    actual: Any = None
    target: Any = None
    passed: tuple[str, ...] = ()
    illustrative: bool = False  # an invented programme or threshold decides it (示意)
    target_illustrative: bool = False  # the threshold to reach is invented (示意)

    def to_dict(self) -> dict[str, Any]:
        return {"programme_id": self.programme_id, "programme_name": self.programme_name,
                "illustrative": self.illustrative,
                "level": self.level, "value_wan": self.value_wan, "benefit": self.benefit,
                "status": self.status, "change": self.change, "change_en": self.change_en,
                "field": self.field, "op": self.op, "actual": self.actual,
                "target": self.target, "target_illustrative": self.target_illustrative,
                "passed": list(self.passed)}


@dataclass
class FirmOffers:
    now: list[Offer] = field(default_factory=list)
    near: list[Offer] = field(default_factory=list)


def single_change(result: EligibilityResult) -> Check | None:
    """The one failed condition a firm could change, or None.

    >>> r = evaluate_eligibility({"rd_ratio_pct": 2.0, "region": "杭州"},
    ...     {"rules": [{"field": "rd_ratio_pct", "op": ">=", "value": 3}], "regions": ["山东"]})
    >>> single_change(r) is None   # two conditions fail
    True
    """
    if result.status != "not_eligible" or len(result.failed) != 1 or result.unknown:
        return None
    check = result.failed[0]
    if check.field not in CHANGEABLE_FIELDS or check.op in ("in", "not_in", "before"):
        return None
    return check


def _shown(value: Any, unit: str) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return f"{value}%" if unit == "%" else f"{value}{unit}"


def _change_words(check: Check, programme: str, invented: bool = False) -> tuple[str, str]:
    """The change in both languages. `invented`: an invented threshold decides the
    verdict, marked on the target when that one is, else on the verdict itself.

    >>> flag = Check("flags", "has_flag", "高新技术企业", [], "", "", illustrative=True)
    >>> _change_words(flag, "省级企业技术中心", invented=True)[0]
    '取得“高新技术企业”即可申报（示意） 省级企业技术中心'
    """
    # a flag to hold has no threshold to mark: the verdict is
    verdict = invented and (check.op == "has_flag" or not check.illustrative)
    zh_mark, en_mark = illustrative_mark(verdict, "zh"), illustrative_mark(verdict, "en")
    if check.op == "has_flag":
        return (f"取得“{check.expected}”即可申报{zh_mark} {programme}",
                f"holding {check.expected} would make it eligible{en_mark} for {programme}")
    zh, en, unit = FIELDS.get(check.field, (check.field, check.field, ""))
    arrow = {">=": "", ">": "以上", "<=": "", "<": "以下"}.get(check.op, "")
    arrow_en = {">": " (more than)", "<": " (less than)"}.get(check.op, "")
    actual, target = _shown(check.actual, unit), _shown(check.expected, unit)
    target_en = target + illustrative_mark(check.illustrative, "en")
    target += illustrative_mark(check.illustrative, "zh")
    return (f"{zh} {actual} → {target}{arrow} 即可申报{zh_mark} {programme}",
            f"{en} {actual} → {target_en}{arrow_en} would make it eligible{en_mark} "
            f"for {programme}")


def _rank(offer: Offer) -> tuple:
    return (-(offer.value_wan or 0.0), offer.value_wan is None,
            LEVEL_ORDER.get(offer.level or "", 9), offer.programme_name, offer.programme_id)


def offer_for(programme_id: str, programme: Mapping[str, Any], result: EligibilityResult
              ) -> Offer | None:
    """An `Offer` when the firm qualifies now or is one change away; else None."""
    name = shown_name("Programme", programme, programme_id)
    invented = bool(programme.get("illustrative")) or any(
        c.illustrative for c in result.passed + result.failed)
    base = dict(programme_id=programme_id, programme_name=name, level=programme.get("level"),
                value_wan=programme.get("value_wan"), benefit=programme.get("benefit"),
                illustrative=invented)
    if result.status == "eligible":
        return Offer(**base, status="eligible", passed=tuple(c.text_zh for c in result.passed))
    check = single_change(result)
    if check is None:
        return None
    zh, en = _change_words(check, name, invented)
    return Offer(**base, status="near", change=zh, change_en=en, field=check.field,
                 op=check.op, actual=check.actual, target=check.expected,
                 target_illustrative=check.illustrative,
                 passed=tuple(c.text_zh for c in result.passed))


def programmes_for_firm(firm: Mapping[str, Any], programmes: Mapping[str, Mapping[str, Any]],
                        *, today: date | str | None = None, held: Iterable[str] = (),
                        region_ancestors: Mapping[str, Iterable[str]] | None = None
                        ) -> FirmOffers:
    """Programmes the firm qualifies for now, and those one change away, by value.

    Programmes it holds (`held`) and programmes without any condition are left out:
    the first need no push, the second would be offered to everyone.
    """
    held = set(held)
    out = FirmOffers()
    for pid, programme in programmes.items():
        if pid in held or not states_conditions(programme):
            continue
        if programme.get("grants_flag") and programme["grants_flag"] in (firm.get("flags") or []):
            continue
        result = evaluate_eligibility(firm, programme, today, region_ancestors=region_ancestors)
        offer = offer_for(pid, programme, result)
        if offer is not None:
            (out.now if offer.status == "eligible" else out.near).append(offer)
    out.now.sort(key=_rank)
    out.near.sort(key=_rank)
    return out


@dataclass
class PushList:
    """Who to push a programme to: qualifying firms, and those to check (data missing)."""

    eligible: list[str] = field(default_factory=list)
    unknown: list[tuple[str, list[str]]] = field(default_factory=list)  # firm, missing data
    near: list[tuple[str, Offer]] = field(default_factory=list)
    holders: int = 0
    applied: int = 0
    checked: int = 0


def push_programme(programme_id: str, programme: Mapping[str, Any],
                   firms: Iterable[tuple[str, Mapping[str, Any]]], *,
                   holders: Iterable[str] = (), applied: Iterable[str] = (),
                   today: date | str | None = None,
                   region_ancestors: Mapping[str, Iterable[str]] | None = None,
                   near: bool = False) -> PushList:
    """Every firm that qualifies for `programme` and neither holds it nor has applied.

    A firm holds it when it is in `holders` (an ``awarded`` edge) or carries the
    flag the programme grants (``grants_flag``, 高新技术企业 for 高新技术企业认定).

    Raises
    ------
    InvalidInput
        The programme has no conditions: a push would reach every firm.

    Examples
    --------
    >>> prog = {"name": "高新技术企业认定", "grants_flag": "高新技术企业",
    ...         "rules": [{"field": "rd_ratio_pct", "op": ">=", "value": 3}]}
    >>> firms = [("ent:a", {"rd_ratio_pct": 4}), ("ent:b", {"rd_ratio_pct": 5,
    ...          "flags": ["高新技术企业"]}), ("ent:c", {"rd_ratio_pct": 6}), ("ent:d", {})]
    >>> out = push_programme("prog:ht", prog, firms, applied={"ent:c"})
    >>> out.eligible, out.unknown, out.holders, out.applied
    (['ent:a'], [('ent:d', ['rd_ratio_pct'])], 1, 1)
    """
    name = str(programme.get("name") or programme_id)
    if not states_conditions(programme):
        raise InvalidInput(key="programmes.no_rules", value=name, where=at("where.programme"))
    holders, applied = set(holders), set(applied)
    flag = programme.get("grants_flag")
    # the conditions read once; each firm's verdict without words (no one reads them
    # here), worded only for the firms one condition away when those are asked for
    check = ProgrammeCheck(programme, today, region_ancestors=region_ancestors)
    out = PushList()
    for firm_id, props in firms:
        out.checked += 1
        if firm_id in holders or (flag and flag in (props.get("flags") or [])):
            out.holders += 1
            continue
        if firm_id in applied:
            out.applied += 1
            continue
        status, missing = check.status(props)
        if status == "eligible":
            out.eligible.append(firm_id)
        elif status == "unknown":
            out.unknown.append((firm_id, missing))
        elif near:
            offer = offer_for(programme_id, programme, check.evaluate(props))
            if offer is not None:
                out.near.append((firm_id, offer))
    return out
