"""Simulated outcomes written into a store: the report, the comparison and the learner
on a generated graph with a known truth (`duijie report` on data an office does not have
yet, and the benchmarks).

`write_simulated_outcomes` generates firms, needs, experts and institutes
(`api.services.generate`), then weekly events: at each, some firms meet the experts
whose fields best cover their needs (with noise), and each held meeting signs with the
probability a known model gives it: topic overlap of need and expert, same region, and
the firm's earlier signings. Meetings and outcomes go through the outcome path
(`api.services.outcomes.write_outcome`), so `signed` and `collaborated_with` edges are
dated at their event and later events see them, as real ones would. Everything carries
provenance ``generated`` and ``illustrative: true``: invented, and reported so.

>>> from duijie.graph import open_store
>>> store = open_store(":memory:")
>>> done = write_simulated_outcomes(store, events=3, enterprises=20, experts=30,
...                                 needs=30, seed=1)
>>> done.events, done.meetings, done.outcomes >= done.meetings
(3, 90, True)
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from datetime import date, timedelta

from duijie.api.services import Result
from duijie.api.services.generate import generate_synthetic
from duijie.api.services.outcomes import write_outcome
from duijie.graph.errors import InvalidInput
from duijie.graph.model import Edge, Node, Provenance
from duijie.graph.store import GraphStore, iter_edges, iter_nodes
from duijie.graph.vocab import LedgerStep, MeetingStatus, OutcomeStage

GENERATED = [Provenance(source="generated")]
SIM_TRUTH = {"intercept": -3.0, "overlap": 3.5, "region_match": 0.8, "history": 0.6}
"""Log-odds of signing = intercept + overlap × (share of the need's topics the expert
covers) + region_match × (same region) + history × log(1 + the firm's earlier signings)."""


@dataclass
class SimulatedOutcomes(Result):
    """What was written: events, meetings, outcomes, signed pairs, and the truth used."""

    events: int
    meetings: int
    outcomes: int
    signed: int
    first_event: str
    last_event: str
    truth: dict[str, float]


def write_simulated_outcomes(store: GraphStore, *, events: int = 40, enterprises: int = 300,
                             experts: int = 400, institutes: int = 20, needs: int = 400,
                             firms_per_event: int = 10, meetings_per_firm: int = 3,
                             seed: int = 0, start: str = "2021-01-04",
                             truth: dict[str, float] | None = None,
                             illustrative: bool = True) -> SimulatedOutcomes:
    """Generate the graph and `events` weekly events with outcomes into `store` (one batch
    per event); the same arguments give the same records. `truth` replaces `SIM_TRUTH`'s
    weights; `illustrative=False` leaves the invented mark off, only for a test store
    standing in for an office's own records (the threshold counts recorded outcomes)."""
    truth = {**SIM_TRUTH, **(truth or {})}
    made_by = GENERATED if illustrative else [Provenance(source="test-records")]
    if min(events, firms_per_event, meetings_per_firm) < 1:
        raise InvalidInput("events, firms per event and meetings per firm must be >= 1",
                           where="simulated outcomes")
    generate_synthetic(store=store, enterprises=enterprises, experts=experts,
                       institutes=institutes, needs=needs, seed=seed)
    rng = random.Random(seed)
    topics: dict[str, set[str]] = {}
    for kind in ("about_topic", "has_expertise"):
        for e in iter_edges(store, kind):
            topics.setdefault(e.src, set()).add(e.dst)
    region = {n.id: n.props.get("region") for kind in ("Enterprise", "Expert")
              for n in iter_nodes(store, kind)}
    needs_of: dict[str, list[str]] = {}
    for e in iter_edges(store, "submitted"):
        if e.src.startswith("ent:gen-") and topics.get(e.dst):
            needs_of.setdefault(e.src, []).append(e.dst)
    firms = sorted(needs_of)
    pool = sorted(n for n in region if n.startswith("exp:gen-") and topics.get(n))
    if len(firms) < firms_per_event or len(pool) < meetings_per_firm:
        raise InvalidInput("too few generated firms with needs or experts with fields",
                           where="simulated outcomes")
    signings: dict[str, int] = {}
    day0 = date.fromisoformat(start)
    counts = {"meetings": 0, "outcomes": 0, "signed": 0}
    for number in range(events):
        day = (day0 + timedelta(weeks=number)).isoformat()
        event_id = f"evt:sim-{number:04d}"
        signed_now = []
        with store.batch() as batch:
            batch.upsert_node(Node(event_id, "Event", {
                "name": f"模拟对接会 {number + 1}", "event_type": "fair", "start_date": day,
                "end_date": day, "status": "held", "illustrative": illustrative},
                provenance=made_by))
            for firm in rng.sample(firms, firms_per_event):
                need = rng.choice(needs_of[firm])
                wanted = topics[need]
                fit = {x: len(wanted & topics[x]) / len(wanted) + rng.gauss(0, 0.25)
                       for x in rng.sample(pool, min(len(pool), 60))}
                for helper in sorted(fit, key=lambda x: -fit[x])[:meetings_per_firm]:
                    overlap = len(wanted & topics[helper]) / len(wanted)
                    same = float(bool(region.get(firm)) and region.get(firm) == region.get(helper))
                    logit = (truth["intercept"] + truth["overlap"] * overlap
                             + truth["region_match"] * same
                             + truth["history"] * math.log1p(signings.get(firm, 0)))
                    signed = rng.random() < 1 / (1 + math.exp(-logit))
                    mid = f"mtg:sim-{number:04d}-{counts['meetings']:06d}"
                    meeting = Node(mid, "Meeting", {
                        "name": f"{firm} × {helper}", "event_id": event_id,
                        "status": MeetingStatus.HELD.value, "firm_id": firm,
                        "helper_id": helper, "illustrative": illustrative},
                        provenance=made_by)
                    batch.upsert_node(meeting)
                    batch.upsert_edge(Edge(event_id, "has_meeting", mid))
                    batch.upsert_edge(Edge(mid, "involves", firm, {"role": "firm"}))
                    batch.upsert_edge(Edge(mid, "involves", helper, {"role": "helper"}))
                    batch.upsert_edge(Edge(mid, "involves", need, {"role": "need"}))
                    write_outcome(store, batch, meeting, [need], OutcomeStage.POST_EVENT,
                                  held=True, intent=signed or rng.random() < 0.3,
                                  by="simulator", at=f"{day}T18:00:00Z")
                    ledger = LedgerStep.SIGNED if signed else LedgerStep.NO_CONTACT
                    write_outcome(store, batch, meeting, [need], OutcomeStage.M1, ledger=ledger,
                                  contract_value=round(rng.uniform(20, 300), 1) if signed
                                  else None, by="simulator", at=f"{day}T18:00:00Z")
                    counts["meetings"] += 1
                    counts["outcomes"] += 2
                    if signed:
                        counts["signed"] += 1
                        signed_now.append(firm)
        for firm in signed_now:
            signings[firm] = signings.get(firm, 0) + 1
    last = (day0 + timedelta(weeks=events - 1)).isoformat()
    return SimulatedOutcomes(events, counts["meetings"], counts["outcomes"], counts["signed"],
                             start, last, truth)
