"""The analyst's report: what came of an event (or of every event) and what to change.

`event_report(store, EVENT_ID)` and `all_events_report(store)` gather, from the outcome
ledger, the funnel (invited → met → intent → signed → collaborated, and by check-in),
the firms' sign rate with its Wilson interval, each firm's record and contract value,
where the partners ranked before the event (`api.services.partner_rank`), the
pre-event score of signed against unsigned pairs, the comparison of text, graph and
hybrid ranks, the state of the learned ranking (`evaluation.learning`) and the
follow-ups overdue; then `findings`: what went well and what to change, as message keys
with values (the page and the HTML file put them into words in the reader's language).

Pairs come from the event's meetings and their outcomes; an event planned outside
Duijie (a seed event) whose record is only `met`/`signed` edges gets its pairs from
them, and the report says so (``pairs_from``). Invented (illustrative) records are
counted and named in ``data`` and on every figure. An event with nothing recorded
gives a report that says so (``empty``), never a rate on nothing.

>>> from duijie.graph import open_store
>>> from duijie.api.services.seeding import XIAN_EVENT, load_seed
>>> store = open_store(":memory:"); _ = load_seed(store)
>>> report = event_report(store, XIAN_EVENT, today="2019-12-31")
>>> report.firm_sign_rate["successes"], report.firm_sign_rate["n"], report.data
(5, 8, 'illustrative')
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from threadpoolctl import threadpool_limits

from duijie.api.services import Result
from duijie.api.services.access import Viewer, in_scope
from duijie.api.services.outcomes import SIGNED, overdue_in
from duijie.api.services.partner_rank import (
    SHOWN,
    is_illustrative,
    partner_ranks,
)
from duijie.evaluation.funnel import (
    PairRecord,
    by_check_in,
    contract_value,
    firm_sign_rate,
    funnel,
    per_firm,
)
from duijie.evaluation.intervals import bootstrap_mean, wilson
from duijie.evaluation.learning import MIN_OUTCOMES, MIN_SIGNED
from duijie.evaluation.metrics import diversity, fairness
from duijie.graph.errors import NotFound
from duijie.graph.store import GraphStore, iter_edges, iter_nodes
from duijie.graph.vocab import Confidentiality, MeetingStatus, OutcomeStage

RANK_EVENTS: int | None = None
"""`duijie report --all` ranks partners for every event with pairs (None), or for the
latest this many; the report lists the events it ranked (``events_ranked``)."""


def _read_meetings(store: GraphStore, event_ids: set[str] | None) -> list:
    """The events' Meeting nodes (every event's with None), read in one pass."""
    return [m for m in iter_nodes(store, "Meeting")
            if event_ids is None or m.props.get("event_id") in event_ids]


@dataclass(frozen=True)
class StoredOutcome:
    """An Outcome node's id and properties (`GraphStore.node_props`: half the reading of
    whole nodes). Its invented mark is its ``illustrative`` property, which
    `outcomes.write_outcome` copies from the meeting (whose provenance is read too)."""

    id: str
    props: dict[str, Any]
    provenance: tuple = ()


def _read_outcomes(store: GraphStore) -> dict[str, list]:
    """Every Outcome node by its meeting, read in one pass."""
    outcomes: dict[str, list] = {}
    for outcome_id, props in store.node_props("Outcome"):
        outcomes.setdefault(props.get("meeting_id"), []).append(StoredOutcome(outcome_id, props))
    return outcomes


def _meeting_pairs(meetings: list, outcomes: dict[str, list]
                   ) -> dict[str, list[PairRecord]]:
    pairs: dict[str, list[PairRecord]] = {}
    for m in meetings:
        p = m.props
        if not p.get("firm_id") or p.get("status") == MeetingStatus.CANCELLED:
            continue
        mine = outcomes.get(m.id, [])
        post = [o for o in mine if o.props.get("stage") == OutcomeStage.POST_EVENT]
        held = (any(o.props.get("held") for o in post) if post else
                True if p.get("status") == MeetingStatus.HELD else
                False if p.get("status") == MeetingStatus.NO_SHOW else None)
        ledger = {o.props["stage"]: o.props["ledger"] for o in mine if o.props.get("ledger")}
        value = sum(o.props.get("contract_value_wan") or 0.0 for o in mine
                    if o.props.get("ledger") in SIGNED)
        pairs.setdefault(p.get("event_id"), []).append(PairRecord(
            p.get("event_id"), p["firm_id"], p.get("helper_id"), held=held,
            intent=any(o.props.get("intent") for o in post) if post else None,
            ledger=ledger, contract_value_wan=float(value), score=p.get("score"),
            illustrative=is_illustrative(m) or any(is_illustrative(o) for o in mine),
            meeting_id=m.id))
    return pairs


def _edge_pairs(store: GraphStore, event_ids: set[str] | None,
                skip: set[str] = frozenset()) -> dict[str, list[PairRecord]]:
    """Pairs of events recorded only as `met`/`signed` edges (need → partner); events
    in `skip` (their meetings say it) are passed over."""
    if event_ids is not None and event_ids <= skip:
        return {}  # every event has its meetings: the edges would add nothing
    wanted = [e for kind in ("met", "signed") for e in iter_edges(store, kind)
              if (event := e.props.get("source_event")) and event not in skip
              and (event_ids is None or event in event_ids)]
    firm_of: dict[str, str] = {}
    if wanted:  # the firm that submitted each need (the first by edge id), one pass
        for e in iter_edges(store, "submitted"):
            firm_of.setdefault(e.dst, e.src)
    found: dict[tuple[str, str, str], dict[str, Any]] = {}
    for e in wanted:
        if e.src not in firm_of:
            continue
        row = found.setdefault((e.props["source_event"], firm_of[e.src], e.dst), {
            "signed": False, "value": 0.0, "illustrative": False, "day": None})
        row["illustrative"] |= is_illustrative(e)
        if e.kind == "signed":
            row["signed"] = True
            row["value"] += float(e.props.get("value_wan") or 0.0)
    pairs: dict[str, list[PairRecord]] = {}
    for (event, firm, helper), row in sorted(found.items()):
        pairs.setdefault(event, []).append(PairRecord(
            event, firm, helper, held=True, ledger={"m1": "signed"} if row["signed"] else {},
            contract_value_wan=row["value"], illustrative=row["illustrative"]))
    return pairs


def gather_pairs(store: GraphStore, event_ids: set[str] | None = None,
                 meetings: list | None = None, outcomes: dict[str, list] | None = None
                 ) -> tuple[dict[str, list[PairRecord]], dict[str, str]]:
    """Pairs by event (from meetings, else from recorded edges) and where each event's
    pairs came from (``meetings`` or ``edges``); `meetings` and `outcomes`
    (`_read_outcomes`) if the caller read them."""
    if meetings is None:
        meetings = _read_meetings(store, event_ids)
    if outcomes is None:
        outcomes = _read_outcomes(store)
    recorded = {e: ps for e, ps in _meeting_pairs(meetings, outcomes).items()
                if any(p.held is not None or p.ledger for p in ps)}
    out, source = dict(recorded), {e: "meetings" for e in recorded}
    for event, ps in _edge_pairs(store, event_ids, set(recorded)).items():
        out[event], source[event] = ps, "edges"
    return out, source


def data_kind(pairs: list[PairRecord]) -> str:
    """``recorded``, ``illustrative``, ``mixed`` or ``none``."""
    kinds = {p.illustrative for p in pairs}
    if not kinds:
        return "none"
    return "mixed" if len(kinds) > 1 else "illustrative" if True in kinds else "recorded"


@dataclass
class AnalysisReport(Result):
    """`duijie report`: one event's (or every event's) evaluation; see the module
    docstring. Ids and names throughout; rates as {successes, n, value, low, high}."""

    scope: str  # an event id, or "all"
    title: str
    today: str
    events: list[dict[str, Any]]  # id, name, start_date, pairs, pairs_from, published
    data: str  # recorded | illustrative | mixed | none
    empty: bool
    funnel: list[dict[str, Any]]
    by_check_in: list[dict[str, Any]]
    firm_sign_rate: dict[str, Any] | None
    firms: list[dict[str, Any]]
    contract_value: dict[str, Any]
    partner_ranks: dict[str, Any]  # pairs, summary, events ranked
    fairness: dict[str, Any] | None  # across firms: min/median best score and meetings
    coverage: dict[str, Any] | None  # of the catalogue (Wilson), partner diversity (bootstrap)
    score_by_outcome: dict[str, Any]
    learning: dict[str, Any]
    follow_ups: list[dict[str, Any]]
    findings: list[dict[str, Any]] = field(default_factory=list)  # kind, key, values


def _ranks(store: GraphStore, events: list[dict[str, Any]], meetings: list,
           outcomes: dict[str, list]) -> dict[str, Any]:
    """Where the partners of `events` (rows of the report's ``events``) ranked before
    each, walking the knowledge graph in date order (`pre_event_graphs`)."""
    from duijie.api.services.partner_rank import pairs_from, summarise_ranks
    from duijie.api.services.pre_event_graphs import PreEventGraphs

    dated = sorted((str(e["start_date"] or "")[:10], e["id"]) for e in events)
    undated = [e for day, e in dated if not _is_day(day)]
    dated = [(day, e) for day, e in dated if _is_day(day)]
    rows: list[dict[str, Any]] = []
    if dated:
        wanted = {e for _, e in dated}
        mine = [m for m in meetings if m.props.get("event_id") in wanted]
        graphs = PreEventGraphs(store, event_dates={e["id"]: str(e["start_date"] or "")[:10]
                                                     for e in events},
                                meeting_event={m.id: m.props.get("event_id")
                                               for m in meetings})
        if len(dated) == 1:
            pairs = {dated[0][1]: None}  # one event: read its meetings' needs directly
        else:
            ids = {m.id for m in mine}
            needs: dict[str, list[str]] = {}
            for src, dst, props in store.edge_props("involves"):
                if src in ids and props.get("role") == "need":
                    needs.setdefault(src, []).append(dst)
            by_event: dict[str, list] = {}
            for m in mine:
                by_event.setdefault(m.props.get("event_id"), []).append(m)
            rec = graphs.recommender
            pairs = {}
            for _, event in dated:
                edges = graphs.recorded.get(event, [])
                firm_of = {e.src: f for e in edges if (f := rec.facts.firm_of(e.src))}
                pairs[event] = pairs_from(by_event.get(event, []), outcomes, needs, edges,
                                          firm_of)
        names = store.get_nodes({x for ps in pairs.values() for p in ps or []
                                 for x in (p["firm"], p["helper"], *p["needs"])}
                                | {e for _, e in dated})
        for _, event in dated:
            ranked = partner_ranks(store, event, graphs=graphs, pairs=pairs[event],
                                   names=names, summary=False)
            rows.extend({**p, "event_id": event} for p in ranked.pairs)
    return {"events_ranked": [e for _, e in dated], "events_without_date": undated,
            "pairs": rows, "summary": summarise_ranks(rows), "shown": SHOWN}


def _is_day(value: str) -> bool:
    try:
        date.fromisoformat(value)
    except ValueError:
        return False
    return True


def _fairness(pairs: list[PairRecord], rank_rows: list[dict[str, Any]]
              ) -> dict[str, Any] | None:
    """How evenly firms were served: each firm's best match score (the pre-event score
    where ranked, else the plan's) and its meetings (`evaluation.metrics.fairness`)."""
    best: dict[str, float] = {}
    for p in pairs:
        if p.score is not None:
            best[p.firm] = max(best.get(p.firm, 0.0), float(p.score))
    for r in rank_rows:
        if r["score"] is not None:
            best[r["firm"]] = max(best.get(r["firm"], 0.0), float(r["score"]))
    if not best:
        return None
    meetings: dict[str, int] = {}
    for p in pairs:
        meetings[p.firm] = meetings.get(p.firm, 0) + 1
    return {k: round(float(v), 6) for k, v in fairness(best, meetings).items()} | {
        "firms": len(best)}


PARTNER_KINDS = ("Expert", "Institute")


def _coverage(store: GraphStore, pairs: list[PairRecord]) -> dict[str, Any] | None:
    """How widely the meetings drew on the catalogue and how varied each firm's partners
    were: the share of experts and institutes that met a firm (a Wilson rate over the
    catalogue), and the mean over firms with two or more partners of their partners'
    topic diversity (`evaluation.metrics.diversity`, mean Jaccard distance of expertise
    topics) with its bootstrap interval. Pairs without a partner are left out."""
    met = [p for p in pairs if p.helper and p.reached("met")]
    counts = store.counts()["nodes"]
    catalogue = sum(counts.get(kind, 0) for kind in PARTNER_KINDS)
    if not met or not catalogue:
        return None
    partners: dict[str, list[str]] = {}
    for p in met:
        mine = partners.setdefault(p.firm, [])
        if p.helper not in mine:
            mine.append(p.helper)
    helpers = {h for hs in partners.values() for h in hs}
    topics: dict[str, set[str]] = {}
    for e in iter_edges(store, "has_expertise"):
        if e.src in helpers:
            topics.setdefault(e.src, set()).add(e.dst)
    varied = [diversity(hs, topics, len(hs)) for hs in partners.values() if len(hs) >= 2]
    return {"catalogue": catalogue, "partners_met": len(helpers),
            "catalogue_coverage": wilson(min(len(helpers), catalogue), catalogue).to_dict(),
            "firms_compared": len(varied),
            "partner_diversity": (bootstrap_mean(varied, where="partner diversity").to_dict()
                                  if varied else None)}


def _score_by_outcome(rank_rows: list[dict[str, Any]]) -> dict[str, Any]:
    signed = [r["score"] for r in rank_rows if r["stage"] == "signed" and r["score"] is not None]
    unsigned = [r["score"] for r in rank_rows if r["stage"] != "signed"
                and r["score"] is not None]
    return {"source": "pre_event_recommendation", "signed": signed, "unsigned": unsigned,
            "median_signed": statistics.median(signed) if signed else None,
            "median_unsigned": statistics.median(unsigned) if unsigned else None}


def _learning(store: GraphStore, pairs: list[PairRecord], learn: bool) -> dict[str, Any]:
    """The learned ranking's state: counted here, with what the last learning run kept
    (`learning_runs.last_run`: its model's scores, reliability curve and ranking beside
    the hybrid one, learned from recorded outcomes), or (with `learn`) learned now from
    every outcome (`outcome_learning.learned_ranking`)."""
    if learn:
        from duijie.api.services.outcome_learning import learned_ranking

        return learned_ranking(store, allow_illustrative=True).to_dict() | {
            "learned": True, "source": "now"}
    from duijie.api.services.learning_runs import last_run

    met = [p for p in pairs if p.reached("met")]
    signed = sum(1 for p in met if p.reached("signed"))
    ready = len(met) >= MIN_OUTCOMES and signed >= MIN_SIGNED
    state = {"outcomes": len(met), "signed": signed, "min_outcomes": MIN_OUTCOMES,
             "min_signed": MIN_SIGNED, "ready": ready, "reason": None, "data": data_kind(met),
             "in_use": False, "choice": None, "reliability": None, "against_hybrid": None,
             "notes": [], "learned": False, "source": None, "run": None}
    kept = last_run(store)
    if kept is not None and kept[0].choice is not None:
        run = kept[0]
        state.update(choice=run.choice, reliability=run.reliability,
                     against_hybrid=run.against_hybrid, in_use=run.note["method"] == "learned",
                     learned=True, source="last_run", data="recorded",
                     run={"learned_at": run.learned_at, "outcomes": run.outcomes,
                          "signed": run.signed, "key": run.note["key"]})
    return state


def _findings(report: AnalysisReport, published: dict[str, Any]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []

    def add(kind: str, key: str, **values: Any) -> None:
        # Every sentence drawn from the pairs says what they are (issue 12's rule): a
        # finding on invented pairs is never read as one on recorded ones.
        # (the published figures are the documents' facts; that sentence says in its own
        # words when the pairs beside them are invented)
        data = None if key.startswith(("analysis_find_data_", "analysis_find_empty",
                                       "analysis_find_published_invented")) else report.data
        out.append({"kind": kind, "key": key, "values": values, "data": data})

    if report.empty:
        add("note", "analysis_find_empty")
        return out
    if report.data in ("illustrative", "mixed"):
        add("note", f"analysis_find_data_{report.data}")
    rate = report.firm_sign_rate
    if rate:
        add("good" if rate["value"] >= 0.5 else "change", "analysis_find_sign_rate",
            signed=rate["successes"], firms=rate["n"], rate=round(100 * rate["value"]),
            low=round(100 * rate["low"]), high=round(100 * rate["high"]))
        if rate["n"] < 30:
            add("note", "analysis_find_small_numbers", n=rate["n"],
                width=round(100 * (rate["high"] - rate["low"])))
    if published.get("cooperation_reached") is not None and rate:
        invented = "_invented" if report.data == "illustrative" else ""
        add("note", "analysis_find_published" + invented,
            published=published["cooperation_reached"],
            firms=published.get("firms") or rate["n"], recorded=rate["successes"])
    steps = {s["stage"]: s["count"] for s in report.funnel}
    no_show = steps["invited"] - steps["met"]
    if no_show:
        add("change", "analysis_find_no_show", n=no_show, of=steps["invited"])
    stalled = steps["intent"] - steps["signed"]
    if stalled:
        add("change", "analysis_find_intent_unsigned", n=stalled)
    summary = report.partner_ranks.get("summary", {})
    hybrid = summary.get("hybrid")
    if hybrid:
        found = hybrid["found"]
        add("good" if found["value"] >= 0.7 else "change", "analysis_find_ranked",
            found=found["successes"], signed=found["n"], shown=SHOWN,
            median=hybrid["median_rank"] if hybrid["median_rank"] is not None else "—")
        text, graph = summary.get("text"), summary.get("graph")
        if text and graph:
            better = "text" if text["mrr"]["value"] > graph["mrr"]["value"] else "graph"
            add("note", f"analysis_find_better_{better}",
                text=round(text["mrr"]["value"], 2), graph=round(graph["mrr"]["value"], 2))
    scores = report.score_by_outcome
    if scores["median_signed"] is not None and scores["median_unsigned"] is not None:
        gap = scores["median_signed"] - scores["median_unsigned"]
        add("good" if gap > 0 else "change", "analysis_find_score_gap",
            signed=round(scores["median_signed"], 2),
            unsigned=round(scores["median_unsigned"], 2))
    checked = {row["stage"]: row["recorded"] for row in report.by_check_in}
    if steps["met"] and not any(checked.values()) and report.events and all(
            e["pairs_from"] == "meetings" for e in report.events):
        add("change", "analysis_find_no_check_ins", n=steps["met"])
    if report.follow_ups:
        oldest = report.follow_ups[0]
        add("change", "analysis_find_overdue", n=len(report.follow_ups),
            days=oldest["days_overdue"], owner=oldest["owner"], action=oldest["action"])
    learning = report.learning
    add("note", "analysis_find_learning_ready" if learning["ready"] else
        "analysis_find_learning_wait", outcomes=learning["outcomes"], signed=learning["signed"],
        min_outcomes=learning["min_outcomes"], min_signed=learning["min_signed"])
    against = learning.get("against_hybrid")
    if against:
        add("good" if learning["in_use"] else "note",
            "analysis_find_learned_better" if learning["in_use"] else
            "analysis_find_learned_not_better", model=learning["choice"]["chosen"],
            learned=round(against["value"], 2),
            hybrid=round(against["value"] - against["difference"], 2),
            low=round(against["difference_low"], 2), high=round(against["difference_high"], 2))
    return out


def _report(store: GraphStore, scope: str, title: str, event_nodes: list, today: str,
            rank_events: int | None, learn: bool = False, viewer: Viewer | None = None
            ) -> AnalysisReport:
    viewer = viewer or Viewer.operator()
    ids = {e.id for e in event_nodes}
    meetings = _read_meetings(store, ids)
    outcomes = _read_outcomes(store)
    by_event, source = gather_pairs(store, ids, meetings, outcomes)
    pairs = [p for e in sorted(by_event) for p in by_event[e]]
    names = store.get_nodes({x for p in pairs for x in (p.firm, p.helper) if x})
    events = sorted(({"id": e.id, "name": e.shown_name, "illustrative": e.illustrative,
                      "start_date": e.props.get("start_date"),
                      "pairs": len(by_event.get(e.id, [])),
                      "pairs_from": source.get(e.id),
                      "data": data_kind(by_event.get(e.id, [])),
                      "published": {k: e.props.get(k) for k in ("firms", "cooperation_reached")
                                    if e.props.get(k) is not None}}
                     for e in event_nodes), key=lambda r: (r["start_date"] or "", r["id"]))
    with_pairs = [e for e in events if e["pairs"]]
    chosen = (with_pairs if rank_events is None else
              with_pairs[-rank_events:] if rank_events else [])
    with threadpool_limits(1):  # small matrices: more BLAS threads only spin (10× CPU)
        ranks = _ranks(store, chosen, meetings, outcomes) if chosen else {
            "events_ranked": [], "events_without_date": [], "pairs": [], "summary": {},
            "shown": SHOWN}
    ranks["events_with_pairs"] = len(with_pairs)
    # names as read: an invented firm's carries its mark (`Node.shown_name`)
    firms = [{**row, "firm_name": names[row["firm"]].shown_name if row["firm"] in names
              else None, "illustrative": row["firm"] in names and names[row["firm"]].illustrative}
             for row in per_firm(pairs)]
    follow = overdue_in(meetings, today)
    report = AnalysisReport(
        scope, title, today, events, data_kind(pairs), not pairs,
        [s.to_dict() for s in funnel(pairs)], by_check_in(pairs),
        firm_sign_rate(pairs).to_dict() if pairs else None, firms, contract_value(pairs),
        ranks, _fairness(pairs, ranks["pairs"]), _coverage(store, pairs),
        _score_by_outcome(ranks["pairs"]),
        _learning(store, pairs, learn), follow)
    published = events[0]["published"] if len(events) == 1 else {}
    report.findings = _findings(report, published)
    if not viewer.is_staff:
        _without_confidential(store, report)
    return report


def _without_confidential(store: GraphStore, report: AnalysisReport) -> None:
    """For a reader who is not staff (an analyst): no id, title or words of a need that
    is not public (confidential or internal). Its pairs still count (funnel, rates,
    ranks): a count says nothing of what the need is."""
    rows = report.partner_ranks["pairs"]
    needs = store.get_nodes({n for r in rows for n in (*r.get("needs", []), r.get("need"))
                             if n})
    secret = {i for i, n in needs.items() if n.confidentiality != Confidentiality.PUBLIC}
    for r in rows:
        r["needs"] = [n for n in r.get("needs", []) if n not in secret]
        r["need_names"] = {n: v for n, v in r.get("need_names", {}).items()
                           if n not in secret}
        if r.get("need") in secret:
            r["need"] = None


OPERATOR = Viewer.operator()


def _visible(viewer: Viewer, event) -> bool:
    """Organisers with a region scope see the events held there."""
    return in_scope(viewer, {r for r in (event.props.get("region"), event.props.get("place"))
                             if r})


def event_report(store: GraphStore, event_id: str, *, today: str | None = None,
                 viewer: Viewer = OPERATOR, learn: bool = False) -> AnalysisReport:
    """One event's report (`duijie report EVENT_ID`); `today` dates the overdue list;
    `learn` learns from every recorded outcome (slow: a pre-event graph per event)."""
    try:
        event = store.get_node(event_id)
    except NotFound:
        event = None
    if event is None or event.kind != "Event" or not _visible(viewer, event):
        raise NotFound("is not an event (see `duijie event list`)", value=event_id,
                       where="report")
    return _report(store, event_id, event.name, [event], today or date.today().isoformat(),
                   rank_events=1, learn=learn, viewer=viewer)


def all_events_report(store: GraphStore, *, today: str | None = None,
                      rank_events: int | None = RANK_EVENTS, viewer: Viewer = OPERATOR,
                      learn: bool = False) -> AnalysisReport:
    """Every event's outcomes together (`duijie report --all`); partners are ranked for
    every event with pairs, or for the latest `rank_events` (0: none)."""
    events = [e for e in iter_nodes(store, "Event") if _visible(viewer, e)]
    return _report(store, "all", "all", events, today or date.today().isoformat(),
                   rank_events=rank_events, learn=learn, viewer=viewer)
