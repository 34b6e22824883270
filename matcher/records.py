"""Validation of the records text affinity reads: profiles, documents, queries.

Each check returns the clean values or raises `InvalidInput` naming the record and field,
so the CLI can say "P.jsonl, line 4, docs[0], field text: '  ' is empty".
"""

from __future__ import annotations

from duijie.graph.errors import InvalidInput


def check_text(text, where: str) -> str:
    """A non-empty string, or `InvalidInput` naming where it came from."""
    if not isinstance(text, str):
        raise InvalidInput("must be a string", value=text, where=where)
    if not text.strip():
        raise InvalidInput("is empty", value=text, where=where)
    return text


def check_profile(profile, where: str) -> tuple[str, list[tuple[str, str]]]:
    """Validate ``{"id": ..., "docs": [{"id": ..., "text": ...}, ...]}``.

    Returns the profile id and its ``(doc_id, text)`` pairs; a missing doc id becomes the
    document's position.

    >>> check_profile({"id": "e1", "docs": [{"text": "碳纤维"}]}, "profiles[0]")
    ('e1', [('0', '碳纤维')])
    """
    if not isinstance(profile, dict):
        raise InvalidInput("must be an object with id and docs", value=profile, where=where)
    pid = profile.get("id")
    if not isinstance(pid, str | int) or isinstance(pid, bool) or str(pid).strip() == "":
        raise InvalidInput("is not a valid profile id", value=pid, where=f"{where}, field id")
    docs = profile.get("docs")
    if not isinstance(docs, list) or not docs:
        raise InvalidInput("must be a non-empty list of {id, text}", value=docs,
                           where=f"{where}, field docs")
    out = []
    for j, doc in enumerate(docs):
        if not isinstance(doc, dict):
            raise InvalidInput("must be an object with text", value=doc,
                               where=f"{where}, docs[{j}]")
        text = check_text(doc.get("text"), f"{where}, docs[{j}], field text")
        out.append((str(doc.get("id", j)), text))
    return str(pid), out


def check_query(query, where: str) -> tuple[str, str]:
    """Validate ``{"id": ..., "text": ...}``; returns ``(id, text)``.

    >>> check_query({"id": 7, "text": "需求"}, "queries[0]")
    ('7', '需求')
    """
    if not isinstance(query, dict):
        raise InvalidInput("must be an object with id and text", value=query, where=where)
    qid = query.get("id")
    if not isinstance(qid, str | int) or isinstance(qid, bool) or str(qid).strip() == "":
        raise InvalidInput("is not a valid query id", value=qid, where=f"{where}, field id")
    return str(qid), check_text(query.get("text"), f"{where}, field text")
