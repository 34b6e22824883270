"""What the recommender reads off a `GraphSnapshot`: profile texts, regions, parties.

`SnapshotFacts` answers the plain questions ranking needs (a candidate's text
profile, the regions a node lies in with their ancestors, the firm behind a need, the
organisations of a firm's group) from one snapshot. Answers are cached; the
snapshot never changes, so the caches never go stale, and threads may share them.

>>> from duijie.matcher.snapshot import GraphSnapshot
>>> snap = GraphSnapshot.from_records(
...     [("reg:zj", "Region", {"name": "浙江"}), ("reg:hz", "Region", {"name": "杭州"}),
...      ("ent:dali", "Enterprise", {"name": "浙江大立科技", "industry": "红外"}),
...      ("topic:ir", "Topic", {"name": "红外探测"})],
...     [("reg:hz", "part_of", "reg:zj", 0.5), ("ent:dali", "located_in", "reg:hz", 0.2),
...      ("ent:dali", "has_expertise", "topic:ir", 1.0)])
>>> facts = SnapshotFacts(snap)
>>> sorted(facts.regions_of("ent:dali"))
['杭州', '浙江']
>>> facts.profile("ent:dali")["docs"][0]["text"]
'浙江大立科技\\n红外\\n红外探测'
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from duijie.graph.errors import InvalidInput
from duijie.graph.places import PLACES, place_path
from duijie.matcher.recommend import Party, close_names
from duijie.matcher.region_paths import normalise_place
from duijie.matcher.snapshot import GraphSnapshot


def join_text(*parts: Any) -> str:
    """The non-empty parts, one a line."""
    return "\n".join(str(p) for p in parts if p and str(p).strip())


class SnapshotFacts:
    """Profiles, regions, affiliations and parties of one snapshot (cached)."""

    def __init__(self, snapshot: GraphSnapshot):
        self.snapshot = snapshot
        self.groups: dict[str, set[str]] = defaultdict(set)
        self.experts_by_affiliation: dict[str, set[str]] = defaultdict(set)
        self.region_nodes_by_name: dict[str, list[str]] = defaultdict(list)
        self.topics: dict[str, str] = {}
        for node_id in snapshot.kinds:
            self._index(node_id)
        self._ancestors: dict[str, list[str]] = {}
        self._affiliations: dict[str, list[str]] = {}
        self._known_regions: set[str] | None = None
        self._by_region: dict[str, dict[str, frozenset[str]]] = {}
        self._in_region: dict[str, dict[str, frozenset[str]]] = {}

    def extended(self, snapshot: GraphSnapshot, node_ids: list[str], *,
                 same_regions: bool = False) -> SnapshotFacts:
        """The facts of `snapshot`, which is this one's with `node_ids` added: the
        indexes are copied and extended, the caches start empty. `same_regions`: the
        additions leave every known node's regions as they were (no new region, no new
        ``located_in``, ``affiliated_with`` or ``part_of`` edge from a known node), so
        the region index is grown instead of built again."""
        facts = SnapshotFacts.__new__(SnapshotFacts)
        facts.snapshot = snapshot
        facts.groups = defaultdict(set, {g: set(m) for g, m in self.groups.items()})
        facts.experts_by_affiliation = defaultdict(
            set, {a: set(m) for a, m in self.experts_by_affiliation.items()})
        facts.region_nodes_by_name = defaultdict(
            list, {n: list(ids) for n, ids in self.region_nodes_by_name.items()})
        facts.topics = dict(self.topics)
        for node_id in node_ids:
            facts._index(node_id)
        facts._ancestors, facts._affiliations, facts._known_regions = {}, {}, None
        facts._by_region = {}
        for kind, index in self._by_region.items():  # the new nodes join a copy
            grown = {region: set(ids) for region, ids in index.items()}
            for node_id in node_ids:
                if snapshot.kinds.get(node_id) == kind:
                    region = (snapshot.props.get(node_id) or {}).get("region") or ""
                    grown.setdefault(region, set()).add(node_id)
            facts._by_region[kind] = {r: frozenset(ids) for r, ids in grown.items()}
        facts._in_region = {}
        if same_regions:
            for kind, index in self._in_region.items():
                grown = {name: set(ids) for name, ids in index.items()}
                for node_id in node_ids:
                    if snapshot.kinds.get(node_id) == kind:
                        for name in facts.regions_of(node_id):
                            grown.setdefault(name, set()).add(node_id)
                facts._in_region[kind] = {n: frozenset(ids) for n, ids in grown.items()}
        return facts

    def _index(self, node_id: str) -> None:
        snap = self.snapshot
        props = snap.props.get(node_id) or {}
        if props.get("group"):
            self.groups[props["group"]].add(node_id)
        kind, name = snap.kinds.get(node_id), snap.names.get(node_id)
        if kind == "Expert" and props.get("affiliation"):
            self.experts_by_affiliation[props["affiliation"]].add(node_id)
        if kind == "Region" and name:
            self.region_nodes_by_name[normalise_place(name)].append(node_id)
        elif kind == "Topic" and name:
            self.topics[node_id] = name

    def profile(self, node_id: str) -> dict | None:
        """The text profile of a candidate: ``{"id", "docs": [{"id", "text"}]}``."""
        snap = self.snapshot
        kind = snap.kinds.get(node_id)
        props = snap.props.get(node_id, {})
        nbrs = snap.neighbours
        topics = [snap.name(t) for t in nbrs(node_id, "has_expertise", "out")
                  + nbrs(node_id, "about_topic", "out") + nbrs(node_id, "supports", "out",
                                                               "Topic")]
        tags = props.get("tags") or []
        docs = []
        if kind == "Expert":
            for d in props.get("docs") or []:
                docs.append({"id": d["id"], "text": join_text(d.get("title"), d.get("text"))})
            head = join_text(props.get("title"), " ".join(props.get("fields") or []),
                             props.get("description"), " ".join(tags), " ".join(topics))
        elif kind == "Institute":
            head = join_text(props.get("name"), props.get("description"), " ".join(tags),
                             " ".join(topics))
            for expert in nbrs(node_id, "affiliated_with", "in", "Expert")[:30]:
                for d in (snap.props.get(expert) or {}).get("docs") or []:
                    docs.append({"id": f"{expert}/{d['id']}",
                                 "text": join_text(d.get("title"), d.get("text"))})
        elif kind == "Programme":
            head = join_text(props.get("name"), props.get("description"), props.get("benefit"),
                             " ".join(props.get("industries") or []), " ".join(tags),
                             " ".join(topics))
        elif kind == "Enterprise":
            head = join_text(props.get("name"), props.get("industry"), props.get("description"),
                             " ".join(tags), " ".join(topics))
            for need in nbrs(node_id, "submitted", "out", "Need")[:30]:
                p = snap.props.get(need) or {}
                docs.append({"id": need, "text": join_text(p.get("title"), p.get("text"))})
        elif kind == "Need":
            head = join_text(props.get("title"), props.get("text"), props.get("tech_field"),
                             " ".join(topics))
        else:
            return None
        if head:
            docs.insert(0, {"id": "profile", "text": head})
        docs = [d for d in docs if d["text"].strip()]
        return {"id": node_id, "docs": docs} if docs else None

    def experts_named_at(self, organisation_name: str) -> set[str]:
        """The experts whose ``affiliation`` property is this name."""
        return self.experts_by_affiliation.get(organisation_name, set())

    def affiliations(self, node_id: str) -> list[str]:
        """Organisations a node is `affiliated_with`."""
        if node_id not in self._affiliations:
            self._affiliations[node_id] = self.snapshot.neighbours(
                node_id, "affiliated_with", "out")
        return self._affiliations[node_id]

    def firm_of(self, need_id: str) -> str | None:
        """The enterprise that submitted a need (None if none did)."""
        firms = self.snapshot.neighbours(need_id, "submitted", "in", "Enterprise")
        return firms[0] if firms else None

    def regions_of(self, node_id: str) -> set[str]:
        """Normalised names of the regions a node lies in, with every ancestor."""
        snap = self.snapshot
        names = []
        props = snap.props.get(node_id, {})
        if props.get("region"):
            names.append(props["region"])
        names += [snap.name(r) for r in snap.neighbours(node_id, "located_in", "out")]
        if not names and snap.kinds.get(node_id) == "Expert":
            for org in snap.neighbours(node_id, "affiliated_with", "out"):
                names += list(self.regions_of(org))
        out: set[str] = set()
        for name in names:
            out |= {normalise_place(a) for a in self.ancestors(name)} | {normalise_place(name)}
        return out

    def by_region(self, kind: str) -> dict[str, frozenset[str]]:
        """The nodes of `kind` by their ``region`` property as written ("" when none),
        indexed once per snapshot: a rule about regions is asked per distinct region
        (a few hundred) instead of per node (200,000 experts)."""
        index = self._by_region.get(kind)
        if index is None:
            grouped: dict[str, set[str]] = defaultdict(set)
            props = self.snapshot.props
            for node_id, node_kind in self.snapshot.kinds.items():
                if node_kind == kind:
                    grouped[(props.get(node_id) or {}).get("region") or ""].add(node_id)
            index = self._by_region[kind] = {r: frozenset(ids) for r, ids in grouped.items()}
        return index

    def in_region(self, kind: str, region: str) -> frozenset[str]:
        """The nodes of `kind` that lie in `region` (a normalised name, as `check_region`
        gives): ``region in regions_of(node)``, from an index built once per snapshot
        and kind, so a region filter reads a set instead of every candidate's regions.

        >>> from duijie.matcher.snapshot import GraphSnapshot
        >>> snap = GraphSnapshot.from_records([
        ...     ("exp:a", "Expert", {"region": "新昌"}),
        ...     ("exp:b", "Expert", {"region": "西安"})], [])
        >>> sorted(SnapshotFacts(snap).in_region("Expert", "浙江"))
        ['exp:a']
        """
        index = self._in_region.get(kind)
        if index is None:
            grouped: dict[str, set[str]] = defaultdict(set)
            for node_id, node_kind in self.snapshot.kinds.items():
                if node_kind == kind:
                    for name in self.regions_of(node_id):
                        grouped[name].add(node_id)
            index = self._in_region[kind] = {n: frozenset(ids) for n, ids in grouped.items()}
        return index.get(region, frozenset())

    def ancestors(self, region: str) -> list[str]:
        """Regions containing `region`: the snapshot's `part_of` edges, then the gazetteer."""
        if region not in self._ancestors:
            self._ancestors[region] = self._find_ancestors(region)
        return self._ancestors[region]

    def _find_ancestors(self, region: str) -> list[str]:
        out: list[str] = []
        short = normalise_place(region)
        path = place_path(short)
        if path:
            out += list(path[:-1])
        snap = self.snapshot
        for node in self.region_nodes_by_name.get(short, []):
            seen = {node}
            todo = [node]
            while todo:
                for parent in snap.neighbours(todo.pop(), "part_of", "out", "Region"):
                    if parent not in seen:
                        seen.add(parent)
                        todo.append(parent)
                        out.append(snap.name(parent))
        return list(dict.fromkeys(out))

    def known_regions(self) -> set[str]:
        """Every region name a filter may use: stored regions, regions of candidates, and
        the gazetteer's places."""
        if self._known_regions is None:
            names = set(self.region_nodes_by_name)
            names |= {normalise_place(p["region"]) for p in self.snapshot.props.values()
                      if p.get("region")}
            self._known_regions = names | set(PLACES)
        return self._known_regions

    def check_region(self, region: str) -> str:
        """A region filter as a normalised name, or `InvalidInput` with close known ones."""
        if not isinstance(region, str) or not region.strip():
            raise InvalidInput("is empty", value=region, where="region")
        short = normalise_place(region)
        known = self.known_regions()
        if short not in known:
            close = close_names(short, known)
            hint = f" (close known regions: {', '.join(close)})" if close else ""
            raise InvalidInput(f"is not a known region{hint}", value=region, where="region")
        return short

    def party(self, firm_id: str | None) -> Party:
        """The firm a conflict of interest is checked for, with its group's organisations."""
        if firm_id is None:
            return Party()
        props = self.snapshot.props.get(firm_id, {})
        orgs = {firm_id} | set(self.snapshot.neighbours(firm_id, "part_of", "both",
                                                        "Enterprise"))
        if props.get("group"):
            orgs |= self.groups.get(props["group"], set())
        return Party(firm_id, props.get("name"), props.get("group"), frozenset(orgs))
