"""`duijie demo`: seed an empty store, summarise the graph, plan the Xi'an trip.

The summary is plain data: counts by kind, the docking events with their
published figures, who took part in the Xi'an precise docking trip of 23–24 May
2019 and what was signed there; then the trip is replayed (`api.services.replay`,
on a copy of the store: the demo writes nothing but the seed).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from duijie.api.services import Result
from duijie.api.services.directory import shown_affiliations
from duijie.api.services.replay import EventReplay, plan_event
from duijie.api.services.seeding import XIAN_EVENT, load_seed
from duijie.graph.errors import NotFound
from duijie.graph.store import GraphStore, iter_edges, iter_nodes


def demo_summary(store: GraphStore) -> dict[str, Any]:
    """What `duijie demo` shows, as plain data: counts, events, the Xi'an trip.

    >>> from duijie.graph import open_store
    >>> summary = demo_summary(open_store(":memory:"))
    >>> summary["events"], summary["xian"]["event"]
    ([], None)
    """
    events = []
    for event in iter_nodes(store, "Event"):
        p = event.props
        events.append({"id": event.id, "name": event.shown_name,
                       "illustrative": event.illustrative, "region": p.get("region"),
                       "start_date": p.get("start_date"), "end_date": p.get("end_date"),
                       "figures": list(p.get("figures", []))})
    events.sort(key=lambda e: (e["start_date"] or "9999", e["name"]))
    xian: dict[str, Any] = {"firms": [], "institutes": [], "experts": [], "signed": []}
    try:
        xian["event"] = store.get_node(XIAN_EVENT).props
    except NotFound:  # a store without the seed simply has no trip
        xian["event"] = None
    if xian["event"] is not None:
        taking_part = store.neighbours(XIAN_EVENT, "participated_in", "in")
        affiliations = shown_affiliations(store, [o for _, o in taking_part
                                                  if o.kind == "Expert"])
        for edge, other in taking_part:
            # Flagged when the participation or the participant is not in the seeds; the
            # name is marked when the participant is (`Node.shown_name`).
            entry = {"id": other.id, "name": other.shown_name,
                     "illustrative": bool(other.props.get("illustrative")
                                          or edge.props.get("illustrative")),
                     "role": edge.props.get("role")}
            if other.kind == "Enterprise":
                xian["firms"].append(entry)
            elif other.kind == "Institute":
                xian["institutes"].append(entry)
            else:
                entry["affiliation"] = affiliations.get(other.id)
                entry["title"] = other.props.get("title")
                xian["experts"].append(entry)
        signed = [e for e in iter_edges(store, "signed")
                  if e.props.get("source_event") == XIAN_EVENT]
        names = store.get_nodes({e.src for e in signed} | {e.dst for e in signed})
        for e in signed:
            xian["signed"].append({"need": names[e.src].shown_name,
                                   "helper": names[e.dst].shown_name,
                                   "need_id": e.src, "helper_id": e.dst,
                                   "date": e.props.get("date"),
                                   "illustrative": bool(e.props.get("illustrative"))})
        for group in ("firms", "institutes", "experts"):
            xian[group].sort(key=lambda x: (x["illustrative"], x["id"]))
    return {"counts": store.counts(), "events": events, "xian": xian}


@dataclass
class Demo(Result):
    """`duijie demo`: the graph's summary and the replayed Xi'an trip (None when the
    store has no such event)."""

    store: str
    seeded_now: bool
    summary: dict[str, Any]
    replay: EventReplay | None

    def to_dict(self) -> dict[str, Any]:
        """The summary's keys, `seeded_now`, and `xian_plan` (pairs and the record)."""
        replay = None if self.replay is None else self.replay.to_dict()
        plan = None if replay is None else {"pairs": replay["pairs"],
                                            "recorded": replay["recorded"]}
        return {**self.summary, "store": self.store, "seeded_now": self.seeded_now,
                "xian_plan": plan}


def run_demo(store: GraphStore, *, use_recommender: bool = True) -> Demo:
    """Seed the store if it is empty, summarise it and replay the Xi'an trip."""
    seeded = False
    if not store.counts()["nodes"]:
        load_seed(store)
        seeded = True
    summary = demo_summary(store)
    replay = (plan_event(store, XIAN_EVENT, use_recommender=use_recommender)
              if summary["xian"]["event"] is not None else None)
    return Demo(store.url, seeded, summary, replay)


DEMO_FIRM = "ent:ill-firm-001"  # an invented firm of the Xi'an trip, with needs of its own


@dataclass
class DemoAccount(Result):
    """A sign-in made for the demo service: shown once, never stored in clear."""

    username: str
    role: str
    password: str
    party_id: str | None
    display_name: str


def demo_accounts(accounts, store: GraphStore) -> list[DemoAccount]:
    """Sign-ins for trying the service: an organiser and the account of one invented firm
    of the Xi'an trip, each with a fresh random password. Made only while the office has
    no account at all (a real office's accounts are never touched); otherwise [].

    >>> from duijie.graph import open_store
    >>> from duijie.graph.accounts import AccountStore
    >>> store, accounts = open_store(":memory:"), AccountStore(":memory:")
    >>> made = demo_accounts(accounts, store)   # no seed: only the organiser
    >>> [(a.username, a.role) for a in made], len(made[0].password) >= 16
    ([('demo', 'organiser')], True)
    >>> demo_accounts(accounts, store)
    []
    """
    import secrets

    from duijie.api.services.accounts import add_user

    if accounts.list_users():
        return []
    wanted = [("demo", "organiser", None, "演示组织者")]
    if store.get_nodes({DEMO_FIRM}):
        wanted.append(("demo-firm", "enterprise", DEMO_FIRM, None))
    made = []
    for username, role, party, name in wanted:
        password = secrets.token_urlsafe(12)
        account = add_user(accounts, username, password, role, party_id=party,
                           display_name=name, store=store if party else None)
        made.append(DemoAccount(account.username, account.role.value, password,
                                account.party_id, account.display_name))
    return made
