"""Learning from recorded outcomes: pair features before each event, the model the
protocol chooses, and whether it may re-rank.

`outcome_examples` turns every met pair of every dated event into a
`evaluation.learning.PairExample`: its features come from the graph as it stood before
the event (`api.services.partner_rank.pre_event_cut`), so a pair's own outcome, and
anything later, never feeds them. `learned_ranking` counts the outcomes first and only
when there are enough (`evaluation.learning.ready`) builds the examples, chooses between
logistic regression and gradient boosting on later events, draws its reliability curve,
and sets its ranking beside the hybrid one on those later events (paired bootstrap);
`in_use` is true only when the learned ranking is better there.

>>> from duijie.graph import open_store
>>> from duijie.api.services.seeding import XIAN_EVENT, load_seed
>>> store = open_store(":memory:"); _ = load_seed(store)
>>> state = learned_ranking(store)
>>> state.ready, state.outcomes, state.in_use
(False, 8, False)
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from duijie.api.services import Result
from duijie.api.services.partner_rank import (
    KIND_OF,
    DatedRecords,
    candidate_props,
    event_cutoff,
    pre_event_cut,
    pre_event_recommender,
)
from duijie.api.services.recommendations import shared_recommender
from duijie.api.services.report import gather_pairs
from duijie.evaluation.learning import (
    MIN_OUTCOMES,
    MIN_SIGNED,
    ModelChoice,
    PairExample,
    choose_model,
    ready,
    reliability,
    scorer_runs,
)
from duijie.evaluation.protocol import compare
from duijie.graph.errors import InvalidInput
from duijie.graph.store import GraphStore


def _regions(rec, node: str) -> set[str]:
    region = rec.props.get(node, {}).get("region")
    return ({region} if region else set()) | {rec.name(r) for r in rec.snapshot.neighbours(
        node, "located_in", "out")}


def pair_features(rec, firm: str, helper: str, needs: list[str]) -> dict[str, float]:
    """A pair's features on a pre-event recommender `rec` (see `evaluation.learning`)."""
    kind = KIND_OF.get(rec.kind_of.get(helper, ""), "expert")
    if not needs:
        needs = list(rec.snapshot.neighbours(firm, "submitted", "out"))
    best: dict[str, float] = {}
    for need in needs:
        if rec.kind_of.get(need) != "Need":
            continue
        items = rec.recommend(need, kind=kind, k=1, available_only=False, firm_id=firm,
                              within=[helper], explain=False).items
        if items and items[0].score > best.get("score", -1.0):
            best = {"score": items[0].score, **items[0].components}
    nbrs = rec.snapshot.neighbours
    programmes = [*nbrs(firm, "awarded", "out"), *nbrs(firm, "eligible_for", "out")]
    # A recommender made by `excluding` shares its snapshot: skip what the cut left out.
    cut_nodes, cut_edges = rec.exclude_nodes, rec.exclude_edges
    collaborations = [c for c in nbrs(firm, "collaborated_with", "out")
                      if c not in cut_nodes and (firm, "collaborated_with", c) not in cut_edges]
    signed_in = sum(1 for kind_, src, _ in rec.snapshot.in_links.get(helper, ())
                    if kind_ in ("signed", "collaborated_with") and src not in cut_nodes
                    and (src, kind_, helper) not in cut_edges)
    return {"text": best.get("text", 0.0), "graph": best.get("graph", 0.0),
            "region_match": float(bool(_regions(rec, firm) & _regions(rec, helper))),
            "programme_fit": float(bool(programmes)),
            "past_collaborations": math.log1p(len(collaborations)),
            "partner_history": math.log1p(signed_in)}


def outcome_examples(store: GraphStore, event_ids: list[str] | None = None, *,
                     refit_text: bool = False, progress=None, cancelled=None
                     ) -> list[PairExample]:
    """Every met pair of every dated event (or of `event_ids`), in date order, with its
    pre-event features and whether it signed. Undated events are left out.

    The graph side of each event's recommender leaves out what `pre_event_cut` says. The
    text models are fitted once, on today's candidates, unless `refit_text`: a
    candidate's text profile is its own documents, fields and topics, never a meeting
    or an outcome, so no outcome reaches them either way; refitting per event also
    leaves out candidates added since, at some seconds per event. `progress(stage, done,
    total)` hears each event; once `cancelled()` says so, it stops with what it has."""
    by_event, _ = gather_pairs(store, set(event_ids) if event_ids else None)
    dated = []
    for event in by_event:
        try:
            dated.append((event_cutoff(store, event), event))
        except InvalidInput:
            continue
    examples = []
    records, props = DatedRecords.read(store), candidate_props(store)
    base = None if refit_text else shared_recommender(store).current()
    for done, (day, event) in enumerate(sorted(dated)):
        if cancelled is not None and cancelled():
            break
        if progress is not None:
            progress("features", done, len(dated))
        met = [p for p in by_event[event] if p.reached("met") and p.helper]
        if not met:
            continue
        cut = pre_event_cut(store, event, records)
        rec = (pre_event_recommender(store, cut, props=props) if base is None
               else base.excluding(cut.nodes, cut.edges))
        for p in met:
            needs = [e.dst for e in store.find_edges("involves", src=p.meeting_id,
                                                     limit=10**4)
                     if e.props.get("role") == "need"] if p.meeting_id else []
            examples.append(PairExample(event, day, p.firm, p.helper,
                                        pair_features(rec, p.firm, p.helper, needs),
                                        p.reached("signed"), p.illustrative))
    return examples


@dataclass
class LearnedRanking(Result):
    """Whether a learned ranking may be used: outcomes and signings counted, the
    threshold, the chosen model and its scores on later events, its reliability curve,
    and its ranking beside the hybrid one (None until there are enough outcomes)."""

    outcomes: int
    signed: int
    min_outcomes: int
    min_signed: int
    ready: bool
    reason: str
    data: str
    in_use: bool = False
    choice: dict[str, Any] | None = None
    reliability: list[dict[str, Any]] | None = None
    against_hybrid: dict[str, Any] | None = None
    notes: list[str] = field(default_factory=list)


def learned_ranking(store: GraphStore, *, allow_illustrative: bool = False) -> LearnedRanking:
    """Count the met pairs; with enough, learn, check and compare (module docstring)."""
    return _learn(store, allow_illustrative)[0]


_LEARNED: dict[tuple[int, Any, bool], tuple[LearnedRanking, ModelChoice | None]] = {}


def _learn(store: GraphStore, allow_illustrative: bool
           ) -> tuple[LearnedRanking, ModelChoice | None]:
    key = (id(store), store.version(), allow_illustrative)
    if key not in _LEARNED:
        _LEARNED.clear()  # one store's latest model is enough to keep
        _LEARNED[key] = _learn_now(store, allow_illustrative)
    return _LEARNED[key]


def _learn_now(store: GraphStore, allow_illustrative: bool
               ) -> tuple[LearnedRanking, ModelChoice | None]:
    by_event, _ = gather_pairs(store)
    met = [p for ps in by_event.values() for p in ps if p.reached("met")]
    signed = sum(1 for p in met if p.reached("signed"))
    kinds = {p.illustrative for p in met}
    data = ("none" if not kinds else "mixed" if len(kinds) > 1 else
            "illustrative" if True in kinds else "recorded")
    proxy = [PairExample("", None, "", "", {}, p.reached("signed")) for p in met]
    ok, reason = ready(proxy)
    state = LearnedRanking(len(met), signed, MIN_OUTCOMES, MIN_SIGNED, ok, reason, data)
    if not ok:
        return state, None
    examples = outcome_examples(store)
    choice = choose_model(examples, allow_illustrative=allow_illustrative)
    test = [e for e in examples if e.event_id in set(choice.split.test)]
    runs, labels = scorer_runs(test, choice)
    table = {row["scorer"]: row for row in
             compare(runs, labels, k=3, reference="hybrid").table("ndcg")}
    state.choice = choice.to_dict()
    state.reliability = reliability(choice.test_labels, choice.test_probabilities)
    state.against_hybrid = table["learned"]
    state.in_use = bool(table["learned"]["real"] and table["learned"]["difference"] > 0)
    return state, choice


@dataclass
class LearnedRecommendations(Result):
    """`duijie evaluate rerank`: a need's candidates ranked by the learned model when it is
    in use (each with its chance of signing and its hybrid rank), else by the hybrid
    score, and why (`ranking`: ``learned`` or ``hybrid``)."""

    need: str
    need_name: str
    kind: str
    ranking: str
    reason: str
    data: str
    items: list[dict[str, Any]]


def learned_recommendations(store: GraphStore, need_id: str, *, kind: str = "expert",
                            k: int = 10, pool: int = 50, allow_illustrative: bool = False
                            ) -> LearnedRecommendations:
    """Re-rank the hybrid recommender's best `pool` candidates for a need by the learned
    chance of signing, once the learned ranking is in use (enough outcomes, and better
    than the hybrid on later events); otherwise the hybrid ranking, saying why. The model
    is learned once per store version (slow the first time)."""
    from duijie.api.services.recommendations import recommend_for_need

    state, choice = _learn(store, allow_illustrative)
    hybrid = recommend_for_need(store, need_id, kind=kind, k=max(k, pool),
                                available_only=True).to_dict()
    items = [{"id": i["id"], "name": i["name"], "illustrative": i["illustrative"],
              "score": i["score"], "hybrid_rank": n, "chance_of_signing": None}
             for n, i in enumerate(hybrid["items"], start=1)]
    need = store.get_node(need_id)
    if not (state.in_use and choice is not None):
        why = state.reason if not state.ready else "the learned ranking did not beat the " \
            "hybrid one on later events"
        return LearnedRecommendations(need_id, need.shown_name, kind, "hybrid", why, state.data,
                                      items[:k])
    rec = shared_recommender(store).current()
    firm = rec.facts.firm_of(need_id)
    examples = [PairExample("now", None, firm or "", i["id"],
                            pair_features(rec, firm or "", i["id"], [need_id]), False)
                for i in items]
    chances = choice.predict(examples) if examples else []
    for item, chance in zip(items, chances, strict=True):
        item["chance_of_signing"] = round(float(chance), 6)
    items.sort(key=lambda i: (-i["chance_of_signing"], i["hybrid_rank"]))
    return LearnedRecommendations(need_id, need.shown_name, kind, "learned", state.reason,
                                  state.data, items[:k])


# -- the learned ranking in `recommend` -------------------------------------------------

RERANK_POOL = 50
"""`recommend` re-ranks the hybrid's best this many candidates when the learned ranking is
in use (what the hybrid leaves further down is not re-examined)."""

_COUNTED: dict[tuple[int, Any], tuple[int, int]] = {}


def recorded_outcomes(store: GraphStore) -> tuple[int, int]:
    """Met pairs and signed pairs among *recorded* outcomes (invented ones not counted),
    once per store version."""
    key = (id(store), store.version())
    found = _COUNTED.get(key)
    if found is None:
        by_event, _ = gather_pairs(store)
        met = [p for ps in by_event.values() for p in ps
               if not p.illustrative and p.reached("met")]
        found = (len(met), sum(1 for p in met if p.reached("signed")))
        _COUNTED.clear()  # one store's latest count is enough to keep
        _COUNTED[key] = found
    return found


def _note(key: str, outcomes: int, signed: int, **values: Any) -> dict[str, Any]:
    return {"method": "learned" if key == "analysis_ranking_learned" else "hybrid",
            "key": key, "values": {"outcomes": outcomes, "signed": signed,
                                   "min_outcomes": MIN_OUTCOMES, "min_signed": MIN_SIGNED,
                                   **values}, "chance_of_signing": {}}


def ranking_model(store: GraphStore) -> tuple[dict[str, Any], ModelChoice | None]:
    """Which ranking `recommend` uses, as a note (``method``, message ``key`` and its
    ``values``), and the model when it is the learned one.

    Below `MIN_OUTCOMES` recorded outcomes with `MIN_SIGNED` signings the hybrid ranking
    is used and the note says how far there is to go. Above it, the last model a learning
    run kept (`learning_runs.last_run`) is used if it beat the hybrid ranking on later
    events; before any run, the hybrid ranking, saying so. Nothing is learned here.

    >>> from duijie.graph import open_store
    >>> from duijie.api.services.seeding import load_seed
    >>> store = open_store(":memory:"); _ = load_seed(store)
    >>> note, model = ranking_model(store)
    >>> note["method"], note["key"], note["values"]["outcomes"], model
    ('hybrid', 'analysis_ranking_wait', 0, None)
    """
    outcomes, signed = recorded_outcomes(store)
    if outcomes < MIN_OUTCOMES or signed < MIN_SIGNED:
        return _note("analysis_ranking_wait", outcomes, signed), None
    from duijie.api.services.learning_runs import last_run

    kept = last_run(store)  # never learned here: a run does (`learning_runs`)
    if kept is None or kept[0].note["key"] == "analysis_ranking_wait":
        return _note("analysis_ranking_not_learned", outcomes, signed), None
    run, choice = kept
    note = {**run.note, "values": {**run.note["values"], "learned_at": run.learned_at,
                                   "outcomes_now": outcomes, "signed_now": signed},
            "chance_of_signing": {}}
    return note, choice if note["method"] == "learned" else None


LEARN_FROM = 2000
"""`recommend`'s model learns from the latest events holding about this many recorded
outcomes: past the simulator's curve (the logistic model is near the truth from ~800) and
a bound on the time it takes (a pre-event graph side per event, a ranking per pair)."""


def latest_events(by_event: dict[str, list], dates: dict[str, str], enough: int) -> list[str]:
    """The latest dated events whose recorded met pairs reach `enough` (all if fewer).

    >>> from duijie.evaluation.funnel import PairRecord
    >>> pairs = {e: [PairRecord(e, "f", "h", held=True)] * 2 for e in ("a", "b", "c")}
    >>> latest_events(pairs, {"a": "2020-01-01", "b": "2021-01-01", "c": "2022-01-01"}, 3)
    ['b', 'c']
    """
    chosen, count = [], 0
    for event in sorted((e for e in by_event if dates.get(e)), key=lambda e: dates[e],
                        reverse=True):
        if count >= enough:
            break
        mine = sum(1 for p in by_event[event] if not p.illustrative and p.reached("met"))
        if mine:
            chosen.append(event)
            count += mine
    return sorted(chosen, key=lambda e: dates[e])


def learn_recorded(store: GraphStore, outcomes: int, signed: int, *, progress=None,
                   cancelled=None
                   ) -> tuple[dict[str, Any], ModelChoice | None, dict[str, Any]]:
    """Learn from the recorded outcomes of the latest events (`LEARN_FROM`): the note,
    the model when it beat the hybrid ranking on later events, and what the report shows
    of it (``choice``, ``reliability``, ``against_hybrid``; empty when nothing was learned).
    `progress` and `cancelled` as `outcome_examples`."""
    if outcomes < MIN_OUTCOMES or signed < MIN_SIGNED:
        return _note("analysis_ranking_wait", outcomes, signed), None, {}
    by_event, _ = gather_pairs(store)
    dates = {e: str(n.props.get("start_date") or "")[:10]
             for e, n in store.get_nodes(list(by_event)).items()}
    events = latest_events(by_event, dates, LEARN_FROM)
    examples = [e for e in outcome_examples(store, events, progress=progress,
                                            cancelled=cancelled) if not e.illustrative]
    if cancelled is not None and cancelled():
        return _note("analysis_ranking_cannot_learn", outcomes, signed), None, {}
    if progress is not None:
        progress("choosing")
    try:
        choice = choose_model(examples)
    except InvalidInput as error:  # e.g. the later events hold no signing
        return _note("analysis_ranking_cannot_learn", outcomes, signed), None, {
            "notes": [error.message]}
    if progress is not None:
        progress("comparing")
    test = [e for e in examples if e.event_id in set(choice.split.test)]
    runs, labels = scorer_runs(test, choice)
    row = {r["scorer"]: r for r in
           compare(runs, labels, k=3, reference="hybrid").table("ndcg")}["learned"]
    values = {"model": choice.name, "learned_from": len(examples),
              "learned": round(row["value"], 3),
              "hybrid": round(row["value"] - row["difference"], 3),
              "low": round(row["difference_low"], 3), "high": round(row["difference_high"], 3)}
    state = {"choice": choice.to_dict(), "against_hybrid": row,
             "reliability": reliability(choice.test_labels, choice.test_probabilities)}
    if not (row["real"] and row["difference"] > 0):
        return _note("analysis_ranking_not_better", outcomes, signed, **values), None, state
    return _note("analysis_ranking_learned", outcomes, signed, **values), choice, state


def rerank(store: GraphStore, need_id: str, items: list, k: int,
           choice: ModelChoice, firm: str | None = None) -> tuple[list, dict[str, float]]:
    """The hybrid's `items` (`RecommendedItem`s) ordered by the learned chance of signing
    (ties by hybrid order), the best `k`, and each one's chance by candidate id."""
    rec = shared_recommender(store).current()
    firm = firm or rec.facts.firm_of(need_id) or ""
    examples = [PairExample("now", None, firm, item.id,
                            pair_features(rec, firm, item.id, [need_id]), False)
                for item in items]
    chances = [float(c) for c in choice.predict(examples)] if examples else []
    order = sorted(range(len(items)), key=lambda i: (-chances[i], i))[:k]
    return [items[i] for i in order], {items[i].id: round(chances[i], 4) for i in order}
