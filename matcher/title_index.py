"""Title weighting: each profile's document titles (their first lines) as a second index.

The quality harness measured, for Chinese queries, the shipped fusion plus the profile's
titles scored alone (BM25 over each document's first line, one concat row a profile) at
weight 0.1, each part divided by its best score for the query (`evaluation.methods.fuse`
of `titles`), and chose it (README, "Text matching"). `TextAffinity` keeps that second
index when a query language's `matcher.fusion.TITLE_WEIGHT_BY_LANGUAGE` is above 0 and calls these
functions; the words shown to people still come from the main index.

>>> first_line("红外探测器\\n摘要：本文研究……")
'红外探测器'
>>> import numpy as np
>>> profiles, scores = with_titles(np.array([0, 2]), np.array([4.0, 2.0]),
...                                np.array([1, 2]), np.array([1.0, 2.0]), 0.1)
>>> profiles.tolist(), [round(s, 2) for s in scores.tolist()]
([0, 1, 2], [0.9, 0.05, 0.55])
"""

from __future__ import annotations

import numpy as np


def first_line(text: str) -> str:
    """A document's title: its first line (`evaluation.methods.titles`), or its first
    non-blank line when the first is blank (an index needs some text)."""
    head = text.split("\n", 1)[0]
    if head.strip():
        return head
    return next(line for line in text.split("\n") if line.strip())


def title_profiles(ids: list[str], doc_ids: list[str], texts: list[str],
                   n_docs) -> list[dict]:
    """Profiles of titles: the same ids and documents, each document its first line."""
    out, at = [], 0
    for pid, n in zip(ids, np.asarray(n_docs).tolist(), strict=True):
        out.append({"id": pid, "docs": [{"id": doc_ids[j], "text": first_line(texts[j])}
                                        for j in range(at, at + n)]})
        at += n
    return out


def with_titles(profiles: np.ndarray, scores: np.ndarray, title_profiles_: np.ndarray,
                title_scores: np.ndarray, weight: float) -> tuple[np.ndarray, np.ndarray]:
    """``(1 - weight) * score / best score + weight * title / best title`` over the union
    of both parts' profiles (sorted); a part whose best is 0 adds nothing."""
    union = np.union1d(profiles, title_profiles_)
    out = np.zeros(len(union))
    for part, values, w in ((profiles, scores, 1 - weight),
                            (title_profiles_, title_scores, weight)):
        top = values.max() if len(values) else 0.0
        if top > 0:
            out[np.searchsorted(union, part)] += w * (values / top)
    return union, out


def fuse_parts(main: np.ndarray, title: np.ndarray, weight: float, main_top: float,
               title_top: float) -> np.ndarray:
    """``(1 - weight) * main / main_top + weight * title / title_top``, a part whose best
    is 0 adding nothing (the sums `with_titles` makes, for profiles listed apart).

    >>> fuse_parts(np.array([4.0, 0.0]), np.array([1.0, 2.0]), 0.1, 4.0, 2.0).tolist()
    [0.9500000000000001, 0.1]
    """
    out = np.zeros(len(main))
    if main_top > 0:
        out += (1 - weight) * (main / main_top)
    if title_top > 0:
        out += weight * (title / title_top)
    return out


def titled_candidates(model, tokens: list[str], cols, weights, k: int, weight: float,
                      titles: float) -> tuple[np.ndarray, np.ndarray]:
    """A fitted `TextAffinity`'s candidates for its top k, with the titles fused in,
    each scored as its `_profile_scores` scores it: the profiles that may be in the top k
    by the main score, and of the others those whose titles score high enough to pass the
    k-th of them (their main score is below the concat bound, which bounds it)."""
    n = model.n_rows_main_
    dense = model._concat_dense(cols, weights)
    depth = k if weight == 0 else min(max(k, model.fusion_depth), len(model.profile_ids_))
    bound = model._block_bound(dense, depth)
    chosen = dense >= bound if bound > 0 else dense > 0
    rows = np.flatnonzero(chosen)
    owner, side = model._side_scores(cols, weights)
    profiles = np.r_[rows, owner].astype(np.int64)
    scores = np.r_[dense[rows], side]
    top_concat = scores.max() if len(scores) else 0.0
    if weight > 0:
        scores = model._fuse(tokens, profiles, scores, weight)
    titled = model.title_model_
    t_cols, t_weights = titled._vector(tokens)
    t_dense = titled._concat_dense(t_cols, t_weights)
    t_owner, t_side = titled._side_scores(t_cols, t_weights)
    # added profiles matched by titles alone (sorting every candidate costs more than
    # the titles' scoring when there are none)
    extra_side = np.setdiff1d(t_owner, profiles) if len(t_owner) else t_owner
    profiles = np.r_[profiles, extra_side]
    scores = np.r_[scores, np.zeros(len(extra_side))]
    main_top = scores.max() if len(scores) else 0.0
    title_top = max(t_dense.max(), t_side.max() if len(t_side) else 0.0)
    side_title = np.zeros(len(model.profile_ids_) - n)
    side_title[t_owner - n] = t_side

    def title_of(ps: np.ndarray) -> np.ndarray:
        return np.where(ps < n, t_dense[np.minimum(ps, n - 1)], side_title[
            np.maximum(ps - n, 0)]) if len(side_title) else t_dense[ps]

    final = fuse_parts(scores, title_of(profiles), titles, main_top, title_top)
    # The others: main score below what concat at the bound gives (0 when none).
    below = 0.0 if bound <= 0 else ((1 - weight) * bound / top_concat if weight > 0
                                    else bound)
    need = -np.inf
    if len(final) >= k and title_top > 0:
        kth = -np.partition(-final, k - 1)[k - 1]
        rest = fuse_parts(np.array([below]), np.zeros(1), titles, main_top, title_top)[0]
        need = (kth - rest) / titles * title_top - 1e-9 * title_top  # ties kept
    extra = np.flatnonzero(~chosen[:n] & (t_dense[:n] > 0) & (t_dense[:n] >= need))
    if len(extra):
        x = dense[extra]
        part = (1 - weight) * x / top_concat if weight > 0 and top_concat > 0 else (
            x if weight == 0 else np.zeros(len(x)))
        profiles = np.r_[profiles, extra]
        final = np.r_[final, fuse_parts(part, t_dense[extra], titles, main_top, title_top)]
    keep = final > 0
    return profiles[keep], final[keep]
