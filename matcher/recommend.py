"""Hybrid recommendation, the pure part: weights, seeds, conflicts, combination, results.

A candidate's score is a weighted sum of components, each in [0, 1]:

* ``text``: text affinity (BM25) divided by the best affinity any candidate of the
  query has, so the best textual match scores 1; then, for the candidates shown, only
  the share that the matched words shown to people carry (`matcher.ranking`);
* ``graph``: personalised PageRank from the need's seeds divided by the best PPR
  score among the candidates (seeds themselves are not candidates);
* ``rules``: for programmes, `EligibilityResult.score` of the need's firm.

The weights per candidate kind, the seed weights and the solver's settings live in a
versioned file; the packaged one (``matcher/config/recommend_v1.json``) is
`default_config()`, a user's file is read by `api.services.recommendations.load_config`.
A `RecommendConfig` round-trips through ``to_dict``/``from_dict``; unknown keys, and
weights that leave out a candidate kind, raise.

Nothing here reads a store: `matcher.recommender` ranks from a plain snapshot.

>>> cfg = default_config()
>>> cfg.version, cfg.weights["Programme"]["rules"]
(1, 0.5)
>>> combine({"text": {"a": 1.0, "b": 0.2}, "graph": {"b": 1.0}}, {"text": 0.6, "graph": 0.4})
{'a': 0.6, 'b': 0.52}
"""

from __future__ import annotations

import copy
import difflib
import heapq
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

from duijie.graph.errors import InvalidInput
from duijie.graph.vocab import illustrative_mark
from duijie.matcher.notes import note
from duijie.matcher.reasons import item_reasons, render_reason
from duijie.matcher.semantic import BY_PAIR

DEFAULT_CONFIG = "config/recommend_v1.json"
"""The packaged config, relative to the `duijie.matcher` package."""

KINDS = {"expert": "Expert", "institute": "Institute", "programme": "Programme",
         "program": "Programme", "enterprise": "Enterprise", "need": "Need"}
"""Kind names a caller may use (CLI, API) → node kinds."""

CANDIDATE_KINDS = ("Expert", "Institute", "Programme", "Enterprise", "Need")
"""Kinds a config gives weights for: every kind `KINDS` names."""

COMPONENTS = ("text", "graph", "rules")
MEANING_SHOWN = 0.8
"""A ``meaning`` component at least this high is said as a reason (close in meaning)."""
MAX_K = 1000


@dataclass
class RecommendConfig:
    """Everything that tunes `recommend`, as data (see ``recommend_v1.json``)."""

    version: int = 1
    weights: dict[str, dict[str, float]] = field(default_factory=dict)
    seed_weights: dict[str, float] = field(default_factory=dict)
    alpha: float = 0.85
    tol: float = 1e-6
    method: str = "direct"
    text_pool: int = 300
    max_paths: int = 2
    text_params: dict[str, Any] = field(default_factory=dict)
    semantic_weight: float | str = BY_PAIR
    """With stored embeddings (``duijie[semantic]``), the share of the text weight that
    meaning takes: ``"by_pair"`` (the default) takes each candidate's from the query's and
    its profile's languages, the quality harness's choice per pair (0.6 both Chinese, 0.03
    both English, 0.8 across: `matcher.semantic.SEMANTIC_WEIGHT_BY_GROUP`); a number from
    0 to 1 is used for every pair. Stored as given, resolved per ranking."""

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], where: str = "recommend config"
                  ) -> RecommendConfig:
        unknown = set(data) - set(cls.__dataclass_fields__)
        if unknown:
            raise InvalidInput(f"unknown key(s) (known: {', '.join(cls.__dataclass_fields__)})",
                               value=sorted(unknown), where=where)
        cfg = cls(**copy.deepcopy(dict(data)))
        for kind, weights in cfg.weights.items():
            if kind not in KINDS.values():
                raise InvalidInput("is not a candidate kind", value=kind,
                                   where=f"{where}, weights")
            bad = [c for c in weights if c not in COMPONENTS]
            if bad or any(w < 0 for w in weights.values()) or not any(weights.values()):
                raise InvalidInput(f"needs weights >= 0 for {', '.join(COMPONENTS)}, "
                                   "not all zero", value=weights,
                                   where=f"{where}, weights.{kind}")
        bad_seeds = set(cfg.seed_weights) - set(SEED_ROLES)
        if bad_seeds:
            raise InvalidInput(f"unknown seed role(s) (known: {', '.join(SEED_ROLES)})",
                               value=sorted(bad_seeds), where=f"{where}, seed_weights")
        missing = [kind for kind in CANDIDATE_KINDS if kind not in cfg.weights]
        if missing:
            raise InvalidInput(f"leaves out {', '.join(missing)}: give weights for every "
                               f"candidate kind ({', '.join(CANDIDATE_KINDS)})",
                               value=sorted(cfg.weights), where=f"{where}, weights")
        if cfg.semantic_weight != BY_PAIR and (
                isinstance(cfg.semantic_weight, bool)
                or not isinstance(cfg.semantic_weight, int | float)
                or not 0 <= cfg.semantic_weight <= 1):
            raise InvalidInput(f'must be "{BY_PAIR}" or a number from 0 to 1',
                               value=cfg.semantic_weight, where=f"{where}, semantic_weight")
        return cfg

    def to_dict(self) -> dict[str, Any]:
        return copy.deepcopy({name: getattr(self, name) for name in self.__dataclass_fields__})

    def get_params(self, deep: bool = True) -> dict[str, Any]:
        """scikit-learn's spelling of `to_dict`, so the config can sit in a param grid."""
        return self.to_dict()

    def set_params(self, **params: Any) -> RecommendConfig:
        return RecommendConfig.from_dict({**self.to_dict(), **params})


@cache
def _packaged_config() -> str:
    return resources.files("duijie.matcher").joinpath(DEFAULT_CONFIG).read_text("utf-8")


def default_config() -> RecommendConfig:
    """The packaged recommendation config (``matcher/config/recommend_v1.json``)."""
    return RecommendConfig.from_dict(json.loads(_packaged_config()),
                                     where=DEFAULT_CONFIG.rsplit("/", 1)[-1])


SEED_ROLES = ("need", "enterprise", "topic", "region", "collaborator", "candidate",
              "affiliation")
"""Roles of seed nodes: the need itself, its enterprise, its topics, its region, the
enterprise's past collaborators; for the reverse direction the candidate itself and
its affiliation."""


def seed_weights(roles: Mapping[str, Iterable[str]], weights: Mapping[str, float]
                 ) -> dict[str, float]:
    """PPR restart weights from seed nodes grouped by role.

    A role's weight is shared among its nodes, so a need with five topics does not
    drown its enterprise; a node in two roles gets both shares.

    >>> seed_weights({"need": ["need:1"], "topic": ["t:a", "t:b"]},
    ...              {"need": 1.0, "topic": 1.0})
    {'need:1': 1.0, 't:a': 0.5, 't:b': 0.5}
    """
    out: dict[str, float] = {}
    for role, nodes in roles.items():
        if role not in SEED_ROLES:
            raise InvalidInput(f"is not a seed role (known: {', '.join(SEED_ROLES)})",
                               value=role, where="seeds")
        nodes = list(dict.fromkeys(nodes))
        w = float(weights.get(role, 0.0))
        if not nodes or w <= 0:
            continue
        for node in nodes:
            out[node] = out.get(node, 0.0) + w / len(nodes)
    return out


def normalise(scores: Mapping[str, float]) -> dict[str, float]:
    """Scores divided by the largest (all zeros stay zeros).

    >>> normalise({"a": 2.0, "b": 0.5, "c": 0.0})
    {'a': 1.0, 'b': 0.25, 'c': 0.0}
    """
    top = max(scores.values(), default=0.0)
    if top <= 0:
        return {c: 0.0 for c in scores}
    return {c: max(s, 0.0) / top for c, s in scores.items()}


def combine(components: Mapping[str, Mapping[str, float]], weights: Mapping[str, float]
            ) -> dict[str, float]:
    """Weighted sum of normalised components over every candidate any component names.

    Missing component values count 0; weights are divided by their sum so a score
    stays in [0, 1].
    """
    total = sum(weights.get(c, 0.0) for c in components) or 1.0
    out: dict[str, float] = {}
    for name, scores in components.items():
        w = weights.get(name, 0.0) / total
        if w == 0:
            continue
        for cand, s in scores.items():
            out[cand] = out.get(cand, 0.0) + w * s
    for scores in components.values():
        for cand in scores:
            out.setdefault(cand, 0.0)
    return {c: round(s, 12) for c, s in out.items()}


def top_k(scores: Mapping[str, float], k: int) -> list[str]:
    """The k best ids, ties broken by id so results are stable.

    >>> top_k({"b": 1.0, "a": 1.0, "c": 0.5}, 2)
    ['a', 'b']
    """
    pairs = [(-s, c) for c, s in scores.items()]  # compared in C, no key function
    if 4 * k < len(pairs):  # the few best of many: a heap of k, not a whole sort
        return [c for _, c in heapq.nsmallest(k, pairs)]
    return [c for _, c in sorted(pairs)[:k]]


def check_k(k: Any) -> int:
    """k as an int in [1, MAX_K], or `InvalidInput`.

    >>> check_k(0)
    Traceback (most recent call last):
    ...
    duijie.graph.errors.InvalidInput: k: 0 must be an integer from 1 to 1000
    """
    if isinstance(k, bool) or not isinstance(k, int) or not 1 <= k <= MAX_K:
        raise InvalidInput(f"must be an integer from 1 to {MAX_K}", value=k, where="k")
    return k


def check_kind(kind: str) -> str:
    """A node kind from a caller's kind name (expert, 专家 is not accepted: say expert)."""
    key = str(kind).strip().lower()
    if key in KINDS:
        return KINDS[key]
    if kind in KINDS.values():
        return kind
    known = ", ".join(sorted(set(KINDS) - {"program"}))
    raise InvalidInput(f"is not a candidate kind (known: {known})", value=kind, where="kind")


def close_names(value: str, known: Iterable[str], n: int = 5) -> list[str]:
    """Known names that look or sound like `value`: those containing it or contained in
    it, then the closest by characters or by pinyin (西按 sounds like 西安).

    >>> close_names("西按", ["西安", "延安", "杭州", "西宁"])
    ['西安', '西宁', '延安']
    """
    from pypinyin import lazy_pinyin

    def sound(text: str) -> str:
        return " ".join(lazy_pinyin(text))

    known = sorted(set(known))
    inside = [k for k in known if value and (value in k or k in value)]
    heard = sound(value)
    scored = []
    for name in known:
        ratio = max(difflib.SequenceMatcher(None, value, name).ratio(),
                    difflib.SequenceMatcher(None, heard, sound(name)).ratio())
        if ratio >= 0.5:
            scored.append((-ratio, name))
    close = [name for _, name in sorted(scored)]
    return list(dict.fromkeys(inside + close))[:n]


@dataclass(frozen=True)
class Party:
    """Who a conflict of interest is checked for: an organisation and its group."""

    id: str | None = None
    name: str | None = None
    group: str | None = None
    org_ids: frozenset[str] = frozenset()  # the organisation and every org of its group


def conflict_reasons(firm: Party, candidate_id: str, candidate_kind: str,
                     candidate_props: Mapping[str, Any],
                     affiliations: Iterable[str] = ()) -> list[str]:
    """Why a candidate must not be proposed to a firm (empty if it may).

    Same organisation, same group (``group`` property), or an expert affiliated with
    the firm or with an organisation of its group (by edge or by ``affiliation`` name).

    >>> firm = Party("ent:a", "大立科技", "大立集团", frozenset({"ent:a", "ent:b"}))
    >>> conflict_reasons(firm, "exp:1", "Expert", {"affiliation": "大立科技"})
    ['专家任职于需求方（大立科技）']
    >>> conflict_reasons(firm, "ent:c", "Enterprise", {"group": "大立集团"})
    ['与需求方同属大立集团']
    >>> conflict_reasons(firm, "inst:x", "Institute", {})
    []
    """
    reasons = []
    if firm.id is None and not firm.name:
        return reasons
    if candidate_id == firm.id or (candidate_id in firm.org_ids and candidate_kind != "Expert"):
        reasons.append(note("own_organisation"))
    group = candidate_props.get("group")
    if firm.group and group and group == firm.group:
        reasons.append(note("same_group", group=firm.group))
    if candidate_kind == "Expert":
        if any(a == firm.id or a in firm.org_ids for a in affiliations):
            reasons.append(note("expert_of_group"))
        elif firm.name and candidate_props.get("affiliation") == firm.name:
            reasons.append(note("expert_of_firm", firm=firm.name))
    return list(dict.fromkeys(reasons))


@dataclass
class RecommendedItem:
    """One candidate: its score, the components, and why."""

    id: str
    kind: str
    name: str
    score: float
    components: dict[str, float]
    matched_terms: list[dict[str, Any]] = field(default_factory=list)
    paths: list[dict[str, Any]] = field(default_factory=list)
    rules: dict[str, Any] | None = None
    region: str | None = None
    matched_phrases: list[str] = field(default_factory=list)
    illustrative: bool = False  # an invented candidate: its name carries 示意

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "kind": self.kind, "name": self.name,
                "illustrative": self.illustrative,
                "score": round(self.score, 6),
                "components": {k: round(v, 6) for k, v in self.components.items()},
                "region": self.region or None,
                "explanation": {"matched_phrases": self.matched_phrases,
                                "matched_terms": self.matched_terms, "paths": self.paths,
                                "rules": self.rules, "reasons": self.reasons()}}

    def reasons(self) -> list[dict[str, Any]]:
        """Why it fits, as structured reasons (`matcher.reasons`): the matched words, then
        what its graph paths mean."""
        phrases = self.matched_phrases or [t["term"] for t in self.matched_terms[:6]]
        close = self.components.get("meaning", 0.0) >= MEANING_SHOWN
        return item_reasons(phrases, self.paths, similar_meaning=close)

    def lines(self, lang: str = "zh") -> list[str]:
        """The reasons and the programme's eligibility as short lines for people."""
        lines = [render_reason(r, lang) for r in self.reasons()]
        if self.rules is not None:
            verdict = {"zh": {"eligible": "政策资格：符合申报条件",
                              "not_eligible": "政策资格：不符合申报条件",
                              "unknown": "政策资格：资格待核实"},
                       "en": {"eligible": "Eligibility: eligible",
                              "not_eligible": "Eligibility: not eligible",
                              "unknown": "Eligibility: to be checked"}}
            # a verdict an invented threshold decides says so, as its checks do
            lines.append(verdict.get(lang, verdict["zh"])[self.rules["status"]]
                         + illustrative_mark(self.rules.get("illustrative"), lang))
            text = "text" if lang == "zh" else "text_en"
            for c in self.rules["failed"]:
                lines.append(f"  ✗ {c[text]}")
            for c in self.rules["unknown"]:
                lines.append(f"  ? {c[text]}")
            for c in self.rules["passed"][:3]:
                lines.append(f"  ✓ {c[text]}")
        return lines


QUERY_KEYS = ("kind", "need", "title", "text", "candidate", "name", "firm", "firm_name",
              "region", "note", "illustrative")
"""What a `Recommendation.query` holds (None when not given): the candidate kind asked
for, the need (id and title) or the text, or the candidate (id and name) of the reverse
direction; the firm asking (id and name), the region filter, a note on the query, and
whether a record it names is invented (`illustrative`, never None)."""


def query_dict(**given: Any) -> dict[str, Any]:
    """A query with every key of `QUERY_KEYS`.

    >>> query_dict(kind="Expert", need="need:1")["text"] is None
    True
    """
    unknown = set(given) - set(QUERY_KEYS)
    if unknown:
        raise InvalidInput("are not query keys", value=sorted(unknown), where="query")
    return {key: given.get(key) for key in QUERY_KEYS} | {
        "illustrative": bool(given.get("illustrative"))}


@dataclass
class Recommendation:
    """A ranked list with what was asked, and why it is short or empty when it is."""

    query: dict[str, Any]
    items: list[RecommendedItem]
    reason: str | None = None
    excluded: dict[str, int] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {"query": self.query, "count": len(self.items),
                "items": [i.to_dict() for i in self.items], "reason": self.reason or None,
                "excluded": dict(self.excluded)}


def empty_reason(kind: str, n_candidates: int, excluded: Mapping[str, int]) -> str:
    """Why nothing could be recommended, in one line.

    >>> empty_reason("Expert", 0, {})
    '图中没有Expert类候选 (no Expert candidates in the graph)'
    >>> empty_reason("Expert", 3, {"地区不在西安": 3})
    '3个候选均被排除：地区不在西安 3 (all 3 candidates excluded)'
    """
    if n_candidates == 0:
        return note("no_candidates", kind=kind)
    shown = "，".join(f"{r} {n}" for r, n in excluded.items())
    return note("all_excluded", count=n_candidates, excluded=shown)
