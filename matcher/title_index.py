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


def fuse_titles(profiles: np.ndarray, scores: np.ndarray, title_rows: np.ndarray,
                side_profiles: np.ndarray, side_scores: np.ndarray, weight: float,
                n_profiles: int) -> tuple[np.ndarray, np.ndarray]:
    """`with_titles` with the titles' scores dense over the fitted profiles (``title_rows``,
    profile ``i`` at ``i``) and listed for added ones: the profiles of positive score
    (ascending) and their scores.

    >>> profiles, scores = fuse_titles(np.array([0, 2]), np.array([4.0, 2.0]),
    ...                                np.array([0.0, 1.0, 2.0]), np.zeros(0, int),
    ...                                np.zeros(0), 0.1, 3)
    >>> profiles.tolist(), [round(s, 2) for s in scores.tolist()]
    ([0, 1, 2], [0.9, 0.05, 0.55])
    """
    out = np.zeros(n_profiles)
    top = scores.max() if len(scores) else 0.0
    if top > 0:
        out[profiles] = (1 - weight) * (scores / top)
    top = max(title_rows.max() if len(title_rows) else 0.0,
              side_scores.max() if len(side_scores) else 0.0)
    if top > 0:
        out[: len(title_rows)] += weight * (title_rows / top)
        out[side_profiles] += weight * (side_scores / top)
    rows = np.flatnonzero(out)
    return rows, out[rows]
