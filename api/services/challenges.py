"""Challenge lists (需求凝练, 榜单): themes condensed from many firms' needs, and their edits.

Themes are computed over every open need of the graph (`matcher.challenges`) by a run
(`recompute_challenges`: on demand, from the page, the API or `duijie challenges
recompute`, and on the first listing of a graph without themes) and stored as `Theme`
nodes with their needs, telling terms and the run's figures. A listing reads them from
the store, never clustering again; it shows a viewer only the needs that viewer may
read (a confidential need appears for organisers only), only open needs and, with
`region` or `industry`, only the needs of firms there; and it says how many open needs
came after the run (`unthemed`). Each theme lists its needs, its firms and the experts
and institutes the matcher ranks best for the theme's needs taken together (for an
organiser of one region, the experts of that region).

Organisers rename, merge and split themes. An edit pins every stored theme: from then
on those themes keep their needs over the next runs and new needs join the closest of
them; an edit that names a theme at another revision than the stored one (or a theme
that no longer exists) is refused with `Conflict` (HTTP 409, exit 4).

>>> from duijie.graph import open_store
>>> from duijie.api.services.seeding import load_seed
>>> store = open_store(":memory:"); _ = load_seed(store)
>>> lists = challenge_lists(store, suppliers=0)
>>> lists.count > 1 and lists.count == len(lists.themes) and lists.unthemed == 0
True
>>> first = lists.themes[0]
>>> renamed = rename_theme(store, first.id, "测试榜单", rev=first.rev)
>>> [t.name for t in challenge_lists(store, suppliers=0).themes if t.id == first.id]
['测试榜单']
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from duijie.api.services import Result
from duijie.api.services.access import Viewer, in_scope
from duijie.api.services.needs import OPERATOR, visible_needs
from duijie.api.services.regions import firm_ids_in
from duijie.graph.errors import Conflict, Forbidden, InvalidInput, at
from duijie.graph.model import Node
from duijie.graph.store import GraphStore, WriteBatch, iter_nodes
from duijie.matcher.challenges import (
    Cancelled,
    ClusteringCancelled,
    Progress,
    condense,
    telling_terms,
    theme_id,
    vectorise,
    whole_words,
)

CLOSED = {"not_pursued", "signed"}  # needs no longer open to a challenge list


@dataclass
class ThemeNeed(Result):
    id: str
    title: str
    firm_id: str | None
    firm_name: str | None
    illustrative: bool  # the need or its firm is invented (示意)


@dataclass
class ThemeSupplier(Result):
    id: str
    kind: str
    name: str
    score: float | None
    illustrative: bool


@dataclass
class Theme(Result):
    id: str
    name: str
    renamed: bool
    terms: list[str]
    pinned: bool
    rev: int
    needs: list[ThemeNeed]
    firms: list[dict]
    suppliers: list[ThemeSupplier]


@dataclass
class ChallengeLists(Result):
    region: str | None
    industry: str | None
    criterion: str
    k: int
    silhouette: float | None
    tried: dict
    needs_total: int
    count: int
    themes: list[Theme]
    computed_at: str | None = None  # the run the themes come from (None: no run yet)
    unthemed: int = 0  # open needs that came after it (a new run groups them)
    job: str | None = None  # a run going on now (the web's job id), if any


@dataclass
class ChallengeRun(Result):
    computed_at: str
    k: int
    silhouette: float | None
    needs: int
    themes: int
    pinned: int  # themes kept as organisers edited them


@dataclass
class ThemeEdited(Result):
    action: str
    theme_ids: list[str]
    pinned: int


def _open_needs(store: GraphStore) -> dict[str, Node]:
    return {n.id: n for n in iter_nodes(store, "Need", page_size=5000)
            if n.props.get("status") not in CLOSED}


def _text(need: Node) -> str:
    p = need.props
    return " ".join(str(v) for v in (p.get("title"), p.get("tech_field"), p.get("text")) if v)


def _stored(store: GraphStore) -> dict[str, Node]:
    return {n.id: n for n in iter_nodes(store, "Theme")}


def recompute_challenges(store: GraphStore, *, viewer: Viewer = OPERATOR,
                         progress: Progress | None = None,
                         cancelled: Cancelled | None = None) -> ChallengeRun:
    """Cluster the open needs again and store the themes, in one write.

    Pinned (edited) themes keep their needs and take the new needs closest to them;
    the other stored themes are replaced by this run's. A theme edited meanwhile makes
    the write fail whole (`Conflict`): run it again. `progress(stage, done, total)` hears
    each stage (reading, the clustering's stages, storing); once `cancelled()` says so
    the run stops at its next check with `ClusteringCancelled`, nothing written.
    """
    may_edit_themes(viewer)
    if progress is not None:
        progress("reading", 0, 0)
    needs = _open_needs(store)
    stored = _stored(store)
    pinned = {tid: n.props.get("needs", []) for tid, n in stored.items()
              if n.props.get("pinned", True)}
    result = condense({i: _text(n) for i, n in needs.items()}, pinned, progress=progress,
                      cancelled=cancelled)
    run = {"criterion": result.criterion, "k": result.k, "silhouette": result.silhouette,
           "tried": {str(k): v for k, v in result.tried.items()},
           # to the microsecond: two runs within one second stay ordered
           "computed_at": datetime.now(UTC).isoformat(timespec="microseconds"),
           "needs": len(needs)}
    batch = WriteBatch()
    made = set()
    for draft in result.themes:
        node = stored.get(draft.id)
        renamed = bool(node and node.props.get("renamed"))
        batch.upsert_node(Node(draft.id, "Theme", {
            "name": node.name if renamed else "、".join(draft.terms[:3]) or draft.id,
            "renamed": renamed, "needs": draft.need_ids, "terms": draft.terms[:20],
            "pinned": draft.pinned, "run": run}), replace_props=True,
            expect_rev=node.rev if node else 0, where="challenge run")
        made.add(draft.id)
    for tid, node in stored.items():
        if tid not in made:
            batch.delete_node(tid, expect_rev=node.rev)
    if cancelled is not None and cancelled():  # the last moment a cancel changes anything
        raise ClusteringCancelled("clustering was cancelled; nothing was changed",
                                  where="challenges (storing)")
    if progress is not None:
        progress("storing", 0, len(result.themes))
    store.apply(batch)
    return ChallengeRun(run["computed_at"], result.k, result.silhouette, len(needs),
                        len(result.themes), sum(1 for t in result.themes if t.pinned))


def has_themes(store: GraphStore) -> bool:
    """Whether a run has stored themes (a listing before the first run has none)."""
    return bool(store.find_nodes("Theme", limit=1))


def _themes(store: GraphStore, run_if_none: bool) -> dict[str, Node]:
    """The stored themes; a graph that has none gets its first run now if asked."""
    stored = _stored(store)
    if not stored and run_if_none:
        recompute_challenges(store)
        stored = _stored(store)
    return stored


def challenge_lists(store: GraphStore, *, region: str | None = None,
                    industry: str | None = None, suppliers: int = 5,
                    viewer: Viewer = OPERATOR, run_if_none: bool = True) -> ChallengeLists:
    """The stored themes of open needs this viewer may read, with firms and best-placed
    helpers (read from the store: a run, not a listing, clusters the needs).

    `suppliers`: how many experts and how many institutes to rank per theme (0: none).
    `run_if_none`: a graph without stored themes gets its first run now (the CLI);
    without it (the web, which runs it as a job) the answer has no themes and no
    `computed_at` until the run has stored them.
    """
    if not viewer.is_staff:
        raise Forbidden(key="challenges.organisers_only", where=at("where.challenges"))
    if suppliers < 0 or suppliers > 50:
        raise InvalidInput(key="map.between", params={"least": 0, "most": 50},
                           value=suppliers, where=at("field.suppliers"))
    firm_ids = firm_ids_in(store, region, industry)
    stored = _themes(store, run_if_none)
    readable = {r.node.id: r for r in visible_needs(store, viewer)
                if r.node.props.get("status") not in CLOSED}
    themed = {n for node in stored.values() for n in node.props.get("needs", [])}
    rec, experts = None, None
    if suppliers:
        from duijie.api.services.recommendations import shared_recommender
        rec = shared_recommender(store)
        if viewer.scope:  # an organiser of one region is offered that region's experts
            experts = {n.id for n in iter_nodes(store, "Expert")
                       if in_scope(viewer, [n.props.get("region") or ""])}
    themes = []
    for node in stored.values():
        shown = [readable[i] for i in node.props.get("needs", []) if i in readable and (
            firm_ids is None or (readable[i].firm is not None and readable[i].firm.id in firm_ids))]
        if not shown:
            continue
        words = list(node.props.get("terms", []))
        renamed = bool(node.props.get("renamed"))
        name = node.name if renamed else "、".join(words[:3]) or shown[0].node.name
        firms = {r.firm.id: r.firm for r in shown if r.firm is not None}
        themes.append(Theme(
            node.id, name, renamed, words, bool(node.props.get("pinned", True)), node.rev,
            [ThemeNeed(r.node.id, r.node.shown_name, r.firm.id if r.firm else None,
                       r.firm.shown_name if r.firm else None,
                       r.node.illustrative or bool(r.firm and r.firm.illustrative))
             for r in shown],
            [{"id": f.id, "name": f.shown_name, "illustrative": f.illustrative}
             for f in sorted(firms.values(), key=lambda f: f.name)],
            _suppliers(rec, shown, words, suppliers, experts) if rec else []))
    themes.sort(key=lambda t: (-len(t.needs), t.name))
    run = next((n.props["run"] for n in stored.values() if n.props.get("run")), None) or {}
    return ChallengeLists(region, industry, run.get("criterion", ""), run.get("k", 0),
                          run.get("silhouette"), dict(run.get("tried", {})),
                          sum(len(t.needs) for t in themes), len(themes), themes,
                          run.get("computed_at"), sum(1 for i in readable if i not in themed))


def _suppliers(rec, shown, words: list[str], k: int, experts: set[str] | None
               ) -> list[ThemeSupplier]:
    # The matcher ranks helpers for the theme as one unsaved need: its terms and titles.
    text = " ".join(words + [r.node.name for r in shown[:30]])
    out = []
    for kind in ("expert", "institute"):
        within = experts if kind == "expert" else None
        try:
            ranked = rec.recommend(text=text, kind=kind, k=k, explain=False, within=within)
        except InvalidInput:
            continue
        out += [ThemeSupplier(i.id, i.kind, i.name, round(i.score, 4), i.illustrative)
                for i in ranked.items]
    return out


def _current(store: GraphStore, theme_ids: Sequence[str], revs: Sequence[int]
             ) -> dict[str, Node]:
    if len(theme_ids) != len(revs):
        raise InvalidInput(key="challenges.one_rev_per_theme", params={
            "themes": len(theme_ids), "revs": len(revs)}, where=at("field.rev"))
    stored = _stored(store)
    for tid, rev in zip(theme_ids, revs, strict=True):
        node = stored.get(tid)
        if node is None or node.rev != rev:
            raise Conflict(key="challenges.stale_theme", value=tid[:80],
                           where=at("where.theme"))
    return stored


def _terms_of(store: GraphStore, need_ids: Sequence[str]) -> list[str]:
    """The telling words of some needs, among themselves (a merged or split theme)."""
    needs = store.get_nodes(need_ids)
    ids = [i for i in need_ids if i in needs]
    if not ids:
        return []
    texts = [_text(needs[i]) for i in ids]
    matrix, terms = vectorise(texts)
    return telling_terms(matrix, terms, list(range(len(ids))), words=whole_words(texts))[:20]


def _pin_all(store: GraphStore, stored: dict[str, Node], changed: dict[str, dict],
             deleted: set[str]) -> int:
    """Pin every stored theme (so all survive the next run), with `changed` applied; one
    write, each theme checked against the revision read."""
    batch = WriteBatch()
    pinned = 0
    for tid, node in stored.items():
        if tid in deleted:
            batch.delete_node(tid, expect_rev=node.rev)
            continue
        props = {**node.props, "pinned": True, **changed.get(tid, {})}
        if props != node.props:
            batch.upsert_node(Node(tid, "Theme", props), replace_props=True,
                              expect_rev=node.rev)
            pinned += 1
    for tid, props in changed.items():
        if tid not in stored:
            batch.upsert_node(Node(tid, "Theme", {"pinned": True, **props}),
                              replace_props=True, expect_rev=0)
            pinned += 1
    store.apply(batch)
    return pinned


def _name(name: str) -> str:
    name = (name or "").strip()
    if not name or len(name) > 300:
        raise InvalidInput(key="challenges.name_length", value=name[:80],
                           where=at("field.name"))
    return name


def may_edit_themes(viewer: Viewer) -> None:
    """Refuse (`Forbidden`) a viewer who may not run or edit themes: they span every
    region, so only an organiser who sees all may reshape them.

    >>> may_edit_themes(Viewer.organiser("u1"))
    >>> may_edit_themes(Viewer.organiser("u2", "绍兴"))  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    duijie.graph.errors.Forbidden: challenges: only an organiser without a region scope ...
    """
    if not viewer.sees_everything:
        raise Forbidden(key="challenges.unscoped_only", where=at("where.challenges"))


def rename_theme(store: GraphStore, theme: str, name: str, *, rev: int,
                 viewer: Viewer = OPERATOR) -> ThemeEdited:
    """Give a theme the organiser's name (kept over its computed terms)."""
    may_edit_themes(viewer)
    name = _name(name)
    stored = _current(store, [theme], [rev])
    count = _pin_all(store, stored, {theme: {"name": name, "renamed": True}}, set())
    return ThemeEdited("rename", [theme], count)


def merge_themes(store: GraphStore, themes: Sequence[str], *, revs: Sequence[int],
                 name: str | None = None, viewer: Viewer = OPERATOR) -> ThemeEdited:
    """Merge two or more themes into the first; the others disappear."""
    may_edit_themes(viewer)
    if len(set(themes)) < 2:
        raise InvalidInput(key="challenges.merge_two", value=len(themes),
                           where=at("where.themes"))
    stored = _current(store, themes, revs)
    keep = stored[themes[0]]
    members = sorted({n for t in themes for n in stored[t].props.get("needs", [])})
    terms = _terms_of(store, members)
    renamed = bool(name) or bool(keep.props.get("renamed"))
    props = {"needs": members, "terms": terms, "renamed": renamed,
             "name": _name(name) if name else (keep.name if renamed
                                                else "、".join(terms[:3]) or keep.id)}
    count = _pin_all(store, stored, {keep.id: props}, set(themes[1:]))
    return ThemeEdited("merge", [keep.id], count)


def split_theme(store: GraphStore, theme: str, need_ids: Sequence[str], *, rev: int,
                name: str | None = None, viewer: Viewer = OPERATOR) -> ThemeEdited:
    """Move some needs of a theme into a new theme of their own."""
    may_edit_themes(viewer)
    stored = _current(store, [theme], [rev])
    node = stored[theme]
    members = node.props.get("needs", [])
    moved = sorted(set(need_ids))
    outside = [n for n in moved if n not in members]
    if outside:
        raise InvalidInput(key="challenges.not_theme_needs", value=", ".join(outside)[:120],
                           where=at("where.needs"))
    if not moved or len(moved) == len(members):
        raise InvalidInput(key="challenges.split_some", value=len(moved),
                           where=at("where.needs"))
    new = theme_id(moved)
    while new in stored:
        new = theme_id([*moved, new])
    staying = [n for n in members if n not in moved]
    kept_terms, moved_terms = _terms_of(store, staying), _terms_of(store, moved)
    kept = {"needs": staying, "terms": kept_terms}
    if not node.props.get("renamed"):
        kept["name"] = "、".join(kept_terms[:3]) or node.name
    created = {"needs": moved, "terms": moved_terms, "renamed": bool(name),
               "name": _name(name) if name else "、".join(moved_terms[:3]) or new}
    count = _pin_all(store, stored, {theme: kept, new: created}, set())
    return ThemeEdited("split", [theme, new], count)
