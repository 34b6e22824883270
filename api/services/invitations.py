"""Whom to invite to an event, and adding participants (`duijie event invite`).

The choice is `matcher.invitations.plan_invitations` (greedy coverage of the
firms' needs, weighted by priority) over scores that ignore the event's own
record.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from duijie.api.services import Result
from duijie.api.services.events import (
    HELPER_KINDS,
    add_participants,
    display_names,
    edit_event,
    firm_needs,
    invented_ids,
    load_setup,
)
from duijie.api.services.scores import need_scores
from duijie.graph.errors import InvalidInput
from duijie.graph.store import GraphStore
from duijie.matcher.invitations import InvitationPlan, plan_invitations


def invitation_plan(store: GraphStore, event_id: str, k: int, *, region: str | None = None,
                    strong: float = 0.6, use_recommender: bool = True,
                    candidates: Sequence[str] | None = None, add: bool = True,
                    scores: Mapping[tuple[str, str], tuple[float, list[str]]] | None = None
                    ) -> InvitationPlan:
    """Choose up to `k` experts/institutes for the event's firms' needs and add them.

    Candidates are every Expert and Institute (in `region`, by property or
    `located_in`, when given: the institutes of a travel destination) unless
    listed; helpers already in the event count as invited. Needs weigh their
    priority. Returns the `InvitationPlan`.
    """
    setup = load_setup(store, event_id)
    needs = [n for f in setup.firms for n in firm_needs(store, setup, f)]
    if not needs:
        raise InvalidInput("has no firms with needs: invite firms first", value=event_id,
                           where="invitation planning")
    if candidates is None:
        pool = [n for kind in HELPER_KINDS for n in store.find_nodes(kind, limit=10**6)]
        if region:
            pool = [n for n in pool if region in (n.props.get("region") or "")
                    or any(region in r.name for _, r in store.neighbours(n.id, "located_in",
                                                                         "out"))]
        candidates = sorted({n.id for n in pool} | set(setup.helpers))
    if not candidates:
        raise InvalidInput(f"no experts or institutes{' in ' + region if region else ''} "
                           "to invite: widen --candidates-region", where="invitation planning")
    need_nodes = store.get_nodes(needs)
    weights = {n: float(need_nodes[n].props.get("priority", 3)) for n in needs}
    if scores is None:
        scores = need_scores(store, needs, candidates, use_recommender=use_recommender,
                             exclude_event=event_id)
    plan = plan_invitations(weights, {p: v[0] for p, v in scores.items()}, k, strong=strong,
                            invited=[h for h in setup.helpers if h in candidates])
    if add:
        new = [c for c in plan.invited if c not in setup.helpers]
        if new:
            add_participants(store, event_id, new)

        def remember(props: dict[str, Any]) -> dict[str, Any]:
            return {**props, "invited": list(dict.fromkeys([*props.get("invited", []), *new]))}

        edit_event(store, event_id, remember)
    return plan


@dataclass
class Invited(Result):
    """`duijie event invite`: the participants added (with names) and, with a budget,
    the invitation plan."""

    event_id: str
    added: list[dict[str, Any]]  # the participant entries as stored, plus "name"
    invitations: InvitationPlan | None
    names: dict[str, str]

    def to_dict(self) -> dict[str, Any]:
        return {"event_id": self.event_id, "added": [dict(a) for a in self.added],
                "invitations": (self.invitations.to_dict(self.names)
                                if self.invitations is not None else None)}


def event_invite(store: GraphStore, event_id: str, participants: Sequence[str] = (), *,
                 max_meetings: int | None = None, language: str | None = None,
                 availability: Sequence[tuple[str, str]] | None = None,
                 budget: int | None = None, region: str | None = None, strong: float = 0.6,
                 use_recommender: bool = True) -> Invited:
    """Add firms, experts or institutes to an event and, with a `budget`, choose that
    many experts/institutes to invite for the firms' needs (and add them)."""
    added = (add_participants(store, event_id, list(participants), max_meetings=max_meetings,
                              language=language, availability=availability)
             if participants else [])
    plan = (invitation_plan(store, event_id, budget, region=region, strong=strong,
                            use_recommender=use_recommender) if budget is not None else None)
    ids = [a["id"] for a in added]
    if plan is not None:
        ids += [*plan.invited, *plan.covered, *plan.uncovered]
    names, invented = display_names(store, ids), invented_ids(store, ids)
    return Invited(event_id, [{**a, "name": names[a["id"]], "illustrative": a["id"] in invented}
                              for a in added], plan, names)
