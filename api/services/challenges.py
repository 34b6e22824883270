"""Challenge lists (需求凝练, 榜单): themes condensed from many firms' needs, and their edits.

Themes are computed over every open need of the graph (`matcher.challenges`), then shown
to a viewer with only the needs that viewer may read (a confidential need appears in a
theme for organisers only) and, with `region` or `industry`, only the needs of firms
there. Each theme lists its needs, its firms and the experts and institutes the matcher
ranks best for the theme's needs taken together.

Organisers rename, merge and split themes. The first edit stores every current theme as
a `Theme` node (pinned): from then on those themes keep their needs, new needs join the
closest of them, and an edit that names a theme at another revision than the stored one
(or a theme that no longer exists) is refused with `Conflict` (HTTP 409, exit 4).

>>> from duijie.graph import open_store
>>> from duijie.api.services.seeding import load_seed
>>> store = open_store(":memory:"); _ = load_seed(store)
>>> lists = challenge_lists(store, suppliers=0)
>>> lists.count > 1 and lists.count == len(lists.themes)
True
>>> first = lists.themes[0]
>>> renamed = rename_theme(store, first.id, "测试榜单", rev=first.rev)
>>> [t.name for t in challenge_lists(store, suppliers=0).themes if t.id == first.id]
['测试榜单']
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from duijie.api.services import Result
from duijie.api.services.access import Viewer
from duijie.api.services.needs import OPERATOR, visible_needs
from duijie.api.services.regions import firm_ids_in
from duijie.graph.errors import Conflict, Forbidden, InvalidInput
from duijie.graph.model import Node
from duijie.graph.store import GraphStore, WriteBatch, iter_nodes
from duijie.matcher.challenges import (
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


def _condensed(store: GraphStore):
    needs = _open_needs(store)
    stored = _stored(store)
    result = condense({i: _text(n) for i, n in needs.items()},
                      {tid: n.props.get("needs", []) for tid, n in stored.items()})
    return needs, stored, result


def challenge_lists(store: GraphStore, *, region: str | None = None,
                    industry: str | None = None, suppliers: int = 5,
                    viewer: Viewer = OPERATOR) -> ChallengeLists:
    """The themes of open needs this viewer may read, with firms and best-placed helpers.

    `suppliers`: how many experts and how many institutes to rank per theme (0: none).
    """
    if not viewer.is_staff:
        raise Forbidden("challenge lists are for organisers", where="challenges")
    if suppliers < 0 or suppliers > 50:
        raise InvalidInput("must be between 0 and 50", value=suppliers, where="suppliers")
    firm_ids = firm_ids_in(store, region, industry)
    needs, stored, result = _condensed(store)
    readable = {r.node.id: r for r in visible_needs(store, viewer)}
    ids = sorted(needs)
    texts = [_text(needs[i]) for i in ids]
    matrix, terms = vectorise(texts) if ids else (None, None)
    vocabulary = whole_words(texts)
    row = {need_id: r for r, need_id in enumerate(ids)}
    rec = None
    if suppliers:
        from duijie.api.services.recommendations import shared_recommender
        rec = shared_recommender(store)
    themes = []
    for draft in result.themes:
        shown = [readable[i] for i in draft.need_ids if i in readable and (
            firm_ids is None or (readable[i].firm is not None and readable[i].firm.id in firm_ids))]
        if not shown:
            continue
        words = telling_terms(matrix, terms, [row[r.node.id] for r in shown], words=vocabulary)
        node = stored.get(draft.id)
        renamed = bool(node and node.props.get("renamed"))
        name = node.name if renamed else "、".join(words[:3]) or shown[0].node.name
        firms = {r.firm.id: r.firm for r in shown if r.firm is not None}
        themes.append(Theme(
            draft.id, name, renamed, words, draft.pinned, node.rev if node else 0,
            [ThemeNeed(r.node.id, r.node.shown_name, r.firm.id if r.firm else None,
                       r.firm.shown_name if r.firm else None,
                       r.node.illustrative or bool(r.firm and r.firm.illustrative))
             for r in shown],
            [{"id": f.id, "name": f.shown_name, "illustrative": f.illustrative}
             for f in sorted(firms.values(), key=lambda f: f.name)],
            _suppliers(rec, shown, words, suppliers) if rec else []))
    themes.sort(key=lambda t: (-len(t.needs), t.name))
    return ChallengeLists(region, industry, result.criterion, result.k, result.silhouette,
                          {str(k): v for k, v in result.tried.items()}, sum(
                              len(t.needs) for t in themes), len(themes), themes)


def _suppliers(rec, shown, words: list[str], k: int) -> list[ThemeSupplier]:
    # The matcher ranks helpers for the theme as one unsaved need: its terms and titles.
    text = " ".join(words + [r.node.name for r in shown[:30]])
    out = []
    for kind in ("expert", "institute"):
        try:
            ranked = rec.recommend(text=text, kind=kind, k=k, explain=False)
        except InvalidInput:
            continue
        out += [ThemeSupplier(i.id, i.kind, i.name, round(i.score, 4), i.illustrative)
                for i in ranked.items]
    return out


def _current(store: GraphStore, theme_ids: Sequence[str], revs: Sequence[int]):
    if len(theme_ids) != len(revs):
        raise InvalidInput("give one --rev per theme, in the same order",
                           value=f"{len(theme_ids)} themes, {len(revs)} revisions", where="rev")
    needs, stored, result = _condensed(store)
    by_id = {t.id: t for t in result.themes}
    for tid, rev in zip(theme_ids, revs, strict=True):
        node = stored.get(tid)
        if tid not in by_id or (node.rev if node else 0) != rev:
            raise Conflict("has changed since it was listed (another edit, or new needs "
                           "regrouped it); list the challenges again", value=tid[:80],
                           where="theme")
    return needs, stored, result, by_id


def _pin_all(store: GraphStore, batch: WriteBatch, stored: dict[str, Node], result,
             changed: dict[str, dict], deleted: set[str]) -> int:
    """Store every theme (so all survive re-clustering), with `changed` props applied."""
    pinned = 0
    for draft in result.themes:
        if draft.id in deleted:
            continue
        node = stored.get(draft.id)
        props = {"name": (node.name if node and node.props.get("renamed")
                          else "、".join(draft.terms[:3]) or draft.id),
                 "renamed": bool(node and node.props.get("renamed")),
                 "needs": draft.need_ids}
        props.update(changed.get(draft.id, {}))
        if node is None or props != {k: node.props.get(k) for k in props}:
            batch.upsert_node(Node(draft.id, "Theme", props), replace_props=True,
                              expect_rev=node.rev if node else 0)
            pinned += 1
    for tid, props in changed.items():
        if tid not in {d.id for d in result.themes}:
            batch.upsert_node(Node(tid, "Theme", props), replace_props=True, expect_rev=0)
            pinned += 1
    for tid in deleted:
        batch.delete_node(tid, expect_rev=stored[tid].rev if tid in stored else None)
    store.apply(batch)
    return pinned


def _name(name: str) -> str:
    name = (name or "").strip()
    if not name or len(name) > 300:
        raise InvalidInput("must be 1-300 characters", value=name[:80], where="name")
    return name


def _may_edit(viewer: Viewer) -> None:
    # Themes span every region: only an organiser who sees all may reshape them.
    if not viewer.sees_everything:
        raise Forbidden("only an organiser without a region scope may edit themes",
                        where="challenges")


def rename_theme(store: GraphStore, theme: str, name: str, *, rev: int,
                 viewer: Viewer = OPERATOR) -> ThemeEdited:
    """Give a theme the organiser's name (kept over its computed terms)."""
    _may_edit(viewer)
    name = _name(name)
    _, stored, result, by_id = _current(store, [theme], [rev])
    count = _pin_all(store, WriteBatch(), stored, result,
                     {theme: {"name": name, "renamed": True, "needs": by_id[theme].need_ids}},
                     set())
    return ThemeEdited("rename", [theme], count)


def merge_themes(store: GraphStore, themes: Sequence[str], *, revs: Sequence[int],
                 name: str | None = None, viewer: Viewer = OPERATOR) -> ThemeEdited:
    """Merge two or more themes into the first; the others disappear."""
    _may_edit(viewer)
    if len(set(themes)) < 2:
        raise InvalidInput("name two or more different themes to merge", value=len(themes),
                           where="themes")
    _, stored, result, by_id = _current(store, themes, revs)
    keep = themes[0]
    members = sorted({n for t in themes for n in by_id[t].need_ids})
    node = stored.get(keep)
    props = {"needs": members,
             "renamed": bool(name) or bool(node and node.props.get("renamed")),
             "name": _name(name) if name else (node.name if node and node.props.get("renamed")
                                                else "、".join(by_id[keep].terms[:3]) or keep)}
    count = _pin_all(store, WriteBatch(), stored, result, {keep: props}, set(themes[1:]))
    return ThemeEdited("merge", [keep], count)


def split_theme(store: GraphStore, theme: str, need_ids: Sequence[str], *, rev: int,
                name: str | None = None, viewer: Viewer = OPERATOR) -> ThemeEdited:
    """Move some needs of a theme into a new theme of their own."""
    _may_edit(viewer)
    _, stored, result, by_id = _current(store, [theme], [rev])
    members = by_id[theme].need_ids
    moved = sorted(set(need_ids))
    outside = [n for n in moved if n not in members]
    if outside:
        raise InvalidInput("are not needs of this theme", value=", ".join(outside)[:120],
                           where="needs")
    if not moved or len(moved) == len(members):
        raise InvalidInput("name some but not all of the theme's needs", value=len(moved),
                           where="needs")
    new = theme_id(moved)
    while new in by_id or new in stored:
        new = theme_id([*moved, new])
    node = stored.get(theme)
    kept = {"needs": [n for n in members if n not in moved],
            "renamed": bool(node and node.props.get("renamed")),
            "name": node.name if node else "、".join(by_id[theme].terms[:3]) or theme}
    created = {"needs": moved, "renamed": bool(name), "name": _name(name) if name else new}
    count = _pin_all(store, WriteBatch(), stored, result, {theme: kept, new: created}, set())
    return ThemeEdited("split", [theme, new], count)
