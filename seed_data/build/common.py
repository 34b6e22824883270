"""Record builders shared by the seed build modules: provenance, nodes, edges.

A fact from a seed document is written `Q(0, "exact quote")` (document 000);
the build script checks every quote is an exact substring of its document. A
public fact about a real organisation the documents do not give (its website,
its listing) is written `P(url, fact)`.
Anything without a quote is illustrative: provenance `illustrative` and the
`illustrative` flag set, on nodes and on edges alike.
"""

from __future__ import annotations

from typing import Any

SEED_FILES = {
    0: "000_6e910e093a9df034.txt",
    1: "001_0520cc004af2469a.txt",
    2: "002_955e07b0edd1b8b7.txt",
    3: "003_8f1be0d5f7140018.txt",
    4: "004_9e2b8a0a13e2c809.txt",
}
ILLUSTRATIVE = {"source": "illustrative"}


def Q(doc: int, quote: str) -> dict[str, str]:
    """Provenance of a fact quoted from seed document `doc`."""
    return {"source": f"seed:{SEED_FILES[doc]}", "quote": quote}


def P(url: str, fact: str) -> dict[str, str]:
    """Provenance of a public, checkable fact about a real organisation: where to check it
    (`public:<url>`) and the fact as stated there."""
    return {"source": f"public:{url}", "quote": fact}


def node(kind: str, node_id: str, props: dict[str, Any], *quotes: dict[str, str],
         aliases: tuple[str, ...] | list[str] = (), confidentiality: str = "public"
         ) -> dict[str, Any]:
    """A node record in `Node.to_dict()` form; no quote means illustrative."""
    props = {k: v for k, v in props.items() if v is not None}
    provenance = list(quotes)
    if not provenance:
        props["illustrative"] = True
        provenance = [dict(ILLUSTRATIVE)]
    return {"id": node_id, "kind": kind, "props": props, "aliases": list(aliases),
            "confidentiality": confidentiality, "provenance": provenance}


def edge(src: str, kind: str, dst: str, props: dict[str, Any] | None = None,
         *quotes: dict[str, str], key: str = "") -> dict[str, Any]:
    """An edge record in `Edge.to_dict()` form; no quote means illustrative."""
    props = {k: v for k, v in (props or {}).items() if v is not None}
    provenance = list(quotes)
    if not provenance:
        props["illustrative"] = True
        provenance = [dict(ILLUSTRATIVE)]
    out = {"src": src, "kind": kind, "dst": dst, "props": props, "provenance": provenance}
    if key:
        out["key"] = key
    return out
