"""Where the partner ranked: the honest measure of the matcher after an event.

For each pair an event produced (a meeting that was held, an intent, a signing), the
rank and score the partner had in the recommendation that could have been made
*before* the event, on the graph as it stood then: `partner_ranks` ranks on the
knowledge graph without any event record (events, meetings, outcomes) and without the
`met`, `signed` and `collaborated_with` edges written at or after the event's start
(`api.services.pre_event_graphs`, which walks many events in date order). What earlier
events said about who worked with whom counts through those edges. `pre_event_cut`
says what an event may not see (the event, its meetings and outcomes; later events and
theirs; outcomes recorded since; learned edges dated at or after the start, or in a
later year); `pre_event_recommender` builds a recommender on a copy of the whole graph
without it (the learner's features). A `recommend` on today's full graph has seen the
outcome it is judged by and must not be used for this.

>>> from duijie.graph import open_store
>>> from duijie.api.services.seeding import XIAN_EVENT, load_seed
>>> store = open_store(":memory:"); _ = load_seed(store)
>>> ranks = partner_ranks(store, XIAN_EVENT)
>>> ranks.cutoff, len(ranks.pairs), ranks.summary["signed"]
('2019-05-23', 8, 5)
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from duijie.api.services import Result
from duijie.api.services.events import event_meetings
from duijie.api.services.outcomes import LEARNED_EDGES, SIGNED
from duijie.api.services.pre_event_graphs import PreEventGraphs
from duijie.evaluation.intervals import bootstrap_mean, wilson
from duijie.graph.errors import InvalidInput, NotFound
from duijie.graph.model import Edge, Node
from duijie.graph.store import GraphStore, iter_edges, iter_nodes
from duijie.matcher.recommend import MAX_K, RecommendConfig
from duijie.matcher.recommender import Recommender
from duijie.matcher.snapshot import CANDIDATE_KINDS, GraphSnapshot

STAGE_ORDER = ("met", "intent", "signed")
KIND_OF = {"Expert": "expert", "Institute": "institute", "Programme": "programme"}
SHOWN = 10
"""An organiser reads the first ten recommendations: a partner there was "found"."""


def is_illustrative(record: Node | Edge) -> bool:
    """Invented for demos (``illustrative: true``, or provenance ``illustrative`` or
    ``generated``), not a recorded fact."""
    if record.props.get("illustrative"):  # the flag the seed and shown_name read
        return True
    return any(p.source in ("illustrative", "generated") for p in record.provenance)


def event_cutoff(store: GraphStore, event_id: str) -> str:
    """The event's start date (YYYY-MM-DD); `InvalidInput` when it has none."""
    event = store.get_node(event_id)
    if event.kind != "Event":
        raise NotFound(f"is a {event.kind}, not an event", value=event_id, where="event")
    start = event.props.get("start_date")
    try:
        return date.fromisoformat(str(start)[:10]).isoformat()
    except ValueError:
        raise InvalidInput("has no start date: what was known before it cannot be told "
                           "(set start_date)", value=event_id, where="event") from None


def _on_or_after(props: dict[str, Any], cutoff: str) -> bool:
    day = props.get("date") or props.get("since") or props.get("recorded_at")
    if day:
        return str(day)[:10] >= cutoff
    year = props.get("year")
    return year is not None and int(year) >= int(cutoff[:4])


@dataclass(frozen=True)
class PreEventCut:
    """What the pre-event copy leaves out: nodes, ``(src, kind, dst)`` edges, and how
    many learned edges without any date were kept (background facts from documents)."""

    event_id: str
    cutoff: str
    nodes: frozenset[str]
    edges: frozenset[tuple[str, str, str]]
    undated_kept: int


@dataclass(frozen=True)
class DatedRecords:
    """What `pre_event_cut` needs to know of a store, read once for many events: event
    dates, each meeting's event, each outcome's meeting and date, and the learned edges
    (``met``, ``signed``, ``collaborated_with``) with their properties."""

    event_dates: dict[str, str]
    meeting_event: dict[str, str]
    outcomes: dict[str, tuple[str | None, str]]
    learned: list[tuple[tuple[str, str, str], dict[str, Any]]]

    @classmethod
    def read(cls, store: GraphStore) -> DatedRecords:
        return cls({e.id: str(e.props.get("start_date") or "")[:10]
                    for e in iter_nodes(store, "Event")},
                   {m.id: m.props.get("event_id") for m in iter_nodes(store, "Meeting")},
                   {o.id: (o.props.get("meeting_id"), str(o.props.get("recorded_at", ""))[:10])
                    for o in iter_nodes(store, "Outcome")},
                   [((e.src, e.kind, e.dst), e.props) for kind in LEARNED_EDGES
                    for e in iter_edges(store, kind)])


def pre_event_cut(store: GraphStore, event_id: str, records: DatedRecords | None = None
                  ) -> PreEventCut:
    """Everything written at or after the event's start: the event and every event that
    starts on or after it, their meetings, outcomes of those meetings or recorded since,
    and learned edges recorded for them or dated since (see the module docstring).
    `records` (`DatedRecords.read`) saves reading the store again for each event."""
    cutoff = event_cutoff(store, event_id)
    records = records or DatedRecords.read(store)
    events = {e for e, day in records.event_dates.items() if day and day >= cutoff}
    events.add(event_id)
    meetings = {m for m, e in records.meeting_event.items() if e in events}
    outcomes = {o for o, (m, day) in records.outcomes.items()
                if m in meetings or (day and day >= cutoff)}
    edges, undated = set(), 0
    for key, props in records.learned:
        if (props.get("source_event") in events or props.get("meeting_id") in meetings
                or _on_or_after(props, cutoff)):
            edges.add(key)
        elif not any(props.get(k) for k in ("date", "since", "year")):
            undated += 1
    return PreEventCut(event_id, cutoff, frozenset(events | meetings | outcomes),
                       frozenset(edges), undated)


def candidate_props(store: GraphStore) -> dict[str, dict[str, Any]]:
    """The properties of every candidate (read once for many pre-event recommenders)."""
    return {n.id: n.props for kind in CANDIDATE_KINDS for n in iter_nodes(store, kind)}


def pre_event_recommender(store: GraphStore, cut: PreEventCut,
                          config: RecommendConfig | None = None,
                          props: dict[str, dict[str, Any]] | None = None) -> Recommender:
    """A recommender over a copy of the graph without what `cut` leaves out (its text
    models are fitted on that copy too), dated the day before the event. `props`
    (`candidate_props`) saves reading the candidates again."""
    graph = store.projection().copy()
    graph.remove_nodes_from([n for n in cut.nodes if n in graph])
    for u, v, key, kind in list(graph.edges(keys=True, data="kind")):
        if (u, kind, v) in cut.edges:
            graph.remove_edge(u, v, key)
    props = {i: p for i, p in (props or candidate_props(store)).items() if i not in cut.nodes}
    return Recommender(GraphSnapshot.from_projection(graph, props), config,
                       today=date.fromisoformat(cut.cutoff))


def recorded_edges(store: GraphStore) -> dict[str, list[Edge]]:
    """Every `met` and `signed` edge by the event it records (read once for many events)."""
    out: dict[str, list[Edge]] = {}
    for kind in ("met", "signed"):
        for e in iter_edges(store, kind):
            out.setdefault(e.props.get("source_event"), []).append(e)
    return out


def pairs_from(meetings: Iterable[Node], outcomes: dict[str, list[Node]],
               needs: dict[str, list[str]], edges: Iterable[Edge],
               firm_of: dict[str, str]) -> list[dict[str, Any]]:
    """The pairs an event produced, furthest stage first, from what was read of it: its
    meetings with their outcomes (held → met, intent, a signed ledger step) and the needs
    each involves, and the `met`/`signed` edges recorded for it (need → partner, the
    firm that submitted the need: `firm_of`) where no meeting says more."""
    pairs: dict[tuple[str, str], dict[str, Any]] = {}

    def note(firm: str, helper: str, stage: str, needs: Iterable[str], meeting: str | None,
             illustrative: bool) -> None:
        row = pairs.setdefault((firm, helper), {"firm": firm, "helper": helper, "stage": stage,
                                                "needs": [], "meeting_id": meeting,
                                                "illustrative": False})
        if STAGE_ORDER.index(stage) > STAGE_ORDER.index(row["stage"]):
            row["stage"] = stage
        row["needs"] = sorted({*row["needs"], *needs})
        row["meeting_id"] = row["meeting_id"] or meeting
        row["illustrative"] = row["illustrative"] or illustrative

    for m in meetings:
        firm, helper = m.props.get("firm_id"), m.props.get("helper_id")
        mine = outcomes.get(m.id, [])
        stage = ("signed" if any(o.props.get("ledger") in SIGNED for o in mine) else
                 "intent" if any(o.props.get("intent") for o in mine) else
                 "met" if any(o.props.get("held") for o in mine) else None)
        if firm and helper and stage:
            note(firm, helper, stage, needs.get(m.id, []), m.id,
                 any(is_illustrative(r) for r in [m, *mine]))
    for e in edges:
        if e.src in firm_of:
            note(firm_of[e.src], e.dst, e.kind, [e.src], e.props.get("meeting_id"),
                 is_illustrative(e))
    return sorted(pairs.values(), key=lambda r: (-STAGE_ORDER.index(r["stage"]), r["firm"],
                                                 r["helper"]))


def recorded_pairs(store: GraphStore, event_id: str,
                   edges: dict[str, list[Edge]] | None = None) -> list[dict[str, Any]]:
    """The pairs one event produced (`pairs_from`), read from the store. `edges`:
    `recorded_edges`, if read."""
    meetings = event_meetings(store, event_id)
    outcomes = {m.id: [o for _, o in store.neighbours(m.id, "has_outcome", "out")]
                for m in meetings}
    needs = {m.id: [e.dst for e in store.find_edges("involves", src=m.id, limit=10**6)
                    if e.props.get("role") == "need"] for m in meetings}
    mine = (edges.get(event_id, []) if edges is not None else
            [e for kind in ("met", "signed") for e in iter_edges(store, kind)
             if e.props.get("source_event") == event_id])
    firm_of = {}
    for e in mine:
        firms = [n.id for _, n in store.neighbours(e.src, "submitted", "in")]
        if firms:
            firm_of[e.src] = firms[0]
    return pairs_from(meetings, outcomes, needs, mine, firm_of)


def _position(items: list, helper: str, key) -> int | None:
    ordered = sorted(items, key=lambda i: (-key(i), i.id))
    return next((n for n, item in enumerate(ordered, start=1) if item.id == helper), None)


def rank_pair(rec: Recommender, pair: dict[str, Any], kind: str, needs: list[str],
              cache: dict) -> dict[str, Any]:
    """The partner's best rank over the firm's needs, by the hybrid score and by its
    text and graph components alone (None when it was not among the candidates)."""
    best: dict[str, Any] = {"rank": None, "score": None, "components": {}, "need": None,
                            "rank_text": None, "rank_graph": None, "candidates": 0}
    for need in needs:
        if (need, kind) not in cache:
            # Every candidate ranked: the plain weighted sum (`shown_rules=False`), as the
            # vectorised walk (`pre_event_graphs`) computes it; explaining each costs too much.
            cache[(need, kind)] = rec.recommend(need, kind=kind, k=MAX_K, available_only=False,
                                                firm_id=pair["firm"], explain=False,
                                                shown_rules=False).items
        items = cache[(need, kind)]
        rank = _position(items, pair["helper"], lambda i: i.score)
        if rank is not None and (best["rank"] is None or rank < best["rank"]):
            item = next(i for i in items if i.id == pair["helper"])
            best = {"rank": rank, "score": round(item.score, 6),
                    "components": {k: round(v, 6) for k, v in item.components.items()},
                    "need": need, "candidates": len(items),
                    "rank_text": _position(items, pair["helper"],
                                           lambda i: i.components.get("text", 0.0)),
                    "rank_graph": _position(items, pair["helper"],
                                            lambda i: i.components.get("graph", 0.0))}
        best["candidates"] = max(best["candidates"], len(items))
    return best


@dataclass
class PartnerRanks(Result):
    """`duijie report`'s "where the partner ranked" for one event: each recorded pair with
    names, its stage, the partner's pre-event rank and score (hybrid, text alone, graph
    alone), what the copy left out, and a summary (found in the first ten, MRR)."""

    event_id: str
    event_name: str
    cutoff: str
    pairs: list[dict[str, Any]]
    left_out: dict[str, int]
    summary: dict[str, Any]


def summarise_ranks(pairs: list[dict[str, Any]], stage: str = "signed") -> dict[str, Any]:
    """Found in the first `SHOWN` (Wilson) and mean reciprocal rank (bootstrap) of the
    partners that reached `stage`, for the hybrid, text and graph ranks."""
    chosen = [p for p in pairs if STAGE_ORDER.index(p["stage"]) >= STAGE_ORDER.index(stage)]
    out: dict[str, Any] = {stage: len(chosen), "shown": SHOWN}
    for key in ("rank", "rank_text", "rank_graph"):
        ranks = [p[key] for p in chosen]
        name = key.replace("rank", "hybrid") if key == "rank" else key.removeprefix("rank_")
        if not ranks:
            out[name] = None
            continue
        found = sum(1 for r in ranks if r is not None and r <= SHOWN)
        out[name] = {"found": wilson(found, len(ranks)).to_dict(),
                     "mrr": bootstrap_mean([1 / r if r else 0.0 for r in ranks]).to_dict(),
                     "median_rank": _median([r for r in ranks if r is not None])}
    return out


def _median(values: list[int]) -> float | None:
    if not values:
        return None
    values = sorted(values)
    mid = len(values) // 2
    return float(values[mid]) if len(values) % 2 else (values[mid - 1] + values[mid]) / 2


def partner_ranks(store: GraphStore, event_id: str, *,
                  graphs: PreEventGraphs | None = None,
                  pairs: list[dict[str, Any]] | None = None,
                  names: dict[str, Node] | None = None, summary: bool = True
                  ) -> PartnerRanks:
    """Where each partner the event produced ranked before the event, on the knowledge
    graph as it stood then (`api.services.pre_event_graphs`). An event without recorded
    pairs gives an empty list, said so in the summary (``signed: 0``), never a made-up
    rank. For many events, pass the same `graphs` in date order, the `pairs`
    (`pairs_from`) and the `names` already read (and `summary=False` to leave each
    event's summary out)."""
    cutoff = event_cutoff(store, event_id)
    pairs = recorded_pairs(store, event_id) if pairs is None else pairs
    wanted = {event_id, *(x for p in pairs for x in (p["firm"], p["helper"])),
              *(n for p in pairs for n in p["needs"])}
    if names is None or not wanted <= names.keys():
        names = store.get_nodes(wanted)
    rows = []
    if pairs:
        graphs = graphs or PreEventGraphs(store)
        ranker = graphs.ranks_before(cutoff)
        rec = graphs.recommender
        needs_of = {}
        for p in pairs:
            needs_of[(p["firm"], p["helper"])] = [
                n for n in p["needs"] if rec.kind_of.get(n) == "Need"] or (
                rec.snapshot.neighbours(p["firm"], "submitted", "out"))
        ranker.prepare((n, firm) for (firm, _), ns in needs_of.items() for n in ns)
        for p in pairs:
            helper = names.get(p["helper"])
            kind = KIND_OF.get(helper.kind) if helper else None
            ranked = ranker.rank_pair(p, kind, needs_of[(p["firm"], p["helper"])])
            # names as read: an invented firm, partner or need is marked (`Node.shown_name`)
            rows.append({**p, "firm_name": names[p["firm"]].shown_name if p["firm"] in names
                         else None,
                         "helper_name": helper.shown_name if helper else None,
                         "helper_kind": helper.kind if helper else None,
                         "need_names": {n: names[n].shown_name for n in p["needs"]
                                        if n in names},
                         **ranked})
    hidden = graphs.hidden_count(cutoff) if graphs is not None else 0
    return PartnerRanks(event_id, names[event_id].shown_name, cutoff, rows, {"edges": hidden},
                        summarise_ranks(rows) if summary else {})
