"""Who may see what: the rules every use case applies before it answers a person.

A `Viewer` is who asks: an organiser (of the whole office or one region), an
enterprise (speaking for one Enterprise node) or an expert (one Expert node). The
command line runs as `Viewer.operator()`, who sees everything.

- Organisers see every record in their scope, confidential needs included.
- An enterprise sees its own needs, and of everything else only what concerns it:
  never another firm's need, name in a graph path, or score.
- An expert sees the needs shared with them (a meeting or an explicit share), never a
  confidential one, and no other firm's data in explanations.
- A confidential need never reaches anyone outside its firm and the organisers,
  by any path: lists, search, recommendations both ways, explanations, graph paths,
  agendas, exports, counts or error messages (an unseen need is "not found", never
  "forbidden", so its existence does not leak).

>>> firm = Viewer.enterprise("usr:1", "ent:a")
>>> need = NeedFacts("need:1", owner="ent:a", confidentiality="confidential")
>>> can_read_need(firm, need), can_read_need(Viewer.enterprise("usr:2", "ent:b"), need)
(True, False)
>>> can_read_need(Viewer.expert("usr:3", "exp:x"), need.shared("exp:x"))
False
>>> path_is_visible(firm, ["need:1", "topic:ir", "exp:x"], ["Need", "Topic", "Expert"],
...                 own={"ent:a", "need:1"})
True
>>> path_is_visible(firm, ["need:1", "ent:b", "exp:x"], ["Need", "Enterprise", "Expert"],
...                 own={"ent:a", "need:1"})
False
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import Any

from duijie.graph.accounts import Role
from duijie.graph.places import find_places, place_path
from duijie.graph.vocab import PARTY_REASONS, Confidentiality
from duijie.matcher.reasons import as_reason
from duijie.matcher.region_paths import normalise_place, region_chain

PRIVATE_KINDS = frozenset({"Enterprise", "Need", "Meeting", "Outcome"})
"""Kinds that belong to one firm: shown to others only when they are the viewer's own."""


@dataclass(frozen=True)
class Viewer:
    """Who is asking. `role` None is the operator at the command line (sees all)."""

    user_id: str | None
    role: Role | None
    party_id: str | None = None
    scope: str | None = None  # an organiser's region
    show_scores: bool = True

    @classmethod
    def operator(cls) -> Viewer:
        return cls(None, None)

    @classmethod
    def organiser(cls, user_id: str, scope: str | None = None) -> Viewer:
        return cls(user_id, Role.ORGANISER, scope=scope)

    @classmethod
    def analyst(cls, user_id: str, scope: str | None = None) -> Viewer:
        """Reads the analysis of outcomes in its scope; not staff: no confidential need."""
        return cls(user_id, Role.ANALYST, scope=scope)

    @classmethod
    def enterprise(cls, user_id: str, firm_id: str) -> Viewer:
        return cls(user_id, Role.ENTERPRISE, firm_id, show_scores=False)

    @classmethod
    def expert(cls, user_id: str, expert_id: str) -> Viewer:
        return cls(user_id, Role.EXPERT, expert_id, show_scores=False)

    @property
    def sees_everything(self) -> bool:
        return self.role is None or (self.role is Role.ORGANISER and not self.scope)

    @property
    def is_staff(self) -> bool:
        """The operator or an organiser: may see confidential needs (in scope)."""
        return self.role in (None, Role.ORGANISER)


@dataclass(frozen=True)
class NeedFacts:
    """What the rules need to know of a need: its firm, level, region and shares."""

    id: str
    owner: str | None
    confidentiality: str = Confidentiality.PUBLIC
    regions: frozenset[str] = frozenset()
    shared_with: frozenset[str] = field(default_factory=frozenset)

    def shared(self, *party_ids: str) -> NeedFacts:
        return replace(self, shared_with=self.shared_with | set(party_ids))

    @property
    def confidential(self) -> bool:
        return self.confidentiality == Confidentiality.CONFIDENTIAL


def in_scope(viewer: Viewer, regions: Iterable[str | None],
             region_ancestors: Mapping[str, Iterable[str]] | None = None) -> bool:
    """An organiser with a region scope sees records of that region or of a region
    inside it, by the region hierarchy (the gazetteer of `graph.places`, and the graph's
    ``part_of`` edges when `region_ancestors` gives them), not by the spelling: an
    organiser of 绍兴市 sees 柯桥区, one of 柯桥区 does not see 越城区 (both in 绍兴).

    >>> shaoxing, keqiao = Viewer.organiser("u", "绍兴市"), Viewer.organiser("u", "柯桥区")
    >>> in_scope(shaoxing, {"柯桥区"}), in_scope(keqiao, {"越城区"}), in_scope(keqiao, {"绍兴"})
    (True, False, False)
    >>> in_scope(Viewer.organiser("u", "嘉兴"), {"嘉兴市海盐县"}), in_scope(
    ...     Viewer.organiser("u", "嘉兴"), {"西安"})
    (True, False)
    >>> in_scope(Viewer.organiser("u", "绍兴市柯桥区"), {"柯桥"})
    True
    >>> in_scope(Viewer.organiser("u", "西安"), {"高新区"}, {"高新区": ["西安市"]})
    True
    """
    if not viewer.scope:
        return True
    key = _scope_place(viewer.scope)
    return any(key in (region_chain(r, region_ancestors) if region_ancestors
                       else _region_places(r)) for r in regions if r)


@lru_cache(maxsize=256)
def _scope_place(scope: str) -> str:
    """The most specific place a scope names (绍兴市柯桥区 -> 柯桥), normalised."""
    places = [normalise_place(p) for p in find_places(scope)]
    if not places:
        return normalise_place(scope)
    return max(places, key=lambda p: len(place_path(p) or ()))


@lru_cache(maxsize=8192)
def _region_places(region: str) -> frozenset[str]:
    """A region and every region it lies in, by the gazetteer (kept: asked per record)."""
    return frozenset(region_chain(region))


def can_read_need(viewer: Viewer, need: NeedFacts) -> bool:
    if viewer.role is None:
        return True
    if viewer.role is Role.ORGANISER:
        return in_scope(viewer, need.regions)
    if viewer.role is Role.ENTERPRISE:
        return need.owner is not None and need.owner == viewer.party_id
    return not need.confidential and viewer.party_id in need.shared_with


def can_edit_need(viewer: Viewer, need: NeedFacts) -> bool:
    """Organisers (in scope) and the firm that submitted it."""
    if viewer.role is Role.EXPERT:
        return False
    return can_read_need(viewer, need)


def path_is_visible(viewer: Viewer, node_ids: Sequence[str], kinds: Sequence[str], *,
                    own: Iterable[str] = (), hidden: Iterable[str] = ()) -> bool:
    """May this viewer read an explanation path? Staff see every path that does not pass
    a need they may not read (`hidden`); others see only paths whose firm-owned nodes
    (firms, needs, meetings, outcomes) are their own."""
    hidden = set(hidden)
    if any(n in hidden for n in node_ids):
        return False
    if viewer.is_staff:
        return True
    own = set(own)
    return all(kind not in PRIVATE_KINDS or node in own
               for node, kind in zip(node_ids, kinds, strict=True))


SHOWN_TO_PARTIES = frozenset({"published", "locked", "held", "no_show"})
"""Meeting statuses a firm or an expert sees: a proposal is the organisers' draft until
it is published."""


def can_read_meeting(viewer: Viewer, firm_id: str | None, helper_id: str | None,
                     regions: Iterable[str] = (), status: str = "published") -> bool:
    """Staff (in scope) read every meeting; a firm or an expert only the meetings it sits
    in, once published.

    >>> can_read_meeting(Viewer.enterprise("u", "ent:a"), "ent:a", "exp:x")
    True
    >>> can_read_meeting(Viewer.enterprise("u", "ent:a"), "ent:a", "exp:x", status="proposed")
    False
    >>> can_read_meeting(Viewer.enterprise("u", "ent:b"), "ent:a", "exp:x")
    False
    """
    if viewer.is_staff:
        return in_scope(viewer, regions)
    return (viewer.party_id is not None and viewer.party_id in (firm_id, helper_id)
            and status in SHOWN_TO_PARTIES)


def reasons_for(viewer: Viewer, reasons: Sequence[str | Mapping[str, Any]]
                ) -> list[dict[str, Any]]:
    """The reasons of a match as this viewer may read them, structured
    (`matcher.reasons`; reasons stored as words are read too): staff all of them; a firm
    or an expert the kinds of `graph.vocab.PARTY_REASONS` (none names another firm).

    >>> [r["code"] for r in reasons_for(Viewer.enterprise("u", "ent:a"), [
    ...     "共同主题: 红外", "图谱关联：红外 → 乙公司 → 西电",
    ...     {"code": "industry_peer", "values": {"firm": "乙公司", "industry": "光电"}}])]
    ['shared_topic']
    """
    read = [as_reason(r) for r in reasons]
    if viewer.is_staff:
        return read
    return [r for r in read if r["code"] in PARTY_REASONS]
